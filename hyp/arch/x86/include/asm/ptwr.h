/* SPDX-License-Identifier: GPL-2.0-only */
/* Decoding and computing guest stores to page-table entries (writable page tables). */
#ifndef ASM_PTWR_H
#define ASM_PTWR_H

#include "types.h"

enum ptwr_op {
    PTWR_MOV,
    PTWR_XCHG,
    PTWR_CMPXCHG,
    PTWR_AND,
    PTWR_OR,
};

struct ptwr_insn {
    enum ptwr_op op;
    unsigned int len;  /* bytes of the whole instruction */
    unsigned int size; /* operand size: 1, 2, 4 or 8 */
    int src_reg;       /* source register 0-15, or -1 for an immediate */
    u64 imm;           /* the immediate, extended as the CPU would */
    bool lock;
};

/*
 * Decode the instruction in b[0..avail) as one of the store forms a PV
 * kernel uses on its page tables. The memory operand's address is not
 * computed: the fault address (CR2) already says where it points.
 * Returns 0, or -1 for anything else (the fault then goes to the guest).
 */
int ptwr_decode(const u8 *b, size_t avail, struct ptwr_insn *in);

/*
 * Apply the decoded operation to the 8-byte entry `old` at byte offset
 * off (0-7) with source value src and accumulator rax (for cmpxchg).
 * Fills *new_pte, *old_out (the operand's previous value, for xchg and
 * cmpxchg results) and *zf (cmpxchg success / and-or result zero).
 * Returns -1 if the access is not contained in the entry.
 */
int ptwr_compute(const struct ptwr_insn *in, u64 old, unsigned int off, u64 src,
                 u64 rax, u64 *new_pte, u64 *old_out, bool *zf);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* The register frame every entry from guest or hypervisor saves. */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#ifndef __ASSEMBLY__
#include "types.h"

/*
 * Same order as the public cpu_user_regs so guest-visible copies are cheap:
 * the GPRs pushed by entry.S, then error code/vector, then the hardware
 * interrupt frame.
 */
struct cpu_regs {
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    u64 rax, rcx, rdx, rsi, rdi;
    u32 error_code;
    u32 entry_vector;
    u64 rip, cs, rflags, rsp, ss;
};
#endif

#ifndef __ASSEMBLY__
/* Print a frame's registers on the console (traps.c). */
void dump_regs(const struct cpu_regs *r);
#endif

/* entry_vector values that are not hardware vectors. */
#define ENTRY_SYSCALL 0x100

/* Frame offsets for assembly come from asm-offsets.c (asm-offsets.h). */

#endif

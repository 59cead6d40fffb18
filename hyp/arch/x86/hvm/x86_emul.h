/* SPDX-License-Identifier: GPL-2.0-only */
/* Interface of the x86 decoder/emulator behind HVM MMIO and port exits. */
#ifndef HVM_X86_EMUL_H
#define HVM_X86_EMUL_H

/*
 * The emulator knows nothing about domains, vCPUs or page tables: the
 * caller hands it the instruction bytes it fetched, the CPU mode, the
 * registers and segment bases, and a table of callbacks that reach guest
 * memory, devices and ports. It therefore builds unchanged on the host
 * (tests/unit/test_x86_emul.c) and in the hypervisor.
 *
 * What it executes, always with a memory operand (mod = 3 is refused):
 *   MOV 88-8B, C6 /0, C7 /0, A0-A3 (moffs); MOVZX/MOVSX 0F B6/B7/BE/BF;
 *   ADD/OR/ADC/SBB/AND/SUB/XOR/CMP 00-3B (the r/m forms), 80-83 group 1
 *   (82 outside 64-bit mode), TEST 84/85 and F6/F7 /0; XCHG 86/87;
 *   STOS AA/AB, MOVS A4/A5, INS 6C/6D, OUTS 6E/6F with or without REP;
 *   IN/OUT E4-E7, EC-EF.
 * Segment limits and access rights are not checked (a flat-segment guest
 * is assumed; the bases are applied). In 64-bit mode linear addresses are
 * checked to be canonical. I/O permission is not checked either: VMX and
 * SVM test IOPL and the TSS bitmap before the exit is taken.
 */

#include "types.h"

/* Architectural limit: a longer instruction raises #GP(0). */
#define X86_MAX_INSN_LEN 15

/* REP iterations per call when x86_emul.rep_limit is 0. */
#define X86_EMUL_REP_LIMIT 1024

/* Result of x86_decode(), x86_emulate() and of every callback. */
enum x86_emul_rc {
    /* Done: registers written back, rip advanced past the instruction. */
    X86_EMUL_OK = 0,
    /* Invalid or not emulated here (incl. LOCK misuse): inject #UD. */
    X86_EMUL_UNHANDLED,
    /* The instruction needs more bytes than the caller could fetch. */
    X86_EMUL_TRUNCATED,
    /* x86_emul.event holds the exception to inject. */
    X86_EMUL_EXCEPTION,
    /*
     * The access cannot complete now (e.g. a device model elsewhere must
     * answer); run the same instruction again later. Registers hold what
     * was committed: nothing, or the REP iterations already done.
     */
    X86_EMUL_RETRY,
    /*
     * Only from the read/write callbacks: the linear address maps to no
     * RAM but to the guest-physical address they stored in *gpa, which the
     * emulator then passes to mmio_read/mmio_write.
     */
    X86_EMUL_MMIO,
};

enum x86_emul_mode {
    X86_MODE_16, /* real mode, virtual-8086, or CS.D = 0 */
    X86_MODE_32, /* protected or compatibility mode with CS.D = 1 */
    X86_MODE_64, /* long mode with CS.L = 1 */
};

/* The mode from the control state, as the CPU selects default sizes. */
static inline enum x86_emul_mode x86_emul_mode_of(bool cr0_pe, bool eflags_vm,
                                                  bool efer_lma, bool cs_l,
                                                  bool cs_d)
{
    if (!cr0_pe || eflags_vm)
        return X86_MODE_16;
    if (efer_lma && cs_l)
        return X86_MODE_64;
    return cs_d ? X86_MODE_32 : X86_MODE_16;
}

/* Segment registers in their encoding order (ModRM sreg, prefixes). */
enum x86_seg {
    X86_SEG_ES,
    X86_SEG_CS,
    X86_SEG_SS,
    X86_SEG_DS,
    X86_SEG_FS,
    X86_SEG_GS,
    X86_SEG_NUM,
};

/* General registers in their encoding order (ModRM, SIB, REX). */
enum x86_gpr {
    X86_RAX,
    X86_RCX,
    X86_RDX,
    X86_RBX,
    X86_RSP,
    X86_RBP,
    X86_RSI,
    X86_RDI,
    X86_R8,
    X86_R9,
    X86_R10,
    X86_R11,
    X86_R12,
    X86_R13,
    X86_R14,
    X86_R15,
    X86_NR_GPRS,
};

/* RFLAGS bits the emulator reads or writes. */
#define X86_EMUL_CF 0x0001UL
#define X86_EMUL_PF 0x0004UL
#define X86_EMUL_AF 0x0010UL
#define X86_EMUL_ZF 0x0040UL
#define X86_EMUL_SF 0x0080UL
#define X86_EMUL_DF 0x0400UL
#define X86_EMUL_OF 0x0800UL
#define X86_EMUL_ARITH_FLAGS                                               \
    (X86_EMUL_CF | X86_EMUL_PF | X86_EMUL_AF | X86_EMUL_ZF | X86_EMUL_SF | \
     X86_EMUL_OF)

struct x86_emul_regs {
    u64 gpr[X86_NR_GPRS]; /* indexed by enum x86_gpr */
    u64 rip, rflags;
};

/* What the emulator executes; fixed by the opcode. */
enum x86_insn_kind {
    X86_K_ALU,      /* 00-3B r/m forms: insn.alu says which */
    X86_K_GRP1,     /* 80-83: ModRM.reg says which, imm the source */
    X86_K_TEST,     /* 84, 85 */
    X86_K_TEST_IMM, /* F6 /0, F7 /0 */
    X86_K_XCHG,     /* 86, 87 */
    X86_K_MOV,      /* 88-8B */
    X86_K_MOV_IMM,  /* C6 /0, C7 /0 */
    X86_K_MOFFS,    /* A0-A3 */
    X86_K_MOVX,     /* 0F B6, B7 (zero-extend), BE, BF (sign-extend) */
    X86_K_STOS,     /* AA, AB */
    X86_K_MOVS,     /* A4, A5 */
    X86_K_INS,      /* 6C, 6D */
    X86_K_OUTS,     /* 6E, 6F */
    X86_K_IN,       /* E4, E5, EC, ED */
    X86_K_OUT,      /* E6, E7, EE, EF */
    /*
     * Decoded for its length only, never executed: HLT F4, CPUID 0F A2,
     * RDMSR 0F 32, WRMSR 0F 30, INVD 0F 08, WBINVD 0F 09 and the 0F 01
     * register forms (VMRUN..SKINIT, VMMCALL, MONITOR, MWAIT, XSETBV):
     * what SVM intercepts without reporting a next RIP (no NRIPS).
     */
    X86_K_SYSTEM,
};

/* ALU operations in their group-1 (ModRM.reg) order. */
enum x86_alu {
    X86_ALU_ADD,
    X86_ALU_OR,
    X86_ALU_ADC,
    X86_ALU_SBB,
    X86_ALU_AND,
    X86_ALU_SUB,
    X86_ALU_XOR,
    X86_ALU_CMP,
    X86_ALU_TEST, /* only from 84, 85, F6, F7 */
};

/* A memory operand before registers are read: base + index*scale + disp. */
struct x86_ea {
    s8 base;      /* enum x86_gpr, or -1 */
    s8 index;     /* enum x86_gpr, or -1 */
    u8 scale;     /* 1, 2, 4 or 8 */
    bool rip_rel; /* relative to the next instruction (64-bit mode) */
    s64 disp;
};

/* One decoded instruction (x86_decode). */
struct x86_insn {
    enum x86_insn_kind kind;
    enum x86_alu alu; /* X86_K_ALU, X86_K_GRP1, X86_K_TEST* */
    u8 len;           /* bytes, 1 to X86_MAX_INSN_LEN */
    u8 opcode;        /* the byte after 0F when twobyte */
    bool twobyte;     /* 0F escape */
    u8 op_bytes;      /* operand size: 1, 2, 4 or 8 */
    u8 src_bytes;     /* X86_K_MOVX: size of the memory source */
    u8 addr_bytes;    /* address size: 2, 4 or 8 */
    u8 rex;           /* the REX byte in effect, or 0 */
    u8 rep;           /* 0, 0xf2 or 0xf3 */
    bool lock;        /* F0 */
    bool has_modrm;   /* ModRM forms; the operand is always memory */
    u8 reg;           /* ModRM.reg, with REX.R */
    /* The memory operand's segment (MOVS/OUTS: the source's); X86_SEG_NUM
     * for STOS, INS, IN, OUT, whose only memory is ES:rDI or none. */
    enum x86_seg seg;
    struct x86_ea ea; /* has_modrm forms */
    u64 moffs;        /* X86_K_MOFFS: the offset, zero-extended */
    u64 imm;          /* immediate, sign-extended as the CPU does */
};

/* An exception for the caller to inject (X86_EMUL_EXCEPTION). */
struct x86_emul_event {
    u8 vector;
    bool has_error_code;
    u32 error_code;
    u64 cr2; /* for #PF */
};

struct x86_emul;

/*
 * Callbacks. Each returns X86_EMUL_OK, or X86_EMUL_EXCEPTION with
 * e->event filled (x86_emul_raise), X86_EMUL_RETRY, or X86_EMUL_UNHANDLED;
 * read and write may also answer X86_EMUL_MMIO. Values travel in the low
 * size bytes of a u64, little-endian as in memory; size is 1, 2, 4 or 8.
 * A NULL callback makes instructions that need it unhandled.
 *
 * The hypervisor implements read/write with a guest page walk from the
 * linear address and a nested-paging lookup of the result: RAM is copied,
 * anything else is reported as X86_EMUL_MMIO with its guest-physical
 * address (or handled in place; both are fine). A page-crossing access is
 * the callback's to split.
 */
struct x86_emul_ops {
    int (*read)(struct x86_emul *e, u64 linear, unsigned int size, u64 *val,
                u64 *gpa);
    int (*write)(struct x86_emul *e, u64 linear, unsigned int size, u64 val,
                 u64 *gpa);
    int (*mmio_read)(struct x86_emul *e, u64 gpa, unsigned int size, u64 *val);
    int (*mmio_write)(struct x86_emul *e, u64 gpa, unsigned int size, u64 val);
    /* size 1, 2 or 4 */
    int (*io_read)(struct x86_emul *e, u16 port, unsigned int size, u32 *val);
    int (*io_write)(struct x86_emul *e, u16 port, unsigned int size, u32 val);
};

/*
 * Emulation state. The caller fills the inputs, calls x86_emulate and,
 * whatever the result, copies regs back: it holds exactly what was
 * committed. A read-modify-write (ALU on memory, XCHG) is not atomic, so
 * LOCK is honoured only in the sense that it is accepted where the CPU
 * accepts it; device registers do not need more.
 */
struct x86_emul {
    /* inputs */
    enum x86_emul_mode mode;
    struct x86_emul_regs regs;
    u64 seg_base[X86_SEG_NUM]; /* only FS and GS count in 64-bit mode */
    const struct x86_emul_ops *ops;
    void *priv;             /* the caller's */
    unsigned int rep_limit; /* 0: X86_EMUL_REP_LIMIT */

    /* outputs */
    struct x86_insn insn;
    struct x86_emul_event event;
    /*
     * A REP string instruction stopped at rep_limit with rCX not yet 0:
     * the result is X86_EMUL_OK but rip still points at it, so the guest
     * runs it again and the remaining iterations come back as new exits.
     */
    bool rep_partial;
};

/* For callbacks: record an exception and return X86_EMUL_EXCEPTION. */
static inline int x86_emul_raise(struct x86_emul *e, u8 vector,
                                 bool has_error_code, u32 error_code)
{
    e->event.vector = vector;
    e->event.has_error_code = has_error_code;
    e->event.error_code = error_code;
    return X86_EMUL_EXCEPTION;
}

/*
 * Decode bytes[0..avail) (at most X86_MAX_INSN_LEN are looked at) as one
 * instruction of mode. Returns X86_EMUL_OK, X86_EMUL_UNHANDLED,
 * X86_EMUL_TRUNCATED, or X86_EMUL_EXCEPTION when the instruction would be
 * longer than 15 bytes (#GP(0)). No byte past avail is read.
 */
int x86_decode(const u8 *bytes, size_t avail, enum x86_emul_mode mode,
               struct x86_insn *insn);

/*
 * Decode and execute one instruction against e (see above). What the
 * decoder refuses (X86_EMUL_TRUNCATED, an unhandled encoding, #GP for the
 * length) is refused before any callback runs, with regs unchanged.
 */
int x86_emulate(struct x86_emul *e, const u8 *bytes, size_t avail);

#endif

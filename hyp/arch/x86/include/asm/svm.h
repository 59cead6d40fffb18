/* SPDX-License-Identifier: GPL-2.0-only */
/* AMD-V (SVM): the VMCB layout, intercept bits and exit codes (AMD APM vol. 2, appendix B). */
#ifndef ASM_SVM_H
#define ASM_SVM_H

#include "types.h"

#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define VM_CR_SVMDIS (1UL << 4)
#define EFER_SVME (1UL << 12)

/* CPUID 0x8000000A EDX. */
#define SVM_FEAT_NPT (1U << 0)
#define SVM_FEAT_LBRV (1U << 1)
#define SVM_FEAT_NRIPS (1U << 3)
#define SVM_FEAT_VMCB_CLEAN (1U << 5)
#define SVM_FEAT_FLUSH_ASID (1U << 6)
#define SVM_FEAT_DECODE (1U << 7)

/* Intercept word 3 (VMCB offset 0x0c). */
#define SVM_INT_INTR (1U << 0)
#define SVM_INT_NMI (1U << 1)
#define SVM_INT_SMI (1U << 2)
#define SVM_INT_INIT (1U << 3)
#define SVM_INT_VINTR (1U << 4)
#define SVM_INT_CPUID (1U << 18)
#define SVM_INT_INVD (1U << 22)
#define SVM_INT_HLT (1U << 24)
#define SVM_INT_INVLPGA (1U << 26)
#define SVM_INT_IOIO (1U << 27)
#define SVM_INT_MSR (1U << 28)
#define SVM_INT_TASK_SWITCH (1U << 29)
#define SVM_INT_FERR_FREEZE (1U << 30)
#define SVM_INT_SHUTDOWN (1U << 31)
/* Intercept word 4 (VMCB offset 0x10). */
#define SVM_INT_VMRUN (1U << 0)
#define SVM_INT_VMMCALL (1U << 1)
#define SVM_INT_VMLOAD (1U << 2)
#define SVM_INT_VMSAVE (1U << 3)
#define SVM_INT_STGI (1U << 4)
#define SVM_INT_CLGI (1U << 5)
#define SVM_INT_SKINIT (1U << 6)
#define SVM_INT_RDTSCP (1U << 7)
#define SVM_INT_WBINVD (1U << 9)
#define SVM_INT_MONITOR (1U << 10)
#define SVM_INT_MWAIT (1U << 11)
#define SVM_INT_XSETBV (1U << 13)

/* Exit codes. */
#define SVM_EXIT_EXCP_BASE 0x40
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_SMI 0x62
#define SVM_EXIT_INIT 0x63
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_INVD 0x76
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_EXIT_SHUTDOWN 0x7f
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMMCALL 0x81
#define SVM_EXIT_WBINVD 0x89
#define SVM_EXIT_XSETBV 0x8d
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffffffffffULL

/* EXITINFO1 of an IOIO exit. */
#define SVM_IOIO_IN (1U << 0)
#define SVM_IOIO_STR (1U << 2)
#define SVM_IOIO_REP (1U << 3)
#define SVM_IOIO_SIZE_SHIFT 4 /* one-hot: 1, 2 or 4 bytes */
#define SVM_IOIO_PORT_SHIFT 16

/* EVENTINJ. */
#define SVM_EVTINJ_VALID (1U << 31)
#define SVM_EVTINJ_EV (1U << 11) /* push an error code */
#define SVM_EVTINJ_EXCEPTION (3U << 8)

/* TLB_CONTROL. */
#define SVM_TLB_FLUSH_NONE 0
#define SVM_TLB_FLUSH_ALL 1
#define SVM_TLB_FLUSH_ASID 3

#define SVM_IOPM_SIZE (3 * 4096)
#define SVM_MSRPM_SIZE (2 * 4096)

struct vmcb_seg {
    u16 sel;
    u16 attr; /* descriptor bits 40-47 and 52-55, packed */
    u32 limit;
    u64 base;
};

/* One 4 KiB page: control area at 0, state save area at 0x400. */
struct vmcb {
    u32 cr_intercepts;  /* 0x000: reads 0-15, writes 16-31 */
    u32 dr_intercepts;  /* 0x004 */
    u32 exc_intercepts; /* 0x008 */
    u32 intercepts3;    /* 0x00c */
    u32 intercepts4;    /* 0x010 */
    u32 intercepts5;    /* 0x014 */
    u8 rsvd0[0x3c - 0x18];
    u16 pause_filter_thresh; /* 0x03c */
    u16 pause_filter_count;  /* 0x03e */
    u64 iopm_base_pa;        /* 0x040 */
    u64 msrpm_base_pa;       /* 0x048 */
    u64 tsc_offset;          /* 0x050 */
    u32 asid;                /* 0x058 */
    u8 tlb_control;          /* 0x05c */
    u8 rsvd1[3];
    u64 vintr;       /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING (bit 24) */
    u64 int_shadow;  /* 0x068 */
    u64 exitcode;    /* 0x070 */
    u64 exitinfo1;   /* 0x078 */
    u64 exitinfo2;   /* 0x080 */
    u64 exitintinfo; /* 0x088 */
    u64 np_enable;   /* 0x090: bit 0 nested paging */
    u8 rsvd2[0xa8 - 0x98];
    u64 eventinj; /* 0x0a8 */
    u64 n_cr3;    /* 0x0b0 */
    u64 lbr_virt; /* 0x0b8 */
    u32 clean;    /* 0x0c0 */
    u32 rsvd3;
    u64 nrip;    /* 0x0c8 */
    u8 insn_len; /* 0x0d0 */
    u8 insn_bytes[15];
    u8 rsvd4[0x400 - 0xe0];
    /* State save area. */
    struct vmcb_seg es, cs, ss, ds, fs, gs; /* 0x400 */
    struct vmcb_seg gdtr, ldtr, idtr, tr;   /* 0x460 */
    u8 rsvd5[0x4cb - 0x4a0];
    u8 cpl; /* 0x4cb */
    u32 rsvd6;
    u64 efer; /* 0x4d0 */
    u8 rsvd7[0x548 - 0x4d8];
    u64 cr4;    /* 0x548 */
    u64 cr3;    /* 0x550 */
    u64 cr0;    /* 0x558 */
    u64 dr7;    /* 0x560 */
    u64 dr6;    /* 0x568 */
    u64 rflags; /* 0x570 */
    u64 rip;    /* 0x578 */
    u8 rsvd8[0x5d8 - 0x580];
    u64 rsp; /* 0x5d8 */
    u8 rsvd9[0x5f8 - 0x5e0];
    u64 rax;            /* 0x5f8 */
    u64 star;           /* 0x600 */
    u64 lstar;          /* 0x608 */
    u64 cstar;          /* 0x610 */
    u64 sfmask;         /* 0x618 */
    u64 kernel_gs_base; /* 0x620 */
    u64 sysenter_cs;    /* 0x628 */
    u64 sysenter_esp;   /* 0x630 */
    u64 sysenter_eip;   /* 0x638 */
    u64 cr2;            /* 0x640 */
    u8 rsvd10[0x668 - 0x648];
    u64 g_pat;  /* 0x668 */
    u64 dbgctl; /* 0x670 */
    u8 rsvd11[0x1000 - 0x678];
} __attribute__((packed, aligned(4096)));

/* Offsets from the AMD manual's VMCB layout table (appendix B). */
_Static_assert(__builtin_offsetof(struct vmcb, pause_filter_thresh) == 0x03c,
               "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, iopm_base_pa) == 0x040, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, asid) == 0x058, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, vintr) == 0x060, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, exitcode) == 0x070, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, np_enable) == 0x090, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, eventinj) == 0x0a8, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, n_cr3) == 0x0b0, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, clean) == 0x0c0, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, nrip) == 0x0c8, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, insn_len) == 0x0d0, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, tr) == 0x490, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, cpl) == 0x4cb, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5d8, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, star) == 0x600, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "VMCB");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "VMCB");
_Static_assert(sizeof(struct vmcb_seg) == 16, "VMCB segment");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");

#endif

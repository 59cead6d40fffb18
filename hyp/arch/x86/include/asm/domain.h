/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 parts of struct domain and struct vcpu, embedded as ->arch. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include "rangeset.h"
#include "types.h"
#include "asm/cpu_policy.h"
#include "asm/pagetype.h"
#include "asm/regs.h"
#include <public/arch-x86_64.h>

struct callback {
    u64 address;
    u32 flags; /* CALLBACKF_mask_events */
};

struct hvm_vcpu;
struct hvm_domain;

struct arch_vcpu {
    /* HVM vCPUs only (asm/hvm.h); NULL for PV. */
    struct hvm_vcpu *hvm;
    /* FPU/SSE state (fxsave image) while the vCPU is off its CPU. */
    u8 fpu[512] __attribute__((aligned(16)));
    /* Guest register state while the vCPU is not on a physical CPU. */
    struct cpu_regs regs;
    u16 ds, es, fs, gs; /* data selectors while off its CPU */
    struct trap_info trap_ctxt[256];
    struct callback event_cb, failsafe_cb, syscall_cb, syscall32_cb,
        sysenter_cb;
    u64 kernel_ss, kernel_sp;
    u64 fs_base, gs_base_kernel, gs_base_user;
    mfn_t guest_table;         /* kernel-mode L4 */
    mfn_t guest_table_user;    /* user-mode L4, 0 if none */
    bool kernel_mode;          /* guest kernel vs guest user mode */
    bool fpu_ts;               /* virtual CR0.TS */
    u64 cr2;                   /* last #PF address delivered */
    u64 vcr4;                  /* virtual CR4 */
    u64 dr[4];                 /* virtual DR0-3 */
    u64 dr6, dr7;              /* virtual DR6, DR7 as loaded */
    u32 dr7_emul;              /* I/O breakpoint enables, never loaded */
    u32 iopl;                  /* virtual IOPL (physdev set_iopl) */
    struct pv_preempt preempt; /* continuation state of long MMU work */
    mfn_t gdt_frames[14];      /* set_gdt: typed seg-desc frames, 0 = none */
    unsigned int gdt_ents;
    /*
     * The LDT (MMUEXT_SET_LDT, VCPUOP_initialise): where the guest put it,
     * and its pages mapped so far, each typed seg-desc, 0 until first use.
     */
    u64 ldt_base;
    mfn_t ldt_frames[16];
    unsigned int ldt_ents;
};

/* GSIs of the one IOAPIC Vesper assumes (QEMU's: 24 pins). */
#define NR_GSIS 24

struct arch_domain {
    /* HVM domains only (asm/hvm.h); NULL for PV. */
    struct hvm_domain *hvm;
    mfn_t hypercall_page_mfn;
    /* Latches of emulated port I/O (pv/ioport.c), as Xen keeps per domain. */
    u32 pci_cf8; /* last dword written to 0xcf8 */
    u8 cmos_idx; /* last byte written to the RTC index port 0x70 */
    /* physdev_op (hypercall/physdev.c): pirq + 1 of each GSI, 0 = none. */
    u16 gsi_pirq[NR_GSIS];
    u32 gsi_revoked;    /* GSIs unmapped once: no longer the domain's */
    mfn_t pirq_eoi_mfn; /* PHYSDEVOP_pirq_eoi_gmfn frame, 0 = none */
    /* What its CPUID answers (pv/emulate.c) and get/set_cpu_policy show. */
    struct cpu_policy cpu_policy;
    /*
     * XEN_DOMCTL_set_cpu_policy is refused (-EEXIST) once this is set: at
     * the toolstack's first unpause, or from the start for boot domains.
     */
    bool creation_finished;
    /* XEN_DOMCTL_settscinfo's mode and incarnation (always native TSC). */
    u32 tsc_mode, tsc_incarnation;
    /*
     * I/O rights, Xen's iomem_caps and ioport_caps: the machine frames
     * (outside RAM) it may map and the ports it may reach. Filled for the
     * hardware domain at build, changed by iomem/ioport_permission.
     */
    struct rangeset iomem_caps, ioport_caps;
};

#endif

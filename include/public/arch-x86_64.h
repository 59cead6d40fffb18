/* SPDX-License-Identifier: MIT */
/* x86-64 part of the PV guest ABI: selectors, address map, register frames. */
#ifndef VESPER_PUBLIC_ARCH_X86_64_H
#define VESPER_PUBLIC_ARCH_X86_64_H

#include "defs.h"

/*
 * Flat segment selectors the hypervisor provides in the reserved top of
 * every guest GDT (entries 260..262; see FIRST_RESERVED_GDT_ENTRY). A 64-bit
 * PV kernel runs in ring 3, so kernel and user share the same selectors.
 */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000 /* long mode ignores DS; null is fine */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS FLAT_KERNEL_SS64

#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS FLAT_USER_SS64

/*
 * The guest GDT is at most 16 frames; the hypervisor owns the entries from
 * frame 14 on (where the FLAT_* descriptors live), so the guest may only
 * fill entries below FIRST_RESERVED_GDT_ENTRY.
 */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/*
 * The hypervisor hole: guests may not map anything here. Its first 256 GiB
 * hold a read-only machine-to-phys (M2P) table, one 8-byte PFN per machine
 * frame, which PV guests read directly. The unsuffixed __ forms are for
 * assembly and linker scripts.
 */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END 0xFFFF880000000000
#define __MACH2PHYS_VIRT_START 0xFFFF800000000000
#define __MACH2PHYS_VIRT_END 0xFFFF804000000000

/* Guest kernels often define these themselves, so only fill the gap. */
#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END xen_mk_ulong(__HYPERVISOR_VIRT_END)
#endif
#define MACH2PHYS_VIRT_START xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* Which base HYPERVISOR_set_segment_base changes. */
#define SEGBASE_FS 0
#define SEGBASE_GS_USER 1
#define SEGBASE_GS_KERNEL 2
#define SEGBASE_GS_USER_SEL \
    3 /* load user %gs with the selector in base[15:0] */

/*
 * vcpu_guest_context.flags bits. VGCF_in_syscall is also the only
 * meaningful bit of iret_context.flags: it asks HYPERVISOR_iret to return
 * the way sysret would, leaving RCX and R11 alone.
 */
#define _VGCF_i387_valid 0
#define VGCF_i387_valid (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel 2
#define VGCF_in_kernel (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events 4
#define VGCF_syscall_disables_events (1 << _VGCF_syscall_disables_events)
#define _VGCF_online 5
#define VGCF_online (1 << _VGCF_online)
#define _VGCF_in_syscall 8
#define VGCF_in_syscall (1 << _VGCF_in_syscall)
#define VGCF_I387_VALID VGCF_i387_valid
#define VGCF_IN_KERNEL VGCF_in_kernel
#define VGCF_IN_SYSCALL VGCF_in_syscall

/* Upper bound on vCPUs that have a vcpu_info slot inside shared_info. */
#define XEN_LEGACY_MAX_VCPUS 32

/*
 * Forced emulation: a PV kernel runs in ring 3, where some instructions
 * (notably CPUID) cannot be intercepted. Prefixing one with ud2 followed
 * by the bytes "xen" makes the resulting #UD a request to emulate it.
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e;
#define XEN_CPUID XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; "
#define XEN_CPUID XEN_EMULATE_PREFIX "cpuid"
#endif
#define XEN_EMULATE_PREFIX_LEN 5

#ifndef __ASSEMBLY__

/* A machine word, and the frame numbers and callback addresses in it. */
typedef uint64_t xen_ulong_t;
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_callback_t;

/* CR3 holds a frame number shifted into place. */
#define xen_pfn_to_cr3(pfn) ((xen_ulong_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((xen_ulong_t)(cr3) >> 12)

/*
 * Guest handles: on x86-64 a guest buffer is passed as a plain 8-byte
 * guest virtual address. Guests use these as ordinary pointers. The
 * hypervisor must never dereference one directly; it may predefine
 * XEN_GUEST_HANDLE to a pointer-sized wrapper type before including any
 * public header, and the size checks below keep that honest. The argument
 * is always a single identifier, hence const_void.
 */
#ifndef XEN_GUEST_HANDLE
#define XEN_GUEST_HANDLE(type) type *
#define set_xen_guest_handle(hnd, val) ((hnd) = (val))
#endif
#ifndef XEN_GUEST_HANDLE_PARAM
#define XEN_GUEST_HANDLE_PARAM(type) XEN_GUEST_HANDLE(type)
#endif
typedef const void const_void;

/* The M2P table as a guest sees it (see MACH2PHYS_VIRT_START). */
#ifndef machine_to_phys_mapping
#define machine_to_phys_mapping ((xen_ulong_t *)MACH2PHYS_VIRT_START)
#endif

/*
 * The frame a guest pushes before HYPERVISOR_iret, lowest address first
 * (rax at the stack pointer). Only bits 0..15 of cs and ss are selectors;
 * the rest of those words may carry stale data and are ignored.
 */
struct iret_context {
    uint64_t rax;
    uint64_t r11;
    uint64_t rcx;
    uint64_t flags; /* VGCF_in_syscall or 0 */
    uint64_t rip;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};

/*
 * Saved guest registers, as exchanged through vcpu_guest_context. Xen
 * overlays 32/16/8-bit names on each register with anonymous unions; C89
 * has none, so only the 64-bit names exist here. The layout is identical.
 */
struct cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;   /* hypervisor-private */
    uint32_t entry_vector; /* hypervisor-private */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask; /* evtchn_upcall_mask when the frame was made */
    uint8_t _pad1[3];
    uint64_t rflags; /* IF is the inverse of saved_upcall_mask */
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;

/*
 * One virtual IDT entry for HYPERVISOR_set_trap_table; a zero address ends
 * the table. flags bits 0-1 are the DPL allowed to raise the vector with
 * INT n, bit 2 means "mask events on entry" (an interrupt gate).
 */
struct trap_info {
    uint8_t vector;
    uint8_t flags;
    uint16_t cs;
    uint32_t _pad0;
    uint64_t address;
};
typedef struct trap_info trap_info_t;

#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_GET_IF(ti) ((ti)->flags & 4)
#define TI_SET_DPL(ti, dpl) ((ti)->flags |= (dpl))
#define TI_SET_IF(ti, if_) ((ti)->flags |= ((!!(if_)) << 2))

/* Per-vCPU state inside vcpu_info that only x86 has. */
struct arch_vcpu_info {
    uint64_t cr2; /* fault address of the last #PF delivered */
    uint64_t pad; /* keeps vcpu_info at 64 bytes */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/*
 * Per-domain x86 state inside shared_info. The guest publishes its P2M
 * here so tools (save/restore, dump) can find it; the hypervisor only
 * writes nmi_reason (XEN_NMIREASON_* in nmi.h).
 */
struct arch_shared_info {
    xen_ulong_t max_pfn;                  /* entries in the P2M */
    xen_pfn_t pfn_to_mfn_frame_list_list; /* root of 3-level P2M, ~0 = none */
    xen_ulong_t nmi_reason;
    xen_ulong_t p2m_cr3;   /* address space p2m_vaddr is valid in; 0 = unset */
    xen_ulong_t p2m_vaddr; /* linear P2M list */
    xen_ulong_t p2m_generation; /* odd while the guest is changing it */
};
typedef struct arch_shared_info arch_shared_info_t;

/*
 * Full vCPU state for VCPUOP_initialise and the domctls that get/set it.
 * The FPU image comes first so that it can be FXSAVE-aligned.
 */
struct vcpu_guest_context {
    struct {
        char x[512];
    } fpu_ctxt;
    xen_ulong_t flags; /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];      /* the virtual IDT */
    xen_ulong_t ldt_base, ldt_ents;       /* linear address, entry count */
    xen_ulong_t gdt_frames[16], gdt_ents; /* machine frames, entry count */
    xen_ulong_t kernel_ss, kernel_sp;     /* stack for entries from user mode */
    xen_ulong_t ctrlreg[8]; /* ctrlreg[1] is the user-mode page table */
    xen_ulong_t debugreg[8];
    xen_ulong_t event_callback_eip;
    xen_ulong_t failsafe_callback_eip;
    xen_ulong_t syscall_callback_eip;
    xen_ulong_t vm_assist; /* bitmap of VMASST_TYPE_* */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

/* Layout pins: these are the x86-64 Xen ABI and must never change. */
VESPER_ABI_SIZE(iret_context, 72);
VESPER_ABI_OFFSET(iret_context, rax, 0);
VESPER_ABI_OFFSET(iret_context, r11, 8);
VESPER_ABI_OFFSET(iret_context, rcx, 16);
VESPER_ABI_OFFSET(iret_context, flags, 24);
VESPER_ABI_OFFSET(iret_context, rip, 32);
VESPER_ABI_OFFSET(iret_context, cs, 40);
VESPER_ABI_OFFSET(iret_context, rflags, 48);
VESPER_ABI_OFFSET(iret_context, rsp, 56);
VESPER_ABI_OFFSET(iret_context, ss, 64);

VESPER_ABI_SIZE(cpu_user_regs, 200);
VESPER_ABI_OFFSET(cpu_user_regs, r15, 0);
VESPER_ABI_OFFSET(cpu_user_regs, rbp, 32);
VESPER_ABI_OFFSET(cpu_user_regs, rbx, 40);
VESPER_ABI_OFFSET(cpu_user_regs, r11, 48);
VESPER_ABI_OFFSET(cpu_user_regs, r8, 72);
VESPER_ABI_OFFSET(cpu_user_regs, rax, 80);
VESPER_ABI_OFFSET(cpu_user_regs, rcx, 88);
VESPER_ABI_OFFSET(cpu_user_regs, rdx, 96);
VESPER_ABI_OFFSET(cpu_user_regs, rsi, 104);
VESPER_ABI_OFFSET(cpu_user_regs, rdi, 112);
VESPER_ABI_OFFSET(cpu_user_regs, error_code, 120);
VESPER_ABI_OFFSET(cpu_user_regs, entry_vector, 124);
VESPER_ABI_OFFSET(cpu_user_regs, rip, 128);
VESPER_ABI_OFFSET(cpu_user_regs, cs, 136);
VESPER_ABI_OFFSET(cpu_user_regs, saved_upcall_mask, 140);
VESPER_ABI_OFFSET(cpu_user_regs, rflags, 144);
VESPER_ABI_OFFSET(cpu_user_regs, rsp, 152);
VESPER_ABI_OFFSET(cpu_user_regs, ss, 160);
VESPER_ABI_OFFSET(cpu_user_regs, es, 168);
VESPER_ABI_OFFSET(cpu_user_regs, ds, 176);
VESPER_ABI_OFFSET(cpu_user_regs, fs, 184);
VESPER_ABI_OFFSET(cpu_user_regs, gs, 192);

VESPER_ABI_SIZE(trap_info, 16);
VESPER_ABI_OFFSET(trap_info, vector, 0);
VESPER_ABI_OFFSET(trap_info, flags, 1);
VESPER_ABI_OFFSET(trap_info, cs, 2);
VESPER_ABI_OFFSET(trap_info, address, 8);

VESPER_ABI_SIZE(arch_vcpu_info, 16);
VESPER_ABI_OFFSET(arch_vcpu_info, cr2, 0);

VESPER_ABI_SIZE(arch_shared_info, 48);
VESPER_ABI_OFFSET(arch_shared_info, max_pfn, 0);
VESPER_ABI_OFFSET(arch_shared_info, pfn_to_mfn_frame_list_list, 8);
VESPER_ABI_OFFSET(arch_shared_info, nmi_reason, 16);
VESPER_ABI_OFFSET(arch_shared_info, p2m_cr3, 24);
VESPER_ABI_OFFSET(arch_shared_info, p2m_vaddr, 32);
VESPER_ABI_OFFSET(arch_shared_info, p2m_generation, 40);

VESPER_ABI_SIZE(vcpu_guest_context, 5168);
VESPER_ABI_OFFSET(vcpu_guest_context, fpu_ctxt, 0);
VESPER_ABI_OFFSET(vcpu_guest_context, flags, 512);
VESPER_ABI_OFFSET(vcpu_guest_context, user_regs, 520);
VESPER_ABI_OFFSET(vcpu_guest_context, trap_ctxt, 720);
VESPER_ABI_OFFSET(vcpu_guest_context, ldt_base, 4816);
VESPER_ABI_OFFSET(vcpu_guest_context, ldt_ents, 4824);
VESPER_ABI_OFFSET(vcpu_guest_context, gdt_frames, 4832);
VESPER_ABI_OFFSET(vcpu_guest_context, gdt_ents, 4960);
VESPER_ABI_OFFSET(vcpu_guest_context, kernel_ss, 4968);
VESPER_ABI_OFFSET(vcpu_guest_context, kernel_sp, 4976);
VESPER_ABI_OFFSET(vcpu_guest_context, ctrlreg, 4984);
VESPER_ABI_OFFSET(vcpu_guest_context, debugreg, 5048);
VESPER_ABI_OFFSET(vcpu_guest_context, event_callback_eip, 5112);
VESPER_ABI_OFFSET(vcpu_guest_context, failsafe_callback_eip, 5120);
VESPER_ABI_OFFSET(vcpu_guest_context, syscall_callback_eip, 5128);
VESPER_ABI_OFFSET(vcpu_guest_context, vm_assist, 5136);
VESPER_ABI_OFFSET(vcpu_guest_context, fs_base, 5144);
VESPER_ABI_OFFSET(vcpu_guest_context, gs_base_kernel, 5152);
VESPER_ABI_OFFSET(vcpu_guest_context, gs_base_user, 5160);

/* A guest handle must stay exactly one 8-byte guest address. */
VESPER_ABI_ASSERT(sizeof(XEN_GUEST_HANDLE(xen_pfn_t)) == 8,
                  guest_handle_is_8_bytes);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_ARCH_X86_64_H */

/* SPDX-License-Identifier: MIT */
/* Core PV guest ABI: domain ids, shared pages, start_info, MMU operations. */
#ifndef VESPER_PUBLIC_VESPER_H
#define VESPER_PUBLIC_VESPER_H

/*
 * Vesper implements Xen's x86-64 PV ABI, so the identifiers below are
 * Xen's and a guest written against Xen's xen.h compiles against this
 * header. This file plays the role of xen.h: it pulls in the arch part,
 * the hypercall numbers and the console sub-commands.
 */
#include "defs.h"
#include "arch-x86_64.h"
#include "hypercall.h"
#include "console_io.h"

/* ------------------------------------------------------------ domain ids */

/*
 * Ids at or above DOMID_FIRST_RESERVED never name a real domain; they
 * select a special meaning where a hypercall takes a domid_t.
 */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF xen_mk_uint(0x7FF0)    /* the calling domain */
#define DOMID_IO xen_mk_uint(0x7FF1)      /* owner of I/O memory pages */
#define DOMID_XEN xen_mk_uint(0x7FF2)     /* owner of hypervisor pages */
#define DOMID_COW xen_mk_uint(0x7FF3)     /* owner of shared (CoW) pages */
#define DOMID_INVALID xen_mk_uint(0x7FF4) /* "no domain" */
#define DOMID_IDLE xen_mk_uint(0x7FFF)    /* the idle domain */
#define DOMID_MASK xen_mk_uint(0x7FFF)

/* ---------------------------------------------------------- virtual IRQs */

/*
 * Virtual interrupts a domain binds with EVTCHNOP_bind_virq. Per-vCPU
 * ones (V) are bound separately on each vCPU; global ones (G) once, and
 * normally only by the control domain.
 */
#define VIRQ_TIMER 0      /* V: the vCPU's timer fired */
#define VIRQ_DEBUG 1      /* V: dump debug state, please */
#define VIRQ_CONSOLE 2    /* G: input on the hypervisor console */
#define VIRQ_DOM_EXC 3    /* G: some domain changed state */
#define VIRQ_TBUF 4       /* G: trace records available */
#define VIRQ_DEBUGGER 6   /* G: a domain paused for a debugger */
#define VIRQ_XENOPROF 7   /* V: profiling sample available */
#define VIRQ_CON_RING 8   /* G: hypervisor console ring has data */
#define VIRQ_PCPU_STATE 9 /* G: a physical CPU changed state */
#define VIRQ_MEM_EVENT 10 /* G: a memory event happened */
#define VIRQ_ARGO 11      /* G: Argo message arrived */
#define VIRQ_ENOMEM 12    /* G: hypervisor heap is low */
#define VIRQ_XENPMU 13    /* V: PMU interrupt */
#define VIRQ_ARCH_0 16    /* 16..23 are architecture-specific */
#define VIRQ_ARCH_1 17
#define VIRQ_ARCH_2 18
#define VIRQ_ARCH_3 19
#define VIRQ_ARCH_4 20
#define VIRQ_ARCH_5 21
#define VIRQ_ARCH_6 22
#define VIRQ_ARCH_7 23
#define NR_VIRQS 24

/* -------------------------------------------------------- HYPERVISOR_mmu_update */

/*
 * HYPERVISOR_mmu_update(reqs, count, done, foreigndom) applies a batch of
 * struct mmu_update. The low 2 bits of ptr select the command; the rest is
 * a machine address (8-byte aligned, so the bits are free).
 */
#define MMU_NORMAL_PT_UPDATE 0       /* validated write of val to PTE at ptr */
#define MMU_MACHPHYS_UPDATE 1        /* M2P[ptr >> PAGE_SHIFT] = val */
#define MMU_PT_UPDATE_PRESERVE_AD 2  /* as NORMAL, keeping Accessed/Dirty */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* as NORMAL, ptr never translated */

/*
 * A batch interrupted for a continuation is restarted with this bit ORed
 * into its count argument (mmu_update, mmuext_op); the hypervisor strips
 * it and carries on where it stopped. Guests never pass it themselves.
 */
#define MMU_UPDATE_PREEMPTED xen_mk_uint(0x80000000)

/* ----------------------------------------------------- HYPERVISOR_mmuext_op */

#define MMUEXT_PIN_L1_TABLE 0 /* arg1.mfn: validate and pin as L1 */
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4 /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR 5 /* arg1.mfn: new kernel CR3 */
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7    /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI 8 /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI 9    /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11 /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13          /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR 15 /* arg1.mfn: user-mode CR3, 0 = none */
#define MMUEXT_CLEAR_PAGE 16       /* arg1.mfn */
#define MMUEXT_COPY_PAGE 17        /* arg1.mfn <- arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER 19   /* arg1.mfn */
#define MMUEXT_UNMARK_SUPER 20 /* arg1.mfn */

/* ------------------------------------------- HYPERVISOR_update_va_mapping */

/*
 * flags argument of update_va_mapping: bits 0-1 say what to flush, bit 2
 * where. For UVMF_MULTI the upper bits hold a guest pointer to a vCPU
 * bitmap, which is why MULTI and LOCAL are both zero.
 */
#define UVMF_NONE (xen_mk_ulong(0) << 0)
#define UVMF_TLB_FLUSH (xen_mk_ulong(1) << 0)
#define UVMF_INVLPG (xen_mk_ulong(2) << 0)
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI (xen_mk_ulong(0) << 2)
#define UVMF_LOCAL (xen_mk_ulong(0) << 2)
#define UVMF_ALL (xen_mk_ulong(1) << 2)

/* ---------------------------------------------------- HYPERVISOR_vm_assist */

#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1

#define VMASST_TYPE_4gb_segments 0         /* 32-bit only */
#define VMASST_TYPE_4gb_segments_notify 1  /* 32-bit only */
#define VMASST_TYPE_writable_pagetables 2  /* trap-and-emulate PTE writes */
#define VMASST_TYPE_pae_extended_cr3 3     /* 32-bit only */
#define VMASST_TYPE_architectural_iopl 4   /* IOPL from iret, not set_iopl */
#define VMASST_TYPE_runstate_update_flag 5 /* XEN_RUNSTATE_UPDATE in use */
#define VMASST_TYPE_m2p_strict 32          /* user mode cannot see the M2P */

/* ------------------------------------------------------------ start_info */

#define MAX_GUEST_CMDLINE 1024

/* start_info.flags */
#define SIF_PRIVILEGED (1 << 0)      /* may use privileged hypercalls */
#define SIF_INITDOMAIN (1 << 1)      /* is the initial control domain */
#define SIF_MULTIBOOT_MOD (1 << 2)   /* mod_start is a multiboot module list */
#define SIF_MOD_START_PFN (1 << 3)   /* mod_start is a PFN, not an address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4) /* tools understand the linear P2M */
#define SIF_PM_MASK (0xFF << 8)      /* reserved for power management */

/* Every 64-bit PV start_info.magic begins with this string. */
#define VESPER_START_INFO_MAGIC "xen-3.0-x86_64"

/* dom0_vga_console_info.video_type */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB 0x23
#define XEN_VGATYPE_EFI_LFB 0x70

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED (1 << 1)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* One request of HYPERVISOR_mmu_update. */
struct mmu_update {
    uint64_t ptr; /* machine address, command in bits 0-1 */
    uint64_t val;
};
typedef struct mmu_update mmu_update_t;

/* One request of HYPERVISOR_mmuext_op; see MMUEXT_* for which args apply. */
struct mmuext_op {
    uint32_t cmd;
    uint32_t _pad0;
    union {
        xen_pfn_t mfn;
        xen_ulong_t linear_addr;
    } arg1;
    union {
        uint32_t nr_ents;
        XEN_GUEST_HANDLE(const_void) vcpumask;
        xen_pfn_t src_mfn;
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;

/*
 * One call of HYPERVISOR_multicall: op is a hypercall number, args its
 * arguments; the hypervisor stores the return value in result.
 */
struct multicall_entry {
    xen_ulong_t op;
    xen_ulong_t result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/*
 * Per-vCPU clock parameters (pvclock). The hypervisor makes version odd,
 * updates the rest, then makes it even again; a reader retries until it
 * sees the same even version before and after. Current time in ns is
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * mul) >> 32
 * with a negative tsc_shift meaning a right shift.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags; /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

/*
 * Per-vCPU event state, first inside shared_info and later wherever the
 * guest moves it with VCPUOP_register_vcpu_info. evtchn_upcall_mask is
 * the guest's virtual interrupt flag: while it is set, no event upcall is
 * delivered. Bit n of evtchn_pending_sel means word n of
 * shared_info.evtchn_pending may have new bits.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t _pad0[6];
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared-info page, one per domain. Event channel port p is pending
 * when bit p of evtchn_pending is set, and masked when bit p of
 * evtchn_mask is set (the 2-level event ABI: 64 words of 64 bits).
 * wc_* hold wall-clock time at system time 0, versioned like
 * vcpu_time_info; wc_sec_hi extends wc_sec past 2106.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * The page the domain builder hands a PV kernel in RSI at entry. "Machine"
 * values are host frame numbers or addresses; "virtual" ones are in the
 * guest's initial address space. For the control domain the console
 * union describes a dom0_vga_console_info placed after this structure.
 */
struct start_info {
    char magic[32];          /* "xen-<version>-<platform>" */
    xen_ulong_t nr_pages;    /* pages allocated to the domain */
    xen_ulong_t shared_info; /* machine address of shared_info */
    uint32_t flags;          /* SIF_* */
    uint32_t _pad0;
    xen_pfn_t store_mfn;   /* machine frame of the xenstore ring */
    uint32_t store_evtchn; /* its event channel; 0 = none */
    uint32_t _pad1;
    union {
        struct {
            xen_pfn_t mfn;   /* machine frame of the console ring */
            uint32_t evtchn; /* its event channel; 0 = none */
            uint32_t _pad0;
        } domU;
        struct {
            uint32_t info_off;  /* byte offset of dom0_vga_console_info */
            uint32_t info_size; /* its size, 0 = none */
        } dom0;
    } console;
    xen_ulong_t pt_base;      /* virtual address of the initial L4 table */
    xen_ulong_t nr_pt_frames; /* frames of initial page tables */
    xen_ulong_t mfn_list;     /* virtual address of the P2M array */
    xen_ulong_t mod_start;    /* initrd: virtual address, or PFN (SIF_) */
    xen_ulong_t mod_len;      /* initrd length in bytes, 0 = none */
    char cmd_line[MAX_GUEST_CMDLINE]; /* NUL-terminated */
    xen_ulong_t first_p2m_pfn;        /* first PFN of the initial P2M frames */
    xen_ulong_t nr_p2m_frames;        /* and their number */
};
typedef struct start_info start_info_t;

/* An entry of the module list when SIF_MULTIBOOT_MOD is set. */
struct xen_multiboot_mod_list {
    uint32_t mod_start; /* first byte */
    uint32_t mod_end;   /* last byte, inclusive */
    uint32_t cmdline;   /* address of a NUL-terminated string */
    uint32_t pad;       /* must be zero */
};

/* Boot video mode handed to the control domain (see start_info.console). */
struct dom0_vga_console_info {
    uint8_t video_type; /* XEN_VGATYPE_* */
    uint8_t _pad0[3];
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base; /* low 32 bits of the framebuffer address */
            uint32_t lfb_size; /* in 64 KiB units */
            uint8_t red_pos, red_size;
            uint8_t green_pos, green_size;
            uint8_t blue_pos, blue_size;
            uint8_t rsvd_pos, rsvd_size;
            uint32_t gbl_caps;   /* VBE capabilities */
            uint16_t mode_attrs; /* VBE mode attributes */
            uint16_t pad;
            uint32_t ext_lfb_base; /* high 32 bits of the address */
        } vesa_lfb;
    } u;
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;

/* ---------------------------------------------------------- layout pins */

VESPER_ABI_SIZE(mmu_update, 16);
VESPER_ABI_OFFSET(mmu_update, ptr, 0);
VESPER_ABI_OFFSET(mmu_update, val, 8);

VESPER_ABI_SIZE(mmuext_op, 24);
VESPER_ABI_OFFSET(mmuext_op, cmd, 0);
VESPER_ABI_OFFSET(mmuext_op, arg1.mfn, 8);
VESPER_ABI_OFFSET(mmuext_op, arg1.linear_addr, 8);
VESPER_ABI_OFFSET(mmuext_op, arg2.nr_ents, 16);
VESPER_ABI_OFFSET(mmuext_op, arg2.vcpumask, 16);
VESPER_ABI_OFFSET(mmuext_op, arg2.src_mfn, 16);

VESPER_ABI_SIZE(multicall_entry, 64);
VESPER_ABI_OFFSET(multicall_entry, op, 0);
VESPER_ABI_OFFSET(multicall_entry, result, 8);
VESPER_ABI_OFFSET(multicall_entry, args, 16);

VESPER_ABI_SIZE(vcpu_time_info, 32);
VESPER_ABI_OFFSET(vcpu_time_info, version, 0);
VESPER_ABI_OFFSET(vcpu_time_info, tsc_timestamp, 8);
VESPER_ABI_OFFSET(vcpu_time_info, system_time, 16);
VESPER_ABI_OFFSET(vcpu_time_info, tsc_to_system_mul, 24);
VESPER_ABI_OFFSET(vcpu_time_info, tsc_shift, 28);
VESPER_ABI_OFFSET(vcpu_time_info, flags, 29);

VESPER_ABI_SIZE(vcpu_info, 64);
VESPER_ABI_OFFSET(vcpu_info, evtchn_upcall_pending, 0);
VESPER_ABI_OFFSET(vcpu_info, evtchn_upcall_mask, 1);
VESPER_ABI_OFFSET(vcpu_info, evtchn_pending_sel, 8);
VESPER_ABI_OFFSET(vcpu_info, arch, 16);
VESPER_ABI_OFFSET(vcpu_info, arch.cr2, 16);
VESPER_ABI_OFFSET(vcpu_info, time, 32);

VESPER_ABI_SIZE(shared_info, 3136);
VESPER_ABI_OFFSET(shared_info, vcpu_info, 0);
VESPER_ABI_OFFSET(shared_info, evtchn_pending, 2048);
VESPER_ABI_OFFSET(shared_info, evtchn_mask, 2560);
VESPER_ABI_OFFSET(shared_info, wc_version, 3072);
VESPER_ABI_OFFSET(shared_info, wc_sec, 3076);
VESPER_ABI_OFFSET(shared_info, wc_nsec, 3080);
VESPER_ABI_OFFSET(shared_info, wc_sec_hi, 3084);
VESPER_ABI_OFFSET(shared_info, arch, 3088);
VESPER_ABI_OFFSET(shared_info, arch.nmi_reason, 3104);
/* It must fit the one page the guest maps. */
VESPER_ABI_ASSERT(sizeof(struct shared_info) <= 4096, shared_info_fits_page);

VESPER_ABI_SIZE(start_info, 1168);
VESPER_ABI_OFFSET(start_info, magic, 0);
VESPER_ABI_OFFSET(start_info, nr_pages, 32);
VESPER_ABI_OFFSET(start_info, shared_info, 40);
VESPER_ABI_OFFSET(start_info, flags, 48);
VESPER_ABI_OFFSET(start_info, store_mfn, 56);
VESPER_ABI_OFFSET(start_info, store_evtchn, 64);
VESPER_ABI_OFFSET(start_info, console.domU.mfn, 72);
VESPER_ABI_OFFSET(start_info, console.domU.evtchn, 80);
VESPER_ABI_OFFSET(start_info, console.dom0.info_off, 72);
VESPER_ABI_OFFSET(start_info, console.dom0.info_size, 76);
VESPER_ABI_OFFSET(start_info, pt_base, 88);
VESPER_ABI_OFFSET(start_info, nr_pt_frames, 96);
VESPER_ABI_OFFSET(start_info, mfn_list, 104);
VESPER_ABI_OFFSET(start_info, mod_start, 112);
VESPER_ABI_OFFSET(start_info, mod_len, 120);
VESPER_ABI_OFFSET(start_info, cmd_line, 128);
VESPER_ABI_OFFSET(start_info, first_p2m_pfn, 1152);
VESPER_ABI_OFFSET(start_info, nr_p2m_frames, 1160);

VESPER_ABI_SIZE(xen_multiboot_mod_list, 16);

VESPER_ABI_SIZE(dom0_vga_console_info, 40);
VESPER_ABI_OFFSET(dom0_vga_console_info, u.text_mode_3.font_height, 4);
VESPER_ABI_OFFSET(dom0_vga_console_info, u.vesa_lfb.lfb_base, 12);
VESPER_ABI_OFFSET(dom0_vga_console_info, u.vesa_lfb.red_pos, 20);
VESPER_ABI_OFFSET(dom0_vga_console_info, u.vesa_lfb.gbl_caps, 28);
VESPER_ABI_OFFSET(dom0_vga_console_info, u.vesa_lfb.ext_lfb_base, 36);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_VESPER_H */

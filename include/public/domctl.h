/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_domctl: the control domain's operations on one domain. */
#ifndef VESPER_PUBLIC_DOMCTL_H
#define VESPER_PUBLIC_DOMCTL_H

#include "vesper.h"
#include "version.h"

/*
 * Only the privileged domain may call; a caller built for another
 * interface version is refused with -EACCES before anything else, so that
 * one toolstack binary never misreads a struct. Xen 4.17's version.
 */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* xen_domctl.cmd. Commands Vesper does not implement answer -ENOSYS. */
#define XEN_DOMCTL_createdomain 1
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_setvcpuaffinity 9
#define XEN_DOMCTL_shadow_op 10
#define XEN_DOMCTL_max_mem 11
#define XEN_DOMCTL_setvcpucontext 12
#define XEN_DOMCTL_getvcpucontext 13
#define XEN_DOMCTL_getvcpuinfo 14
#define XEN_DOMCTL_max_vcpus 15
#define XEN_DOMCTL_scheduler_op 16
#define XEN_DOMCTL_setdomainhandle 17
#define XEN_DOMCTL_setdebugging 18
#define XEN_DOMCTL_irq_permission 19
#define XEN_DOMCTL_iomem_permission 20
#define XEN_DOMCTL_ioport_permission 21
#define XEN_DOMCTL_hypercall_init 22
#define XEN_DOMCTL_settimeoffset 24
#define XEN_DOMCTL_getvcpuaffinity 25
#define XEN_DOMCTL_resumedomain 27
#define XEN_DOMCTL_sendtrigger 28
#define XEN_DOMCTL_set_address_size 35
#define XEN_DOMCTL_get_address_size 36
#define XEN_DOMCTL_set_ext_vcpucontext 42
#define XEN_DOMCTL_get_ext_vcpucontext 43
#define XEN_DOMCTL_gettscinfo 59
#define XEN_DOMCTL_settscinfo 60
#define XEN_DOMCTL_setvcpuextstate 62
#define XEN_DOMCTL_getvcpuextstate 63
#define XEN_DOMCTL_setnodeaffinity 68
#define XEN_DOMCTL_getnodeaffinity 69
/* 70 was set_max_evtchn: createdomain's max_evtchn_port since Xen 4.13. */
#define XEN_DOMCTL_get_vcpu_msrs 72
#define XEN_DOMCTL_set_vcpu_msrs 73
#define XEN_DOMCTL_soft_reset 79
#define XEN_DOMCTL_get_cpu_policy 82
#define XEN_DOMCTL_set_cpu_policy 83

/* XEN_DOMCTL_createdomain.flags */
#define XEN_DOMCTL_CDF_hvm (1U << 0)
#define XEN_DOMCTL_CDF_hap (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain (1U << 4)
#define XEN_DOMCTL_CDF_iommu (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt (1U << 6)
#define XEN_DOMCTL_CDF_vpmu (1U << 7)
#define XEN_DOMCTL_IOMMU_no_sharept (1U << 0)
#define XEN_DOMCTL_GRANT_version_mask 0xf
#define XEN_DOMCTL_GRANT_version(v) ((v)&XEN_DOMCTL_GRANT_version_mask)

/* x86 domain configuration: which devices Xen would emulate for it. */
#define XEN_X86_EMU_LAPIC (1U << 0)
#define XEN_X86_EMU_HPET (1U << 1)
#define XEN_X86_EMU_PM (1U << 2)
#define XEN_X86_EMU_RTC (1U << 3)
#define XEN_X86_EMU_IOAPIC (1U << 4)
#define XEN_X86_EMU_PIC (1U << 5)
#define XEN_X86_EMU_VGA (1U << 6)
#define XEN_X86_EMU_IOMMU (1U << 7)
#define XEN_X86_EMU_PIT (1U << 8)
#define XEN_X86_EMU_USE_PIRQ (1U << 9)
#define XEN_X86_EMU_VPCI (1U << 10)
#define XEN_X86_MSR_RELAXED (1U << 0) /* misc_flags */

#ifndef __ASSEMBLY__
struct xen_arch_domainconfig {
    uint32_t emulation_flags; /* XEN_X86_EMU_* */
    uint32_t misc_flags;      /* XEN_X86_MSR_RELAXED */
};
#endif

/*
 * XEN_DOMCTL_createdomain: an empty, paused domain; xen_domctl.domain is
 * the id wanted (0: any free one) in and the id given out. Its vCPUs
 * exist once XEN_DOMCTL_max_vcpus names the same count.
 */
#ifndef __ASSEMBLY__
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t flags; /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;    /* -1: the default */
    int32_t max_maptrack_frames; /* -1: the default */
    uint32_t grant_opts;         /* XEN_DOMCTL_GRANT_version(n) */
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};
#endif

/*
 * XEN_DOMCTL_getdomaininfo: the named domain, or if there is none the
 * next one up (xen_domctl.domain comes back as the one described), as
 * a toolstack walks the domain list.
 */
#define XEN_DOMINF_dying (1U << 0)
#define XEN_DOMINF_hvm_guest (1U << 1)
#define XEN_DOMINF_shutdown (1U << 2)
#define XEN_DOMINF_paused (1U << 3)  /* by the control domain */
#define XEN_DOMINF_blocked (1U << 4) /* every online vCPU waits */
#define XEN_DOMINF_running (1U << 5) /* some vCPU is on a CPU */
#define XEN_DOMINF_debugged (1U << 6)
#define XEN_DOMINF_xs_domain (1U << 7)
#define XEN_DOMINF_hap (1U << 8)
/*
 * Bits 16-31: the shutdown code. Xen keeps ~0 there until the domain
 * shuts down, so a live domain reads 0xffff; toolstacks mask the low byte.
 */
#define XEN_DOMINF_shutdownmask 255
#define XEN_DOMINF_shutdownshift 16
#define XEN_INVALID_MAX_VCPU_ID (~0U) /* max_vcpu_id of a domain with none */

#ifndef __ASSEMBLY__
struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags; /* XEN_DOMINF_*, shutdown code */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame; /* a PV domain's: its machine frame */
    uint64_t cpu_time;          /* ns its vCPUs have run, summed */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle; /* the toolstack's UUID */
    uint32_t cpupool;
    uint8_t gpaddr_bits; /* guest physical address width */
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
#endif

/* XEN_DOMCTL_max_mem: the allocation limit, in KiB. */
#ifndef __ASSEMBLY__
struct xen_domctl_max_mem {
    uint64_t max_memkb;
};
#endif

/* Scheduler ids (XEN_SYSCTL_sched_id, scheduler_op). */
#define XEN_SCHEDULER_CREDIT 5
#define XEN_SCHEDULER_CREDIT2 6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS 8
#define XEN_SCHEDULER_NULL 9

/*
 * XEN_DOMCTL_setvcpucontext / getvcpucontext: a vCPU's whole register
 * context, the VCPUOP_initialise shape. A null ctxt to set resets the vCPU.
 */
#ifndef __ASSEMBLY__
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    uint32_t _pad0;
    uint64_t ctxt; /* guest address of a struct vcpu_guest_context */
};
#endif

/* XEN_DOMCTL_getvcpuinfo: one vCPU's state and running time. */
#ifndef __ASSEMBLY__
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu; /* in */
    uint8_t online;
    uint8_t blocked;
    uint8_t running;
    uint8_t _pad0;     /* this padding is implicit in Xen's header */
    uint64_t cpu_time; /* ns */
    uint32_t cpu;      /* the CPU it runs or last ran on */
    uint32_t _pad1;
};
#endif

/*
 * XEN_DOMCTL_scheduler_op: a domain's parameters for the scheduler that
 * sched_id names (-EINVAL for another). Credit: weight (0 in putinfo
 * keeps it) and cap in % of one CPU (0xffff in putinfo keeps it).
 */
#define XEN_DOMCTL_SCHEDOP_putinfo 0
#define XEN_DOMCTL_SCHEDOP_getinfo 1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3
#ifndef __ASSEMBLY__
struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_scheduler_op {
    uint32_t sched_id; /* XEN_SCHEDULER_* */
    uint32_t cmd;      /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct {
            XEN_GUEST_HANDLE(void) vcpus; /* per-vCPU parameters */
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};
#endif

/* XEN_DOMCTL_hypercall_init: the frame (a PV domain's MFN) to fill. */
#ifndef __ASSEMBLY__
struct xen_domctl_hypercall_init {
    uint64_t gmfn;
};
#endif

/*
 * A CPU set passed by the guest: nr_bits bits, CPU n at bit n % 8 of byte
 * n / 8 (Xen's xenctl_bitmap).
 */
#ifndef __ASSEMBLY__
struct xenctl_bitmap {
    XEN_GUEST_HANDLE(uint8_t) bitmap;
    uint32_t nr_bits;
    uint32_t _pad; /* this padding is implicit in Xen's header */
};
#endif

/*
 * XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity. Set answers the effective
 * sets: hard ones cut to the online CPUs, soft ones to those and the hard
 * set. FORCE first undoes a SCHEDOP_pin_override, which otherwise makes a
 * new hard set -EBUSY.
 */
#define XEN_VCPUAFFINITY_HARD (1U << 0)
#define XEN_VCPUAFFINITY_SOFT (1U << 1)
#define XEN_VCPUAFFINITY_FORCE (1U << 2)
#ifndef __ASSEMBLY__
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags; /* XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};
#endif

/* XEN_DOMCTL_max_vcpus. */
#ifndef __ASSEMBLY__
struct xen_domctl_max_vcpus {
    uint32_t max;
};
#endif

/* XEN_DOMCTL_setdomainhandle. */
#ifndef __ASSEMBLY__
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};
#endif

/* XEN_DOMCTL_set_address_size / get_address_size: 64 for a 64-bit PV guest. */
#ifndef __ASSEMBLY__
struct xen_domctl_address_size {
    uint32_t size;
};
#endif

/*
 * A CPUID/MSR policy in the serialised form sysctl and domctl exchange:
 * one entry per leaf (subleaf XEN_CPUID_NO_SUBLEAF for leaves without
 * subleaves) and one per MSR (flags must be zero).
 */
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
#ifndef __ASSEMBLY__
struct xen_cpuid_leaf {
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
};
typedef struct xen_cpuid_leaf xen_cpuid_leaf_t;
struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags;
    uint64_t val;
};
typedef struct xen_msr_entry xen_msr_entry_t;
#endif

/*
 * XEN_DOMCTL_shadow_op: Xen's paging controls, answered as Xen 4.17
 * built without shadow paging answers for a PV domain: not on oneself or
 * before max_vcpus (-EINVAL), log-dirty mode cannot be enabled
 * (-EOPNOTSUPP), CLEAN and PEEK find nothing dirty, and the rest (OFF,
 * the pool size, unknown ops) is -EINVAL. Always copied back.
 */
#define XEN_DOMCTL_SHADOW_OP_OFF 0
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TEST 1
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY 2
#define XEN_DOMCTL_SHADOW_OP_CLEAN 11
#define XEN_DOMCTL_SHADOW_OP_PEEK 12
#define XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION 30
#define XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION 31
#define XEN_DOMCTL_SHADOW_OP_ENABLE 32
#define XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT (1 << 1)
#define XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY (1 << 2)
#define XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE (1 << 3)
#define XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL (1 << 4)
#define XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL (1 << 0)
#ifndef __ASSEMBLY__
struct xen_domctl_shadow_op_stats {
    uint32_t fault_count;
    uint32_t dirty_count;
};
struct xen_domctl_shadow_op {
    uint32_t op;   /* XEN_DOMCTL_SHADOW_OP_* */
    uint32_t mode; /* ENABLE: _ENABLE_*; CLEAN/PEEK: _LOGDIRTY_* */
    uint32_t mb;   /* GET/SET_ALLOCATION: the pool in MiB */
    uint32_t _pad; /* this padding is implicit in Xen's header */
    XEN_GUEST_HANDLE(uint8_t) dirty_bitmap;
    uint64_t pages;
    struct xen_domctl_shadow_op_stats stats;
};
#endif

/*
 * XEN_DOMCTL_iomem_permission / ioport_permission: grant or take back a
 * domain's right to map machine frames outside RAM / reach I/O ports.
 * The caller must hold the whole range itself (-EPERM); a range that
 * wraps (or, for ports, is empty or passes 0xffff) is -EINVAL. Taking a
 * right back stops new mappings and port accesses; as on Xen, mappings
 * already made stay.
 */
#ifndef __ASSEMBLY__
struct xen_domctl_iomem_permission {
    uint64_t first_mfn;
    uint64_t nr_mfns;
    uint8_t allow_access; /* non-zero: grant, zero: take back */
    uint8_t _pad[7];      /* this padding is implicit in Xen's header */
};
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
    uint8_t _pad[3]; /* this padding is implicit in Xen's header */
};
#endif

/*
 * XEN_DOMCTL_gettscinfo / settscinfo (not on oneself: -EINVAL). Modes as
 * Xen's: 0 default, 1 always emulate, 2 never emulate. Vesper runs every
 * guest on the native TSC: it takes default (at the host's frequency)
 * and never-emulate, and refuses what would need RDTSC emulation with
 * -EOPNOTSUPP; other modes are Xen's -EINVAL. Setting stores incarnation
 * + 1; getting gives the TSC in ns and the host's kHz (0 and 0 in
 * never-emulate mode).
 */
#ifndef __ASSEMBLY__
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;
    uint32_t gtsc_khz;
    uint32_t incarnation;
    uint32_t pad;
    uint64_t elapsed_nsec;
};
#endif

/*
 * XEN_DOMCTL_get_cpu_policy / set_cpu_policy: a domain's CPUID/MSR
 * policy, serialised as XEN_SYSCTL_get_cpu_policy's (null handles to get:
 * the most entries; -ENOBUFS for a short array). Set merges the entries
 * into the domain's policy before it first runs (-EEXIST after, -EINVAL
 * on oneself): more entries than a policy has is -E2BIG, a leaf or MSR
 * no policy holds -ERANGE, higher max leaves than the PV max policy
 * -EINVAL; err_leaf, err_subleaf and err_msr then name the culprit (~0
 * where none). Feature bits beyond the PV max are dropped, as Xen does.
 */
#ifndef __ASSEMBLY__
struct xen_domctl_cpu_policy {
    uint32_t nr_leaves;
    uint32_t nr_msrs;
    XEN_GUEST_HANDLE(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE(xen_msr_entry_t) msrs;
    uint32_t err_leaf, err_subleaf, err_msr;
    uint32_t _pad; /* this padding is implicit in Xen's header */
};
#endif

#ifndef __ASSEMBLY__
struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_address_size address_size;
        struct xen_domctl_hypercall_init hypercall_init;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_shadow_op shadow_op;
        struct xen_domctl_iomem_permission iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_tsc_info tsc_info;
        struct xen_domctl_cpu_policy cpu_policy;
        uint8_t pad[128]; /* the union's size is ABI */
    } u;
};
typedef struct xen_domctl xen_domctl_t;
#endif

#ifndef __ASSEMBLY__
VESPER_ABI_ASSERT(sizeof(struct xen_domctl_getdomaininfo) == 112,
                  domctl_getdomaininfo_size);
VESPER_ABI_ASSERT(__builtin_offsetof(struct xen_domctl_getdomaininfo, handle) ==
                      76,
                  domctl_getdomaininfo_handle);
VESPER_ABI_ASSERT(__builtin_offsetof(struct xen_domctl, u) == 16,
                  domctl_union_offset);
VESPER_ABI_ASSERT(sizeof(struct xen_domctl) == 144, domctl_size);
VESPER_ABI_ASSERT(sizeof(struct xen_cpuid_leaf) == 24, cpuid_leaf_size);
VESPER_ABI_ASSERT(sizeof(struct xen_msr_entry) == 16, msr_entry_size);
VESPER_ABI_ASSERT(sizeof(struct xen_domctl_shadow_op) == 40,
                  domctl_shadow_op_size);
VESPER_ABI_ASSERT(__builtin_offsetof(struct xen_domctl_shadow_op, pages) == 24,
                  domctl_shadow_op_pages);
VESPER_ABI_ASSERT(sizeof(struct xen_domctl_iomem_permission) == 24,
                  domctl_iomem_permission_size);
VESPER_ABI_ASSERT(sizeof(struct xen_domctl_ioport_permission) == 12,
                  domctl_ioport_permission_size);
VESPER_ABI_ASSERT(sizeof(struct xen_domctl_tsc_info) == 24,
                  domctl_tsc_info_size);
VESPER_ABI_ASSERT(sizeof(struct xen_domctl_cpu_policy) == 40,
                  domctl_cpu_policy_size);
VESPER_ABI_ASSERT(__builtin_offsetof(struct xen_domctl_cpu_policy, err_leaf) ==
                      24,
                  domctl_cpu_policy_err_leaf);
VESPER_ABI_ASSERT(sizeof(struct xen_domctl_vcpucontext) == 16,
                  domctl_vcpucontext_size);
VESPER_ABI_ASSERT(__builtin_offsetof(struct xen_domctl_vcpucontext, ctxt) == 8,
                  domctl_vcpucontext_ctxt);
#endif

#endif /* VESPER_PUBLIC_DOMCTL_H */

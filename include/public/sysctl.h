/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_sysctl: the control domain's questions about the machine. */
#ifndef VESPER_PUBLIC_SYSCTL_H
#define VESPER_PUBLIC_SYSCTL_H

#include "vesper.h"
#include "domctl.h"

/* Checked first, as domctl's: -EACCES on a mismatch. Xen 4.17's version. */
#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* xen_sysctl.cmd. Commands Vesper does not implement answer -ENOSYS. */
#define XEN_SYSCTL_readconsole 1
#define XEN_SYSCTL_tbuf_op 2
#define XEN_SYSCTL_physinfo 3
#define XEN_SYSCTL_sched_id 4
#define XEN_SYSCTL_perfc_op 5
#define XEN_SYSCTL_getdomaininfolist 6
#define XEN_SYSCTL_debug_keys 7
#define XEN_SYSCTL_getcpuinfo 8
#define XEN_SYSCTL_availheap 9
#define XEN_SYSCTL_get_pmstat 10
#define XEN_SYSCTL_cpu_hotplug 11
#define XEN_SYSCTL_pm_op 12
#define XEN_SYSCTL_page_offline_op 14
#define XEN_SYSCTL_lockprof_op 15
#define XEN_SYSCTL_cputopoinfo 16
#define XEN_SYSCTL_numainfo 17
#define XEN_SYSCTL_cpupool_op 18
#define XEN_SYSCTL_scheduler_op 19
#define XEN_SYSCTL_get_cpu_featureset 26
#define XEN_SYSCTL_get_cpu_policy 29

/*
 * XEN_SYSCTL_readconsole: the hypervisor's log ring. count is the
 * buffer's size in, the bytes copied out. With incremental set, reading
 * starts at index (if it still lies in the ring) and index comes back as
 * where the next read should start; clear discards what was read.
 */
#ifndef __ASSEMBLY__
struct xen_sysctl_readconsole {
    uint8_t clear;
    uint8_t incremental;
    uint8_t pad0, pad1;
    uint32_t index;
    XEN_GUEST_HANDLE(char) buffer;
    uint32_t count;
    uint32_t _pad; /* implicit in Xen's header */
};
#endif

/* XEN_SYSCTL_physinfo.capabilities */
#define XEN_SYSCTL_PHYSCAP_hvm (1U << 0)
#define XEN_SYSCTL_PHYSCAP_pv (1U << 1)
#define XEN_SYSCTL_PHYSCAP_directio (1U << 2)
#define XEN_SYSCTL_PHYSCAP_hap (1U << 3)
#define XEN_SYSCTL_PHYSCAP_shadow (1U << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1U << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace (1U << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu (1U << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 (1U << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2 (1U << 9)

#ifndef __ASSEMBLY__
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus; /* online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities; /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8]; /* the boot CPU's feature words */
};
#endif

/* XEN_SYSCTL_getcpuinfo: each CPU's idle time, up to max_cpus of them. */
#ifndef __ASSEMBLY__
struct xen_sysctl_cpuinfo {
    uint64_t idletime; /* ns */
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;
    uint32_t _pad0; /* this padding is implicit in Xen's header */
    XEN_GUEST_HANDLE(xen_sysctl_cpuinfo_t) info;
    uint32_t nr_cpus; /* out: how many were filled */
    uint32_t _pad1;
};
#endif

/* XEN_SYSCTL_sched_id: XEN_SCHEDULER_*. */
#ifndef __ASSEMBLY__
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};
#endif

/*
 * XEN_SYSCTL_getdomaininfolist: up to max_domains records, domains with
 * ids from first_domain up, in id order; num_domains says how many.
 */
#ifndef __ASSEMBLY__
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;
    uint16_t _pad0; /* this padding is implicit in Xen's header */
    uint32_t max_domains;
    XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;
    uint32_t _pad1;
};
#endif

/*
 * XEN_SYSCTL_cputopoinfo: each CPU's core, socket and NUMA node, indexed
 * by CPU number. A null cputopo asks how many CPUs there are (num_cpus
 * out); otherwise num_cpus is the array's length in and the number of
 * entries written out. A CPU number with no CPU behind it reads as the
 * XEN_INVALID_* ids.
 */
#define XEN_INVALID_CORE_ID (~0U)
#define XEN_INVALID_SOCKET_ID (~0U)
#define XEN_INVALID_NODE_ID (~0U)
#ifndef __ASSEMBLY__
struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;
    uint32_t _pad; /* this padding is implicit in Xen's header */
    XEN_GUEST_HANDLE(xen_sysctl_cputopo_t) cputopo;
};
#endif

/*
 * XEN_SYSCTL_numainfo: each node's memory and the node distance matrix
 * (node i to j at i * num_nodes + j). With both handles null it asks how
 * many nodes there are; otherwise num_nodes is the arrays' side in and
 * the number of nodes written out. Vesper has one node, 0, holding all
 * memory and CPUs, at Xen's local distance 10 from itself.
 */
#define XEN_INVALID_MEM_SZ (~0U)
#define XEN_INVALID_NODE_DIST (~0U)
#ifndef __ASSEMBLY__
struct xen_sysctl_meminfo {
    uint64_t memsize; /* bytes spanned */
    uint64_t memfree; /* bytes free */
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
struct xen_sysctl_numainfo {
    uint32_t num_nodes;
    uint32_t _pad; /* this padding is implicit in Xen's header */
    XEN_GUEST_HANDLE(xen_sysctl_meminfo_t) meminfo;
    XEN_GUEST_HANDLE(uint32_t) distance;
};
#endif

/*
 * XEN_SYSCTL_get_cpu_policy: one of the machine's CPUID/MSR policies,
 * serialised (xen_cpuid_leaf_t and xen_msr_entry_t, domctl.h). A null
 * leaves or msrs handle asks for the most entries any policy needs;
 * otherwise nr_leaves / nr_msrs are the arrays' lengths in and the
 * entries written out, -ENOBUFS if a policy does not fit. Vesper is
 * PV-only: the HVM indexes answer -EOPNOTSUPP, as a Xen built without
 * HVM; an unknown index or a non-zero _rsvd is -EINVAL.
 */
#define XEN_SYSCTL_cpu_policy_raw 0
#define XEN_SYSCTL_cpu_policy_host 1
#define XEN_SYSCTL_cpu_policy_pv_max 2
#define XEN_SYSCTL_cpu_policy_hvm_max 3
#define XEN_SYSCTL_cpu_policy_pv_default 4
#define XEN_SYSCTL_cpu_policy_hvm_default 5
#ifndef __ASSEMBLY__
struct xen_sysctl_cpu_policy {
    uint32_t index; /* XEN_SYSCTL_cpu_policy_* */
    uint32_t nr_leaves;
    uint32_t nr_msrs;
    uint32_t _rsvd; /* must be zero */
    XEN_GUEST_HANDLE(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE(xen_msr_entry_t) msrs;
};
#endif

#ifndef __ASSEMBLY__
struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version; /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_getcpuinfo getcpuinfo;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_cpu_policy cpu_policy;
        uint8_t pad[128]; /* the union's size is ABI */
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
#endif

#ifndef __ASSEMBLY__
VESPER_ABI_ASSERT(sizeof(struct xen_sysctl_readconsole) == 24,
                  sysctl_readconsole_size);
VESPER_ABI_ASSERT(sizeof(struct xen_sysctl_physinfo) == 112,
                  sysctl_physinfo_size);
VESPER_ABI_ASSERT(sizeof(struct xen_sysctl_getdomaininfolist) == 24,
                  sysctl_getdomaininfolist_size);
VESPER_ABI_ASSERT(sizeof(struct xen_sysctl) == 136, sysctl_size);
VESPER_ABI_SIZE(xen_sysctl_cputopo, 12);
VESPER_ABI_SIZE(xen_sysctl_cputopoinfo, 16);
VESPER_ABI_OFFSET(xen_sysctl_cputopoinfo, cputopo, 8);
VESPER_ABI_SIZE(xen_sysctl_meminfo, 16);
VESPER_ABI_SIZE(xen_sysctl_numainfo, 24);
VESPER_ABI_OFFSET(xen_sysctl_numainfo, meminfo, 8);
VESPER_ABI_OFFSET(xen_sysctl_numainfo, distance, 16);
VESPER_ABI_SIZE(xen_sysctl_cpu_policy, 32);
VESPER_ABI_OFFSET(xen_sysctl_cpu_policy, leaves, 16);
VESPER_ABI_OFFSET(xen_sysctl_cpu_policy, msrs, 24);
#endif

#endif /* VESPER_PUBLIC_SYSCTL_H */

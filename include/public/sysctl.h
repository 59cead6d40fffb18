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
#endif

#endif /* VESPER_PUBLIC_SYSCTL_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/* sysctl: the control domain's questions about the machine, Xen 4.17's ABI. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "smp.h"
#include "asm/cpu_policy.h"
#include <public/domctl.h>
#include <public/sysctl.h>

static int log_copy(void *ctx, u32 off, const char *s, u32 n)
{
    return copy_to_guest(*(u64 *)ctx + off, s, n);
}

static long readconsole(struct xen_sysctl_readconsole *rc)
{
    struct hyp_log_read r = { .clear = rc->clear != 0,
                              .incremental = rc->incremental != 0,
                              .index = rc->index,
                              .count = rc->count };
    u64 buf = (u64)(uintptr_t)rc->buffer;
    long ret = hyp_log_read(&r, log_copy, &buf);

    if (ret)
        return ret;
    rc->count = r.count;
    rc->index = r.index;
    return 0;
}

static void physinfo(struct xen_sysctl_physinfo *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = nr_cpus;
    pi->nr_cpus = nr_cpus;
    pi->max_cpu_id = nr_cpus - 1;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = (u32)arch_cpu_khz();
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_gnttab_v1 |
                       arch_hvm_physcaps();
    pi->total_pages = total_frame_count();
    pi->free_pages = free_frame_count();
    pi->outstanding_pages = page_claims();
    pi->max_mfn = arch_max_mfn();
    arch_cpu_words(pi->hw_cap, 8);
}

/* Domains with ids from first up, in id order, as Xen's domain list. */
static long infolist(struct xen_sysctl_getdomaininfolist *l)
{
    u32 n = 0;
    domid_t next = l->first_domain;

    while (n < l->max_domains) {
        struct domain *best = domain_next(next);
        struct xen_domctl_getdomaininfo info;

        if (!best)
            break;
        domain_getinfo(best, &info);
        if (copy_to_guest((u64)(uintptr_t)l->buffer + n * sizeof(info), &info,
                          sizeof(info)))
            return -EFAULT;
        n++;
        if (best->domain_id == 0xffff)
            break;
        next = (domid_t)(best->domain_id + 1);
    }
    l->num_domains = n;
    return 0;
}

static long cpuinfo(struct xen_sysctl_getcpuinfo *ci)
{
    u32 n = ci->max_cpus < nr_cpus ? ci->max_cpus : nr_cpus;

    for (u32 i = 0; i < n; i++) {
        struct xen_sysctl_cpuinfo c = { .idletime = cpu_idle_time(i) };

        if (copy_to_guest((u64)(uintptr_t)ci->info + i * sizeof(c), &c,
                          sizeof(c)))
            return -EFAULT;
    }
    ci->nr_cpus = n;
    return 0;
}

/*
 * Xen's cputopoinfo: with a null array, how many CPU numbers there are;
 * otherwise up to num_cpus entries and num_cpus the count written. Every
 * CPU Vesper knows is online, on node 0.
 */
static long cputopoinfo(struct xen_sysctl_cputopoinfo *ti)
{
    u32 n = nr_cpus;

    if (ti->cputopo) {
        n = MIN(n, ti->num_cpus);
        for (u32 i = 0; i < n; i++) {
            struct xen_sysctl_cputopo t = { XEN_INVALID_CORE_ID,
                                            XEN_INVALID_SOCKET_ID,
                                            XEN_INVALID_NODE_ID };

            if (!cpu_topology(i, &t.core, &t.socket))
                t.node = 0;
            if (copy_to_guest((u64)(uintptr_t)ti->cputopo + i * sizeof(t), &t,
                              sizeof(t)))
                return -EFAULT;
        }
    }
    ti->num_cpus = n;
    return 0;
}

/* Xen's numainfo for a machine without NUMA: node 0, distance 10. */
static long numainfo(struct xen_sysctl_numainfo *ni)
{
    u32 n = 1;

    if (ni->meminfo || ni->distance) {
        n = MIN(n, ni->num_nodes);
        if (n && ni->meminfo) {
            struct xen_sysctl_meminfo m = {
                .memsize = (arch_max_mfn() + 1) << PAGE_SHIFT,
                .memfree = free_frame_count() << PAGE_SHIFT,
            };

            if (copy_to_guest((u64)(uintptr_t)ni->meminfo, &m, sizeof(m)))
                return -EFAULT;
        }
        if (n && ni->distance) {
            u32 dist = 10;

            if (copy_to_guest((u64)(uintptr_t)ni->distance, &dist,
                              sizeof(dist)))
                return -EFAULT;
        }
    }
    ni->num_nodes = n;
    return 0;
}

/*
 * Xen's get_cpu_policy. Like Xen, the leaf count reaches the guest before
 * the MSRs are tried, so an -ENOBUFS there still tells how many leaves.
 */
static long get_cpu_policy(struct xen_sysctl *op, u64 arg)
{
    struct xen_sysctl_cpu_policy *cp = &op->u.cpu_policy;
    const struct cpu_policy *p;
    bool bad;
    long rc;

    p = cpu_policy_system(cp->index, &bad);
    if (cp->_rsvd || bad)
        return -EINVAL;
    if (!p)
        return -EOPNOTSUPP;
    if (!cp->leaves)
        cp->nr_leaves = POL_MAX_LEAVES;
    else if ((rc = cpu_policy_leaves_out(p, (u64)(uintptr_t)cp->leaves,
                                         &cp->nr_leaves)))
        return rc;
    if (copy_to_guest(arg + offsetof(struct xen_sysctl, u.cpu_policy.nr_leaves),
                      &cp->nr_leaves, sizeof(cp->nr_leaves)))
        return -EFAULT;
    if (!cp->msrs)
        cp->nr_msrs = POL_MAX_MSRS;
    else if ((rc = cpu_policy_msrs_out(p, (u64)(uintptr_t)cp->msrs,
                                       &cp->nr_msrs)))
        return rc;
    return 0;
}

HYPERCALL1(sysctl, u64, arg)
{
    struct xen_sysctl op;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!current_domain()->is_privileged)
        return -EPERM;
    switch (op.cmd) {
    case XEN_SYSCTL_readconsole:
        rc = readconsole(&op.u.readconsole);
        break;
    case XEN_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        rc = 0;
        break;
    case XEN_SYSCTL_sched_id:
        /* Weights and caps per domain: Xen's credit scheduler. */
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        rc = 0;
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = infolist(&op.u.getdomaininfolist);
        break;
    case XEN_SYSCTL_getcpuinfo:
        rc = cpuinfo(&op.u.getcpuinfo);
        break;
    case XEN_SYSCTL_cputopoinfo:
        rc = cputopoinfo(&op.u.cputopoinfo);
        break;
    case XEN_SYSCTL_numainfo:
        rc = numainfo(&op.u.numainfo);
        break;
    case XEN_SYSCTL_get_cpu_policy:
        rc = get_cpu_policy(&op, arg);
        break;
    default:
        return -ENOSYS;
    }
    /* As Xen: the struct goes back only when the command worked. */
    if (!rc && copy_to_guest(arg, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl: the control domain's operations on a domain, Xen 4.17's ABI. */
#include "arch.h"
#include "errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "smp.h"
#include "event.h"
#include "asm/cpu_policy.h"
#include "asm/hvm.h"
#include "asm/pv.h"
#include "asm/x86.h"
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/sched.h>

/* Xen keeps ~0 as the shutdown code of a domain that has not shut down. */
#define SHUTDOWN_CODE_NONE 0xffffffffu

void domain_getinfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    u32 flags = XEN_DOMINF_blocked, code;
    u64 now = arch_now_ns();

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    for (unsigned int i = 0; i < d->max_vcpus && !d->vcpus_pending; i++) {
        const struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        info->cpu_time += vcpu_running_time(v, now);
        info->max_vcpu_id = v->vcpu_id;
        if (v->pause_flags & VPF_down)
            continue;
        if (!(v->pause_flags & VPF_blocked))
            flags &= ~XEN_DOMINF_blocked;
        if (v->is_running)
            flags |= XEN_DOMINF_running;
        info->nr_online_vcpus++;
    }
    if (!info->nr_online_vcpus)
        flags = 0;
    if (d->state == DOM_DYING)
        flags |= XEN_DOMINF_dying;
    if (d->state == DOM_SHUTDOWN)
        flags |= XEN_DOMINF_shutdown;
    if (d->ctrl_pauses)
        flags |= XEN_DOMINF_paused;
    if (is_hvm_domain(d))
        flags |= XEN_DOMINF_hvm_guest;
    code = d->state == DOM_SHUTDOWN ? d->shutdown_code : SHUTDOWN_CODE_NONE;
    info->flags = flags | code << XEN_DOMINF_shutdownshift;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->outstanding_pages = d->outstanding_pages;
    info->shared_info_frame = d->shared_info_mfn;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->gpaddr_bits = (u8)arch_paddr_bits();
    /* Xen emulates a PIT for its PV hardware domain only. */
    info->arch_config.emulation_flags = d->is_privileged ? XEN_X86_EMU_PIT : 0;
}

static void pause_domain(struct domain *d)
{
    if (d->ctrl_pauses++)
        return;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_pause_flag(d->vcpu[i], VPF_paused);
}

static long unpause_domain(struct domain *d)
{
    /* Xen's count: an unpause without a pause is refused. */
    if (!d->ctrl_pauses)
        return -EINVAL;
    if (--d->ctrl_pauses)
        return 0;
    /* Xen's creation_finished: the first run fixes the CPU policy. */
    d->arch.creation_finished = true;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_unpause_flag(d->vcpu[i], VPF_paused);
    return 0;
}

/* Xen's sanitise_domain_config and arch checks, for a PV-only Vesper. */
static long create_config_ok(const struct xen_domctl_createdomain *c)
{
    const u32 known = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                      XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |
                      XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu |
                      XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu;

    if ((c->flags & ~known) || (c->grant_opts & ~XEN_DOMCTL_GRANT_version_mask))
        return -EINVAL;
    if (c->max_vcpus < 1 || c->max_vcpus > MAX_VCPUS)
        return -EINVAL;
    /* No HVM, IOMMU, vmtrace, vPMU or TBOOT here. */
    if (c->flags & (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap |
                    XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_vpmu |
                    XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_nested_virt))
        return -EINVAL;
    if (c->iommu_opts || c->vmtrace_size)
        return -EINVAL;
    /* Grant table version 1 or 2 (Xen's default maximum), and limits. */
    if (!(c->grant_opts & XEN_DOMCTL_GRANT_version_mask) ||
        (c->grant_opts & XEN_DOMCTL_GRANT_version_mask) > 2 ||
        gnttab_limits_ok(c->max_grant_frames, c->max_maptrack_frames))
        return -EINVAL;
    if (c->cpupool_id)
        return -ENOENT;
    /* A PV domain: at most Xen's PIT. */
    if (c->arch.emulation_flags & ~XEN_X86_EMU_PIT)
        return -EOPNOTSUPP;
    return 0;
}

static long create_domain(struct xen_domctl *op)
{
    static domid_t rover;
    struct domain *d;
    domid_t id = op->domain;
    char name[16];
    long rc = create_config_ok(&op->u.createdomain);

    if (rc)
        return rc;
    if (id > 0 && id < DOMID_FIRST_RESERVED) {
        if (domain_id_in_use(id))
            return -EEXIST;
    } else {
        /* The next free id after the last one given, as Xen's rover. */
        unsigned int tries = DOMID_FIRST_RESERVED;

        for (id = (domid_t)(rover + 1); tries; tries--, id++) {
            if (id == 0 || id >= DOMID_FIRST_RESERVED)
                id = 1;
            if (!domain_id_in_use(id))
                break;
        }
        if (!tries)
            return -ENOMEM;
        rover = id;
    }
    snprintf(name, sizeof(name), "d%u", id);
    d = domain_create(id, name, op->u.createdomain.max_vcpus);
    if (!d)
        return -ENOMEM;
    memcpy(d->handle, op->u.createdomain.handle, sizeof(d->handle));
    gnttab_set_limits(d, op->u.createdomain.max_grant_frames,
                      op->u.createdomain.max_maptrack_frames);
    d->arch.creation_finished = false;
    d->evtchn.port_limit = op->u.createdomain.max_evtchn_port < 0x7fffffffu
                               ? op->u.createdomain.max_evtchn_port
                               : 0x7fffffffu;
    d->vcpus_pending = true;
    d->toolstack_owned = true;
    /* Paused once for the toolstack, which unpauses it when it is built. */
    pause_domain(d);
    op->domain = id;
    return 0;
}

/*
 * Xen's domain_kill: the domain stops for good (not oneself); Vesper's
 * scheduler takes it apart once none of its vCPUs is on a CPU, and it
 * stays a zombie while others still hold its frames. Killing it again
 * changes nothing.
 */
static long destroy_domain(struct domain *d, struct domain *cur)
{
    if (d == cur)
        return -EINVAL;
    if (d->state == DOM_DYING)
        return 0;
    d->state = DOM_DYING;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_pause_flag(d->vcpu[i], VPF_dead);
    cpu_raise_softirq(smp_processor_id(), SOFTIRQ_SCHEDULE);
    /* As for a shutdown: the control domain hears of it. */
    send_guest_global_virq(domain_by_id(0), VIRQ_DOM_EXC);
    return 0;
}

/*
 * A CPU set to the guest's bitmap, as Xen's bitmap_to_xenctl_bitmap: the
 * bytes of nr_cpus bits that fit, then zeroes for the rest of its bytes.
 */
static long map_out(const struct xenctl_bitmap *b, cpumask_t m)
{
    u32 mine = (nr_cpus + 7) / 8, theirs = (b->nr_bits + 7) / 8;
    u64 va = (u64)(uintptr_t)b->bitmap;

    if (nr_cpus < 64)
        m &= (1ULL << nr_cpus) - 1;
    for (u32 i = 0; i < theirs; i++) {
        u8 byte = i < mine ? (u8)(m >> (8 * i)) : 0;

        if (copy_to_guest(va + i, &byte, 1))
            return -EFAULT;
    }
    return 0;
}

/* The guest's bitmap to a CPU set: bits past nr_bits or nr_cpus ignored. */
static long map_in(cpumask_t *m, const struct xenctl_bitmap *b)
{
    u32 mine = (nr_cpus + 7) / 8, theirs = (b->nr_bits + 7) / 8;
    u32 n = mine < theirs ? mine : theirs;
    u64 va = (u64)(uintptr_t)b->bitmap;

    *m = 0;
    for (u32 i = 0; i < n; i++) {
        u8 byte;

        if (copy_from_guest(&byte, va + i, 1))
            return -EFAULT;
        if (i == theirs - 1 && (b->nr_bits & 7))
            byte &= (u8) ~(0xff << (b->nr_bits & 7));
        *m |= (cpumask_t)byte << (8 * i);
    }
    if (nr_cpus < 64)
        *m &= (1ULL << nr_cpus) - 1;
    return 0;
}

static long vcpu_affinity(struct domain *d, u32 cmd,
                          struct xen_domctl_vcpuaffinity *a)
{
    struct vcpu *v;
    cpumask_t m;
    long rc = 0;

    if (a->vcpu >= d->max_vcpus)
        return -EINVAL;
    v = d->vcpus_pending ? NULL : d->vcpu[a->vcpu];
    if (!v)
        return -ESRCH;
    if (!a->flags ||
        ((a->flags & XEN_VCPUAFFINITY_HARD) && !a->cpumap_hard.bitmap) ||
        ((a->flags & XEN_VCPUAFFINITY_SOFT) && !a->cpumap_soft.bitmap))
        return -EINVAL;
    if (cmd == XEN_DOMCTL_getvcpuaffinity) {
        if (a->flags & XEN_VCPUAFFINITY_HARD)
            rc = map_out(&a->cpumap_hard, v->affinity);
        if (a->flags & XEN_VCPUAFFINITY_SOFT)
            rc = map_out(&a->cpumap_soft, v->soft_affinity);
        return rc;
    }
    if ((a->flags & XEN_VCPUAFFINITY_FORCE) && v->pin_override)
        vcpu_pin_override(v, -1);
    if (a->flags & XEN_VCPUAFFINITY_HARD) {
        rc = map_in(&m, &a->cpumap_hard);
        if (!rc)
            rc = vcpu_set_hard_affinity(v, m);
        if (rc)
            return rc;
        rc = map_out(&a->cpumap_hard, v->affinity & cpu_online_mask);
    }
    if (a->flags & XEN_VCPUAFFINITY_SOFT) {
        rc = map_in(&m, &a->cpumap_soft);
        if (rc)
            return rc;
        vcpu_set_soft_affinity(v, m);
        rc = map_out(&a->cpumap_soft, m & cpu_online_mask & v->affinity);
    }
    return rc;
}

/* ------------------------------------------- the PV builder's controls */

/*
 * XEN_DOMCTL_shadow_op as Xen 4.17 built without shadow paging (Debian's
 * build) answers for a PV domain: paging_domctl's checks, log-dirty mode
 * never available (-EOPNOTSUPP to enable), CLEAN and PEEK of a domain
 * without it report nothing dirty, and every other op reaches the
 * shadow stub's -EINVAL, OFF and the pool size included. Vesper has no
 * shadow paging either, so this is the whole truth.
 */
static long shadow_op(struct domain *d, struct domain *cur,
                      struct xen_domctl_shadow_op *so)
{
    if (d == cur)
        return -EINVAL;
    if (d->state == DOM_DYING)
        return 0;
    if (d->vcpus_pending)
        return -EINVAL; /* Xen: no vCPUs yet */
    switch (so->op) {
    case XEN_DOMCTL_SHADOW_OP_ENABLE:
        if (!(so->mode & XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY))
            return -EINVAL;
        return -EOPNOTSUPP;
    case XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY:
        return -EOPNOTSUPP;
    case XEN_DOMCTL_SHADOW_OP_CLEAN:
    case XEN_DOMCTL_SHADOW_OP_PEEK: {
        static const u8 zero[64];
        u64 va = (u64)(uintptr_t)so->dirty_bitmap, n = (so->pages + 7) / 8;

        if (so->mode & ~XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL)
            return -EINVAL;
        so->stats.fault_count = so->stats.dirty_count = 0;
        for (u64 off = 0; va && off < n; off += sizeof(zero))
            if (copy_to_guest(va + off, zero, MIN(n - off, sizeof(zero))))
                return -EFAULT;
        return 0;
    }
    default:
        return -EINVAL;
    }
}

#define TSC_MODE_DEFAULT 0
#define TSC_MODE_ALWAYS_EMULATE 1
#define TSC_MODE_NEVER_EMULATE 2

/* The TSC as ns at the host's rate: Xen's native-mode elapsed_nsec. */
static u64 tsc_ns(void)
{
    u64 khz = arch_cpu_khz(), tsc = rdtsc();

    if (!khz)
        return 0;
    return tsc / khz * 1000000 + tsc % khz * 1000000 / khz;
}

static void get_tsc_info(const struct domain *d, struct xen_domctl_tsc_info *t)
{
    t->tsc_mode = d->arch.tsc_mode;
    t->incarnation = d->arch.tsc_incarnation;
    if (t->tsc_mode == TSC_MODE_NEVER_EMULATE) {
        t->elapsed_nsec = 0;
        t->gtsc_khz = 0;
    } else {
        t->elapsed_nsec = tsc_ns();
        t->gtsc_khz = (u32)arch_cpu_khz();
    }
}

/*
 * Xen's tsc_set_info, for a hypervisor that never traps RDTSC: a mode
 * (or a guest frequency other than the host's) that Xen would emulate is
 * -EOPNOTSUPP rather than accepted and silently run native, which would
 * break what the toolstack asked for (a migrated guest's TSC rate).
 */
static long set_tsc_info(struct domain *d, const struct xen_domctl_tsc_info *t)
{
    switch (t->tsc_mode) {
    case TSC_MODE_DEFAULT:
        if (t->gtsc_khz && t->gtsc_khz != arch_cpu_khz())
            return -EOPNOTSUPP;
        break;
    case TSC_MODE_NEVER_EMULATE:
        break;
    case TSC_MODE_ALWAYS_EMULATE:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
    /* Xen leaves a PV hardware domain's settings as they are. */
    if (d->is_privileged)
        return 0;
    d->arch.tsc_mode = t->tsc_mode;
    d->arch.tsc_incarnation = t->incarnation + 1;
    return 0;
}

/* Xen's iomem_permission: the caller must hold the frames it grants. */
static long iomem_permission(struct domain *d, struct domain *cur,
                             const struct xen_domctl_iomem_permission *p)
{
    u64 first = p->first_mfn, last = p->first_mfn + p->nr_mfns - 1;

    if (last < first)
        return -EINVAL;
    if (!rangeset_contains(&cur->arch.iomem_caps, first, last))
        return -EPERM;
    return p->allow_access ? rangeset_add(&d->arch.iomem_caps, first, last)
                           : rangeset_remove(&d->arch.iomem_caps, first, last);
}

/* Xen's ioport_permission, the same for the 64 Ki ports. */
static long ioport_permission(struct domain *d, struct domain *cur,
                              const struct xen_domctl_ioport_permission *p)
{
    u32 first = p->first_port, end = p->first_port + p->nr_ports;

    if (end <= first || end > 0x10000)
        return -EINVAL;
    if (!pv_ports_permitted(cur, first, end - 1))
        return -EPERM;
    return p->allow_access
               ? rangeset_add(&d->arch.ioport_caps, first, end - 1)
               : rangeset_remove(&d->arch.ioport_caps, first, end - 1);
}

/* Xen's get_cpu_policy: null handles ask for the largest counts. */
static long get_cpu_policy(const struct domain *d,
                           struct xen_domctl_cpu_policy *cp)
{
    long rc;

    if (!cp->leaves)
        cp->nr_leaves = POL_MAX_LEAVES;
    else if ((rc = cpu_policy_leaves_out(&d->arch.cpu_policy,
                                         (u64)(uintptr_t)cp->leaves,
                                         &cp->nr_leaves)))
        return rc;
    if (!cp->msrs)
        cp->nr_msrs = POL_MAX_MSRS;
    else if ((rc = cpu_policy_msrs_out(&d->arch.cpu_policy,
                                       (u64)(uintptr_t)cp->msrs, &cp->nr_msrs)))
        return rc;
    return 0;
}

/* Xen's set_cpu_policy: before the domain first runs, not on oneself. */
static long set_cpu_policy(struct domain *d, struct domain *cur,
                           struct xen_domctl_cpu_policy *cp)
{
    struct cpu_policy_err err;
    long rc;

    if (d == cur)
        return -EINVAL;
    if (d->arch.creation_finished)
        return -EEXIST;
    rc = cpu_policy_set(&d->arch.cpu_policy, (u64)(uintptr_t)cp->leaves,
                        cp->nr_leaves, (u64)(uintptr_t)cp->msrs, cp->nr_msrs,
                        &err);
    if (rc) {
        cp->err_leaf = err.leaf;
        cp->err_subleaf = err.subleaf;
        cp->err_msr = err.msr;
    }
    return rc;
}

/*
 * Hold one vCPU off its CPU for the control domain, as Xen's vcpu_pause
 * (which waits): false if its domain went meanwhile.
 */
static bool vcpu_ctl_hold(struct vcpu *v)
{
    if (!v->ctl_holds++)
        vcpu_pause_flag(v, VPF_ctl);
    return domain_wait_stopped(v->domain);
}

static void vcpu_ctl_release(struct vcpu *v)
{
    if (!--v->ctl_holds)
        vcpu_unpause_flag(v, VPF_ctl);
}

/* Xen's vcpu_reset: the vCPU is down and has no context any more. */
static void vcpu_reset(struct vcpu *v)
{
    arch_vcpu_reset(v);
    v->initialised = false;
    v->pause_flags &= ~(VPF_blocked | VPF_unwoken);
    if (v->polling) {
        v->polling = false;
        stop_timer(&v->poll_timer);
    }
    vcpu_pause_flag(v, VPF_down);
}

/*
 * XEN_DOMCTL_setvcpucontext: Xen's checks (not oneself, a vCPU that
 * exists), the context loaded with the vCPU held off its CPU, and then up
 * or down as VGCF_online says; it starts when the domain is unpaused.
 */
static long set_vcpu_context(struct domain *d, struct domain *cur,
                             const struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *g;
    struct vcpu *v;
    long rc;

    if (d == cur || vc->vcpu >= d->max_vcpus || d->vcpus_pending ||
        !d->vcpu[vc->vcpu])
        return -EINVAL;
    /*
     * An HVM vCPU's state is not a PV context (Xen takes HVM registers
     * and its hvm save records there); loading one as PV would pin
     * guest frames as page tables. Not offered yet.
     */
    if (is_hvm_domain(d))
        return -EOPNOTSUPP;
    v = d->vcpu[vc->vcpu];
    g = vc->ctxt ? xmalloc(sizeof(*g)) : NULL;
    if (vc->ctxt && !g)
        return -ENOMEM;
    if (g && copy_from_guest(g, vc->ctxt, sizeof(*g))) {
        xfree(g);
        return -EFAULT;
    }
    if (!vcpu_ctl_hold(v)) {
        xfree(g);
        return -ESRCH;
    }
    if (!g) {
        vcpu_reset(v);
        rc = 0;
    } else {
        rc = arch_set_vcpu_context(v, g);
        if (!rc) {
            v->initialised = true;
            v->pause_flags &= ~VPF_unwoken;
            if (g->flags & VGCF_online)
                v->pause_flags &= ~VPF_down;
            else
                vcpu_pause_flag(v, VPF_down);
        }
    }
    vcpu_ctl_release(v);
    xfree(g);
    return rc;
}

/* XEN_DOMCTL_getvcpucontext: -ENODATA for a vCPU with no context yet. */
static long get_vcpu_context(struct domain *d,
                             const struct xen_domctl_vcpucontext *vc)
{
    struct vcpu_guest_context *g;
    struct vcpu *v;
    long rc = 0;

    if (vc->vcpu >= d->max_vcpus || d->vcpus_pending || !d->vcpu[vc->vcpu] ||
        d->vcpu[vc->vcpu] == current_vcpu())
        return -EINVAL;
    /* As set_vcpu_context: an HVM vCPU's state has no PV shape. */
    if (is_hvm_domain(d))
        return -EOPNOTSUPP;
    v = d->vcpu[vc->vcpu];
    if (!v->initialised)
        return -ENODATA;
    g = xmalloc(sizeof(*g));
    if (!g)
        return -ENOMEM;
    if (!vcpu_ctl_hold(v)) {
        xfree(g);
        return -ESRCH;
    }
    arch_get_vcpu_context(v, g);
    vcpu_ctl_release(v);
    if (copy_to_guest(vc->ctxt, g, sizeof(*g)))
        rc = -EFAULT;
    xfree(g);
    return rc;
}

HYPERCALL1(domctl, u64, arg)
{
    struct domain *cur = current_domain(), *d = NULL;
    struct xen_domctl op;
    bool copyback = false;
    long rc = 0;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    /* Xen names the domain before it checks the caller's rights. */
    if (op.cmd != XEN_DOMCTL_createdomain) {
        d = domain_by_id(op.domain);
        if (!d && op.cmd != XEN_DOMCTL_getdomaininfo)
            return -ESRCH;
    }
    if (!cur->is_privileged)
        return -EPERM;

    switch (op.cmd) {
    case XEN_DOMCTL_createdomain:
        rc = create_domain(&op);
        if (rc)
            return rc;
        copyback = true;
        break;
    case XEN_DOMCTL_destroydomain:
        rc = destroy_domain(d, cur);
        break;
    case XEN_DOMCTL_getdomaininfo:
        if (!d) {
            if (op.domain >= DOMID_FIRST_RESERVED)
                return -EINVAL;
            /* Not there: the next one up, as a toolstack walks them. */
            d = domain_next(op.domain);
            if (!d)
                return -ESRCH;
        }
        domain_getinfo(d, &op.u.getdomaininfo);
        op.domain = d->domain_id;
        copyback = true;
        break;
    case XEN_DOMCTL_pausedomain:
        /* A domain cannot wait for itself to stop. */
        if (d == cur)
            return -EINVAL;
        pause_domain(d);
        /* Like Xen's, it returns once the domain is off every CPU. */
        (void)domain_wait_stopped(d);
        break;
    case XEN_DOMCTL_unpausedomain:
        rc = unpause_domain(d);
        break;
    case XEN_DOMCTL_max_mem: {
        u64 pages = op.u.max_mem.max_memkb >> (PAGE_SHIFT - 10);

        /* May go below tot_pages: the domain then cannot grow. Xen's
         * limit is 32 bits wide. */
        d->max_pages = pages < 0xffffffffULL ? pages : 0xffffffffULL;
        break;
    }
    case XEN_DOMCTL_getvcpuinfo: {
        struct xen_domctl_getvcpuinfo *vi = &op.u.getvcpuinfo;
        const struct vcpu *v;

        if (vi->vcpu >= d->max_vcpus)
            return -EINVAL;
        v = d->vcpus_pending ? NULL : d->vcpu[vi->vcpu];
        if (!v)
            return -ESRCH;
        vi->online = !(v->pause_flags & VPF_down);
        vi->blocked = !!(v->pause_flags & VPF_blocked);
        vi->running = v->is_running;
        vi->cpu_time = vcpu_running_time(v, arch_now_ns());
        vi->cpu = v->processor;
        copyback = true;
        break;
    }
    case XEN_DOMCTL_scheduler_op: {
        struct xen_domctl_scheduler_op *so = &op.u.scheduler_op;

        if (so->sched_id != XEN_SCHEDULER_CREDIT)
            return -EINVAL;
        if (so->cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
            so->u.credit.weight = (u16)d->weight;
            so->u.credit.cap = (u16)d->cap;
        } else if (so->cmd == XEN_DOMCTL_SCHEDOP_putinfo) {
            if (so->u.credit.weight)
                d->weight = so->u.credit.weight;
            if (so->u.credit.cap != 0xffff)
                d->cap = so->u.credit.cap;
        } else {
            /* Credit has no per-vCPU parameters. */
            return -EINVAL;
        }
        copyback = true;
        break;
    }
    case XEN_DOMCTL_max_vcpus:
        /* The count createdomain fixed, as Xen; not oneself (no pause). */
        if (d == cur || op.u.max_vcpus.max != d->max_vcpus)
            return -EINVAL;
        d->vcpus_pending = false;
        break;
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op.u.setdomainhandle.handle, sizeof(d->handle));
        break;
    case XEN_DOMCTL_getvcpuaffinity:
    case XEN_DOMCTL_setvcpuaffinity:
        /* The answers go to the bitmaps; the struct is not copied back. */
        rc = vcpu_affinity(d, op.cmd, &op.u.vcpuaffinity);
        break;
    case XEN_DOMCTL_setvcpucontext:
        rc = set_vcpu_context(d, cur, &op.u.vcpucontext);
        break;
    case XEN_DOMCTL_getvcpucontext:
        rc = get_vcpu_context(d, &op.u.vcpucontext);
        if (rc && rc != -EFAULT)
            return rc;
        copyback = true;
        break;
    case XEN_DOMCTL_hypercall_init:
        rc = arch_hypercall_init(d, op.u.hypercall_init.gmfn);
        break;
    case XEN_DOMCTL_get_address_size:
        op.u.address_size.size = 64;
        copyback = true;
        break;
    case XEN_DOMCTL_set_address_size:
        if (op.u.address_size.size == 64)
            break;
        /* No 32-bit PV guests, as Debian's Xen 4.17 (pv32 off). */
        return op.u.address_size.size == 32 ? -EOPNOTSUPP : -EINVAL;
    case XEN_DOMCTL_shadow_op:
        /* As Xen: copied back whatever the answer. */
        rc = shadow_op(d, cur, &op.u.shadow_op);
        copyback = true;
        break;
    case XEN_DOMCTL_gettscinfo:
        if (d == cur)
            return -EINVAL;
        get_tsc_info(d, &op.u.tsc_info);
        copyback = true;
        break;
    case XEN_DOMCTL_settscinfo:
        if (d == cur)
            return -EINVAL;
        rc = set_tsc_info(d, &op.u.tsc_info);
        break;
    case XEN_DOMCTL_iomem_permission:
        rc = iomem_permission(d, cur, &op.u.iomem_permission);
        break;
    case XEN_DOMCTL_ioport_permission:
        rc = ioport_permission(d, cur, &op.u.ioport_permission);
        break;
    case XEN_DOMCTL_get_cpu_policy:
        rc = get_cpu_policy(d, &op.u.cpu_policy);
        if (rc)
            return rc;
        copyback = true;
        break;
    case XEN_DOMCTL_set_cpu_policy:
        rc = set_cpu_policy(d, cur, &op.u.cpu_policy);
        /* Only a refusal goes back, with its err_* fields. */
        copyback = rc != 0;
        break;
    default:
        return -ENOSYS;
    }
    if (copyback && copy_to_guest(arg, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}

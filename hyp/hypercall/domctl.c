/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl: the control domain's operations on a domain, Xen 4.17's ABI. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include <public/domctl.h>
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
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        const struct vcpu *v = d->vcpu[i];
        const struct vcpu_runstate_info *r;

        if (!v)
            continue;
        r = &v->runstate;
        info->cpu_time += r->time[RUNSTATE_running];
        /* The stretch it is in now counts too, as Xen's runstate_get. */
        if (r->state == RUNSTATE_running && now > r->state_entry_time)
            info->cpu_time += now - r->state_entry_time;
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
    if (d->state != DOM_RUNNING)
        flags |= XEN_DOMINF_shutdown;
    if (d->ctrl_pauses)
        flags |= XEN_DOMINF_paused;
    code = d->state == DOM_RUNNING ? SHUTDOWN_CODE_NONE : d->shutdown_code;
    info->flags = flags | code << XEN_DOMINF_shutdownshift;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
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
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_unpause_flag(d->vcpu[i], VPF_paused);
    return 0;
}

/* The domain getdomaininfo describes: op->domain, or the next one up. */
static struct domain *info_domain(domid_t id)
{
    struct domain *best = NULL;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_list[i];

        if (d && d->domain_id >= id &&
            (!best || d->domain_id < best->domain_id))
            best = d;
    }
    return best;
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
    case XEN_DOMCTL_getdomaininfo:
        if (!d) {
            if (op.domain >= DOMID_FIRST_RESERVED)
                return -EINVAL;
            d = info_domain(op.domain);
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
        u64 now = arch_now_ns();

        if (vi->vcpu >= d->max_vcpus)
            return -EINVAL;
        v = d->vcpu[vi->vcpu];
        if (!v)
            return -ESRCH;
        vi->online = !(v->pause_flags & VPF_down);
        vi->blocked = !!(v->pause_flags & VPF_blocked);
        vi->running = v->is_running;
        vi->cpu_time = v->runstate.time[RUNSTATE_running];
        if (v->runstate.state == RUNSTATE_running &&
            now > v->runstate.state_entry_time)
            vi->cpu_time += now - v->runstate.state_entry_time;
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
        /* Vesper sizes a domain's vCPUs when it creates it, as Xen. */
        if (d == cur || op.u.max_vcpus.max != d->max_vcpus)
            return -EINVAL;
        break;
    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op.u.setdomainhandle.handle, sizeof(d->handle));
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
    default:
        return -ENOSYS;
    }
    if (copyback && copy_to_guest(arg, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}

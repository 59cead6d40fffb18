/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op: yield, block, poll, shutdown, pin override. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include <public/sched.h>

static long sched_shutdown(struct vcpu *v, u64 arg, bool act)
{
    struct sched_shutdown s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    /* Like Xen, take unknown reasons too: the guest is stopping anyway. */
    if (!act) {
        v->domain->shutdown_code = s.reason;
        return 0;
    }
    domain_shutdown(v->domain, s.reason);
    return 0;
}

/*
 * Sleep until one of the given ports is pending or the timeout passes.
 * Xen's order: an upcall the vCPU would take at once ends the poll before
 * any port is read or checked; then each port in turn is read, checked
 * and tested, so a pending one ends the poll before a later bad one is
 * seen. Polling one port waits for that port alone; polling none or
 * several wakes on any port of the domain going pending (the guest looks
 * again), so a poll of no ports is not at the mercy of an upcall flag
 * that was already set. Returns 0 at once if one already is pending.
 */
static long sched_poll(struct vcpu *v, u64 arg)
{
    struct sched_poll p;
    evtchn_port_t port = 0;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > 128)
        return -EINVAL;
    if (!guest_range_ok((u64)(uintptr_t)p.ports,
                        (u64)p.nr_ports * sizeof(port)))
        return -EFAULT;
    if (v->vcpu_info->evtchn_upcall_pending &&
        !v->vcpu_info->evtchn_upcall_mask)
        return 0;
    for (unsigned int i = 0; i < p.nr_ports; i++) {
        if (copy_from_guest(&port, (u64)(uintptr_t)p.ports + i * sizeof(port),
                            sizeof(port)))
            return -EFAULT;
        if (!evtchn_port_is_valid(v->domain, port))
            return -EINVAL;
        if (evtchn_port_is_pending(v->domain, port))
            return 0;
    }
    v->poll_port = p.nr_ports == 1 ? port : 0;
    v->polling = true;
    vcpu_pause_flag(v, VPF_blocked);
    if (p.timeout) {
        /*
         * Xen's signed time reads a deadline of 2^63 or more as negative,
         * long past: the poll times out at once.
         */
        migrate_timer(&v->poll_timer, v->processor);
        set_timer(&v->poll_timer, (s64)p.timeout < 0 ? 1 : p.timeout);
    }
    return 0;
}

/*
 * The control domain pins the calling vCPU to one CPU for a while (its
 * kernel does so around firmware calls that must run on a given CPU); a
 * negative pcpu ends the override. The vCPU is on that CPU by the time
 * the hypercall returns.
 */
static long sched_pin_override(struct vcpu *v, u64 arg)
{
    struct sched_pin_override p;

    if (!v->domain->is_privileged)
        return -EPERM;
    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    return vcpu_pin_override(v, p.pcpu);
}

/*
 * Stop another domain as if it had shut itself down. Xen looks the domain
 * up by number only (DOMID_SELF is -ESRCH), then asks for privilege, which
 * even naming oneself needs.
 */
static long sched_remote_shutdown(struct domain *cur, u64 arg)
{
    struct sched_remote_shutdown s;
    struct domain *d;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    d = domain_by_id((domid_t)s.domain_id);
    if (!d)
        return -ESRCH;
    if (!cur->is_privileged)
        return -EPERM;
    domain_shutdown(d, s.reason);
    return 0;
}

HYPERCALL2(sched_op, int, cmd, u64, arg)
{
    struct vcpu *v = current_vcpu();

    switch (cmd) {
    case SCHEDOP_yield:
        csched_yield(v);
        raise_softirq(SOFTIRQ_SCHEDULE);
        return 0;
    case SCHEDOP_block:
        /* Enables event delivery, then sleeps until something happens. */
        v->vcpu_info->evtchn_upcall_mask = 0;
        vcpu_block(v);
        return 0;
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_shutdown:
        return sched_shutdown(v, arg, true);
    case SCHEDOP_shutdown_code:
        return sched_shutdown(v, arg, false);
    case SCHEDOP_pin_override:
        return sched_pin_override(v, arg);
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(v->domain, arg);
    default:
        return -ENOSYS;
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* vcpu_op and set_timer_op: vCPU life cycle, timers, runstate, vcpu_info. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include <public/vcpu.h>

/*
 * Xen's bounds for VCPUOP_set_periodic_timer: no faster than 1 ms, and no
 * longer than STIME_DELTA_MAX (2^62 - 1 ns), so that "last tick + period"
 * cannot wrap.
 */
#define MIN_PERIOD_NS 1000000UL
#define MAX_PERIOD_NS ((1UL << 62) - 1)

static void arm(struct timer *t, struct vcpu *v, u64 when)
{
    /* Fire where the vCPU runs, so the event needs no IPI. */
    migrate_timer(t, v->processor);
    set_timer(t, when);
}

static long vcpu_initialise(struct vcpu *v, u64 arg)
{
    struct vcpu_guest_context *g;
    bool online = false;
    long rc;

    if (v->initialised)
        return -EEXIST;
    g = xmalloc(sizeof(*g));
    if (!g)
        return -ENOMEM;
    rc = copy_from_guest(g, arg, sizeof(*g)) ? -EFAULT : 0;
    if (!rc) {
        rc = arch_set_vcpu_context(v, g);
        online = (g->flags & VGCF_online) != 0;
    }
    xfree(g);
    if (rc)
        return rc;
    v->initialised = true;
    if (online) {
        vcpu_pause_flag(v, VPF_unwoken);
        v->pause_flags &= ~VPF_down;
    }
    return 0;
}

static long register_runstate(struct vcpu *v, u64 arg)
{
    struct vcpu_register_runstate_memory_area a;

    if (copy_from_guest(&a, arg, sizeof(a)))
        return -EFAULT;
    if (a.addr.p &&
        !guest_range_ok(a.addr.p, sizeof(struct vcpu_runstate_info)))
        return -EINVAL;
    v->runstate_guest = a.addr.p;
    if (v == current_vcpu()) {
        vcpu_runstate_change(v, v->runstate.state);
        vcpu_update_guest_areas(v);
    }
    return 0;
}

/*
 * The firmware ids of the CPU a control-domain vCPU is pinned to (its
 * kernel matches them against ACPI tables); -EINVAL unless the vCPU may
 * use exactly one CPU. Xen looks up the CPU numbered like the vCPU, which
 * is the same CPU when vCPU i is pinned to CPU i; we report the CPU the
 * vCPU is actually pinned to.
 */
static long get_physid(const struct vcpu *v, u64 arg)
{
    struct vcpu_get_physid id;
    u32 apic, acpi;
    cpumask_t m = v->affinity & cpu_online_mask;

    if (!v->domain->is_privileged || !m || (m & (m - 1)))
        return -EINVAL;
    if (arch_cpu_physid(cpumask_first(m), &apic, &acpi))
        return -EINVAL;
    id.phys_id = (u64)apic | (u64)acpi << 32;
    return copy_to_guest(arg, &id, sizeof(id)) ? -EFAULT : 0;
}

HYPERCALL3(vcpu_op, int, cmd, unsigned int, vcpuid, u64, arg)
{
    struct domain *d = current_domain();
    struct vcpu *v;
    u64 now = arch_now_ns();

    if (vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]))
        return -ENOENT;
    switch (cmd) {
    case VCPUOP_initialise:
        return vcpu_initialise(v, arg);
    case VCPUOP_up:
        if (!v->initialised)
            return -EINVAL;
        vcpu_unpause_flag(v, VPF_down);
        return 0;
    case VCPUOP_down:
        vcpu_pause_flag(v, VPF_down);
        v->pause_flags &= ~VPF_unwoken; /* the next VCPUOP_up wakes it */
        return 0;
    case VCPUOP_is_up:
        return !(v->pause_flags & VPF_down);
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info r;

        vcpu_runstate_change(v, v->runstate.state);
        r = v->runstate;
        return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
    }
    case VCPUOP_register_runstate_memory_area:
        return register_runstate(v, arg);
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer p;

        if (copy_from_guest(&p, arg, sizeof(p)))
            return -EFAULT;
        if (p.period_ns < MIN_PERIOD_NS || p.period_ns > MAX_PERIOD_NS)
            return -EINVAL;
        vcpu_set_periodic_timer(v, p.period_ns);
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        vcpu_set_periodic_timer(v, 0);
        return 0;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer s;

        if (v != current_vcpu())
            return -EINVAL;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        /*
         * Xen 4.17.7 ignores VCPU_SSHOTTMR_future (no -ETIME any more: old
         * Linux retried forever on it). A deadline already past, or one
         * Xen's signed time reads as negative, sends the tick at once.
         */
        if (s.timeout_abs_ns < now || (s64)s.timeout_abs_ns < 0) {
            stop_timer(&v->singleshot_timer);
            send_guest_vcpu_virq(v, VIRQ_TIMER);
            return 0;
        }
        arm(&v->singleshot_timer, v, s.timeout_abs_ns);
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        if (v != current_vcpu())
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;
    case VCPUOP_register_vcpu_info:
        return vcpu_register_info(v, arg);
    case VCPUOP_get_physid:
        return get_physid(v, arg);
    case VCPUOP_register_vcpu_time_memory_area:
        return vcpu_register_time_area(v, arg);
    default:
        return -ENOSYS;
    }
}

/*
 * The old one-shot interface; 0 stops it. Like Xen, a deadline that is
 * negative as signed time, or 2^50 ns (about 13 days) or more ahead
 * (Linux's wrapped jiffies), is taken as 100 ms from now. A deadline in
 * the past fires at once.
 */
#define SET_TIMER_OP_FAR_NS (1UL << 50)
#define SET_TIMER_OP_FALLBACK_NS 100000000UL

HYPERCALL1(set_timer_op, u64, timeout)
{
    struct vcpu *v = current_vcpu();
    u64 now = arch_now_ns();

    if (!timeout) {
        stop_timer(&v->singleshot_timer);
        return 0;
    }
    if ((s64)timeout < 0 ||
        (timeout > now && timeout - now >= SET_TIMER_OP_FAR_NS))
        timeout = now + SET_TIMER_OP_FALLBACK_NS;
    arm(&v->singleshot_timer, v, timeout);
    return 0;
}

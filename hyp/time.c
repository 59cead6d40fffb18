/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest time: pvclock records, wallclock, vCPU timers, runstate copies. */
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "guest_access.h"
#include "lib.h"
#include "sched.h"

/* XEN_PVCLOCK_TSC_STABLE_BIT: every vCPU's record is the same one. */
#define PVCLOCK_TSC_STABLE 1

static u64 wallclock_at_boot_ns; /* wall time at system time 0 */

void time_wallclock_init(void)
{
    u64 now = arch_now_ns();

    wallclock_at_boot_ns = arch_wallclock_sec() * 1000000000UL - now;
}

/* shared_info's wc_* fields: wall time at system time 0, versioned. */
void time_domain_init(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    u64 sec = wallclock_at_boot_ns / 1000000000UL;

    WRITE_ONCE(s->wc_version, s->wc_version + 1);
    smp_wmb();
    s->wc_sec = (u32)sec;
    s->wc_sec_hi = (u32)(sec >> 32);
    s->wc_nsec = (u32)(wallclock_at_boot_ns % 1000000000UL);
    smp_wmb();
    WRITE_ONCE(s->wc_version, s->wc_version + 1);
}

/*
 * The pvclock record: one epoch for the whole run, so it never needs
 * refreshing and all vCPUs read identical, monotonic time.
 */
void time_vcpu_publish(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->vcpu_info->time;
    u64 epoch;
    u32 mul;
    s8 shift;

    arch_time_scale(&epoch, &mul, &shift);
    WRITE_ONCE(t->version, (t->version + 1) | 1);
    smp_wmb();
    t->tsc_timestamp = epoch;
    t->system_time = 0;
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    t->flags = PVCLOCK_TSC_STABLE;
    smp_wmb();
    WRITE_ONCE(t->version, t->version + 1);
}

/*
 * Xen rewrites a vCPU's time record each time it is scheduled in, so a
 * record the guest or its builder cleared (a PV builder zeroes the whole
 * shared_info) is whole again when the vCPU next runs. Vesper's record
 * never changes, so it is written only when it differs.
 */
void time_vcpu_refresh(struct vcpu *v)
{
    const struct vcpu_time_info *t = &v->vcpu_info->time;
    u64 epoch;
    u32 mul;
    s8 shift;

    arch_time_scale(&epoch, &mul, &shift);
    if (READ_ONCE(t->tsc_timestamp) != epoch ||
        READ_ONCE(t->tsc_to_system_mul) != mul ||
        READ_ONCE(t->tsc_shift) != shift || READ_ONCE(t->system_time) ||
        READ_ONCE(t->flags) != PVCLOCK_TSC_STABLE ||
        (READ_ONCE(t->version) & 1))
        time_vcpu_publish(v);
}

void vcpu_singleshot_timer_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

/*
 * Xen's periodic rule: the next tick is due one period after the last.
 * When that is already past (the timer ran late, or the period is new)
 * the tick is sent once now and the next one counts from now, so the
 * timer is never re-armed in the past. The sum saturates: the period is
 * range-checked at VCPUOP_set_periodic_timer, but a wrap here would hang
 * this CPU's timer list.
 */
static void periodic_work(struct vcpu *v, unsigned int cpu)
{
    u64 now = arch_now_ns(), next;

    if (!v->periodic_period)
        return;
    next = v->periodic_last_event + v->periodic_period;
    if (next < v->periodic_last_event)
        next = ~0UL;
    if (now >= next) {
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        v->periodic_last_event = now;
        next = now + v->periodic_period;
        if (next < now)
            next = ~0UL;
    }
    migrate_timer(&v->periodic_timer, cpu);
    set_timer(&v->periodic_timer, next);
}

void vcpu_periodic_timer_fn(void *data)
{
    struct vcpu *v = data;

    periodic_work(v, v->processor);
}

void vcpu_set_periodic_timer(struct vcpu *v, u64 period_ns)
{
    stop_timer(&v->periodic_timer);
    v->periodic_period = period_ns;
    periodic_work(v, v->processor);
}

/*
 * Xen runs a vCPU's periodic timer only while the vCPU has a CPU: it is
 * stopped whenever the vCPU is switched out and restarted when it is
 * switched back in, a tick that fell due meanwhile being sent then, once
 * (Xen's sched_context_switch). So the periodic timer never wakes a
 * blocked vCPU; a single-shot timer or another event must.
 */
void vcpu_periodic_switch_out(struct vcpu *v)
{
    stop_timer(&v->periodic_timer);
}

void vcpu_periodic_switch_in(struct vcpu *v, unsigned int cpu)
{
    periodic_work(v, cpu);
}

/* Copy the runstate to the guest's registered area (v's tables are live). */
static void runstate_publish(struct vcpu *v)
{
    struct vcpu_runstate_info r = v->runstate;
    u64 va = v->runstate_guest;
    bool flag =
        v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);
    u64 entry = r.state_entry_time;

    if (!va)
        return;
    if (flag) {
        /* Readers retry while XEN_RUNSTATE_UPDATE is set in entry time. */
        entry |= XEN_RUNSTATE_UPDATE;
        if (copy_to_guest(
                va + offsetof(struct vcpu_runstate_info, state_entry_time),
                &entry, sizeof(entry)))
            return;
        smp_wmb();
        r.state_entry_time = entry;
    }
    if (copy_to_guest(va, &r, sizeof(r)))
        return;
    if (flag) {
        smp_wmb();
        entry &= ~XEN_RUNSTATE_UPDATE;
        (void)copy_to_guest(
            va + offsetof(struct vcpu_runstate_info, state_entry_time), &entry,
            sizeof(entry));
    }
}

/*
 * Copy vcpu_info's time record to the area the guest registered (Linux
 * maps it for its vDSO). The record never changes after it is published
 * (one epoch), so one successful copy lasts; a copy made while the guest's
 * user page tables are live, which lack the area, is retried at the next
 * entry. The version is odd while the copy is half written.
 */
static void time_area_publish(struct vcpu *v)
{
    struct vcpu_time_info t = v->vcpu_info->time;
    u64 va = v->time_area_guest;
    u32 even = t.version & ~1u;

    if (!va || !v->time_area_stale)
        return;
    t.version = even | 1;
    if (copy_to_guest(va, &t, sizeof(t)))
        return;
    smp_wmb();
    if (copy_to_guest(va + offsetof(struct vcpu_time_info, version), &even,
                      sizeof(even)))
        return;
    v->time_area_stale = false;
}

void vcpu_update_guest_areas(struct vcpu *v)
{
    runstate_publish(v);
    time_area_publish(v);
}

long vcpu_register_time_area(struct vcpu *v, u64 arg)
{
    struct vcpu_register_time_memory_area a;

    if (copy_from_guest(&a, arg, sizeof(a)))
        return -EFAULT;
    if (a.addr.p && !guest_range_ok(a.addr.p, sizeof(struct vcpu_time_info)))
        return -EFAULT;
    v->time_area_guest = a.addr.p;
    v->time_area_stale = true;
    /* Linux checks the copy's flags right after registering. */
    if (v == current_vcpu())
        time_area_publish(v);
    return 0;
}

/*
 * VCPUOP_register_vcpu_info: move v's vcpu_info into a guest frame. The
 * old contents come along, and every selector bit is set with an upcall
 * pending so nothing that was pending is lost in the move (as Xen does).
 */
long vcpu_register_info(struct vcpu *v, u64 arg)
{
    struct vcpu_register_vcpu_info r;
    struct page_info *pg;
    struct vcpu_info *nv;
    u8 *page;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    /* Xen's order and errnos; the record must fit and be aligned. */
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
        (r.offset & (_Alignof(struct vcpu_info) - 1)))
        return -ENXIO;
    if (v->vcpu_info_mfn)
        return -EINVAL;
    /* Only the caller itself or a vCPU that is down moves. */
    if (v != current_vcpu() && !(v->pause_flags & VPF_down))
        return -EINVAL;
    /*
     * arch_map_guest_frame takes a general and a writable type reference
     * for as long as the record lives there: the guest may give the frame
     * back or map it, but never free, pin or retype it under Vesper.
     */
    page = arch_map_guest_frame(v->domain, r.mfn, &pg);
    if (!page)
        return -EINVAL;
    nv = (struct vcpu_info *)(page + r.offset);
    memcpy(nv, v->vcpu_info, sizeof(*nv));
    nv->evtchn_pending_sel = ~0UL;
    smp_wmb();
    v->vcpu_info = nv;
    v->vcpu_info_mfn = page_to_mfn(pg);
    time_vcpu_publish(v);
    vcpu_mark_events_pending(v);
    WRITE_ONCE(nv->evtchn_upcall_pending, 1);
    return 0;
}

/* Give back the frames vCPUs moved their vcpu_info into. */
void time_domain_destroy(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v || !v->vcpu_info_mfn)
            continue;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        arch_unmap_guest_frame(mfn_to_page(v->vcpu_info_mfn));
        v->vcpu_info_mfn = 0;
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Scheduling glue: block/wake/kick, runstate, softirqs, the per-CPU loop. */
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"

/* The machine ends the way domain 0 did (the last domain's if no dom0). */
static unsigned int last_exit_code;
static bool dom0_exit_seen;
static bool any_domain_built;
/* Per-CPU: when the scheduler wants to be asked again. */
static struct timer slice_timer[MAX_CPUS];

static void runstate_set(struct vcpu *v, int state, u64 now)
{
    struct vcpu_runstate_info *r = &v->runstate;

    if (r->state == state)
        return;
    if (now > r->state_entry_time)
        r->time[r->state] += now - r->state_entry_time;
    r->state = state;
    r->state_entry_time = now;
}

u64 vcpu_running_time(const struct vcpu *v, u64 now)
{
    const struct vcpu_runstate_info *r = &v->runstate;
    u64 t = r->time[RUNSTATE_running];

    if (r->state == RUNSTATE_running && now > r->state_entry_time)
        t += now - r->state_entry_time;
    return t;
}

void vcpu_runstate_change(struct vcpu *v, int state)
{
    runstate_set(v, state, arch_now_ns());
}

/* Where a vCPU that cannot run is accounted: waiting for an event, or not. */
static int stopped_state(const struct vcpu *v)
{
    return v->pause_flags & VPF_blocked ? RUNSTATE_blocked : RUNSTATE_offline;
}

/* Queue a runnable vCPU and tell the CPU the scheduler chose. */
static void wake_queue(struct vcpu *v)
{
    u64 now = arch_now_ns();
    int cpu;

    if (!vcpu_runnable(v) || v->is_running)
        return;
    runstate_set(v, RUNSTATE_runnable, now);
    cpu = csched_wake(v, now);
    if (cpu >= 0)
        cpu_raise_softirq((unsigned int)cpu, SOFTIRQ_SCHEDULE);
}

/* Take v off the CPUs: deschedule it wherever it runs. */
static void sleep_dequeue(struct vcpu *v)
{
    csched_sleep(v, arch_now_ns());
    if (v->is_running)
        cpu_raise_softirq(v->processor, SOFTIRQ_SCHEDULE);
    else if (v->runstate.state == RUNSTATE_runnable)
        runstate_set(v, stopped_state(v), arch_now_ns());
}

void vcpu_wake(struct vcpu *v)
{
    if (!(v->pause_flags & VPF_blocked))
        return;
    v->pause_flags &= ~VPF_blocked;
    if (v->polling) {
        v->polling = false;
        stop_timer(&v->poll_timer);
    }
    wake_queue(v);
}

void vcpu_block(struct vcpu *v)
{
    v->pause_flags |= VPF_blocked;
    smp_mb();
    /* An event that arrived before the flag was set must not be lost. */
    if (v->vcpu_info->evtchn_upcall_pending &&
        !v->vcpu_info->evtchn_upcall_mask) {
        v->pause_flags &= ~VPF_blocked;
        return;
    }
    sleep_dequeue(v);
}

void vcpu_pause_flag(struct vcpu *v, u32 flag)
{
    if (v->pause_flags & flag)
        return;
    v->pause_flags |= flag;
    sleep_dequeue(v);
}

void vcpu_unpause_flag(struct vcpu *v, u32 flag)
{
    if (!(v->pause_flags & flag))
        return;
    v->pause_flags &= ~flag;
    any_domain_built = true;
    wake_queue(v);
}

void vcpu_kick(struct vcpu *v)
{
    vcpu_wake(v);
    /* Running elsewhere: an interrupt makes that CPU look at its events. */
    if (v->is_running && v->processor != smp_processor_id())
        cpu_raise_softirq(v->processor, SOFTIRQ_EVENT);
}

bool domain_wait_stopped(struct domain *d)
{
    domid_t id = d->domain_id;
    u64 serial = d->serial;

    for (;;) {
        bool busy = false;

        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            const struct vcpu *v = d->vcpu[i];

            /* One that may run again is not waited for: it would not stop. */
            if (v && v != current_vcpu() && v->is_running &&
                !vcpu_runnable(v)) {
                busy = true;
                cpu_raise_softirq(v->processor, SOFTIRQ_SCHEDULE);
            }
        }
        if (!busy)
            return true;
        /* Their CPUs need the lock to leave them. */
        hyp_lock_yield();
        d = domain_by_id(id);
        if (!d || d->serial != serial)
            return false;
    }
}

int vcpu_set_hard_affinity(struct vcpu *v, cpumask_t mask)
{
    if (!(mask & cpu_online_mask))
        return -EINVAL;
    if (v->pin_override)
        return -EBUSY;
    v->affinity = mask;
    if (v->is_running && !(v->affinity & (1ull << v->processor)))
        cpu_raise_softirq(v->processor, SOFTIRQ_SCHEDULE);
    return 0;
}

/*
 * Soft affinity is a preference: the scheduler places v on an idle CPU of
 * it when it can. As Xen, a new set is acted on at once: its CPU decides.
 */
void vcpu_set_soft_affinity(struct vcpu *v, cpumask_t mask)
{
    v->soft_affinity = mask;
    if (v->is_running && !(mask & (1ull << v->processor)))
        cpu_raise_softirq(v->processor, SOFTIRQ_SCHEDULE);
}

int vcpu_pin_override(struct vcpu *v, int cpu)
{
    if (cpu < 0) {
        if (!v->pin_override)
            return -EINVAL;
        v->pin_override = false;
        v->affinity = v->affinity_saved;
    } else {
        if (v->pin_override)
            return -EBUSY;
        if (cpu >= MAX_CPUS || !(cpu_online_mask & (1ull << cpu)))
            return -EINVAL;
        v->affinity_saved = v->affinity;
        v->affinity = 1ull << cpu;
        v->pin_override = true;
    }
    /* The scheduler moves it when its CPU next decides: make that now. */
    if (v->is_running && !(v->affinity & (1ull << v->processor)))
        cpu_raise_softirq(v->processor, SOFTIRQ_SCHEDULE);
    return 0;
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    if (xchg8(&v->vcpu_info->evtchn_upcall_pending, 1))
        return;
    vcpu_kick(v);
}

void vcpu_poll_wake(struct domain *d, evtchn_port_t port)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v && v->polling && (!v->poll_port || v->poll_port == port))
            vcpu_wake(v);
    }
}

void vcpu_poll_timer_fn(void *data)
{
    vcpu_wake(data);
}

static void slice_timer_fn(void *data)
{
    raise_softirq(SOFTIRQ_SCHEDULE);
}

void sched_init_cpu(unsigned int cpu)
{
    timer_init(&slice_timer[cpu], slice_timer_fn, NULL, cpu);
}

/* Destroy stopped domains once none of their vCPUs is on a CPU. */
static bool reap_domains(void)
{
    const struct domain *ctl = domain_by_id(0);
    bool any = false;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_list[i];
        bool busy = false;

        if (!d)
            continue;
        any = true;
        /* Kept for its toolstack, while that runs (Xen's dom0). */
        if (d->state == DOM_RUNNING ||
            (d->state == DOM_SHUTDOWN && d->toolstack_owned && ctl &&
             ctl->state == DOM_RUNNING))
            continue;
        for (unsigned int j = 0; j < d->max_vcpus; j++)
            if (d->vcpu[j] && d->vcpu[j]->is_running)
                busy = true;
        if (busy)
            continue;
        if (d->domain_id == 0 || !dom0_exit_seen)
            last_exit_code = d->shutdown_code;
        if (d->domain_id == 0)
            dom0_exit_seen = true;
        domain_destroy(d);
    }
    return any;
}

static __noreturn void all_domains_gone(void)
{
    printk("all domains have shut down (last: %s); %llu frames free of "
           "%llu\n",
           last_exit_code == 1   ? "reboot"
           : last_exit_code == 3 ? "crash"
                                 : "poweroff",
           (unsigned long long)free_frame_count(),
           (unsigned long long)total_frame_count());
    arch_machine_exit(last_exit_code == 0 || last_exit_code == 1 ||
                              last_exit_code == 3
                          ? last_exit_code
                          : 3);
}

/* Time each CPU has spent with nothing to run (XEN_SYSCTL_getcpuinfo). */
static u64 idle_ns[MAX_CPUS], idle_since[MAX_CPUS];
static bool idling[MAX_CPUS];

void schedule(void)
{
    unsigned int cpu = smp_processor_id();

    for (;;) {
        struct vcpu *prev = current_vcpu(), *next;
        u64 now, slice;

        softirq_clear(SOFTIRQ_SCHEDULE);
        if (softirq_test_and_clear(SOFTIRQ_TIMER))
            timer_softirq();
        /* Leave a stopped vCPU first, so its domain can go. */
        if (prev && !vcpu_runnable(prev)) {
            arch_save_vcpu(prev);
            vcpu_periodic_switch_out(prev);
            runstate_set(prev, stopped_state(prev), arch_now_ns());
            prev = NULL;
        }
        if (!reap_domains() && any_domain_built) {
            dom0_exit_seen = false;
            if (boot_next_cycle())
                continue;
            all_domains_gone();
        }
        now = arch_now_ns();
        next = csched_pick(cpu, prev, now, &slice);
        set_timer(&slice_timer[cpu], now + slice);
        /* A stopped prev was left above: this one still wants the CPU. */
        if (prev && prev != next) {
            arch_save_vcpu(prev);
            vcpu_periodic_switch_out(prev);
            runstate_set(prev, RUNSTATE_runnable, now);
        }
        if (next) {
            runstate_set(next, RUNSTATE_running, now);
            if (next != prev) {
                vcpu_periodic_switch_in(next, cpu);
                time_vcpu_refresh(next);
            }
            arch_run_vcpu(next);
        }
        /* Nothing to run: sleep until an interrupt brings work. */
        if (softirq_pending())
            continue;
        idle_since[cpu] = arch_now_ns();
        WRITE_ONCE(idling[cpu], true);
        hyp_unlock();
        arch_idle();
        hyp_lock();
        WRITE_ONCE(idling[cpu], false);
        idle_ns[cpu] += arch_now_ns() - idle_since[cpu];
    }
}

u64 cpu_idle_time(unsigned int cpu)
{
    u64 since = READ_ONCE(idle_since[cpu]), t = READ_ONCE(idle_ns[cpu]);

    /* A CPU may go idle before the clock runs (since = 0): still idle. */
    if (READ_ONCE(idling[cpu])) {
        u64 now = arch_now_ns();

        if (now > since)
            t += now - since;
    }
    return t;
}

/* Softirq work on the way back to a guest. */
void do_softirqs(void)
{
    if (softirq_test_and_clear(SOFTIRQ_TIMER))
        timer_softirq();
    softirq_clear(SOFTIRQ_EVENT);
    if (softirq_test_and_clear(SOFTIRQ_SCHEDULE))
        schedule();
}

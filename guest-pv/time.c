/* SPDX-License-Identifier: MIT */
/* pvclock, wall clock, the timer hypercalls and runstate areas. */

#include <guest/time.h>
#include <guest/smp.h>

int runstate_update_flag;

static inline void rmb(void)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t pvclock_read_info(const volatile struct vcpu_time_info *t)
{
    uint32_t version, mul;
    uint64_t tsc_ts, sys, tsc;
    int8_t shift;

    do {
        version = t->version;
        rmb();
        tsc_ts = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = rdtsc_ordered();
        rmb();
    } while ((version & 1) || version != t->version);
    /* A TSC read just before an update can lag the new timestamp. */
    if (tsc < tsc_ts)
        return sys;
    return sys + pvclock_scale(tsc - tsc_ts, mul, shift);
}

uint64_t guest_now(void)
{
    return pvclock_read_info(&guest_vcpu_info(smp_cpu_id())->time);
}

void wallclock_read(uint64_t *sec, uint32_t *nsec)
{
    volatile struct shared_info *s = shared_info;
    uint32_t version;

    do {
        version = s->wc_version;
        rmb();
        *sec = s->wc_sec | ((uint64_t)s->wc_sec_hi << 32);
        *nsec = s->wc_nsec;
        rmb();
    } while ((version & 1) || version != s->wc_version);
}

uint64_t spin_until(uint64_t deadline)
{
    uint64_t now;

    while ((now = guest_now()) < deadline)
        __asm__ volatile("pause");
    return now;
}

long timer_set_op(uint64_t abs_ns)
{
    return HYPERVISOR_set_timer_op(abs_ns);
}

long timer_set_singleshot(uint64_t abs_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = abs_ns,
                                           .flags = flags };

    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, smp_cpu_id(), &t);
}

long timer_stop_singleshot(void)
{
    return HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, smp_cpu_id(), NULL);
}

long timer_set_periodic(uint64_t period_ns)
{
    struct vcpu_set_periodic_timer t = { .period_ns = period_ns };

    return HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, smp_cpu_id(), &t);
}

long timer_stop_periodic(void)
{
    return HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, smp_cpu_id(), NULL);
}

long runstate_register(unsigned int vcpu, struct vcpu_runstate_info *area)
{
    struct vcpu_register_runstate_memory_area a;

    if (!runstate_update_flag)
        runstate_update_flag =
            HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                 VMASST_TYPE_runstate_update_flag) == 0;
    a.addr.v = area;
    return HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, vcpu, &a);
}

void runstate_read(const volatile struct vcpu_runstate_info *area,
                   struct vcpu_runstate_info *out)
{
    uint64_t entry;

    /*
     * Either protocol: the update flag set means a rewrite is under way;
     * without it, a state_entry_time that changed while we copied does.
     */
    do {
        entry = area->state_entry_time;
        rmb();
        out->state = area->state;
        out->state_entry_time = entry & ~XEN_RUNSTATE_UPDATE;
        for (int i = 0; i < 4; i++)
            out->time[i] = area->time[i];
        rmb();
    } while ((entry & XEN_RUNSTATE_UPDATE) || entry != area->state_entry_time);
}

uint64_t runstate_time_now(const struct vcpu_runstate_info *r, int state,
                           uint64_t now)
{
    uint64_t t = r->time[state];

    if (r->state == state && now > r->state_entry_time)
        t += now - r->state_entry_time;
    return t;
}

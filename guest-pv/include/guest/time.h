/* SPDX-License-Identifier: MIT */
/* Guest time: pvclock, wall clock, timers and runstate areas. */
#ifndef GUEST_TIME_H
#define GUEST_TIME_H

#include <guest/guest.h>

#define NS_PER_US 1000ULL
#define NS_PER_MS 1000000ULL
#define NS_PER_SEC 1000000000ULL

static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/*
 * System time (ns since the hypervisor booted) from a vcpu_time_info,
 * retrying while its version is odd or changes under us. Scaling is
 * ((tsc - tsc_timestamp) shifted by tsc_shift) * tsc_to_system_mul >> 32
 * in 128 bits, as the ABI defines it.
 */
uint64_t pvclock_read_info(const volatile struct vcpu_time_info *t);
/* The same from the running vCPU's vcpu_info. */
uint64_t guest_now(void);
/* The pure scaling step, exposed for tests. */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);

/* Wall-clock time of system time 0 (shared_info wc_*), versioned read. */
void wallclock_read(uint64_t *sec, uint32_t *nsec);

/* Spin (with pause) until guest_now() >= deadline; returns guest_now(). */
uint64_t spin_until(uint64_t deadline);

/* Timers of the calling vCPU (VIRQ_TIMER when they fire). */
long timer_set_op(uint64_t abs_ns); /* set_timer_op; 0 stops */
long timer_set_singleshot(uint64_t abs_ns, uint32_t flags);
long timer_stop_singleshot(void);
long timer_set_periodic(uint64_t period_ns);
long timer_stop_periodic(void);

/*
 * Runstate: register area for the calling vCPU (after enabling the
 * XEN_RUNSTATE_UPDATE protocol with vm_assist, when the hypervisor has
 * it), and take a consistent copy of an area the hypervisor may be
 * rewriting. runstate_running_now() adds the current stint when the copy
 * says running, so it can be compared across a block.
 */
long runstate_register(unsigned int vcpu, struct vcpu_runstate_info *area);
void runstate_read(const volatile struct vcpu_runstate_info *area,
                   struct vcpu_runstate_info *out);
uint64_t runstate_time_now(const struct vcpu_runstate_info *r, int state,
                           uint64_t now);
/* Whether vm_assist(runstate_update_flag) succeeded. */
extern int runstate_update_flag;

#endif /* GUEST_TIME_H */

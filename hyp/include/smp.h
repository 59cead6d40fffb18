/* SPDX-License-Identifier: GPL-2.0-only */
/* Physical CPUs: numbering, cross-CPU kicks, and the one hypervisor lock. */
#ifndef VESPER_SMP_H
#define VESPER_SMP_H

#include "types.h"

#define MAX_CPUS 64
typedef u64 cpumask_t; /* bit n = physical CPU n */

/* The lowest CPU in a non-empty mask. */
static inline unsigned int cpumask_first(cpumask_t m)
{
    return (unsigned int)__builtin_ctzll(m);
}

extern unsigned int nr_cpus; /* CPUs brought up (0 .. nr_cpus-1) */
extern cpumask_t cpu_online_mask;

unsigned int smp_processor_id(void);

/*
 * Softirqs: work an interrupt handler or another CPU asks for, done with
 * the big lock held on the way back to a guest or in the idle loop.
 */
enum { SOFTIRQ_TIMER, SOFTIRQ_SCHEDULE, SOFTIRQ_EVENT };
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
void raise_softirq(unsigned int nr); /* this CPU; no IPI */
bool softirq_pending(void);
bool softirq_test_and_clear(unsigned int nr);
void softirq_clear(unsigned int nr);

/*
 * The big hypervisor lock: every entry from a guest takes it and every
 * return to a guest (or halt in idle) drops it, so hypervisor data needs
 * no finer locking. Interrupt handlers never take it.
 */
void hyp_lock(void);
void hyp_unlock(void);
bool hyp_locked_by_me(void);
/*
 * Let the big lock go for a moment, interrupts on (TLB-flush IPIs are
 * answered), and take it back: for a holder waiting on another CPU.
 */
void hyp_lock_yield(void);
/* Another CPU is spinning for the big lock (long hypercalls yield to it). */
bool hyp_lock_contended(void);

#endif

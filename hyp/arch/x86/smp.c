/* SPDX-License-Identifier: GPL-2.0-only */
/* Physical CPUs: the big lock, softirqs, inter-processor interrupts. */
#include "arch.h"
#include "atomic.h"
#include "lib.h"
#include "smp.h"
#include "asm/percpu.h"
#include "asm/ipi.h"
#include "asm/x86.h"

unsigned int nr_cpus = 1;
cpumask_t cpu_online_mask = 1;
struct percpu *percpu_of[MAX_CPUS];

static volatile u32 big_lock;
static volatile u32 big_lock_owner = ~0u;

unsigned int smp_processor_id(void)
{
    return get_cpu_info()->cpu_id;
}

void hyp_lock(void)
{
    unsigned int me = smp_processor_id();

    BUG_ON(big_lock_owner == me);
    /*
     * Spin with interrupts on: a CPU holding the lock may be waiting for
     * this one to answer a TLB-flush IPI.
     */
    while (cmpxchg32(&big_lock, 0, 1) != 0) {
        local_irq_enable();
        while (READ_ONCE(big_lock))
            cpu_relax();
        local_irq_disable();
    }
    big_lock_owner = me;
}

void hyp_unlock(void)
{
    BUG_ON(big_lock_owner != smp_processor_id());
    big_lock_owner = ~0u;
    smp_wmb();
    WRITE_ONCE(big_lock, 0);
}

bool hyp_locked_by_me(void)
{
    return big_lock_owner == smp_processor_id();
}

void raise_softirq(unsigned int nr)
{
    set_bit(nr, &this_cpu()->softirq_pending);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    struct percpu *pc = percpu_of[cpu];

    if (!pc)
        return;
    if (test_and_set_bit(nr, &pc->softirq_pending) || cpu == smp_processor_id())
        return;
    send_ipi(pc->apic_id, VEC_EVENT_CHECK);
}

bool softirq_pending(void)
{
    return READ_ONCE(this_cpu()->softirq_pending) != 0;
}

bool softirq_test_and_clear(unsigned int nr)
{
    return test_and_clear_bit(nr, &this_cpu()->softirq_pending);
}

void softirq_clear(unsigned int nr)
{
    clear_bit(nr, &this_cpu()->softirq_pending);
}

/* CPUs that still owe an answer to the current flush request. */
static volatile u64 flush_waiting;

static void flush_local_all(void)
{
    u64 cr4 = read_cr4();

    /* Toggling PGE drops global entries as well. */
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4);
}

void flush_ipi_handler(void)
{
    flush_local_all();
    clear_bit(smp_processor_id(), &flush_waiting);
}

void flush_tlb_mask(cpumask_t mask)
{
    unsigned int me = smp_processor_id();

    mask &= cpu_online_mask;
    if (mask & (1UL << me))
        flush_local_all();
    mask &= ~(1UL << me);
    if (!mask)
        return;
    /* The big lock serialises requesters; answers come from interrupts. */
    BUG_ON(!hyp_locked_by_me());
    flush_waiting = mask;
    for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
        if (mask & (1UL << cpu))
            send_ipi(percpu_of[cpu]->apic_id, VEC_FLUSH);
    while (READ_ONCE(flush_waiting))
        cpu_relax();
}

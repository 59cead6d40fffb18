/* SPDX-License-Identifier: MIT */
/* pvclock: monotonic on one vCPU, across two vCPUs, and across yield/block. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

#define READS 100000
#define PHASE_NS (400 * NS_PER_MS)
/* Without TSC_STABLE: Xen 4.17 under a loaded TCG host drifts by ms. */
#define MAX_SKEW_NS (50 * NS_PER_MS)

/* The largest reading published so far, and which vCPU published it. */
static volatile uint64_t last_value;
static volatile unsigned int last_owner;
struct stats {
    uint64_t reads, cross, backwards, worst;
    uint64_t own_last, own_backwards; /* this vCPU against itself */
};
static struct stats st[2];
static volatile int phase, done1;

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
}

/*
 * Read the shared value first, then our clock: the other vCPU's reading
 * happened before ours, so ours may not be smaller.
 */
static void sample(unsigned int cpu)
{
    uint64_t seen = __atomic_load_n(&last_value, __ATOMIC_SEQ_CST);
    unsigned int owner = last_owner;
    uint64_t now = guest_now();
    uint64_t cur;

    st[cpu].reads++;
    if (now < st[cpu].own_last)
        st[cpu].own_backwards++;
    st[cpu].own_last = now;
    if (owner != cpu)
        st[cpu].cross++;
    if (now < seen) {
        st[cpu].backwards++;
        if (seen - now > st[cpu].worst)
            st[cpu].worst = seen - now;
    }
    cur = seen;
    while (now > cur) {
        if (__atomic_compare_exchange_n(&last_value, &cur, now, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            last_owner = cpu;
            break;
        }
    }
}

/* Phase 1: spin. Phase 2: yield between reads. Phase 3: block briefly. */
static void run_phases(unsigned int cpu)
{
    uint64_t end;

    while (phase == 0)
        cpu_relax();
    end = guest_now() + PHASE_NS;
    while (guest_now() < end)
        sample(cpu);
    end = guest_now() + PHASE_NS;
    while (guest_now() < end) {
        sample(cpu);
        sched_yield();
        sample(cpu);
    }
    end = guest_now() + PHASE_NS;
    while (guest_now() < end) {
        sample(cpu);
        events_disable();
        timer_set_singleshot(guest_now() + 2 * NS_PER_MS, 0);
        sched_block();
        sample(cpu);
    }
}

static void secondary(unsigned int cpu, void *arg)
{
    (void)arg;
    timer_stop_periodic();
    run_phases(cpu);
    done1 = 1;
}

void test_main(void)
{
    evtchn_port_t p0, p1;
    uint64_t prev, now, backwards = 0, sec, end;
    int stable;
    uint32_t nsec;
    int i;

    /* One vCPU: many reads, never backwards. */
    prev = guest_now();
    for (i = 0; i < READS; i++) {
        now = guest_now();
        if (now < prev)
            backwards++;
        prev = now;
    }
    TEST_EQ(backwards, 0);
    TEST_CHECK(guest_now() > prev);
    TEST_EQ(pvclock_scale(1ULL << 32, 1u << 31, 0), 1ULL << 31);
    TEST_EQ(pvclock_scale(3, 0x80000000u, 1), 3);
    TEST_EQ(pvclock_scale(1ULL << 40, 0xffffffffu, -8),
            ((1ULL << 32) * 0xffffffffULL) >> 32);

    /* The wall clock: system time 0 plus now is some time after 2020. */
    wallclock_read(&sec, &nsec);
    TEST_CHECK(nsec < NS_PER_SEC);
    TEST_CHECK(sec + guest_now() / NS_PER_SEC > 1577836800ULL);

    /* Two vCPUs comparing against each other's last published reading. */
    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &p0), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 1, &p1), 0);
    evtchn_set_handler(p0, on_timer, NULL);
    evtchn_set_handler(p1, on_timer, NULL);
    events_enable();
    TEST_EQ(vcpu_start(1, secondary, NULL), 0);
    end = guest_now() + 2 * NS_PER_SEC;
    while (!vcpu_running[1] && guest_now() < end)
        cpu_relax();
    TEST_EQ(vcpu_running[1], 1);
    phase = 1;
    run_phases(0);
    end = guest_now() + 5 * NS_PER_SEC;
    while (!done1 && guest_now() < end)
        cpu_relax();
    TEST_EQ(done1, 1);
    stable = guest_vcpu_info(0)->time.flags & XEN_PVCLOCK_TSC_STABLE_BIT;
    printk("pvclock flags: vcpu0 0x%x vcpu1 0x%x\n",
           guest_vcpu_info(0)->time.flags, guest_vcpu_info(1)->time.flags);
    for (i = 0; i < 2; i++) {
        printk("vcpu%d: %lu reads, %lu after the other's, %lu backwards "
               "(worst %lu ns)\n",
               i, (unsigned long)st[i].reads, (unsigned long)st[i].cross,
               (unsigned long)st[i].backwards, (unsigned long)st[i].worst);
        /*
         * With XEN_PVCLOCK_TSC_STABLE_BIT the clocks of all vCPUs are one
         * clock. Without it (Xen 4.17 under TCG) each pCPU has its own
         * scale, readers must clamp (Linux keeps a global last value), and
         * what we can demand is that the skew stays small.
         */
        TEST_EQ(st[i].own_backwards, 0);
        if (stable)
            TEST_EQ(st[i].backwards, 0);
        else
            TEST_CHECK(st[i].worst < MAX_SKEW_NS);
    }
    /* Make sure the comparison really happened across vCPUs. */
    TEST_CHECK(st[0].cross + st[1].cross > 100);

    /*
     * A record the guest (or a PV builder, which clears shared_info)
     * wiped is written again when the vCPU is next scheduled in: after a
     * block it is whole and the clock runs.
     */
    {
        volatile struct vcpu_time_info *t = &guest_vcpu_info(0)->time;
        uint64_t wake = guest_now() + 2 * NS_PER_MS;

        events_disable();
        timer_set_singleshot(wake, 0);
        memset((void *)t, 0, sizeof(*t));
        TEST_EQ(guest_now(), 0);
        sched_block();
        TEST_CHECK(t->tsc_to_system_mul != 0);
        now = guest_now();
        TEST_CHECK(now >= wake);
        TEST_CHECK(spin_until(now + NS_PER_MS) > now);
    }
}

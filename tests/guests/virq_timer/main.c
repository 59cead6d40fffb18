/* SPDX-License-Identifier: MIT */
/* VIRQ_TIMER from set_timer_op, singleshot and periodic timers, and stops. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

/* TCG is slow: late by up to this much is fine, early by 1 ns is not. */
#define TOLERANCE (50 * NS_PER_MS)
#define NTICKS 8

static volatile uint32_t fired;
static volatile uint64_t fire_time[NTICKS + 4];

static void on_timer(evtchn_port_t port, void *data)
{
    uint64_t now = guest_now();

    (void)port;
    (void)data;
    if (fired < ARRAY_SIZE(fire_time))
        fire_time[fired] = now;
    fired++;
}

static void wait_ns(uint64_t ns)
{
    spin_until(guest_now() + ns);
}

static void check_oneshot(const char *how, uint64_t deadline)
{
    uint64_t end = deadline + 10 * TOLERANCE;

    while (!fired && guest_now() < end)
        cpu_relax();
    wait_ns(20 * NS_PER_MS);
    if (fired != 1) {
        test_fail("%s: fired %u times, want 1", how, fired);
        return;
    }
    if (fire_time[0] >= deadline)
        test_pass("%s: not before the deadline (+%lu ns)", how,
                  (unsigned long)(fire_time[0] - deadline));
    else
        test_fail("%s: fired %lu ns early", how,
                  (unsigned long)(deadline - fire_time[0]));
    if (fire_time[0] - deadline <= TOLERANCE)
        test_pass("%s: within tolerance", how);
    else
        test_fail("%s: %lu ns late", how,
                  (unsigned long)(fire_time[0] - deadline));
}

void test_main(void)
{
    evtchn_port_t port;
    uint64_t deadline, start, period = 20 * NS_PER_MS;
    unsigned int i;
    int early = 0;

    TEST_EQ(events_init(), 0);
    /* The default 10 ms periodic tick would otherwise run into us. */
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &port), -XEN_EEXIST);
    evtchn_set_handler(port, on_timer, NULL);
    events_enable();
    wait_ns(30 * NS_PER_MS);
    fired = 0;

    /* set_timer_op: absolute system time. */
    deadline = guest_now() + 100 * NS_PER_MS;
    TEST_EQ(timer_set_op(deadline), 0);
    check_oneshot("set_timer_op", deadline);

    /* VCPUOP_set_singleshot_timer; re-arming replaces the deadline. */
    fired = 0;
    TEST_EQ(timer_set_singleshot(guest_now() + 30 * NS_PER_MS, 0), 0);
    deadline = guest_now() + 120 * NS_PER_MS;
    TEST_EQ(timer_set_singleshot(deadline, 0), 0);
    check_oneshot("singleshot", deadline);

    /* A deadline already past fires at once. */
    fired = 0;
    deadline = guest_now();
    TEST_EQ(timer_set_singleshot(deadline - 1000, 0), 0);
    check_oneshot("singleshot in the past", deadline);

    /* Stopped timers do not fire. */
    fired = 0;
    TEST_EQ(timer_set_singleshot(guest_now() + 40 * NS_PER_MS, 0), 0);
    TEST_EQ(timer_stop_singleshot(), 0);
    TEST_EQ(timer_set_op(guest_now() + 40 * NS_PER_MS), 0);
    TEST_EQ(timer_set_op(0), 0);
    wait_ns(150 * NS_PER_MS);
    TEST_EQ(fired, 0);

    /* Singleshot only for the calling vCPU. */
    {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = 1 };

        TEST_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t),
                -XEN_EINVAL);
    }

    /*
     * Periodic: N ticks, tick k (from 0) not before start + k * period.
     * Xen 4.17 raises the first tick as soon as the timer is set.
     */
    TEST_EQ(timer_set_periodic(NS_PER_MS / 2), -XEN_EINVAL); /* < 1 ms */
    fired = 0;
    start = guest_now();
    TEST_EQ(timer_set_periodic(period), 0);
    while (fired < NTICKS &&
           guest_now() < start + NTICKS * period + 1000 * NS_PER_MS)
        cpu_relax();
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_CHECK(fired >= NTICKS);
    for (i = 0; i < NTICKS && i < fired; i++) {
        if (fire_time[i] < start + i * period) {
            test_fail("tick %u at +%lu ns, before %u periods", i,
                      (unsigned long)(fire_time[i] - start), i);
            early = 1;
        }
    }
    if (!early)
        test_pass("no periodic tick early");
    if (fired >= NTICKS) {
        uint64_t last = fire_time[NTICKS - 1] - start;

        printk("periodic: %u ticks in %lu us (period %lu us)\n", NTICKS,
               (unsigned long)(last / 1000), (unsigned long)(period / 1000));
        TEST_CHECK(last <= NTICKS * period + NTICKS * TOLERANCE / 2);
    }
    wait_ns(5 * NS_PER_MS);
    fired = 0;
    wait_ns(5 * period);
    TEST_EQ(fired, 0);
    TEST_EQ(evtchn_spurious, 0);
}

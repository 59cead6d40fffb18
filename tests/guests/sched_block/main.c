/* SPDX-License-Identifier: MIT */
/* SCHEDOP_block wakes on VIRQ_TIMER and costs no CPU; SCHEDOP_poll returns. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

#define BLOCK_NS (300 * NS_PER_MS)

static volatile uint32_t fired;
static struct vcpu_runstate_info area __attribute__((aligned(64)));

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    fired++;
}

static uint64_t sum_times(const struct vcpu_runstate_info *r)
{
    return r->time[0] + r->time[1] + r->time[2] + r->time[3];
}

void test_main(void)
{
    struct vcpu_runstate_info r0, r1;
    evtchn_port_t tport, a, b, bad[1] = { 1u << 20 };
    uint64_t t0, deadline, t1, run0, ran, blocked, wall;
    long rc;

    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &tport), 0);
    evtchn_set_handler(tport, on_timer, NULL);
    TEST_EQ(runstate_register(0, &area), 0);
    runstate_read(&area, &r0);
    TEST_EQ(r0.state, RUNSTATE_running);
    TEST_CHECK(r0.state_entry_time <= guest_now());

    /* Block with events masked: SCHEDOP_block unmasks them itself. */
    events_disable();
    runstate_read(&area, &r0);
    t0 = guest_now();
    run0 = runstate_time_now(&r0, RUNSTATE_running, t0);
    deadline = t0 + BLOCK_NS;
    TEST_EQ(timer_set_singleshot(deadline, 0), 0);
    rc = sched_block();
    t1 = guest_now();
    runstate_read(&area, &r1);
    TEST_EQ(rc, 0);
    TEST_EQ(fired, 1); /* the upcall ran before block returned */
    TEST_EQ(events_disabled(), 0);
    TEST_CHECK(t1 >= deadline);
    printk("blocked for %lu us\n", (unsigned long)((t1 - t0) / 1000));
    TEST_CHECK(t1 - deadline < 50 * NS_PER_MS);

    TEST_EQ(r1.state, RUNSTATE_running);
    ran = r1.time[RUNSTATE_running] - run0;
    blocked = r1.time[RUNSTATE_blocked] - r0.time[RUNSTATE_blocked];
    wall = r1.state_entry_time - r0.state_entry_time;
    printk("runstate: ran %lu us, blocked %lu us, runnable %lu us\n",
           (unsigned long)(ran / 1000), (unsigned long)(blocked / 1000),
           (unsigned long)((r1.time[RUNSTATE_runnable] -
                            r0.time[RUNSTATE_runnable]) /
                           1000));
    TEST_CHECK(ran < 10 * NS_PER_MS);
    TEST_CHECK(blocked >= BLOCK_NS - 10 * NS_PER_MS);
    TEST_CHECK(blocked <= t1 - t0);
    /* Every nanosecond between two entries is in exactly one state. */
    TEST_EQ(sum_times(&r1) - sum_times(&r0), wall);
    TEST_CHECK(r1.state_entry_time <= t1);

    /* Poll returns at once for a port that is already pending... */
    events_disable();
    TEST_EQ(evtchn_bind_ipi(0, &a), 0);
    TEST_EQ(evtchn_bind_ipi(0, &b), 0);
    TEST_EQ(evtchn_send(a), 0);
    t0 = guest_now();
    TEST_EQ(sched_poll(&a, 1, t0 + 2 * NS_PER_SEC), 0);
    t1 = guest_now();
    TEST_CHECK(t1 - t0 < 500 * NS_PER_MS); /* not the 2 s timeout */
    TEST_EQ(evtchn_is_pending(a), 1);      /* poll does not consume it */
    evtchn_clear_pending(a);

    /* ...and after its timeout for an idle one, blocked meanwhile. */
    runstate_read(&area, &r0);
    t0 = guest_now();
    deadline = t0 + 200 * NS_PER_MS;
    TEST_EQ(sched_poll(&b, 1, deadline), 0);
    t1 = guest_now();
    runstate_read(&area, &r1);
    printk("poll timed out after %lu us\n", (unsigned long)((t1 - t0) / 1000));
    TEST_CHECK(t1 >= deadline);
    TEST_CHECK(t1 - deadline < 50 * NS_PER_MS);
    TEST_CHECK(r1.time[RUNSTATE_blocked] - r0.time[RUNSTATE_blocked] >=
               190 * NS_PER_MS);
    TEST_EQ(events_disabled(), 1); /* poll leaves the mask alone */

    /* Several ports: any one pending ends the poll. */
    {
        evtchn_port_t both[2] = { b, a };

        TEST_EQ(evtchn_send(a), 0);
        t0 = guest_now();
        TEST_EQ(sched_poll(both, 2, t0 + 2 * NS_PER_SEC), 0);
        TEST_CHECK(guest_now() - t0 < 500 * NS_PER_MS);
        evtchn_clear_pending(a);
    }
    TEST_EQ(sched_poll(bad, 1, guest_now() + NS_PER_MS), -XEN_EINVAL);
    TEST_EQ(sched_poll(&a, 129, guest_now() + NS_PER_MS), -XEN_EINVAL);

    /* Yield returns and we keep running. */
    TEST_EQ(sched_yield(), 0);
}

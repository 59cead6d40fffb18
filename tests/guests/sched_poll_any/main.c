/* SPDX-License-Identifier: MIT */
/* SCHEDOP_poll wakes as on Xen: any port for none or several, one for one. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

#define SOON (20 * NS_PER_MS)

static evtchn_port_t tport;

/*
 * An earlier event left evtchn_upcall_pending set while events are
 * masked (the guest has not looked yet): the next event cannot kick the
 * vCPU through that flag, only through the poll's own port rules.
 */
static void stale_upcall_flag(void)
{
    struct vcpu_info *vi = guest_vcpu_info(0);

    evtchn_clear_pending(tport);
    vi->evtchn_upcall_pending = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void settle(void)
{
    struct vcpu_info *vi = guest_vcpu_info(0);

    evtchn_clear_pending(tport);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Poll with the timer's event due SOON; returns how long the poll took. */
static uint64_t poll_with_timer(evtchn_port_t *ports, unsigned int nr,
                                uint64_t timeout)
{
    uint64_t t0 = guest_now();

    stale_upcall_flag();
    TEST_EQ(timer_set_singleshot(t0 + SOON, 0), 0);
    TEST_EQ(sched_poll(ports, nr, t0 + timeout), 0);
    return guest_now() - t0;
}

void test_main(void)
{
    evtchn_port_t a, b, bad[1] = { 1u << 20 };
    struct vcpu_info *vi = guest_vcpu_info(0);
    uint64_t took;
    long rc;

    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_ipi(0, &a), 0);
    TEST_EQ(evtchn_bind_ipi(0, &b), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &tport), 0);
    events_disable();

    /* No ports: any port of the domain going pending ends the poll. */
    took = poll_with_timer(NULL, 0, 2 * NS_PER_SEC);
    printk("poll of no ports: %lu us\n", (unsigned long)(took / 1000));
    TEST_CHECK(took < NS_PER_SEC); /* not the 2 s timeout */
    TEST_EQ(evtchn_is_pending(tport), 1);
    settle();

    /* Several ports: so does a port that is not among them. */
    {
        evtchn_port_t both[2] = { a, b };

        took = poll_with_timer(both, 2, 2 * NS_PER_SEC);
        printk("poll of two ports: %lu us\n", (unsigned long)(took / 1000));
        TEST_CHECK(took < NS_PER_SEC);
        TEST_EQ(evtchn_is_pending(tport), 1);
        settle();
    }

    /* One port: only that port ends it; the timer's event does not. */
    took = poll_with_timer(&a, 1, 300 * NS_PER_MS);
    printk("poll of one port: %lu us\n", (unsigned long)(took / 1000));
    TEST_CHECK(took >= 300 * NS_PER_MS);
    TEST_EQ(evtchn_is_pending(tport), 1);
    settle();

    /*
     * An upcall the vCPU would take at once ends the poll before the
     * ports are looked at: 0, not -EINVAL for the bad port.
     */
    vi->evtchn_upcall_pending = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vi->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    rc = sched_poll(bad, 1, guest_now() + NS_PER_SEC);
    events_disable();
    TEST_EQ(rc, 0);
    /* Masked, the same bad port is refused. */
    vi->evtchn_upcall_pending = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    TEST_EQ(sched_poll(bad, 1, guest_now() + NS_PER_MS), -XEN_EINVAL);
    settle();
}

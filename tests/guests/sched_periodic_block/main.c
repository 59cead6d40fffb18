/* SPDX-License-Identifier: MIT */
/* A periodic timer ticks only while its vCPU runs: it never ends a block. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

static volatile uint32_t ticks;

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ticks++;
}

/*
 * Arm a period, run a little, then block until a single-shot deadline
 * far beyond it. Xen stops a vCPU's periodic timer whenever the vCPU
 * leaves its CPU (and sends a tick that fell due meanwhile when it is
 * back), so only the deadline ends the block; a hypervisor that kept the
 * period running would wake us one period in.
 */
static void block_with_period(uint64_t period, uint64_t shot)
{
    uint64_t t0, t1, deadline;
    uint32_t n;

    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(timer_set_periodic(period), 0);
    spin_until(guest_now() + 3 * NS_PER_MS);
    events_disable();
    t0 = guest_now();
    deadline = t0 + shot;
    TEST_EQ(timer_set_singleshot(deadline, 0), 0);
    n = ticks;
    TEST_EQ(sched_block(), 0);
    t1 = guest_now();
    printk("period %lu us: blocked %lu us for a %lu us deadline\n",
           (unsigned long)(period / 1000), (unsigned long)((t1 - t0) / 1000),
           (unsigned long)(shot / 1000));
    TEST_CHECK(t1 >= deadline);
    /* The tick that ended it ran before block returned, events on. */
    TEST_CHECK(ticks != n);
    TEST_EQ(events_disabled(), 0);
}

void test_main(void)
{
    evtchn_port_t port;

    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
    evtchn_set_handler(port, on_timer, NULL);
    events_enable();

    block_with_period(NS_PER_MS, 100 * NS_PER_MS);
    block_with_period(20 * NS_PER_MS, 200 * NS_PER_MS);
    TEST_EQ(timer_stop_periodic(), 0);
}

/* SPDX-License-Identifier: MIT */
/* A periodic timer ticks only while its vCPU runs: it never ends a block. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

static volatile uint32_t ticks;
static evtchn_port_t timer_port;

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
 *
 * A tick that falls due after events_disable() but before the block
 * rightly ends the block at once (SCHEDOP_block re-enables events), on
 * Xen as here, and a busy host can stall the emulated CPU for longer
 * than a period at that point. So each attempt starts right after a
 * tick, skips the block when one slipped in anyway, and a block that
 * still ends early is tried again: one that keeps the period running
 * ends every attempt one period in.
 */
static void block_with_period(uint64_t period, uint64_t shot)
{
    uint64_t t0 = 0, t1 = 0, deadline = 0, give_up;
    uint32_t n = 0;
    int tries;

    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(timer_set_periodic(period), 0);
    spin_until(guest_now() + 3 * NS_PER_MS);
    for (tries = 0; tries < 4; tries++) {
        n = ticks;
        give_up = guest_now() + 10 * period;
        while (ticks == n && guest_now() < give_up)
            ;
        events_disable();
        t0 = guest_now();
        deadline = t0 + shot;
        TEST_EQ(timer_set_singleshot(deadline, 0), 0);
        if (evtchn_is_pending(timer_port)) {
            events_enable();
            continue;
        }
        n = ticks;
        TEST_EQ(sched_block(), 0);
        t1 = guest_now();
        printk("period %lu us: blocked %lu us for a %lu us deadline\n",
               (unsigned long)(period / 1000),
               (unsigned long)((t1 - t0) / 1000), (unsigned long)(shot / 1000));
        /* The tick that ended it ran before block returned, events on. */
        TEST_CHECK(ticks != n);
        TEST_EQ(events_disabled(), 0);
        if (t1 >= deadline)
            break;
    }
    TEST_CHECK(t1 >= deadline);
}

void test_main(void)
{
    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port), 0);
    evtchn_set_handler(timer_port, on_timer, NULL);
    events_enable();

    block_with_period(NS_PER_MS, 100 * NS_PER_MS);
    block_with_period(20 * NS_PER_MS, 200 * NS_PER_MS);
    TEST_EQ(timer_stop_periodic(), 0);
}

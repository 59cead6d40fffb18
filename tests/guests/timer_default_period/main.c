/* SPDX-License-Identifier: MIT */
/* Every vCPU starts with a 10 ms periodic timer, as on Xen; stop_periodic ends it. */
#include <guest/events.h>
#include <guest/test.h>
#include <guest/time.h>

static volatile uint32_t ticks;

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ticks++;
}

/* VIRQ_TIMER upcalls while we spin for ms milliseconds. */
static uint32_t ticks_in(uint64_t ms)
{
    uint32_t n = ticks;

    spin_until(guest_now() + ms * NS_PER_MS);
    return ticks - n;
}

void test_main(void)
{
    evtchn_port_t port;
    uint32_t n;

    TEST_EQ(events_init(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
    evtchn_set_handler(port, on_timer, NULL);
    events_enable();
    /*
     * Nothing armed by us: 200 ms at 100 Hz is 20 ticks. Linux relies on
     * it being there (it stops it first thing), so a guest that does not
     * stop it sees it. Leave room for a busy host on both sides.
     */
    n = ticks_in(200);
    printk("default period: %u ticks in 200 ms\n", n);
    TEST_CHECK(n >= 5 && n <= 40);
    TEST_EQ(timer_stop_periodic(), 0);
    n = ticks_in(20); /* one already due may still land */
    TEST_CHECK(n <= 1);
    TEST_EQ(ticks_in(100), 0);
}

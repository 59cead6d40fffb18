/* SPDX-License-Identifier: MIT */
/* The FIFO event ABI: delivery, masking, priorities, and reset to 2-level. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

static volatile uint32_t hits;
static volatile evtchn_port_t order[16];

static void on_event(evtchn_port_t port, void *data)
{
    (void)data;
    if (hits < ARRAY_SIZE(order))
        order[hits] = port;
    hits++;
}

static uint32_t settle(uint32_t want)
{
    return events_settle(&hits, want);
}

void test_main(void)
{
    evtchn_port_t lo, hi, a, b, unb, loop, p2l;
    uint32_t base;

    TEST_EQ(evtchn_fifo_init(), 0);
    TEST_EQ(evtchn_fifo_link_bits, EVTCHN_FIFO_LINK_BITS);
    TEST_CHECK(evtchn_fifo_active());
    TEST_EQ(events_init(), 0);
    events_enable();

    TEST_EQ(evtchn_bind_ipi(0, &lo), 0);
    TEST_EQ(evtchn_bind_ipi(0, &hi), 0);
    TEST_EQ(evtchn_bind_ipi(0, &a), 0);
    TEST_EQ(evtchn_bind_ipi(0, &b), 0);
    evtchn_set_handler(lo, on_event, NULL);
    evtchn_set_handler(hi, on_event, NULL);
    evtchn_set_handler(a, on_event, NULL);
    evtchn_set_handler(b, on_event, NULL);

    /* Plain delivery through the control block's queue. */
    TEST_EQ(evtchn_send(a), 0);
    TEST_EQ(settle(1), 1);
    TEST_EQ(order[0], a);
    TEST_EQ(evtchn_is_pending(a), 0);
    TEST_EQ(evtchn_send(a), 0);
    TEST_EQ(evtchn_send(b), 0);
    TEST_EQ(settle(3), 3);

    /* A loopback pair. */
    TEST_EQ(evtchn_alloc_unbound(DOMID_SELF, &unb), 0);
    evtchn_set_handler(unb, on_event, NULL);
    events_disable();
    TEST_EQ(evtchn_bind_interdomain(DOMID_SELF, unb, &loop), 0);
    evtchn_set_handler(loop, on_event, NULL);
    base = hits;
    events_enable(); /* the bind's own notification */
    TEST_EQ(settle(base + 1), base + 1);
    TEST_EQ(evtchn_send(loop), 0);
    TEST_EQ(settle(base + 2), base + 2);
    TEST_EQ(order[base + 1], unb);

    /* MASKED in the event word holds an event; unmask delivers it. */
    base = hits;
    evtchn_mask(a);
    TEST_EQ(evtchn_is_masked(a), 1);
    TEST_EQ(evtchn_send(a), 0);
    TEST_EQ(settle(base + 1), base);
    TEST_EQ(evtchn_is_pending(a), 1);
    evtchn_unmask(a);
    TEST_EQ(settle(base + 1), base + 1);
    TEST_EQ(order[base], a);
    /* EVTCHNOP_unmask clears MASKED in the word itself and relinks. */
    evtchn_mask(b);
    TEST_EQ(evtchn_send(b), 0);
    TEST_EQ(settle(base + 2), base + 1);
    TEST_EQ(evtchn_unmask_op(b), 0);
    TEST_EQ(settle(base + 2), base + 2);
    TEST_EQ(order[base + 1], b);
    TEST_EQ(evtchn_is_masked(b), 0);

    /* Priorities: the higher one (lower number) goes first. */
    TEST_EQ(evtchn_set_priority(lo, 12), 0);
    TEST_EQ(evtchn_set_priority(hi, 3), 0);
    TEST_EQ(evtchn_set_priority(lo, EVTCHN_FIFO_PRIORITY_MIN + 1), -XEN_EINVAL);
    base = hits;
    events_disable();
    TEST_EQ(evtchn_send(lo), 0);
    TEST_EQ(evtchn_send(hi), 0);
    events_enable();
    TEST_EQ(settle(base + 2), base + 2);
    TEST_EQ(order[base], hi);
    TEST_EQ(order[base + 1], lo);
    /* Within one priority, first in first out. */
    base = hits;
    events_disable();
    TEST_EQ(evtchn_send(b), 0);
    TEST_EQ(evtchn_send(a), 0);
    events_enable();
    TEST_EQ(settle(base + 2), base + 2);
    TEST_EQ(order[base], b);
    TEST_EQ(order[base + 1], a);
    /* Swap the priorities: the order follows. */
    TEST_EQ(evtchn_set_priority(lo, 1), 0);
    base = hits;
    events_disable();
    TEST_EQ(evtchn_send(hi), 0);
    TEST_EQ(evtchn_send(lo), 0);
    events_enable();
    TEST_EQ(settle(base + 2), base + 2);
    TEST_EQ(order[base], lo);
    TEST_EQ(order[base + 1], hi);

    TEST_EQ(evtchn_spurious, 0);

    /* EVTCHNOP_reset closes everything and returns to the 2-level ABI. */
    TEST_EQ(evtchn_reset(DOMID_SELF), 0);
    TEST_CHECK(!evtchn_fifo_active());
    TEST_EQ(evtchn_send(a), -XEN_EINVAL);
    TEST_EQ(evtchn_bind_ipi(0, &p2l), 0);
    evtchn_set_handler(p2l, on_event, NULL);
    base = hits;
    TEST_EQ(evtchn_send(p2l), 0);
    TEST_EQ(settle(base + 1), base + 1);
    TEST_EQ(order[base], p2l);
}

/* SPDX-License-Identifier: MIT */
/* Masked ports stay pending and fire on unmask; upcall_mask defers delivery. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

static volatile uint32_t hits;
static volatile evtchn_port_t last_port;

static void on_event(evtchn_port_t port, void *data)
{
    (void)data;
    hits++;
    last_port = port;
}

/* Wait up to 100 ms for hits to reach want, then 20 ms more for extras. */
static uint32_t settle(uint32_t want)
{
    return events_settle(&hits, want);
}

void test_main(void)
{
    struct vcpu_info *vi;
    evtchn_port_t p, q;
    uint32_t base;

    TEST_EQ(events_init(), 0);
    vi = guest_vcpu_info(0);
    events_enable();
    TEST_EQ(evtchn_bind_ipi(0, &p), 0);
    TEST_EQ(evtchn_bind_ipi(0, &q), 0);
    evtchn_set_handler(p, on_event, NULL);
    evtchn_set_handler(q, on_event, NULL);

    /* A masked port: the send sets pending and nothing is delivered. */
    evtchn_mask(p);
    TEST_EQ(evtchn_is_masked(p), 1);
    TEST_EQ(evtchn_send(p), 0);
    TEST_EQ(settle(1), 0);
    TEST_EQ(evtchn_is_pending(p), 1);
    TEST_EQ(evtchn_send(p), 0); /* still one pending event */
    /* EVTCHNOP_unmask delivers it, once. */
    TEST_EQ(evtchn_unmask_op(p), 0);
    TEST_EQ(settle(1), 1);
    TEST_EQ(last_port, p);
    TEST_EQ(evtchn_is_masked(p), 0);
    TEST_EQ(evtchn_is_pending(p), 0);
    /* Unmasking a port that is not pending delivers nothing. */
    evtchn_mask(p);
    TEST_EQ(evtchn_unmask_op(p), 0);
    TEST_EQ(settle(2), 1);

    /* The guest-side unmask path (selector + upcall_pending + null call). */
    evtchn_mask(p);
    TEST_EQ(evtchn_send(p), 0);
    TEST_EQ(settle(2), 1);
    TEST_EQ(evtchn_is_pending(p), 1);
    evtchn_unmask(p);
    TEST_EQ(settle(2), 2);
    TEST_EQ(last_port, p);
    TEST_EQ(evtchn_is_pending(p), 0);
    evtchn_unmask(p); /* not pending: nothing */
    TEST_EQ(settle(3), 2);

    /* A masked port does not hold back an unmasked one. */
    evtchn_mask(p);
    TEST_EQ(evtchn_send(p), 0);
    TEST_EQ(evtchn_send(q), 0);
    TEST_EQ(settle(3), 3);
    TEST_EQ(last_port, q);
    TEST_EQ(evtchn_is_pending(p), 1);
    evtchn_unmask(p);
    TEST_EQ(settle(4), 4);
    TEST_EQ(last_port, p);

    /* evtchn_upcall_mask = 1 defers delivery until it is cleared. */
    events_disable();
    TEST_EQ(evtchn_send(q), 0);
    TEST_EQ(settle(5), 4);
    TEST_EQ(vi->evtchn_upcall_pending, 1);
    TEST_EQ(evtchn_is_pending(q), 1);
    /* Hypercalls on the way do not deliver it either. */
    HYPERVISOR_xen_version(XENVER_version, NULL);
    TEST_EQ(hits, 4);
    TEST_EQ(evtchn_send(p), 0); /* p is unmasked now: also pending */
    events_enable();
    TEST_EQ(settle(6), 6);
    TEST_EQ(evtchn_deliveries[q], 2);
    TEST_EQ(evtchn_deliveries[p], 4);
    TEST_EQ(vi->evtchn_upcall_pending, 0);

    /* EVTCHNOP_unmask while the upcall mask is set: deferred as well. */
    base = hits;
    evtchn_mask(q);
    events_disable();
    TEST_EQ(evtchn_send(q), 0);
    TEST_EQ(evtchn_unmask_op(q), 0);
    TEST_EQ(settle(base + 1), base);
    events_enable();
    TEST_EQ(settle(base + 1), base + 1);
    TEST_EQ(last_port, q);

    TEST_EQ(evtchn_spurious, 0);
}

/* SPDX-License-Identifier: MIT */
/* Events sent to ourselves: IPI and loopback ports, status, close, bad ports. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

static volatile uint32_t hits;
static volatile evtchn_port_t last_port;
static volatile unsigned int last_cpu;
static volatile int last_masked; /* upcall mask seen inside the handler */

static void on_event(evtchn_port_t port, void *data)
{
    (void)data;
    hits++;
    last_port = port;
    last_cpu = smp_cpu_id();
    last_masked = events_disabled();
}

/* Wait up to 100 ms for hits to reach want, then 10 ms more for extras. */
static uint32_t settle(uint32_t want)
{
    uint64_t end = guest_now() + 100 * NS_PER_MS;

    while (hits < want && guest_now() < end)
        cpu_relax();
    end = guest_now() + 10 * NS_PER_MS;
    while (guest_now() < end)
        cpu_relax();
    return hits;
}

static void check_status(evtchn_port_t port, uint32_t want_status,
                         const char *what)
{
    struct evtchn_status st;
    long rc = evtchn_status(DOMID_SELF, port, &st);

    if (rc != 0) {
        test_fail("status(%u) [%s]: rc %ld", port, what, rc);
        return;
    }
    if (st.status == want_status)
        test_pass("status(%u) [%s] == %u", port, what, want_status);
    else
        test_fail("status(%u) [%s]: got %u, want %u", port, what, st.status,
                  want_status);
}

void test_main(void)
{
    evtchn_port_t ipi, unb, loop;
    struct evtchn_status st;
    uint32_t base;
    int i;

    TEST_EQ(events_init(), 0);
    events_enable();

    /* An IPI to ourselves. */
    TEST_EQ(evtchn_bind_ipi(0, &ipi), 0);
    TEST_CHECK(ipi != 0);
    evtchn_set_handler(ipi, on_event, NULL);
    TEST_EQ(evtchn_status(DOMID_SELF, ipi, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_ipi);
    TEST_EQ(st.vcpu, 0);

    TEST_EQ(evtchn_send(ipi), 0);
    TEST_EQ(settle(1), 1);
    TEST_EQ(last_port, ipi);
    TEST_EQ(last_cpu, 0);
    TEST_EQ(last_masked, 1);       /* handlers run with events masked */
    TEST_EQ(events_disabled(), 0); /* and iret gave the mask back */
    TEST_EQ(evtchn_is_pending(ipi), 0);

    /* Once per send, even for several sends in a row. */
    for (i = 0; i < 20; i++) {
        TEST_EQ(evtchn_send(ipi), 0);
        if (settle(2 + i) != (uint32_t)(2 + i))
            break;
    }
    TEST_EQ(hits, 21);
    TEST_EQ(evtchn_deliveries[ipi], 21);

    /* A loopback interdomain pair: alloc_unbound + bind_interdomain. */
    TEST_EQ(evtchn_alloc_unbound(DOMID_SELF, &unb), 0);
    TEST_CHECK(unb != 0 && unb != ipi);
    evtchn_set_handler(unb, on_event, NULL);
    TEST_EQ(evtchn_status(DOMID_SELF, unb, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_unbound);
    TEST_EQ(st.u.unbound.dom, 0); /* DOMID_SELF resolved to our id */
    /* Sending on an unbound port is dropped silently. */
    base = hits;
    TEST_EQ(evtchn_send(unb), 0);
    TEST_EQ(settle(base), base);

    /*
     * Binding raises the new local port once (notifications sent while
     * the peer was unbound would otherwise be lost): with events masked
     * it must be pending, and deliver once they are enabled again.
     */
    events_disable();
    TEST_EQ(evtchn_bind_interdomain(DOMID_SELF, unb, &loop), 0);
    TEST_CHECK(loop != 0 && loop != unb && loop != ipi);
    TEST_EQ(evtchn_is_pending(loop), 1);
    evtchn_set_handler(loop, on_event, NULL);
    base = hits;
    events_enable();
    TEST_EQ(settle(base + 1), base + 1);
    TEST_EQ(last_port, loop);
    evtchn_deliveries[loop] = 0;
    TEST_EQ(evtchn_status(DOMID_SELF, unb, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_interdomain);
    TEST_EQ(st.u.interdomain.dom, 0);
    TEST_EQ(st.u.interdomain.port, loop);
    TEST_EQ(evtchn_status(DOMID_SELF, loop, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_interdomain);
    TEST_EQ(st.u.interdomain.port, unb);

    /* A send arrives on the other end, never on the sending port. */
    base = hits;
    TEST_EQ(evtchn_send(loop), 0);
    TEST_EQ(settle(base + 1), base + 1);
    TEST_EQ(last_port, unb);
    TEST_EQ(evtchn_send(unb), 0);
    TEST_EQ(settle(base + 2), base + 2);
    TEST_EQ(last_port, loop);
    for (i = 0; i < 10; i++)
        evtchn_send(i & 1 ? unb : loop);
    TEST_EQ(settle(base + 12), base + 12);
    TEST_EQ(evtchn_deliveries[unb], 6);
    TEST_EQ(evtchn_deliveries[loop], 6);

    /* Closing one end leaves the other unbound (from us again). */
    TEST_EQ(evtchn_close(loop), 0);
    check_status(loop, EVTCHNSTAT_closed, "closed end");
    check_status(unb, EVTCHNSTAT_unbound, "peer of closed end");
    TEST_EQ(evtchn_send(loop), -XEN_EINVAL);
    base = hits;
    TEST_EQ(evtchn_send(unb), 0);
    TEST_EQ(settle(base), base);
    TEST_EQ(evtchn_close(loop), -XEN_EINVAL); /* already closed */

    TEST_EQ(evtchn_close(ipi), 0);
    check_status(ipi, EVTCHNSTAT_closed, "closed ipi");
    TEST_EQ(evtchn_send(ipi), -XEN_EINVAL);
    TEST_EQ(evtchn_close(unb), 0);

    /* Bad ports and arguments. */
    TEST_EQ(evtchn_send(0), -XEN_EINVAL); /* port 0 is reserved */
    TEST_EQ(evtchn_close(0), -XEN_EINVAL);
    check_status(0, EVTCHNSTAT_closed, "port 0");
    TEST_EQ(evtchn_send(1u << 20), -XEN_EINVAL);
    TEST_EQ(evtchn_send(0xffffffffu), -XEN_EINVAL);
    TEST_EQ(evtchn_close(1u << 20), -XEN_EINVAL);
    TEST_EQ(evtchn_status(DOMID_SELF, 1u << 20, &st), -XEN_EINVAL);
    TEST_EQ(evtchn_status(0x7000, 1, &st), -XEN_ESRCH); /* no such domain */
    TEST_EQ(evtchn_unmask_op(1u << 20), -XEN_EINVAL);
    TEST_EQ(evtchn_bind_ipi(GUEST_MAX_CPUS + 60, &ipi), -XEN_ENOENT);
    TEST_EQ(evtchn_bind_virq(NR_VIRQS + 100, 0, &ipi), -XEN_EINVAL);
    TEST_EQ(evtchn_bind_interdomain(DOMID_SELF, 1u << 20, &ipi), -XEN_EINVAL);

    TEST_EQ(evtchn_spurious, 0);
}

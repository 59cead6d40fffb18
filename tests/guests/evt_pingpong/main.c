/* SPDX-License-Identifier: MIT */
/* Interdomain ping-pong between two boot-time domains; also sched_crash's. */

#include <guest/test.h>
#include <guest/cmdline.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

/*
 * Command line: role=server|client|crash peer=DOMID rounds=N.
 * The server allocates an unbound port for the peer and echoes every
 * event back; the client finds that port by trying bind_interdomain on
 * the peer's ports 1..64, sends one event per round and waits for the
 * echo, so there is never more than one in flight and none may merge.
 * role=crash (sched_crash) runs a little, then dies of an exception it
 * has no handler for.
 */
#define ROUND_TIMEOUT (2 * NS_PER_SEC)

static volatile uint32_t received;
static evtchn_port_t port;
static int echo;

static void on_event(evtchn_port_t p, void *data)
{
    (void)data;
    received++;
    if (echo)
        evtchn_send(p);
}

static void on_timer(evtchn_port_t p, void *data)
{
    (void)p;
    (void)data;
}

/* Block until received >= want or the deadline passes. */
static int wait_received(uint32_t want, uint64_t deadline)
{
    for (;;) {
        events_disable();
        if (received >= want) {
            events_enable();
            return 1;
        }
        if (guest_now() >= deadline) {
            events_enable();
            return 0;
        }
        timer_set_singleshot(deadline, 0);
        sched_block();
    }
}

static void crash_on_purpose(void)
{
    spin_until(guest_now() + cmdline_long("delay_ms", 200) * NS_PER_MS);
    printk("crashing on purpose\n");
    /* No trap table at all: the #UD below has nowhere to go. */
    HYPERVISOR_set_trap_table(NULL);
    __asm__ volatile("ud2");
    for (;;)
        ;
}

void test_main(void)
{
    char role[16] = "";
    long peer = cmdline_long("peer", -1);
    uint32_t rounds = cmdline_long("rounds", 10000);
    evtchn_port_t timer_port;
    uint32_t i, lost = 0;
    uint64_t t0, t1, deadline;

    cmdline_str("role", role, sizeof(role));
    if (!strcmp(role, "crash"))
        crash_on_purpose();
    if (peer < 0 || (strcmp(role, "server") && strcmp(role, "client"))) {
        test_fail("need role=server|client and peer=DOMID, got '%s'",
                  start_info->cmd_line);
        return;
    }
    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port), 0);
    evtchn_set_handler(timer_port, on_timer, NULL);

    if (!strcmp(role, "server")) {
        TEST_EQ(evtchn_alloc_unbound(peer, &port), 0);
        printk("server: port %u for dom%ld\n", port, peer);
        echo = 1;
        evtchn_set_handler(port, on_event, NULL);
        events_enable();
        /* Generous: the client has to boot and find us first. */
        TEST_CHECK(wait_received(rounds, guest_now() + 60 * NS_PER_SEC));
        TEST_EQ(received, rounds);
        return;
    }

    /* Client: find the server's port, retrying while it boots. */
    events_disable();
    deadline = guest_now() + 30 * NS_PER_SEC;
    for (;;) {
        evtchn_port_t remote;
        long rc = -1;

        for (remote = 1; remote <= 64 && rc; remote++)
            rc = evtchn_bind_interdomain(peer, remote, &port);
        if (rc == 0)
            break;
        if (guest_now() > deadline) {
            test_fail("no unbound port of dom%ld to bind to", peer);
            return;
        }
        sched_yield();
    }
    test_pass("bound local port %u to the server", port);
    evtchn_clear_pending(port); /* the bind's own notification */
    evtchn_set_handler(port, on_event, NULL);
    events_enable();

    t0 = guest_now();
    for (i = 0; i < rounds; i++) {
        if (evtchn_send(port)) {
            test_fail("send %u failed", i);
            return;
        }
        if (!wait_received(i + 1, guest_now() + ROUND_TIMEOUT)) {
            lost++;
            break;
        }
    }
    t1 = guest_now();
    printk("client: %u round trips in %lu ms (%lu ns each)\n", i,
           (unsigned long)((t1 - t0) / NS_PER_MS),
           (unsigned long)(i ? (t1 - t0) / i : 0));
    TEST_EQ(lost, 0);
    TEST_EQ(received, rounds);
    TEST_EQ(evtchn_deliveries[port], rounds);
}

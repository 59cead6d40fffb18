/* SPDX-License-Identifier: MIT */
/* Benchmark guest: figures that need two vCPUs (event round trip, switch). */
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

#include "bench.h"

/*
 * The domain has two vCPUs on one physical CPU (QEMU -smp 1; Xen
 * dom0_max_vcpus=2, Vesper vcpus=2), so every hand-over between them is a
 * real vCPU context switch done by the hypervisor's scheduler.
 *
 * evtchn_interdomain_rtt: a loopback interdomain channel. Sending on
 * port0 makes port1 pending and port1 is bound to vCPU 1; sending on
 * port1 makes port0 pending, bound to vCPU 0. vCPU 0 sends and blocks;
 * vCPU 1, blocked, wakes in its upcall and sends back; vCPU 0 wakes in
 * its upcall. One op: two event deliveries and two vCPU switches.
 * Xen 4.17 cannot start a second domain without its toolstack, hence
 * both ends in one domain; the event path is the interdomain one.
 *
 * vcpu_switch: both vCPUs CPU-bound, taking turns on a shared counter
 * (vCPU 0 makes it odd, vCPU 1 even) and yielding after each turn. Every
 * increment follows a switch, so increments count the switches actually
 * made; yields that came back without one are reported as idle_yields.
 *
 * Every wait of vCPU 0 is bounded: blocks run under a one-shot timer
 * (VIRQ_TIMER), spins count the yields that did not switch.
 */

#define PH_SETUP 0
#define PH_RTT 1
#define PH_SWITCH 2
#define PH_STOP 3

#define START_LIMIT_NS (5 * NS_PER_SEC) /* vCPU 1 start, vCPU 1 exit */
#define RTT_LIMIT_NS (60 * NS_PER_SEC)  /* the whole round-trip figure */
#define SWITCH_STUCK 10000 /* consecutive yields without a switch */

static volatile int phase = PH_SETUP;
static evtchn_port_t port0, port1, timer_port;
static volatile unsigned long replies; /* port0 upcalls on vCPU 0 */
static volatile unsigned long echoes;  /* port1 upcalls on vCPU 1 */
static volatile unsigned long sends;   /* round trips started by vCPU 0 */
static unsigned long replies_base, echoes_base;
static volatile int timed_out;
static volatile int v1_ready, v1_done, v1_gave_up;
static volatile unsigned long sw_counter;

static void on_port0(evtchn_port_t port __attribute__((unused)),
                     void *data __attribute__((unused)))
{
    replies++;
}

static void on_port1(evtchn_port_t port __attribute__((unused)),
                     void *data __attribute__((unused)))
{
    echoes++;
    if (phase == PH_RTT)
        evtchn_send(port1);
}

static void on_timer(evtchn_port_t port __attribute__((unused)),
                     void *data __attribute__((unused)))
{
    timed_out = 1;
}

/* vCPU 0: block until *flag is set, at most limit_ns. */
static long wait_flag(volatile int *flag, uint64_t limit_ns)
{
    long rc;

    timed_out = 0;
    rc = timer_set_singleshot(guest_now() + limit_ns, 0);
    if (rc)
        return rc;
    for (;;) {
        events_disable();
        if (*flag || timed_out)
            break;
        sched_block();
    }
    events_enable();
    timer_stop_singleshot();
    return *flag ? 0 : -XEN_ETIMEDOUT;
}

/* vCPU 1's turns of the switch figure; 1 if vCPU 0 stopped answering. */
static int v1_switch_loop(void)
{
    unsigned long stuck = 0, c;

    while (phase == PH_SWITCH) {
        c = sw_counter;
        if (c & 1)
            sw_counter = ++c;
        sched_yield();
        if (sw_counter != c || phase != PH_SWITCH)
            stuck = 0;
        else if (++stuck > SWITCH_STUCK)
            return 1;
    }
    return 0;
}

static void v1_main(unsigned int cpu __attribute__((unused)),
                    void *arg __attribute__((unused)))
{
    int p;

    timer_stop_periodic();
    v1_ready = 1;
    evtchn_send(port1); /* wakes vCPU 0 */
    for (;;) {
        events_disable();
        p = phase;
        if (p == PH_STOP)
            break;
        if (p == PH_SWITCH && !v1_gave_up) {
            events_enable();
            v1_gave_up = v1_switch_loop();
            continue;
        }
        /* Round trips are answered in the upcall; wake for phase changes. */
        sched_block();
    }
    events_enable();
    v1_done = 1;
    evtchn_send(port1);
}

static long op_rtt(unsigned long k __attribute__((unused)))
{
    unsigned long want = replies + 1;
    long rc;

    sends++;
    rc = evtchn_send(port0);
    if (rc)
        return rc;
    for (;;) {
        events_disable();
        if (replies >= want)
            break;
        if (timed_out)
            return -XEN_ETIMEDOUT;
        sched_block();
    }
    /* Exactly one echo and one reply per send: nothing lost, nothing extra. */
    if (echoes - echoes_base != sends || replies - replies_base != sends)
        return -XEN_EIO;
    return 0;
}

static void bench_rtt(void)
{
    long rc;

    replies_base = replies;
    echoes_base = echoes;
    sends = 0;
    phase = PH_RTT;
    timed_out = 0;
    rc = timer_set_singleshot(guest_now() + RTT_LIMIT_NS, 0);
    if (rc) {
        unsupported("evtchn_interdomain_rtt", "set_singleshot_timer", rc);
        return;
    }
    run("evtchn_interdomain_rtt", 10000, op_rtt);
    events_enable();
    timer_stop_singleshot();
}

/* vCPU 0's turns until the counter reaches target (even: vCPU 1's turn). */
static long switch_until(unsigned long target, unsigned long *idle)
{
    unsigned long stuck = 0, c;

    while (sw_counter < target) {
        c = sw_counter;
        if (!(c & 1))
            sw_counter = ++c;
        sched_yield();
        if (sw_counter != c) {
            stuck = 0;
        } else {
            (*idle)++;
            if (++stuck > SWITCH_STUCK)
                return -XEN_ETIMEDOUT;
        }
    }
    return 0;
}

static void bench_switch(void)
{
    unsigned long iters = iters_for(20000), warm = iters / 10 + 1;
    unsigned long idle = 0, c0, n;
    uint64_t t0, t1;
    char extra[48];
    long rc;

    sw_counter = 0;
    phase = PH_SWITCH;
    evtchn_send(port0); /* vCPU 1 is blocked: wake it */
    rc = switch_until(2 * warm, &idle);
    if (rc) {
        unsupported("vcpu_switch", "yield-never-switched", rc);
        return;
    }
    idle = 0;
    c0 = sw_counter; /* even: vCPU 0's turn, vCPU 0 running */
    t0 = tsc();
    rc = switch_until(c0 + 2 * ((iters + 1) / 2), &idle);
    t1 = tsc();
    if (rc) {
        unsupported("vcpu_switch", "yield-stopped-switching", rc);
        return;
    }
    n = sw_counter - c0;
    snprintf(extra, sizeof(extra), " idle_yields=%lu", idle);
    report("vcpu_switch", n, t1 - t0, extra);
}

static void both_unsupported(const char *reason, long rc)
{
    unsupported("evtchn_interdomain_rtt", reason, rc);
    unsupported("vcpu_switch", reason, rc);
}

void bench_vcpus(void)
{
    long rc;

    rc = events_init();
    if (rc) {
        both_unsupported("events_init", rc);
        return;
    }
    /* Xen starts PV vCPUs with a 10 ms periodic timer; no stray ticks. */
    timer_stop_periodic();
    rc = evtchn_bind_virq(VIRQ_TIMER, 0, &timer_port);
    if (rc) {
        both_unsupported("bind_virq(VIRQ_TIMER)", rc);
        return;
    }
    evtchn_set_handler(timer_port, on_timer, NULL);
    evtchn_unmask(timer_port);

    rc = evtchn_alloc_unbound(DOMID_SELF, &port0);
    if (!rc)
        rc = evtchn_bind_interdomain(DOMID_SELF, port0, &port1);
    if (rc) {
        both_unsupported("EVTCHNOP_alloc_unbound/bind_interdomain", rc);
        return;
    }
    evtchn_set_handler(port0, on_port0, NULL);
    evtchn_set_handler(port1, on_port1, NULL);
    rc = evtchn_bind_vcpu(port1, 1);
    if (rc) {
        both_unsupported("EVTCHNOP_bind_vcpu", rc);
        return;
    }
    /*
     * bind_interdomain leaves the new local end pending (for notifications
     * lost while the other end was unbound), signalled to vCPU 0; moved to
     * vCPU 1 it would stay pending and never be signalled again.
     */
    evtchn_clear_pending(port1);
    evtchn_unmask(port0);
    evtchn_unmask(port1);
    events_enable();

    rc = vcpu_start(1, v1_main, NULL);
    if (rc) {
        both_unsupported("VCPUOP_initialise/up(1)", rc);
        return;
    }
    rc = wait_flag(&v1_ready, START_LIMIT_NS);
    if (rc) {
        both_unsupported("vcpu1-did-not-start", rc);
        return;
    }

    bench_rtt();
    bench_switch();

    phase = PH_STOP;
    evtchn_send(port0);
    rc = wait_flag(&v1_done, START_LIMIT_NS);
    if (rc || v1_gave_up)
        printk("BENCH info vcpu1_exit=%ld vcpu1_gave_up=%d\n", rc, v1_gave_up);
    events_disable();
}

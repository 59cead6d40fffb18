/* SPDX-License-Identifier: MIT */
/* Hostile timer values: Xen's errno for huge periods, Xen's saturation for the rest. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

#define STIME_DELTA_MAX ((1ULL << 62) - 1) /* Xen's longest period */
#define SET_TIMER_OP_FALLBACK (100 * NS_PER_MS)

static volatile uint32_t fired;
static volatile uint64_t first_fire;
static volatile uint64_t spins; /* vCPU 1's hypercalls, its progress */
static volatile int stop_spinning;

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    if (!fired)
        first_fire = guest_now();
    fired++;
}

static void spinner(unsigned int cpu, void *arg)
{
    (void)cpu;
    (void)arg;
    /* Each goes through the hypervisor: a wedged CPU would stop them. */
    while (!stop_spinning) {
        HYPERVISOR_xen_version(XENVER_version, NULL);
        spins++;
    }
}

/* Wait up to ms for a tick; true if one came. */
static int wait_fire(uint64_t ms)
{
    uint64_t end = guest_now() + ms * NS_PER_MS;

    while (!fired && guest_now() < end)
        cpu_relax();
    return fired != 0;
}

static long set_periodic_on(unsigned int cpu, uint64_t period)
{
    struct vcpu_set_periodic_timer p = { .period_ns = period };

    return HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, cpu, &p);
}

static void huge_periods(void)
{
    static const uint64_t bad[] = {
        ~0ULL, ~0ULL - 1000000, 1ULL << 63, 1ULL << 62, STIME_DELTA_MAX + 1,
    };
    uint64_t before = spins;

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        TEST_EQ(set_periodic_on(0, bad[i]), -XEN_EINVAL);
        TEST_EQ(set_periodic_on(1, bad[i]), -XEN_EINVAL);
    }
    /* Had one been armed with a wrapped deadline, this would hang. */
    fired = 0;
    spin_until(guest_now() + 50 * NS_PER_MS);
    TEST_EQ(fired, 0);
    TEST_CHECK(spins != before);

    /* The longest period Xen takes: armed, and far away. */
    TEST_EQ(timer_set_periodic(STIME_DELTA_MAX), 0);
    spin_until(guest_now() + 50 * NS_PER_MS);
    TEST_EQ(fired, 0);
    TEST_EQ(timer_stop_periodic(), 0);
}

/*
 * A period whose next tick is already past ticks once, at once, and
 * counts on from now: no burst of catch-up ticks.
 */
static void periodic_from_now(void)
{
    uint64_t start, elapsed;
    uint32_t n;

    fired = 0;
    start = guest_now();
    TEST_EQ(timer_set_periodic(NS_PER_MS), 0);
    /* The tick was sent before the call returned; events are enabled. */
    TEST_CHECK(fired >= 1);
    spin_until(start + 30 * NS_PER_MS);
    TEST_EQ(timer_stop_periodic(), 0);
    n = fired;
    elapsed = guest_now() - start;
    printk("periodic 1 ms: %u ticks in %lu us\n", n,
           (unsigned long)(elapsed / 1000));
    TEST_CHECK(n >= 2);
    TEST_CHECK(n <= elapsed / NS_PER_MS + 2);
}

static void set_timer_op_values(void)
{
    uint64_t t0;

    /* Negative as signed time, and 2^50 ns or more ahead: 100 ms. */
    static const uint64_t far[] = { ~0ULL, 1ULL << 63, 0 };

    for (unsigned int i = 0; i < ARRAY_SIZE(far); i++) {
        fired = 0;
        t0 = guest_now();
        TEST_EQ(timer_set_op(far[i] ? far[i] : t0 + (1ULL << 50) + NS_PER_SEC),
                0);
        TEST_CHECK(wait_fire(2000));
        TEST_CHECK(first_fire - t0 >= SET_TIMER_OP_FALLBACK);
    }
    /* Just short of 2^50 ahead is taken as it is. */
    fired = 0;
    TEST_EQ(timer_set_op(guest_now() + (1ULL << 50) - NS_PER_SEC), 0);
    TEST_CHECK(!wait_fire(150));
    TEST_EQ(timer_set_op(0), 0);
    /* In the past: fires at once. */
    fired = 0;
    TEST_EQ(timer_set_op(guest_now() - 1000), 0);
    TEST_CHECK(wait_fire(1000));
    fired = 0;
    TEST_EQ(timer_set_op(1), 0);
    TEST_CHECK(wait_fire(1000));
}

static void singleshot_values(void)
{
    /*
     * Past deadlines, 0, and those Xen's signed time reads as negative
     * tick at once; Xen 4.17 ignores VCPU_SSHOTTMR_future (no -ETIME).
     */
    static const struct {
        uint64_t when;
        uint32_t flags;
    } now_ones[] = {
        { 0, 0 },
        { 1, VCPU_SSHOTTMR_future },
        { ~0ULL, 0 },
        { 1ULL << 63, VCPU_SSHOTTMR_future },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(now_ones); i++) {
        fired = 0;
        TEST_EQ(timer_set_singleshot(now_ones[i].when, now_ones[i].flags), 0);
        TEST_CHECK(wait_fire(1000));
    }
    /* The latest positive deadline is just far away. */
    fired = 0;
    TEST_EQ(timer_set_singleshot((1ULL << 63) - 1, 0), 0);
    TEST_CHECK(!wait_fire(100));
    TEST_EQ(timer_stop_singleshot(), 0);
}

/* A poll deadline read as negative times out at once. */
static void poll_values(evtchn_port_t port)
{
    events_disable();
    TEST_EQ(sched_poll(&port, 1, ~0ULL), 0);
    TEST_EQ(sched_poll(&port, 1, 1ULL << 63), 0);
    TEST_EQ(sched_poll(&port, 1, 1), 0);
    events_enable();
}

void test_main(void)
{
    evtchn_port_t port, ipi;
    uint64_t before;

    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
    evtchn_set_handler(port, on_timer, NULL);
    /* An IPI port nobody sends on, to poll. */
    TEST_EQ(evtchn_bind_ipi(0, &ipi), 0);
    events_enable();
    TEST_EQ(vcpu_start(1, spinner, NULL), 0);
    while (!vcpu_running[1])
        cpu_relax();

    huge_periods();
    periodic_from_now();
    set_timer_op_values();
    singleshot_values();
    poll_values(ipi);

    /* The machine lived on: vCPU 1 still runs, and timers still work. */
    before = spins;
    fired = 0;
    TEST_EQ(timer_set_singleshot(guest_now() + 10 * NS_PER_MS, 0), 0);
    TEST_CHECK(wait_fire(2000));
    TEST_CHECK(spins != before);
    stop_spinning = 1;
}

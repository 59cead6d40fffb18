/* SPDX-License-Identifier: MIT */
/* VCPUOP_register_vcpu_time_memory_area: a second pvclock copy, kept fresh. */
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/time.h>

static struct vcpu_time_info area __attribute__((aligned(64)));
static volatile uint32_t ticks;

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ticks++;
}

static long register_area(uint64_t va)
{
    struct vcpu_register_time_memory_area r = { .addr.p = va };

    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &r);
}

/* The copy and vcpu_info's record give the same time, to within 1 ms. */
static void check_agrees(const char *when)
{
    uint64_t a = pvclock_read_info(&area), b = guest_now();
    uint64_t d = a > b ? a - b : b - a;

    if (d < NS_PER_MS)
        test_pass("%s: copy and vcpu_info agree (%lu ns apart)", when,
                  (unsigned long)d);
    else
        test_fail("%s: copy says %lu ns, vcpu_info %lu ns", when,
                  (unsigned long)a, (unsigned long)b);
}

/* Sleep on a 20 ms timer: leaving and re-entering the CPU. */
static void nap(void)
{
    uint32_t t = ticks;

    timer_set_singleshot(guest_now() + 20 * NS_PER_MS, 0);
    while (ticks == t)
        sched_block();
}

void test_main(void)
{
    const volatile struct vcpu_time_info *t = &guest_vcpu_info(0)->time;
    evtchn_port_t port;

    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &port), 0);
    evtchn_set_handler(port, on_timer, NULL);
    events_enable();

    /* A hypervisor address is refused. */
    TEST_EQ(register_area(0xffff800000001000ull), -XEN_EFAULT);

    /* Filled at once: Linux looks at the copy's flags right away. */
    TEST_EQ(register_area((uint64_t)(unsigned long)&area), 0);
    TEST_EQ(area.version & 1, 0);
    TEST_CHECK(area.tsc_to_system_mul != 0);
    TEST_EQ(area.tsc_to_system_mul, t->tsc_to_system_mul);
    TEST_EQ(area.tsc_shift, t->tsc_shift);
    TEST_EQ(area.flags, t->flags);
    check_agrees("at registration");

    /* Still right after time passes and the vCPU is rescheduled. */
    spin_until(guest_now() + 50 * NS_PER_MS);
    nap();
    nap();
    check_agrees("after 2 blocks");

    /* Unregistered: the hypervisor stops writing there. */
    TEST_EQ(register_area(0), 0);
    __builtin_memset(&area, 0, sizeof(area));
    nap();
    nap();
    TEST_EQ(area.version, 0);
    TEST_EQ(area.tsc_to_system_mul, 0);
}

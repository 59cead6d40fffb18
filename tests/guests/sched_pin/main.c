/* SPDX-License-Identifier: MIT */
/* SCHEDOP_pin_override moves vCPUs at once; VCPUOP_get_physid when pinned. */
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/time.h>

#define WINDOW_NS (400 * NS_PER_MS)

enum { OP_PIN0, OP_PIN1, OP_UNPIN, OP_EXIT };

/* vCPU 0 hands vCPU 1 one operation at a time; vCPU 1 spins otherwise. */
static volatile unsigned int seq, done_seq;
static volatile int op;
static volatile long result;

static void secondary(unsigned int cpu, void *arg)
{
    (void)cpu;
    (void)arg;
    for (;;) {
        unsigned int s = seq;
        int o = op;

        if (s == done_seq) {
            cpu_relax();
            continue;
        }
        if (o == OP_EXIT) {
            done_seq = s;
            return;
        }
        result = sched_pin_override(o == OP_PIN0 ? 0 : o == OP_PIN1 ? 1 : -1);
        done_seq = s;
    }
}

/* Have vCPU 1 run one operation; returns its hypercall result. */
static long on_vcpu1(int what)
{
    uint64_t end = guest_now() + 5 * NS_PER_SEC;

    op = what;
    seq = seq + 1;
    while (done_seq != seq && guest_now() < end)
        cpu_relax();
    if (done_seq != seq) {
        test_fail("vCPU 1 did not answer");
        return -9999;
    }
    return result;
}

static uint64_t runnable_ns(unsigned int cpu)
{
    struct vcpu_runstate_info r;

    if (HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, cpu, &r))
        return 0;
    return r.time[RUNSTATE_runnable];
}

/*
 * Both vCPUs compute for WINDOW_NS; returns how long each of them waited
 * for a CPU meanwhile, in per mille of the window.
 */
static void measure(const char *what, uint64_t wait[2])
{
    uint64_t a0 = runnable_ns(0), a1 = runnable_ns(1);

    spin_until(guest_now() + WINDOW_NS);
    wait[0] = (runnable_ns(0) - a0) * 1000 / WINDOW_NS;
    wait[1] = (runnable_ns(1) - a1) * 1000 / WINDOW_NS;
    printk("%s: waited for a CPU %lu / %lu per mille\n", what,
           (unsigned long)wait[0], (unsigned long)wait[1]);
}

void test_main(void)
{
    uint64_t id = 0, wait[2];

    TEST_EQ(events_init(), 0);
    events_enable();
    TEST_EQ(vcpu_start(1, secondary, NULL), 0);

    /* Refusals first: nothing to undo, no such CPU. */
    TEST_EQ(sched_pin_override(-1), -XEN_EINVAL);
    TEST_EQ(sched_pin_override(3), -XEN_EINVAL); /* QEMU -smp 2 */
    TEST_EQ(sched_pin_override(1 << 30), -XEN_EINVAL);
    TEST_EQ(vcpu_get_physid(0, &id), -XEN_EINVAL); /* not pinned */

    /* Each vCPU on the CPU of its own number: ids of CPUs 0 and 1. */
    TEST_EQ(sched_pin_override(0), 0);
    TEST_EQ(sched_pin_override(1), -XEN_EBUSY); /* one override at once */
    TEST_EQ(on_vcpu1(OP_PIN1), 0);
    TEST_EQ(vcpu_get_physid(0, &id), 0);
    TEST_EQ(id, 0); /* QEMU: APIC id 0, ACPI processor id 0 */
    TEST_EQ(vcpu_get_physid(1, &id), 0);
    TEST_EQ(id, 1ull | 1ull << 32);
    TEST_EQ(sched_pin_override(-1), 0);
    TEST_EQ(on_vcpu1(OP_UNPIN), 0);
    TEST_EQ(on_vcpu1(OP_UNPIN), -XEN_EINVAL);
    TEST_EQ(vcpu_get_physid(1, &id), -XEN_EINVAL);

    /* Unpinned, two busy vCPUs on two CPUs hardly wait. */
    measure("free", wait);
    TEST_CHECK(wait[0] < 100 && wait[1] < 100);

    /* Both on CPU 1: they must now take turns, each waiting a lot. */
    TEST_EQ(on_vcpu1(OP_PIN1), 0);
    TEST_EQ(sched_pin_override(1), 0);
    measure("both on CPU 1", wait);
    TEST_CHECK(wait[0] > 250 && wait[1] > 250);

    /* Overrides undone: back to a CPU each. */
    TEST_EQ(sched_pin_override(-1), 0);
    TEST_EQ(on_vcpu1(OP_UNPIN), 0);
    measure("unpinned again", wait);
    TEST_CHECK(wait[0] < 100 && wait[1] < 100);

    on_vcpu1(OP_EXIT);
}

/* SPDX-License-Identifier: MIT */
/* VCPUOP_initialise with VGCF_online: up at once, but it runs only after a down and an up. */
#include <guest/smp.h>
#include <guest/test.h>

static volatile int ran;

static void online(unsigned int cpu, struct vcpu_guest_context *c)
{
    (void)cpu;
    c->flags |= VGCF_online;
}

static void report(unsigned int cpu, void *arg)
{
    (void)cpu, (void)arg;
    ran = 1;
}

static void wait_a_while(unsigned long spins)
{
    while (!ran && spins--)
        sched_yield();
}

void test_main(void)
{
    vcpu_context_hook = online;
    TEST_EQ(vcpu_initialise(1, report, NULL), 0);
    vcpu_context_hook = NULL;
    /* Marked up, but nothing woke it. */
    TEST_EQ(vcpu_is_up(1), 1);
    wait_a_while(2000);
    TEST_EQ(ran, 0);
    /* VCPUOP_up finds it up already: still nothing wakes it. */
    TEST_EQ(vcpu_up(1), 0);
    wait_a_while(2000);
    TEST_EQ(ran, 0);
    TEST_EQ(vcpu_is_up(1), 1);
    /* Down and up again: now it is woken and runs. */
    TEST_EQ(vcpu_down(1), 0);
    TEST_EQ(vcpu_is_up(1), 0);
    TEST_EQ(vcpu_up(1), 0);
    wait_a_while(100000);
    TEST_EQ(ran, 1);
}

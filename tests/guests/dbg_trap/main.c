/* SPDX-License-Identifier: MIT */
/* A guest #DB arrives with the hardware DR6 merged into the virtual DR6. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>

/*
 * Single-step and a data breakpoint each bounce #DB to the guest. Its
 * handler reads DR6 the usual way (mov %dr6, emulated): the status bits
 * of that event are set on top of what the guest had, as Xen merges them.
 * A DR7 armed on one vCPU stays with it: it fires on its own access.
 */
#define X86_EFLAGS_TF 0x100UL

extern const char step_after[];
static volatile unsigned int hits;
static volatile uint64_t dr6_seen, rip_seen;
static volatile uint64_t watched;

static uint64_t rd_dr6(void)
{
    uint64_t v;

    __asm__ volatile("mov %%db6, %0" : "=r"(v));
    return v;
}

static int on_db(struct trap_frame *f)
{
    hits++;
    dr6_seen = rd_dr6();
    rip_seen = f->rip;
    f->rflags &= ~X86_EFLAGS_TF;
    return 1;
}

static long set_dr(long reg, uint64_t v)
{
    return _hypercall2(__HYPERVISOR_set_debugreg, reg, v);
}

void test_main(void)
{
    trap_set_handler(1, on_db);

    /* Single-step: the trap comes after the instruction that follows. */
    __asm__ volatile("pushfq\n\t"
                     "orq %0, (%%rsp)\n\t"
                     "popfq\n\t"
                     "nop\n\t"
                     ".globl step_after\nstep_after:\n\t"
                     "nop\n\t" ::"i"(X86_EFLAGS_TF)
                     : "memory", "cc");
    TEST_EQ(hits, 1);
    TEST_EQ(rip_seen, (uint64_t)step_after);
    TEST_EQ(dr6_seen, 0xffff4ff0); /* BS */

    /* The status is sticky until the guest clears it; B1 joins BS. */
    hits = 0;
    TEST_EQ(set_dr(1, (uint64_t)&watched), 0);
    TEST_EQ(set_dr(7, 0x1d0004UL), 0); /* L1, write, 8 bytes */
    watched = 1;
    TEST_EQ(hits, 1);
    TEST_EQ(dr6_seen & 0xf, 0x2);
    TEST_EQ(dr6_seen, 0xffff4ff2);
    TEST_EQ(set_dr(6, 0), 0);
    /* A read does not trip a write breakpoint. */
    TEST_EQ(watched, 1);
    TEST_EQ(hits, 1);
    watched = 2;
    TEST_EQ(hits, 2);
    TEST_EQ(dr6_seen, 0xffff0ff2);
    TEST_EQ(_hypercall1(__HYPERVISOR_get_debugreg, 6), 0xffff0ff2);

    /* Across a reschedule the breakpoint is still ours. */
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    watched = 3;
    TEST_EQ(hits, 3);

    TEST_EQ(set_dr(7, 0), 0);
    watched = 4;
    TEST_EQ(hits, 3);
    TEST_EQ(set_dr(6, 0), 0);
    TEST_EQ(set_dr(1, 0), 0);
}

/* SPDX-License-Identifier: MIT */
/* VCPUOP_initialise with an LDT: the new vCPU loads a selector from it. */
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/test.h>

#define DATA_DPL3 0x00cff2000000ffffULL /* flat data, DPL 3, present */

static uint64_t *ldt;
static volatile unsigned int got_fs = 0xdead;
static volatile int done;

static void give_ldt(unsigned int cpu, struct vcpu_guest_context *c)
{
    (void)cpu;
    c->ldt_base = (unsigned long)ldt;
    c->ldt_ents = 2;
}

static void report(unsigned int cpu, void *arg)
{
    unsigned int out;

    (void)cpu, (void)arg;
    /* Selector 0xf: LDT (TI=1) entry 1, RPL 3. */
    __asm__ volatile("mov %w1, %%fs\n\tmov %%fs, %w0" : "=&r"(out) : "r"(0xf));
    got_fs = out;
    done = 1;
}

void test_main(void)
{
    unsigned long spins;

    mm_init();
    ldt = mm_alloc_page();
    TEST_CHECK(ldt != NULL);
    if (!ldt)
        return;
    ldt[1] = DATA_DPL3;
    TEST_EQ(mm_set_ro(ldt), 0);
    vcpu_context_hook = give_ldt;
    TEST_EQ(vcpu_start(1, report, NULL), 0);
    vcpu_context_hook = NULL;
    for (spins = 0; !done && spins < 2000; spins++)
        sched_yield();
    TEST_CHECK(done);
    TEST_EQ(got_fs, 0xf);
    /* vCPU 1's LDT holds the page now: it cannot become writable. */
    TEST_EQ(mm_set_rw(ldt), -XEN_EBUSY);
}

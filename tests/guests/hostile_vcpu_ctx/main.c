/* SPDX-License-Identifier: MIT */
/* VCPUOP_initialise refuses non-canonical addresses and fixes up selector RPLs. */
#include <guest/hypercall.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <public/vcpu.h>

#define NONCANON 0x8000000000001000ull

enum bad {
    GOOD,
    RSP,
    KERNEL_SP,
    TRAP_ADDR,
    EVENT_CB,
    LDT_BASE,
    GDT_ENTS,
    RPL0,
};

static enum bad mode;

/*
 * Each refused context must leave the vCPU down and initialisable. RPL0
 * names the flat selectors with RPL 0: Xen raises them to the PV kernel's
 * RPL 3 instead of refusing, so the vCPU runs on FLAT_KERNEL_CS/SS.
 */
static void hostile(unsigned int cpu, struct vcpu_guest_context *c)
{
    (void)cpu;
    switch (mode) {
    case RSP:
        c->user_regs.rsp = NONCANON;
        break;
    case KERNEL_SP:
        c->kernel_sp = NONCANON;
        break;
    case TRAP_ADDR:
        c->trap_ctxt[14].address = NONCANON;
        break;
    case EVENT_CB:
        c->event_callback_eip = NONCANON;
        break;
    case LDT_BASE:
        c->ldt_base = 0x1008; /* misaligned, even with no entries */
        break;
    case GDT_ENTS:
        c->gdt_ents = 0x10000;
        break;
    case RPL0:
        c->user_regs.cs = FLAT_KERNEL_CS & ~3u;
        c->user_regs.ss = FLAT_KERNEL_SS & ~3u;
        c->kernel_ss = FLAT_KERNEL_SS & ~3u;
        for (unsigned int i = 0; i < 256; i++)
            c->trap_ctxt[i].cs = FLAT_KERNEL_CS & ~3u;
        break;
    case GOOD:
        break;
    }
}

static volatile int ran;
static volatile uint16_t ap_cs, ap_ss;

static void ap_main(unsigned int cpu, void *arg)
{
    uint16_t cs, ss;

    (void)cpu, (void)arg;
    __asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
    ap_cs = cs;
    ap_ss = ss;
    /* A trap through the fixed-up table must reach our handler. */
    __asm__ volatile("int3");
    ran = 1;
}

static long try_mode(enum bad m)
{
    long rc;

    mode = m;
    vcpu_context_hook = hostile;
    rc = vcpu_initialise(1, ap_main, NULL);
    vcpu_context_hook = NULL;
    return rc;
}

static volatile int int3_seen;

static int on_int3(struct trap_frame *f)
{
    (void)f;
    int3_seen = 1;
    return 1;
}

void test_main(void)
{
    unsigned long spins;

    TEST_EQ(try_mode(RSP), -XEN_EINVAL);
    TEST_EQ(try_mode(KERNEL_SP), -XEN_EINVAL);
    TEST_EQ(try_mode(TRAP_ADDR), -XEN_EINVAL);
    TEST_EQ(try_mode(EVENT_CB), -XEN_EINVAL);
    TEST_EQ(try_mode(LDT_BASE), -XEN_EINVAL);
    TEST_EQ(try_mode(GDT_ENTS), -XEN_EINVAL);
    /* None of them brought the vCPU up. */
    TEST_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);

    trap_set_handler(3, on_int3);
    TEST_EQ(try_mode(RPL0), 0);
    TEST_EQ(vcpu_up(1), 0);
    for (spins = 0; !ran && spins < 5000; spins++)
        sched_yield();
    printk("vCPU 1 runs with cs 0x%x ss 0x%x\n", (unsigned int)ap_cs,
           (unsigned int)ap_ss);
    TEST_CHECK(ran);
    TEST_CHECK(int3_seen);
    TEST_EQ(ap_cs, FLAT_KERNEL_CS);
    TEST_EQ(ap_ss, FLAT_KERNEL_SS);
    trap_set_handler(3, NULL);
}

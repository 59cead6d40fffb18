/* SPDX-License-Identifier: MIT */
/* The virtual IOPL decides whether the kernel's port I/O is emulated or #GPs. */
#include <guest/hypercall.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/time.h>
#include <guest/traps.h>
#include <public/physdev.h>
#include <public/vcpu.h>

/*
 * Port 0x80 (the POST code port) is harmless to read on QEMU's machine and
 * on real ones. A PV kernel runs in ring 3 with the CPU's IOPL at 0, so
 * every `in` traps; the hypervisor emulates it only when the guest's
 * virtual IOPL covers the kernel's ring (1 for a 64-bit PV kernel).
 */
static volatile unsigned int gp_count;
extern const char in_insn[], in_after[];

static int gp_skip(struct trap_frame *f)
{
    if (f->rip != (uint64_t)in_insn)
        return 0;
    gp_count++;
    f->rip = (uint64_t)in_after;
    return 1;
}

/* Does `in $0x80, %al` run (1) or take #GP (0)? */
static __attribute__((noinline)) int port_read_works(void)
{
    unsigned int before = gp_count;

    __asm__ volatile(".globl in_insn, in_after\n"
                     "in_insn: inb $0x80, %%al\n"
                     "in_after:\n" ::
                         : "rax", "memory");
    return gp_count == before;
}

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl op = { .iopl = iopl };

    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op);
}

static volatile int ap_works = -1, ap_done;
static volatile uint64_t ap_flags;
static uint64_t ap_iopl_bits;

static void give_iopl(unsigned int cpu, struct vcpu_guest_context *c)
{
    (void)cpu;
    c->user_regs.rflags |= ap_iopl_bits;
}

static void ap_probe(unsigned int cpu, void *arg)
{
    uint64_t fl;

    (void)cpu, (void)arg;
    __asm__ volatile("pushfq; popq %0" : "=r"(fl));
    ap_flags = fl;
    ap_works = port_read_works();
    ap_done = 1;
}

static void run_ap(uint64_t iopl_bits)
{
    uint64_t deadline = guest_now() + 10ULL * 1000000000ULL;

    ap_iopl_bits = iopl_bits;
    ap_done = 0;
    ap_works = -1;
    vcpu_context_hook = give_iopl;
    TEST_EQ(vcpu_start(1, ap_probe, NULL), 0);
    vcpu_context_hook = NULL;
    /* A time bound, not a count: under load the other CPU starts late. */
    while (!ap_done && guest_now() < deadline)
        sched_yield();
    TEST_CHECK(ap_done);
}

static char alt_stack[4096] __attribute__((aligned(16)));

void test_main(void)
{
    trap_set_handler(13, gp_skip);

    /* The boot IOPL is 0: port I/O raises #GP(0). */
    TEST_EQ(port_read_works(), 0);
    TEST_EQ(set_iopl(4), -XEN_EINVAL);
    TEST_EQ(port_read_works(), 0);
    TEST_EQ(set_iopl(1), 0);
    TEST_EQ(port_read_works(), 1);
    TEST_EQ(set_iopl(3), 0);
    TEST_EQ(port_read_works(), 1);
    TEST_EQ(set_iopl(0), 0);
    TEST_EQ(port_read_works(), 0);

    /*
     * VCPUOP_initialise: the context's IOPL bits become the new vCPU's
     * virtual IOPL, and the CPU's own IOPL stays 0 (pushf shows it).
     */
    run_ap(1ull << 12);
    printk("vCPU 1 with IOPL 1: port read %s, rflags 0x%lx\n",
           ap_works ? "emulated" : "#GP", (unsigned long)ap_flags);
    TEST_EQ(ap_works, 1);
    TEST_EQ(ap_flags & 0x3000, 0);
    TEST_CHECK(ap_flags & 0x200);
    TEST_EQ(vcpu_down(1), 0);

    /*
     * stack_switch with an RPL-0 selector (Linux passes __KERNEL_DS): Xen
     * raises the RPL and never fails.
     */
    TEST_EQ(HYPERVISOR_stack_switch(
                0x18, (unsigned long)(alt_stack + sizeof(alt_stack))),
            0);
    TEST_EQ(HYPERVISOR_stack_switch(
                FLAT_KERNEL_SS, (unsigned long)(alt_stack + sizeof(alt_stack))),
            0);
    trap_set_handler(13, NULL);
}

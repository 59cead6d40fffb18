/* SPDX-License-Identifier: MIT */
/* VCPUOP_initialise: the context's IOPL becomes the vCPU's virtual IOPL. */
#include <guest/smp.h>
#include <guest/test.h>
#include <public/vcpu.h>

/*
 * Xen 4.17 takes the IOPL bits of the context's eflags as the vCPU's
 * virtual IOPL and runs it with hardware IOPL 0 and IF set: a vCPU started
 * with IOPL 3 may do port I/O (emulated), one started with IOPL 0 takes
 * #GP, and neither sees IOPL in its own eflags. The read is port 0x61
 * (system control port B), harmless on real and emulated machines.
 */
static volatile int faulted[3], done[3];
static volatile uint64_t flags_seen[3];
static uint64_t want_flags[3];
extern const char inb_after[];

static int gp_skip(struct trap_frame *f)
{
    if (f->rip + 2 != (uint64_t)inb_after)
        return 0;
    faulted[f->rdi < 3 ? f->rdi : 0] = 1;
    f->rip = (uint64_t)inb_after;
    return 1;
}

static void set_flags(unsigned int cpu, struct vcpu_guest_context *c)
{
    c->user_regs.rflags = want_flags[cpu];
}

static void probe(unsigned int cpu, void *arg)
{
    uint64_t fl;

    (void)arg;
    __asm__ volatile("pushfq; popq %0" : "=r"(fl));
    flags_seen[cpu] = fl;
    /* %rdi holds cpu so the #GP handler can tell whose fault it was. */
    __asm__ volatile("inb $0x61, %%al\n\t"
                     ".globl inb_after\ninb_after:\n\t"
                     :
                     : "D"((uint64_t)cpu)
                     : "rax", "memory");
    done[cpu] = 1;
}

static void run(unsigned int cpu, uint64_t rflags)
{
    unsigned long spins;

    want_flags[cpu] = rflags;
    vcpu_context_hook = set_flags;
    TEST_EQ(vcpu_start(cpu, probe, NULL), 0);
    vcpu_context_hook = NULL;
    for (spins = 0; !done[cpu] && spins < 200000; spins++)
        sched_yield();
    printk("vCPU %u started with eflags 0x%lx: runs with 0x%lx, %s\n", cpu,
           (unsigned long)rflags, (unsigned long)flags_seen[cpu],
           faulted[cpu] ? "inb took #GP" : "inb allowed");
    TEST_CHECK(done[cpu]);
}

void test_main(void)
{
    trap_set_handler(13, gp_skip);
    /* IOPL 3 asked: virtual, so the port read is emulated, no #GP. */
    run(1, 0x3202);
    TEST_EQ(faulted[1], 0);
    TEST_EQ(flags_seen[1] & 0x3000, 0);
    TEST_EQ(flags_seen[1] & 0x200, 0x200);
    /* IOPL 0 and IF clear asked: #GP on the read, IF on regardless. */
    run(2, 0x0002);
    TEST_EQ(faulted[2], 1);
    TEST_EQ(flags_seen[2] & 0x3000, 0);
    TEST_EQ(flags_seen[2] & 0x200, 0x200);
    trap_set_handler(13, NULL);
}

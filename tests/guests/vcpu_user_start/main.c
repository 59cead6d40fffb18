/* SPDX-License-Identifier: MIT */
/* VCPUOP_initialise without VGCF_in_kernel: the vCPU starts in user mode. */
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <public/vcpu.h>

/*
 * Xen 4.17 starts a 64-bit PV vCPU in guest user mode when the context
 * lacks VGCF_in_kernel and names a user L4 (ctrlreg[1]); our kernel L4
 * maps everything user-accessible, so it serves as both. The vCPU's
 * first instruction is an int3: the #BP frame must come from user mode
 * (CS with RPL 3; a kernel-mode frame shows RPL 0) and land on kernel_sp.
 */
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static volatile int hits;
static volatile uint64_t bp_cs, bp_rsp;
extern const char user_start[];

/* Never returns: the vCPU spins in user mode until the test powers off. */
__asm__(".text\n.globl user_start\nuser_start:\n\tint3\n1:\tpause\n\tjmp 1b\n");

static int on_bp(struct trap_frame *f)
{
    hits++;
    bp_cs = f->cs & 0xffff;
    bp_rsp = f->rsp;
    return 1;
}

static void user_ctx(unsigned int cpu, struct vcpu_guest_context *c)
{
    (void)cpu;
    c->flags &= ~VGCF_in_kernel;
    c->ctrlreg[1] = c->ctrlreg[3];
    c->user_regs.rip = (uint64_t)user_start;
    c->user_regs.rsp = (uint64_t)(user_stack + sizeof(user_stack));
}

static void unused(unsigned int cpu, void *arg)
{
    (void)cpu, (void)arg;
}

void test_main(void)
{
    unsigned long spins;

    trap_set_handler(3, on_bp);
    vcpu_context_hook = user_ctx;
    TEST_EQ(vcpu_start(1, unused, NULL), 0);
    vcpu_context_hook = NULL;
    for (spins = 0; !hits && spins < 200000; spins++)
        sched_yield();
    printk("vCPU 1: %d #BP, cs 0x%lx rsp 0x%lx\n", hits, (unsigned long)bp_cs,
           (unsigned long)bp_rsp);
    TEST_EQ(hits, 1);
    TEST_EQ(bp_cs & 3, 3);
    TEST_EQ(bp_rsp, (uint64_t)(user_stack + sizeof(user_stack)));
}

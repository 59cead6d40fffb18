/* SPDX-License-Identifier: MIT */
/* VCPUOP_initialise with hostile contexts: Xen 4.17's answers and fix-ups. */
#include <guest/hypercall.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <public/vcpu.h>

/*
 * Xen's arch_set_info_guest for a 64-bit PV guest refuses non-canonical
 * addresses (registers, callbacks, every trap entry, a used LDT base), an
 * LDT base in the hypervisor hole or not page aligned, more than 8192 LDT
 * entries, a GDT reaching the reserved entries or made of frames that
 * cannot be descriptor pages, a user-mode start without a user L4, and an
 * L4 it cannot type: all -EINVAL, and the vCPU stays as it was. It fixes
 * the RPL of cs, ss, kernel_ss and the trap selectors up to 3, drops debug
 * register values its set_debugreg refuses and loads the others. A vCPU
 * refused many times must still start normally afterwards.
 */
#define NONCANON 0x0000800000000000UL
#define HOLE 0xffff800000000000UL /* canonical, inside the hypervisor hole */

static uint8_t data_page[4096] __attribute__((aligned(4096)));
static int which;
static volatile int done;
static volatile uint64_t seen_cs, seen_ss, seen_dr0, seen_dr6, seen_dr7;
static volatile uint64_t seen_ds, seen_es, failsafe_rip;
static volatile int failsafes;
extern char ap_entry[], failsafe_callback[];

/* The bad data selectors' failsafe callback, before vCPU 1's first insn. */
static int on_failsafe(struct trap_frame *f)
{
    failsafes++;
    failsafe_rip = f->rip;
    return 1;
}

static void edit(unsigned int cpu, struct vcpu_guest_context *c)
{
    (void)cpu;
    switch (which) {
    case 1:
        c->user_regs.rip = NONCANON;
        break;
    case 2:
        c->user_regs.rsp = NONCANON;
        break;
    case 3:
        c->kernel_sp = NONCANON;
        break;
    case 4:
        c->event_callback_eip = NONCANON;
        break;
    case 5:
        c->failsafe_callback_eip = NONCANON;
        break;
    case 6:
        c->syscall_callback_eip = NONCANON;
        break;
    case 7:
        c->trap_ctxt[14].address = NONCANON;
        break;
    case 8:
        c->trap_ctxt[255].address = NONCANON;
        break;
    case 9:
        c->ldt_ents = 1;
        c->ldt_base = NONCANON;
        break;
    case 10:
        c->ldt_base = HOLE; /* refused even with no entries */
        break;
    case 11:
        c->ldt_base = 0x1008;
        break;
    case 12:
        c->ldt_ents = 8193;
        break;
    case 13:
        c->gdt_ents = 14 * 512 + 1;
        break;
    case 14:
        c->gdt_ents = FIRST_RESERVED_GDT_ENTRY + 1;
        break;
    case 15:
        c->gdt_ents = 512;
        c->gdt_frames[0] = guest_virt_to_mfn(data_page);
        break;
    case 16:
        c->flags &= ~VGCF_in_kernel; /* user mode, but no user L4 */
        break;
    case 17:
        c->ctrlreg[3] = xen_pfn_to_cr3(guest_virt_to_mfn(data_page));
        break;
    case 18:
        c->fs_base = NONCANON;
        break;
    case 19:
        c->gs_base_user = NONCANON;
        break;
    default:
        /* Accepted: fixed-up selectors, debug registers half refused. */
        c->user_regs.cs = FLAT_KERNEL_CS & ~3;
        c->user_regs.ss = FLAT_KERNEL_SS & ~3;
        c->kernel_ss = FLAT_KERNEL_SS & ~3;
        for (unsigned int v = 0; v < 20; v++)
            c->trap_ctxt[v].cs = FLAT_KERNEL_CS & ~3;
        c->debugreg[0] = (uint64_t)data_page;
        c->debugreg[1] = HOLE;          /* -EPERM: dropped */
        c->debugreg[6] = 1UL << 32 | 1; /* reserved bits: dropped */
        c->debugreg[7] = 0x2000 | 1;    /* GD: dropped */
        /* An LDT selector with no LDT, a GDT one past its end: failsafe. */
        c->user_regs.ds = 0x0007;
        c->user_regs.es = 0x0fab;
        c->failsafe_callback_eip = (uint64_t)failsafe_callback;
        break;
    }
}

static long get_dr(unsigned int reg)
{
    return _hypercall1(__HYPERVISOR_get_debugreg, reg);
}

static void report(unsigned int cpu, void *arg)
{
    uint16_t cs, ss, ds, es;

    (void)cpu, (void)arg;
    __asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
    seen_cs = cs;
    seen_ss = ss;
    __asm__ volatile("mov %%ds, %0; mov %%es, %1" : "=r"(ds), "=r"(es));
    seen_ds = ds;
    seen_es = es;
    seen_dr0 = (uint64_t)get_dr(0);
    seen_dr6 = (uint64_t)get_dr(6);
    seen_dr7 = (uint64_t)get_dr(7);
    done = 1;
}

void test_main(void)
{
    unsigned long spins;

    vcpu_context_hook = edit;
    for (which = 1; which <= 19; which++) {
        long rc = vcpu_initialise(1, report, NULL);

        printk("hostile context %d: VCPUOP_initialise %ld\n", which, rc);
        TEST_EQ(rc, -XEN_EINVAL);
        /* Refused: still not initialised, so it cannot be brought up. */
        TEST_EQ(vcpu_up(1), -XEN_EINVAL);
    }
    which = 0;
    trap_set_handler(TRAP_VEC_FAILSAFE, on_failsafe);
    TEST_EQ(vcpu_start(1, report, NULL), 0);
    vcpu_context_hook = NULL;
    for (spins = 0; !done && spins < 200000; spins++)
        sched_yield();
    TEST_CHECK(done);
    printk("vCPU 1 runs with cs 0x%lx ss 0x%lx dr0 0x%lx dr6 0x%lx dr7 0x%lx\n",
           (unsigned long)seen_cs, (unsigned long)seen_ss,
           (unsigned long)seen_dr0, (unsigned long)seen_dr6,
           (unsigned long)seen_dr7);
    printk("failsafe callbacks %d at 0x%lx, then ds 0x%lx es 0x%lx\n",
           failsafes, (unsigned long)failsafe_rip, (unsigned long)seen_ds,
           (unsigned long)seen_es);
    TEST_EQ(failsafes, 1);
    TEST_EQ(failsafe_rip, (uint64_t)ap_entry);
    TEST_EQ(seen_ds, 0);
    TEST_EQ(seen_es, 0);
    TEST_EQ(seen_cs, FLAT_KERNEL_CS);
    TEST_EQ(seen_ss, FLAT_KERNEL_SS);
    TEST_EQ(seen_dr0, (uint64_t)data_page);
    TEST_EQ(seen_dr6, 0xffff0ff0);
    TEST_EQ(seen_dr7, 0x400);
    /* An initialised vCPU cannot be given a second context. */
    TEST_EQ(vcpu_initialise(1, report, NULL), -XEN_EEXIST);
}

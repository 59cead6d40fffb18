/* SPDX-License-Identifier: GPL-2.0-only */
/* Running PV vCPUs: hypercall entry, entering the guest, arch init. */
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "asm/cpu.h"
#include "asm/debugreg.h"
#include "asm/hvm.h"
#include "asm/mm.h"
#include "asm/pagetype.h"
#include "asm/percpu.h"
#include "asm/pv.h"
#include "asm/x86.h"
#include <public/callback.h>

void enter_guest_frame(struct cpu_regs *frame) __attribute__((noreturn));

int pv_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = current;
    u64 rip = regs->rip, flags = regs->rflags;

    clac();
    hyp_lock();
    if (!v->arch.kernel_mode) {
        /* A guest user process's syscall goes to the guest kernel. */
        const struct callback *cb = &v->arch.syscall_cb;

        if (!cb->address) {
            pv_inject_trap(v, regs, TRAP_UD, -1);
            return 0;
        }
        pv_bounce(v, regs, cb->address, -1, cb->flags & CALLBACKF_mask_events);
        regs->rflags &= ~X86_EFLAGS_DF;
        return 0;
    }
    if (regs->rax == __HYPERVISOR_iret) {
        regs->rax = (u64)pv_iret(v, regs);
        return 0;
    }
    struct percpu *pc = this_cpu();
    long ret;

    pc->cont = false;
    pc->frame_replaced = false;
    pc->in_hypercall = true;
    ret = hypercall_dispatch(regs->rax, regs->rdi, regs->rsi, regs->rdx,
                             regs->r10, regs->r8);
    pc->in_hypercall = false;
    pv_hctrace_maybe(v, regs, ret, pc->cont);
    if (pc->cont) {
        /* Re-issue the syscall with the updated arguments. */
        regs->rax = pc->cont_nr;
        regs->rdi = pc->cont_args[0];
        regs->rsi = pc->cont_args[1];
        regs->rdx = pc->cont_args[2];
        regs->r10 = pc->cont_args[3];
        regs->r8 = pc->cont_args[4];
        regs->rip -= 2;
        return 0;
    }
    regs->rax = (u64)ret;
    /* sysret only if the hypercall left control flow alone. */
    /*
     * sysret faults in ring 0 on a non-canonical RCX (a syscall at the top
     * of the lower half): such returns take the iretq path and its fix-up.
     */
    if (regs->rip == rip && is_canonical(rip) && regs->rflags == flags &&
        !pc->frame_replaced && v->domain->state == DOM_RUNNING &&
        vcpu_runnable(v) && !softirq_pending() && !pv_events_deliverable(v)) {
        hyp_unlock();
        return 1;
    }
    return 0;
}

bool hypercall_preemptible(void)
{
    return this_cpu()->in_hypercall;
}

/*
 * Xen stops a long hypercall when a softirq or an event for the caller is
 * pending. Vesper runs hypercalls with interrupts off and under one lock,
 * so a due timer (its interrupt is held off) and another CPU waiting for
 * the lock count as pending work too.
 */
bool hypercall_preempt_check(void)
{
    struct vcpu *v = current;

    if (!this_cpu()->in_hypercall)
        return false;
    if (timer_due()) {
        /* Run it on the way out rather than at the interrupt after. */
        raise_softirq(SOFTIRQ_TIMER);
        return true;
    }
    return softirq_pending() || hyp_lock_contended() ||
           (v && pv_events_deliverable(v));
}

long hypercall_continue(unsigned int nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    struct percpu *pc = this_cpu();

    BUG_ON(!pc->in_hypercall);
    pc->cont = true;
    pc->cont_nr = nr;
    pc->cont_args[0] = a1;
    pc->cont_args[1] = a2;
    pc->cont_args[2] = a3;
    pc->cont_args[3] = a4;
    pc->cont_args[4] = a5;
    return nr;
}

bool arch_take_continuation(u64 *op, u64 args[5])
{
    struct percpu *pc = this_cpu();

    if (!pc->cont)
        return false;
    pc->cont = false;
    *op = pc->cont_nr;
    memcpy(args, pc->cont_args, sizeof(pc->cont_args));
    return true;
}

void arch_cancel_continuation(void)
{
    this_cpu()->cont = false;
}

long arch_multicall_iret(void)
{
    this_cpu()->frame_replaced = true;
    return pv_iret(current, guest_cpu_regs());
}

struct vcpu *current_vcpu(void)
{
    return current;
}

struct domain *current_domain(void)
{
    return current->domain;
}

int arch_vcpu_init(struct vcpu *v)
{
    /* FNINIT state: exceptions masked, default MXCSR. */
    BUG_ON((uintptr_t)v->arch.fpu & 15);
    memset(v->arch.fpu, 0, sizeof(v->arch.fpu));
    v->arch.fpu[0] = 0x7f, v->arch.fpu[1] = 0x03;   /* FCW 0x037f */
    v->arch.fpu[24] = 0x80, v->arch.fpu[25] = 0x1f; /* MXCSR 0x1f80 */
    v->arch.kernel_mode = true;
    v->arch.regs.cs = FLAT_KERNEL_CS;
    v->arch.regs.ss = FLAT_KERNEL_SS;
    v->arch.regs.rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    v->arch.vcr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    v->arch.dr6 = DR6_DEFAULT;
    v->arch.dr7 = DR7_DEFAULT;
    return 0;
}

int arch_domain_init(struct domain *d)
{
    /*
     * shared_info is Vesper's page, which Vesper writes for as long as the
     * domain lives: the guest may map it but never free, pin or retype it.
     */
    pv_share_hyp_page(mfn_to_page(d->shared_info_mfn), d);
    cpu_policy_domain_init(&d->arch.cpu_policy);
    /* createdomain clears it: a toolstack's domain is built first. */
    d->arch.creation_finished = true;
    /* Xen's arch_domain_create sets a default TSC mode, but not dom0's. */
    d->arch.tsc_incarnation = d->domain_id ? 1 : 0;
    return 0;
}

/*
 * Drop every reference the domain's frames hold (base pointers, pins,
 * page-table contents, allocations), so they can all be freed.
 */
static void release_domain_refs(struct domain *d)
{
    struct pv_mm_ctx c;
    struct pv_relinquish r;

    pv_mm_ctx_init(&c, d, NULL);
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        pv_destroy_gdt(v, &c);
        if (v->arch.guest_table_user)
            put_page_and_type(mfn_to_page(v->arch.guest_table_user), &c);
        if (v->arch.guest_table)
            put_page_and_type(mfn_to_page(v->arch.guest_table), &c);
        v->arch.guest_table = v->arch.guest_table_user = 0;
        c.preempt = &v->arch.preempt;
        while (pv_drain_deferred(&c) == -ERESTART)
            c.preempt->budget = 4096;
        c.preempt = NULL;
    }
    memset(&r, 0, sizeof(r));
    while (pv_relinquish_domain_memory(d, &r, &c) == -ERESTART)
        ;
    if (r.forced)
        printk_lvl(LOG_WARN, "d%u: %u page tables still typed after teardown\n",
                   d->domain_id, r.forced);
    /* Not shared yet if the domain failed before arch_domain_init. */
    if (d->shared_info &&
        (mfn_to_page(d->shared_info_mfn)->count_info & PGC_xen_heap))
        pv_unshare_hyp_page(mfn_to_page(d->shared_info_mfn));
}

void arch_domain_destroy(struct domain *d)
{
    /* With audit on, every domain's counts are checked at its end too. */
    if (opt_audit) {
        int bad = pv_audit_domain(d);

        if (bad)
            panic("audit: %d reference-count mismatches at d%u's end", bad,
                  d->domain_id);
        printk("audit: d%u's frame references balance at its end\n",
               d->domain_id);
    }
    /* If a dying domain's tables are live, fall back to Vesper's own. */
    for (unsigned int i = 0; i < MAX_VCPUS; i++)
        if (d->vcpu[i] && current == d->vcpu[i]) {
            write_cr3(virt_to_maddr(idle_l4));
            current = NULL;
        }
    release_domain_refs(d);
    hvm_domain_destroy(d);
}

static u16 read_sel(int which)
{
    u16 s = 0;

    switch (which) {
    case 0:
        __asm__ volatile("mov %%ds, %0" : "=r"(s));
        break;
    case 1:
        __asm__ volatile("mov %%es, %0" : "=r"(s));
        break;
    case 2:
        __asm__ volatile("mov %%fs, %0" : "=r"(s));
        break;
    default:
        __asm__ volatile("mov %%gs, %0" : "=r"(s));
        break;
    }
    return s;
}

/* Everything of v that lives in this CPU goes back into v. */
void arch_save_vcpu(struct vcpu *v)
{
    struct cpu_info *ci = get_cpu_info();
    struct arch_vcpu *a = &v->arch;

    if (is_hvm_vcpu(v)) {
        hvm_save_vcpu(v);
        return;
    }
    BUG_ON(ci->cur_vcpu != v);
    pv_debugregs_unload(v);
    a->regs = ci->guest_regs;
    a->ds = read_sel(0);
    a->es = read_sel(1);
    a->fs = read_sel(2);
    a->gs = read_sel(3);
    a->fs_base = rdmsr(MSR_FS_BASE);
    if (a->kernel_mode)
        a->gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        a->gs_base_user = rdmsr(MSR_GS_BASE);
    clts();
    __asm__ volatile("fxsave64 %0" : "=m"(a->fpu));
    ci->cur_vcpu = NULL;
    write_cr3(virt_to_maddr(idle_l4));
    smp_wmb();
    v->is_running = false;
}

/* fxrstor with a fix-up: returns false if the CPU refused the image. */
static bool fxrstor_safe(const u8 *area)
{
    int fault = 0;

    __asm__ volatile("1: fxrstor64 %[a]\n"
                     "2:\n"
                     ".pushsection .text.fixup, \"ax\"\n"
                     "3: movl $1, %[f]\n"
                     "   jmp 2b\n"
                     ".popsection\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".quad 1b, 3b\n"
                     ".popsection\n"
                     : [f] "+r"(fault)
                     : [a] "m"(*(const u8(*)[512])area));
    return !fault;
}

/*
 * Load the vCPU's FPU image. VCPUOP_initialise hands us the guest's bytes
 * unchecked, and fxrstor refuses reserved MXCSR bits with a #GP in ring 0.
 * Like Xen's xrstor fix-up: keep MXCSR's writable bits, reset the x87 and
 * SSE registers to their initial state, and retry; the guest then sees
 * exactly that, never a hypervisor fault.
 */
void fpu_load_guest(struct vcpu *v)
{
    u8 *img = v->arch.fpu;
    u8 probe[512] __attribute__((aligned(16)));
    u32 mxcsr, mask;

    if (fxrstor_safe(img))
        return;
    __asm__ volatile("fxsave64 %0" : "=m"(probe));
    memcpy(&mask, probe + 28, 4);
    if (!mask)
        mask = 0xffbf; /* the architectural default for MXCSR_MASK */
    memcpy(&mxcsr, img + 24, 4);
    mxcsr &= mask;
    memset(img, 0, sizeof(v->arch.fpu));
    img[0] = 0x7f, img[1] = 0x03; /* FCW 0x037f, the x87 initial state */
    memcpy(img + 24, &mxcsr, 4);
    printk_lvl(LOG_WARN,
               "d%u v%u: FPU image refused; x87/SSE reset, MXCSR %x\n",
               v->domain->domain_id, v->vcpu_id, mxcsr);
    BUG_ON(!fxrstor_safe(img));
}

/* Guest data selectors; a bad one is replaced by null (failsafe callback). */
static void load_segments(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;
    bool bad = false;

    bad |= !load_sel_safe(0, a->ds);
    bad |= !load_sel_safe(1, a->es);
    bad |= !load_sel_safe(2, a->fs);
    bad |= !load_sel_safe(3, a->gs);
    wrmsr(MSR_FS_BASE, a->fs_base);
    wrmsr(MSR_GS_BASE, a->kernel_mode ? a->gs_base_kernel : a->gs_base_user);
    if (bad)
        pv_failsafe(v, a->ds, a->es, a->fs, a->gs);
}

void arch_run_vcpu(struct vcpu *v)
{
    struct cpu_info *ci = get_cpu_info();

    if (is_hvm_vcpu(v))
        hvm_run_vcpu(v);

    if (ci->cur_vcpu != v) {
        BUG_ON(ci->cur_vcpu || v->is_running);
        v->is_running = true;
        v->processor = ci->cpu_id;
        ci->cur_vcpu = v;
        ci->guest_regs = v->arch.regs;
        write_cr3((v->arch.kernel_mode ? v->arch.guest_table
                                       : v->arch.guest_table_user)
                  << PAGE_SHIFT);
        /* Guest global mappings of the previous vCPU must not survive. */
        write_cr4(read_cr4() & ~CR4_PGE);
        write_cr4(read_cr4() | CR4_PGE);
        pv_load_gdt(v);
        clts();
        fpu_load_guest(v);
        if (v->arch.fpu_ts)
            write_cr0(read_cr0() | CR0_TS);
        load_segments(v);
        pv_debugregs_load(v);
        /* The guest's own choice (pv_write_cr4), never its predecessor's. */
        write_cr4((read_cr4() & ~CR4_FSGSBASE) | (v->arch.vcr4 & CR4_FSGSBASE));
        vcpu_update_guest_areas(v);
    }
    enter_guest_frame(&ci->guest_regs);
}

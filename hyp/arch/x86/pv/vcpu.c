/* SPDX-License-Identifier: GPL-2.0-only */
/* Running PV vCPUs: hypercall entry, entering the guest, arch init. */
#include "arch.h"
#include "errno.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "asm/cpu.h"
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
    regs->rax = (u64)hypercall_dispatch(regs->rax, regs->rdi, regs->rsi,
                                        regs->rdx, regs->r10, regs->r8);
    /* sysret only if the hypercall left control flow alone. */
    return regs->rip == rip && regs->rflags == flags &&
           v->domain->state == DOM_RUNNING && v->running;
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
    v->arch.kernel_mode = true;
    v->arch.regs.cs = FLAT_KERNEL_CS;
    v->arch.regs.ss = FLAT_KERNEL_SS;
    v->arch.regs.rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    v->arch.vcr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    return 0;
}

int arch_domain_init(struct domain *d)
{
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    /* If a dying domain's tables are live, fall back to Vesper's own. */
    for (unsigned int i = 0; i < MAX_VCPUS; i++)
        if (d->vcpu[i] && current == d->vcpu[i]) {
            extern pte_t *idle_l4;

            write_cr3(virt_to_maddr(idle_l4));
            current = NULL;
        }
}

void arch_run_vcpu(struct vcpu *v)
{
    struct cpu_info *ci = get_cpu_info();
    struct vcpu *prev = ci->cur_vcpu;

    if (prev != v) {
        if (prev)
            prev->arch.regs = ci->guest_regs;
        ci->guest_regs = v->arch.regs;
        ci->cur_vcpu = v;
        write_cr3((v->arch.kernel_mode ? v->arch.guest_table
                                       : v->arch.guest_table_user)
                  << PAGE_SHIFT);
        wrmsr(MSR_FS_BASE, v->arch.fs_base);
        wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel
                                               : v->arch.gs_base_user);
        if (v->arch.fpu_ts)
            write_cr0(read_cr0() | CR0_TS);
        else
            clts();
    }
    enter_guest_frame(&ci->guest_regs);
}

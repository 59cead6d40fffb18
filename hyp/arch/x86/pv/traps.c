/* SPDX-License-Identifier: GPL-2.0-only */
/* Bounce frames, guest kernel/user mode switches, HYPERVISOR_iret. */
#include "errno.h"
#include "guest_access.h"
#include "lib.h"
#include "sched.h"
#include "asm/percpu.h"
#include "asm/pv.h"
#include "asm/x86.h"
#include <public/callback.h>

struct cpu_regs *pv_guest_regs(void)
{
    return guest_cpu_regs();
}

void pv_toggle_guest_mode(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;

    /* A selector load may have changed the active base behind our back. */
    if (a->kernel_mode)
        a->gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        a->gs_base_user = rdmsr(MSR_GS_BASE);
    a->kernel_mode = !a->kernel_mode;
    /* MSR_GS_BASE always holds the active mode's GS base. */
    wrmsr(MSR_GS_BASE, a->kernel_mode ? a->gs_base_kernel : a->gs_base_user);
    write_cr3((a->kernel_mode ? a->guest_table : a->guest_table_user)
              << PAGE_SHIFT);
}

static bool bounce(struct vcpu *v, struct cpu_regs *regs, u64 handler, long err,
                   const u64 *segs, bool mask_events);

bool pv_bounce(struct vcpu *v, struct cpu_regs *regs, u64 handler, long err,
               bool mask_events)
{
    return bounce(v, regs, handler, err, NULL, mask_events);
}

bool pv_bounce_segs(struct vcpu *v, struct cpu_regs *regs, u64 handler,
                    const u64 *segs, bool mask_events)
{
    return bounce(v, regs, handler, -1, segs, mask_events);
}

static bool bounce(struct vcpu *v, struct cpu_regs *regs, u64 handler, long err,
                   const u64 *segs, bool mask_events)
{
    struct domain *d = v->domain;
    u8 saved_mask = v->vcpu_info->evtchn_upcall_mask;
    bool from_kernel = v->arch.kernel_mode;
    u64 frame[13], sp, cs;
    unsigned int n = 0;

    if (!is_canonical(handler) || !guest_range_ok(handler, 1)) {
        domain_crash(d, "bad callback address %llx",
                     (unsigned long long)handler);
        return false;
    }
    if (from_kernel) {
        sp = regs->rsp;
    } else {
        pv_toggle_guest_mode(v);
        sp = v->arch.kernel_sp;
    }
    sp &= ~15UL;
    /* A kernel-mode frame shows RPL 0 so the guest's user_mode() works. */
    cs = from_kernel ? (regs->cs & ~3UL) : regs->cs;
    cs = (cs & 0xffff) | ((u64)saved_mask << 32);

    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if (err >= 0)
        frame[n++] = (u64)err;
    for (unsigned int i = 0; segs && i < 4; i++)
        frame[n++] = segs[i];
    frame[n++] = regs->rip;
    frame[n++] = cs;
    frame[n++] = (regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
                 (saved_mask ? 0 : X86_EFLAGS_IF);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    sp -= n * 8;
    if (copy_to_guest(sp, frame, n * 8)) {
        domain_crash(d, "cannot write bounce frame at %llx (rip %llx)",
                     (unsigned long long)sp, (unsigned long long)regs->rip);
        return false;
    }
    regs->rsp = sp;
    regs->rip = handler;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF |
                      X86_EFLAGS_VM | X86_EFLAGS_AC);
    if (mask_events)
        v->vcpu_info->evtchn_upcall_mask = 1;
    return true;
}

void pv_inject_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vec,
                    long err)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[vec];

    if (!ti->address) {
        printk_lvl(LOG_ERR, "d%u v%u: unhandled %u at rip %llx (no handler)\n",
                   v->domain->domain_id, v->vcpu_id, vec,
                   (unsigned long long)regs->rip);
        dump_regs(regs);
        domain_crash(v->domain, "unhandled exception vector %u", vec);
        return;
    }
    pv_bounce(v, regs, ti->address, err, TI_GET_IF(ti));
}

long pv_iret(struct vcpu *v, struct cpu_regs *regs)
{
    struct iret_context f;

    if (copy_from_guest(&f, regs->rsp, sizeof(f))) {
        domain_crash(v->domain, "iret: unreadable frame at %llx",
                     (unsigned long long)regs->rsp);
        return -EFAULT;
    }
    if ((f.cs & 3) == 3 && v->arch.kernel_mode) {
        if (!v->arch.guest_table_user) {
            domain_crash(v->domain, "iret to user mode without a user L4");
            return -EINVAL;
        }
        pv_toggle_guest_mode(v);
    }
    /*
     * Like Xen, no check of the selectors, RIP or RSP here: the iretq
     * that enters the frame has a fix-up (entry.S), so a selector or RIP
     * the CPU refuses becomes the guest's #GP/#NP/#SS, and a non-canonical
     * RSP faults in the guest at its first stack access.
     */
    /* Only the selector bits count: Linux leaves the saved mask above. */
    regs->rip = f.rip;
    regs->cs = (f.cs & 0xffff) | 3;
    regs->rflags = (f.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
                   X86_EFLAGS_IF | X86_EFLAGS_MBS;
    regs->rsp = f.rsp;
    regs->ss = (f.ss & 0xffff) | 3;
    if (!(f.flags & VGCF_in_syscall)) {
        regs->r11 = f.r11;
        regs->rcx = f.rcx;
    }
    v->vcpu_info->evtchn_upcall_mask = !(f.rflags & X86_EFLAGS_IF);
    return (long)f.rax;
}

bool pv_events_deliverable(const struct vcpu *v)
{
    return v->vcpu_info->evtchn_upcall_pending &&
           !v->vcpu_info->evtchn_upcall_mask && v->arch.event_cb.address;
}

/*
 * An upcall: enter the event callback with events masked, as if an
 * interrupt arrived at the instruction the guest was about to run.
 */
void pv_deliver_events(struct vcpu *v, struct cpu_regs *regs)
{
    if (pv_events_deliverable(v))
        pv_bounce(v, regs, v->arch.event_cb.address, -1, true);
}

/*
 * A data selector the guest left could not be reloaded: enter its
 * failsafe callback with the four selectors on the frame (below the
 * interrupted context), or crash it if it has none.
 */
void pv_failsafe(struct vcpu *v, u16 ds, u16 es, u16 fs, u16 gs)
{
    struct cpu_regs *regs = guest_cpu_regs();
    u64 segs[4] = { ds, es, fs, gs };
    u64 handler = v->arch.failsafe_cb.address;

    if (!handler) {
        domain_crash(v->domain,
                     "bad segment selector and no failsafe "
                     "callback (ds %x es %x fs %x gs %x)",
                     ds, es, fs, gs);
        return;
    }
    pv_bounce_segs(v, regs, handler, segs,
                   v->arch.failsafe_cb.flags & CALLBACKF_mask_events);
}

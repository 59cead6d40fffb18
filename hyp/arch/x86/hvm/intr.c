/* SPDX-License-Identifier: GPL-2.0-only */
/* HVM interrupt delivery common to the back ends: which source, when, HLT, device timers. */
#include "arch.h"
#include "lib.h"
#include "sched.h"
#include "timer.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "asm/x86.h"
#include "vdev.h"

enum intsrc { SRC_NONE, SRC_PIC, SRC_LAPIC };

/*
 * Xen's order (hvm_vcpu_has_pending_irq): the 8259's output first when
 * this local APIC takes it (LINT0 as ExtINT, vCPU 0 only, as Xen's
 * i8259_target), then the local APIC's highest IRR vector above PPR.
 */
static enum intsrc pending_source(struct vcpu *v, int *vec)
{
    struct hvm_plat *p = v->domain->arch.hvm->plat;

    if (!p || !v->arch.hvm->vlapic)
        return SRC_NONE;
    if (v->vcpu_id == 0 && vlapic_accepts_pic(v) && vpic_output(v->domain))
        return SRC_PIC;
    *vec = vlapic_pending(v);
    return *vec >= 0 ? SRC_LAPIC : SRC_NONE;
}

void hvm_intr_assist(struct vcpu *v)
{
    int vec = -1;
    enum intsrc src = pending_source(v, &vec);

    if (src == SRC_NONE) {
        hvm_funcs->intr_window(v, false);
        return;
    }
    /*
     * An event already queued (one the last exit interrupted) goes
     * first; with IF clear or in a shadow the interrupt waits. Either
     * way the back end is asked to exit once the guest can take it.
     */
    if (hvm_funcs->event_pending(v) || hvm_funcs->intr_blocked(v)) {
        hvm_funcs->intr_window(v, true);
        return;
    }
    if (src == SRC_PIC)
        vec = (int)vpic_ack(v->domain);
    else
        vlapic_ack(v, (unsigned int)vec);
    hvm_funcs->inject(v, HVM_EV_EXTINT, (unsigned int)vec, -1, 0);
    /* Another one behind it: come back as soon as it can be taken. */
    hvm_funcs->intr_window(v, pending_source(v, &vec) != SRC_NONE);
}

/*
 * HLT. With IF set the vCPU sleeps until an interrupt it can take is
 * pending (hvm_irq_kick wakes it); one already pending means no sleep.
 * With IF clear nothing but NMI or INIT could wake a CPU, neither of
 * which Vesper sends, so it stays blocked for good (Xen takes the vCPU
 * down instead; Vesper's HVM test guests end this way and their dom0
 * watcher sees them blocked).
 */
void hvm_hlt(struct vcpu *v, u64 rflags)
{
    int vec;

    if (!(rflags & X86_EFLAGS_IF)) {
        v->arch.hvm->halted_if_off = true;
        vcpu_block(v);
        return;
    }
    if (pending_source(v, &vec) != SRC_NONE)
        return;
    vcpu_block(v);
}

void hvm_irq_kick(struct vcpu *v)
{
    int vec;

    if (v->arch.hvm->halted_if_off || pending_source(v, &vec) == SRC_NONE)
        return;
    /* Blocked in HLT: wake; running elsewhere: an IPI makes it exit. */
    vcpu_kick(v);
}

void hvm_isa_irq_pulse(struct domain *d, unsigned int irq)
{
    vpic_irq_set(d, irq, true);
    vpic_irq_set(d, irq, false);
}

/* ---- device timers */

static void pt_fn(void *data)
{
    struct hvm_ptimer *pt = data;
    u64 now = arch_now_ns();

    if (pt->period) {
        pt->deadline += pt->period;
        if (pt->deadline <= now)
            pt->deadline = now + pt->period;
        set_timer(&pt->t, pt->deadline);
    }
    pt->fire(pt->data);
}

void hvm_pt_init(struct hvm_ptimer *pt, void (*fire)(void *), void *data,
                 unsigned int cpu)
{
    pt->fire = fire;
    pt->data = data;
    pt->period = 0;
    timer_init(&pt->t, pt_fn, pt, cpu);
}

void hvm_pt_start(struct hvm_ptimer *pt, u64 first_ns, u64 period_ns)
{
    u64 now = arch_now_ns();

    if (period_ns && period_ns < HVM_PT_MIN_NS)
        period_ns = HVM_PT_MIN_NS;
    pt->period = period_ns;
    pt->deadline = now + first_ns;
    set_timer(&pt->t, pt->deadline);
}

void hvm_pt_stop(struct hvm_ptimer *pt)
{
    stop_timer(&pt->t);
}

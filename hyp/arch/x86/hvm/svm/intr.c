/* SPDX-License-Identifier: GPL-2.0-only */
/* AMD-V hooks of the common HVM code: guest state for the emulator, EVENTINJ and the VINTR window. */
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "asm/svm.h"
#include "asm/x86.h"

/* VMCB V_INTR fields (offset 0x60) and the VINTR intercept. */
#define V_IRQ (1ULL << 8)
#define V_INTR_PRIO_SHIFT 16
#define V_IGN_TPR (1ULL << 20)
#define SVM_INT_VINTR (1U << 4)

/* struct cpu_regs in x86_emul's GPR order, RAX and RSP aside (the VMCB's). */
static u64 *gpr_slot(struct cpu_regs *r, unsigned int i)
{
    u64 *slots[16] = {
        NULL,   &r->rcx, &r->rdx, &r->rbx, NULL,    &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return slots[i];
}

static void svm_get_state(struct vcpu *v, struct hvm_cpu_state *s)
{
    const struct vmcb *vm = v->arch.hvm->vmcb;
    struct cpu_regs *r = &v->arch.hvm->gprs;
    const struct vmcb_seg *segs[6] = { &vm->es, &vm->cs, &vm->ss,
                                       &vm->ds, &vm->fs, &vm->gs };

    for (unsigned int i = 0; i < 16; i++)
        s->gpr[i] = gpr_slot(r, i) ? *gpr_slot(r, i) : 0;
    s->gpr[0] = vm->rax;
    s->gpr[4] = vm->rsp;
    s->rip = vm->rip;
    s->rflags = vm->rflags;
    s->cr0 = vm->cr0;
    s->cr3 = vm->cr3;
    s->cr4 = vm->cr4;
    s->efer = vm->efer;
    for (unsigned int i = 0; i < 6; i++)
        s->seg_base[i] = segs[i]->base;
    /* The packed attribute: bits 8-11 are descriptor bits 52-55 (L is 53). */
    s->cs_l = vm->cs.attr & (1U << 9);
    s->cs_d = vm->cs.attr & (1U << 10);
    s->cpl = vm->cpl;
}

static void svm_set_state(struct vcpu *v, const struct hvm_cpu_state *s)
{
    struct vmcb *vm = v->arch.hvm->vmcb;
    struct cpu_regs *r = &v->arch.hvm->gprs;

    for (unsigned int i = 0; i < 16; i++)
        if (gpr_slot(r, i))
            *gpr_slot(r, i) = s->gpr[i];
    vm->rax = s->gpr[0];
    vm->rsp = s->gpr[4];
    vm->rip = s->rip;
    vm->rflags = s->rflags;
    vm->int_shadow = 0;
}

static bool svm_event_pending(struct vcpu *v)
{
    return v->arch.hvm->vmcb->eventinj & SVM_EVTINJ_VALID;
}

static void svm_inject_event(struct vcpu *v, unsigned int type,
                             unsigned int vec, int ec, u64 cr2)
{
    struct vmcb *vm = v->arch.hvm->vmcb;

    if (type == HVM_EV_EXCEPTION && vec == TRAP_PF)
        vm->cr2 = cr2;
    vm->eventinj = (vec & 0xff) | ((u64)type << 8) | SVM_EVTINJ_VALID |
                   (ec >= 0 ? SVM_EVTINJ_EV | ((u64)(u32)ec << 32) : 0);
}

static bool svm_intr_blocked(struct vcpu *v)
{
    const struct vmcb *vm = v->arch.hvm->vmcb;

    return !(vm->rflags & X86_EFLAGS_IF) || (vm->int_shadow & 1);
}

/*
 * The window, as Xen's svm_enable_intr_window: a virtual interrupt of
 * top priority that ignores V_TPR, and its delivery intercepted. It is
 * taken (an exit) as soon as RFLAGS.IF is set and no shadow is left;
 * nothing is ever delivered through it.
 */
static void svm_intr_window(struct vcpu *v, bool on)
{
    struct vmcb *vm = v->arch.hvm->vmcb;

    if (on) {
        vm->vintr |= V_IRQ | V_IGN_TPR | (0xfULL << V_INTR_PRIO_SHIFT);
        vm->intercepts3 |= SVM_INT_VINTR;
    } else {
        vm->vintr &= ~(V_IRQ | V_IGN_TPR | (0xfULL << V_INTR_PRIO_SHIFT));
        vm->intercepts3 &= ~SVM_INT_VINTR;
    }
}

const struct hvm_funcs svm_funcs = {
    .get_state = svm_get_state,
    .set_state = svm_set_state,
    .event_pending = svm_event_pending,
    .inject = svm_inject_event,
    .intr_blocked = svm_intr_blocked,
    .intr_window = svm_intr_window,
    .crash = svm_crash,
};

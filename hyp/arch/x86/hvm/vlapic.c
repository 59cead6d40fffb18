/* SPDX-License-Identifier: GPL-2.0-only */
/* Virtual local APIC for HVM guests: xAPIC registers at 0xFEE00000, its timer, IRR/ISR. */
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "vdev.h"
#include "x86_emul.h"

/* Register offsets (Intel SDM vol. 3, table 11-1). */
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TASKPRI 0x80
#define APIC_ARBPRI 0x90
#define APIC_PROCPRI 0xa0
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SPIV 0xf0
#define APIC_ISR 0x100
#define APIC_TMR 0x180
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_LVT0 0x350
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

/* Xen's: version 0x14, six LVT entries (max LVT 5). */
#define VLAPIC_VERSION 0x00050014
#define LVT_MASKED (1U << 16)
#define LVT_TIMER_PERIODIC (1U << 17)
#define LVT_DM_MASK (7U << 8)
#define LVT_DM_EXTINT (7U << 8)
#define SPIV_ENABLE (1U << 8)
/* Xen's APIC_BUS_CYCLE_NS: the timer counts at 100 MHz before the divider. */
#define APIC_BUS_CYCLE_NS 10

/* What each LVT keeps (Xen's vlapic_lvt_mask): timer, thermal, PMC, LINT0/1, error. */
static const u32 lvt_mask[6] = {
    0x000310ff, 0x000117ff, 0x000117ff, 0x0001f7ff, 0x0001f7ff, 0x000110ff,
};

#define REG(l, off) ((l)->reg[(off) >> 4])

static void vec_set(struct vlapic *l, unsigned int base, unsigned int vec,
                    bool on)
{
    u32 *r = &REG(l, base + (vec / 32) * 16);

    if (on)
        *r |= 1U << (vec % 32);
    else
        *r &= ~(1U << (vec % 32));
}

/* Highest set vector of IRR/ISR/TMR, or -1. */
static int vec_highest(const struct vlapic *l, unsigned int base)
{
    for (int i = 7; i >= 0; i--) {
        u32 r = REG(l, base + (unsigned int)i * 16);

        if (r)
            return i * 32 + 31 - __builtin_clz(r);
    }
    return -1;
}

static bool sw_enabled(const struct vlapic *l)
{
    return REG(l, APIC_SPIV) & SPIV_ENABLE;
}

static u32 ppr(const struct vlapic *l)
{
    u32 tpr = REG(l, APIC_TASKPRI) & 0xff;
    int isr = vec_highest(l, APIC_ISR);

    if (isr < 0 || (tpr >> 4) >= ((u32)isr >> 4))
        return tpr;
    return (u32)isr & 0xf0;
}

int vlapic_pending(struct vcpu *v)
{
    struct vlapic *l = v->arch.hvm->vlapic;
    int irr;

    if (!l || !sw_enabled(l))
        return -1;
    irr = vec_highest(l, APIC_IRR);
    if (irr < 0 || ((u32)irr & 0xf0) <= (ppr(l) & 0xf0))
        return -1;
    return irr;
}

void vlapic_ack(struct vcpu *v, unsigned int vec)
{
    struct vlapic *l = v->arch.hvm->vlapic;

    vec_set(l, APIC_IRR, vec, false);
    vec_set(l, APIC_ISR, vec, true);
}

bool vlapic_accepts_pic(struct vcpu *v)
{
    const struct vlapic *l = v->arch.hvm->vlapic;

    /* Xen's __vlapic_accept_pic_intr, without an IOAPIC route. */
    return l &&
           (REG(l, APIC_LVT0) & (LVT_DM_MASK | LVT_MASKED)) == LVT_DM_EXTINT;
}

void vlapic_set_irq(struct vcpu *v, unsigned int vec)
{
    struct vlapic *l = v->arch.hvm->vlapic;

    /* Vectors 0-15 are illegal: the APIC would flag an error instead. */
    if (!l || vec < 16)
        return;
    vec_set(l, APIC_IRR, vec, true);
    vec_set(l, APIC_TMR, vec, false);
    hvm_irq_kick(v);
}

static unsigned int divisor(const struct vlapic *l)
{
    u32 d = REG(l, APIC_TDCR);
    u32 val = (d & 3) | ((d & 8) >> 1);

    return val == 7 ? 1 : 2U << val;
}

static void timer_fire(void *data)
{
    struct vlapic *l = data;
    u32 lvtt = REG(l, APIC_LVTT);

    /* A masked timer still counts; its interrupt is lost, as on hardware. */
    if (!(lvtt & LVT_MASKED))
        vlapic_set_irq(l->v, lvtt & 0xff);
    if (!(lvtt & LVT_TIMER_PERIODIC))
        l->timer_period = 0;
}

/* A write to TMICT (re)starts the count; 0 stops it. */
static void timer_load(struct vlapic *l)
{
    u64 period = (u64)REG(l, APIC_TMICT) * APIC_BUS_CYCLE_NS * divisor(l);
    bool periodic = REG(l, APIC_LVTT) & LVT_TIMER_PERIODIC;

    hvm_pt_stop(&l->timer);
    l->timer_start = arch_now_ns();
    l->timer_period = period;
    if (!period)
        return;
    hvm_pt_start(&l->timer, period, periodic ? period : 0);
    if (periodic)
        l->timer_period = l->timer.period;
}

static u32 timer_current(const struct vlapic *l)
{
    u64 elapsed, cyc = (u64)APIC_BUS_CYCLE_NS * divisor(l);

    if (!l->timer_period)
        return 0;
    elapsed = arch_now_ns() - l->timer_start;
    if (REG(l, APIC_LVTT) & LVT_TIMER_PERIODIC)
        elapsed %= l->timer_period;
    else if (elapsed >= l->timer_period)
        return 0;
    return (u32)((l->timer_period - elapsed) / cyc);
}

static u32 reg_read(struct vlapic *l, unsigned int off)
{
    switch (off) {
    case APIC_PROCPRI:
        return ppr(l);
    case APIC_ARBPRI:
        return 0;
    case APIC_TMCCT:
        return timer_current(l);
    case APIC_EOI:
        return 0;
    default:
        return REG(l, off);
    }
}

/* The highest in-service vector ends (EOI; vectors are edge only here). */
static void eoi(struct vlapic *l)
{
    int isr = vec_highest(l, APIC_ISR);

    if (isr >= 0)
        vec_set(l, APIC_ISR, (unsigned int)isr, false);
}

/* Fixed IPIs to itself (shorthand self/all, or its own ID); others dropped. */
static void icr_write(struct vlapic *l, u32 lo)
{
    unsigned int shorthand = (lo >> 18) & 3, dest = REG(l, APIC_ICR2) >> 24;
    bool to_self =
        shorthand == 1 || shorthand == 2 ||
        (shorthand == 0 && !(lo & (1U << 11)) && dest == REG(l, APIC_ID) >> 24);

    REG(l, APIC_ICR) = lo & ~(1U << 12); /* delivered at once */
    if (to_self && ((lo >> 8) & 7) == 0)
        vlapic_set_irq(l->v, lo & 0xff);
}

static void reg_write(struct vlapic *l, unsigned int off, u32 val)
{
    switch (off) {
    case APIC_TASKPRI:
        REG(l, off) = val & 0xff;
        break;
    case APIC_EOI:
        eoi(l);
        break;
    case APIC_LDR:
        REG(l, off) = val & 0xff000000U;
        break;
    case APIC_DFR:
        REG(l, off) = val | 0x0fffffffU;
        break;
    case APIC_SPIV:
        REG(l, off) = val & 0x1ff;
        /* Software disable masks every LVT (SDM 11.4.7.2). */
        if (!(val & SPIV_ENABLE))
            for (unsigned int i = 0; i < 6; i++)
                REG(l, APIC_LVTT + i * 16) |= LVT_MASKED;
        break;
    case APIC_ESR:
        REG(l, off) = 0;
        break;
    case APIC_ICR:
        icr_write(l, val);
        break;
    case APIC_ICR2:
        REG(l, off) = val & 0xff000000U;
        break;
    case APIC_LVTT:
    case APIC_LVTT + 0x10:
    case APIC_LVTT + 0x20:
    case APIC_LVT0:
    case APIC_LVT0 + 0x10:
    case APIC_LVTERR: {
        unsigned int i = (off - APIC_LVTT) >> 4;
        bool was_periodic = REG(l, APIC_LVTT) & LVT_TIMER_PERIODIC;

        if (!sw_enabled(l))
            val |= LVT_MASKED;
        REG(l, off) = val & lvt_mask[i];
        /* Switching the timer's mode restarts it, as Xen does. */
        if (off == APIC_LVTT && was_periodic != !!(val & LVT_TIMER_PERIODIC) &&
            l->timer_period)
            timer_load(l);
        /* LINT0 now ExtINT: the 8259 may have been waiting for it. */
        if (off == APIC_LVT0)
            hvm_irq_kick(l->v);
        break;
    }
    case APIC_TMICT:
        REG(l, off) = val;
        timer_load(l);
        break;
    case APIC_TDCR:
        REG(l, off) = val & 0xb;
        break;
    default:
        /* Read-only and reserved registers ignore writes. */
        break;
    }
}

static int mmio_read(struct vcpu *v, u64 gpa, unsigned int size, u64 *val,
                     void *opaque)
{
    struct vlapic *l = v->arch.hvm->vlapic;
    unsigned int off = (unsigned int)(gpa - VLAPIC_BASE);
    u32 r;

    (void)opaque;
    if (!l) {
        *val = ~0ULL;
        return X86_EMUL_OK;
    }
    /* Registers are 32 bits at 16-byte strides; narrower reads are parts. */
    r = (off & 0xf) < 4 ? reg_read(l, off & 0xff0) : 0;
    /* An 8-byte read sees the reserved upper half as zero. */
    *val = (r >> ((off & 3) * 8)) &
           (size >= 4 ? 0xffffffffU : (1U << (size * 8)) - 1);
    return X86_EMUL_OK;
}

static int mmio_write(struct vcpu *v, u64 gpa, unsigned int size, u64 val,
                      void *opaque)
{
    struct vlapic *l = v->arch.hvm->vlapic;
    unsigned int off = (unsigned int)(gpa - VLAPIC_BASE);

    (void)opaque;
    /*
     * Only aligned 32-bit writes reach a register (the SDM's rule; Xen
     * crashes a guest doing otherwise, Vesper drops the write).
     */
    if (!l || (off & 0xf) || size != 4)
        return X86_EMUL_OK;
    reg_write(l, off, (u32)val);
    return X86_EMUL_OK;
}

static const struct hvm_mmio_ops vlapic_mmio = {
    .read = mmio_read,
    .write = mmio_write,
};

/* Xen's vlapic_reset: ID 2*vcpu_id, LVTs masked, software disabled (SVR 0xff). */
int vlapic_init(struct vcpu *v)
{
    struct vlapic *l = xzalloc(sizeof(*l));

    if (!l)
        return -ENOMEM;
    l->v = v;
    REG(l, APIC_ID) = (v->vcpu_id * 2) << 24;
    REG(l, APIC_LVR) = VLAPIC_VERSION;
    REG(l, APIC_DFR) = 0xffffffffU;
    for (unsigned int i = 0; i < 6; i++)
        REG(l, APIC_LVTT + i * 16) = LVT_MASKED;
    REG(l, APIC_SPIV) = 0xff;
    hvm_pt_init(&l->timer, timer_fire, l, v->processor);
    v->arch.hvm->vlapic = l;
    if (v->vcpu_id == 0)
        return hvm_mmio_register(v->domain, VLAPIC_BASE, 0x1000, &vlapic_mmio,
                                 NULL);
    return 0;
}

void vlapic_destroy(struct vcpu *v)
{
    struct vlapic *l = v->arch.hvm ? v->arch.hvm->vlapic : NULL;

    if (!l)
        return;
    hvm_pt_stop(&l->timer);
    xfree(l);
    v->arch.hvm->vlapic = NULL;
}

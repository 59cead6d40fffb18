/* SPDX-License-Identifier: GPL-2.0-only */
/* Virtual 8259A PIC pair for HVM guests: ports 0x20/0x21, 0xA0/0xA1 and the ELCRs at 0x4D0/0x4D1. */
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "vdev.h"

#define NONE 8 /* "no priority": lower than IR7 */

static struct vpic *vpic_of(struct domain *d)
{
    return &d->arch.hvm->plat->vpic;
}

/* The highest priority (0 best) among mask's bits, after rotation. */
static unsigned int priority(const struct vpic_chip *c, u8 mask)
{
    if (!mask)
        return NONE;
    for (unsigned int p = 0; p < 8; p++)
        if (mask & (1U << ((p + c->priority_add) & 7)))
            return p;
    return NONE;
}

/* The IRQ the chip would raise INT for, or -1 (fully nested mode). */
static int chip_highest(const struct vpic_chip *c, bool master)
{
    u8 mask = c->irr & ~c->imr;
    unsigned int p = priority(c, mask), cur;
    u8 isr = c->isr;

    if (p == NONE)
        return -1;
    /* The slave's IR2 in service does not hold the master's others back. */
    if (master && !c->special_mask)
        isr &= (u8) ~(1U << 2);
    if (c->special_mask)
        isr &= ~c->imr;
    cur = priority(c, isr);
    return p < cur ? (int)((p + c->priority_add) & 7) : -1;
}

static void chip_line(struct vpic_chip *c, unsigned int pin, bool level)
{
    u8 bit = (u8)(1U << pin);

    if (c->elcr & bit) {
        /* Level: IRR follows the line. */
        if (level)
            c->irr |= bit;
        else
            c->irr &= ~bit;
    } else if (level && !(c->line & bit)) {
        c->irr |= bit; /* a rising edge */
    }
    if (level)
        c->line |= bit;
    else
        c->line &= ~bit;
}

/* The slave's INT is the master's IR2; a change may interrupt vCPU 0. */
static void update(struct domain *d)
{
    struct vpic *p = vpic_of(d);

    chip_line(&p->chip[0], 2, chip_highest(&p->chip[1], false) >= 0);
    if (vpic_output(d))
        hvm_irq_kick(d->vcpu[0]);
}

bool vpic_output(struct domain *d)
{
    return chip_highest(&vpic_of(d)->chip[0], true) >= 0;
}

void vpic_irq_set(struct domain *d, unsigned int irq, bool level)
{
    struct vpic *p;

    if (!d->arch.hvm->plat || irq >= 16)
        return;
    p = vpic_of(d);
    chip_line(&p->chip[irq >> 3], irq & 7, level);
    update(d);
}

void hvm_isa_irq_set(struct domain *d, unsigned int irq, bool level)
{
    vpic_irq_set(d, irq, level);
}

/* INTA on one chip: ISR set (unless auto-EOI), an edge's IRR cleared. */
static void chip_ack(struct vpic_chip *c, unsigned int irq)
{
    u8 bit = (u8)(1U << irq);

    if (!c->auto_eoi)
        c->isr |= bit;
    if (!(c->elcr & bit))
        c->irr &= ~bit;
}

unsigned int vpic_ack(struct domain *d)
{
    struct vpic *p = vpic_of(d);
    int irq = chip_highest(&p->chip[0], true), sirq;
    unsigned int vec;

    if (irq < 0) {
        /* The request went away before INTA: IR7, a spurious vector. */
        return p->chip[0].irq_base + 7;
    }
    chip_ack(&p->chip[0], (unsigned int)irq);
    if (irq == 2) {
        sirq = chip_highest(&p->chip[1], false);
        if (sirq < 0) {
            vec = p->chip[1].irq_base + 7;
        } else {
            chip_ack(&p->chip[1], (unsigned int)sirq);
            vec = p->chip[1].irq_base + (unsigned int)sirq;
        }
    } else {
        vec = p->chip[0].irq_base + (unsigned int)irq;
    }
    update(d);
    return vec;
}

static void eoi(struct vpic_chip *c, unsigned int cmd, u8 val)
{
    unsigned int pin;

    if (cmd == 1 || cmd == 5) {
        u8 mask = c->isr;
        unsigned int p;

        if (c->special_mask)
            mask &= ~c->imr;
        p = priority(c, mask);
        if (p == NONE)
            return;
        pin = (p + c->priority_add) & 7;
    } else {
        pin = val & 7;
    }
    c->isr &= (u8) ~(1U << pin);
    if (cmd == 5 || cmd == 7)
        c->priority_add = (pin + 1) & 7;
}

static void chip_write(struct vpic_chip *c, bool data, u8 val)
{
    if (!data) {
        if (val & 0x10) {
            /* ICW1: edge logic, masks and ISR cleared, ICW2 next. */
            c->irr &= c->elcr;
            c->imr = c->isr = 0;
            c->priority_add = 0;
            c->special_mask = c->read_isr = c->poll = false;
            c->icw4_needed = val & 1;
            c->single = val & 2;
            if (!c->icw4_needed)
                c->auto_eoi = false;
            c->init_state = 2;
        } else if (val & 0x08) {
            /* OCW3 */
            if (val & 0x04)
                c->poll = true;
            if (val & 0x02)
                c->read_isr = val & 1;
            if (val & 0x40)
                c->special_mask = val & 0x20;
        } else {
            unsigned int cmd = val >> 5;

            /* OCW2: EOIs, rotation, priority. */
            if (cmd == 1 || cmd == 3 || cmd == 5 || cmd == 7)
                eoi(c, cmd, val);
            else if (cmd == 6)
                c->priority_add = (val + 1) & 7;
        }
        return;
    }
    switch (c->init_state) {
    case 0:
        c->imr = val; /* OCW1 */
        break;
    case 2:
        c->irq_base = val & 0xf8; /* ICW2 */
        c->init_state = c->single ? (c->icw4_needed ? 4 : 0) : 3;
        break;
    case 3:
        /* ICW3: the cascade wiring is fixed (slave on master IR2). */
        c->init_state = c->icw4_needed ? 4 : 0;
        break;
    case 4:
        c->auto_eoi = val & 2; /* ICW4 */
        c->init_state = 0;
        break;
    }
}

static u8 chip_read(struct domain *d, struct vpic_chip *c, bool master,
                    bool data)
{
    if (c->poll) {
        int irq = chip_highest(c, master);

        /* Poll: the read is the INTA (bit 7: an interrupt is there). */
        c->poll = false;
        if (irq < 0)
            return 0;
        chip_ack(c, (unsigned int)irq);
        update(d);
        return (u8)(0x80 | irq);
    }
    if (data)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static int pic_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                  u32 *val, void *opaque)
{
    struct domain *d = v->domain;
    bool master = port < 0x80;
    struct vpic_chip *c = &vpic_of(d)->chip[master ? 0 : 1];

    (void)opaque;
    (void)size;
    if (in) {
        *val = chip_read(d, c, master, port & 1);
        return 0;
    }
    chip_write(c, port & 1, (u8)*val);
    update(d);
    return 0;
}

/* ELCR: which IRQs are level-triggered; 0, 1, 2, 8 and 13 never are. */
static int elcr_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                   u32 *val, void *opaque)
{
    struct vpic_chip *c = &vpic_of(v->domain)->chip[port & 1];
    u8 mask = (port & 1) ? 0xde : 0xf8;

    (void)opaque;
    (void)size;
    if (in)
        *val = c->elcr;
    else
        c->elcr = (u8)*val & mask;
    return 0;
}

void vpic_init(struct domain *d)
{
    struct vpic *p = vpic_of(d);

    /* As after power-on, before the guest's ICWs: all masked. */
    for (unsigned int i = 0; i < 2; i++)
        p->chip[i].imr = 0xff;
    hvm_portio_register(d, 0x20, 2, pic_io, NULL);
    hvm_portio_register(d, 0xa0, 2, pic_io, NULL);
    hvm_portio_register(d, 0x4d0, 2, elcr_io, NULL);
}

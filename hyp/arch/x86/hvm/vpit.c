/* SPDX-License-Identifier: GPL-2.0-only */
/* Virtual 8254 PIT for HVM guests: channels 0-2 at 0x40-0x43, IRQ0 from channel 0, gate 2 at port 0x61. */
#include "arch.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "vdev.h"

#define PIT_HZ 1193182ULL
#define NS_PER_S 1000000000ULL

/* Access modes of the control word (bits 5-4). */
#define RW_LATCH 0
#define RW_LSB 1
#define RW_MSB 2
#define RW_WORD 3

static struct vpit *vpit_of(struct domain *d)
{
    return &d->arch.hvm->plat->vpit;
}

/* Input clock ticks since the count was loaded. */
static u64 ticks(const struct vpit_channel *c)
{
    return hvm_ns_to_ticks(arch_now_ns() - c->load_ns, PIT_HZ);
}

/* The counting element now, by mode (the 8254 data sheet's behaviour). */
static u32 get_count(const struct vpit_channel *c)
{
    u64 d = ticks(c);

    switch (c->mode) {
    case 0:
    case 1:
    case 4:
    case 5:
        return (u32)((c->count - d) & 0xffff);
    case 3:
        /* Counts down by two each clock, twice per period. */
        return (u32)(c->count - ((2 * d) % c->count));
    default:
        return (u32)(c->count - (d % c->count));
    }
}

static bool get_out(const struct vpit_channel *c)
{
    u64 d = ticks(c);

    switch (c->mode) {
    case 1:
        return d >= c->count;
    case 2:
        /* Low for the one clock in which the count reaches 1. */
        return (d % c->count) != c->count - 1;
    case 3:
        return (d % c->count) < (c->count + 1) / 2;
    case 4:
    case 5:
        return d != c->count;
    default:
        return d >= c->count;
    }
}

static void pit_fire(void *data)
{
    struct domain *d = data;

    hvm_isa_irq_pulse(d, 0);
}

/*
 * A new count starts the channel. Channel 0 interrupts on IRQ0 as Xen's
 * PIT does: periodically in modes 2 and 3, once in modes 1 and 4, never
 * in modes 0 and 5.
 */
static void load_count(struct domain *d, unsigned int ch, u32 val)
{
    struct vpit *p = vpit_of(d);
    struct vpit_channel *c = &p->ch[ch];
    u64 period;

    if (val == 0)
        val = 0x10000;
    c->count = val;
    c->load_ns = arch_now_ns();
    if (ch != 0)
        return;
    period = (val * NS_PER_S + PIT_HZ / 2) / PIT_HZ;
    hvm_pt_stop(&p->timer);
    if (c->mode == 2 || c->mode == 3)
        hvm_pt_start(&p->timer, period, period);
    else if (c->mode == 1 || c->mode == 4)
        hvm_pt_start(&p->timer, period, 0);
}

static void latch_count(struct vpit_channel *c)
{
    if (c->count_latched)
        return;
    c->latched_count = (u16)get_count(c);
    c->count_latched = true;
    c->read_state = c->rw_mode;
}

static void latch_status(struct vpit_channel *c)
{
    if (c->status_latched)
        return;
    c->status =
        (u8)((get_out(c) << 7) | (c->rw_mode << 4) | (c->mode << 1) | c->bcd);
    c->status_latched = true;
}

static void control_write(struct vpit *p, u8 val)
{
    unsigned int ch = val >> 6, access = (val >> 4) & 3;
    struct vpit_channel *c;

    if (ch == 3) {
        /* Read-back: bit 5 clear latches counts, bit 4 clear statuses. */
        for (unsigned int i = 0; i < 3; i++) {
            if (!(val & (2U << i)))
                continue;
            if (!(val & 0x20))
                latch_count(&p->ch[i]);
            if (!(val & 0x10))
                latch_status(&p->ch[i]);
        }
        return;
    }
    c = &p->ch[ch];
    if (access == RW_LATCH) {
        latch_count(c);
        return;
    }
    c->rw_mode = (u8)access;
    c->read_state = c->write_state = (u8)access;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4; /* 6 and 7 are 2 and 3 */
    c->bcd = val & 1;
}

static void data_write(struct domain *d, unsigned int ch, u8 val)
{
    struct vpit_channel *c = &vpit_of(d)->ch[ch];

    switch (c->write_state) {
    case RW_LSB:
        load_count(d, ch, val);
        break;
    case RW_MSB:
        load_count(d, ch, (u32)val << 8);
        break;
    case RW_WORD:
        /* LSB first, held until the MSB completes the count. */
        c->write_latch = val;
        c->write_state = RW_WORD + 1;
        break;
    default:
        load_count(d, ch, c->write_latch | ((u32)val << 8));
        c->write_state = RW_WORD;
        break;
    }
}

static u8 data_read(struct vpit_channel *c)
{
    u16 cnt;
    u8 r;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    cnt = c->count_latched ? c->latched_count : (u16)get_count(c);
    switch (c->read_state) {
    case RW_MSB:
        c->count_latched = false;
        return (u8)(cnt >> 8);
    case RW_WORD:
        c->read_state = RW_WORD + 1;
        return (u8)cnt;
    case RW_WORD + 1:
        c->count_latched = false;
        c->read_state = RW_WORD;
        return (u8)(cnt >> 8);
    default:
        c->count_latched = false;
        r = (u8)cnt;
        return r;
    }
}

static int pit_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                  u32 *val, void *opaque)
{
    struct domain *d = v->domain;
    struct vpit *p = vpit_of(d);
    unsigned int ch = port & 3;

    (void)opaque;
    (void)size;
    if (in) {
        /* The control word cannot be read back (the 8254 floats). */
        *val = ch == 3 ? 0xff : data_read(&p->ch[ch]);
        return 0;
    }
    if (ch == 3)
        control_write(p, (u8)*val);
    else
        data_write(d, ch, (u8)*val);
    return 0;
}

/*
 * Port 0x61 (system control port B): bit 0 gates channel 2, bit 1 drives
 * the speaker; reads add the refresh toggle (bit 4, every 15 us) and
 * channel 2's output (bit 5), which Linux polls to calibrate the TSC.
 */
static int speaker_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                      u32 *val, void *opaque)
{
    struct vpit *p = vpit_of(v->domain);
    struct vpit_channel *c2 = &p->ch[2];

    (void)port;
    (void)size;
    (void)opaque;
    if (in) {
        bool refresh = (arch_now_ns() / 15085) & 1;

        *val = (u32)c2->gate | ((u32)p->speaker << 1) | ((u32)refresh << 4) |
               ((u32)get_out(c2) << 5);
        return 0;
    }
    /* A rising gate restarts counting in the modes the gate triggers. */
    if ((*val & 1) && !c2->gate && c2->mode != 0 && c2->mode != 4)
        c2->load_ns = arch_now_ns();
    c2->gate = *val & 1;
    p->speaker = *val & 2;
    return 0;
}

void vpit_init(struct domain *d)
{
    struct vpit *p = vpit_of(d);

    /* Power-on: mode 3, 0x10000 counts (what a BIOS leaves for 18.2 Hz). */
    for (unsigned int i = 0; i < 3; i++) {
        p->ch[i].mode = 3;
        p->ch[i].count = 0x10000;
        p->ch[i].rw_mode = p->ch[i].read_state = p->ch[i].write_state = RW_WORD;
        p->ch[i].gate = i != 2;
        p->ch[i].load_ns = arch_now_ns();
    }
    hvm_pt_init(&p->timer, pit_fire, d, d->vcpu[0]->processor);
    hvm_portio_register(d, 0x40, 4, pit_io, NULL);
    hvm_portio_register(d, 0x61, 1, speaker_io, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* The platform devices Vesper emulates for HVM guests: their state and the calls between them. */
#ifndef HVM_VDEV_H
#define HVM_VDEV_H

#include "timer.h"
#include "types.h"

struct vcpu;
struct domain;

/* ns on a clock of hz ticks a second, without a 128-bit division. */
static inline u64 hvm_ns_to_ticks(u64 ns, u64 hz)
{
    return ns / 1000000000ULL * hz + ns % 1000000000ULL * hz / 1000000000ULL;
}

/*
 * A device timer on the hypervisor's software timers: one-shot, or
 * periodic with each deadline one period after the last (so the rate the
 * guest measures is the programmed one); a tick found more than a period
 * late starts counting again from now, so missed ticks are dropped, not
 * replayed. Periodic periods are at least HVM_PT_MIN_NS, as Xen's
 * create_periodic_time keeps them: a guest cannot flood a CPU.
 */
#define HVM_PT_MIN_NS 100000ULL
struct hvm_ptimer {
    struct timer t;
    u64 period; /* 0: one-shot */
    u64 deadline;
    void (*fire)(void *data);
    void *data;
};
void hvm_pt_init(struct hvm_ptimer *pt, void (*fire)(void *), void *data,
                 unsigned int cpu);
void hvm_pt_start(struct hvm_ptimer *pt, u64 first_ns, u64 period_ns);
void hvm_pt_stop(struct hvm_ptimer *pt);

/* Local APIC (vlapic.c): one per vCPU, xAPIC registers by MMIO. */
#define VLAPIC_BASE 0xfee00000ULL
struct vlapic {
    struct vcpu *v;
    u32 reg[64]; /* the 16-byte-strided registers, by offset >> 4 */
    struct hvm_ptimer timer;
    u64 timer_start; /* arch_now_ns() of the count's (re)load */
    u64 timer_period;
};
int vlapic_init(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
/* The vector it would deliver now (above PPR), or -1. */
int vlapic_pending(struct vcpu *v);
/* Delivery started: IRR to ISR. */
void vlapic_ack(struct vcpu *v, unsigned int vec);
/* LINT0 is ExtINT and unmasked: the 8259's output reaches this CPU. */
bool vlapic_accepts_pic(struct vcpu *v);
/* An edge-triggered vector into IRR (and a kick). */
void vlapic_set_irq(struct vcpu *v, unsigned int vec);

/* 8259A pair (vpic.c): master at 0x20, slave at 0xA0 on master IRQ2. */
struct vpic_chip {
    u8 irr, imr, isr, elcr;
    u8 irq_base;
    u8 init_state; /* 0 ready, else the ICW (2-4) expected next */
    bool icw4_needed, single, auto_eoi, read_isr, poll, special_mask;
    u8 priority_add; /* rotation: the IRQ with the highest priority */
    u8 line;         /* input levels, for edge detection */
};
struct vpic {
    struct vpic_chip chip[2];
};
void vpic_init(struct domain *d);
/* Master INTR is raised. */
bool vpic_output(struct domain *d);
/* The INTA cycle: the vector to deliver (IRQ7/15's if it went away). */
unsigned int vpic_ack(struct domain *d);
void vpic_irq_set(struct domain *d, unsigned int irq, bool level);

/* 8254 PIT (vpit.c): channels 0-2, control at 0x43, gate 2 at 0x61. */
struct vpit_channel {
    u32 count; /* reload value, 1-0x10000 */
    u8 mode, rw_mode, bcd;
    bool gate;
    u64 load_ns; /* when counting (re)started */
    u16 latched_count;
    bool count_latched, status_latched;
    u8 status;
    u8 read_state, write_state; /* LSB/MSB flip-flops */
    u8 write_latch;
};
struct vpit {
    struct vpit_channel ch[3];
    bool speaker;
    struct hvm_ptimer timer; /* channel 0's IRQ0 */
};
void vpit_init(struct domain *d);

/* MC146818 RTC/CMOS (vrtc.c) at 0x70/0x71. */
struct vrtc {
    u8 index;
    u8 cmos[128];
    s64 offset_s;   /* guest time minus host wall time, in seconds */
    u64 last_a_sec; /* the wall second register A was last read in */
    bool last_a_uip;
};
void vrtc_init(struct domain *d);

/*
 * ACPI fixed hardware (vpmtimer.c): the PM timer and the PM1a event
 * (status, enable) and control registers.
 */
struct vpm1 {
    u16 sts, en, cnt;
};
void vpmtimer_init(struct domain *d);
/* The PM timer's count since the domain was made (24 bits are its ABI). */
u32 vpmtimer_value(struct domain *d);

/*
 * ACPI tables (acpi.c), for the loaders: written at base (16-byte
 * aligned, below 1 MiB, HVM_ACPI_MAX bytes the e820 map keeps from the
 * guest); the RSDP's address is returned. HVM_ACPI_S5_SLP_TYP is the
 * SLP_TYP the DSDT's \_S5 names and the PM1a control register acts on.
 */
#define HVM_ACPI_MAX 0x1000
#define HVM_ACPI_S5_SLP_TYP 7
u64 hvm_acpi_build(struct domain *d, u64 base);

/* MMIO regions of a domain. */
#define HVM_MMIO_MAX 4
struct hvm_mmio_region {
    u64 gpa, size;
    const struct hvm_mmio_ops *ops;
    void *opaque;
};

/* Everything one HVM domain's platform holds (d->arch.hvm->plat). */
struct hvm_plat {
    struct domain *d;
    u64 created_ns;
    struct hvm_mmio_region mmio[HVM_MMIO_MAX];
    unsigned int nr_mmio;
    struct vpic vpic;
    struct vpit vpit;
    struct vrtc vrtc;
    struct vpm1 vpm1;
};

#endif

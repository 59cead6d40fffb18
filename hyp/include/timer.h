/* SPDX-License-Identifier: GPL-2.0-only */
/* One-shot software timers, kept per physical CPU, run from softirq context. */
#ifndef VESPER_TIMER_H
#define VESPER_TIMER_H

#include "types.h"

struct timer {
    u64 expires;            /* arch_now_ns() deadline */
    void (*fn)(void *data); /* runs on `cpu` with the big lock held */
    void *data;
    unsigned int cpu;
    bool active;
    u64 pass;           /* the CPU's timer_softirq pass it was armed in */
    struct timer *next; /* in the CPU's list, sorted by expires */
};

void timer_init(struct timer *t, void (*fn)(void *), void *data,
                unsigned int cpu);
/* (Re)arm: fires once at expires (now if already past). */
void set_timer(struct timer *t, u64 expires);
void stop_timer(struct timer *t);
/* Move an (active or not) timer to another CPU's list. */
void migrate_timer(struct timer *t, unsigned int cpu);
/*
 * Run the expired timers of this CPU and program the next interrupt. One
 * pass runs only timers armed before it began, so a handler re-arming in
 * the past cannot keep it going: such a timer waits for the next pass.
 */
void timer_softirq(void);
/* A timer of this CPU is due (its interrupt may be held off meanwhile). */
bool timer_due(void);

#endif

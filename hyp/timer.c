/* SPDX-License-Identifier: GPL-2.0-only */
/* Software timers: per-CPU sorted lists driving the local APIC one-shot. */
#include "arch.h"
#include "lib.h"
#include "smp.h"
#include "timer.h"

static struct timer *timer_list[MAX_CPUS];
/* Counts each CPU's timer_softirq passes; see struct timer's pass. */
static u64 timer_pass[MAX_CPUS];

static void timer_unlink(struct timer *t)
{
    struct timer **pp;

    if (!t->active)
        return;
    for (pp = &timer_list[t->cpu]; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->active = false;
    t->next = NULL;
}

void timer_init(struct timer *t, void (*fn)(void *), void *data,
                unsigned int cpu)
{
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->cpu = cpu;
    t->active = false;
    t->pass = 0;
    t->next = NULL;
}

void set_timer(struct timer *t, u64 expires)
{
    struct timer **pp;

    timer_unlink(t);
    t->expires = expires;
    for (pp = &timer_list[t->cpu]; *pp && (*pp)->expires <= expires;
         pp = &(*pp)->next)
        ;
    t->next = *pp;
    *pp = t;
    t->active = true;
    t->pass = timer_pass[t->cpu];
    /* A new head means an earlier interrupt on that CPU. */
    if (timer_list[t->cpu] != t)
        return;
    if (t->cpu == smp_processor_id())
        arch_timer_program(expires);
    else
        cpu_raise_softirq(t->cpu, SOFTIRQ_TIMER);
}

void stop_timer(struct timer *t)
{
    timer_unlink(t);
}

void migrate_timer(struct timer *t, unsigned int cpu)
{
    bool was = t->active;

    if (t->cpu == cpu)
        return;
    timer_unlink(t);
    t->cpu = cpu;
    if (was)
        set_timer(t, t->expires);
}

void timer_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    u64 now = arch_now_ns(), pass = ++timer_pass[cpu];

    /*
     * Bounded whatever the handlers do: only timers armed before this pass
     * run, each once; one (re)armed during it, even in the past, is passed
     * over (not blocking those behind it) and runs in the next pass, which
     * the interrupt programmed below starts at once.
     */
    for (;;) {
        struct timer **pp = &timer_list[cpu], *t;

        while (*pp && (*pp)->expires <= now && (*pp)->pass == pass)
            pp = &(*pp)->next;
        t = *pp;
        if (!t || t->expires > now)
            break;
        *pp = t->next;
        t->active = false;
        t->next = NULL;
        t->fn(t->data);
        now = arch_now_ns();
    }
    /* 0 means "no deadline" to arch_timer_program. */
    arch_timer_program(timer_list[cpu] ? MAX(timer_list[cpu]->expires, 1) : 0);
}

bool timer_due(void)
{
    const struct timer *t = timer_list[smp_processor_id()];

    return t && t->expires <= arch_now_ns();
}

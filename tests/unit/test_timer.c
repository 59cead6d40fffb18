/* SPDX-License-Identifier: GPL-2.0-only */
/* Software timer tests: hyp/timer.c's passes stay bounded whatever handlers do. */
#include "harness.h"
#include "arch.h"
#include "smp.h"
#include "timer.h"

/* What timer.c links against instead of the hardware. */
static u64 now;
static u64 programmed;
static unsigned int nr_programmed;

u64 arch_now_ns(void)
{
    return now;
}

void arch_timer_program(u64 deadline)
{
    programmed = deadline;
    nr_programmed++;
}

unsigned int smp_processor_id(void)
{
    return 0;
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    (void)cpu;
    (void)nr;
}

struct probe {
    struct timer t;
    unsigned int runs;
    u64 rearm; /* 0: none; else re-arm at this (possibly past) time */
    bool rearm_zero;
    struct timer *stop; /* another timer to stop from the handler */
};

static void probe_fn(void *data)
{
    struct probe *p = data;

    p->runs++;
    if (p->stop)
        stop_timer(p->stop);
    if (p->rearm_zero)
        set_timer(&p->t, 0);
    else if (p->rearm)
        set_timer(&p->t, p->rearm);
}

static void probe_init(struct probe *p)
{
    memset(p, 0, sizeof(*p));
    timer_init(&p->t, probe_fn, p, 0);
}

/* Due timers run once each, in deadline order; later ones stay. */
TEST(runs_due_in_order)
{
    struct probe a, b, c;

    probe_init(&a);
    probe_init(&b);
    probe_init(&c);
    now = 1000;
    set_timer(&b.t, 900);
    set_timer(&a.t, 800);
    set_timer(&c.t, 5000);
    CHECK(timer_due());
    timer_softirq();
    CHECK_EQ(a.runs, 1);
    CHECK_EQ(b.runs, 1);
    CHECK_EQ(c.runs, 0);
    CHECK_EQ(programmed, 5000);
    CHECK(!timer_due());
    now = 5000;
    CHECK(timer_due());
    timer_softirq();
    CHECK_EQ(c.runs, 1);
    CHECK_EQ(programmed, 0);
    CHECK(!timer_due());
}

/*
 * A handler re-arming in the past (a wrapped period) must not keep one
 * pass going: it runs once per pass, and the next interrupt comes at once.
 */
TEST(rearm_in_past_is_bounded)
{
    struct probe p, q;

    probe_init(&p);
    probe_init(&q);
    now = 10000;
    p.rearm = 10; /* always in the past */
    set_timer(&p.t, 9000);
    set_timer(&q.t, 9500);
    timer_softirq();
    CHECK_EQ(p.runs, 1);
    CHECK_EQ(q.runs, 1); /* not held up behind the re-armed one */
    CHECK_EQ(programmed, 10);
    CHECK(timer_due());
    for (unsigned int i = 0; i < 5; i++)
        timer_softirq();
    CHECK_EQ(p.runs, 6);
    CHECK_EQ(q.runs, 1);
    p.rearm = 0;
    timer_softirq();
    CHECK_EQ(p.runs, 7);
    CHECK(!timer_due());
}

/* Re-armed at 0 it is still a deadline, not "none". */
TEST(rearm_at_zero_programs_a_deadline)
{
    struct probe p;

    probe_init(&p);
    now = 50;
    p.rearm_zero = true;
    set_timer(&p.t, 40);
    timer_softirq();
    CHECK_EQ(p.runs, 1);
    CHECK_EQ(programmed, 1);
    p.rearm_zero = false;
    timer_softirq();
    CHECK_EQ(p.runs, 2);
    CHECK_EQ(programmed, 0);
}

/* A handler stopping a due timer that comes after it: that one never runs. */
TEST(handler_stops_another)
{
    struct probe a, b;

    probe_init(&a);
    probe_init(&b);
    now = 100;
    a.stop = &b.t;
    set_timer(&a.t, 10);
    set_timer(&b.t, 20);
    timer_softirq();
    CHECK_EQ(a.runs, 1);
    CHECK_EQ(b.runs, 0);
    CHECK(!timer_due());
}

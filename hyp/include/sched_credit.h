/* SPDX-License-Identifier: GPL-2.0-only */
/* Credit scheduler: proportional share by domain weight, optional cap. */
#ifndef VESPER_SCHED_CREDIT_H
#define VESPER_SCHED_CREDIT_H

#include "types.h"

struct vcpu;
struct domain;

/*
 * Per-vCPU scheduler state (owned by hyp/sched_credit.c). Credit is kept
 * in nanoseconds of CPU time: handed out every accounting period, burnt
 * while running.
 */
struct csched_vcpu {
    struct vcpu *next, *prev; /* run queue links */
    bool queued;
    unsigned int rq_cpu; /* whose run queue, while queued */
    u64 qseq;            /* enqueue order: lower waited longer */
    s64 credit;
    u64 start_ns;     /* when it last went onto a CPU (or was charged) */
    bool boost;       /* woken from sleep with credit: runs first */
    bool yield;       /* asked to let others run at its next pick */
    bool ran;         /* burnt credit in this accounting period */
    bool active;      /* shares this period's credit */
    bool asleep;      /* not runnable since sleep_since */
    u64 sleep_since;  /* went to sleep (or the period began, if later) */
    u64 slept;        /* time not runnable in this period, so far */
    u64 demand;       /* CPU time it could have used last period */
    unsigned int idx; /* slot in the scheduler's table of all vCPUs */
};

/* Per-domain scheduler state (weight and cap live in struct domain). */
struct csched_dom {
    s64 cap_left;    /* CPU time left under the cap this period */
    bool cap_primed; /* cap_left has been filled once */
    /* Scratch of the last accounting round. */
    u64 acct_gen;           /* round that last counted it */
    unsigned int acct_idx;  /* its index in that round */
    unsigned int nr_active; /* active vCPUs */
    u64 limit;              /* most credit it can use (its demand) */
    u64 share;              /* credit it gets */
    bool clamped;           /* share == limit */
};

void csched_init(void);
void csched_dom_init(struct domain *d);
void csched_vcpu_insert(struct vcpu *v);
void csched_vcpu_remove(struct vcpu *v);
/* v became runnable; returns the CPU that should reschedule, or -1. */
int csched_wake(struct vcpu *v, u64 now);
/* v stopped being runnable (blocked, down, dying): take it off queues. */
void csched_sleep(struct vcpu *v, u64 now);
/*
 * SCHEDOP_yield: at the next pick on its CPU (the caller raises
 * SOFTIRQ_SCHEDULE there), v runs only if nothing else can.
 */
void csched_yield(struct vcpu *v);
/*
 * What runs next on cpu. prev: the vCPU that was running there (or NULL),
 * runnable or not (vcpu_runnable()). Returns NULL to idle; *slice_ns: when
 * to ask again at the latest.
 */
struct vcpu *csched_pick(unsigned int cpu, struct vcpu *prev, u64 now,
                         u64 *slice_ns);

#endif

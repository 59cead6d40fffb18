/* SPDX-License-Identifier: GPL-2.0-only */
/* Credit scheduler: proportional share by domain weight, optional cap. */
#ifndef VESPER_SCHED_CREDIT_H
#define VESPER_SCHED_CREDIT_H

#include "types.h"

struct vcpu;
struct domain;

/* Per-vCPU scheduler state (owned by hyp/sched_credit.c). */
struct csched_vcpu {
    struct vcpu *next, *prev; /* run queue links */
    bool queued;
    int pri;
    s64 credit;
    u64 start_ns; /* when it last went onto a CPU */
};

/* Per-domain scheduler state (weight and cap live in struct domain). */
struct csched_dom {
    s64 credit_left; /* cap accounting */
    bool active;
};

void csched_init(void);
void csched_dom_init(struct domain *d);
void csched_vcpu_insert(struct vcpu *v);
void csched_vcpu_remove(struct vcpu *v);
/* v became runnable; returns the CPU that should reschedule, or -1. */
int csched_wake(struct vcpu *v, u64 now);
/* v stopped being runnable (blocked, down, dying): take it off queues. */
void csched_sleep(struct vcpu *v);
/*
 * What runs next on cpu. prev: the vCPU that was running there (or NULL),
 * runnable or not (vcpu_runnable()). Returns NULL to idle; *slice_ns: when
 * to ask again at the latest.
 */
struct vcpu *csched_pick(unsigned int cpu, struct vcpu *prev, u64 now,
                         u64 *slice_ns);

#endif

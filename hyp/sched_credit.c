/* SPDX-License-Identifier: GPL-2.0-only */
/* Credit scheduler: placeholder round robin until the real one lands. */
#include "sched.h"

void csched_init(void)
{
}

void csched_dom_init(struct domain *d)
{
}

void csched_vcpu_insert(struct vcpu *v)
{
}

void csched_vcpu_remove(struct vcpu *v)
{
}

int csched_wake(struct vcpu *v, u64 now)
{
    return -1;
}

void csched_sleep(struct vcpu *v)
{
}

struct vcpu *csched_pick(unsigned int cpu, struct vcpu *prev, u64 now,
                         u64 *slice_ns)
{
    *slice_ns = 10000000;
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_list[i];

        for (unsigned int j = 0; d && j < d->max_vcpus; j++) {
            struct vcpu *v = d->vcpu[j];

            if (v && vcpu_runnable(v) && (!v->is_running || v == prev))
                return v;
        }
    }
    return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest time: pvclock records, wallclock, vCPU timers, runstate copies. */
#include "arch.h"
#include "lib.h"
#include "sched.h"

void vcpu_singleshot_timer_fn(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

void vcpu_periodic_timer_fn(void *data)
{
    struct vcpu *v = data;

    send_guest_vcpu_virq(v, VIRQ_TIMER);
    if (v->periodic_period)
        set_timer(&v->periodic_timer,
                  v->periodic_timer.expires + v->periodic_period);
}

void vcpu_update_guest_areas(struct vcpu *v)
{
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: placeholder until the 2-level and FIFO ABIs land. */
#include "errno.h"
#include "event.h"
#include "sched.h"

int evtchn_domain_init(struct domain *d)
{
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
}

int evtchn_alloc_hyp_port(struct domain *d, evtchn_hyp_handler fn)
{
    return -ENOSYS;
}

void evtchn_notify_guest(struct domain *d, evtchn_port_t port)
{
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    return false;
}

bool evtchn_port_is_valid(struct domain *d, evtchn_port_t port)
{
    return false;
}

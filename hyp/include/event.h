/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels (2-level and FIFO ABIs): the interface the rest of Vesper uses. */
#ifndef VESPER_EVENT_H
#define VESPER_EVENT_H

#include "types.h"
#include <public/event_channel.h>
#include <public/vesper.h>

struct domain;
struct vcpu;
struct evtchn;

/*
 * Per-domain event-channel state, embedded in struct domain. The fields
 * belong to hyp/evtchn.c; nothing else reads them.
 */
struct evtchn_domain {
    struct evtchn **buckets; /* port -> struct evtchn, allocated on demand */
    unsigned int nr_ports;   /* ports the current ABI allows */
    unsigned int max_port;   /* highest port ever allocated + 1 */
    const struct evtchn_port_ops *ops;
    void *fifo; /* FIFO ABI state, NULL while 2-level */
};

/* Per-vCPU event-channel state, embedded in struct vcpu. */
struct evtchn_vcpu {
    evtchn_port_t virq_to_port[NR_VIRQS];
    void *fifo; /* FIFO control block state */
};

/* Lifecycle: called by domain_create()/domain_destroy(). */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);

/* Hypervisor-raised events. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_guest_global_virq(struct domain *d, unsigned int virq);

/*
 * Ports served by Vesper itself (the boot-time console ring until dom0
 * tools exist): the guest sees an interdomain-like port; a send from the
 * guest calls fn. Returns the port or a negative errno.
 */
typedef void (*evtchn_hyp_handler)(struct domain *d, evtchn_port_t port);
int evtchn_alloc_hyp_port(struct domain *d, evtchn_hyp_handler fn);
/* Raise a port in the guest from the hypervisor side. */
void evtchn_notify_guest(struct domain *d, evtchn_port_t port);

/* SCHEDOP_poll: is port pending for d? (false for bad ports) */
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);
/* SCHEDOP_poll validation: does d have this port in use? */
bool evtchn_port_is_valid(struct domain *d, evtchn_port_t port);

/*
 * Hooks evtchn.c calls, implemented by the scheduler (schedule.c):
 * vcpu_mark_events_pending sets vcpu_info->evtchn_upcall_pending and
 * wakes/kicks v so the upcall is delivered; vcpu_poll_wake wakes the
 * vCPUs of d blocked in SCHEDOP_poll on port.
 */
void vcpu_mark_events_pending(struct vcpu *v);
void vcpu_poll_wake(struct domain *d, evtchn_port_t port);

#endif

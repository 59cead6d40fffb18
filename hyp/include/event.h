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
 * belong to hyp/evtchn*.c; nothing else reads them.
 */
struct evtchn_domain {
    struct evtchn **buckets; /* port -> struct evtchn, allocated on demand */
    unsigned int nr_ports;   /* ports the current ABI allows */
    unsigned int max_port;   /* highest port ever allocated + 1 */
    const struct evtchn_port_ops *ops;
    void *fifo; /* FIFO ABI state, NULL while 2-level */
    /*
     * Ports [0, valid_ports) have a bucket: Xen's port_is_valid(). Ports
     * are handed out a bucket (EVTCHN_BUCKET_PORTS) at a time, as in Xen,
     * so "valid" is a port-number range, not "in use".
     */
    unsigned int valid_ports;
    unsigned int active; /* ports neither free nor reserved */
    /* Highest port it may get (Xen's max_evtchn_port; domctl sets it). */
    unsigned int port_limit;
};

/* Ports per bucket: Xen's struct evtchn is 64 bytes, a page holds 64. */
#define EVTCHN_BUCKET_PORTS 64

/* Per-vCPU event-channel state, embedded in struct vcpu. */
struct evtchn_vcpu {
    evtchn_port_t virq_to_port[NR_VIRQS];
    void *fifo; /* FIFO control block state */
};

/* Lifecycle: called by domain_create()/domain_destroy(). */
int evtchn_domain_init(struct domain *d);
/*
 * Closes every port (peers of interdomain channels become unbound to d)
 * and releases the FIFO frames. Call it while d's vCPUs still exist and
 * before the domain's frame references are audited and dropped.
 */
void evtchn_domain_destroy(struct domain *d);

/*
 * Physical IRQs as hypercall/physdev.c keeps them: how many pirqs d has,
 * and whether pirq is mapped to a GSI of d (EVTCHNOP_bind_pirq's rule).
 */
unsigned int physdev_nr_pirqs(const struct domain *d);
bool physdev_pirq_mapped(const struct domain *d, unsigned int pirq);

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

/*
 * Xen's alloc_unbound_xen_event_channel: a port of d (notifying vCPU
 * vcpu) left unbound for domain remote to bind to; what remote sends on
 * it calls fn instead of raising it in d, whose guest never sees it.
 * Returns the port or a negative errno. evtchn_free_hyp closes it (a
 * bound far end becomes unbound); evtchn_notify_remote raises the far
 * end, if bound (Xen's notify_via_xen_event_channel).
 */
int evtchn_alloc_unbound_hyp(struct domain *d, unsigned int vcpu,
                             domid_t remote, evtchn_hyp_handler fn);
void evtchn_free_hyp(struct domain *d, evtchn_port_t port);
void evtchn_notify_remote(struct domain *d, evtchn_port_t port);

/* SCHEDOP_poll: is port pending for d? (false for bad ports) */
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);
/*
 * SCHEDOP_poll validation: does d have this port in use? Exactly Xen's
 * port_is_valid(): the port lies in an allocated bucket (a closed port
 * there is still valid; SCHEDOP_poll answers -EINVAL only outside).
 */
bool evtchn_port_is_valid(struct domain *d, evtchn_port_t port);

/*
 * EVTCHNOP_*: cmd's argument structure, already copied into hypervisor
 * memory, for the calling domain cd; outputs are written back into arg
 * (the hypercall copies the structure out when this returns 0). Returns 0
 * or Xen's negative errno (-ENOSYS for an unknown cmd).
 */
long evtchn_op(struct domain *cd, int cmd, void *arg);
/* Size of cmd's argument structure; 0 for an unknown cmd. */
size_t evtchn_op_size(int cmd);
/* Does cmd write results into its argument structure? */
bool evtchn_op_has_output(int cmd);

/*
 * Hooks evtchn.c calls, implemented by the scheduler (schedule.c):
 * vcpu_mark_events_pending sets vcpu_info->evtchn_upcall_pending and
 * wakes/kicks v so the upcall is delivered; vcpu_poll_wake wakes the
 * vCPUs of d blocked in SCHEDOP_poll on port, or on any port.
 */
void vcpu_mark_events_pending(struct vcpu *v);
void vcpu_poll_wake(struct domain *d, evtchn_port_t port);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: state shared by evtchn.c and its two ABI back ends. */
#ifndef VESPER_EVTCHN_IMPL_H
#define VESPER_EVTCHN_IMPL_H

#include "event.h"
#include "sched.h"

/* Channel states (Xen's ECS_* order: free and reserved are not usable). */
enum {
    ECS_FREE,
    ECS_RESERVED, /* port 0 */
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,
    ECS_HYP,  /* served by Vesper: the guest sees an interdomain port */
    ECS_PIRQ, /* a mapped pirq (hypercall/physdev.c); never raised yet */
};

struct evtchn {
    u8 state; /* ECS_* */
    u8 priority;
    /* FIFO: raised while its event word had no array page yet. */
    bool pending;
    u16 notify_vcpu;
    evtchn_port_t port;
    union {
        domid_t remote_domid; /* ECS_UNBOUND */
        struct {
            struct domain *dom;
            evtchn_port_t port;
        } interdomain;          /* ECS_INTERDOMAIN */
        unsigned int virq;      /* ECS_VIRQ */
        unsigned int pirq;      /* ECS_PIRQ */
        evtchn_hyp_handler hyp; /* ECS_HYP */
    } u;
    /* FIFO: the queue (vCPU, priority) it was last linked on. */
    u16 last_vcpu;
    u8 last_priority;
    /* Xen's consumer_is_xen: the far end's sends call this instead. */
    evtchn_hyp_handler consumer;
};

/* One ABI's view of a port's pending/mask state. */
struct evtchn_port_ops {
    void (*init)(struct domain *d, struct evtchn *chn);
    void (*set_pending)(struct vcpu *v, struct evtchn *chn);
    void (*clear_pending)(struct domain *d, struct evtchn *chn);
    void (*unmask)(struct domain *d, struct evtchn *chn);
    bool (*is_pending)(const struct domain *d, const struct evtchn *chn);
    bool (*is_masked)(const struct domain *d, const struct evtchn *chn);
    /* Still linked on a queue: the port may not be handed out again. */
    bool (*is_busy)(const struct domain *d, const struct evtchn *chn);
    int (*set_priority)(struct domain *d, struct evtchn *chn,
                        unsigned int prio);
};

static inline bool evtchn_valid(const struct domain *d, evtchn_port_t port)
{
    return port < d->evtchn.valid_ports;
}

static inline struct evtchn *evtchn_from_port(const struct domain *d,
                                              evtchn_port_t port)
{
    return &d->evtchn.buckets[port / EVTCHN_BUCKET_PORTS]
                             [port % EVTCHN_BUCKET_PORTS];
}

static inline bool evtchn_usable(const struct evtchn *chn)
{
    return chn->state > ECS_RESERVED;
}

/* Mark chn pending for d's vCPU vcpu_id through the domain's ABI. */
void evtchn_set_pending(struct domain *d, unsigned int vcpu_id,
                        struct evtchn *chn);

/* Back ends. */
extern const struct evtchn_port_ops evtchn_2l_ops;
extern const struct evtchn_port_ops evtchn_fifo_ops;
int evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *ic);
int evtchn_fifo_expand_array(struct domain *d,
                             const struct evtchn_expand_array *ea);
/* Unmap everything and go back to the 2-level ABI. */
void evtchn_fifo_destroy(struct domain *d);

#endif

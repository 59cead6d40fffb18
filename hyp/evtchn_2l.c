/* SPDX-License-Identifier: GPL-2.0-only */
/* 2-level event channels: pending/mask bitmaps in shared_info, selector in vcpu_info. */
#include "atomic.h"
#include "evtchn_impl.h"

/* Bits per selector word: one selector bit covers 64 ports. */
#define WORD_BITS (sizeof(xen_ulong_t) * 8)

static void l2_set_pending(struct vcpu *v, struct evtchn *chn)
{
    struct domain *d = v->domain;
    struct shared_info *s = d->shared_info;
    evtchn_port_t port = chn->port;

    if (port >= EVTCHN_2L_NR_CHANNELS)
        return;
    /*
     * Order matters against the guest's own locked operations: pending
     * first, then mask test, then the selector, then the upcall flag.
     */
    if (test_and_set_bit(port, s->evtchn_pending))
        return;
    if (!test_bit(port, s->evtchn_mask) &&
        !test_and_set_bit(port / WORD_BITS, &v->vcpu_info->evtchn_pending_sel))
        vcpu_mark_events_pending(v);
    vcpu_poll_wake(d, port);
}

static void l2_clear_pending(struct domain *d, struct evtchn *chn)
{
    if (chn->port < EVTCHN_2L_NR_CHANNELS)
        clear_bit(chn->port, d->shared_info->evtchn_pending);
}

static void l2_unmask(struct domain *d, struct evtchn *chn)
{
    struct shared_info *s = d->shared_info;
    struct vcpu *v = d->vcpu[chn->notify_vcpu];
    evtchn_port_t port = chn->port;

    if (port >= EVTCHN_2L_NR_CHANNELS || !v)
        return;
    if (test_and_clear_bit(port, s->evtchn_mask) &&
        test_bit(port, s->evtchn_pending) &&
        !test_and_set_bit(port / WORD_BITS, &v->vcpu_info->evtchn_pending_sel))
        vcpu_mark_events_pending(v);
}

static bool l2_is_pending(const struct domain *d, const struct evtchn *chn)
{
    return chn->port < EVTCHN_2L_NR_CHANNELS &&
           test_bit(chn->port, d->shared_info->evtchn_pending);
}

static bool l2_is_masked(const struct domain *d, const struct evtchn *chn)
{
    return chn->port >= EVTCHN_2L_NR_CHANNELS ||
           test_bit(chn->port, d->shared_info->evtchn_mask);
}

const struct evtchn_port_ops evtchn_2l_ops = {
    .set_pending = l2_set_pending,
    .clear_pending = l2_clear_pending,
    .unmask = l2_unmask,
    .is_pending = l2_is_pending,
    .is_masked = l2_is_masked,
};

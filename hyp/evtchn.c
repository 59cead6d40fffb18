/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: ports, their states and the EVTCHNOP_* operations. */
#include "errno.h"
#include "evtchn_impl.h"
#include "lib.h"
#include "mm.h"

#define MAX_BUCKETS (EVTCHN_FIFO_NR_CHANNELS / EVTCHN_BUCKET_PORTS)

static bool virq_is_global(unsigned int virq)
{
    /* As on Xen/x86: the architecture VIRQs are global too. */
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

static struct vcpu *domain_vcpu(const struct domain *d, unsigned int id)
{
    if (id >= d->max_vcpus || id >= MAX_VCPUS)
        return NULL;
    return d->vcpu[id];
}

/* DOMID_SELF or a real id; NULL if there is no such domain. */
static struct domain *lookup_domain(struct domain *cd, domid_t id)
{
    return id == DOMID_SELF ? cd : domain_by_id(id);
}

/* Xen's default XSM_TARGET rule: oneself, or the privileged domain. */
static int may_target(const struct domain *cd, const struct domain *d)
{
    return cd == d || cd->is_privileged ? 0 : -EPERM;
}

static int alloc_bucket(struct domain *d)
{
    struct evtchn_domain *e = &d->evtchn;
    unsigned int b = e->valid_ports / EVTCHN_BUCKET_PORTS;
    struct evtchn *chn;

    BUG_ON(b >= MAX_BUCKETS);
    chn = xzalloc(EVTCHN_BUCKET_PORTS * sizeof(*chn));
    if (!chn)
        return -ENOMEM;
    for (unsigned int i = 0; i < EVTCHN_BUCKET_PORTS; i++)
        chn[i].port = e->valid_ports + i;
    e->buckets[b] = chn;
    e->valid_ports += EVTCHN_BUCKET_PORTS;
    return 0;
}

static bool evtchn_busy(const struct domain *d, const struct evtchn *chn)
{
    return d->evtchn.ops->is_busy && d->evtchn.ops->is_busy(d, chn);
}

/*
 * The lowest free port, its bucket allocated; it stays free until the
 * caller commits a state (an operation that fails later leaves it free).
 */
static int get_free_port(struct domain *d)
{
    struct evtchn_domain *e = &d->evtchn;

    for (evtchn_port_t port = 0; port < e->nr_ports; port++) {
        struct evtchn *chn;

        if (port > e->port_limit)
            break;
        if (port >= e->valid_ports) {
            int rc = alloc_bucket(d);

            if (rc)
                return rc;
        }
        chn = evtchn_from_port(d, port);
        if (chn->state == ECS_FREE && !evtchn_busy(d, chn))
            return (int)port;
    }
    return -ENOSPC;
}

/* Commit a new state to a free port. */
static void port_bind(struct domain *d, struct evtchn *chn, u8 state,
                      unsigned int vcpu)
{
    chn->state = state;
    chn->notify_vcpu = vcpu;
    d->evtchn.active++;
    if (chn->port + 1 > d->evtchn.max_port)
        d->evtchn.max_port = chn->port + 1;
    if (d->evtchn.ops->init)
        d->evtchn.ops->init(d, chn);
}

static void port_free(struct domain *d, struct evtchn *chn)
{
    /* A stale pending bit would fire as soon as the port is reused. */
    if (evtchn_usable(chn))
        d->evtchn.ops->clear_pending(d, chn);
    chn->state = ECS_FREE;
    chn->notify_vcpu = 0;
    chn->pending = false;
    chn->consumer = NULL;
    d->evtchn.active--;
}

void evtchn_set_pending(struct domain *d, unsigned int vcpu_id,
                        struct evtchn *chn)
{
    struct vcpu *v = domain_vcpu(d, vcpu_id);

    if (v && evtchn_usable(chn))
        d->evtchn.ops->set_pending(v, chn);
}

/* ------------------------------------------------------------ lifecycle */

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *e = &d->evtchn;
    int rc;

    memset(e, 0, sizeof(*e));
    e->ops = &evtchn_2l_ops;
    e->nr_ports = EVTCHN_2L_NR_CHANNELS;
    e->port_limit = 0x7fffffff; /* Xen's INT_MAX: only the ABI limits */
    e->buckets = xzalloc(MAX_BUCKETS * sizeof(*e->buckets));
    if (!e->buckets)
        return -ENOMEM;
    rc = alloc_bucket(d);
    if (rc)
        return rc;
    /* Port 0 means "no port" throughout the ABI. */
    evtchn_from_port(d, 0)->state = ECS_RESERVED;
    return 0;
}

static int close_port(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn, *peer;
    struct vcpu *v;

    if (!evtchn_valid(d, port))
        return -EINVAL;
    chn = evtchn_from_port(d, port);
    switch (chn->state) {
    case ECS_UNBOUND:
    case ECS_IPI:
    case ECS_HYP:
    case ECS_PIRQ:
        break;
    case ECS_VIRQ:
        v = d->vcpu[virq_is_global(chn->u.virq) ? 0 : chn->notify_vcpu];
        BUG_ON(!v || v->evtchn.virq_to_port[chn->u.virq] != port);
        v->evtchn.virq_to_port[chn->u.virq] = 0;
        break;
    case ECS_INTERDOMAIN: {
        struct domain *rd = chn->u.interdomain.dom;

        peer = evtchn_from_port(rd, chn->u.interdomain.port);
        BUG_ON(peer->state != ECS_INTERDOMAIN || peer->u.interdomain.dom != d);
        /* The other end waits for us to bind again, as in Xen. */
        peer->state = ECS_UNBOUND;
        peer->u.remote_domid = d->domain_id;
        break;
    }
    default: /* free or reserved */
        return -EINVAL;
    }
    port_free(d, chn);
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *e = &d->evtchn;

    if (!e->buckets)
        return;
    for (evtchn_port_t port = 1; port < e->valid_ports; port++)
        (void)close_port(d, port);
    BUG_ON(e->active);
    evtchn_fifo_destroy(d);
    for (unsigned int b = 0; b < e->valid_ports / EVTCHN_BUCKET_PORTS; b++)
        xfree(e->buckets[b]);
    xfree(e->buckets);
    e->buckets = NULL;
    e->valid_ports = 0;
}

/* ------------------------------------------------- hypervisor-side API */

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    evtchn_port_t port;

    if (virq >= NR_VIRQS || virq_is_global(virq))
        return;
    port = v->evtchn.virq_to_port[virq];
    if (port)
        evtchn_set_pending(d, v->vcpu_id, evtchn_from_port(d, port));
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    struct evtchn *chn;
    evtchn_port_t port;

    if (!d || !d->vcpu[0] || virq >= NR_VIRQS || !virq_is_global(virq))
        return;
    port = d->vcpu[0]->evtchn.virq_to_port[virq];
    if (!port)
        return;
    chn = evtchn_from_port(d, port);
    evtchn_set_pending(d, chn->notify_vcpu, chn);
}

int evtchn_alloc_hyp_port(struct domain *d, evtchn_hyp_handler fn)
{
    int port = get_free_port(d);
    struct evtchn *chn;

    if (port < 0)
        return port;
    chn = evtchn_from_port(d, port);
    chn->u.hyp = fn;
    port_bind(d, chn, ECS_HYP, 0);
    return port;
}

void evtchn_notify_guest(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;

    /* The guest may have closed it, or even reused the number. */
    if (!evtchn_valid(d, port))
        return;
    chn = evtchn_from_port(d, port);
    if (chn->state == ECS_HYP)
        evtchn_set_pending(d, chn->notify_vcpu, chn);
}

int evtchn_alloc_unbound_hyp(struct domain *d, unsigned int vcpu,
                             domid_t remote, evtchn_hyp_handler fn)
{
    int port = get_free_port(d);
    struct evtchn *chn;

    if (port < 0)
        return port;
    chn = evtchn_from_port(d, port);
    chn->u.remote_domid = remote;
    chn->consumer = fn;
    port_bind(d, chn, ECS_UNBOUND, vcpu);
    return port;
}

void evtchn_free_hyp(struct domain *d, evtchn_port_t port)
{
    /* d's teardown may have closed it already. */
    if (evtchn_valid(d, port) && evtchn_from_port(d, port)->consumer)
        (void)close_port(d, port);
}

void evtchn_notify_remote(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn, *rchn;

    if (!evtchn_valid(d, port))
        return;
    chn = evtchn_from_port(d, port);
    /* Unbound: nobody listens yet, and the binder is told when it binds. */
    if (chn->state != ECS_INTERDOMAIN)
        return;
    rchn = evtchn_from_port(chn->u.interdomain.dom, chn->u.interdomain.port);
    evtchn_set_pending(chn->u.interdomain.dom, rchn->notify_vcpu, rchn);
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;

    if (!evtchn_valid(d, port))
        return false;
    chn = evtchn_from_port(d, port);
    return evtchn_usable(chn) && d->evtchn.ops->is_pending(d, chn);
}

bool evtchn_port_is_valid(struct domain *d, evtchn_port_t port)
{
    return evtchn_valid(d, port);
}

/* ----------------------------------------------------------- EVTCHNOP_* */

static int op_alloc_unbound(struct domain *cd, struct evtchn_alloc_unbound *a)
{
    struct domain *d = lookup_domain(cd, a->dom);
    struct evtchn *chn;
    int port, rc;

    if (!d)
        return -ESRCH;
    /* Checked before a foreign domain grows a bucket on our behalf. */
    rc = may_target(cd, d);
    if (rc)
        return rc;
    port = get_free_port(d);
    if (port < 0)
        return port;
    chn = evtchn_from_port(d, port);
    /* DOMID_SELF names the caller, who may be allocating for another. */
    chn->u.remote_domid =
        a->remote_dom == DOMID_SELF ? cd->domain_id : a->remote_dom;
    port_bind(d, chn, ECS_UNBOUND, 0);
    a->port = port;
    return 0;
}

static int op_bind_interdomain(struct domain *ld,
                               struct evtchn_bind_interdomain *b)
{
    struct domain *rd = lookup_domain(ld, b->remote_dom);
    struct evtchn *lchn, *rchn;
    int lport;

    if (!rd)
        return -ESRCH;
    lport = get_free_port(ld);
    if (lport < 0)
        return lport;
    if (!evtchn_valid(rd, b->remote_port))
        return -EINVAL;
    rchn = evtchn_from_port(rd, b->remote_port);
    if (rchn->state != ECS_UNBOUND || rchn->u.remote_domid != ld->domain_id)
        return -EINVAL;

    lchn = evtchn_from_port(ld, lport);
    lchn->u.interdomain.dom = rd;
    lchn->u.interdomain.port = b->remote_port;
    port_bind(ld, lchn, ECS_INTERDOMAIN, 0);
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.dom = ld;
    rchn->u.interdomain.port = lport;
    /* Sends to the unbound end were dropped: tell the binder to look. */
    evtchn_set_pending(ld, lchn->notify_vcpu, lchn);
    b->local_port = lport;
    return 0;
}

static int op_bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
    struct evtchn *chn;
    struct vcpu *v;
    int port;

    if (b->virq >= NR_VIRQS)
        return -EINVAL;
    if (virq_is_global(b->virq) && b->vcpu != 0)
        return -EINVAL;
    v = domain_vcpu(d, b->vcpu);
    if (!v)
        return -ENOENT;
    if (v->evtchn.virq_to_port[b->virq])
        return -EEXIST;
    port = get_free_port(d);
    if (port < 0)
        return port;
    chn = evtchn_from_port(d, port);
    chn->u.virq = b->virq;
    port_bind(d, chn, ECS_VIRQ, b->vcpu);
    v->evtchn.virq_to_port[b->virq] = port;
    b->port = port;
    return 0;
}

static int op_bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
    int port;

    if (!domain_vcpu(d, b->vcpu))
        return -ENOENT;
    port = get_free_port(d);
    if (port < 0)
        return port;
    port_bind(d, evtchn_from_port(d, port), ECS_IPI, b->vcpu);
    b->port = port;
    return 0;
}

/*
 * Xen's evtchn_bind_pirq: a pirq beyond the domain's count is -EINVAL,
 * one not mapped to a GSI it may use -EPERM, one already bound -EEXIST;
 * the port notifies vCPU 0. Vesper drives no IOAPIC, so the port is
 * bound but never raised: the guest's driver loads as on Xen and simply
 * sees no interrupts from that line.
 */
static int op_bind_pirq(struct domain *d, struct evtchn_bind_pirq *b)
{
    int port;

    if (b->pirq >= physdev_nr_pirqs(d))
        return -EINVAL;
    if (!physdev_pirq_mapped(d, b->pirq))
        return -EPERM;
    for (evtchn_port_t p = 1; p < d->evtchn.valid_ports; p++) {
        const struct evtchn *chn = evtchn_from_port(d, p);

        if (chn->state == ECS_PIRQ && chn->u.pirq == b->pirq)
            return -EEXIST;
    }
    port = get_free_port(d);
    if (port < 0)
        return port;
    evtchn_from_port(d, port)->u.pirq = b->pirq;
    port_bind(d, evtchn_from_port(d, port), ECS_PIRQ, 0);
    b->port = port;
    return 0;
}

/* As Xen, a guest cannot close a port the hypervisor consumes. */
static int op_close(struct domain *d, evtchn_port_t port)
{
    if (evtchn_valid(d, port) && evtchn_from_port(d, port)->consumer)
        return -EINVAL;
    return close_port(d, port);
}

static int op_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn, *rchn;
    struct domain *rd;

    if (!evtchn_valid(d, port))
        return -EINVAL;
    chn = evtchn_from_port(d, port);
    switch (chn->state) {
    case ECS_INTERDOMAIN:
        rd = chn->u.interdomain.dom;
        rchn = evtchn_from_port(rd, chn->u.interdomain.port);
        /* The hypervisor consumes it (an ioreq port): no guest event. */
        if (rchn->consumer)
            rchn->consumer(rd, rchn->port);
        else
            evtchn_set_pending(rd, rchn->notify_vcpu, rchn);
        return 0;
    case ECS_IPI:
        evtchn_set_pending(d, chn->notify_vcpu, chn);
        return 0;
    case ECS_HYP:
        if (chn->u.hyp)
            chn->u.hyp(d, port);
        return 0;
    case ECS_UNBOUND:
        return 0; /* nobody listens yet: dropped, as in Xen */
    default:
        return -EINVAL;
    }
}

static int op_status(struct domain *cd, struct evtchn_status *s)
{
    struct domain *d = lookup_domain(cd, s->dom);
    struct evtchn *chn;
    int rc;

    if (!d)
        return -ESRCH;
    if (!evtchn_valid(d, s->port))
        return -EINVAL;
    rc = may_target(cd, d);
    if (rc)
        return rc;
    chn = evtchn_from_port(d, s->port);
    memset(&s->u, 0, sizeof(s->u));
    switch (chn->state) {
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = chn->u.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = chn->u.interdomain.dom->domain_id;
        s->u.interdomain.port = chn->u.interdomain.port;
        break;
    case ECS_HYP:
        /* The far end is the hypervisor itself. */
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = DOMID_XEN;
        s->u.interdomain.port = s->port;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    case ECS_PIRQ:
        s->status = EVTCHNSTAT_pirq;
        s->u.pirq = chn->u.pirq;
        break;
    default:
        s->status = EVTCHNSTAT_closed;
        break;
    }
    s->vcpu = chn->notify_vcpu;
    return 0;
}

static int op_bind_vcpu(struct domain *d, const struct evtchn_bind_vcpu *b)
{
    struct evtchn *chn;

    if (!domain_vcpu(d, b->vcpu))
        return -ENOENT;
    if (!evtchn_valid(d, b->port))
        return -EINVAL;
    chn = evtchn_from_port(d, b->port);
    switch (chn->state) {
    case ECS_VIRQ:
        /* Per-vCPU VIRQs belong to their vCPU for good. */
        if (!virq_is_global(chn->u.virq))
            return -EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_HYP:
    case ECS_PIRQ:
        break;
    default:
        return -EINVAL;
    }
    chn->notify_vcpu = b->vcpu;
    return 0;
}

static int op_unmask(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;

    if (!evtchn_valid(d, port))
        return -EINVAL;
    chn = evtchn_from_port(d, port);
    if (evtchn_usable(chn))
        d->evtchn.ops->unmask(d, chn);
    return 0;
}

static int op_reset(struct domain *cd, const struct evtchn_reset *r)
{
    struct domain *d = lookup_domain(cd, r->dom);
    struct evtchn_domain *e;
    unsigned int hyp = 0;
    int rc;

    if (!d)
        return -ESRCH;
    rc = may_target(cd, d);
    if (rc)
        return rc;
    /* Xen resets another domain's only while its controller pauses it. */
    if (d != cd)
        return -EINVAL;
    e = &d->evtchn;
    /*
     * Vesper's own ports survive, as Xen-attached ones do in Xen: the
     * console port in start_info must still work for a kexec'd kernel.
     */
    for (evtchn_port_t port = 1; port < e->valid_ports; port++) {
        struct evtchn *chn = evtchn_from_port(d, port);

        if (chn->state == ECS_HYP)
            hyp++;
        else if (chn->state != ECS_FREE)
            (void)close_port(d, port);
    }
    if (e->active > hyp)
        return -EAGAIN;
    if (e->fifo) {
        evtchn_fifo_destroy(d);
        for (evtchn_port_t port = 1; port < e->valid_ports; port++) {
            struct evtchn *chn = evtchn_from_port(d, port);

            if (chn->state == ECS_HYP)
                chn->pending = false;
        }
    }
    return 0;
}

static int op_set_priority(struct domain *d,
                           const struct evtchn_set_priority *sp)
{
    struct evtchn *chn;

    if (!evtchn_valid(d, sp->port))
        return -EINVAL;
    chn = evtchn_from_port(d, sp->port);
    if (!d->evtchn.ops->set_priority)
        return -ENOSYS;
    if (!evtchn_usable(chn))
        return -EACCES;
    return d->evtchn.ops->set_priority(d, chn, sp->priority);
}

size_t evtchn_op_size(int cmd)
{
    switch (cmd) {
    case EVTCHNOP_bind_interdomain:
        return sizeof(struct evtchn_bind_interdomain);
    case EVTCHNOP_bind_virq:
        return sizeof(struct evtchn_bind_virq);
    case EVTCHNOP_bind_pirq:
        return sizeof(struct evtchn_bind_pirq);
    case EVTCHNOP_close:
        return sizeof(struct evtchn_close);
    case EVTCHNOP_send:
        return sizeof(struct evtchn_send);
    case EVTCHNOP_status:
        return sizeof(struct evtchn_status);
    case EVTCHNOP_alloc_unbound:
        return sizeof(struct evtchn_alloc_unbound);
    case EVTCHNOP_bind_ipi:
        return sizeof(struct evtchn_bind_ipi);
    case EVTCHNOP_bind_vcpu:
        return sizeof(struct evtchn_bind_vcpu);
    case EVTCHNOP_unmask:
        return sizeof(struct evtchn_unmask);
    case EVTCHNOP_reset:
        return sizeof(struct evtchn_reset);
    case EVTCHNOP_init_control:
        return sizeof(struct evtchn_init_control);
    case EVTCHNOP_expand_array:
        return sizeof(struct evtchn_expand_array);
    case EVTCHNOP_set_priority:
        return sizeof(struct evtchn_set_priority);
    default:
        return 0;
    }
}

bool evtchn_op_has_output(int cmd)
{
    switch (cmd) {
    case EVTCHNOP_bind_interdomain:
    case EVTCHNOP_bind_virq:
    case EVTCHNOP_bind_pirq:
    case EVTCHNOP_status:
    case EVTCHNOP_alloc_unbound:
    case EVTCHNOP_bind_ipi:
    case EVTCHNOP_init_control:
        return true;
    default:
        return false;
    }
}

long evtchn_op(struct domain *cd, int cmd, void *arg)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        return op_alloc_unbound(cd, arg);
    case EVTCHNOP_bind_interdomain:
        return op_bind_interdomain(cd, arg);
    case EVTCHNOP_bind_virq:
        return op_bind_virq(cd, arg);
    case EVTCHNOP_bind_ipi:
        return op_bind_ipi(cd, arg);
    case EVTCHNOP_bind_pirq:
        return op_bind_pirq(cd, arg);
    case EVTCHNOP_close:
        return op_close(cd, ((struct evtchn_close *)arg)->port);
    case EVTCHNOP_send:
        return op_send(cd, ((struct evtchn_send *)arg)->port);
    case EVTCHNOP_status:
        return op_status(cd, arg);
    case EVTCHNOP_bind_vcpu:
        return op_bind_vcpu(cd, arg);
    case EVTCHNOP_unmask:
        return op_unmask(cd, ((struct evtchn_unmask *)arg)->port);
    case EVTCHNOP_reset:
        return op_reset(cd, arg);
    case EVTCHNOP_init_control:
        return evtchn_fifo_init_control(cd, arg);
    case EVTCHNOP_expand_array:
        return evtchn_fifo_expand_array(cd, arg);
    case EVTCHNOP_set_priority:
        return op_set_priority(cd, arg);
    default:
        return -ENOSYS;
    }
}

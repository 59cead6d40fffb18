/* SPDX-License-Identifier: GPL-2.0-only */
/* FIFO event channels: event words in guest pages, per-vCPU priority queues. */
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "evtchn_impl.h"
#include "lib.h"
#include "mm.h"

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)

struct fifo_queue {
    volatile u32 *head; /* in the guest's control block */
    evtchn_port_t tail; /* last port linked, 0 = none */
    u8 priority;
};

struct fifo_vcpu {
    struct evtchn_fifo_control_block *cb; /* NULL until init_control */
    struct page_info *cb_pg;
    struct fifo_queue q[EVTCHN_FIFO_MAX_QUEUES];
};

struct fifo_domain {
    event_word_t *array[MAX_ARRAY_PAGES];
    struct page_info *array_pg[MAX_ARRAY_PAGES];
    unsigned int nr_words; /* ports that have an event word */
};

static struct fifo_domain *fifo_dom(const struct domain *d)
{
    return d->evtchn.fifo;
}

static struct fifo_vcpu *fifo_vcpu(const struct vcpu *v)
{
    return v->evtchn.fifo;
}

static volatile event_word_t *word_from_port(const struct domain *d,
                                             evtchn_port_t port)
{
    const struct fifo_domain *f = fifo_dom(d);

    if (!f || port >= f->nr_words)
        return NULL;
    return &f->array[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

static void fifo_init(struct domain *d, struct evtchn *chn)
{
    volatile event_word_t *w = word_from_port(d, chn->port);

    chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    /* Allocation skips linked ports, so this means the guest relinked it. */
    if (w && test_bit32(EVTCHN_FIFO_LINKED, w))
        printk_lvl(LOG_WARN, "d%u: port %u already on a queue\n", d->domain_id,
                   chn->port);
}

/* 1: linked to port; 0: the word is not LINKED; -EAGAIN: it changed. */
static int try_set_link(volatile event_word_t *word, event_word_t *w,
                        evtchn_port_t link)
{
    event_word_t old, new_;

    if (!(*w & (1u << EVTCHN_FIFO_LINKED)))
        return 0;
    new_ = (*w & ~((1u << EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
    old = cmpxchg32(word, *w, new_);
    if (old == *w)
        return 1;
    *w = old;
    return -EAGAIN;
}

/*
 * Point the tail's link at port, but only while the tail is still LINKED
 * (the guest unlinks consumed events). The guest may only flip MASKED,
 * clear PENDING, or clear LINKED; BUSY stops it unmasking, so after BUSY
 * is set a few retries always settle.
 */
static bool fifo_set_link(struct domain *d, volatile event_word_t *word,
                          evtchn_port_t link)
{
    event_word_t w = READ_ONCE(*word);
    int rc = try_set_link(word, &w, link);

    if (rc >= 0)
        return rc;
    test_and_set_bit32(EVTCHN_FIFO_BUSY, word);
    w = READ_ONCE(*word);
    for (unsigned int tries = 0; tries < 4; tries++) {
        rc = try_set_link(word, &w, link);
        if (rc >= 0) {
            if (rc == 0)
                test_and_clear_bit32(EVTCHN_FIFO_BUSY, word);
            return rc;
        }
    }
    printk_lvl(LOG_WARN, "d%u: port %u not linked\n", d->domain_id, link);
    test_and_clear_bit32(EVTCHN_FIFO_BUSY, word);
    return true;
}

static void fifo_set_pending(struct vcpu *v, struct evtchn *chn)
{
    struct domain *d = v->domain;
    evtchn_port_t port = chn->port;
    volatile event_word_t *word = word_from_port(d, port);
    struct fifo_vcpu *fv = fifo_vcpu(v), *ofv;
    struct fifo_queue *q, *oq;
    struct vcpu *ov;
    bool first, linked = true;

    /* No array page yet: remember, and raise it when the page arrives. */
    if (!word) {
        chn->pending = true;
        return;
    }
    /* The guest may not unmask before it gave this vCPU a control block. */
    if (!fv || !fv->cb)
        return;
    q = &fv->q[chn->priority];
    ov = d->vcpu[chn->last_vcpu];
    ofv = ov ? fifo_vcpu(ov) : NULL;
    oq = ofv ? &ofv->q[chn->last_priority] : NULL;

    first = !test_and_set_bit32(EVTCHN_FIFO_PENDING, word);
    if (!test_bit32(EVTCHN_FIFO_MASKED, word) &&
        !test_and_set_bit32(EVTCHN_FIFO_LINKED, word)) {
        /* It was the old queue's tail: that queue is empty now. */
        if (oq && oq->tail == port)
            oq->tail = 0;
        if (oq != q) {
            chn->last_vcpu = v->vcpu_id;
            chn->last_priority = q->priority;
        }
        linked = false;
        if (q->tail) {
            volatile event_word_t *tw = word_from_port(d, q->tail);

            BUG_ON(!tw);
            linked = fifo_set_link(d, tw, port);
        }
        if (!linked)
            WRITE_ONCE(*q->head, port);
        q->tail = port;
    }
    if (!linked && !test_and_set_bit32(q->priority, &fv->cb->ready))
        vcpu_mark_events_pending(v);
    if (first)
        vcpu_poll_wake(d, port);
}

static void fifo_clear_pending(struct domain *d, struct evtchn *chn)
{
    volatile event_word_t *w = word_from_port(d, chn->port);

    /* The guest unlinks non-pending events itself. */
    if (w)
        test_and_clear_bit32(EVTCHN_FIFO_PENDING, w);
}

static void fifo_unmask(struct domain *d, struct evtchn *chn)
{
    volatile event_word_t *w = word_from_port(d, chn->port);
    struct vcpu *v = d->vcpu[chn->notify_vcpu];

    if (!w || !v)
        return;
    test_and_clear_bit32(EVTCHN_FIFO_MASKED, w);
    if (test_bit32(EVTCHN_FIFO_PENDING, w))
        fifo_set_pending(v, chn);
}

static bool fifo_is_pending(const struct domain *d, const struct evtchn *chn)
{
    volatile event_word_t *w = word_from_port(d, chn->port);

    return w && test_bit32(EVTCHN_FIFO_PENDING, w);
}

static bool fifo_is_masked(const struct domain *d, const struct evtchn *chn)
{
    volatile event_word_t *w = word_from_port(d, chn->port);

    return !w || test_bit32(EVTCHN_FIFO_MASKED, w);
}

static bool fifo_is_busy(const struct domain *d, const struct evtchn *chn)
{
    volatile event_word_t *w = word_from_port(d, chn->port);

    return w && test_bit32(EVTCHN_FIFO_LINKED, w);
}

static int fifo_set_priority(struct domain *d, struct evtchn *chn,
                             unsigned int prio)
{
    if (prio > EVTCHN_FIFO_PRIORITY_MIN)
        return -EINVAL;
    /* Only later links use it; a linked event stays on its old queue. */
    chn->priority = prio;
    return 0;
}

const struct evtchn_port_ops evtchn_fifo_ops = {
    .init = fifo_init,
    .set_pending = fifo_set_pending,
    .clear_pending = fifo_clear_pending,
    .unmask = fifo_unmask,
    .is_pending = fifo_is_pending,
    .is_masked = fifo_is_masked,
    .is_busy = fifo_is_busy,
    .set_priority = fifo_set_priority,
};

static int map_control_block(struct vcpu *v, u64 gfn, u32 offset)
{
    struct fifo_vcpu *fv = fifo_vcpu(v);
    struct evtchn_fifo_control_block *cb;
    struct page_info *pg;
    void *va;

    if (fv->cb)
        return -EINVAL;
    va = arch_map_guest_frame(v->domain, gfn, &pg);
    if (!va)
        return -EINVAL;
    cb = (void *)((char *)va + offset);
    for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++)
        fv->q[i].head = &cb->head[i];
    fv->cb_pg = pg;
    fv->cb = cb;
    return 0;
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct fifo_domain *f = fifo_dom(d);

    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpu[i];
        struct fifo_vcpu *fv = v ? fifo_vcpu(v) : NULL;

        if (!fv)
            continue;
        if (fv->cb)
            arch_unmap_guest_frame(fv->cb_pg);
        xfree(fv);
        v->evtchn.fifo = NULL;
    }
    if (f) {
        for (unsigned int i = 0; i < MAX_ARRAY_PAGES; i++)
            if (f->array[i])
                arch_unmap_guest_frame(f->array_pg[i]);
        xfree(f);
        d->evtchn.fifo = NULL;
    }
    d->evtchn.ops = &evtchn_2l_ops;
    d->evtchn.nr_ports = EVTCHN_2L_NR_CHANNELS;
}

int evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *ic)
{
    unsigned int prev_ports = d->evtchn.nr_ports;
    struct vcpu *v;
    int rc;

    ic->link_bits = EVTCHN_FIFO_LINK_BITS;
    if (ic->vcpu >= d->max_vcpus || ic->vcpu >= MAX_VCPUS ||
        !(v = d->vcpu[ic->vcpu]))
        return -ENOENT;
    /* Within the frame, and 8-byte aligned. */
    if (ic->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) ||
        (ic->offset & 7))
        return -EINVAL;
    if (d->evtchn.fifo)
        return map_control_block(v, ic->control_gfn, ic->offset);

    /* First control block: every vCPU gets its queues, the array is empty. */
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        struct fifo_vcpu *fv;

        if (!d->vcpu[i])
            continue;
        fv = xzalloc(sizeof(*fv));
        if (!fv) {
            evtchn_fifo_destroy(d);
            return -ENOMEM;
        }
        for (unsigned int p = 0; p < EVTCHN_FIFO_MAX_QUEUES; p++)
            fv->q[p].priority = p;
        d->vcpu[i]->evtchn.fifo = fv;
    }
    d->evtchn.fifo = xzalloc(sizeof(struct fifo_domain));
    if (!d->evtchn.fifo) {
        evtchn_fifo_destroy(d);
        return -ENOMEM;
    }
    rc = map_control_block(v, ic->control_gfn, ic->offset);
    if (rc) {
        evtchn_fifo_destroy(d);
        return rc;
    }
    d->evtchn.ops = &evtchn_fifo_ops;
    d->evtchn.nr_ports = EVTCHN_FIFO_NR_CHANNELS;
    /*
     * Ports bound under the 2-level ABI keep their pending state (raised
     * once their array page exists) and get the default priority.
     */
    for (evtchn_port_t port = 1;
         port < prev_ports && port < d->evtchn.valid_ports; port++) {
        struct evtchn *chn = evtchn_from_port(d, port);

        if (test_bit(port, d->shared_info->evtchn_pending))
            chn->pending = true;
        chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    }
    return 0;
}

int evtchn_fifo_expand_array(struct domain *d,
                             const struct evtchn_expand_array *ea)
{
    struct fifo_domain *f = fifo_dom(d);
    unsigned int slot;
    evtchn_port_t port;
    struct page_info *pg;
    void *va;

    if (!f)
        return -EOPNOTSUPP;
    slot = f->nr_words / WORDS_PER_PAGE;
    if (slot >= MAX_ARRAY_PAGES)
        return -ENOSPC;
    va = arch_map_guest_frame(d, ea->array_gfn, &pg);
    if (!va)
        return -EINVAL;
    f->array[slot] = va;
    f->array_pg[slot] = pg;
    port = f->nr_words;
    f->nr_words += WORDS_PER_PAGE;
    /* Raise what arrived while these ports had no event word. */
    for (; port < f->nr_words && port < d->evtchn.valid_ports; port++) {
        struct evtchn *chn = evtchn_from_port(d, port);

        if (chn->pending) {
            chn->pending = false;
            evtchn_set_pending(d, chn->notify_vcpu, chn);
        }
    }
    return 0;
}

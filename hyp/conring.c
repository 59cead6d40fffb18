/* SPDX-License-Identifier: GPL-2.0-only */
/* Console rings of boot-time domains, and serial input routing. */
#include "arch.h"
#include "atomic.h"
#include "conring.h"
#include "errno.h"
#include "event.h"
#include "lib.h"
#include "sched.h"
#include "timer.h"

/* Often enough that a guest waiting for ring space barely notices. */
#define POLL_PERIOD_NS 10000000ULL
/* Ctrl-A three times in a row moves serial input to the next domain. */
#define SWITCH_CHAR 0x01
#define SWITCH_COUNT 3

static struct timer poll_timer;
static bool poll_timer_ready;
static domid_t input_domid;
static unsigned int switch_seen;

/* Input for the control domain, read with CONSOLEIO_read. */
static char dom0_in[1024];
static unsigned int dom0_in_prod, dom0_in_cons;

/* Receivers to notify at the end of this batch of input. */
static bool notify_dom0_pending;

static void ring_notify(struct conring *r)
{
    if (r->port)
        evtchn_notify_guest(r->d, r->port);
}

void conring_drain(struct domain *d)
{
    struct conring *r = d->conring;
    volatile struct xencons_interface *intf;
    XENCONS_RING_IDX cons, prod;
    char tmp[128];

    if (!r || r->broken)
        return;
    intf = r->intf;
    cons = intf->out_cons;
    prod = intf->out_prod;
    smp_rmb(); /* the bytes were written before out_prod moved */
    if (prod == cons)
        return;
    if (prod - cons > sizeof(intf->out)) {
        /* Never again: domain_crash drains once more on its way down. */
        r->broken = true;
        domain_crash(d,
                     "console ring: out_prod %u is %u bytes past "
                     "out_cons %u (ring holds %zu)",
                     prod, prod - cons, cons, sizeof(intf->out));
        return;
    }
    while (cons != prod) {
        unsigned int n = 0;

        while (cons != prod && n < sizeof(tmp))
            tmp[n++] = intf->out[MASK_XENCONS_IDX(cons++, intf->out)];
        guest_console_write(d, tmp, n);
    }
    smp_mb(); /* done reading before the guest may overwrite the space */
    intf->out_cons = cons;
    ring_notify(r);
}

/* The guest's EVTCHNOP_send on its console port. */
static void conring_event(struct domain *d, evtchn_port_t port)
{
    conring_drain(d);
}

int conring_attach(struct domain *d, void *page,
                   void (*release)(struct domain *d, void *page),
                   evtchn_port_t *port)
{
    struct conring *r = xzalloc(sizeof(*r));
    int rc;

    *port = 0;
    if (!r)
        return -ENOMEM;
    r->d = d;
    r->intf = page;
    r->release = release;
    rc = evtchn_alloc_hyp_port(d, conring_event);
    /* No channel (yet): the poll timer alone keeps the ring moving. */
    if (rc > 0)
        r->port = (evtchn_port_t)rc;
    *port = r->port;
    d->conring = r;
    return 0;
}

static bool takes_input(const struct domain *d)
{
    return d && d->state == DOM_RUNNING && (d->conring || d->is_privileged);
}

void conring_domain_destroy(struct domain *d)
{
    struct conring *r = d->conring;

    if (!r)
        return;
    conring_drain(d);
    if (d->conlen)
        guest_console_write(d, "\n", 1);
    d->conring = NULL;
    r->release(d, (void *)r->intf);
    xfree(r);
}

void conring_set_input(domid_t id)
{
    input_domid = id;
}

/* The receiver after the current one, in domain-id order, wrapping. */
static void switch_input(void)
{
    struct domain *best = NULL, *first = NULL;

    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_list[i];

        if (!takes_input(d))
            continue;
        if (!first || d->domain_id < first->domain_id)
            first = d;
        if (d->domain_id > input_domid &&
            (!best || d->domain_id < best->domain_id))
            best = d;
    }
    if (!best)
        best = first;
    if (!best) {
        printk("*** serial input: no domain takes input\n");
        return;
    }
    input_domid = best->domain_id;
    printk("*** serial input to d%u (%s) (type 'CTRL-a' three times to "
           "switch input)\n",
           best->domain_id, best->name);
}

static void deliver(char c)
{
    struct domain *d = domain_by_id(input_domid);
    struct conring *r;

    if (!takes_input(d))
        return; /* nobody listens: the byte is dropped */
    r = d->conring;
    if (r) {
        volatile struct xencons_interface *intf = r->intf;
        XENCONS_RING_IDX prod = intf->in_prod;

        /* A full ring drops input, as a real UART would. */
        if (prod - intf->in_cons >= sizeof(intf->in))
            return;
        intf->in[MASK_XENCONS_IDX(prod, intf->in)] = c;
        smp_wmb(); /* the byte before the index that publishes it */
        intf->in_prod = prod + 1;
        ring_notify(r);
        return;
    }
    if (dom0_in_prod - dom0_in_cons >= sizeof(dom0_in))
        return;
    dom0_in[dom0_in_prod++ % sizeof(dom0_in)] = c;
    notify_dom0_pending = true;
}

static void serial_rx(char c)
{
    if (c == SWITCH_CHAR) {
        if (++switch_seen == SWITCH_COUNT) {
            switch_seen = 0;
            switch_input();
        }
        return;
    }
    /* Fewer than three: they were meant for the domain after all. */
    for (; switch_seen; switch_seen--)
        deliver(SWITCH_CHAR);
    deliver(c);
}

void conring_poll_input(void)
{
    struct domain *d;
    int c;

    for (unsigned int budget = 256; budget && (c = arch_console_getc()) >= 0;
         budget--)
        serial_rx((char)c);
    if (notify_dom0_pending) {
        notify_dom0_pending = false;
        d = domain_by_id(input_domid);
        if (d && d->is_privileged)
            send_guest_global_virq(d, VIRQ_CONSOLE);
    }
}

unsigned int conring_peek_input(char *buf, unsigned int n)
{
    unsigned int done = 0;

    conring_poll_input();
    for (unsigned int i = dom0_in_cons; done < n && i != dom0_in_prod; i++)
        buf[done++] = dom0_in[i % sizeof(dom0_in)];
    return done;
}

void conring_consume_input(unsigned int n)
{
    BUG_ON(n > dom0_in_prod - dom0_in_cons);
    dom0_in_cons += n;
}

static void poll_timer_fn(void *data)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] && domain_list[i]->conring)
            conring_drain(domain_list[i]);
    conring_poll_input();
    set_timer(&poll_timer, arch_now_ns() + POLL_PERIOD_NS);
}

void conring_start(void)
{
    struct domain *d = domain_by_id(input_domid);

    if (!poll_timer_ready) {
        timer_init(&poll_timer, poll_timer_fn, NULL, 0);
        poll_timer_ready = true;
    }
    set_timer(&poll_timer, arch_now_ns() + POLL_PERIOD_NS);
    if (takes_input(d))
        printk("*** serial input to d%u (%s) (type 'CTRL-a' three times to "
               "switch input)\n",
               d->domain_id, d->name);
}

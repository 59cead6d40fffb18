/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests of event-channel bookkeeping: ports, states, 2-level and FIFO delivery. */
#include "harness.h"

#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "event.h"
#include "mm.h"
#include "sched.h"

/* ------------------------------------------------------------- stubs */

void *xmalloc(size_t size)
{
    return malloc(size);
}

void *xzalloc(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

#define NR_TEST_DOMS 8
static struct domain *doms[NR_TEST_DOMS];

struct domain *domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < NR_TEST_DOMS; i++)
        if (doms[i] && doms[i]->domain_id == id)
            return doms[i];
    return NULL;
}

static struct vcpu *cur_vcpu;

struct vcpu *current_vcpu(void)
{
    return cur_vcpu;
}

struct domain *current_domain(void)
{
    return cur_vcpu ? cur_vcpu->domain : NULL;
}

/* Upcall requests: how many, and the last vCPU asked. */
static unsigned int nr_marks;
static struct vcpu *last_mark;

void vcpu_mark_events_pending(struct vcpu *v)
{
    nr_marks++;
    last_mark = v;
    v->vcpu_info->evtchn_upcall_pending = 1;
}

static unsigned int nr_poll_wakes;
static evtchn_port_t last_poll_port;

void vcpu_poll_wake(struct domain *d, evtchn_port_t port)
{
    (void)d;
    nr_poll_wakes++;
    last_poll_port = port;
}

/* physdev.c's pirq table, faked: 56 pirqs, only pirq 3 is mapped. */
#define FAKE_NR_PIRQS 56
#define FAKE_MAPPED_PIRQ 3

unsigned int physdev_nr_pirqs(const struct domain *d)
{
    (void)d;
    return FAKE_NR_PIRQS;
}

bool physdev_pirq_mapped(const struct domain *d, unsigned int pirq)
{
    (void)d;
    return pirq == FAKE_MAPPED_PIRQ;
}

/* Guest frames: page-aligned buffers, an owner each, a mapping count. */
#define NR_FRAMES 300
static struct page_info fake_pg[NR_FRAMES];
static u32 *frame_mem[NR_FRAMES];
static struct domain *frame_owner[NR_FRAMES];
static int frame_maps[NR_FRAMES];

void *arch_map_guest_frame(struct domain *d, u64 gfn, struct page_info **pg)
{
    if (gfn >= NR_FRAMES || frame_owner[gfn] != d)
        return NULL;
    if (!frame_mem[gfn]) {
        frame_mem[gfn] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
        memset(frame_mem[gfn], 0, PAGE_SIZE);
    }
    frame_maps[gfn]++;
    *pg = &fake_pg[gfn];
    return frame_mem[gfn];
}

void arch_unmap_guest_frame(struct page_info *pg)
{
    long gfn = pg - fake_pg;

    if (gfn < 0 || gfn >= NR_FRAMES || frame_maps[gfn] <= 0) {
        printf("  bad unmap of frame %ld\n", gfn);
        abort();
    }
    frame_maps[gfn]--;
}

static int total_maps(void)
{
    int n = 0;

    for (unsigned int i = 0; i < NR_FRAMES; i++)
        n += frame_maps[i];
    return n;
}

static void reset_frames(void)
{
    for (unsigned int i = 0; i < NR_FRAMES; i++) {
        free(frame_mem[i]);
        frame_mem[i] = NULL;
        frame_owner[i] = NULL;
        frame_maps[i] = 0;
    }
}

/* ----------------------------------------------------------- helpers */

static struct domain *new_dom(domid_t id, unsigned int nvcpus, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = nvcpus;
    d->shared_info = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    memset(d->shared_info, 0, PAGE_SIZE);
    for (unsigned int i = 0; i < nvcpus; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));

        v->domain = d;
        v->vcpu_id = i;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        d->vcpu[i] = v;
    }
    for (unsigned int i = 0; i < NR_TEST_DOMS; i++)
        if (!doms[i]) {
            doms[i] = d;
            break;
        }
    if (evtchn_domain_init(d))
        abort();
    return d;
}

static void free_dom(struct domain *d)
{
    evtchn_domain_destroy(d);
    for (unsigned int i = 0; i < NR_TEST_DOMS; i++)
        if (doms[i] == d)
            doms[i] = NULL;
    for (unsigned int i = 0; i < MAX_VCPUS; i++)
        free(d->vcpu[i]);
    free(d->shared_info);
    free(d);
}

static void reset_counts(void)
{
    nr_marks = 0;
    last_mark = NULL;
    nr_poll_wakes = 0;
    last_poll_port = 0;
}

static long op(struct domain *d, int cmd, void *arg)
{
    return evtchn_op(d, cmd, arg);
}

static int alloc_unbound(struct domain *d, domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = op(d, EVTCHNOP_alloc_unbound, &a);

    return rc ? (int)rc : (int)a.port;
}

static int bind_interdomain(struct domain *d, domid_t rdom, evtchn_port_t rp)
{
    struct evtchn_bind_interdomain b = { .remote_dom = rdom,
                                         .remote_port = rp };
    long rc = op(d, EVTCHNOP_bind_interdomain, &b);

    return rc ? (int)rc : (int)b.local_port;
}

static int bind_virq(struct domain *d, unsigned int virq, unsigned int vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = op(d, EVTCHNOP_bind_virq, &b);

    return rc ? (int)rc : (int)b.port;
}

static int bind_ipi(struct domain *d, unsigned int vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = op(d, EVTCHNOP_bind_ipi, &b);

    return rc ? (int)rc : (int)b.port;
}

static long ev_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    return op(d, EVTCHNOP_close, &c);
}

static long ev_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return op(d, EVTCHNOP_send, &s);
}

static long ev_unmask(struct domain *d, evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };

    return op(d, EVTCHNOP_unmask, &u);
}

static long bind_vcpu(struct domain *d, evtchn_port_t port, unsigned int vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return op(d, EVTCHNOP_bind_vcpu, &b);
}

static long status(struct domain *d, domid_t dom, evtchn_port_t port,
                   struct evtchn_status *s)
{
    memset(s, 0xa5, sizeof(*s));
    s->dom = dom;
    s->port = port;
    return op(d, EVTCHNOP_status, s);
}

static long set_prio(struct domain *d, evtchn_port_t port, unsigned int prio)
{
    struct evtchn_set_priority sp = { .port = port, .priority = prio };

    return op(d, EVTCHNOP_set_priority, &sp);
}

static bool l2_pending(struct domain *d, evtchn_port_t port)
{
    return test_bit(port, d->shared_info->evtchn_pending);
}

static u64 sel(struct domain *d, unsigned int vcpu)
{
    return d->shared_info->vcpu_info[vcpu].evtchn_pending_sel;
}

/* ------------------------------------------------------ port basics */

TEST(port_zero_reserved_first_port_is_one)
{
    struct domain *d = new_dom(1, 1, false);
    struct evtchn_status s;

    CHECK_EQ(status(d, DOMID_SELF, 0, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    CHECK_EQ(ev_close(d, 0), -EINVAL);
    CHECK_EQ(ev_send(d, 0), -EINVAL);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 0), 1);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 0), 2);
    free_dom(d);
}

TEST(two_level_port_limit_and_lowest_free_reuse)
{
    struct domain *d = new_dom(1, 1, false);
    int last = 0, rc;

    for (int i = 1; i < 4096; i++) {
        rc = alloc_unbound(d, DOMID_SELF, 0);
        if (rc != i) {
            CHECK_EQ(rc, i);
            break;
        }
        last = rc;
    }
    CHECK_EQ(last, 4095);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 0), -ENOSPC);
    CHECK_EQ(bind_ipi(d, 0), -ENOSPC);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 0), -ENOSPC);
    CHECK_EQ(evtchn_alloc_hyp_port(d, NULL), -ENOSPC);
    CHECK_EQ(ev_close(d, 100), 0);
    CHECK_EQ(ev_close(d, 3000), 0);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 0), 100);
    CHECK_EQ(alloc_unbound(d, DOMID_SELF, 0), 3000);
    CHECK_EQ(d->evtchn.max_port, 4096);
    free_dom(d);
}

TEST(valid_means_allocated_bucket)
{
    struct domain *d = new_dom(1, 1, false);

    /* One bucket of 64 exists from the start (port 0 lives there). */
    CHECK(evtchn_port_is_valid(d, 0));
    CHECK(evtchn_port_is_valid(d, 63));
    CHECK(!evtchn_port_is_valid(d, 64));
    CHECK_EQ(ev_unmask(d, 63), 0); /* closed but valid: a no-op */
    CHECK_EQ(ev_unmask(d, 64), -EINVAL);
    CHECK_EQ(ev_close(d, 63), -EINVAL);
    for (int i = 1; i <= 64; i++)
        alloc_unbound(d, DOMID_SELF, 0);
    CHECK(evtchn_port_is_valid(d, 127));
    CHECK(!evtchn_port_is_valid(d, 128));
    free_dom(d);
}

TEST(unknown_commands)
{
    struct domain *d = new_dom(1, 1, false);
    struct evtchn_bind_pirq bp = { .pirq = 1 };
    char buf[32] = { 0 };

    CHECK_EQ(op(d, 14, buf), -ENOSYS);
    CHECK_EQ(op(d, -1, buf), -ENOSYS);
    CHECK_EQ(evtchn_op_size(14), 0);
    CHECK_EQ(evtchn_op_size(EVTCHNOP_status), sizeof(struct evtchn_status));
    CHECK(evtchn_op_has_output(EVTCHNOP_bind_ipi));
    CHECK(!evtchn_op_has_output(EVTCHNOP_send));
    CHECK_EQ(op(d, EVTCHNOP_bind_pirq, &bp), -EPERM);
    free_dom(d);
}

/* A mapped pirq binds once, to vCPU 0; the rest is refused as in Xen. */
TEST(bind_pirq)
{
    struct domain *d = new_dom(1, 2, false);
    struct evtchn_bind_pirq bp = { .pirq = FAKE_NR_PIRQS };
    struct evtchn_status s;
    evtchn_port_t port;

    CHECK_EQ(op(d, EVTCHNOP_bind_pirq, &bp), -EINVAL);
    bp.pirq = FAKE_MAPPED_PIRQ + 1;
    CHECK_EQ(op(d, EVTCHNOP_bind_pirq, &bp), -EPERM);
    bp.pirq = FAKE_MAPPED_PIRQ;
    CHECK_EQ(op(d, EVTCHNOP_bind_pirq, &bp), 0);
    port = bp.port;
    CHECK(port != 0);
    CHECK_EQ(op(d, EVTCHNOP_bind_pirq, &bp), -EEXIST);
    CHECK_EQ(status(d, DOMID_SELF, port, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_pirq);
    CHECK_EQ(s.u.pirq, FAKE_MAPPED_PIRQ);
    CHECK_EQ(s.vcpu, 0);
    CHECK_EQ(bind_vcpu(d, port, 1), 0);
    CHECK_EQ(ev_send(d, port), -EINVAL); /* a pirq port is not sendable */
    CHECK_EQ(ev_close(d, port), 0);
    CHECK_EQ(status(d, DOMID_SELF, port, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    /* Closed, it binds again. */
    CHECK_EQ(op(d, EVTCHNOP_bind_pirq, &bp), 0);
    free_dom(d);
}

/* -------------------------------------------------- alloc / interdomain */

TEST(alloc_unbound_domains_and_privilege)
{
    struct domain *d0 = new_dom(0, 1, true);
    struct domain *d1 = new_dom(1, 1, false);
    struct domain *d2 = new_dom(2, 1, false);
    struct evtchn_status s;
    int p;

    CHECK_EQ(alloc_unbound(d1, 7, 0), -ESRCH);
    CHECK_EQ(alloc_unbound(d1, 2, 0), -EPERM);
    /* The privileged domain may allocate in d2; DOMID_SELF is itself. */
    p = alloc_unbound(d0, 2, DOMID_SELF);
    CHECK_EQ(p, 1);
    CHECK_EQ(status(d2, DOMID_SELF, p, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 0);
    CHECK_EQ(s.vcpu, 0);
    p = alloc_unbound(d1, 1, 2);
    CHECK_EQ(status(d1, 1, p, &s), 0);
    CHECK_EQ(s.u.unbound.dom, 2);
    /* Status of another domain's port: only for the privileged. */
    CHECK_EQ(status(d1, 2, 1, &s), -EPERM);
    CHECK_EQ(status(d0, 2, 1, &s), 0);
    CHECK_EQ(status(d1, 9, 1, &s), -ESRCH);
    CHECK_EQ(status(d1, DOMID_SELF, 64, &s), -EINVAL);
    free_dom(d2);
    free_dom(d1);
    free_dom(d0);
}

TEST(bind_interdomain_and_send_both_ways)
{
    struct domain *d1 = new_dom(1, 2, false);
    struct domain *d2 = new_dom(2, 2, false);
    struct evtchn_status s;
    int rp, lp;

    rp = alloc_unbound(d2, DOMID_SELF, 1);
    CHECK_EQ(rp, 1);
    /* Make the ports differ so mix-ups show. */
    alloc_unbound(d1, DOMID_SELF, 5);
    reset_counts();
    lp = bind_interdomain(d1, 2, rp);
    CHECK_EQ(lp, 2);
    /* Binding raises the new local port: sends may have been dropped. */
    CHECK(l2_pending(d1, lp));
    CHECK_EQ(nr_marks, 1);
    CHECK(last_mark == d1->vcpu[0]);
    CHECK_EQ(status(d1, DOMID_SELF, lp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.dom, 2);
    CHECK_EQ(s.u.interdomain.port, rp);
    CHECK_EQ(status(d2, DOMID_SELF, rp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.dom, 1);
    CHECK_EQ(s.u.interdomain.port, lp);

    CHECK(!l2_pending(d2, rp));
    CHECK_EQ(ev_send(d1, lp), 0);
    CHECK(l2_pending(d2, rp));
    CHECK(!l2_pending(d2, lp));
    CHECK(last_mark == d2->vcpu[0]);
    CHECK_EQ(last_poll_port, rp);
    d1->shared_info->evtchn_pending[0] = 0;
    CHECK_EQ(ev_send(d2, rp), 0);
    CHECK(l2_pending(d1, lp));
    CHECK(!l2_pending(d1, rp));
    free_dom(d2);
    free_dom(d1);
}

TEST(bind_interdomain_refusals)
{
    struct domain *d1 = new_dom(1, 1, false);
    struct domain *d2 = new_dom(2, 1, false);
    struct domain *d3 = new_dom(3, 1, false);
    int p3, ipi;

    CHECK_EQ(bind_interdomain(d1, 9, 1), -ESRCH);
    /* Unbound, but for domain 3. */
    p3 = alloc_unbound(d2, DOMID_SELF, 3);
    CHECK_EQ(bind_interdomain(d1, 2, p3), -EINVAL);
    ipi = bind_ipi(d2, 0);
    CHECK_EQ(bind_interdomain(d1, 2, ipi), -EINVAL);
    CHECK_EQ(bind_interdomain(d1, 2, 0), -EINVAL);
    CHECK_EQ(bind_interdomain(d1, 2, 5000), -EINVAL);
    CHECK_EQ(bind_interdomain(d1, 2, 40), -EINVAL); /* closed */
    /* Nothing leaked: the failed binds left port 1 free. */
    CHECK_EQ(d1->evtchn.active, 0);
    CHECK_EQ(bind_interdomain(d3, 2, p3), 1);
    /* A second bind to an already connected port fails. */
    CHECK_EQ(bind_interdomain(d3, 2, p3), -EINVAL);
    free_dom(d3);
    free_dom(d2);
    free_dom(d1);
}

TEST(loopback_within_a_domain)
{
    struct domain *d = new_dom(4, 1, false);
    struct evtchn_status s;
    int a, b;

    a = alloc_unbound(d, DOMID_SELF, DOMID_SELF);
    CHECK_EQ(status(d, DOMID_SELF, a, &s), 0);
    CHECK_EQ(s.u.unbound.dom, 4);
    b = bind_interdomain(d, DOMID_SELF, a);
    CHECK_EQ(b, a + 1);
    d->shared_info->evtchn_pending[0] = 0;
    CHECK_EQ(ev_send(d, b), 0);
    CHECK(l2_pending(d, a));
    CHECK(!l2_pending(d, b));
    CHECK_EQ(ev_send(d, a), 0);
    CHECK(l2_pending(d, b));
    /* Closing one end leaves the other unbound to the domain itself. */
    CHECK_EQ(ev_close(d, a), 0);
    CHECK(!l2_pending(d, a));
    CHECK_EQ(status(d, DOMID_SELF, b, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 4);
    CHECK_EQ(status(d, DOMID_SELF, a, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_closed);
    /* And it can be bound again. */
    CHECK_EQ(bind_interdomain(d, 4, b), a);
    free_dom(d);
}

TEST(close_leaves_peer_unbound_and_rebindable)
{
    struct domain *d1 = new_dom(1, 1, false);
    struct domain *d2 = new_dom(2, 1, false);
    struct evtchn_status s;
    int rp, lp;

    rp = alloc_unbound(d2, DOMID_SELF, 1);
    lp = bind_interdomain(d1, 2, rp);
    CHECK_EQ(ev_close(d1, lp), 0);
    CHECK_EQ(ev_close(d1, lp), -EINVAL);
    CHECK_EQ(status(d2, DOMID_SELF, rp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 1);
    /* Sending into the now unbound end is dropped silently. */
    d1->shared_info->evtchn_pending[0] = 0;
    CHECK_EQ(ev_send(d2, rp), 0);
    CHECK_EQ(d1->shared_info->evtchn_pending[0], 0);
    CHECK_EQ(bind_interdomain(d1, 2, rp), lp);
    CHECK_EQ(ev_close(d2, rp), 0);
    CHECK_EQ(status(d1, DOMID_SELF, lp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 2);
    free_dom(d2);
    free_dom(d1);
}

TEST(domain_destroy_unbinds_peers)
{
    struct domain *d1 = new_dom(1, 2, false);
    struct domain *d2 = new_dom(2, 1, false);
    struct evtchn_status s;
    int rp, rp2;

    rp = alloc_unbound(d2, DOMID_SELF, 1);
    rp2 = alloc_unbound(d2, DOMID_SELF, 1);
    bind_interdomain(d1, 2, rp);
    bind_interdomain(d1, 2, rp2);
    bind_virq(d1, VIRQ_TIMER, 1);
    bind_ipi(d1, 1);
    free_dom(d1);
    CHECK_EQ(status(d2, DOMID_SELF, rp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(s.u.unbound.dom, 1);
    CHECK_EQ(status(d2, DOMID_SELF, rp2, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    /* The dead domain cannot be named any more. */
    CHECK_EQ(ev_send(d2, rp), 0);
    CHECK_EQ(bind_interdomain(d2, 1, 1), -ESRCH);
    free_dom(d2);
}

/* ------------------------------------------------------ 2-level bits */

TEST(two_level_pending_selector_upcall)
{
    struct domain *d = new_dom(1, 2, false);
    int ipi;

    /* Ports 1..69 used so the IPI lands in selector word 1. */
    for (int i = 1; i < 70; i++)
        alloc_unbound(d, DOMID_SELF, 0);
    ipi = bind_ipi(d, 1);
    CHECK_EQ(ipi, 70);
    reset_counts();
    CHECK_EQ(ev_send(d, ipi), 0);
    CHECK(l2_pending(d, 70));
    CHECK_EQ(sel(d, 1), 1u << 1);
    CHECK_EQ(sel(d, 0), 0);
    CHECK_EQ(nr_marks, 1);
    CHECK(last_mark == d->vcpu[1]);
    CHECK_EQ(nr_poll_wakes, 1);
    CHECK_EQ(last_poll_port, 70);
    CHECK(evtchn_port_is_pending(d, 70));
    /* Already pending: nothing more happens. */
    CHECK_EQ(ev_send(d, ipi), 0);
    CHECK_EQ(nr_marks, 1);
    CHECK_EQ(nr_poll_wakes, 1);
    /* Guest consumed the port but left the selector: no new upcall. */
    clear_bit(70, d->shared_info->evtchn_pending);
    CHECK_EQ(ev_send(d, ipi), 0);
    CHECK_EQ(nr_marks, 1);
    CHECK_EQ(nr_poll_wakes, 2);
    /* Guest cleared both: a new upcall. */
    clear_bit(70, d->shared_info->evtchn_pending);
    d->shared_info->vcpu_info[1].evtchn_pending_sel = 0;
    CHECK_EQ(ev_send(d, ipi), 0);
    CHECK_EQ(nr_marks, 2);
    free_dom(d);
}

TEST(two_level_mask_and_unmask_redelivery)
{
    struct domain *d = new_dom(1, 1, false);
    int p = bind_ipi(d, 0);

    set_bit(p, d->shared_info->evtchn_mask);
    reset_counts();
    CHECK_EQ(ev_send(d, p), 0);
    CHECK(l2_pending(d, p));
    CHECK_EQ(sel(d, 0), 0);
    CHECK_EQ(nr_marks, 0);
    /* Masked ports still wake pollers: SCHEDOP_poll ignores masks. */
    CHECK_EQ(nr_poll_wakes, 1);
    CHECK_EQ(ev_unmask(d, p), 0);
    CHECK(!test_bit(p, d->shared_info->evtchn_mask));
    CHECK_EQ(sel(d, 0), 1);
    CHECK_EQ(nr_marks, 1);
    /* Unmasking an unmasked port redelivers nothing. */
    CHECK_EQ(ev_unmask(d, p), 0);
    CHECK_EQ(nr_marks, 1);
    /* Unmasking a masked port that is not pending: no upcall. */
    clear_bit(p, d->shared_info->evtchn_pending);
    d->shared_info->vcpu_info[0].evtchn_pending_sel = 0;
    set_bit(p, d->shared_info->evtchn_mask);
    CHECK_EQ(ev_unmask(d, p), 0);
    CHECK_EQ(nr_marks, 1); /* unchanged */
    CHECK_EQ(sel(d, 0), 0);
    free_dom(d);
}

TEST(close_clears_pending_but_not_mask)
{
    struct domain *d = new_dom(1, 1, false);
    int p = bind_ipi(d, 0);

    set_bit(p, d->shared_info->evtchn_mask);
    ev_send(d, p);
    CHECK(l2_pending(d, p));
    CHECK_EQ(ev_close(d, p), 0);
    CHECK(!l2_pending(d, p));
    CHECK(test_bit(p, d->shared_info->evtchn_mask));
    CHECK(!evtchn_port_is_pending(d, p));
    free_dom(d);
}

/* ------------------------------------------------------------- VIRQs */

TEST(bind_virq_rules)
{
    struct domain *d = new_dom(1, 2, false);
    struct evtchn_status s;
    int t1, t0, con;

    CHECK_EQ(bind_virq(d, NR_VIRQS, 0), -EINVAL);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 2), -ENOENT);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 99), -ENOENT);
    CHECK_EQ(bind_virq(d, VIRQ_CONSOLE, 1), -EINVAL);
    CHECK_EQ(bind_virq(d, VIRQ_DOM_EXC, 1), -EINVAL);
    CHECK_EQ(bind_virq(d, VIRQ_ARCH_0, 1), -EINVAL);
    t1 = bind_virq(d, VIRQ_TIMER, 1);
    CHECK_EQ(t1, 1);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 1), -EEXIST);
    t0 = bind_virq(d, VIRQ_TIMER, 0);
    CHECK_EQ(t0, 2);
    CHECK_EQ(bind_virq(d, VIRQ_DEBUG, 1), 3);
    con = bind_virq(d, VIRQ_CONSOLE, 0);
    CHECK_EQ(con, 4);
    CHECK_EQ(bind_virq(d, VIRQ_CONSOLE, 0), -EEXIST);
    CHECK_EQ(status(d, DOMID_SELF, t1, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_virq);
    CHECK_EQ(s.u.virq, VIRQ_TIMER);
    CHECK_EQ(s.vcpu, 1);
    CHECK_EQ(d->vcpu[1]->evtchn.virq_to_port[VIRQ_TIMER], t1);
    CHECK_EQ(d->vcpu[0]->evtchn.virq_to_port[VIRQ_TIMER], t0);
    /* A VIRQ port cannot be sent on. */
    CHECK_EQ(ev_send(d, t1), -EINVAL);
    /* Closing unbinds it; it can be bound again. */
    CHECK_EQ(ev_close(d, t1), 0);
    CHECK_EQ(d->vcpu[1]->evtchn.virq_to_port[VIRQ_TIMER], 0);
    CHECK_EQ(bind_virq(d, VIRQ_TIMER, 1), t1);
    free_dom(d);
}

TEST(virq_delivery_per_vcpu_and_global)
{
    struct domain *d = new_dom(1, 2, false);
    int t1, con;

    t1 = bind_virq(d, VIRQ_TIMER, 1);
    con = bind_virq(d, VIRQ_DOM_EXC, 0);
    reset_counts();
    send_guest_vcpu_virq(d->vcpu[0], VIRQ_TIMER); /* not bound there */
    CHECK_EQ(d->shared_info->evtchn_pending[0], 0);
    send_guest_vcpu_virq(d->vcpu[1], VIRQ_TIMER);
    CHECK(l2_pending(d, t1));
    CHECK(last_mark == d->vcpu[1]);
    /* Global VIRQs follow bind_vcpu. */
    CHECK_EQ(bind_vcpu(d, con, 1), 0);
    send_guest_global_virq(d, VIRQ_DOM_EXC);
    CHECK(l2_pending(d, con));
    CHECK(last_mark == d->vcpu[1]);
    CHECK_EQ(sel(d, 0), 0);
    /* Misuse from the hypervisor side is ignored, not a crash. */
    send_guest_global_virq(d, VIRQ_TIMER);
    send_guest_vcpu_virq(d->vcpu[0], VIRQ_DOM_EXC);
    send_guest_vcpu_virq(d->vcpu[0], NR_VIRQS + 5);
    send_guest_global_virq(NULL, VIRQ_DOM_EXC);
    CHECK_EQ(ev_close(d, con), 0);
    clear_bit(con, d->shared_info->evtchn_pending);
    send_guest_global_virq(d, VIRQ_DOM_EXC);
    CHECK(!l2_pending(d, con));
    free_dom(d);
}

/* ------------------------------------------------- IPI and bind_vcpu */

TEST(bind_vcpu_rules_and_moves_delivery)
{
    struct domain *d1 = new_dom(1, 3, false);
    struct domain *d2 = new_dom(2, 1, false);
    struct evtchn_status s;
    int timer, ipi, ub, lp, rp;

    CHECK_EQ(bind_ipi(d1, 3), -ENOENT);
    timer = bind_virq(d1, VIRQ_TIMER, 0);
    ipi = bind_ipi(d1, 2);
    ub = alloc_unbound(d1, DOMID_SELF, 2);
    rp = alloc_unbound(d2, DOMID_SELF, 1);
    lp = bind_interdomain(d1, 2, rp);
    CHECK_EQ(bind_vcpu(d1, timer, 1), -EINVAL);
    CHECK_EQ(bind_vcpu(d1, ipi, 1), -EINVAL);
    CHECK_EQ(bind_vcpu(d1, 50, 1), -EINVAL); /* closed */
    CHECK_EQ(bind_vcpu(d1, 4000, 1), -EINVAL);
    CHECK_EQ(bind_vcpu(d1, lp, 3), -ENOENT);
    /* The vCPU is checked before the port, as in Xen. */
    CHECK_EQ(bind_vcpu(d1, 4000, 3), -ENOENT);
    CHECK_EQ(bind_vcpu(d1, ub, 2), 0);
    CHECK_EQ(status(d1, DOMID_SELF, ub, &s), 0);
    CHECK_EQ(s.vcpu, 2);
    CHECK_EQ(bind_vcpu(d1, lp, 2), 0);
    memset(d1->shared_info->evtchn_pending, 0,
           sizeof(d1->shared_info->evtchn_pending));
    reset_counts();
    CHECK_EQ(ev_send(d2, rp), 0);
    CHECK(l2_pending(d1, lp));
    CHECK(last_mark == d1->vcpu[2]);
    CHECK_EQ(sel(d1, 2), 1);
    /* IPI goes to its own vCPU. */
    d1->shared_info->vcpu_info[2].evtchn_pending_sel = 0;
    CHECK_EQ(ev_send(d1, ipi), 0);
    CHECK(last_mark == d1->vcpu[2]);
    CHECK_EQ(status(d1, DOMID_SELF, ipi, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_ipi);
    CHECK_EQ(s.vcpu, 2);
    /* A freed port forgets its vCPU. */
    CHECK_EQ(ev_close(d1, ub), 0);
    CHECK_EQ(alloc_unbound(d1, DOMID_SELF, 0), ub);
    CHECK_EQ(status(d1, DOMID_SELF, ub, &s), 0);
    CHECK_EQ(s.vcpu, 0);
    free_dom(d2);
    free_dom(d1);
}

/* ------------------------------------------------- hypervisor ports */

static struct domain *hyp_seen_d;
static evtchn_port_t hyp_seen_port;
static unsigned int hyp_calls;

static void hyp_handler(struct domain *d, evtchn_port_t port)
{
    hyp_seen_d = d;
    hyp_seen_port = port;
    hyp_calls++;
}

TEST(hypervisor_served_port)
{
    struct domain *d = new_dom(3, 2, false);
    struct evtchn_status s;
    int p, ipi;

    alloc_unbound(d, DOMID_SELF, 0);
    p = evtchn_alloc_hyp_port(d, hyp_handler);
    CHECK_EQ(p, 2);
    CHECK_EQ(status(d, DOMID_SELF, p, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(s.u.interdomain.dom, DOMID_XEN);
    hyp_calls = 0;
    CHECK_EQ(ev_send(d, p), 0);
    CHECK_EQ(hyp_calls, 1);
    CHECK(hyp_seen_d == d);
    CHECK_EQ(hyp_seen_port, p);
    CHECK(!l2_pending(d, p));
    reset_counts();
    evtchn_notify_guest(d, p);
    CHECK(l2_pending(d, p));
    CHECK_EQ(nr_marks, 1);
    CHECK(evtchn_port_is_pending(d, p));
    /* Like an interdomain port it may move to another vCPU. */
    CHECK_EQ(bind_vcpu(d, p, 1), 0);
    clear_bit(p, d->shared_info->evtchn_pending);
    evtchn_notify_guest(d, p);
    CHECK(last_mark == d->vcpu[1]);
    /* Once the guest closes it (and reuses the number) it stays quiet. */
    CHECK_EQ(ev_close(d, p), 0);
    ipi = bind_ipi(d, 0);
    CHECK_EQ(ipi, p);
    evtchn_notify_guest(d, p);
    CHECK(!l2_pending(d, p));
    evtchn_notify_guest(d, 9999);
    free_dom(d);
}

/* -------------------------------------------------------------- reset */

TEST(reset_closes_all_but_hypervisor_ports)
{
    struct domain *d0 = new_dom(0, 1, true);
    struct domain *d1 = new_dom(1, 2, false);
    struct domain *d2 = new_dom(2, 1, false);
    struct evtchn_reset r = { .dom = DOMID_SELF };
    struct evtchn_status s;
    int hp, rp;

    hp = evtchn_alloc_hyp_port(d1, hyp_handler);
    bind_virq(d1, VIRQ_TIMER, 1);
    bind_ipi(d1, 0);
    rp = alloc_unbound(d2, DOMID_SELF, 1);
    bind_interdomain(d1, 2, rp);
    CHECK_EQ(d1->evtchn.active, 4);
    r.dom = 9;
    CHECK_EQ(op(d1, EVTCHNOP_reset, &r), -ESRCH);
    r.dom = 2;
    CHECK_EQ(op(d1, EVTCHNOP_reset, &r), -EPERM);
    r.dom = DOMID_SELF;
    CHECK_EQ(op(d1, EVTCHNOP_reset, &r), 0);
    CHECK_EQ(d1->evtchn.active, 1);
    CHECK_EQ(d1->vcpu[1]->evtchn.virq_to_port[VIRQ_TIMER], 0);
    CHECK_EQ(status(d1, DOMID_SELF, hp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(status(d2, DOMID_SELF, rp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    /*
     * The privileged domain passes the policy, but Xen resets another
     * domain's channels only while its controller pauses it: -EINVAL,
     * nothing closed.
     */
    r.dom = 2;
    CHECK_EQ(op(d0, EVTCHNOP_reset, &r), -EINVAL);
    CHECK_EQ(status(d2, DOMID_SELF, rp, &s), 0);
    CHECK_EQ(s.status, EVTCHNSTAT_unbound);
    CHECK_EQ(d2->evtchn.active, 1);
    free_dom(d2);
    free_dom(d1);
    free_dom(d0);
}

/* ---------------------------------------------------------------- FIFO */

#define CB_GFN(d, v) (10 * (d) + (v))
#define ARRAY_GFN(i) (100 + (i))

static struct evtchn_fifo_control_block *cb_of(unsigned int gfn,
                                               unsigned int off)
{
    return (void *)((char *)frame_mem[gfn] + off);
}

static long init_control(struct domain *d, u64 gfn, u32 off, u32 vcpu,
                         u8 *link_bits)
{
    struct evtchn_init_control ic = { .control_gfn = gfn,
                                      .offset = off,
                                      .vcpu = vcpu };
    long rc = op(d, EVTCHNOP_init_control, &ic);

    if (link_bits)
        *link_bits = ic.link_bits;
    return rc;
}

static long expand(struct domain *d, u64 gfn)
{
    struct evtchn_expand_array ea = { .array_gfn = gfn };

    return op(d, EVTCHNOP_expand_array, &ea);
}

static u32 *word(unsigned int port)
{
    return &frame_mem[ARRAY_GFN(port / 1024)][port % 1024];
}

#define P_BIT (1u << EVTCHN_FIFO_PENDING)
#define M_BIT (1u << EVTCHN_FIFO_MASKED)
#define L_BIT (1u << EVTCHN_FIFO_LINKED)
#define B_BIT (1u << EVTCHN_FIFO_BUSY)

/* A FIFO domain: control blocks for every vCPU and one array page. */
static struct domain *fifo_dom(domid_t id, unsigned int nvcpus)
{
    struct domain *d = new_dom(id, nvcpus, false);

    for (unsigned int v = 0; v < nvcpus; v++) {
        frame_owner[CB_GFN(id, v)] = d;
        if (init_control(d, CB_GFN(id, v), 64, v, NULL))
            abort();
    }
    for (unsigned int i = 0; i < 128; i++)
        frame_owner[ARRAY_GFN(i)] = d;
    if (expand(d, ARRAY_GFN(0)))
        abort();
    return d;
}

TEST(fifo_init_control_checks)
{
    struct domain *d = new_dom(1, 2, false);
    u8 lb = 0;

    reset_frames();
    frame_owner[CB_GFN(1, 0)] = d;
    frame_owner[CB_GFN(1, 1)] = d;
    CHECK_EQ(expand(d, ARRAY_GFN(0)), -EOPNOTSUPP);
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 0, 2, &lb), -ENOENT);
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 4, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 4096 - 72 + 8, 0, NULL), -EINVAL);
    /* A frame the domain does not own is refused; still 2-level. */
    CHECK_EQ(init_control(d, 5, 0, 0, &lb), -EINVAL);
    CHECK_EQ(lb, EVTCHN_FIFO_LINK_BITS);
    CHECK(d->evtchn.fifo == NULL);
    CHECK_EQ(d->evtchn.nr_ports, 4096);
    CHECK_EQ(total_maps(), 0);
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 4096 - 72, 0, &lb), 0);
    CHECK(d->evtchn.fifo != NULL);
    CHECK_EQ(d->evtchn.nr_ports, EVTCHN_FIFO_NR_CHANNELS);
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 0, 0, NULL), -EINVAL);
    CHECK_EQ(init_control(d, CB_GFN(1, 1), 8, 1, NULL), 0);
    CHECK_EQ(total_maps(), 2);
    free_dom(d);
    CHECK_EQ(total_maps(), 0);
}

TEST(set_priority_errors)
{
    struct domain *d;
    int p;

    reset_frames();
    d = new_dom(1, 1, false);
    p = bind_ipi(d, 0);
    CHECK_EQ(set_prio(d, p, 3), -ENOSYS);
    free_dom(d);
    d = fifo_dom(1, 1);
    p = bind_ipi(d, 0);
    CHECK_EQ(set_prio(d, p, 16), -EINVAL);
    CHECK_EQ(set_prio(d, p, 15), 0);
    CHECK_EQ(set_prio(d, 40, 3), -EACCES); /* closed */
    CHECK_EQ(set_prio(d, 0, 3), -EACCES);  /* reserved */
    CHECK_EQ(set_prio(d, 5000, 3), -EINVAL);
    free_dom(d);
}

TEST(fifo_queue_links_in_order_by_priority)
{
    struct domain *d;
    struct evtchn_fifo_control_block *cb;
    int a, b, c, x;

    reset_frames();
    d = fifo_dom(1, 1);
    cb = cb_of(CB_GFN(1, 0), 64);
    a = bind_ipi(d, 0);
    b = bind_ipi(d, 0);
    c = bind_ipi(d, 0);
    x = bind_ipi(d, 0);
    CHECK_EQ(set_prio(d, x, 3), 0);
    reset_counts();
    ev_send(d, a);
    CHECK_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(*word(a), P_BIT | L_BIT);
    CHECK_EQ(nr_marks, 1);
    CHECK_EQ(nr_poll_wakes, 1);
    CHECK_EQ(last_poll_port, a);
    ev_send(d, b);
    ev_send(d, c);
    /* Appended behind the tail; the head is untouched. */
    CHECK_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(*word(a), P_BIT | L_BIT | b);
    CHECK_EQ(*word(b), P_BIT | L_BIT | c);
    CHECK_EQ(*word(c), P_BIT | L_BIT);
    CHECK_EQ(nr_marks, 1);
    CHECK_EQ(nr_poll_wakes, 3);
    /* A second send of a linked event changes nothing. */
    ev_send(d, b);
    CHECK_EQ(*word(b), P_BIT | L_BIT | c);
    CHECK_EQ(*word(c), P_BIT | L_BIT);
    CHECK_EQ(nr_poll_wakes, 3);
    /* Another priority: its own queue and ready bit, a new upcall. */
    ev_send(d, x);
    CHECK_EQ(cb->head[3], x);
    CHECK_EQ(cb->ready, (1u << 3) | (1u << EVTCHN_FIFO_PRIORITY_DEFAULT));
    CHECK_EQ(*word(c), P_BIT | L_BIT);
    CHECK_EQ(nr_marks, 2);
    CHECK(evtchn_port_is_pending(d, x));
    free_dom(d);
    CHECK_EQ(total_maps(), 0);
}

TEST(fifo_consumed_tail_starts_a_new_queue)
{
    struct domain *d;
    struct evtchn_fifo_control_block *cb;
    int a, b;

    reset_frames();
    d = fifo_dom(1, 1);
    cb = cb_of(CB_GFN(1, 0), 64);
    a = bind_ipi(d, 0);
    b = bind_ipi(d, 0);
    ev_send(d, a);
    /* The guest consumes a: unlinks it, clears pending and ready. */
    *word(a) = 0;
    cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] = 0;
    cb->ready = 0;
    reset_counts();
    ev_send(d, b);
    CHECK_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], b);
    CHECK_EQ(*word(a), 0); /* not linked to b */
    CHECK_EQ(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(nr_marks, 1);
    free_dom(d);
}

TEST(fifo_link_clears_busy_and_replaces_link)
{
    struct domain *d;
    int a, b;

    reset_frames();
    d = fifo_dom(1, 1);
    a = bind_ipi(d, 0);
    b = bind_ipi(d, 0);
    ev_send(d, a);
    /* A stale link and BUSY on the tail: linking overwrites both. */
    *word(a) |= B_BIT | 77;
    ev_send(d, b);
    CHECK_EQ(*word(a), P_BIT | L_BIT | b);
    free_dom(d);
}

TEST(fifo_mask_unmask_and_linked_ports_not_reused)
{
    struct domain *d;
    struct evtchn_fifo_control_block *cb;
    int a, b, n;

    reset_frames();
    d = fifo_dom(1, 1);
    cb = cb_of(CB_GFN(1, 0), 64);
    a = bind_ipi(d, 0);
    b = bind_ipi(d, 0);
    *word(a) = M_BIT;
    reset_counts();
    ev_send(d, a);
    CHECK_EQ(*word(a), M_BIT | P_BIT);
    CHECK_EQ(cb->ready, 0);
    CHECK_EQ(nr_marks, 0);
    CHECK_EQ(nr_poll_wakes, 1);
    CHECK_EQ(ev_unmask(d, a), 0);
    CHECK_EQ(*word(a), P_BIT | L_BIT);
    CHECK_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], a);
    CHECK_EQ(nr_marks, 1);
    /* Closed while still linked: the number is not handed out again. */
    CHECK_EQ(ev_close(d, a), 0);
    CHECK_EQ(*word(a), L_BIT); /* pending cleared, link left to guest */
    n = bind_ipi(d, 0);
    CHECK(n != a);
    CHECK_EQ(n, b + 1);
    *word(a) = 0;
    CHECK_EQ(bind_ipi(d, 0), a);
    free_dom(d);
}

TEST(fifo_bind_vcpu_moves_queue)
{
    struct domain *d;
    struct evtchn_fifo_control_block *cb0, *cb1;
    int rp, lp;
    struct domain *d2;

    reset_frames();
    d = fifo_dom(1, 2);
    d2 = new_dom(2, 1, false);
    cb0 = cb_of(CB_GFN(1, 0), 64);
    cb1 = cb_of(CB_GFN(1, 1), 64);
    rp = alloc_unbound(d, DOMID_SELF, 2);
    lp = bind_interdomain(d2, 1, rp);
    CHECK_EQ(bind_vcpu(d, rp, 1), 0);
    reset_counts();
    ev_send(d2, lp);
    CHECK_EQ(cb1->head[EVTCHN_FIFO_PRIORITY_DEFAULT], rp);
    CHECK_EQ(cb1->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK_EQ(cb0->ready, 0);
    CHECK_EQ(cb0->head[EVTCHN_FIFO_PRIORITY_DEFAULT], 0);
    CHECK(last_mark == d->vcpu[1]);
    free_dom(d2);
    free_dom(d);
}

TEST(fifo_without_control_block_drops)
{
    struct domain *d = new_dom(1, 2, false);
    int p;

    reset_frames();
    frame_owner[CB_GFN(1, 0)] = d;
    frame_owner[ARRAY_GFN(0)] = d;
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 0, 0, NULL), 0);
    CHECK_EQ(expand(d, ARRAY_GFN(0)), 0);
    p = bind_ipi(d, 1); /* vCPU 1 has no control block */
    reset_counts();
    CHECK_EQ(ev_send(d, p), 0);
    CHECK_EQ(*word(p), 0);
    CHECK_EQ(nr_marks, 0);
    free_dom(d);
}

TEST(fifo_expand_array_limit_and_late_pages)
{
    struct domain *d = new_dom(1, 1, false);
    struct evtchn_fifo_control_block *cb;
    int port;

    reset_frames();
    frame_owner[CB_GFN(1, 0)] = d;
    for (unsigned int i = 0; i < 129; i++)
        frame_owner[ARRAY_GFN(i)] = d;
    /* Pending under 2-level before the switch: raised once it has a word. */
    port = bind_ipi(d, 0);
    ev_send(d, port);
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 0, 0, NULL), 0);
    cb = cb_of(CB_GFN(1, 0), 0);
    CHECK(!evtchn_port_is_pending(d, port)); /* no word yet */
    CHECK_EQ(expand(d, 5), -EINVAL);         /* not its frame */
    CHECK_EQ(expand(d, ARRAY_GFN(0)), 0);
    CHECK_EQ(*word(port), P_BIT | L_BIT);
    CHECK_EQ(cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], port);

    /* Ports past 4096 exist now; one past the words waits for its page. */
    for (int i = 0; i < 1100; i++)
        bind_ipi(d, 0);
    port = 1101; /* ports 1..1101 are bound */
    CHECK_EQ(d->evtchn.max_port, 1102);
    ev_send(d, port);
    CHECK(!evtchn_port_is_pending(d, port));
    CHECK_EQ(expand(d, ARRAY_GFN(1)), 0);
    CHECK_EQ(*word(port), P_BIT | L_BIT);
    CHECK(evtchn_port_is_pending(d, port));
    for (unsigned int i = 2; i < 128; i++)
        CHECK_EQ(expand(d, ARRAY_GFN(i)), 0);
    CHECK_EQ(expand(d, ARRAY_GFN(128)), -ENOSPC);
    CHECK_EQ(total_maps(), 129);
    free_dom(d);
    CHECK_EQ(total_maps(), 0);
}

TEST(fifo_port_limit_above_two_level)
{
    struct domain *d;
    int p = 0;

    reset_frames();
    d = fifo_dom(1, 1);
    for (int i = 1; i <= 5000; i++)
        p = bind_ipi(d, 0);
    CHECK_EQ(p, 5000);
    CHECK(evtchn_port_is_valid(d, 5000));
    free_dom(d);
}

TEST(fifo_reset_returns_to_two_level)
{
    struct domain *d;
    struct evtchn_reset r = { .dom = DOMID_SELF };
    int p;

    reset_frames();
    d = fifo_dom(1, 2);
    bind_ipi(d, 0);
    CHECK_EQ(total_maps(), 3);
    CHECK_EQ(op(d, EVTCHNOP_reset, &r), 0);
    CHECK(d->evtchn.fifo == NULL);
    CHECK_EQ(d->evtchn.nr_ports, 4096);
    CHECK_EQ(total_maps(), 0);
    p = bind_ipi(d, 0);
    CHECK_EQ(p, 1);
    CHECK_EQ(set_prio(d, p, 3), -ENOSYS);
    reset_counts();
    ev_send(d, p);
    CHECK(l2_pending(d, p));
    CHECK_EQ(nr_marks, 1);
    /* And FIFO can be set up again. */
    CHECK_EQ(init_control(d, CB_GFN(1, 0), 64, 0, NULL), 0);
    free_dom(d);
    CHECK_EQ(total_maps(), 0);
}

TEST(fifo_priority_change_leaves_linked_event)
{
    struct domain *d;
    struct evtchn_fifo_control_block *cb;
    int a;

    reset_frames();
    d = fifo_dom(1, 1);
    cb = cb_of(CB_GFN(1, 0), 64);
    a = bind_ipi(d, 0);
    ev_send(d, a);
    CHECK_EQ(set_prio(d, a, 2), 0);
    ev_send(d, a);
    CHECK_EQ(cb->head[2], 0);
    CHECK_EQ(cb->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    /* Consumed, then raised again: now on the new queue. */
    *word(a) = 0;
    cb->ready = 0;
    ev_send(d, a);
    CHECK_EQ(cb->head[2], a);
    CHECK_EQ(cb->ready, 1u << 2);
    free_dom(d);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: event-channel bookkeeping (2-level and FIFO) driven by decoded hypercall lists. */
#include <string.h>

#include "fuzz_input.h"
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "event.h"
#include "mm.h"
#include "sched.h"
#include "evtchn_impl.h"

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

/* Three domain slots: 0 is privileged; ids are 0, 1, 2. */
#define NR_DOMS 3
#define NR_VCPUS 2
static struct domain *doms[NR_DOMS];

struct domain *domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
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

void vcpu_mark_events_pending(struct vcpu *v)
{
    FZ_CHECK(v && v->vcpu_info);
    v->vcpu_info->evtchn_upcall_pending = 1;
}

void vcpu_poll_wake(struct domain *d, evtchn_port_t port)
{
    FZ_CHECK(d != NULL);
    (void)port;
}

/* Guest frames: slot i owns gfns [16 i, 16 i + 16); more exist unowned. */
#define FRAMES_PER_DOM 16
#define NR_FRAMES (NR_DOMS * FRAMES_PER_DOM + 8)
static struct page_info fake_pg[NR_FRAMES];
static u32 *frame_mem[NR_FRAMES];
static int frame_maps[NR_FRAMES];

void *arch_map_guest_frame(struct domain *d, u64 gfn, struct page_info **pg)
{
    if (gfn >= NR_DOMS * FRAMES_PER_DOM || doms[gfn / FRAMES_PER_DOM] != d)
        return NULL;
    frame_maps[gfn]++;
    *pg = &fake_pg[gfn];
    return frame_mem[gfn];
}

/* physdev.c's pirq table, faked: 8 pirqs of which pirq 3 is mapped. */
unsigned int physdev_nr_pirqs(const struct domain *d)
{
    (void)d;
    return 8;
}

bool physdev_pirq_mapped(const struct domain *d, unsigned int pirq)
{
    (void)d;
    return pirq == 3;
}

void arch_unmap_guest_frame(struct page_info *pg)
{
    long gfn = pg - fake_pg;

    FZ_CHECK(gfn >= 0 && gfn < NR_FRAMES && frame_maps[gfn] > 0);
    frame_maps[gfn]--;
}

/* ----------------------------------------------------------- domains */

static void new_dom(unsigned int slot)
{
    struct domain *d = calloc(1, sizeof(*d));

    FZ_CHECK(d != NULL);
    d->domain_id = (domid_t)slot;
    d->is_privileged = slot == 0;
    d->max_vcpus = NR_VCPUS;
    d->shared_info = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    memset(d->shared_info, 0, PAGE_SIZE);
    for (unsigned int i = 0; i < NR_VCPUS; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));

        v->domain = d;
        v->vcpu_id = i;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        d->vcpu[i] = v;
    }
    doms[slot] = d;
    FZ_CHECK(evtchn_domain_init(d) == 0);
}

static void free_dom(unsigned int slot)
{
    struct domain *d = doms[slot];

    if (cur_vcpu && cur_vcpu->domain == d)
        cur_vcpu = NULL;
    evtchn_domain_destroy(d);
    /* Every frame the domain's event state mapped is unmapped again. */
    for (unsigned int g = 0; g < FRAMES_PER_DOM; g++)
        FZ_CHECK(frame_maps[slot * FRAMES_PER_DOM + g] == 0);
    doms[slot] = NULL;
    for (unsigned int i = 0; i < NR_VCPUS; i++)
        free(d->vcpu[i]);
    free(d->shared_info);
    free(d);
}

/* -------------------------------------------------------- invariants */

/* Xen/x86's per-vCPU VIRQs; every other VIRQ is global. */
static bool virq_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

static void check_domain(struct domain *d)
{
    const struct evtchn_domain *e = &d->evtchn;
    unsigned int active = 0;

    FZ_CHECK(e->valid_ports % EVTCHN_BUCKET_PORTS == 0);
    FZ_CHECK(e->max_port <= e->valid_ports);
    for (evtchn_port_t p = 0; p < e->valid_ports; p++) {
        const struct evtchn *chn = evtchn_from_port(d, p);

        FZ_CHECK(chn->port == p || chn->state == ECS_FREE);
        FZ_CHECK(chn->state <= ECS_PIRQ);
        FZ_CHECK(p != 0 || chn->state == ECS_RESERVED);
        if (evtchn_usable(chn)) {
            active++;
            FZ_CHECK(p < e->max_port);
            FZ_CHECK(chn->notify_vcpu < d->max_vcpus);
        }
        if (chn->state == ECS_INTERDOMAIN) {
            struct domain *r = chn->u.interdomain.dom;
            const struct evtchn *rc;

            /* The peer is alive and points back at this port. */
            FZ_CHECK(r && domain_by_id(r->domain_id) == r);
            FZ_CHECK(evtchn_valid(r, chn->u.interdomain.port));
            rc = evtchn_from_port(r, chn->u.interdomain.port);
            FZ_CHECK(rc->state == ECS_INTERDOMAIN);
            FZ_CHECK(rc->u.interdomain.dom == d && rc->u.interdomain.port == p);
        }
        if (chn->state == ECS_VIRQ) {
            /* Global VIRQs are bound on vCPU 0, whoever is notified. */
            unsigned int v = virq_global(chn->u.virq) ? 0 : chn->notify_vcpu;

            FZ_CHECK(chn->u.virq < NR_VIRQS);
            FZ_CHECK(d->vcpu[v]->evtchn.virq_to_port[chn->u.virq] == p);
        }
    }
    FZ_CHECK(active == e->active);
    for (unsigned int v = 0; v < d->max_vcpus; v++)
        for (unsigned int q = 0; q < NR_VIRQS; q++) {
            evtchn_port_t p = d->vcpu[v]->evtchn.virq_to_port[q];
            const struct evtchn *chn;

            if (!p)
                continue;
            FZ_CHECK(evtchn_valid(d, p));
            chn = evtchn_from_port(d, p);
            FZ_CHECK(chn->state == ECS_VIRQ && chn->u.virq == q);
            FZ_CHECK(virq_global(q) ? v == 0 : chn->notify_vcpu == v);
        }
}

static void check_all(void)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i])
            check_domain(doms[i]);
}

/* ---------------------------------------------------- argument picks */

static evtchn_port_t pick_port(struct fz *f)
{
    u8 b = fz_u8(f);

    switch (b & 3) {
    case 0:
        return b & 4 ? fz_u32(f) : 4032 + fz_u8(f) % 128;
    case 1:
        return fz_u8(f) % 140;
    default:
        return fz_u8(f) % 70;
    }
}

static domid_t pick_domid(struct fz *f)
{
    u8 b = fz_u8(f);

    switch (b % 8) {
    case 0:
    case 1:
    case 2:
    case 3:
        return (domid_t)(b % 8);
    case 4:
    case 5:
        return DOMID_SELF;
    case 6:
        return (domid_t)(DOMID_SELF + 1 + b % 4);
    default:
        return fz_u16(f);
    }
}

static u32 pick_small(struct fz *f, u32 range)
{
    u8 b = fz_u8(f);

    return (b & 0x80) && (b & 0x40) ? fz_u32(f) : (u32)b % range;
}

static u64 pick_gfn(struct fz *f)
{
    u8 b = fz_u8(f);

    return b == 0xff ? fz_u64(f) : b % NR_FRAMES;
}

static void hyp_handler(struct domain *d, evtchn_port_t port)
{
    FZ_CHECK(d != NULL && evtchn_valid(d, port));
}

/* One hypercall with plausible (sometimes wild) arguments. */
static void do_op(struct fz *f, struct domain *d)
{
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_bind_pirq bind_pirq;
        struct evtchn_bind_ipi bind_ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_bind_vcpu bind_vcpu;
        struct evtchn_unmask unmask;
        struct evtchn_reset reset;
        struct evtchn_init_control init_control;
        struct evtchn_expand_array expand_array;
        struct evtchn_set_priority set_priority;
        u8 raw[64];
    } a;
    int cmd = fz_u8(f) % 15;

    memset(&a, 0, sizeof(a));
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        a.alloc_unbound.dom = pick_domid(f);
        a.alloc_unbound.remote_dom = pick_domid(f);
        break;
    case EVTCHNOP_bind_interdomain:
        a.bind_interdomain.remote_dom = pick_domid(f);
        a.bind_interdomain.remote_port = pick_port(f);
        break;
    case EVTCHNOP_bind_virq:
        a.bind_virq.virq = pick_small(f, NR_VIRQS + 2);
        a.bind_virq.vcpu = pick_small(f, NR_VCPUS + 1);
        break;
    case EVTCHNOP_bind_ipi:
        a.bind_ipi.vcpu = pick_small(f, NR_VCPUS + 1);
        break;
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
        a.close.port = pick_port(f);
        break;
    case EVTCHNOP_status:
        a.status.dom = pick_domid(f);
        a.status.port = pick_port(f);
        break;
    case EVTCHNOP_bind_vcpu:
        a.bind_vcpu.port = pick_port(f);
        a.bind_vcpu.vcpu = pick_small(f, NR_VCPUS + 1);
        break;
    case EVTCHNOP_reset:
        a.reset.dom = pick_domid(f);
        break;
    case EVTCHNOP_init_control:
        a.init_control.control_gfn = pick_gfn(f);
        a.init_control.offset = pick_small(f, 4096) & ~7u;
        if (fz_u8(f) & 1)
            a.init_control.offset |= fz_u8(f) & 7;
        a.init_control.vcpu = pick_small(f, NR_VCPUS + 1);
        break;
    case EVTCHNOP_expand_array:
        a.expand_array.array_gfn = pick_gfn(f);
        break;
    case EVTCHNOP_set_priority:
        a.set_priority.port = pick_port(f);
        a.set_priority.priority = pick_small(f, 18);
        break;
    default:
        for (unsigned int i = 0; i < 16; i++)
            a.raw[i] = fz_u8(f);
        break;
    }
    evtchn_op(d, cmd, &a);
}

/* The guest scribbles on memory it owns: event words, masks, links. */
static void guest_write(struct fz *f, unsigned int slot)
{
    u8 b = fz_u8(f);
    u32 val = fz_u32(f);
    u16 off = fz_u16(f) % (PAGE_SIZE / 4);
    struct domain *d = doms[slot];

    if (b & 1)
        ((u32 *)d->shared_info)[off % 512] = val; /* pending/mask words */
    else
        frame_mem[slot * FRAMES_PER_DOM + (b >> 1) % FRAMES_PER_DOM][off] = val;
}

#define BULK_MAX 400
static unsigned int bulk_done;

static void hyp_event(struct fz *f, struct domain *d)
{
    u8 b = fz_u8(f);

    switch (b % 5) {
    case 4: {
        /*
         * Many ports at once: bucket growth. Each allocation scans for the
         * lowest free port (as Xen's does), so the total per input is
         * capped to keep inputs fast; the 2-level limit itself (4095
         * ports) is test_evtchn's two_level_port_limit_... unit test.
         */
        unsigned int n = 1 + fz_u8(f) * 2u;

        if (n > BULK_MAX - bulk_done)
            n = BULK_MAX - bulk_done;
        bulk_done += n;
        for (unsigned int i = 0; i < n; i++) {
            struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
                                              .remote_dom = 0 };

            if (evtchn_op(d, EVTCHNOP_alloc_unbound, &a))
                break;
        }
        break;
    }
    case 0:
        send_guest_vcpu_virq(d->vcpu[fz_u8(f) % NR_VCPUS],
                             pick_small(f, NR_VIRQS));
        break;
    case 1:
        send_guest_global_virq(d, pick_small(f, NR_VIRQS));
        break;
    case 2:
        evtchn_alloc_hyp_port(d, hyp_handler);
        break;
    default: {
        evtchn_port_t p = pick_port(f);

        /* Vesper only notifies through ports it allocated itself. */
        if (evtchn_valid(d, p) && evtchn_from_port(d, p)->state == ECS_HYP)
            evtchn_notify_guest(d, p);
        evtchn_port_is_pending(d, pick_port(f));
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };

    bulk_done = 0;
    for (unsigned int i = 0; i < NR_FRAMES; i++) {
        if (!frame_mem[i])
            frame_mem[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
        memset(frame_mem[i], 0, PAGE_SIZE);
        frame_maps[i] = 0;
    }
    for (unsigned int i = 0; i < NR_DOMS; i++)
        new_dom(i);
    while (fz_more(&f)) {
        u8 b = fz_u8(&f);
        unsigned int slot = (b >> 4) % NR_DOMS;
        struct domain *d = doms[slot];

        cur_vcpu = d->vcpu[(b >> 6) & 1];
        switch (b % 8) {
        case 0:
        case 1:
        case 2:
        case 3:
            do_op(&f, d);
            break;
        case 4:
        case 5:
            guest_write(&f, slot);
            break;
        case 6:
            hyp_event(&f, d);
            break;
        default:
            /* Domain death and a fresh domain with the same id. */
            free_dom(slot);
            new_dom(slot);
            break;
        }
        check_all();
    }
    for (unsigned int i = 0; i < NR_DOMS; i++)
        free_dom(i);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Ioreq servers: an HVM domain's device I/O sent to its device model, as Xen 4.17's common/ioreq.c. */
#include "atomic.h"
#include "errno.h"
#include "event.h"
#include "lib.h"
#include "rangeset.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/ioreq.h"
#include "asm/mm.h"
#include "asm/pagetype.h"
#include <public/hvm/hvm_op.h>
#include <public/memory.h>

/*
 * One server: the target's frames it shares with the emulator (the ioreq
 * page, one ioreq_t per vCPU, and the optional buffered ring), allocated
 * when the emulator first asks for them (XENMEM_acquire_resource), and
 * per-vCPU event channels in the target, unbound for the emulator to
 * bind to. The hypervisor consumes the target's end: the emulator's
 * notification wakes the waiting vCPU, the guest never sees an event.
 */
struct hvm_ioreq_server {
    struct domain *target, *emulator;
    ioservid_t id;
    unsigned int bufioreq_handling; /* HVM_IOREQSRV_BUFIOREQ_* */
    bool enabled;
    struct page_info *ioreq_pg, *bufioreq_pg;
    evtchn_port_t vcpu_port[MAX_VCPUS];
    evtchn_port_t bufioreq_port;
    struct rangeset range[NR_IO_RANGE_TYPES];
};

static struct hvm_ioreq_server *get_server(const struct domain *d,
                                           ioservid_t id)
{
    if (id >= MAX_NR_IOREQ_SERVERS)
        return NULL;
    return d->arch.hvm->ioreq.server[id];
}

/* Xen's rule for every operation on a server: only its own emulator. */
static int get_own_server(const struct domain *d, const struct domain *dm,
                          ioservid_t id, struct hvm_ioreq_server **sp)
{
    struct hvm_ioreq_server *s = get_server(d, id);

    if (!s)
        return -ENOENT;
    if (s->emulator != dm)
        return -EPERM;
    *sp = s;
    return 0;
}

static ioreq_t *vcpu_slot(const struct hvm_ioreq_server *s,
                          const struct vcpu *v)
{
    shared_iopage_t *p = mfn_to_virt(page_to_mfn(s->ioreq_pg));

    return &p->vcpu_ioreq[v->vcpu_id];
}

/* ------------------------------------------------------------- frames */

/*
 * A frame of the target, as Xen's alloc_domheap_page(target): on its page
 * list with its allocation reference, so the privileged emulator maps it
 * by naming the target as page owner, and the auditor counts it as any
 * other frame of the target. It is in no P2M: the guest cannot reach it.
 * The hypervisor writes it through its direct map.
 */
static struct page_info *alloc_frame(struct domain *d)
{
    struct page_info *pg = alloc_pages(0);

    if (!pg)
        return NULL;
    memset(mfn_to_virt(page_to_mfn(pg)), 0, PAGE_SIZE);
    pv_assign_page(pg, d);
    page_list_add(&d->page_list, pg);
    d->tot_pages++;
    m2p_set(page_to_mfn(pg), M2P_INVALID);
    return pg;
}

/*
 * Xen's put_page_alloc_ref: the frame goes with its last mapping; while
 * the emulator still maps it, it stays (with the target, as a zombie if
 * the target is destroyed meanwhile).
 */
static void free_frame(struct page_info **pgp)
{
    if (*pgp)
        (void)pv_release_allocation(*pgp);
    *pgp = NULL;
}

static int alloc_frames(struct hvm_ioreq_server *s)
{
    if (!s->ioreq_pg) {
        s->ioreq_pg = alloc_frame(s->target);
        if (!s->ioreq_pg)
            return -ENOMEM;
    }
    if (s->bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF && !s->bufioreq_pg) {
        s->bufioreq_pg = alloc_frame(s->target);
        if (!s->bufioreq_pg) {
            free_frame(&s->ioreq_pg);
            return -ENOMEM;
        }
    }
    return 0;
}

/* ---------------------------------------------------- event channels */

/* The emulator answered on one of d's ioreq ports: wake that vCPU. */
static void ioreq_notified(struct domain *d, evtchn_port_t port)
{
    for (unsigned int id = 0; id < MAX_NR_IOREQ_SERVERS; id++) {
        struct hvm_ioreq_server *s = d->arch.hvm->ioreq.server[id];

        for (unsigned int i = 0; s && i < d->max_vcpus; i++)
            if (s->vcpu_port[i] == port && d->vcpu[i])
                vcpu_unpause_flag(d->vcpu[i], VPF_blocked_in_hyp);
    }
}

static void free_ports(struct hvm_ioreq_server *s)
{
    for (unsigned int i = 0; i < MAX_VCPUS; i++)
        if (s->vcpu_port[i])
            evtchn_free_hyp(s->target, s->vcpu_port[i]);
    if (s->bufioreq_port)
        evtchn_free_hyp(s->target, s->bufioreq_port);
    memset(s->vcpu_port, 0, sizeof(s->vcpu_port));
    s->bufioreq_port = 0;
}

static int alloc_ports(struct hvm_ioreq_server *s)
{
    struct domain *d = s->target;
    int port;

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        if (!d->vcpu[i])
            continue;
        port = evtchn_alloc_unbound_hyp(d, i, s->emulator->domain_id,
                                        ioreq_notified);
        if (port < 0)
            goto fail;
        s->vcpu_port[i] = (evtchn_port_t)port;
    }
    if (s->bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF) {
        port = evtchn_alloc_unbound_hyp(d, 0, s->emulator->domain_id,
                                        ioreq_notified);
        if (port < 0)
            goto fail;
        s->bufioreq_port = (evtchn_port_t)port;
    }
    return 0;
fail:
    free_ports(s);
    return port;
}

/* ------------------------------------------------------- operations */

int ioreq_server_create(struct domain *d, struct domain *dm,
                        unsigned int bufioreq, ioservid_t *id)
{
    struct hvm_ioreq_domain *io = &d->arch.hvm->ioreq;
    struct hvm_ioreq_server *s;
    unsigned int i;
    int rc;

    if (bufioreq > HVM_IOREQSRV_BUFIOREQ_ATOMIC)
        return -EINVAL;
    for (i = 0; i < MAX_NR_IOREQ_SERVERS && io->server[i]; i++)
        ;
    if (i == MAX_NR_IOREQ_SERVERS)
        return -ENOSPC;
    s = xzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->target = d;
    s->emulator = dm;
    s->id = (ioservid_t)i;
    s->bufioreq_handling = bufioreq;
    rc = alloc_ports(s);
    if (rc) {
        xfree(s);
        return rc;
    }
    io->server[i] = s;
    *id = (ioservid_t)i;
    return 0;
}

/*
 * Without XEN_DMOP_no_gfns Xen would put the pages into the guest's P2M
 * at gfns the toolstack set aside (HVM_PARAM_IOREQ_PFN and friends).
 * Vesper's builder sets none aside, so the answer is Xen's when none is
 * left: -ENOMEM, or -EPERM once the pages were acquired as resources.
 */
int ioreq_server_get_info(struct domain *d, struct domain *dm, ioservid_t id,
                          bool want_gfns,
                          struct xen_dm_op_get_ioreq_server_info *info)
{
    struct hvm_ioreq_server *s;
    int rc = get_own_server(d, dm, id, &s);

    if (rc)
        return rc;
    if (want_gfns)
        return s->ioreq_pg ? -EPERM : -ENOMEM;
    if (s->bufioreq_handling != HVM_IOREQSRV_BUFIOREQ_OFF)
        info->bufioreq_port = s->bufioreq_port;
    return 0;
}

/* Does any value of [s, e] lie in the set? (Xen's rangeset_overlaps_range) */
static bool range_overlaps(const struct rangeset *rs, u64 s, u64 e)
{
    for (unsigned int i = 0; i < rs->nr; i++)
        if (rs->r[i].s <= e && s <= rs->r[i].e)
            return true;
    return false;
}

int ioreq_server_map_range(struct domain *d, struct domain *dm, ioservid_t id,
                           u32 type, u64 start, u64 end, bool map)
{
    struct hvm_ioreq_server *s;
    struct rangeset *r;
    int rc;

    if (start > end)
        return -EINVAL;
    rc = get_own_server(d, dm, id, &s);
    if (rc)
        return rc;
    if (type >= NR_IO_RANGE_TYPES)
        return -EINVAL;
    r = &s->range[type];
    if (map)
        return range_overlaps(r, start, end) ? -EEXIST
                                             : rangeset_add(r, start, end);
    if (!rangeset_contains(r, start, end))
        return -ENOENT;
    return rangeset_remove(r, start, end);
}

int ioreq_server_set_state(struct domain *d, struct domain *dm, ioservid_t id,
                           bool enabled)
{
    struct hvm_ioreq_server *s;
    int rc = get_own_server(d, dm, id, &s);

    if (rc)
        return rc;
    /* As Xen, enabling tells each vCPU's slot its port (if mapped yet). */
    if (enabled && !s->enabled && s->ioreq_pg)
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            if (d->vcpu[i])
                vcpu_slot(s, d->vcpu[i])->vp_eport = s->vcpu_port[i];
    s->enabled = enabled;
    return 0;
}

/*
 * Vesper's addition: a vCPU waiting on a server that goes resumes with
 * all ones instead of waiting for ever. The rest is Xen's deinit.
 */
static void server_free(struct hvm_ioreq_server *s)
{
    struct domain *d = s->target;

    s->enabled = false;
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v && v->arch.hvm && v->arch.hvm->io.pending &&
            v->arch.hvm->io.server == s) {
            v->arch.hvm->io.server = NULL;
            vcpu_unpause_flag(v, VPF_blocked_in_hyp);
        }
    }
    free_ports(s);
    free_frame(&s->bufioreq_pg);
    free_frame(&s->ioreq_pg);
    d->arch.hvm->ioreq.server[s->id] = NULL;
    xfree(s);
}

int ioreq_server_destroy(struct domain *d, struct domain *dm, ioservid_t id)
{
    struct hvm_ioreq_server *s;
    int rc = get_own_server(d, dm, id, &s);

    if (rc)
        return rc;
    server_free(s);
    return 0;
}

unsigned int ioreq_server_max_frames(const struct domain *d)
{
    /* Xen's: the buffered frame, then one ioreq frame for all vCPUs. */
    return is_hvm_domain(d) ? 2 : 0;
}

int ioreq_server_get_frame(struct domain *d, struct domain *dm, ioservid_t id,
                           unsigned int idx, mfn_t *mfn)
{
    struct hvm_ioreq_server *s;
    int rc = get_own_server(d, dm, id, &s);

    if (rc)
        return rc;
    rc = alloc_frames(s);
    if (rc)
        return rc;
    switch (idx) {
    case XENMEM_resource_ioreq_server_frame_bufioreq:
        if (!s->bufioreq_pg)
            return -ENOENT;
        *mfn = page_to_mfn(s->bufioreq_pg);
        return 0;
    case XENMEM_resource_ioreq_server_frame_ioreq(0):
        *mfn = page_to_mfn(s->ioreq_pg);
        return 0;
    default:
        return -EINVAL;
    }
}

void ioreq_domain_destroy(struct domain *d)
{
    for (unsigned int id = 0; id < MAX_NR_IOREQ_SERVERS; id++)
        if (d->arch.hvm->ioreq.server[id])
            server_free(d->arch.hvm->ioreq.server[id]);
}

/*
 * The emulator is being destroyed: its servers cannot outlive it (Xen
 * holds the emulator's domain until the servers go; Vesper frees them
 * here), and vCPUs waiting on them resume with all ones.
 */
void ioreq_emulator_gone(struct domain *dm)
{
    for (unsigned int k = 0; k < MAX_DOMAINS; k++) {
        struct domain *d = domain_list[k];

        if (!d || d == dm || !is_hvm_domain(d))
            continue;
        for (unsigned int id = 0; id < MAX_NR_IOREQ_SERVERS; id++) {
            struct hvm_ioreq_server *s = d->arch.hvm->ioreq.server[id];

            if (s && s->emulator == dm)
                server_free(s);
        }
    }
}

/* ------------------------------------------------------ send, complete */

/* Xen's ioreq_server_select: the newest enabled server covering p. */
static struct hvm_ioreq_server *select_server(struct domain *d,
                                              const ioreq_t *p)
{
    unsigned int type;

    if (p->type == IOREQ_TYPE_PIO)
        type = XEN_DMOP_IO_RANGE_PORT;
    else if (p->type == IOREQ_TYPE_COPY)
        type = XEN_DMOP_IO_RANGE_MEMORY;
    else
        return NULL;
    for (unsigned int id = MAX_NR_IOREQ_SERVERS; id--;) {
        struct hvm_ioreq_server *s = d->arch.hvm->ioreq.server[id];

        if (s && s->enabled &&
            rangeset_contains(&s->range[type], p->addr, p->addr + p->size - 1))
            return s;
    }
    return NULL;
}

int hvm_ioreq_send(struct vcpu *v, ioreq_t *p)
{
    struct domain *d = v->domain;
    struct hvm_ioreq_server *s = select_server(d, p);
    evtchn_port_t port;
    ioreq_t *slot;

    /* No pages yet: the emulator has not mapped anything to answer in. */
    if (!s || !s->ioreq_pg)
        return HVMIO_UNHANDLED;
    port = s->vcpu_port[v->vcpu_id];
    slot = vcpu_slot(s, v);
    /* Xen's checks of what the device model left in the slot. */
    if (slot->state != STATE_IOREQ_NONE || slot->vp_eport != port) {
        printk_lvl(LOG_ERR,
                   "d%u v%u: device model d%u set bad IO state %u or "
                   "event channel %u\n",
                   d->domain_id, v->vcpu_id, s->emulator->domain_id,
                   slot->state, slot->vp_eport);
        return HVMIO_UNHANDLED;
    }
    p->state = STATE_IOREQ_NONE;
    p->vp_eport = port;
    *slot = *p;
    v->arch.hvm->io.pending = true;
    v->arch.hvm->io.server = s;
    v->arch.hvm->io.req = *p;
    /* Off the CPU before the emulator can see the request. */
    vcpu_pause_flag(v, VPF_blocked_in_hyp);
    smp_mb();
    slot->state = STATE_IOREQ_READY;
    evtchn_notify_remote(d, port);
    return HVMIO_RETRY;
}

/* The request is over: data is the emulator's answer, or all ones. */
static int io_done(struct hvm_vcpu_io *io, u64 data, ioreq_t *done)
{
    io->pending = false;
    io->server = NULL;
    *done = io->req;
    if (done->dir == IOREQ_READ)
        done->data = data;
    done->state = STATE_IORESP_READY;
    return 1;
}

/* Xen's wait_for_io, on the way into the vCPU rather than in a loop. */
int hvm_io_complete(struct vcpu *v, ioreq_t *done)
{
    struct hvm_vcpu_io *io = &v->arch.hvm->io;
    ioreq_t *slot;
    unsigned int state;

    if (!io->pending)
        return 0;
    /* The server went while we waited. */
    if (!io->server)
        return io_done(io, ~0ULL, done);
    slot = vcpu_slot(io->server, v);
    /* Wait first, then look: an answer after the look wakes us. */
    vcpu_pause_flag(v, VPF_blocked_in_hyp);
    smp_mb();
    state = slot->state;
    smp_rmb();
    switch (state) {
    case STATE_IORESP_READY: {
        u64 data = slot->data;

        slot->state = STATE_IOREQ_NONE;
        vcpu_unpause_flag(v, VPF_blocked_in_hyp);
        return io_done(io, data, done);
    }
    case STATE_IOREQ_READY:
    case STATE_IOREQ_INPROCESS:
        return -1;
    case STATE_IOREQ_NONE:
        /* As Xen: an emulator that dropped the request means all ones. */
        vcpu_unpause_flag(v, VPF_blocked_in_hyp);
        return io_done(io, ~0ULL, done);
    default:
        vcpu_unpause_flag(v, VPF_blocked_in_hyp);
        io->pending = false;
        io->server = NULL;
        domain_crash(v->domain, "HVM: device model set ioreq state %u", state);
        return -1;
    }
}

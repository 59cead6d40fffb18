/* SPDX-License-Identifier: MIT */
/* A PV device model's side of HVM ioreq servers (guest/ioreq.h). */
#include <guest/events.h>
#include <guest/ioreq.h>
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/time.h>

long ioreq_dm_op_bufs(domid_t domid, unsigned int nr, struct xen_dm_op_buf *b)
{
    return HYPERVISOR_dm_op(domid, nr, b);
}

long ioreq_dm_op(domid_t domid, struct xen_dm_op *op, size_t size)
{
    struct xen_dm_op_buf b;

    set_xen_guest_handle(b.h, op);
    b.size = size;
    return ioreq_dm_op_bufs(domid, 1, &b);
}

long ioreq_acquire_frame(domid_t domid, ioservid_t id, unsigned int frame,
                         uint64_t *mfn)
{
    struct xen_mem_acquire_resource r;
    xen_pfn_t list[1] = { 0 };
    long rc;

    memset(&r, 0, sizeof(r));
    r.domid = domid;
    r.type = XENMEM_resource_ioreq_server;
    r.id = id;
    r.frame = frame;
    r.nr_frames = 1;
    set_xen_guest_handle(r.frame_list, list);
    rc = HYPERVISOR_memory_op(XENMEM_acquire_resource, &r);
    if (!rc)
        *mfn = list[0];
    return rc;
}

#define OP_SIZE(m) \
    (offsetof(struct xen_dm_op, u) + sizeof(((struct xen_dm_op *)0)->u.m))

static long fail(const char *what, long rc)
{
    printk("ioreq: %s: error %ld\n", what, rc);
    return rc;
}

long ioreq_client_set_state(struct ioreq_client *c, int enabled)
{
    struct xen_dm_op op;

    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_set_ioreq_server_state;
    op.u.set_ioreq_server_state.id = c->id;
    op.u.set_ioreq_server_state.enabled = enabled ? 1 : 0;
    return ioreq_dm_op(c->domid, &op, OP_SIZE(set_ioreq_server_state));
}

long ioreq_client_map(struct ioreq_client *c, uint32_t type, uint64_t start,
                      uint64_t end)
{
    struct xen_dm_op op;

    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_map_io_range_to_ioreq_server;
    op.u.map_io_range_to_ioreq_server.id = c->id;
    op.u.map_io_range_to_ioreq_server.type = type;
    op.u.map_io_range_to_ioreq_server.start = start;
    op.u.map_io_range_to_ioreq_server.end = end;
    return ioreq_dm_op(c->domid, &op, OP_SIZE(map_io_range_to_ioreq_server));
}

/* Our page at va now shows the HVM domain's frame mfn (Xen's foreign map). */
static long map_foreign(domid_t domid, void *va, uint64_t mfn)
{
    struct mmu_update u = {
        .ptr = mm_pte_maddr((unsigned long)va, 1) | MMU_NORMAL_PT_UPDATE,
        .val = MFN_PTE(mfn, PTE_KDATA),
    };
    long rc = HYPERVISOR_mmu_update(&u, 1, NULL, domid);

    if (!rc)
        rc = mm_invlpg((unsigned long)va);
    return rc;
}

long ioreq_client_open(struct ioreq_client *c, domid_t domid,
                       unsigned int nr_vcpus)
{
    struct xen_dm_op op;
    void *va;
    long rc;

    memset(c, 0, sizeof(*c));
    c->domid = domid;
    c->nr_vcpus = nr_vcpus < IOREQ_CLIENT_VCPUS ? nr_vcpus : IOREQ_CLIENT_VCPUS;
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_create_ioreq_server;
    op.u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_OFF;
    rc = ioreq_dm_op(domid, &op, OP_SIZE(create_ioreq_server));
    if (rc)
        return fail("create_ioreq_server", rc);
    c->id = op.u.create_ioreq_server.id;
    rc = ioreq_acquire_frame(domid, c->id,
                             XENMEM_resource_ioreq_server_frame_ioreq(0),
                             &c->iopage_mfn);
    if (rc)
        return fail("acquire_resource", rc);
    va = mm_alloc_page();
    if (!va)
        return fail("a page to map it at", -XEN_ENOMEM);
    c->saved_pte = mm_read_pte((unsigned long)va, 1);
    rc = map_foreign(domid, va, c->iopage_mfn);
    if (rc)
        return fail("mapping the ioreq page", rc);
    c->iopage = va;
    rc = ioreq_client_set_state(c, 1);
    if (rc)
        return fail("set_ioreq_server_state", rc);
    for (unsigned int i = 0; i < c->nr_vcpus; i++) {
        rc = evtchn_bind_interdomain(domid, c->iopage->vcpu_ioreq[i].vp_eport,
                                     &c->port[i]);
        if (rc)
            return fail("bind_interdomain", rc);
    }
    return 0;
}

unsigned int ioreq_client_serve(struct ioreq_client *c, ioreq_handler_t fn,
                                void *ctx, uint64_t timeout_ns)
{
    uint64_t deadline = guest_now() + timeout_ns;
    unsigned int served = 0;

    for (;;) {
        for (unsigned int i = 0; i < c->nr_vcpus; i++) {
            volatile ioreq_t *slot = &c->iopage->vcpu_ioreq[i];
            ioreq_t req;

            /* Clear first: a request after the look raises it again. */
            evtchn_clear_pending(c->port[i]);
            if (slot->state != STATE_IOREQ_READY)
                continue;
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            slot->state = STATE_IOREQ_INPROCESS;
            memcpy(&req, (const void *)slot, sizeof(req));
            fn(ctx, &req);
            if (req.dir == IOREQ_READ)
                slot->data = req.data;
            /* The data before the state, as Xen's wait_for_io reads them. */
            __atomic_thread_fence(__ATOMIC_RELEASE);
            slot->state = STATE_IORESP_READY;
            evtchn_send(c->port[i]);
            served++;
        }
        if (served || guest_now() >= deadline)
            return served;
        sched_poll(c->port, c->nr_vcpus, deadline);
    }
}

long ioreq_client_close(struct ioreq_client *c)
{
    struct xen_dm_op op;

    if (c->iopage) {
        mm_update_va((unsigned long)c->iopage, c->saved_pte, UVMF_INVLPG);
        mm_free_page((void *)c->iopage);
        c->iopage = NULL;
    }
    for (unsigned int i = 0; i < c->nr_vcpus; i++)
        if (c->port[i])
            evtchn_close(c->port[i]);
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_destroy_ioreq_server;
    op.u.destroy_ioreq_server.id = c->id;
    return ioreq_dm_op(c->domid, &op, OP_SIZE(destroy_ioreq_server));
}

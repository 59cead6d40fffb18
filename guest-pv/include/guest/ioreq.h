/* SPDX-License-Identifier: MIT */
/* A PV device model's side of HVM ioreq servers: dm_op, the ioreq page, serving requests. */
#ifndef GUEST_IOREQ_H
#define GUEST_IOREQ_H

#include <guest/guest.h>
#include <public/hvm/dm_op.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/ioreq.h>

/* vCPUs of the HVM domain an ioreq_client serves at most. */
#define IOREQ_CLIENT_VCPUS 8

/*
 * The order QEMU takes, which Xen 4.17 expects: create the server, map
 * its ioreq page (XENMEM_acquire_resource, then mmu_update naming the
 * HVM domain as page owner), enable it (that writes each vCPU's port
 * into its slot), bind to those ports; then claim ranges and serve.
 */
struct ioreq_client {
    domid_t domid;
    ioservid_t id;
    unsigned int nr_vcpus;
    volatile shared_iopage_t *iopage;
    uint64_t iopage_mfn;
    uint64_t saved_pte; /* what the mapping's VA held before */
    evtchn_port_t port[IOREQ_CLIENT_VCPUS]; /* ours, bound to the slots' */
};

/*
 * One dm_op with bufs[0] = op (of size bytes); returns its result.
 * ioreq_dm_op_bufs passes the buffers as given (for tests of refusals).
 */
long ioreq_dm_op(domid_t domid, struct xen_dm_op *op, size_t size);
long ioreq_dm_op_bufs(domid_t domid, unsigned int nr, struct xen_dm_op_buf *b);

/* XENMEM_acquire_resource for one ioreq-server frame's MFN. */
long ioreq_acquire_frame(domid_t domid, ioservid_t id, unsigned int frame,
                         uint64_t *mfn);

/*
 * create, acquire and map, enable, bind: 0 or the first error (printed).
 * mm_init() must have run (the page comes from its spare pages).
 */
long ioreq_client_open(struct ioreq_client *c, domid_t domid,
                       unsigned int nr_vcpus);
/* XEN_DMOP_map_io_range_to_ioreq_server: type XEN_DMOP_IO_RANGE_*. */
long ioreq_client_map(struct ioreq_client *c, uint32_t type, uint64_t start,
                      uint64_t end);
/* The server's requests go for every vCPU (vp_eport written). */
long ioreq_client_set_state(struct ioreq_client *c, int enabled);

/*
 * Serve what is ready, waiting up to timeout_ns for something: for each
 * slot in STATE_IOREQ_READY, fn sees the request (for a read, it sets
 * req->data), then the answer goes back and the vCPU is notified.
 * Returns how many it served.
 */
typedef void (*ioreq_handler_t)(void *ctx, ioreq_t *req);
unsigned int ioreq_client_serve(struct ioreq_client *c, ioreq_handler_t fn,
                                void *ctx, uint64_t timeout_ns);

/* Unmap, close our ports, destroy the server. */
long ioreq_client_close(struct ioreq_client *c);

#endif /* GUEST_IOREQ_H */

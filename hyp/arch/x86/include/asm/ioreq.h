/* SPDX-License-Identifier: GPL-2.0-only */
/* Ioreq servers: HVM device I/O forwarded to an emulator domain, Xen 4.17's way. */
#ifndef ASM_IOREQ_H
#define ASM_IOREQ_H

#include "types.h"
#include "mm.h"
#include <public/hvm/dm_op.h>
#include <public/hvm/ioreq.h>

struct domain;
struct vcpu;
struct hvm_ioreq_server;

/* Xen's MAX_NR_IOREQ_SERVERS: ids 0-7 per target domain. */
#define MAX_NR_IOREQ_SERVERS 8
/* Port, memory and PCI ranges (XEN_DMOP_IO_RANGE_*). */
#define NR_IO_RANGE_TYPES 3

/* Embedded in struct hvm_domain. */
struct hvm_ioreq_domain {
    struct hvm_ioreq_server *server[MAX_NR_IOREQ_SERVERS];
};

/*
 * Embedded in struct hvm_vcpu: the one synchronous request a vCPU may
 * have outstanding. server is NULL once the server went while the vCPU
 * waited, which then completes with all ones.
 */
struct hvm_vcpu_io {
    bool pending;
    struct hvm_ioreq_server *server;
    ioreq_t req; /* what was sent, for the completion */
};

/* hvm_ioreq_send's answers. */
#define HVMIO_UNHANDLED 0 /* no enabled server claims it: the caller decides */
#define HVMIO_RETRY 1     /* sent; v waits until hvm_io_complete() says 1 */

/*
 * Hand p (type, addr, size, dir, data; count 1, no data_is_ptr) to the
 * server whose range covers it. On HVMIO_RETRY v is off the CPUs
 * (VPF_blocked_in_hyp) until the emulator answers; the back end must not
 * enter the guest before hvm_io_complete() returns 1. Callable from any
 * exit handler (port I/O now, MMIO later), big lock held, v current.
 */
int hvm_ioreq_send(struct vcpu *v, ioreq_t *p);
/*
 * On the way back into v: 0 nothing outstanding, 1 the request is done
 * (*done is it, with the emulator's data for a read, all ones if the
 * server or its emulator went), -1 still waiting (v blocked again, or
 * its domain crashed for a bad state): go round the loop.
 */
int hvm_io_complete(struct vcpu *v, ioreq_t *done);

/* dm_op's ioreq-server operations; dm is the caller (the emulator). */
int ioreq_server_create(struct domain *d, struct domain *dm,
                        unsigned int bufioreq, ioservid_t *id);
int ioreq_server_get_info(struct domain *d, struct domain *dm, ioservid_t id,
                          bool want_gfns,
                          struct xen_dm_op_get_ioreq_server_info *info);
int ioreq_server_map_range(struct domain *d, struct domain *dm, ioservid_t id,
                           u32 type, u64 start, u64 end, bool map);
int ioreq_server_set_state(struct domain *d, struct domain *dm, ioservid_t id,
                           bool enabled);
int ioreq_server_destroy(struct domain *d, struct domain *dm, ioservid_t id);

/* XENMEM_acquire_resource: frame 0 the buffered page, 1 the ioreq page. */
unsigned int ioreq_server_max_frames(const struct domain *d);
int ioreq_server_get_frame(struct domain *d, struct domain *dm, ioservid_t id,
                           unsigned int idx, mfn_t *mfn);

/* Teardown: d's servers (d is dying), or every server dm emulates. */
void ioreq_domain_destroy(struct domain *d);
void ioreq_emulator_gone(struct domain *dm);

#endif

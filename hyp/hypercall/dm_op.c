/* SPDX-License-Identifier: GPL-2.0-only */
/* dm_op: a device model's operations on the HVM domain it serves, Xen 4.17's ABI. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/ioreq.h"
#include <public/hvm/dm_op.h>

/* Xen's struct dmop_args holds two buffers. */
#define DMOP_MAX_BUFS 2

/*
 * Each op's argument size, Xen's op_size table: the ops past it are
 * -EOPNOTSUPP before anything is read; a size of 0 (op 0, and 19,
 * set_irq_level, which x86 Xen does not list) reads no argument.
 */
static const u8 op_size[] = {
    [XEN_DMOP_create_ioreq_server] =
        sizeof(struct xen_dm_op_create_ioreq_server),
    [XEN_DMOP_get_ioreq_server_info] =
        sizeof(struct xen_dm_op_get_ioreq_server_info),
    [XEN_DMOP_map_io_range_to_ioreq_server] =
        sizeof(struct xen_dm_op_ioreq_server_range),
    [XEN_DMOP_unmap_io_range_from_ioreq_server] =
        sizeof(struct xen_dm_op_ioreq_server_range),
    [XEN_DMOP_set_ioreq_server_state] =
        sizeof(struct xen_dm_op_set_ioreq_server_state),
    [XEN_DMOP_destroy_ioreq_server] =
        sizeof(struct xen_dm_op_destroy_ioreq_server),
    [XEN_DMOP_track_dirty_vram] = sizeof(struct xen_dm_op_track_dirty_vram),
    [XEN_DMOP_set_pci_intx_level] = sizeof(struct xen_dm_op_set_pci_intx_level),
    [XEN_DMOP_set_isa_irq_level] = sizeof(struct xen_dm_op_set_isa_irq_level),
    [XEN_DMOP_set_pci_link_route] = sizeof(struct xen_dm_op_set_pci_link_route),
    [XEN_DMOP_modified_memory] = sizeof(struct xen_dm_op_modified_memory),
    [XEN_DMOP_set_mem_type] = sizeof(struct xen_dm_op_set_mem_type),
    [XEN_DMOP_inject_event] = sizeof(struct xen_dm_op_inject_event),
    [XEN_DMOP_inject_msi] = sizeof(struct xen_dm_op_inject_msi),
    [XEN_DMOP_map_mem_type_to_ioreq_server] =
        sizeof(struct xen_dm_op_map_mem_type_to_ioreq_server),
    [XEN_DMOP_remote_shutdown] = sizeof(struct xen_dm_op_remote_shutdown),
    [XEN_DMOP_relocate_memory] = sizeof(struct xen_dm_op_relocate_memory),
    [XEN_DMOP_pin_memory_cacheattr] =
        sizeof(struct xen_dm_op_pin_memory_cacheattr),
    [XEN_DMOP_nr_vcpus] = sizeof(struct xen_dm_op_nr_vcpus),
};

/* Xen's ioreq_server_dm_op: the ioreq-server ops; *out if op.u changed. */
static long ioreq_ops(struct domain *d, struct domain *dm, struct xen_dm_op *op,
                      bool *out)
{
    switch (op->op) {
    case XEN_DMOP_create_ioreq_server: {
        struct xen_dm_op_create_ioreq_server *c = &op->u.create_ioreq_server;

        *out = true;
        if (c->pad[0] || c->pad[1] || c->pad[2])
            return -EINVAL;
        return ioreq_server_create(d, dm, c->handle_bufioreq, &c->id);
    }
    case XEN_DMOP_get_ioreq_server_info: {
        struct xen_dm_op_get_ioreq_server_info *g =
            &op->u.get_ioreq_server_info;

        *out = true;
        if (g->flags & ~XEN_DMOP_no_gfns)
            return -EINVAL;
        return ioreq_server_get_info(d, dm, g->id,
                                     !(g->flags & XEN_DMOP_no_gfns), g);
    }
    case XEN_DMOP_map_io_range_to_ioreq_server:
    case XEN_DMOP_unmap_io_range_from_ioreq_server: {
        const struct xen_dm_op_ioreq_server_range *r =
            &op->u.map_io_range_to_ioreq_server;

        if (r->pad)
            return -EINVAL;
        return ioreq_server_map_range(
            d, dm, r->id, r->type, r->start, r->end,
            op->op == XEN_DMOP_map_io_range_to_ioreq_server);
    }
    case XEN_DMOP_set_ioreq_server_state: {
        const struct xen_dm_op_set_ioreq_server_state *st =
            &op->u.set_ioreq_server_state;

        if (st->pad)
            return -EINVAL;
        return ioreq_server_set_state(d, dm, st->id, st->enabled != 0);
    }
    case XEN_DMOP_destroy_ioreq_server: {
        const struct xen_dm_op_destroy_ioreq_server *ds =
            &op->u.destroy_ioreq_server;

        if (ds->pad)
            return -EINVAL;
        return ioreq_server_destroy(d, dm, ds->id);
    }
    default:
        return -EOPNOTSUPP;
    }
}

/*
 * Xen's dm_op order: the target (not the caller itself: -EPERM, none:
 * -ESRCH), HVM (-EINVAL), the caller's right (XSM_DM_PRIV by default:
 * the control domain, or the target's device-model domain, which Vesper
 * has none of), then bufs[0]: the op header (-EFAULT if short), the op
 * (-EOPNOTSUPP past the table), its argument (-EFAULT if short), pad.
 */
static long dm_op(struct domain *cd, domid_t domid,
                  const struct xen_dm_op_buf *buf, unsigned int nr_bufs)
{
    const size_t hdr = offsetof(struct xen_dm_op, u);
    struct domain *d = domain_by_id(domid);
    struct xen_dm_op op;
    u64 size = nr_bufs ? buf[0].size : 0;
    u64 h = nr_bufs ? (u64)(uintptr_t)buf[0].h : 0;
    bool out = false;
    long rc;

    if (!d)
        return -ESRCH;
    if (d == cd)
        return -EPERM;
    if (!is_hvm_domain(d))
        return -EINVAL;
    if (!cd->is_privileged)
        return -EPERM;
    memset(&op, 0, sizeof(op));
    if (size < hdr || copy_from_guest(&op, h, hdr))
        return -EFAULT;
    if (op.op >= ARRAY_SIZE(op_size))
        return -EOPNOTSUPP;
    if (size < hdr + op_size[op.op] ||
        copy_from_guest(&op.u, h + hdr, op_size[op.op]))
        return -EFAULT;
    if (op.pad)
        return -EINVAL;
    switch (op.op) {
    case XEN_DMOP_remote_shutdown:
        /* Xen passes any reason through, as SCHEDOP_remote_shutdown. */
        domain_shutdown(d, op.u.remote_shutdown.reason);
        rc = 0;
        break;
    case XEN_DMOP_set_isa_irq_level: {
        const struct xen_dm_op_set_isa_irq_level *l = &op.u.set_isa_irq_level;

        /*
         * Xen's checks. The vPIC has no lock of its own: like the guest's
         * own port I/O it is only safe while one CPU runs both domains.
         */
        if (l->isa_irq >= 16 || l->level > 1) {
            rc = -EINVAL;
            break;
        }
        hvm_isa_irq_set(d, l->isa_irq, l->level);
        rc = 0;
        break;
    }
    case XEN_DMOP_nr_vcpus:
        op.u.nr_vcpus.vcpus = d->max_vcpus;
        out = true;
        rc = 0;
        break;
    default:
        rc = ioreq_ops(d, cd, &op, &out);
        break;
    }
    /* As Xen, a failed copy-out does not undo the op. */
    if (!rc && out && copy_to_guest(h + hdr, &op.u, op_size[op.op]))
        rc = -EFAULT;
    return rc;
}

HYPERCALL3(dm_op, domid_t, domid, unsigned int, nr_bufs, u64, bufs)
{
    struct xen_dm_op_buf buf[DMOP_MAX_BUFS];

    if (nr_bufs > DMOP_MAX_BUFS)
        return -E2BIG;
    memset(buf, 0, sizeof(buf));
    if (nr_bufs && copy_from_guest(buf, bufs, nr_bufs * sizeof(buf[0])))
        return -EFAULT;
    return dm_op(current_domain(), domid, buf, nr_bufs);
}

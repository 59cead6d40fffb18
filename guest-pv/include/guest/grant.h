/* SPDX-License-Identifier: MIT */
/* Grant-table helpers for tests: the hypercall, the table, map/unmap/copy. */
#ifndef GUEST_GRANT_H
#define GUEST_GRANT_H

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <public/grant_table.h>

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
                                             unsigned int count)
{
    return _hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

/* GNTTABOP_query_size of dom: the status, and the sizes if it is okay. */
static inline int gnt_query(domid_t dom, uint32_t *nr, uint32_t *max)
{
    struct gnttab_query_size q = { .dom = dom };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);

    if (rc)
        return (int)rc;
    if (q.status == GNTST_okay && nr)
        *nr = q.nr_frames;
    if (q.status == GNTST_okay && max)
        *max = q.max_nr_frames;
    return q.status;
}

/* GNTTABOP_setup_table: the status (or the call's error). */
static inline int gnt_setup(domid_t dom, uint32_t nr, xen_pfn_t *frames)
{
    struct gnttab_setup_table s = { .dom = dom, .nr_frames = nr };
    long rc;

    set_xen_guest_handle(s.frame_list, frames);
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &s, 1);
    return rc ? (int)rc : s.status;
}

/* One map: the status; handle and bus address when okay. */
static inline int gnt_map(uint64_t host_addr, uint32_t flags, domid_t dom,
                          grant_ref_t ref, grant_handle_t *handle,
                          uint64_t *bus)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom
    };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

    if (rc)
        return (int)rc;
    if (handle)
        *handle = m.handle;
    if (bus)
        *bus = m.dev_bus_addr;
    return m.status;
}

/* One unmap: the host side at host_addr, the device side by its bus address. */
static inline int gnt_unmap_dev(uint64_t host_addr, uint64_t bus,
                                grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = host_addr,
                                        .dev_bus_addr = bus,
                                        .handle = handle };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

    return rc ? (int)rc : u.status;
}

static inline int gnt_unmap(uint64_t host_addr, grant_handle_t handle)
{
    return gnt_unmap_dev(host_addr, 0, handle);
}

/* One copy; a side is (ref or gmfn, domid, offset). */
static inline int gnt_copy(uint16_t flags, uint64_t src, domid_t sdom,
                           uint16_t soff, uint64_t dst, domid_t ddom,
                           uint16_t doff, uint16_t len)
{
    struct gnttab_copy c;
    long rc;

    memset(&c, 0, sizeof(c));
    c.flags = flags;
    c.len = len;
    if (flags & GNTCOPY_source_gref)
        c.source.u.ref = (grant_ref_t)src;
    else
        c.source.u.gmfn = src;
    c.source.domid = sdom;
    c.source.offset = soff;
    if (flags & GNTCOPY_dest_gref)
        c.dest.u.ref = (grant_ref_t)dst;
    else
        c.dest.u.gmfn = dst;
    c.dest.domid = ddom;
    c.dest.offset = doff;
    rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1);
    return rc ? (int)rc : c.status;
}

/* Write a grant entry the way a granter must: flags last. */
static inline void gnt_grant(volatile struct grant_entry_v1 *e, domid_t to,
                             uint32_t frame, uint16_t flags)
{
    e->domid = to;
    e->frame = frame;
    __asm__ volatile("" ::: "memory");
    e->flags = flags;
}

#endif /* GUEST_GRANT_H */

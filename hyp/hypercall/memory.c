/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op: reservations, memory maps, and where the M2P lives. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include <public/memory.h>

/*
 * Resolve a domid argument as Xen does: look the domain up first (no such
 * domain, DOMID_XEN and DOMID_IO alike are -ESRCH), then allow oneself,
 * or anyone for the privileged domain (-EPERM).
 */
static struct domain *target_domain(struct domain *cur, domid_t id, long *rc)
{
    struct domain *d = id == DOMID_SELF ? cur : domain_by_id(id);

    *rc = 0;
    if (!d)
        *rc = -ESRCH;
    else if (d != cur && !cur->is_privileged)
        *rc = -EPERM;
    return *rc ? NULL : d;
}

static long reservation_query(struct domain *cur, unsigned int cmd, u64 arg)
{
    domid_t id;
    struct domain *d;
    long rc;

    if (copy_from_guest(&id, arg, sizeof(id)))
        return -EFAULT;
    d = target_domain(cur, id, &rc);
    if (!d)
        return rc;
    return (long)(cmd == XENMEM_current_reservation ? d->tot_pages
                                                    : d->max_pages);
}

/* The guest's pseudo-physical map: one RAM range covering its pages. */
static long memory_map(struct domain *d, u64 arg)
{
    struct xen_memory_map map;
    struct {
        u64 addr, size;
        u32 type;
    } __attribute__((packed)) e = { 0, d->nr_pfns << PAGE_SHIFT, 1 };

    BUILD_BUG_ON(sizeof(e) != VESPER_E820_ENTRY_SIZE);
    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    if (map.nr_entries < 1)
        return -EINVAL;
    if (copy_to_guest((u64)(uintptr_t)map.buffer, &e, sizeof(e)))
        return -EFAULT;
    map.nr_entries = 1;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long machphys_mfn_list(u64 arg)
{
    struct xen_machphys_mfn_list l;
    u64 chunk;
    unsigned int n = 0;

    if (copy_from_guest(&l, arg, sizeof(l)))
        return -EFAULT;
    while (n < l.max_extents && arch_m2p_chunk(n, &chunk)) {
        if (copy_to_guest((u64)(uintptr_t)l.extent_start + n * 8, &chunk, 8))
            return -EFAULT;
        n++;
    }
    l.nr_extents = n;
    return copy_to_guest(arg, &l, sizeof(l)) ? -EFAULT : 0;
}

/*
 * Single-page extents of the caller's own memory are all we offer. Xen
 * answers a domain it will not change (another one without privilege, or
 * none at all) with 0 extents done; so do we for every other domain, the
 * privileged domain's foreign changes (which Xen allows) included.
 */
static long read_reservation(const struct domain *d, u64 arg,
                             struct xen_memory_reservation *r)
{
    if (copy_from_guest(r, arg, sizeof(*r)))
        return -EFAULT;
    if (r->extent_order != 0)
        return -EINVAL;
    if (r->domid != DOMID_SELF && r->domid != d->domain_id)
        r->nr_extents = 0;
    return 0;
}

/* Entry i of the reservation's extent array, in or out. */
static int extent_get(const struct xen_memory_reservation *r, unsigned long i,
                      u64 *val)
{
    return copy_from_guest(val, (u64)(uintptr_t)r->extent_start + i * 8, 8);
}

static int extent_put(const struct xen_memory_reservation *r, unsigned long i,
                      u64 val)
{
    return copy_to_guest((u64)(uintptr_t)r->extent_start + i * 8, &val, 8);
}

/*
 * PV guests name frames by MFN. Giving one back drops its allocation
 * reference; it is freed now if nothing else holds it, else when the last
 * mapping goes (at the latest when the domain dies).
 */
static long decrease_reservation(struct domain *d, u64 arg)
{
    struct xen_memory_reservation r;
    unsigned long i;
    long rc;

    rc = read_reservation(d, arg, &r);
    if (rc)
        return rc;
    for (i = 0; i < r.nr_extents; i++) {
        u64 mfn;
        struct page_info *pg;

        if (extent_get(&r, i, &mfn))
            return i ? (long)i : -EFAULT;
        if (!mfn_valid(mfn))
            break;
        pg = mfn_to_page(mfn);
        if (pg->owner != d)
            break;
        /* Already released but still mapped counts as done, as in Xen. */
        arch_page_release(pg);
    }
    return (long)i;
}

static long populate_physmap(struct domain *d, u64 arg, bool populate)
{
    struct xen_memory_reservation r;
    unsigned long i;
    long rc;

    rc = read_reservation(d, arg, &r);
    if (rc)
        return rc;
    for (i = 0; i < r.nr_extents; i++) {
        u64 gpfn = 0, mfn;
        struct page_info *pg;

        if (d->tot_pages >= d->max_pages)
            break;
        if (populate && extent_get(&r, i, &gpfn))
            return i ? (long)i : -EFAULT;
        pg = alloc_pages(0);
        if (!pg)
            break;
        mfn = page_to_mfn(pg);
        memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
        page_list_add(&d->page_list, pg);
        arch_page_assign(pg, d);
        d->tot_pages++;
        arch_m2p_set(mfn, populate ? gpfn : ~0UL);
        /* PV: the guest learns the MFN in place of the GPFN it asked for. */
        if (extent_put(&r, i, mfn))
            return i ? (long)i : -EFAULT;
    }
    return (long)i;
}

HYPERCALL2(memory_op, unsigned int, cmd, u64, arg)
{
    struct domain *d = current_domain();

    switch (cmd) {
    case XENMEM_maximum_ram_page:
        return (long)arch_max_mfn();
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        return reservation_query(d, cmd, arg);
    case XENMEM_memory_map:
        return memory_map(d, arg);
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case XENMEM_decrease_reservation:
        return decrease_reservation(d, arg);
    case XENMEM_populate_physmap:
    case XENMEM_increase_reservation:
        return populate_physmap(d, arg, cmd == XENMEM_populate_physmap);
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m;

        arch_machphys_mapping(&m.v_start, &m.v_end, &m.max_mfn);
        return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
    }
    default:
        return -ENOSYS;
    }
}

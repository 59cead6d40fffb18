/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op: reservations, memory maps, and where the M2P lives. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include <public/memory.h>

/* Resolve a domid argument: self, or anyone for the privileged domain. */
static struct domain *target_domain(struct domain *cur, domid_t id)
{
    struct domain *d;

    if (id == DOMID_SELF || id == cur->domain_id)
        return cur;
    if (!cur->is_privileged)
        return NULL;
    d = domain_by_id(id);
    return d;
}

static long reservation_query(struct domain *cur, unsigned int cmd, u64 arg)
{
    domid_t id;
    struct domain *d;

    if (copy_from_guest(&id, arg, sizeof(id)))
        return -EFAULT;
    d = target_domain(cur, id);
    if (!d)
        return id == DOMID_SELF || cur->is_privileged ? -ESRCH : -EPERM;
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
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m;

        arch_machphys_mapping(&m.v_start, &m.v_end, &m.max_mfn);
        return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
    }
    default:
        return -ENOSYS;
    }
}

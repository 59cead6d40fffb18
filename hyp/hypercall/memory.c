/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op: reservations, memory maps, and where the M2P lives. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "asm/ioreq.h"
#include "asm/pv.h"
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

/*
 * The guest's pseudo-physical map: one RAM range covering its pages, the
 * map Xen's toolstack gives a PV domU (xc_domain_set_memmap_limit), cut to
 * the buffer's size. A PV dom0 has none in Xen (-ENOSYS): it asks for the
 * machine map instead.
 */
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
    if (d->is_privileged)
        return -ENOSYS;
    map.nr_entries = MIN(map.nr_entries, 1u);
    if (map.nr_entries &&
        copy_to_guest((u64)(uintptr_t)map.buffer, &e, sizeof(e)))
        return -EFAULT;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

/*
 * XENMEM_machine_memory_map, for the privileged domain only (-EPERM): the
 * boot loader's map, sorted, and, as Xen adds them, a reserved entry for
 * each run of frames in a hole between its entries that dom0 may not map
 * (below the physical width). Vesper's own RAM stays RAM, as Xen's does.
 */
#define MACHINE_MAP_MAX 128
#define IO_DENIED_MAX 8

struct e820e {
    u64 addr, size;
    u32 type;
} __attribute__((packed));

struct mmap_ent {
    u64 addr, size;
    u32 type;
};

struct mmap_ctx {
    struct xen_memory_map map;
    bool store;
    unsigned int n;
};

static long mmap_emit(struct mmap_ctx *c, u64 addr, u64 size, u32 type)
{
    struct e820e e = { addr, size, type };

    if (c->store &&
        copy_to_guest((u64)(uintptr_t)c->map.buffer + c->n * sizeof(e), &e,
                      sizeof(e)))
        return -EFAULT;
    c->n++;
    return 0;
}

/*
 * The denied runs inside the hole [from, to) (frames). Xen reports a run
 * only if a frame dom0 may map, or the next map entry, follows it below
 * the physical width; and it wants room for one more entry after it.
 */
static long mmap_hole(struct mmap_ctx *c, u64 from, u64 to, bool inner,
                      u64 (*deny)[2], unsigned int nd, u64 limit)
{
    for (unsigned int i = 0; i < nd; i++) {
        u64 s = MAX(deny[i][0], from), e = MIN(deny[i][1] + 1, to);
        long rc;

        if (s >= e || (e >= limit && !(inner && e == to)))
            continue;
        if (c->store && c->n + 1 >= c->map.nr_entries)
            return -EINVAL;
        rc = mmap_emit(c, s << PAGE_SHIFT, (e - s) << PAGE_SHIFT, 2);
        if (rc)
            return rc;
    }
    return 0;
}

static long machine_memory_map(struct domain *d, u64 arg)
{
    static struct mmap_ent ents[MACHINE_MAP_MAX]; /* under the big lock */
    u64 deny[IO_DENIED_MAX][2], limit, next = 0;
    unsigned int nr = 0, nd;
    struct mmap_ctx c;
    long rc;

    if (!d->is_privileged)
        return -EPERM;
    if (copy_from_guest(&c.map, arg, sizeof(c.map)))
        return -EFAULT;
    c.store = c.map.buffer != 0;
    c.n = 0;
    /* Sorted by address (insertion sort: a firmware map is short). */
    while (nr < MACHINE_MAP_MAX &&
           arch_boot_mmap(nr, &ents[nr].addr, &ents[nr].size, &ents[nr].type)) {
        struct mmap_ent e = ents[nr];
        unsigned int j = nr++;

        for (; j && ents[j - 1].addr > e.addr; j--)
            ents[j] = ents[j - 1];
        ents[j] = e;
    }
    if (c.store && c.map.nr_entries < nr + 1)
        return -EINVAL;
    nd = arch_io_denied(deny, IO_DENIED_MAX, &limit);
    for (unsigned int i = 0; i < nr; i++) {
        u64 s = ents[i].addr >> PAGE_SHIFT;

        if (s > next) {
            rc = mmap_hole(&c, next, s, true, deny, nd, limit);
            if (rc)
                return rc;
        }
        if (c.store && c.map.nr_entries <= c.n + (nr - i))
            return -EINVAL;
        rc = mmap_emit(&c, ents[i].addr, ents[i].size, ents[i].type);
        if (rc)
            return rc;
        next = ALIGN_UP(ents[i].addr + ents[i].size, PAGE_SIZE) >> PAGE_SHIFT;
    }
    if (next) {
        rc = mmap_hole(&c, next, limit, false, deny, nd, limit);
        if (rc)
            return rc;
    }
    c.map.nr_entries = c.n;
    return copy_to_guest(arg, &c.map, sizeof(c.map)) ? -EFAULT : 0;
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
 * Extents of the caller's own memory are all we offer. Xen answers a domain it will not change (another one without privilege, or
 * none at all) with 0 extents done; so do we for every other domain, the
 * privileged domain's foreign changes (which Xen allows) included.
 */
/*
 * The reservation and the domain it names. As Xen: the caller itself, or
 * for the privileged domain any live domain; a domain that does not exist
 * or may not be named gets no extents (the count done, not an errno).
 */
static long read_reservation(struct domain *cur, u64 arg,
                             struct xen_memory_reservation *r,
                             struct domain **t)
{
    if (copy_from_guest(r, arg, sizeof(*r)))
        return -EFAULT;
    *t = cur;
    if (r->domid == DOMID_SELF || r->domid == cur->domain_id)
        return 0;
    *t = cur->is_privileged ? domain_by_id(r->domid) : NULL;
    if (!*t || (*t)->state != DOM_RUNNING) {
        *t = cur;
        r->nr_extents = 0;
    }
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
 * Continuations of the reservation ops carry their progress in the
 * command's high bits, as Xen's do: cmd = op | (done << MEMOP_EXTENT_SHIFT).
 */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1UL << MEMOP_EXTENT_SHIFT) - 1)
/*
 * Extents per call before a continuation: each is a few microseconds at
 * most (a page clear), so no call holds the CPU for much over a millisecond.
 */
#define MEMOP_BATCH 256

/*
 * Whether the loop at extent i, having started this call at start, should
 * stop and let the guest re-issue the rest; only where a continuation can
 * be made (hypercall_preemptible), else the call runs to its end.
 */
/*
 * Xen's largest extent orders on x86: 9 (a superpage) for a domU, 18 for
 * the control domain (Vesper's privileged domain is that too). Beyond it
 * no extent is done.
 */
static unsigned int memop_max_order(const struct domain *d)
{
    return d->is_privileged ? 18 : 9;
}

static bool memop_preempt(unsigned long i, unsigned long start)
{
    return i - start >= MEMOP_BATCH && hypercall_preemptible();
}

/*
 * PV guests name frames by MFN. Giving one back drops its allocation
 * reference; it is freed now if nothing else holds it, else when the last
 * mapping goes (at the latest when the domain dies). A frame the guest
 * cannot take a reference on (not its own, freed, or a page of Vesper's
 * it no longer has a claim on) ends the call, as Xen's guest_remove_page.
 */
static long decrease_reservation(struct domain *d,
                                 const struct xen_memory_reservation *r,
                                 unsigned long start, bool *preempted)
{
    unsigned long i;

    for (i = start; i < r->nr_extents; i++) {
        u64 mfn, j;
        struct page_info *pg;

        if (memop_preempt(i, start)) {
            *preempted = true;
            break;
        }
        /* Xen answers a failed copy with the extents done so far. */
        if (extent_get(r, i, &mfn))
            break;
        /* Frame by frame: a refused one ends the call, its extent undone. */
        for (j = 0; j < (1UL << r->extent_order); j++) {
            if (!mfn_valid(mfn + j))
                return (long)i;
            pg = mfn_to_page(mfn + j);
            if (!arch_get_page(pg, d))
                return (long)i;
            /* Already released but still mapped counts as done, as Xen. */
            arch_page_release(pg);
            arch_put_page(pg);
        }
    }
    return (long)i;
}

static long populate_physmap(struct domain *d,
                             const struct xen_memory_reservation *r,
                             unsigned long start, bool populate,
                             bool *preempted)
{
    unsigned long i, n = 1UL << r->extent_order;

    for (i = start; i < r->nr_extents; i++) {
        u64 gpfn = 0, mfn;
        struct page_info *pg;

        if (memop_preempt(i, start)) {
            *preempted = true;
            break;
        }
        if (d->tot_pages + n > d->max_pages)
            break;
        /* Xen answers a failed copy with the extents done so far. */
        if (populate && extent_get(r, i, &gpfn))
            break;
        /* A claimant takes from its claim first, as Xen's heap. */
        pg = d->outstanding_pages >= n ? alloc_pages_claimed(r->extent_order)
                                       : alloc_pages(r->extent_order);
        if (!pg)
            break;
        if (d->outstanding_pages) {
            u64 dec = d->outstanding_pages < n ? d->outstanding_pages : n;

            d->outstanding_pages -= dec;
            page_claims_adjust(-(s64)dec);
        }
        mfn = page_to_mfn(pg);
        for (unsigned long j = 0; j < n; j++) {
            memset(mfn_to_virt(mfn + j), 0, PAGE_SIZE);
            page_list_add(&d->page_list, pg + j);
            arch_page_assign(pg + j, d);
            d->tot_pages++;
            arch_m2p_set(mfn + j, populate ? gpfn + j : ~0UL);
        }
        /*
         * PV: the guest learns the first MFN in place of the GPFN it asked
         * for; if it cannot, the extent stays its own, uncounted, as Xen.
         */
        if ((populate || r->extent_start) && extent_put(r, i, mfn))
            break;
    }
    return (long)i;
}

/* The three reservation ops, resumed at extent start. */
static long reservation_op(struct domain *cur, unsigned int op,
                           unsigned long start, u64 arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    bool preempted = false;
    long rc;

    rc = read_reservation(cur, arg, &r, &d);
    if (rc)
        return rc;
    /* Xen: no more extents than a continuation can encode, and no
     * progress beyond the end; the caller's rights set the order. */
    if (r.nr_extents > (0xffffffffUL >> MEMOP_EXTENT_SHIFT) ||
        start >= r.nr_extents || r.extent_order > memop_max_order(cur))
        return (long)start;
    if (op == XENMEM_decrease_reservation)
        rc = decrease_reservation(d, &r, start, &preempted);
    else
        rc = populate_physmap(d, &r, start, op == XENMEM_populate_physmap,
                              &preempted);
    if (preempted)
        return hypercall_continue(__HYPERVISOR_memory_op,
                                  op | ((u64)rc << MEMOP_EXTENT_SHIFT), arg, 0,
                                  0, 0);
    return rc;
}

/*
 * XENMEM_exchange, as Xen's memory_exchange: trade the caller's in extents
 * for newly allocated out extents of another order, optionally below an
 * address limit (how Linux gets machine-contiguous DMA buffers). Work goes
 * in chunks of the larger extent; a chunk is done whole or not at all, and
 * nr_exchanged (in extents) records the chunks done, in the guest's struct,
 * across continuations and failures alike. An in frame must be the
 * domain's own ordinary page held by nothing but its allocation (Xen's
 * steal_page): a mapping, a pin, a page-table use, a grant refuse it
 * (-EINVAL). New frames are zeroed, never copies of the old ones.
 */
#define EXCH_BATCH 512 /* pages per call before a continuation */

/* Xen's guest_handle_subrange_okay for entries [first, last] of a list. */
static bool list_subrange_ok(u64 list, u64 first, u64 last)
{
    u64 count = last - first + 1, va = list + first * 8;

    /* As Xen's array_access_ok: the count, then only the first address. */
    return count < ~0UL / 8 &&
           (va < 0x0000800000000000UL || va >= HYPERVISOR_VIRT_END);
}

/*
 * Xen's propagate_node: a node request is only a hint (one NUMA node
 * here), but the hardware domain may not name a node past Xen's 64 and an
 * unprivileged one may not insist on one.
 */
static bool exch_node_ok(const struct domain *cur, u32 flags)
{
    unsigned int node = XENMEMF_get_node(flags);

    if (node == 0xff)
        return true;
    if (cur->is_privileged)
        return node < 64;
    return !(flags & XENMEMF_exact_node_request);
}

/*
 * Frames below 2^bits of address; 0 when no frame can be: Xen's lowest
 * allocatable zone needs 14 address bits, and an exact request for a NUMA
 * node other than 0 (all there is here) finds no memory there.
 */
static mfn_t exch_limit(const struct domain *cur, u32 flags)
{
    unsigned int bits = XENMEMF_get_address_bits(flags);

    if (cur->is_privileged && (flags & XENMEMF_exact_node_request) &&
        XENMEMF_get_node(flags) != 0 && XENMEMF_get_node(flags) != 0xff)
        return 0;
    if (!bits)
        return ~(mfn_t)0;
    if (bits < PAGE_SHIFT + 2)
        return 0;
    if (bits - PAGE_SHIFT >= 64)
        return ~(mfn_t)0;
    return (mfn_t)1 << (bits - PAGE_SHIFT);
}

static long exch_progress(u64 arg, const struct xen_memory_exchange *x, long rc)
{
    if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                      &x->nr_exchanged, sizeof(x->nr_exchanged)))
        return -EFAULT;
    return rc;
}

/* Give a failed chunk's stolen frames back to d, as they were. */
static void exch_unsteal(struct domain *d, struct page_list *in)
{
    struct page_info *pg;

    while ((pg = in->head)) {
        page_list_del(in, pg);
        arch_page_assign(pg, d);
        page_list_add(&d->page_list, pg);
    }
}

static void exch_free_out(struct page_list *out, unsigned int order)
{
    struct page_info *pg;

    while ((pg = out->head)) {
        page_list_del(out, pg);
        free_pages(pg, order);
    }
}

/*
 * Steal chunk i's in frames into *in. -EFAULT for an unreadable list
 * entry, -EINVAL for a frame that is not a stealable one of d's.
 */
static long exch_steal_chunk(struct domain *d,
                             const struct xen_memory_exchange *x,
                             unsigned long i, unsigned int in_chunk,
                             struct page_list *in)
{
    for (unsigned long j = 0; j < (1UL << in_chunk); j++) {
        u64 gmfn;

        if (extent_get(&x->in, (i << in_chunk) + j, &gmfn))
            return -EFAULT;
        for (u64 k = 0; k < (1UL << x->in.extent_order); k++) {
            struct page_info *pg;

            if (!mfn_valid(gmfn + k))
                return -EINVAL;
            pg = mfn_to_page(gmfn + k);
            if (!arch_page_steal(pg, d))
                return -EINVAL;
            page_list_add(in, pg);
        }
    }
    return 0;
}

/*
 * Chunk i is allocated: free the old frames, hand out the new ones and
 * tell the guest their MFNs. Nothing here undoes the exchange; a list the
 * guest cannot read or write only makes the chunk count as failed (Xen).
 */
static long exch_commit_chunk(struct domain *d,
                              const struct xen_memory_exchange *x,
                              unsigned long i, unsigned int out_chunk,
                              struct page_list *in, struct page_list *out)
{
    unsigned long n = 1UL << x->out.extent_order, j = 0;
    struct page_info *pg;
    long rc = 0;

    while ((pg = in->head)) {
        page_list_del(in, pg);
        arch_m2p_set(page_to_mfn(pg), ~0UL);
        free_pages(pg, 0);
    }
    arch_flush_domain_tlbs(d);
    for (; (pg = out->head); j++) {
        mfn_t mfn = page_to_mfn(pg);
        u64 gpfn;
        bool have_gpfn;

        page_list_del(out, pg);
        have_gpfn = !extent_get(&x->out, (i << out_chunk) + j, &gpfn);
        for (unsigned long k = 0; k < n; k++) {
            page_list_add(&d->page_list, pg + k);
            arch_page_assign(pg + k, d);
            arch_m2p_set(mfn + k, have_gpfn ? gpfn + k : ~0UL);
        }
        if (!have_gpfn || extent_put(&x->out, (i << out_chunk) + j, mfn))
            rc = -EFAULT;
    }
    return rc;
}

static long memory_exchange(struct domain *cur, u64 arg)
{
    struct xen_memory_exchange x;
    struct page_list in = { NULL }, out = { NULL };
    unsigned int in_chunk = 0, out_chunk = 0;
    unsigned long i, start, end, done = 0;
    struct domain *d;
    mfn_t limit;
    long rc;

    if (copy_from_guest(&x, arg, sizeof(x)))
        return -EFAULT;
    if (MAX(x.in.extent_order, x.out.extent_order) > memop_max_order(cur))
        return exch_progress(arg, &x, -EPERM);
    if (x.nr_exchanged > x.in.nr_extents || x.in.domid != x.out.domid ||
        (~0UL >> x.in.extent_order) < x.in.nr_extents ||
        (~0UL >> x.out.extent_order) < x.out.nr_extents ||
        (x.in.nr_extents << x.in.extent_order) !=
            (x.out.nr_extents << x.out.extent_order))
        return exch_progress(arg, &x, -EINVAL);
    if (x.nr_exchanged == x.in.nr_extents)
        return 0;
    if (!list_subrange_ok((u64)(uintptr_t)x.in.extent_start, x.nr_exchanged,
                          x.in.nr_extents - 1))
        return exch_progress(arg, &x, -EFAULT);
    if (x.in.extent_order <= x.out.extent_order)
        in_chunk = x.out.extent_order - x.in.extent_order;
    else
        out_chunk = x.in.extent_order - x.out.extent_order;
    if (!list_subrange_ok((u64)(uintptr_t)x.out.extent_start,
                          in_chunk ? x.nr_exchanged >> in_chunk
                                   : x.nr_exchanged << out_chunk,
                          x.out.nr_extents - 1))
        return exch_progress(arg, &x, -EFAULT);
    if (!exch_node_ok(cur, x.out.mem_flags))
        return exch_progress(arg, &x, -EINVAL);
    d = target_domain(cur, x.in.domid, &rc);
    if (!d)
        return exch_progress(arg, &x, rc);
    limit = exch_limit(cur, x.out.mem_flags);

    start = x.nr_exchanged >> in_chunk;
    end = x.in.nr_extents >> in_chunk;
    for (i = start; i < end; i++) {
        if (i != start && ((done >= EXCH_BATCH && hypercall_preemptible()) ||
                           hypercall_preempt_check())) {
            x.nr_exchanged = i << in_chunk;
            if (exch_progress(arg, &x, 0))
                return -EFAULT;
            return hypercall_continue(__HYPERVISOR_memory_op, XENMEM_exchange,
                                      arg, 0, 0, 0);
        }
        rc = exch_steal_chunk(d, &x, i, in_chunk, &in);
        for (unsigned long j = 0; !rc && j < (1UL << out_chunk); j++) {
            struct page_info *pg = alloc_pages_below(x.out.extent_order, limit);

            if (!pg) {
                rc = -ENOMEM;
                break;
            }
            for (unsigned long k = 0; k < (1UL << x.out.extent_order); k++)
                memset(mfn_to_virt(page_to_mfn(pg) + k), 0, PAGE_SIZE);
            page_list_add(&out, pg);
        }
        if (rc) {
            exch_unsteal(d, &in);
            exch_free_out(&out, x.out.extent_order);
            break;
        }
        rc = exch_commit_chunk(d, &x, i, out_chunk, &in, &out);
        if (rc)
            break;
        done += (1UL << in_chunk) << x.in.extent_order;
    }
    x.nr_exchanged = rc ? i << in_chunk : x.in.nr_extents;
    return exch_progress(arg, &x, rc);
}

/*
 * add_to_physmap, its batch and remove_from_physmap edit a translated
 * guest's physmap. Xen reads the argument, refuses a foreign map through
 * the single op (only the batch does those), and then answers -EACCES to
 * any caller without translation before it even looks the named domain
 * up. Every domain Vesper runs is PV, so that is where each call ends.
 */
static long physmap_op(unsigned int op, unsigned long start, u64 arg)
{
    union {
        struct xen_add_to_physmap one;
        struct xen_add_to_physmap_batch batch;
        struct xen_remove_from_physmap rm;
    } x;

    switch (op) {
    case XENMEM_add_to_physmap:
        if (start > 0xffff) /* progress past what size can count */
            return -EDOM;
        if (copy_from_guest(&x.one, arg, sizeof(x.one)))
            return -EFAULT;
        if (x.one.space == XENMAPSPACE_gmfn_foreign)
            return -ENOSYS;
        return -EACCES;
    case XENMEM_add_to_physmap_batch:
        if (start > 0xffff)
            return -EDOM;
        if (copy_from_guest(&x.batch, arg, sizeof(x.batch)))
            return -EFAULT;
        return -EACCES;
    default: /* XENMEM_remove_from_physmap: one frame, no progress */
        if (start)
            return -EINVAL;
        if (copy_from_guest(&x.rm, arg, sizeof(x.rm)))
            return -EFAULT;
        return -EACCES;
    }
}

/*
 * XENMEM_claim_pages, as Xen's domain_set_outstanding_pages: the privileged
 * domain stakes nr_extents pages (the domain's total, what it has counted)
 * for a domain; 0 cancels. One claim at a time; -EINVAL for one not above
 * its pages or above its limit, -ENOMEM if the unclaimed free pages are
 * too few.
 */
static long claim_pages(struct domain *cur, u64 arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    u64 claim, avail;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.extent_start || r.extent_order || r.mem_flags)
        return -EINVAL;
    d = domain_by_id(r.domid);
    if (!d)
        return -EINVAL;
    if (!cur->is_privileged)
        return -EPERM;
    if (!r.nr_extents) {
        page_claims_adjust(-(s64)d->outstanding_pages);
        d->outstanding_pages = 0;
        return 0;
    }
    if (d->outstanding_pages)
        return -EINVAL;
    if (r.nr_extents <= d->tot_pages || r.nr_extents > d->max_pages)
        return -EINVAL;
    claim = r.nr_extents - d->tot_pages;
    avail = free_frame_count() - page_claims();
    if (claim > avail)
        return -ENOMEM;
    d->outstanding_pages = claim;
    page_claims_adjust((s64)claim);
    return 0;
}

/*
 * XENMEM_acquire_resource (issue 13), as Xen 4.17 answers a PV caller:
 * the MFNs of the target's ioreq-server frames, which the caller maps
 * with mmu_update naming the target as page owner. Only that resource
 * type exists here (others are -EOPNOTSUPP, also for Xen's size query,
 * which Xen answers for the grant table). start continues a long list.
 */
static long acquire_resource(struct domain *cur, unsigned long start, u64 arg)
{
    struct xen_mem_acquire_resource x;
    struct domain *d;
    unsigned int max;

    if (copy_from_guest(&x, arg, sizeof(x)))
        return -EFAULT;
    if (x.pad)
        return -EINVAL;
    if ((x.frame >> 32) || ((x.frame + x.nr_frames) >> 32))
        return -EINVAL;
    /* Xen's rcu_lock_remote_domain_by_id, then XSM_DM_PRIV. */
    d = domain_by_id(x.domid);
    if (!d)
        return -ESRCH;
    if (d == cur || !cur->is_privileged)
        return -EPERM;
    if (x.type != XENMEM_resource_ioreq_server)
        return -EOPNOTSUPP;
    max = ioreq_server_max_frames(d);
    if (!max)
        return -EINVAL;
    if (!x.frame_list) {
        if (x.nr_frames || start)
            return -EINVAL;
        x.nr_frames = max;
        return copy_to_guest(
                   arg + offsetof(struct xen_mem_acquire_resource, nr_frames),
                   &x.nr_frames, sizeof(x.nr_frames))
                   ? -EFAULT
                   : 0;
    }
    if (start >= x.nr_frames ||
        x.nr_frames > (0xffffffffU >> MEMOP_EXTENT_SHIFT))
        return -EINVAL;
    if (x.id != (ioservid_t)x.id)
        return -EINVAL;
    /* Two frames at most: no continuation is ever needed. */
    for (unsigned long i = start; i < x.nr_frames; i++) {
        mfn_t mfn;
        u64 val;
        int rc = ioreq_server_get_frame(d, cur, (ioservid_t)x.id,
                                        (unsigned int)(x.frame + i), &mfn);

        if (rc)
            return rc;
        val = mfn;
        if (copy_to_guest((u64)(uintptr_t)x.frame_list + i * sizeof(val), &val,
                          sizeof(val)))
            return -EFAULT;
    }
    return 0;
}

HYPERCALL2(memory_op, unsigned long, cmd, u64, arg)
{
    struct domain *d = current_domain();
    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;
    unsigned int op = (unsigned int)(cmd & MEMOP_CMD_MASK);

    switch (op) {
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
    case XENMEM_increase_reservation:
        return reservation_op(d, op, start, arg);
    case XENMEM_add_to_physmap:
    case XENMEM_add_to_physmap_batch:
    case XENMEM_remove_from_physmap:
        return physmap_op(op, start, arg);
    case XENMEM_maximum_ram_page:
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_exchange:
        /* Xen's common ops take no progress bits. */
        if (start)
            return -EINVAL;
        break;
    case XENMEM_claim_pages:
        return start ? -EINVAL : claim_pages(d, arg);
    case XENMEM_acquire_resource:
        return acquire_resource(d, start, arg);
    default:
        break;
    }
    /* The rest are Xen's arch ops, which know only the plain command. */
    switch (cmd) {
    case XENMEM_maximum_ram_page:
        return (long)arch_max_mfn();
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        return reservation_query(d, (unsigned int)cmd, arg);
    case XENMEM_memory_map:
        return memory_map(d, arg);
    case XENMEM_machine_memory_map:
        return machine_memory_map(d, arg);
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case XENMEM_exchange:
        return memory_exchange(d, arg);
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m;

        arch_machphys_mapping(&m.v_start, &m.v_end, &m.max_mfn);
        return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
    }
    default:
        return -ENOSYS;
    }
}

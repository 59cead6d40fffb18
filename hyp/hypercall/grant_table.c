/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_grant_table_op: version-1 grant tables, maptrack, map/unmap/copy. */
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "grant_table.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include <public/grant_table.h>

/*
 * Everything here runs under the big lock, so the only concurrent writer
 * of a table is its guest (the shared frames): flag updates that must not
 * lose a guest store are compare-and-swap loops, bounded as Xen bounds
 * them (a guest rewriting its entry forever gets an error, not a
 * livelock).
 *
 * Behaviour follows Xen 4.17 (common/grant_table.c) where a guest can
 * tell: errno values, GNTST_* codes and the order in which checks fail.
 * Not offered: version 2 (set_version answers as a Xen whose maximum
 * version is 1), transfer (as Xen with gnttab=no-transfer), device
 * mappings, cache_flush.
 */

#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
/* Xen's entries are 16 bytes: the same count per frame keeps its limits. */
#define MAPTRACK_PER_FRAME (PAGE_SIZE / 16)
#define MAPTRACK_END 0xffffffffu
/* Xen unmaps in batches of 32 with one flush per batch. */
#define UNMAP_BATCH 32
/* The command's low 12 bits; Xen keeps continuation state above. */
#define CMD_MASK 0xfffu

/* Active-entry pins: four 8-bit counters, as Xen's. */
#define PIN_HSTW 0x00000001u
#define PIN_HSTR 0x00000100u
#define PIN_DEVW 0x00010000u
#define PIN_DEVR 0x01000000u
#define PIN_WRITERS 0x00ff00ffu
/* An increment would carry out of its counter. */
#define PIN_OVERFLOW(incr) ((incr) << 7)

/* What the hypervisor knows of one entry; never shared with the guest. */
struct gnt_active {
    u32 pin;
    domid_t domid; /* the domain pinning it */
    u16 _pad;
    mfn_t mfn;
};

/* One mapping this domain made of another's (or its own) grant. */
struct gnt_map {
    u32 ref;   /* the grant, or the next free handle while flags == 0 */
    u16 flags; /* GNTMAP_* still in force; 0 = free */
    domid_t domid;
    struct grant_table *rgt; /* the granter's table (outlives its pins) */
};

struct grant_table {
    struct domain *d;
    domid_t domid;
    unsigned int nr_frames;
    unsigned int max_frames;
    struct grant_entry_v1 *shared[GNTTAB_MAX_FRAMES];
    struct gnt_active *active[GNTTAB_MAX_FRAMES];
    /* Entries with a non-zero pin: a dead granter lives on while any. */
    unsigned int nr_pinned;
    /* Maptrack: handle h is maptrack[h / per frame][h % per frame]. */
    struct gnt_map **maptrack;
    unsigned int maptrack_limit; /* handles that exist */
    unsigned int maptrack_max;   /* frames allowed */
    /* Free handles, oldest first, so a freed handle is not reused soon. */
    u32 free_head, free_tail;
    unsigned int maps_in_use;
    struct grant_table *next; /* every table, for the auditor */
};

static struct grant_table *all_tables;
static unsigned int nr_tables;

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * ENTRIES_PER_FRAME;
}

static struct grant_entry_v1 *shared_entry(struct grant_table *gt, u32 ref)
{
    return &gt->shared[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static struct gnt_active *active_entry(struct grant_table *gt, u32 ref)
{
    return &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static struct gnt_map *maptrack_entry(struct grant_table *gt, u32 h)
{
    return &gt->maptrack[h / MAPTRACK_PER_FRAME][h % MAPTRACK_PER_FRAME];
}

/* ------------------------------------------------------------ growth */

static int grow_table(struct grant_table *gt, unsigned int frames)
{
    unsigned int i, first = gt->nr_frames;

    for (i = first; i < frames; i++) {
        gt->shared[i] = alloc_page_va();
        gt->active[i] = xzalloc(ENTRIES_PER_FRAME * sizeof(struct gnt_active));
        if (!gt->shared[i] || !gt->active[i])
            break;
    }
    if (i < frames) {
        /* Undo this call's frames only: nothing saw them yet. */
        for (unsigned int j = first; j <= i && j < frames; j++) {
            if (gt->shared[j])
                free_page_va(gt->shared[j]);
            xfree(gt->active[j]);
            gt->shared[j] = NULL;
            gt->active[j] = NULL;
        }
        return -ENOMEM;
    }
    for (i = first; i < frames; i++)
        arch_gnttab_share_frame(gt->shared[i], gt->d);
    gt->nr_frames = frames;
    return 0;
}

/*
 * createdomain's limits, as Xen's grant_table_init: -1 is the default,
 * otherwise at least one grant frame and no more than the defaults.
 */
long gnttab_limits_ok(s32 grant_frames, s32 maptrack_frames)
{
    if (grant_frames >= 0 &&
        (grant_frames < 1 || grant_frames > GNTTAB_MAX_FRAMES))
        return -EINVAL;
    if (maptrack_frames > (s32)GNTTAB_MAX_MAPTRACK_FRAMES)
        return -EINVAL;
    return 0;
}

void gnttab_set_limits(struct domain *d, s32 grant_frames, s32 maptrack_frames)
{
    struct grant_table *gt = d->grant_table;

    if (grant_frames >= 0)
        gt->max_frames = (unsigned int)grant_frames;
    if (maptrack_frames >= 0)
        gt->maptrack_max = (unsigned int)maptrack_frames;
}

int gnttab_domain_init(struct domain *d)
{
    struct grant_table *gt;

    if (nr_tables >= GNTTAB_MAX_TABLES)
        return -ENOMEM;
    gt = xzalloc(sizeof(*gt));
    if (!gt)
        return -ENOMEM;
    gt->d = d;
    gt->domid = d->domain_id;
    gt->max_frames = GNTTAB_MAX_FRAMES;
    gt->maptrack_max = GNTTAB_MAX_MAPTRACK_FRAMES;
    gt->free_head = gt->free_tail = MAPTRACK_END;
    /* Xen starts every table with one frame. */
    if (grow_table(gt, 1)) {
        xfree(gt);
        return -ENOMEM;
    }
    gt->next = all_tables;
    all_tables = gt;
    nr_tables++;
    d->grant_table = gt;
    return 0;
}

void gnttab_seed_entry(struct domain *d, unsigned int ref, domid_t domid,
                       u64 frame)
{
    struct grant_table *gt = d->grant_table;
    struct grant_entry_v1 *e;

    BUG_ON(!gt || ref >= GNTTAB_NR_RESERVED_ENTRIES);
    e = shared_entry(gt, ref);
    e->domid = domid;
    e->frame = (u32)frame;
    smp_wmb();
    e->flags = GTF_permit_access;
}

unsigned int gnttab_hyp_frames(mfn_t *out, unsigned int max)
{
    unsigned int n = 0;

    for (struct grant_table *gt = all_tables; gt; gt = gt->next)
        for (unsigned int i = 0; i < gt->nr_frames; i++) {
            BUG_ON(n >= max);
            out[n++] = virt_to_mfn(gt->shared[i]);
        }
    return n;
}

unsigned int gnttab_device_maps(void (*fn)(void *arg, mfn_t mfn, bool writable),
                                void *arg)
{
    unsigned int n = 0;

    for (struct grant_table *gt = all_tables; gt; gt = gt->next)
        for (u32 h = 0; h < gt->maptrack_limit; h++) {
            const struct gnt_map *m = maptrack_entry(gt, h);

            if (!(m->flags & GNTMAP_device_map))
                continue;
            n++;
            if (fn)
                fn(arg, active_entry(m->rgt, m->ref)->mfn,
                   !(m->flags & GNTMAP_readonly));
        }
    return n;
}

bool gnttab_pinned(const struct domain *d)
{
    const struct grant_table *gt = d->grant_table;

    if (!gt)
        return false;
    if (gt->nr_pinned)
        return true;
    /* A frame of the table someone else (privileged) still maps. */
    for (unsigned int i = 0; i < gt->nr_frames; i++)
        if (arch_gnttab_frame_mapped(gt->shared[i]))
            return true;
    return false;
}

void gnttab_domain_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table, **pp;

    if (!gt)
        return;
    BUG_ON(gt->nr_pinned || gt->maps_in_use);
    for (pp = &all_tables; *pp != gt; pp = &(*pp)->next)
        ;
    *pp = gt->next;
    nr_tables--;
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        if (arch_gnttab_unshare_frame(gt->shared[i]))
            free_page_va(gt->shared[i]);
        else
            printk_lvl(LOG_WARN,
                       "d%u: frame %llx of its grant table still mapped, "
                       "not freed\n",
                       gt->domid,
                       (unsigned long long)virt_to_mfn(gt->shared[i]));
        xfree(gt->active[i]);
    }
    if (gt->maptrack) {
        for (unsigned int i = 0; i < gt->maptrack_limit / MAPTRACK_PER_FRAME;
             i++)
            free_page_va(gt->maptrack[i]);
        xfree(gt->maptrack);
    }
    xfree(gt);
    d->grant_table = NULL;
}

/* ---------------------------------------------------------- maptrack */

static u32 maptrack_get(struct grant_table *gt)
{
    u32 h = gt->free_head;

    if (h == MAPTRACK_END) {
        struct gnt_map *page;
        unsigned int frame = gt->maptrack_limit / MAPTRACK_PER_FRAME;

        if (frame >= gt->maptrack_max)
            return MAPTRACK_END;
        if (!gt->maptrack) {
            gt->maptrack = xzalloc(gt->maptrack_max * sizeof(*gt->maptrack));
            if (!gt->maptrack)
                return MAPTRACK_END;
        }
        page = alloc_page_va();
        if (!page)
            return MAPTRACK_END;
        gt->maptrack[frame] = page;
        for (u32 i = 0; i < MAPTRACK_PER_FRAME; i++)
            page[i].ref = i + 1 < MAPTRACK_PER_FRAME
                              ? gt->maptrack_limit + i + 1
                              : MAPTRACK_END;
        gt->free_head = gt->maptrack_limit;
        gt->free_tail = gt->maptrack_limit + MAPTRACK_PER_FRAME - 1;
        gt->maptrack_limit += MAPTRACK_PER_FRAME;
        h = gt->free_head;
    }
    gt->free_head = maptrack_entry(gt, h)->ref;
    if (gt->free_head == MAPTRACK_END)
        gt->free_tail = MAPTRACK_END;
    gt->maps_in_use++;
    return h;
}

static void maptrack_put(struct grant_table *gt, u32 h)
{
    struct gnt_map *m = maptrack_entry(gt, h);

    m->flags = 0;
    m->rgt = NULL;
    m->ref = MAPTRACK_END;
    if (gt->free_tail == MAPTRACK_END)
        gt->free_head = h;
    else
        maptrack_entry(gt, gt->free_tail)->ref = h;
    gt->free_tail = h;
    gt->maps_in_use--;
}

/* ------------------------------------------------------ entry status */

/*
 * Mark a grant in use for ldom (GTF_reading, plus GTF_writing for a
 * writer), checking type and grantee unless already pinned. The guest may
 * race us on this word; five tries, as Xen.
 */
static s16 set_status(struct grant_entry_v1 *sh, const struct gnt_active *act,
                      bool readonly, bool mapping, domid_t ldom)
{
    volatile u32 *raw = (volatile u32 *)sh;
    u16 mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
    u32 cur = READ_ONCE(*raw);

    for (unsigned int tries = 0;; tries++) {
        u16 flags = (u16)cur, dom = (u16)(cur >> 16);
        u32 want = cur | GTF_reading, seen;

        if (!act->pin && ((flags & mask) != GTF_permit_access || dom != ldom))
            return GNTST_general_error;
        if (!readonly) {
            if (flags & GTF_readonly)
                return GNTST_general_error;
            want |= GTF_writing;
        }
        seen = cmpxchg32(raw, cur, want);
        if (seen == cur)
            return GNTST_okay;
        if (tries == 4)
            return GNTST_general_error;
        cur = seen;
    }
}

/* Drop the status bits no pin needs any more (Xen's reduce_status_for_pin). */
static void reduce_status(struct grant_entry_v1 *sh,
                          const struct gnt_active *act, bool readonly)
{
    u16 clear = act->pin ? 0 : GTF_reading;

    if (!readonly && !(act->pin & PIN_WRITERS))
        clear |= GTF_writing;
    if (clear)
        __atomic_fetch_and(&sh->flags, (u16)~clear, __ATOMIC_SEQ_CST);
}

static void pin_add(struct grant_table *gt, struct gnt_active *act, u32 incr)
{
    if (!act->pin)
        gt->nr_pinned++;
    act->pin += incr;
}

static void pin_sub(struct grant_table *gt, struct gnt_active *act, u32 incr)
{
    BUG_ON(act->pin < incr);
    act->pin -= incr;
    if (!act->pin)
        gt->nr_pinned--;
}

/*
 * A general reference on the granter's frame named by a fresh pin: it must
 * be RAM the granter owns (PV: the entry's frame is the MFN).
 */
static s16 get_granted_frame(struct domain *rd, u64 frame, mfn_t *mfn)
{
    if (!mfn_valid(frame) || !arch_get_page(mfn_to_page(frame), rd))
        return GNTST_bad_page;
    *mfn = frame;
    return GNTST_okay;
}

/* ------------------------------------------------------------- map */

static s16 map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *ld = v->domain, *rd;
    struct grant_table *lgt = ld->grant_table, *rgt;
    bool ro = op->flags & GNTMAP_readonly;
    struct grant_entry_v1 *sh;
    struct gnt_active *act;
    struct page_info *pg = NULL;
    struct gnt_map *m;
    bool dev = op->flags & GNTMAP_device_map,
         host = op->flags & GNTMAP_host_map;
    u32 incr = 0, h;
    mfn_t mfn = 0;
    s16 rc;

    if (dev)
        incr += ro ? PIN_DEVR : PIN_DEVW;
    if (host)
        incr += ro ? PIN_HSTR : PIN_HSTW;
    if (!incr)
        return GNTST_bad_gntref;
    rd = domain_by_id_or_zombie(op->dom);
    if (!rd || !rd->grant_table)
        return GNTST_bad_domain;
    h = maptrack_get(lgt);
    if (h == MAPTRACK_END)
        return GNTST_no_space;
    rgt = rd->grant_table;
    if (op->ref >= nr_entries(rgt)) {
        rc = GNTST_bad_gntref;
        goto put_handle;
    }
    sh = shared_entry(rgt, op->ref);
    act = active_entry(rgt, op->ref);
    if (act->pin &&
        (act->domid != ld->domain_id || (act->pin & PIN_OVERFLOW(incr)))) {
        rc = GNTST_general_error;
        goto put_handle;
    }
    if (!act->pin || (!ro && !(act->pin & PIN_WRITERS))) {
        rc = set_status(sh, act, ro, true, ld->domain_id);
        if (rc)
            goto put_handle;
        if (!act->pin) {
            rc = get_granted_frame(rd, READ_ONCE(sh->frame), &mfn);
            if (rc)
                goto clear;
            pg = mfn_to_page(mfn);
        }
    }
    if (!pg) {
        mfn = act->mfn;
        pg = mfn_to_page(mfn);
        /* The pinned frame may have left the granter (ballooned out). */
        if (!arch_get_page(pg, rd)) {
            rc = GNTST_general_error;
            goto clear;
        }
    }
    /*
     * A device mapping (Xen's, for a PV domain without an IOMMU: the bus
     * address is the frame) holds a reference of its own, and a writable
     * type if writable, kept with the handle; a host mapping's go into
     * its page-table entry. With both, the frame is referenced twice.
     */
    if (dev && host && !arch_get_page(pg, rd)) {
        rc = GNTST_general_error;
        goto put_ref;
    }
    /* A page table or descriptor page is never granted writable. */
    if (!ro && !arch_gnttab_get_writable(pg)) {
        rc = GNTST_general_error;
        goto put_second;
    }
    if (!ro && dev && host && !arch_gnttab_get_writable(pg)) {
        rc = GNTST_general_error;
        goto put_type;
    }
    rc = host ? (s16)arch_gnttab_create_host_mapping(v, op->host_addr, mfn,
                                                     op->flags)
              : GNTST_okay;
    if (rc) {
        if (!ro && dev)
            arch_gnttab_put_writable(pg);
        goto put_type;
    }
    /* Commit: nothing below can fail. */
    if (!act->pin) {
        act->domid = ld->domain_id;
        act->mfn = mfn;
    }
    pin_add(rgt, act, incr);
    m = maptrack_entry(lgt, h);
    m->ref = op->ref;
    m->domid = op->dom;
    m->rgt = rgt;
    smp_wmb();
    m->flags = (u16)(op->flags & 0xffff);
    op->dev_bus_addr = (u64)mfn << PAGE_SHIFT;
    op->handle = h;
    return GNTST_okay;

put_type:
    if (!ro)
        arch_gnttab_put_writable(pg);
put_second:
    if (dev && host)
        arch_put_page(pg);
put_ref:
    arch_put_page(pg);
clear:
    reduce_status(sh, act, ro);
put_handle:
    maptrack_put(lgt, h);
    return rc;
}

static long gnttab_map(struct vcpu *v, u64 uop, unsigned int count)
{
    struct gnttab_map_grant_ref op;

    for (unsigned int i = 0; i < count; i++) {
        u64 at = uop + (u64)i * sizeof(op);

        if (i && hypercall_preempt_check())
            return hypercall_continue(__HYPERVISOR_grant_table_op,
                                      GNTTABOP_map_grant_ref, at, count - i, 0,
                                      0);
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        op.status = map_one(v, &op);
        if (copy_to_guest(at, &op, sizeof(op)))
            return -EFAULT;
    }
    return 0;
}

/* ----------------------------------------------------------- unmap */

/* What unmap_one did, for unmap_complete after the batch's flush. */
struct unmap_done {
    struct grant_table *rgt;
    u32 ref;
    mfn_t mfn;
    bool readonly;
    bool host; /* a host mapping went: its references and pin are due */
    bool dev;  /* a device mapping went: likewise */
};

static s16 unmap_one(struct vcpu *v, u64 host_addr, u64 dev_bus_addr,
                     u64 new_addr, u32 h, struct unmap_done *done)
{
    struct grant_table *lgt = v->domain->grant_table, *rgt;
    struct gnt_active *act;
    struct gnt_map *m;
    u16 flags;
    int rc;

    done->host = done->dev = false;
    if (h >= lgt->maptrack_limit)
        return GNTST_bad_handle;
    m = maptrack_entry(lgt, h);
    flags = m->flags;
    if (!flags)
        return GNTST_bad_handle;
    rgt = m->rgt;
    BUG_ON(!rgt || m->ref >= nr_entries(rgt));
    act = active_entry(rgt, m->ref);
    if (dev_bus_addr && (flags & GNTMAP_device_map) &&
        dev_bus_addr != (u64)act->mfn << PAGE_SHIFT)
        return GNTST_bad_dev_addr;
    if (host_addr && (flags & GNTMAP_host_map)) {
        rc = arch_gnttab_replace_host_mapping(v, host_addr, act->mfn, new_addr,
                                              flags);
        if (rc)
            return (s16)rc;
        done->rgt = rgt;
        done->ref = m->ref;
        done->mfn = act->mfn;
        done->readonly = flags & GNTMAP_readonly;
        done->host = true;
        m->flags &= ~GNTMAP_host_map;
    }
    if (dev_bus_addr && (flags & GNTMAP_device_map)) {
        done->rgt = rgt;
        done->ref = m->ref;
        done->mfn = act->mfn;
        done->readonly = flags & GNTMAP_readonly;
        done->dev = true;
        m->flags &= ~GNTMAP_device_map;
    }
    if (!(m->flags & (GNTMAP_device_map | GNTMAP_host_map)))
        maptrack_put(lgt, h);
    return GNTST_okay;
}

/* After the flush: the mapping's references, then its pin and status. */
static void unmap_complete(const struct unmap_done *done)
{
    struct page_info *pg;
    struct gnt_active *act;
    u32 pins = 0;

    if (!done->host && !done->dev)
        return;
    pg = mfn_to_page(done->mfn);
    act = active_entry(done->rgt, done->ref);
    if (done->dev)
        pins += done->readonly ? PIN_DEVR : PIN_DEVW;
    if (done->host)
        pins += done->readonly ? PIN_HSTR : PIN_HSTW;
    for (unsigned int k = done->dev + done->host; k; k--) {
        if (!done->readonly)
            arch_gnttab_put_writable(pg);
        arch_put_page(pg);
    }
    pin_sub(done->rgt, act, pins);
    reduce_status(shared_entry(done->rgt, done->ref), act, done->readonly);
}

/*
 * unmap_grant_ref and unmap_and_replace share everything but the layout
 * of their items: replace says which.
 */
static long gnttab_unmap(struct vcpu *v, unsigned int cmd, u64 uop,
                         unsigned int count)
{
    bool replace = cmd == GNTTABOP_unmap_and_replace;
    size_t size = replace ? sizeof(struct gnttab_unmap_and_replace)
                          : sizeof(struct gnttab_unmap_grant_ref);
    struct unmap_done done[UNMAP_BATCH];
    unsigned int i = 0;

    while (i < count) {
        unsigned int n = 0,
                     c = count - i < UNMAP_BATCH ? count - i : UNMAP_BATCH;
        long rc = 0;

        for (; n < c; n++) {
            u64 at = uop + (u64)(i + n) * size;
            u64 host, dev = 0, new_addr = 0;
            u32 handle;
            s16 st;

            if (replace) {
                struct gnttab_unmap_and_replace op;

                if (copy_from_guest(&op, at, sizeof(op))) {
                    rc = -EFAULT;
                    break;
                }
                host = op.host_addr;
                new_addr = op.new_addr;
                handle = op.handle;
            } else {
                struct gnttab_unmap_grant_ref op;

                if (copy_from_guest(&op, at, sizeof(op))) {
                    rc = -EFAULT;
                    break;
                }
                host = op.host_addr;
                dev = op.dev_bus_addr;
                handle = op.handle;
            }
            st = unmap_one(v, host, dev, new_addr, handle, &done[n]);
            /* status sits at the same offset in both layouts. */
            if (copy_to_guest(
                    at + offsetof(struct gnttab_unmap_grant_ref, status), &st,
                    sizeof(st))) {
                n++;
                rc = -EFAULT;
                break;
            }
        }
        /* No reference may go while a stale TLB entry could still use it. */
        arch_gnttab_flush(v->domain);
        for (unsigned int k = 0; k < n; k++)
            unmap_complete(&done[k]);
        if (rc)
            return rc;
        i += c;
        if (i < count && hypercall_preempt_check())
            return hypercall_continue(__HYPERVISOR_grant_table_op, cmd,
                                      uop + (u64)i * size, count - i, 0, 0);
    }
    return 0;
}

/* ------------------------------------------------------------ copy */

struct copy_side {
    struct domain *d;
    struct grant_table *gt; /* non-NULL: a grant was pinned */
    u32 ref;
    struct page_info *pg;
    bool writable; /* holds a writable type reference */
};

static void release_side(struct copy_side *s, bool readonly)
{
    if (s->gt) {
        struct gnt_active *act = active_entry(s->gt, s->ref);

        /* Pin first, then the page (XSA-236's order). */
        pin_sub(s->gt, act, readonly ? PIN_HSTR : PIN_HSTW);
        reduce_status(shared_entry(s->gt, s->ref), act, readonly);
        s->gt = NULL;
    }
    if (s->writable)
        arch_gnttab_put_writable(s->pg);
    s->writable = false;
    if (s->pg)
        arch_put_page(s->pg);
    s->pg = NULL;
}

/* Pin a grant for copying (Xen's acquire_grant_for_copy, version 1). */
static s16 acquire_for_copy(struct domain *rd, u32 ref, domid_t ldom,
                            bool readonly, struct copy_side *s)
{
    struct grant_table *rgt = rd->grant_table;
    u32 incr = readonly ? PIN_HSTR : PIN_HSTW;
    struct grant_entry_v1 *sh;
    struct gnt_active *act;
    mfn_t mfn;
    s16 rc;

    if (ref >= nr_entries(rgt))
        return GNTST_bad_gntref;
    sh = shared_entry(rgt, ref);
    act = active_entry(rgt, ref);
    if (act->pin && (act->domid != ldom || (act->pin & PIN_OVERFLOW(incr))))
        return GNTST_general_error;
    if (!act->pin || (!readonly && !(act->pin & PIN_WRITERS))) {
        rc = set_status(sh, act, readonly, false, ldom);
        if (rc)
            return rc;
        rc = get_granted_frame(rd, READ_ONCE(sh->frame), &mfn);
        if (rc) {
            reduce_status(sh, act, readonly);
            return rc;
        }
        if (act->pin && act->mfn != mfn) {
            arch_put_page(mfn_to_page(mfn));
            reduce_status(sh, act, readonly);
            return GNTST_general_error;
        }
    } else {
        mfn = act->mfn;
        if (!arch_get_page(mfn_to_page(mfn), rd)) {
            reduce_status(sh, act, readonly);
            return GNTST_bad_domain;
        }
    }
    if (!act->pin) {
        act->domid = ldom;
        act->mfn = mfn;
    }
    pin_add(rgt, act, incr);
    s->gt = rgt;
    s->ref = ref;
    s->pg = mfn_to_page(mfn);
    return GNTST_okay;
}

static s16 claim_side(struct domain *ld, const struct gnttab_copy_ptr *p,
                      bool is_gref, bool readonly, struct copy_side *s)
{
    s16 rc;

    if (is_gref) {
        rc = acquire_for_copy(s->d, p->u.ref, ld->domain_id, readonly, s);
        if (rc)
            return rc;
    } else {
        mfn_t mfn;

        rc = get_granted_frame(s->d, p->u.gmfn, &mfn);
        if (rc)
            return rc;
        s->pg = mfn_to_page(mfn);
    }
    if (!readonly) {
        if (!arch_gnttab_get_writable(s->pg))
            return GNTST_general_error;
        s->writable = true;
    }
    return GNTST_okay;
}

/* The domain a copy side names; frames may be named only by DOMID_SELF. */
static s16 copy_domain(struct domain *ld, domid_t id, bool is_gref,
                       struct domain **out)
{
    if (id != DOMID_SELF && !is_gref)
        return GNTST_permission_denied;
    *out = id == DOMID_SELF ? ld : domain_by_id(id);
    return *out && (*out)->grant_table ? GNTST_okay : GNTST_bad_domain;
}

static s16 copy_one(struct domain *ld, const struct gnttab_copy *op)
{
    struct copy_side src = { 0 }, dst = { 0 };
    s16 rc;

    rc = copy_domain(ld, op->source.domid, op->flags & GNTCOPY_source_gref,
                     &src.d);
    if (!rc)
        rc = copy_domain(ld, op->dest.domid, op->flags & GNTCOPY_dest_gref,
                         &dst.d);
    if (!rc)
        rc = claim_side(ld, &op->source, op->flags & GNTCOPY_source_gref, true,
                        &src);
    if (!rc)
        rc = claim_side(ld, &op->dest, op->flags & GNTCOPY_dest_gref, false,
                        &dst);
    if (!rc && ((u32)op->source.offset + op->len > PAGE_SIZE ||
                (u32)op->dest.offset + op->len > PAGE_SIZE))
        rc = GNTST_bad_copy_arg;
    if (!rc && op->len)
        memmove((u8 *)arch_gnttab_frame_va(page_to_mfn(dst.pg)) +
                    op->dest.offset,
                (const u8 *)arch_gnttab_frame_va(page_to_mfn(src.pg)) +
                    op->source.offset,
                op->len);
    release_side(&dst, false);
    release_side(&src, true);
    return rc;
}

static long gnttab_copy(struct vcpu *v, u64 uop, unsigned int count)
{
    struct gnttab_copy op;

    for (unsigned int i = 0; i < count; i++) {
        u64 at = uop + (u64)i * sizeof(op);
        s16 st;

        if (i && hypercall_preempt_check())
            return hypercall_continue(__HYPERVISOR_grant_table_op,
                                      GNTTABOP_copy, at, count - i, 0, 0);
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        st = copy_one(v->domain, &op);
        if (copy_to_guest(at + offsetof(struct gnttab_copy, status), &st,
                          sizeof(st)))
            return -EFAULT;
    }
    return 0;
}

/* ------------------------------------------------- table management */

/*
 * DOMID_SELF or a domain by number; NULL if none. The questions (query,
 * get_version) reach a zombie too, as on Xen; changes to a table do not.
 */
static struct domain *any_domain(struct domain *ld, domid_t id, bool zombie)
{
    struct domain *d = id == DOMID_SELF ? ld
                       : zombie         ? domain_by_id_or_zombie(id)
                                        : domain_by_id(id);

    return d && d->grant_table ? d : NULL;
}

/* Xen's XSM_TARGET default: oneself, or the privileged domain. */
static bool may_manage(const struct domain *ld, const struct domain *d)
{
    return ld == d || ld->is_privileged;
}

static long gnttab_setup(struct domain *ld, u64 uop, unsigned int count)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    if (!guest_range_ok((u64)(uintptr_t)op.frame_list, 1))
        return -EFAULT;
    d = any_domain(ld, op.dom, false);
    if (!d) {
        op.status = GNTST_bad_domain;
    } else if (!may_manage(ld, d)) {
        op.status = GNTST_permission_denied;
    } else {
        gt = d->grant_table;
        if (op.nr_frames > gt->max_frames) {
            op.status = GNTST_general_error;
        } else if (op.nr_frames > gt->nr_frames &&
                   grow_table(gt, op.nr_frames)) {
            op.status = GNTST_general_error;
        } else {
            op.status = GNTST_okay;
            for (u32 i = 0; i < op.nr_frames; i++) {
                u64 mfn = virt_to_mfn(gt->shared[i]);

                if (copy_to_guest((u64)(uintptr_t)op.frame_list +
                                      i * sizeof(mfn),
                                  &mfn, sizeof(mfn)))
                    op.status = GNTST_bad_virt_addr;
            }
        }
    }
    if (copy_to_guest(uop + offsetof(struct gnttab_setup_table, status),
                      &op.status, sizeof(op.status)))
        return -EFAULT;
    return 0;
}

static long gnttab_query(struct domain *ld, u64 uop, unsigned int count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    d = any_domain(ld, op.dom, true);
    if (!d) {
        op.status = GNTST_bad_domain;
    } else if (!may_manage(ld, d)) {
        op.status = GNTST_permission_denied;
    } else {
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = d->grant_table->max_frames;
        op.status = GNTST_okay;
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long gnttab_set_version(u64 uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    if (op.version != 1 && op.version != 2)
        rc = -EINVAL;
    else if (op.version == 2)
        rc = -ENOSYS; /* as Xen for a domain limited to version 1 */
    else
        rc = 0;
    op.version = 1;
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long gnttab_get_version(struct domain *ld, u64 uop)
{
    struct gnttab_get_version op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    d = any_domain(ld, op.dom, true);
    if (!d)
        return -ESRCH;
    if (!may_manage(ld, d))
        return -EPERM;
    op.version = 1;
    return copy_to_guest(uop + offsetof(struct gnttab_get_version, version),
                         &op.version, sizeof(op.version))
               ? -EFAULT
               : 0;
}

static long gnttab_status_frames(struct domain *ld, u64 uop, unsigned int count)
{
    struct gnttab_get_status_frames op;
    struct domain *d;

    if (count != 1)
        return -EINVAL;
    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    if (!guest_range_ok((u64)(uintptr_t)op.frame_list, 1))
        return -EFAULT;
    d = any_domain(ld, op.dom, false);
    if (!d)
        op.status = GNTST_bad_domain;
    else if (!may_manage(ld, d))
        op.status = GNTST_permission_denied;
    else /* version 1 has no status frames */
        op.status = op.nr_frames ? GNTST_general_error : GNTST_okay;
    return copy_to_guest(uop +
                             offsetof(struct gnttab_get_status_frames, status),
                         &op.status, sizeof(op.status))
               ? -EFAULT
               : 0;
}

static s16 swap_one(struct grant_table *gt, u32 a, u32 b)
{
    struct grant_entry_v1 t;

    if (a >= nr_entries(gt) || b >= nr_entries(gt))
        return GNTST_bad_gntref;
    if (a == b)
        return GNTST_okay;
    if (active_entry(gt, a)->pin || active_entry(gt, b)->pin)
        return GNTST_eagain;
    t = *shared_entry(gt, a);
    *shared_entry(gt, a) = *shared_entry(gt, b);
    *shared_entry(gt, b) = t;
    return GNTST_okay;
}

static long gnttab_swap(struct domain *ld, u64 uop, unsigned int count)
{
    struct gnttab_swap_grant_ref op;

    for (unsigned int i = 0; i < count; i++) {
        u64 at = uop + (u64)i * sizeof(op);

        if (i && hypercall_preempt_check())
            return hypercall_continue(__HYPERVISOR_grant_table_op,
                                      GNTTABOP_swap_grant_ref, at, count - i, 0,
                                      0);
        if (copy_from_guest(&op, at, sizeof(op)))
            return -EFAULT;
        op.status = swap_one(ld->grant_table, op.ref_a, op.ref_b);
        if (copy_to_guest(at + offsetof(struct gnttab_swap_grant_ref, status),
                          &op.status, sizeof(op.status)))
            return -EFAULT;
    }
    return 0;
}

/* The size of one item of a batched command, 0 for the others. */
static size_t item_size(unsigned int cmd)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return sizeof(struct gnttab_map_grant_ref);
    case GNTTABOP_unmap_grant_ref:
        return sizeof(struct gnttab_unmap_grant_ref);
    case GNTTABOP_unmap_and_replace:
        return sizeof(struct gnttab_unmap_and_replace);
    case GNTTABOP_transfer:
        return sizeof(struct gnttab_transfer);
    case GNTTABOP_copy:
        return sizeof(struct gnttab_copy);
    case GNTTABOP_swap_grant_ref:
        return sizeof(struct gnttab_swap_grant_ref);
    case GNTTABOP_cache_flush:
        return sizeof(struct gnttab_cache_flush);
    default:
        return 0;
    }
}

static long grant_table_op(struct vcpu *v, unsigned int cmd, u64 uop,
                           unsigned int count)
{
    struct domain *d = v->domain;
    size_t size;

    if ((int)count < 0)
        return -EINVAL;
    /* Only cache_flush carries continuation state in the high bits. */
    if ((cmd & ~CMD_MASK) && (cmd & CMD_MASK) != GNTTABOP_cache_flush)
        return -EINVAL;
    cmd &= CMD_MASK;
    if (!d->grant_table)
        return -ENOSYS;
    /*
     * Xen's guest_handle_okay for 64-bit PV checks where a batch starts,
     * not where it ends: items past the guest's range fault one by one.
     */
    size = item_size(cmd);
    if (size && !guest_range_ok(uop, 1))
        return -EFAULT;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return gnttab_map(v, uop, count);
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_unmap_and_replace:
        return gnttab_unmap(v, cmd, uop, count);
    case GNTTABOP_setup_table:
        return gnttab_setup(d, uop, count);
    case GNTTABOP_transfer:
        return -EOPNOTSUPP; /* as Xen with gnttab=no-transfer */
    case GNTTABOP_copy:
        return gnttab_copy(v, uop, count);
    case GNTTABOP_query_size:
        return gnttab_query(d, uop, count);
    case GNTTABOP_set_version:
        return gnttab_set_version(uop);
    case GNTTABOP_get_status_frames:
        return gnttab_status_frames(d, uop, count);
    case GNTTABOP_get_version:
        return gnttab_get_version(d, uop);
    case GNTTABOP_swap_grant_ref:
        return gnttab_swap(d, uop, count);
    default:
        return -ENOSYS;
    }
}

HYPERCALL3(grant_table_op, unsigned int, cmd, u64, uop, unsigned int, count)
{
    struct vcpu *v = current_vcpu();
    long rc = grant_table_op(v, cmd, uop, count);

    /* An unmap may have let the last pin of a dead granter go. */
    domain_reap_zombies();
    arch_gnttab_audit(v->domain, "grant_table_op");
    return rc;
}

/* ------------------------------------------------------- teardown */

void gnttab_release_mappings(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    if (!gt)
        return;
    for (u32 h = 0; h < gt->maptrack_limit; h++) {
        struct gnt_map *m = maptrack_entry(gt, h);
        struct gnt_active *act;
        bool ro;

        if (!m->flags)
            continue;
        ro = m->flags & GNTMAP_readonly;
        act = active_entry(m->rgt, m->ref);
        /*
         * A host mapping: only the pin, for PV its references belong to
         * the page-table entry and go when d's tables are torn down. A
         * device mapping's references are the handle's: they go here.
         */
        if (m->flags & GNTMAP_host_map) {
            pin_sub(m->rgt, act, ro ? PIN_HSTR : PIN_HSTW);
            reduce_status(shared_entry(m->rgt, m->ref), act, ro);
        }
        if (m->flags & GNTMAP_device_map) {
            struct page_info *pg = mfn_to_page(act->mfn);

            pin_sub(m->rgt, act, ro ? PIN_DEVR : PIN_DEVW);
            reduce_status(shared_entry(m->rgt, m->ref), act, ro);
            if (!ro)
                arch_gnttab_put_writable(pg);
            arch_put_page(pg);
        }
        maptrack_put(gt, h);
    }
}

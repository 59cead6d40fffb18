/* SPDX-License-Identifier: GPL-2.0-only */
/* PV frame references, page types, table (de)validation, pins, teardown, auditor. */
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/layout.h"
#include "asm/pagetype.h"
#include "asm/pte.h"
#include "asm/x86.h"

/*
 * Concurrency: this module assumes one writer at a time (one CPU, or the
 * per-domain MM lock of pv-mm.md 10.5 plus a global one for foreign
 * writable references). Switching count_info/type_info updates to
 * compare-and-swap is needed before several CPUs run PV MMU hypercalls.
 *
 * No recursion anywhere: (de)validation walks a tree with an explicit
 * stack of at most four frames, one per level, because entries of an Ln
 * table only ever reference L(n-1) tables (no linear page tables).
 */

#define MAX_DEPTH 4

/* Flags a guest may set in a present entry (pv-mm.md 2.1). */
#define BASE_ALLOWED                                                        \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | \
     _PAGE_AVAIL | _PAGE_AVAIL_HIGH | _PAGE_NX)
#define L1_ALLOWED (BASE_ALLOWED | _PAGE_GLOBAL)
/* Bits whose change needs no re-validation (2.4); RW only above L1, safe
 * because same-level entries are refused. */
#define L1_HARMLESS                                                           \
    (_PAGE_NX | _PAGE_AVAIL | _PAGE_AVAIL_HIGH | _PAGE_GLOBAL | _PAGE_DIRTY | \
     _PAGE_ACCESSED | _PAGE_USER)
#define UPPER_HARMLESS (L1_HARMLESS | _PAGE_RW)
#define DEFAULT_MAX_MFN (1UL << 40)

/*
 * The hypervisor reaches frames through its direct map. Weak so the host
 * unit tests can substitute their fake machine memory; GCC never inlines
 * a weak definition, so the substitution reaches every caller here.
 */
__attribute__((weak)) void *pv_frame_map(mfn_t mfn)
{
    return (void *)(uintptr_t)((mfn << PAGE_SHIFT) + DIRECTMAP_VIRT_START);
}

static u64 *frame_ptes(struct page_info *pg)
{
    return pv_frame_map(page_to_mfn(pg));
}

static unsigned int progress(const struct page_info *pg)
{
    return (unsigned int)((pg->type_info & PGT_PROGRESS_MASK) >>
                          PGT_PROGRESS_SHIFT);
}

static void set_progress(struct page_info *pg, unsigned int i)
{
    pg->type_info =
        (pg->type_info & ~PGT_PROGRESS_MASK) | ((u64)i << PGT_PROGRESS_SHIFT);
}

/* 1-4 for page-table types, 0 for anything else. */
static unsigned int table_level(const struct page_info *pg)
{
    u64 t = pgt_type(pg);

    return (t >= PGT_l1 && t <= PGT_l4) ? (unsigned int)(t >> PGT_TYPE_SHIFT)
                                        : 0;
}

static bool is_hyp_slot(unsigned int level, unsigned int i)
{
    return level == 4 && i >= PV_HYP_L4_FIRST && i <= PV_HYP_L4_LAST;
}

static mfn_t pte_mfn(u64 e)
{
    return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

static bool is_io_frame(mfn_t mfn)
{
    return !mfn_valid(mfn) || (mfn_to_page(mfn)->count_info & PGC_io);
}

/*
 * One unit of preemptible work is about to start: false to go on, true to
 * stop with -ERESTART. The first unit of a call always runs, so a caller
 * that keeps retrying always finishes.
 */
static bool should_stop(struct pv_mm_ctx *ctx)
{
    struct pv_preempt *p = ctx->preempt;

    if (!p)
        return false;
    if (p->budget == 0 && ctx->done)
        return true;
    if (p->budget)
        p->budget--;
    ctx->done++;
    return false;
}

/* ------------------------------------------------------- general refs */

void pv_assign_page(struct page_info *pg, struct domain *d)
{
    pg->owner = d;
    pg->count_info = PGC_allocated | 1;
    /* A new owner must never inherit a lazily kept type (XSA-214). */
    pg->type_info = 0;
}

bool get_page(struct page_info *pg, struct domain *d)
{
    u64 c = pg->count_info;
    /* Vesper's own reference on a shared page is not the guest's to use. */
    u64 floor = (c & PGC_xen_heap) ? 1 : 0;

    if (!d || pg->owner != d || (c & PGC_io))
        return false;
    /*
     * Count 0 is a free frame: it must not come back to life. A shared
     * page the guest gave up and no longer maps is, to the guest, gone
     * (as in Xen, where its count is then 0).
     */
    if ((c & PGC_COUNT_MASK) <= floor || (c & PGC_COUNT_MASK) >= PGC_COUNT_MAX)
        return false;
    pg->count_info = c + 1;
    return true;
}

/* Internal references on a frame already held: the headroom makes them unfailing. */
static void get_page_light(struct page_info *pg)
{
    BUG_ON(pgc_count(pg) == 0 || pgc_count(pg) >= PGC_COUNT_MASK);
    pg->count_info++;
}

/* The hypervisor frees released frames here; the unit tests need not. */
__attribute__((weak)) void pv_page_released(struct page_info *pg)
{
    (void)pg;
}

void put_page(struct page_info *pg)
{
    BUG_ON(pgc_count(pg) == 0);
    pg->count_info--;
    if (pg->count_info == 0)
        pv_page_released(pg);
}

bool pv_release_allocation(struct page_info *pg)
{
    if (!(pg->count_info & PGC_allocated))
        return false;
    pg->count_info &= ~PGC_allocated;
    put_page(pg);
    return pgc_count(pg) == 0;
}

/* --------------------------------------------------------- entry rules */

static mfn_t max_mfn(const struct pv_mm_ctx *ctx)
{
    return ctx->max_mfn ? ctx->max_mfn : DEFAULT_MAX_MFN;
}

/*
 * Non-present entries hold no references, but on L1TF-affected CPUs their
 * address is still used speculatively, and PSE above L1 lets a walk
 * reinterpret them (2.9). Safe: no address, or one beyond all RAM.
 */
static bool l1tf_safe(u64 e, unsigned int level, const struct pv_mm_ctx *ctx)
{
    if (!ctx->l1tf)
        return true;
    if (level > 1 && (e & _PAGE_PSE))
        return false;
    return pte_mfn(e) == 0 || pte_mfn(e) >= nr_frames;
}

static int check_l1e(u64 e, const struct pv_mm_ctx *ctx)
{
    u64 allowed = L1_ALLOWED | (ctx->cache_ok ? _PAGE_CACHE_ATTRS : 0);

    if (e & ~(allowed | PTE_ADDR_MASK))
        return -EINVAL;
    if (pte_mfn(e) >= max_mfn(ctx))
        return -EINVAL;
    return 0;
}

static bool io_in(const u64 (*r)[2], unsigned int n, mfn_t mfn)
{
    for (unsigned int i = 0; i < n; i++)
        if (mfn >= r[i][0] && mfn <= r[i][1])
            return true;
    return false;
}

/*
 * The guest kernel runs in ring 3, so every mapping needs US; remember
 * which were the kernel's. Kernel mappings are never global (they would
 * leak into guest user mode); user ones are if the caller's flush scheme
 * relies on global user pages.
 */
static u64 adjust_l1e(u64 e, const struct pv_mm_ctx *ctx)
{
    if (!(e & _PAGE_USER))
        e |= _PAGE_USER | _PAGE_GUEST_KERNEL;
    if (!(e & _PAGE_GUEST_KERNEL) && ctx->user_global)
        e |= _PAGE_GLOBAL;
    else
        e &= ~_PAGE_GLOBAL;
    /* I/O memory is never cached: UC, UC- and WC stay, the rest become UC. */
    if (is_io_frame(pte_mfn(e))) {
        unsigned int idx = ((e & _PAGE_PWT) ? 1 : 0) |
                           ((e & _PAGE_PCD) ? 2 : 0) |
                           ((e & _PAGE_PAT) ? 4 : 0);

        if (idx == 0 || idx == 1 || idx == 5)
            e = (e & ~_PAGE_CACHE_ATTRS) | _PAGE_PCD | _PAGE_PWT;
        if (io_in(ctx->io_ro, ctx->io_nro, pte_mfn(e)))
            e &= ~_PAGE_RW;
    }
    return e;
}

static int check_upper(u64 e, unsigned int level)
{
    /* No PSE (no PV superpages), no G, no cache attributes above L1. */
    (void)level;
    if (e & ~(BASE_ALLOWED | PTE_ADDR_MASK))
        return -EINVAL;
    return 0;
}

static u64 adjust_upper(u64 e, unsigned int level)
{
    e |= _PAGE_USER;
    /* A forced on L4 keeps shadowed root copies consistent (2.3). */
    if (level == 4)
        e |= _PAGE_ACCESSED;
    return e;
}

static void flush_left_writable(struct page_info *pg, struct pv_mm_ctx *ctx)
{
    if (ctx->flush_writable)
        ctx->flush_writable(ctx, pg);
    else
        ctx->flush |= PV_FLUSH_ALL;
}

/* A writable type reference never triggers (de)validation. */
static int get_writable(struct page_info *pg, struct pv_mm_ctx *ctx)
{
    u64 x = pg->type_info;

    if (pgt_count(pg)) {
        if ((x & PGT_TYPE_MASK) != PGT_writable ||
            pgt_count(pg) == PGT_COUNT_MASK)
            return -EINVAL;
        pg->type_info = x + 1;
        return 0;
    }
    pg->type_info = PGT_writable | PGT_validated | 1;
    return 0;
}

static void put_writable(struct page_info *pg)
{
    BUG_ON(pgt_type(pg) != PGT_writable || pgt_count(pg) == 0);
    /* The type stays (lazily valid) so re-mapping costs nothing. */
    pg->type_info--;
}

void pv_share_hyp_page(struct page_info *pg, struct domain *d)
{
    BUG_ON(page_in_use(pg));
    pg->owner = d;
    /* The guest's allocation reference plus Vesper's own. */
    pg->count_info = PGC_allocated | PGC_xen_heap | 2;
    /* Vesper writes it: writable for good, never a table (pv-mm.md 1.3). */
    pg->type_info = PGT_writable | PGT_validated | 1;
}

bool pv_unshare_hyp_page(struct page_info *pg)
{
    BUG_ON(!(pg->count_info & PGC_xen_heap));
    if (pg->count_info & PGC_allocated) {
        pg->count_info &= ~PGC_allocated;
        put_page(pg);
    }
    put_writable(pg);
    BUG_ON(pgc_count(pg) == 0);
    pg->count_info--;
    if (pgc_count(pg))
        return false;
    pg->count_info = 0;
    pg->type_info = 0;
    return true;
}

/*
 * References for a present, checked and adjusted L1 entry of a table owned
 * by l1_owner. expected is who must own the target (the ABI's pg_owner).
 */
static int get_l1e_refs(u64 e, struct domain *expected, struct pv_mm_ctx *ctx)
{
    mfn_t mfn = pte_mfn(e);
    struct page_info *pg;
    struct domain *owner;

    if (is_io_frame(mfn)) {
        if (!ctx->io_ok)
            return -EPERM;
        /* Xen's dom0 has I/O rights up to its physical address width. */
        if (ctx->io_limit && mfn >= ctx->io_limit)
            return -EPERM;
        if (io_in(ctx->io_ro, ctx->io_nro, mfn))
            return 0;
        for (unsigned int i = 0; i < ctx->io_ndeny; i++)
            if (mfn >= ctx->io_deny[i][0] && mfn <= ctx->io_deny[i][1])
                return -EPERM;
        if (ctx->io_caps && !rangeset_contains(ctx->io_caps, mfn, mfn))
            return -EPERM;
        return 0;
    }
    pg = mfn_to_page(mfn);
    owner = pg->owner;
    /* Free, hypervisor-private or foreign without privilege (2.2, 2.7). */
    if (!owner || (owner != expected && !ctx->foreign_ok))
        return -EBUSY;
    if (!get_page(pg, owner))
        return -EBUSY;
    if ((e & _PAGE_RW) && get_writable(pg, ctx)) {
        put_page(pg);
        return -EBUSY;
    }
    return 0;
}

static void put_l1e_refs(u64 e)
{
    struct page_info *pg;

    if (!(e & _PAGE_PRESENT) || is_io_frame(pte_mfn(e)))
        return;
    pg = mfn_to_page(pte_mfn(e));
    if (e & _PAGE_RW)
        put_writable(pg);
    put_page(pg);
}

/* ------------------------------------------------------------ descriptors */

static bool gate_selector_ok(unsigned int sel)
{
    if (!(sel & ~3u))
        return false;
    if (sel & 4) /* LDT */
        return true;
    if ((sel >> 3) < FIRST_RESERVED_GDT_ENTRY)
        return true;
    return sel == FLAT_RING3_CS64_VAL;
}

int pv_check_descriptor(u64 *desc)
{
    u64 d = *desc;
    u64 type = (d & SEG_DESC_TYPE) >> SEG_DESC_TYPE_SHIFT;

    if (d & SEG_DESC_S) {
        if (!(d & SEG_DESC_P))
            return 0;
        /* The guest kernel runs at CPL 3: no segment may be more privileged. */
        *desc = d | SEG_DESC_DPL;
        return 0;
    }
    /* System type 0 is the upper half of a 16-byte gate (or empty). */
    if (type == 0 || !(d & SEG_DESC_P))
        return 0;
    if (type != SEG_TYPE_CALL_GATE64)
        return -EINVAL;
    if (!gate_selector_ok((unsigned int)(d >> 16) & 0xffff))
        return -EINVAL;
    if (d & 0xff00000000UL) /* reserved (IST/parameter count) bits */
        return -EINVAL;
    /*
     * DPL 0 makes every use fault so the hypervisor can emulate the gate;
     * the guest's DPL is kept in the selector's RPL for that emulation.
     */
    if (d & SEG_DESC_DPL) {
        u64 dpl = (d & SEG_DESC_DPL) >> SEG_DESC_DPL_SHIFT;

        d = (d & ~SEG_DESC_DPL & ~(3UL << 16)) | (dpl << 16);
    }
    *desc = d;
    return 0;
}

static int validate_seg_desc(struct page_info *pg)
{
    u64 *t = frame_ptes(pg);
    unsigned int i;

    /* Check everything before changing anything: failure leaves no trace. */
    for (i = 0; i < PTES_PER_TABLE; i++) {
        u64 d = t[i];

        if (pv_check_descriptor(&d))
            return -EINVAL;
    }
    for (i = 0; i < PTES_PER_TABLE; i++)
        pv_check_descriptor(&t[i]);
    return 0;
}

/* --------------------------------------------------------- L1 (whole) */

static void release_l1(struct page_info *pg)
{
    u64 *t = frame_ptes(pg);

    for (unsigned int i = progress(pg); i-- > 0;)
        put_l1e_refs(t[i]);
    set_progress(pg, 0);
}

/* L1 tables are checked in one go (512 cheap entries, no nesting). */
static int validate_l1(struct page_info *pg, struct pv_mm_ctx *ctx)
{
    u64 *t = frame_ptes(pg);
    int rc = 0;
    unsigned int i;

    for (i = 0; i < PTES_PER_TABLE; i++) {
        u64 e = t[i];

        if (!(e & _PAGE_PRESENT)) {
            if (!l1tf_safe(e, 1, ctx)) {
                rc = -EINVAL;
                break;
            }
            continue;
        }
        rc = check_l1e(e, ctx);
        if (rc)
            break;
        e = adjust_l1e(e, ctx);
        rc = get_l1e_refs(e, pg->owner, ctx);
        if (rc)
            break;
        t[i] = e;
    }
    set_progress(pg, i);
    if (rc)
        release_l1(pg);
    return rc;
}

/* ------------------------------------------------------- devalidation */

/*
 * Drop one type reference and one general reference on pg (held by an
 * entry, a pin, a base pointer...). Returns true when that was the last
 * type reference of a validated table: the frame is then in the PARTIAL
 * state, owning both references, and must be devalidated by the caller.
 */
static bool drop_type_and_ref(struct page_info *pg)
{
    u64 x = pg->type_info;

    BUG_ON(pgt_count(pg) == 0 || (x & PGT_partial));
    if (pgt_count(pg) > 1 || !(x & PGT_validated) || !table_level(pg)) {
        pg->type_info = x - 1;
        put_page(pg);
        return false;
    }
    /* Clear VALIDATED first: nobody may take a reference half way down. */
    pg->type_info = (x & ~PGT_validated) | PGT_partial;
    return true;
}

/*
 * The PARTIAL frame pg has released everything: back to count 0 and no
 * type (a table type is never kept lazily, so nothing is lost, and a
 * refused validation leaves the frame as it found it).
 */
static void finish_devalidation(struct page_info *pg)
{
    pg->type_info = 0;
    put_page(pg);
}

/*
 * Devalidate a chain of PARTIAL frames (levels strictly decreasing from
 * stack[0] up), deepest first. Entries are released from the top index
 * down, so at every stop entries [0, progress) still hold references and
 * the chain can be resumed in either direction. Returns 0 or -ERESTART
 * with *depth frames left (each PARTIAL, self-contained).
 */
static int devalidate_run(struct page_info **stack, unsigned int *depth,
                          struct pv_mm_ctx *ctx)
{
    unsigned int n = *depth;
    int rc = 0;

    while (n) {
        struct page_info *pg = stack[n - 1];
        unsigned int level = table_level(pg), i;
        u64 e;

        if (level <= 1) {
            if (level == 1)
                release_l1(pg);
            finish_devalidation(pg);
            n--;
            continue;
        }
        i = progress(pg);
        if (i == 0) {
            finish_devalidation(pg);
            n--;
            continue;
        }
        if (is_hyp_slot(level, i - 1)) {
            /* The hypervisor's slots hold no references. */
            set_progress(pg, PV_HYP_L4_FIRST);
            continue;
        }
        e = frame_ptes(pg)[i - 1];
        if (!(e & _PAGE_PRESENT)) {
            set_progress(pg, i - 1);
            continue;
        }
        if (should_stop(ctx)) {
            rc = -ERESTART;
            break;
        }
        set_progress(pg, i - 1);
        if (drop_type_and_ref(mfn_to_page(pte_mfn(e)))) {
            BUG_ON(n >= MAX_DEPTH);
            stack[n++] = mfn_to_page(pte_mfn(e));
        }
    }
    *depth = n;
    return rc;
}

/*
 * Park the frames of an interrupted devalidation in the caller's deferred
 * slots (each slot holds a general reference so the frame cannot be freed
 * and reused under it). Without room, finish the work now instead.
 */
static void devalidate_now(struct page_info **stack, unsigned int depth,
                           struct pv_mm_ctx *ctx)
{
    struct pv_preempt *saved = ctx->preempt;
    int rc;

    ctx->preempt = NULL;
    rc = devalidate_run(stack, &depth, ctx);
    ctx->preempt = saved;
    BUG_ON(rc || depth);
}

static void defer_leftovers(struct page_info **stack, unsigned int depth,
                            struct pv_mm_ctx *ctx)
{
    struct pv_preempt *p = ctx->preempt;

    if (!depth)
        return;
    if (!p || p->nr_deferred + depth > PV_DEFER_MAX) {
        devalidate_now(stack, depth, ctx);
        return;
    }
    /* Shallowest first, so the deepest frame is drained first. */
    for (unsigned int i = 0; i < depth; i++) {
        get_page_light(stack[i]);
        p->deferred[p->nr_deferred++] = stack[i];
    }
}

static void devalidate_or_defer(struct page_info *pg, struct pv_mm_ctx *ctx)
{
    struct page_info *stack[MAX_DEPTH] = { pg };
    unsigned int depth = 1;

    if (devalidate_run(stack, &depth, ctx) == -ERESTART)
        defer_leftovers(stack, depth, ctx);
}

int pv_drain_deferred(struct pv_mm_ctx *ctx)
{
    struct pv_preempt *p = ctx->preempt;

    if (!p)
        return 0;
    while (p->nr_deferred) {
        struct page_info *pg = p->deferred[p->nr_deferred - 1];

        /*
         * Someone may have taken the type meanwhile and finished (or
         * restarted) validation; that took over the partial references.
         */
        if (pg->type_info & PGT_partial) {
            struct page_info *stack[MAX_DEPTH] = { pg };
            unsigned int depth = 1;

            if (devalidate_run(stack, &depth, ctx) == -ERESTART &&
                p->nr_deferred + depth - 1 > PV_DEFER_MAX) {
                /*
                 * The frames below pg need slots of their own and the
                 * slots are full (several devalidations were parked by
                 * puts that do not drain first): finish this chain now.
                 */
                devalidate_now(stack, depth, ctx);
            } else if (depth) {
                /* stack[0] is still pg, still in its slot. */
                for (unsigned int i = 1; i < depth; i++) {
                    BUG_ON(p->nr_deferred >= PV_DEFER_MAX);
                    get_page_light(stack[i]);
                    p->deferred[p->nr_deferred++] = stack[i];
                }
                return -ERESTART;
            }
        }
        p->nr_deferred--;
        put_page(pg);
    }
    return 0;
}

/* --------------------------------------------------------- validation */

/* pg's validation is complete: it keeps its one type reference. */
static void finish_validation(struct page_info *pg)
{
    pg->type_info = (pg->type_info & ~(PGT_partial | PGT_PROGRESS_MASK)) |
                    PGT_validated | ((u64)PTES_PER_TABLE << PGT_PROGRESS_SHIFT);
}

/*
 * Take type want on the frame an upper-level entry points at, for an entry
 * of a table owned by owner. Returns 0 (reference held, nothing to do),
 * 1 (frame became PARTIAL and needs validation: push it) or an error.
 */
static int take_child(struct page_info *c, struct domain *owner, u64 want,
                      struct pv_mm_ctx *ctx)
{
    u64 y;

    /* No foreign frames above L1 (2.2). */
    if (!get_page(c, owner))
        return -EINVAL;
    y = c->type_info;
    if (pgt_count(c)) {
        /* Another type in use: this also refuses every linear entry (2.5). */
        if ((y & PGT_TYPE_MASK) != want || pgt_count(c) == PGT_COUNT_MASK) {
            put_page(c);
            return -EINVAL;
        }
        if (y & PGT_partial) {
            /* Take over: the state's general reference becomes ours. */
            put_page(c);
            return 1;
        }
        c->type_info = y + 1;
        return 0;
    }
    if ((y & PGT_TYPE_MASK) == PGT_writable)
        flush_left_writable(c, ctx);
    c->type_info = want | PGT_partial | 1;
    return 1;
}

static bool resumes_partial(u64 e, const struct page_info *pg,
                            unsigned int level)
{
    const struct page_info *c;

    if (!mfn_valid(pte_mfn(e)))
        return false;
    c = mfn_to_page(pte_mfn(e));
    return c->owner == pg->owner && (c->type_info & PGT_partial) &&
           pgt_type(c) == pgt_level_type(level - 1);
}

/*
 * Validate the tree under root, which is PARTIAL and owned by this call
 * (one type and one general reference). Iterative with an explicit stack;
 * preemptible between upper-level entries. On failure every frame on the
 * stack is devalidated (partly deferred when preempted) and root's type
 * count is back to 0.
 */
static int validate(struct page_info *root, struct pv_mm_ctx *ctx)
{
    struct page_info *stack[MAX_DEPTH];
    unsigned int depth = 1;
    int rc = 0;

    stack[0] = root;
    while (depth) {
        struct page_info *pg = stack[depth - 1];
        unsigned int level = table_level(pg), i;
        u64 *t, e;
        struct page_info *c;

        if (level <= 1) {
            rc = level ? validate_l1(pg, ctx) : validate_seg_desc(pg);
            if (rc)
                goto fail;
            i = PTES_PER_TABLE;
        } else {
            i = progress(pg);
        }
        if (i == PTES_PER_TABLE) {
            finish_validation(pg);
            if (--depth)
                set_progress(stack[depth - 1], progress(stack[depth - 1]) + 1);
            continue;
        }
        t = frame_ptes(pg);
        if (is_hyp_slot(level, i)) {
            /* Whatever the guest left there is replaced, never trusted. */
            for (unsigned int s = 0; s < PV_HYP_L4_SLOTS; s++)
                t[PV_HYP_L4_FIRST + s] =
                    ctx->hyp_l4_slots ? ctx->hyp_l4_slots[s] : 0;
            set_progress(pg, PV_HYP_L4_LAST + 1);
            continue;
        }
        e = t[i];
        if (!(e & _PAGE_PRESENT)) {
            if (!l1tf_safe(e, level, ctx)) {
                rc = -EINVAL;
                goto fail;
            }
            set_progress(pg, i + 1);
            continue;
        }
        /*
         * Stepping back into a child left PARTIAL by an earlier stop is
         * free: charging it would let a small budget be spent re-descending
         * to where the work stopped, forever.
         */
        if (!resumes_partial(e, pg, level) && should_stop(ctx))
            return -ERESTART; /* every stacked frame is a valid PARTIAL */
        rc = check_upper(e, level);
        if (rc)
            goto fail;
        if (!mfn_valid(pte_mfn(e))) {
            rc = -EINVAL;
            goto fail;
        }
        t[i] = e = adjust_upper(e, level);
        c = mfn_to_page(pte_mfn(e));
        rc = take_child(c, pg->owner, pgt_level_type(level - 1), ctx);
        if (rc < 0)
            goto fail;
        if (rc == 0)
            set_progress(pg, i + 1);
        else
            stack[depth++] = c;
        rc = 0;
    }
    /* root's own type reference goes to the caller; the working one is dropped. */
    put_page(root);
    return 0;

fail:
    /*
     * Each stacked frame holds one type and one general reference and
     * entries [0, progress): exactly a PARTIAL frame. Unwind them through
     * the devalidation path, deepest first.
     */
    if (devalidate_run(stack, &depth, ctx) == -ERESTART)
        defer_leftovers(stack, depth, ctx);
    return rc;
}

/* ------------------------------------------------------------- types */

int get_page_type(struct page_info *pg, u64 type, struct pv_mm_ctx *ctx)
{
    u64 x = pg->type_info;

    BUG_ON(pgc_count(pg) == 0);
    if (pg->count_info & PGC_io)
        return -EINVAL;
    if (type == PGT_writable)
        return get_writable(pg, ctx);
    if (pgt_count(pg)) {
        if ((x & PGT_TYPE_MASK) != type)
            return -EINVAL;
        if (x & PGT_partial)
            return validate(pg, ctx); /* take over and resume */
        if (pgt_count(pg) == PGT_COUNT_MASK)
            return -EINVAL;
        pg->type_info = x + 1;
        return 0;
    }
    if ((x & PGT_TYPE_MASK) == type && (x & PGT_validated)) {
        pg->type_info = x + 1; /* lazily kept seg-desc validity */
        return 0;
    }
    if ((x & PGT_TYPE_MASK) == PGT_writable)
        flush_left_writable(pg, ctx);
    if ((type >= PGT_l1 && type <= PGT_l4) || type == PGT_seg_desc) {
        get_page_light(pg); /* the in-progress state's general reference */
        pg->type_info = type | PGT_partial | 1;
        return validate(pg, ctx);
    }
    pg->type_info = type | PGT_validated | 1;
    return 0;
}

void put_page_and_type(struct page_info *pg, struct pv_mm_ctx *ctx)
{
    if (drop_type_and_ref(pg))
        devalidate_or_defer(pg, ctx);
}

void put_page_type(struct page_info *pg, struct pv_mm_ctx *ctx)
{
    get_page_light(pg);
    put_page_and_type(pg, ctx);
}

int get_page_and_type(struct page_info *pg, struct domain *d, u64 type,
                      struct pv_mm_ctx *ctx)
{
    int rc;

    if (!get_page(pg, d))
        return -EINVAL;
    rc = get_page_type(pg, type, ctx);
    if (rc)
        put_page(pg);
    return rc;
}

/* ------------------------------------------------------- mmu_update core */

int pv_mod_entry(struct domain *d, mfn_t table_mfn, unsigned int index,
                 u64 new_val, unsigned int level, bool preserve_ad,
                 struct pv_mm_ctx *ctx)
{
    struct domain *pg_owner = ctx->pg_owner ? ctx->pg_owner : d;
    struct page_info *tp;
    u64 *t, old, harmless;
    int rc;

    ctx->done = 0;
    rc = pv_drain_deferred(ctx);
    if (rc)
        return rc;
    if (level < 1 || level > 4 || index >= PTES_PER_TABLE ||
        !mfn_valid(table_mfn))
        return -EINVAL;
    tp = mfn_to_page(table_mfn);
    if (tp->owner != d || pgt_type(tp) != pgt_level_type(level) ||
        !pgt_count(tp) || !(tp->type_info & PGT_validated))
        return -EINVAL;
    if (is_hyp_slot(level, index))
        return -EINVAL;
    /* Tables above L1 only ever reference their owner's frames. */
    if (level > 1 && pg_owner != d)
        return -EINVAL;

    t = frame_ptes(tp);
    old = t[index];
    if (new_val & _PAGE_PRESENT) {
        if (level == 1) {
            rc = check_l1e(new_val, ctx);
            new_val = adjust_l1e(new_val, ctx);
        } else {
            rc = check_upper(new_val, level);
            new_val = adjust_upper(new_val, level);
        }
        if (rc)
            return rc;
        if (preserve_ad)
            new_val |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
        /* Fast path: same frame, only whitelisted bits differ (2.4). */
        harmless = level == 1 ? L1_HARMLESS : UPPER_HARMLESS;
        if ((old & _PAGE_PRESENT) && !((old ^ new_val) & ~harmless)) {
            t[index] = new_val;
            ctx->flush |= level == 1 ? PV_FLUSH_L1 : PV_FLUSH_ALL;
            return 0;
        }
        if (level == 1) {
            rc = get_l1e_refs(new_val, pg_owner, ctx);
        } else if (!mfn_valid(pte_mfn(new_val))) {
            rc = -EINVAL;
        } else {
            struct page_info *c = mfn_to_page(pte_mfn(new_val));

            rc = get_page_and_type(c, d, pgt_level_type(level - 1), ctx);
        }
        if (rc)
            return rc;
    } else if (!l1tf_safe(new_val, level, ctx)) {
        return -EINVAL;
    }

    /* Acquire new, publish, release old. */
    t[index] = new_val;
    ctx->flush |= level == 1 ? PV_FLUSH_L1 : PV_FLUSH_ALL;
    if (old & _PAGE_PRESENT) {
        if (level == 1)
            put_l1e_refs(old);
        else
            put_page_and_type(mfn_to_page(pte_mfn(old)), ctx);
    }
    return 0;
}

/* ------------------------------------------------ grant mappings */

/* d's validated L1 table l1's entry idx, or NULL. */
static u64 *grant_l1e(struct domain *d, mfn_t l1, unsigned int idx)
{
    struct page_info *tp;

    if (!mfn_valid(l1) || idx >= PTES_PER_TABLE)
        return NULL;
    tp = mfn_to_page(l1);
    if (tp->owner != d || pgt_type(tp) != PGT_l1 || !pgt_count(tp) ||
        !(tp->type_info & PGT_validated))
        return NULL;
    return &frame_ptes(tp)[idx];
}

int pv_grant_l1e_get(struct domain *d, mfn_t l1, unsigned int idx, u64 *val)
{
    u64 *p = grant_l1e(d, l1, idx);

    if (!p)
        return -EINVAL;
    *val = *(volatile u64 *)p;
    return 0;
}

int pv_grant_l1e_set(struct domain *d, mfn_t l1, unsigned int idx, u64 e,
                     u64 *old, bool put_old)
{
    u64 *p = grant_l1e(d, l1, idx);

    if (!p)
        return -EINVAL;
    *old = *p;
    *(volatile u64 *)p = e;
    if (put_old)
        put_l1e_refs(*old);
    return 0;
}

void pv_grant_l1e_put(u64 e)
{
    put_l1e_refs(e);
}

/* ------------------------------------------------------------ pinning */

int pv_pin(struct domain *d, mfn_t mfn, unsigned int level,
           struct pv_mm_ctx *ctx)
{
    struct page_info *pg;
    int rc;

    ctx->done = 0;
    rc = pv_drain_deferred(ctx);
    if (rc)
        return rc;
    if (level < 1 || level > 4 || !mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (pg->owner != d)
        return -EINVAL;
    if (pg->type_info & PGT_pinned)
        return -EINVAL; /* pins do not nest (pv-mm.md 3.2, 4) */
    rc = get_page_and_type(pg, d, pgt_level_type(level), ctx);
    if (rc)
        return rc;
    pg->type_info |= PGT_pinned;
    /* Racing teardown: the pin must not outlive the relinquish pass. */
    if (d->state == DOM_DYING) {
        pg->type_info &= ~PGT_pinned;
        put_page_and_type(pg, ctx);
    }
    return 0;
}

int pv_unpin(struct domain *d, mfn_t mfn, struct pv_mm_ctx *ctx)
{
    struct page_info *pg;
    int rc;

    ctx->done = 0;
    rc = pv_drain_deferred(ctx);
    if (rc)
        return rc;
    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (pg->owner != d || !(pg->type_info & PGT_pinned))
        return -EINVAL;
    pg->type_info &= ~PGT_pinned;
    /* May leave devalidation in ctx->preempt->deferred: drain it next. */
    put_page_and_type(pg, ctx);
    return 0;
}

/* ------------------------------------------------------------ teardown */

int pv_relinquish_domain_memory(struct domain *d, struct pv_relinquish *r,
                                struct pv_mm_ctx *ctx)
{
    struct page_info *pg;
    int rc;

    ctx->done = 0;
    rc = pv_drain_deferred(ctx);
    if (rc)
        return rc;
    if (r->stage == 0) {
        pg = r->cursor ? r->cursor : d->page_list.head;
        for (; pg; pg = pg->next) {
            if (should_stop(ctx)) {
                r->cursor = pg;
                return -ERESTART;
            }
            if (pg->type_info & PGT_pinned) {
                pg->type_info &= ~PGT_pinned;
                put_page_and_type(pg, ctx);
            } else if (pg->type_info & PGT_partial) {
                /* Abandoned (de)validation: finish tearing it down. */
                devalidate_or_defer(pg, ctx);
            }
            if (ctx->preempt && ctx->preempt->nr_deferred) {
                /* Revisit this frame after the drain; its pin is gone. */
                r->cursor = pg;
                return -ERESTART;
            }
            if (pg->count_info & PGC_allocated) {
                pg->count_info &= ~PGC_allocated;
                put_page(pg);
            }
        }
        r->cursor = NULL;
        r->stage = 1;
    }
    if (r->stage == 1) {
        /*
         * Nothing but pins, partial states, base pointers and other
         * tables hold table types, so every table should be untyped now.
         * One that is not means a caller kept a base pointer: report it.
         */
        r->forced = 0;
        for (pg = d->page_list.head; pg; pg = pg->next) {
            if (table_level(pg) && pgt_count(pg)) {
                printk_lvl(LOG_ERR,
                           "d%u: mfn %llx still typed %llx after relinquish\n",
                           d->domain_id, (unsigned long long)page_to_mfn(pg),
                           (unsigned long long)pg->type_info);
                r->forced++;
            }
        }
        r->stage = 2;
    }
    return 0;
}

/* ------------------------------------------------------------- auditor */

/* Recounts in progress: the entries reset on first use and those touched. */
struct audit_run {
    const struct pv_audit_args *a;
    mfn_t nr_touched;
};

#define AUDIT_SAY(r, ...)        \
    do {                         \
        if (!(r)->a->quiet)      \
            printk(__VA_ARGS__); \
    } while (0)

/* Outside a quick recount's reach: a frame another domain owns. */
static bool out_of_scope(const struct audit_run *r, const struct page_info *pg)
{
    return r->a->lists && r->a->scope && pg->owner && pg->owner != r->a->scope;
}

/*
 * m's entry for this audit. The full recount clears them all first; a
 * quick one, which reaches few, resets a stale entry on first use.
 */
static struct pv_audit_count *count_of(struct audit_run *r, mfn_t m)
{
    struct pv_audit_count *c = &r->a->scratch[m];

    if (r->a->lists && c->stamp != r->a->stamp) {
        c->general = c->type = c->type_seen = 0;
        c->stamp = r->a->stamp;
        c->framed = c->compared = false;
        if (r->a->lists)
            r->a->touched[r->nr_touched++] = m;
    }
    return c;
}

static void audit_type(struct pv_audit_count *s, u64 type)
{
    if (s->type == 0)
        s->type_seen = type;
    else if (s->type_seen != type)
        s->type_seen = ~0UL;
    s->type++;
}

static int audit_table(struct audit_run *r, struct page_info *tbl, mfn_t nr,
                       mfn_t m)
{
    const struct pv_audit_args *a = r->a;
    struct page_info *pg = &tbl[m];
    unsigned int level = table_level(pg), lim, i;
    u64 *t = pv_frame_map(m);
    int bad = 0;

    lim = (pg->type_info & PGT_validated) ? PTES_PER_TABLE : progress(pg);
    for (i = 0; i < lim; i++) {
        u64 e = t[i];
        mfn_t tm = pte_mfn(e);
        struct pv_audit_count *c;

        if (is_hyp_slot(level, i)) {
            u64 want =
                a->hyp_l4_slots ? a->hyp_l4_slots[i - PV_HYP_L4_FIRST] : e;

            if (e != want) {
                AUDIT_SAY(r, "audit: mfn %llx L4 slot %u is %llx, not %llx\n",
                          (unsigned long long)m, i, (unsigned long long)e,
                          (unsigned long long)want);
                bad++;
            }
            continue;
        }
        if (!(e & _PAGE_PRESENT))
            continue;
        if (level == 1) {
            if (tm >= nr || (tbl[tm].count_info & PGC_io))
                continue;
            c = count_of(r, tm);
            c->general++;
            if (e & _PAGE_RW)
                audit_type(c, PGT_writable);
            continue;
        }
        if (tm >= nr || tbl[tm].owner != pg->owner) {
            AUDIT_SAY(r,
                      "audit: mfn %llx entry %u points at mfn %llx of "
                      "another owner\n",
                      (unsigned long long)m, i, (unsigned long long)tm);
            bad++;
            continue;
        }
        c = count_of(r, tm);
        c->general++;
        audit_type(c, pgt_level_type(level - 1));
    }
    return bad;
}

/* The references frame m holds by itself: allocation, pin, partial, entries. */
static int audit_frame(struct audit_run *r, struct page_info *tbl, mfn_t nr,
                       mfn_t m)
{
    struct page_info *pg = &tbl[m];
    struct pv_audit_count *c = count_of(r, m);
    u64 x = pg->type_info;
    int bad = 0;

    if (c->framed)
        return 0;
    c->framed = true;
    if (pg->count_info & PGC_allocated)
        c->general++;
    if (x & PGT_pinned) {
        c->general++;
        audit_type(c, x & PGT_TYPE_MASK);
    }
    if (x & PGT_partial) {
        c->general++;
        audit_type(c, x & PGT_TYPE_MASK);
        if (pgt_count(pg) != 1) {
            AUDIT_SAY(r, "audit: partial mfn %llx has type count %llu\n",
                      (unsigned long long)m, (unsigned long long)pgt_count(pg));
            bad++;
        }
    }
    if (table_level(pg) && pgt_count(pg) && (x & (PGT_validated | PGT_partial)))
        bad += audit_table(r, tbl, nr, m);
    return bad;
}

/* Frame m's counts against the recount; each frame is compared once. */
static int audit_compare(struct audit_run *r, struct page_info *tbl, mfn_t m)
{
    struct page_info *pg = &tbl[m];
    struct pv_audit_count *c = count_of(r, m);

    if (c->compared || (pg->count_info & PGC_io))
        return 0;
    c->compared = true;
    if (c->general == pgc_count(pg) && c->type == pgt_count(pg) &&
        (!c->type || c->type_seen == pgt_type(pg)))
        return 0;
    AUDIT_SAY(r,
              "audit: mfn %llx count %llu type %llx/%llu, expected "
              "count %llu type %llx/%llu\n",
              (unsigned long long)m, (unsigned long long)pgc_count(pg),
              (unsigned long long)pgt_type(pg),
              (unsigned long long)pgt_count(pg), (unsigned long long)c->general,
              (unsigned long long)c->type_seen, (unsigned long long)c->type);
    return 1;
}

int pv_audit(struct page_info *tbl, mfn_t nr, const struct pv_audit_args *a)
{
    struct audit_run r = { .a = a, .nr_touched = 0 };
    int bad = 0;
    mfn_t m;

    if (!a->lists)
        memset(a->scratch, 0, nr * sizeof(*a->scratch));
    if (a->lists) {
        for (unsigned int l = 0; l < a->nr_lists; l++)
            for (const struct page_info *pg = a->lists[l]->head; pg;
                 pg = pg->next)
                bad += audit_frame(&r, tbl, nr, (mfn_t)(pg - tbl));
    } else {
        for (m = 0; m < nr; m++)
            bad += audit_frame(&r, tbl, nr, m);
    }
    for (unsigned int h = 0; h < a->nr_holds; h++) {
        const struct pv_audit_hold *hd = &a->holds[h];
        struct pv_audit_count *c;

        if (hd->mfn >= nr || out_of_scope(&r, &tbl[hd->mfn]))
            continue;
        c = count_of(&r, hd->mfn);
        c->general += hd->general;
        for (u32 k = 0; k < hd->type; k++)
            audit_type(c, pgt_type(&tbl[hd->mfn]));
    }
    for (unsigned int v = 0; v < a->nr_preempts; v++) {
        const struct pv_preempt *p = a->preempts[v];

        for (unsigned int k = 0; k < p->nr_deferred; k++)
            if (!out_of_scope(&r, p->deferred[k]))
                count_of(&r, page_to_mfn(p->deferred[k]))->general++;
    }
    if (a->lists) {
        /*
         * Frames referenced but not listed (Vesper's shared pages, strays)
         * have references of their own too; touched grows as they are
         * counted, and no more once all are.
         */
        for (mfn_t i = 0; i < r.nr_touched; i++)
            if (!out_of_scope(&r, &tbl[a->touched[i]]))
                bad += audit_frame(&r, tbl, nr, a->touched[i]);
        for (mfn_t i = 0; i < r.nr_touched; i++)
            bad += audit_compare(&r, tbl, a->touched[i]);
    } else {
        for (m = 0; m < nr; m++)
            bad += audit_compare(&r, tbl, m);
    }
    return bad;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* PV frame reference counts, page types and page-table validation (pv-mm.md 1-4). */
#ifndef ASM_PAGETYPE_H
#define ASM_PAGETYPE_H

#include "types.h"
#include "mm.h"
#include "rangeset.h"

struct domain;

/*
 * count_info: general references in the low bits, flags on top.
 *   PGC_allocated  the owner's allocation reference is held (one count)
 *   PGC_xen_heap   a page of Vesper's shared with its owner (shared_info):
 *                  Vesper holds one general and one writable type
 *                  reference of its own while it writes the page, and
 *                  frees it itself; the guest's claim is the rest
 *   PGC_io         MMIO / non-RAM frame in the frame table: never
 *                  reference-counted, mappable only with I/O permission
 */
#define PGC_allocated (1UL << 63)
#define PGC_xen_heap (1UL << 62)
#define PGC_io (1UL << 61)
#define PGC_COUNT_MASK ((1UL << 48) - 1)
/*
 * get_page() refuses to go above this, leaving headroom for the internal
 * references (partial state, deferred slots) that must not fail.
 */
#define PGC_COUNT_MAX (PGC_COUNT_MASK - 64)

/*
 * type_info: the type in bits 63-60 (PGT_TYPE_MASK and PGT_none/l1-l4
 * come from mm.h), state flags, the (de)validation progress cursor and the
 * type count in the low 32 bits (page_alloc.c insists those are zero on
 * free).
 *   PGT_validated  contents checked for the current type; every entry holds
 *                  its references
 *   PGT_pinned     the guest holds one type + one general reference (pin)
 *   PGT_partial    (de)validation stopped part way: the frame's single type
 *                  reference and one general reference belong to this
 *                  state; entries [0, progress) hold their references
 */
#define PGT_seg_desc (5UL << PGT_TYPE_SHIFT)
#define PGT_writable (6UL << PGT_TYPE_SHIFT)
#define PGT_validated (1UL << 59)
#define PGT_pinned (1UL << 58)
#define PGT_partial (1UL << 57)
#define PGT_PROGRESS_SHIFT 32
#define PGT_PROGRESS_MASK (0x3ffUL << PGT_PROGRESS_SHIFT)
#define PGT_COUNT_MASK 0xffffffffUL

static inline u64 pgt_type(const struct page_info *pg)
{
    return pg->type_info & PGT_TYPE_MASK;
}
static inline u64 pgt_count(const struct page_info *pg)
{
    return pg->type_info & PGT_COUNT_MASK;
}
static inline u64 pgc_count(const struct page_info *pg)
{
    return pg->count_info & PGC_COUNT_MASK;
}
/* PGT_l1..PGT_l4 for level 1..4. */
static inline u64 pgt_level_type(unsigned int level)
{
    return (u64)level << PGT_TYPE_SHIFT;
}

/* Flush needs reported in pv_mm_ctx.flush; the module never flushes. */
#define PV_FLUSH_L1 \
    0x1UL /* an L1 entry changed: the guest's flush request applies */
#define PV_FLUSH_ALL \
    0x2UL /* an L2-L4 entry changed, or a frame stopped being
                            * writable with no flush_writable hook: flush every
                            * CPU the domain ran on (XSA-286) */

/* Most frames a suspended devalidation can leave behind (see pv_preempt). */
#define PV_DEFER_MAX 8

/*
 * Preemption state. budget is refilled by the caller before each call: one
 * unit is one present L2-L4 entry (de)validated, or one frame visited by
 * teardown (L1 and descriptor frames are done whole). When it runs out the
 * operation returns -ERESTART with every touched frame in a consistent
 * PARTIAL state, and calling it again continues. At least one unit of
 * progress is made per call whatever the budget.
 *
 * deferred[] is continuation state that must survive between calls (keep
 * one per vCPU): frames whose devalidation was cut short, each with one
 * general reference held by the slot. Every operation that takes a
 * pv_mm_ctx with a preempt finishes them first.
 */
struct pv_preempt {
    unsigned int budget;
    unsigned int nr_deferred;
    struct page_info *deferred[PV_DEFER_MAX];
};

/*
 * One MMU operation's inputs, policy and outputs. The caller fills the
 * policy from the table owner's privileges (is_privileged, I/O ranges).
 */
struct pv_mm_ctx {
    /*
     * Expected owner of frames a new L1 entry maps (the ABI's FD); NULL
     * means the table's owner. The caller checks privilege over it first.
     */
    struct domain *pg_owner;
    bool foreign_ok; /* table owner may map any domain's frames (privileged) */
    bool io_ok;      /* table owner may map I/O frames (dom0) */
    /*
     * I/O frame ranges [first, last]: read-only ones (writable mappings
     * lose RW, as Xen's mmio_ro_ranges), checked first, then the ones
     * refused even with io_ok.
     */
    const u64 (*io_ro)[2];
    unsigned int io_nro;
    const u64 (*io_deny)[2];
    unsigned int io_ndeny;
    mfn_t io_limit; /* I/O frames from here on are refused; 0: none */
    /* The table owner's I/O frames (Xen's iomem_caps); NULL: all. */
    const struct rangeset *io_caps;
    bool cache_ok;    /* table owner may set PWT/PCD/PAT in L1 entries */
    bool user_global; /* set G on guest user mappings (global user pages) */
    bool l1tf; /* CPU is L1TF-vulnerable: refuse unsafe non-present entries */
    mfn_t max_mfn; /* first MFN above the physical address width; 0: 2^40 */
    /* Values of L4 slots 256-271 in every validated L4; NULL: zeroes. */
    const u64 *hyp_l4_slots;
    struct pv_preempt *preempt; /* NULL: never preempt */
    /*
     * Called when a frame leaves the writable type, before its contents
     * are validated (XSA-401 order): stale writable TLB entries anywhere
     * must be gone before we read it. NULL: PV_FLUSH_ALL is reported
     * instead, which is only safe if no other CPU can run the guest.
     */
    void (*flush_writable)(struct pv_mm_ctx *ctx, struct page_info *pg);
    void *priv;
    u64 flush;         /* out: PV_FLUSH_* */
    unsigned int done; /* internal: work units done in this call */
};

/* The caller's view of a frame's contents (direct map / test buffer). */
void *pv_frame_map(mfn_t mfn);

/* Hand a fresh frame to d with its allocation reference. */
void pv_assign_page(struct page_info *pg, struct domain *d);
/* Drop the allocation reference (balloon out); true if the count hit 0. */
bool pv_release_allocation(struct page_info *pg);

/*
 * Share one of Vesper's pages with d, which may map it (read-only or
 * writable) but never free, pin or retype it: Vesper's own general and
 * writable type references live until pv_unshare_hyp_page().
 */
void pv_share_hyp_page(struct page_info *pg, struct domain *d);
/*
 * Vesper stops writing pg: drop the guest's allocation reference if it is
 * still there, then Vesper's own. True if nothing else holds the page, so
 * that its owner (Vesper) may free it.
 */
bool pv_unshare_hyp_page(struct page_info *pg);

/*
 * Pages other than the domain's own that Vesper writes for it through the
 * frame (shared_info now; xenstore, grant and status frames to come):
 * pv_hyp_page_holds() fills one audit hold per page (holds has room for
 * PV_HYP_PAGES_MAX) and returns the number filled.
 */
#define PV_HYP_PAGES_MAX 1
struct pv_audit_hold;
unsigned int pv_hyp_page_holds(const struct domain *d,
                               struct pv_audit_hold *holds);

/*
 * Called when a frame's last reference goes (allocation included): the
 * hypervisor gives it back to the allocator. Weak no-op by default.
 */
void pv_page_released(struct page_info *pg);

/* General references: only on allocated frames owned by d; never wraps. */
bool get_page(struct page_info *pg, struct domain *d);
void put_page(struct page_info *pg); /* BUG on underflow */

/*
 * Type references (the caller holds a general reference). Returns 0,
 * -EINVAL (another type in use, count overflow, invalid contents),
 * -EBUSY/-EPERM (an L1 entry's target refused), or -ERESTART (preempted;
 * retry to continue).
 */
int get_page_type(struct page_info *pg, u64 type, struct pv_mm_ctx *ctx);
void put_page_type(struct page_info *pg, struct pv_mm_ctx *ctx);
int get_page_and_type(struct page_info *pg, struct domain *d, u64 type,
                      struct pv_mm_ctx *ctx);
void put_page_and_type(struct page_info *pg, struct pv_mm_ctx *ctx);

/*
 * mmu_update core: set entry index of d's validated level-N table
 * table_mfn to new_val (adjusted as pv-mm.md 2.3 says). References for the
 * new value are taken before the write, the old value's dropped after.
 */
int pv_mod_entry(struct domain *d, mfn_t table_mfn, unsigned int index,
                 u64 new_val, unsigned int level, bool preserve_ad,
                 struct pv_mm_ctx *ctx);

/*
 * Grant host mappings (pv-mm.md 8): entry idx of d's validated L1 table
 * l1. get reads it; set writes e, whose references the caller already
 * holds (they now belong to the entry), and returns the old value, giving
 * its references back if put_old (else the caller owns them). Both answer
 * -EINVAL if l1 is not such a table. put drops a present entry's
 * references.
 */
int pv_grant_l1e_get(struct domain *d, mfn_t l1, unsigned int idx, u64 *val);
int pv_grant_l1e_set(struct domain *d, mfn_t l1, unsigned int idx, u64 e,
                     u64 *old, bool put_old);
void pv_grant_l1e_put(u64 e);

/* MMUEXT_PIN_Ln_TABLE / MMUEXT_UNPIN_TABLE on d's frame. */
int pv_pin(struct domain *d, mfn_t mfn, unsigned int level,
           struct pv_mm_ctx *ctx);
int pv_unpin(struct domain *d, mfn_t mfn, struct pv_mm_ctx *ctx);

/* Finish deferred devalidations: 0 when none is left, else -ERESTART. */
int pv_drain_deferred(struct pv_mm_ctx *ctx);

/*
 * Domain teardown: drop pins, allocation references and partial states of
 * every frame on d's page list, iteratively and preemptibly (the caller
 * has already put its vCPUs' base pointers and GDT frames). Afterwards
 * every frame of d has count 0 unless another domain still maps it.
 * Returns 0, or -ERESTART (call again with the same r).
 */
struct pv_relinquish {
    unsigned int stage;
    struct page_info *cursor;
    unsigned int forced; /* out: tables still typed after the pass (a bug) */
};
int pv_relinquish_domain_memory(struct domain *d, struct pv_relinquish *r,
                                struct pv_mm_ctx *ctx);

/*
 * Check and adjust one descriptor for a seg-desc frame (pv-mm.md 2.10).
 * Returns 0 (desc possibly rewritten) or -EINVAL.
 */
int pv_check_descriptor(u64 *desc);

/* Auditor: recompute every count from scratch (pv-mm.md 10.4). */
struct pv_audit_hold {
    mfn_t mfn;
    u32 general; /* general references the caller holds (base pointers...) */
    u32 type;    /* type references among them */
};
struct pv_audit_count {
    u64 general;
    u64 type;
    u64 type_seen; /* PGT_* of the type references counted, or ~0 on a mix */
    u32 stamp;     /* the audit this entry counts for; older ones read as 0 */
    bool framed;   /* the frame's own references are counted */
    bool compared;
};
struct pv_audit_args {
    const struct pv_audit_hold *holds;
    unsigned int nr_holds;
    struct pv_preempt *const *preempts; /* every vCPU's deferred slots */
    unsigned int nr_preempts;
    const u64 *hyp_l4_slots;        /* NULL: slots not checked */
    struct pv_audit_count *scratch; /* nr entries */
    /* Non-zero and different from the previous audit's with this scratch. */
    u32 stamp;
    /*
     * NULL: recount every frame of the machine. Otherwise recount the
     * frames on these page lists (the calling domain's) and every frame
     * they or the holds reference, which touched (room for nr) collects.
     * Frames of other domains referenced from there miss their owners'
     * references and show as mismatches: the caller then recounts all.
     * A free frame's stray count goes unseen.
     */
    const struct page_list *const *lists;
    unsigned int nr_lists;
    /*
     * With lists: the domain they belong to. Holds on other domains'
     * frames are left out, and such frames referenced from the lists'
     * tables are compared without their owners' references (a mismatch).
     */
    const struct domain *scope;
    mfn_t *touched;
    /* Count mismatches without printing them (a caller that re-checks). */
    bool quiet;
};
/* Returns the number of mismatches, each reported with printk. */
int pv_audit(struct page_info *table, mfn_t nr, const struct pv_audit_args *a);

#endif

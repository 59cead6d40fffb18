/* SPDX-License-Identifier: GPL-2.0-only */
/* Machine frames: the frame table, the buddy allocator and the heap. */
#ifndef VESPER_MM_H
#define VESPER_MM_H

#include "types.h"

struct domain;

/*
 * One record per machine frame, indexed by MFN. Free frames are linked
 * through next/prev in the buddy free lists; allocated ones may be linked
 * on their owner's page list. count_info and type_info carry the PV
 * reference-count and page-type state (docs/pv-mm.md); the allocator only
 * insists they are zero when a frame is freed.
 */
struct page_info {
    struct page_info *next, *prev;
    u64 count_info;
    u64 type_info;
    struct domain *owner;
    u32 order; /* block order, valid on free-block heads and heap pages */
    u32 flags;
};

#define PG_FREE 0x1u     /* head of a free buddy block */
#define PG_RESERVED 0x2u /* never handed out (firmware, image, holes) */
#define PG_HEAP 0x4u     /* hypervisor heap (xmalloc) page */
#define PG_SLAB 0x8u     /* heap page carved into small objects */

/* type_info: the frame's use as a PV page-table level (see docs/pv-mm.md). */
#define PGT_TYPE_SHIFT 60
#define PGT_TYPE_MASK (0xfUL << PGT_TYPE_SHIFT)
#define PGT_none (0UL << PGT_TYPE_SHIFT)
#define PGT_l1 (1UL << PGT_TYPE_SHIFT)
#define PGT_l2 (2UL << PGT_TYPE_SHIFT)
#define PGT_l3 (3UL << PGT_TYPE_SHIFT)
#define PGT_l4 (4UL << PGT_TYPE_SHIFT)

#define MAX_ORDER 20

struct page_list {
    struct page_info *head;
};

extern struct page_info *frame_table;
extern u64 nr_frames;

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return (mfn_t)(pg - frame_table);
}
static inline struct page_info *mfn_to_page(mfn_t mfn)
{
    return frame_table + mfn;
}
static inline bool mfn_valid(mfn_t mfn)
{
    return mfn < nr_frames;
}

/* Buddy allocator over frame_table (host-testable: page_alloc.c). */
void page_alloc_init(struct page_info *table, u64 frames);
void page_alloc_free_range(mfn_t start, mfn_t end); /* add [start,end) */
struct page_info *alloc_pages(unsigned int order);
/*
 * A block of 2^order frames all below frame number limit (an address
 * limit for devices that cannot reach higher), or NULL.
 */
struct page_info *alloc_pages_below(unsigned int order, mfn_t limit);
void free_pages(struct page_info *pg, unsigned int order);
/*
 * Claims (XENMEM_claim_pages): frames promised to domains. The calls above
 * leave that many free; alloc_pages_claimed is for a claimant, from its
 * claim, which it then gives up with page_claims_adjust(-n).
 */
struct page_info *alloc_pages_claimed(unsigned int order);
void page_claims_adjust(s64 delta);
u64 page_claims(void);
u64 free_frame_count(void);
u64 total_frame_count(void); /* frames ever given to the allocator */

/*
 * Still referenced: a general reference (or allocation flag) or a type
 * reference. A frame whose type merely lingers with a zero count is free
 * to go; free_pages() BUGs on anything else.
 */
static inline bool page_in_use(const struct page_info *pg)
{
    return pg->count_info != 0 || (pg->type_info & 0xffffffffUL) != 0;
}

void page_list_add(struct page_list *l, struct page_info *pg);
void page_list_del(struct page_list *l, struct page_info *pg);

/* Heap (heap.c): small objects from slab pages, large ones from buddies. */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void xfree(void *p);
/* Pages carved into small objects; they stay with the heap for good. */
u64 heap_slab_pages(void);

/* Whole zeroed pages mapped in the direct map. */
void *alloc_page_va(void);
void free_page_va(void *va);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Binary buddy allocator over the frame table; no arch dependencies. */
#include "lib.h"
#include "mm.h"

struct page_info *frame_table;
u64 nr_frames;

static struct page_info *free_list[MAX_ORDER + 1];
static u64 nr_free, nr_total;

static void list_push(struct page_info **head, struct page_info *pg)
{
    pg->prev = NULL;
    pg->next = *head;
    if (*head)
        (*head)->prev = pg;
    *head = pg;
}

static void list_remove(struct page_info **head, struct page_info *pg)
{
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        *head = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
    pg->next = pg->prev = NULL;
}

void page_list_add(struct page_list *l, struct page_info *pg)
{
    list_push(&l->head, pg);
}

void page_list_del(struct page_list *l, struct page_info *pg)
{
    list_remove(&l->head, pg);
}

void page_alloc_init(struct page_info *table, u64 frames)
{
    u64 i;

    frame_table = table;
    nr_frames = frames;
    nr_free = nr_total = 0;
    for (i = 0; i <= MAX_ORDER; i++)
        free_list[i] = NULL;
    for (i = 0; i < frames; i++) {
        memset(&table[i], 0, sizeof(table[i]));
        table[i].flags = PG_RESERVED;
    }
}

/* Insert a free block, merging with free buddies as far as possible. */
static void free_block(mfn_t mfn, unsigned int order)
{
    while (order < MAX_ORDER) {
        mfn_t buddy = mfn ^ (1UL << order);
        struct page_info *b = frame_table + buddy;

        if (buddy + (1UL << order) > nr_frames || !(b->flags & PG_FREE) ||
            b->order != order)
            break;
        list_remove(&free_list[order], b);
        b->flags &= ~PG_FREE;
        mfn &= ~(1UL << order);
        order++;
    }
    frame_table[mfn].flags = PG_FREE;
    frame_table[mfn].order = order;
    list_push(&free_list[order], &frame_table[mfn]);
}

void page_alloc_free_range(mfn_t start, mfn_t end)
{
    if (end > nr_frames)
        end = nr_frames;
    while (start < end) {
        unsigned int order = 0;

        /* Largest naturally aligned block that fits. */
        while (order < MAX_ORDER && !(start & (1UL << order)) &&
               start + (2UL << order) <= end)
            order++;
        for (mfn_t m = start; m < start + (1UL << order); m++)
            frame_table[m].flags = 0;
        free_block(start, order);
        nr_free += 1UL << order;
        nr_total += 1UL << order;
        start += 1UL << order;
    }
}

/*
 * The first free block of order o whose lowest 2^order frames lie below
 * limit (a frame number), or NULL. Splitting keeps the lowest part, so
 * that part is what the caller gets.
 */
static struct page_info *find_block(unsigned int o, unsigned int order,
                                    mfn_t limit)
{
    for (struct page_info *pg = free_list[o]; pg; pg = pg->next) {
        if (page_to_mfn(pg) + (1UL << order) <= limit)
            return pg;
    }
    return NULL;
}

/* Pages promised to domains (XENMEM_claim_pages): no one else takes them. */
static u64 nr_claimed;

void page_claims_adjust(s64 delta)
{
    nr_claimed += (u64)delta;
}

u64 page_claims(void)
{
    return nr_claimed;
}

static struct page_info *alloc_block(unsigned int order, mfn_t limit)
{
    unsigned int o;
    struct page_info *pg = NULL;

    if (order > MAX_ORDER)
        return NULL;
    for (o = order; o <= MAX_ORDER && !pg; o++)
        pg = find_block(o, order, limit);
    if (!pg)
        return NULL;
    o--;
    list_remove(&free_list[o], pg);
    pg->flags &= ~PG_FREE;
    /* Split, returning upper halves to the free lists. */
    while (o > order) {
        o--;
        struct page_info *half = pg + (1UL << o);

        half->flags = PG_FREE;
        half->order = o;
        list_push(&free_list[o], half);
    }
    for (u64 i = 0; i < (1UL << order); i++) {
        pg[i].flags = 0;
        pg[i].count_info = 0;
        pg[i].type_info = 0;
        pg[i].owner = NULL;
    }
    pg->order = order;
    nr_free -= 1UL << order;
    return pg;
}

struct page_info *alloc_pages_below(unsigned int order, mfn_t limit)
{
    /* As Xen's heap: what is claimed stays for the claimants. */
    if (order <= MAX_ORDER && nr_free < nr_claimed + (1UL << order))
        return NULL;
    return alloc_block(order, limit);
}

struct page_info *alloc_pages(unsigned int order)
{
    /* Any block will do: the first on each list, no search. */
    return alloc_pages_below(order, ~(mfn_t)0);
}

struct page_info *alloc_pages_claimed(unsigned int order)
{
    return alloc_block(order, ~(mfn_t)0);
}

void free_pages(struct page_info *pg, unsigned int order)
{
    mfn_t mfn = page_to_mfn(pg);

    BUG_ON(order > MAX_ORDER || mfn + (1UL << order) > nr_frames);
    BUG_ON(mfn & ((1UL << order) - 1));
    for (u64 i = 0; i < (1UL << order); i++) {
        /* Freeing a frame that is free, reserved or still referenced. */
        BUG_ON(pg[i].flags & (PG_FREE | PG_RESERVED));
        BUG_ON(page_in_use(&pg[i]));
        pg[i].owner = NULL;
        pg[i].type_info = 0;
        pg[i].flags = 0;
    }
    nr_free += 1UL << order;
    free_block(mfn, order);
}

u64 free_frame_count(void)
{
    return nr_free;
}

u64 total_frame_count(void)
{
    return nr_total;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor heap: size-class slabs for small objects, buddies above. */
#include "arch.h"
#include "lib.h"
#include "mm.h"

#define MIN_SHIFT 4  /* 16 bytes */
#define MAX_SHIFT 11 /* 2048 bytes: larger requests take whole pages */
#define NR_CLASSES (MAX_SHIFT - MIN_SHIFT + 1)

struct free_obj {
    struct free_obj *next;
};

static struct free_obj *class_free[NR_CLASSES];
static u64 slab_pages;

u64 heap_slab_pages(void)
{
    return slab_pages;
}

static unsigned int size_class(size_t size)
{
    unsigned int c = 0;

    while ((1UL << (c + MIN_SHIFT)) < size)
        c++;
    return c;
}

void *alloc_page_va(void)
{
    struct page_info *pg = alloc_pages(0);
    void *va;

    if (!pg)
        return NULL;
    pg->flags |= PG_HEAP;
    va = mfn_to_virt(page_to_mfn(pg));
    memset(va, 0, PAGE_SIZE);
    return va;
}

void free_page_va(void *va)
{
    struct page_info *pg = mfn_to_page(virt_to_mfn(va));

    BUG_ON(!(pg->flags & PG_HEAP));
    pg->flags &= ~PG_HEAP;
    free_pages(pg, 0);
}

void *xmalloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > (1UL << MAX_SHIFT)) {
        unsigned int order = 0;
        struct page_info *pg;

        while ((PAGE_SIZE << order) < size)
            order++;
        pg = alloc_pages(order);
        if (!pg)
            return NULL;
        pg->flags |= PG_HEAP;
        pg->order = order;
        return mfn_to_virt(page_to_mfn(pg));
    }

    unsigned int c = size_class(size);

    if (!class_free[c]) {
        u8 *page = alloc_page_va();
        size_t objsz = 1UL << (c + MIN_SHIFT);

        if (!page)
            return NULL;
        slab_pages++;
        mfn_to_page(virt_to_mfn(page))->flags |= PG_SLAB;
        mfn_to_page(virt_to_mfn(page))->order = c;
        for (size_t off = 0; off < PAGE_SIZE; off += objsz) {
            struct free_obj *o = (struct free_obj *)(page + off);

            o->next = class_free[c];
            class_free[c] = o;
        }
    }
    struct free_obj *o = class_free[c];

    class_free[c] = o->next;
    return o;
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    struct page_info *pg;

    if (!p)
        return;
    pg = mfn_to_page(virt_to_mfn(p));
    BUG_ON(!(pg->flags & PG_HEAP));
    if (pg->flags & PG_SLAB) {
        struct free_obj *o = p;

        o->next = class_free[pg->order];
        class_free[pg->order] = o;
        return;
    }
    pg->flags &= ~PG_HEAP;
    free_pages(pg, pg->order);
}

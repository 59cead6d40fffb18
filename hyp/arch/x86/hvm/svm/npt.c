/* SPDX-License-Identifier: GPL-2.0-only */
/* Nested page tables: guest-physical RAM onto the domain's own frames, from GPA 0. */
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/x86.h"

/*
 * The walker treats every guest access as a user access, so each level
 * needs U as well as P and RW. Table frames belong to the domain and are
 * counted in tot_pages, but carry no reference: nothing (not even the
 * privileged domain's foreign mappings, which need get_page) can map
 * them, and they are freed with the rest at teardown.
 */
#define NPT_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define NPT_RAM (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

static mfn_t npt_alloc_table(struct domain *d)
{
    struct page_info *pg = alloc_pages(0);

    if (!pg)
        return 0;
    memset(mfn_to_virt(page_to_mfn(pg)), 0, PAGE_SIZE);
    pg->owner = d;
    page_list_add(&d->page_list, pg);
    d->tot_pages++;
    d->max_pages++;
    d->arch.hvm->npt_frames++;
    return page_to_mfn(pg);
}

/* The table an entry points to, made on first use; NULL if out of memory. */
static u64 *npt_next(struct domain *d, u64 *e)
{
    if (!(*e & _PAGE_PRESENT)) {
        mfn_t t = npt_alloc_table(d);

        if (!t)
            return NULL;
        *e = (t << PAGE_SHIFT) | NPT_TABLE;
    }
    return mfn_to_virt((*e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

int npt_build(struct domain *d)
{
    struct hvm_domain *h = d->arch.hvm;
    u64 *l4;

    h->npt_root = npt_alloc_table(d);
    if (!h->npt_root)
        return -ENOMEM;
    l4 = mfn_to_virt(h->npt_root);
    for (u64 gfn = 0; gfn < h->ram_pfns; gfn++) {
        u64 *l3 = npt_next(d, &l4[(gfn >> 27) & 511]);
        u64 *l2 = l3 ? npt_next(d, &l3[(gfn >> 18) & 511]) : NULL;
        u64 *l1 = l2 ? npt_next(d, &l2[(gfn >> 9) & 511]) : NULL;

        if (!l1)
            return -ENOMEM;
        l1[gfn & 511] = ((u64)d->p2m[gfn] << PAGE_SHIFT) | NPT_RAM;
    }
    return 0;
}

void npt_destroy(struct domain *d)
{
    /* The table frames are on the page list: domain_free_pages frees them. */
    d->arch.hvm->npt_root = 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest-physical page tables (AMD NPT, Intel EPT): GPA [0, RAM) onto the domain's own frames. */
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/x86.h"

/*
 * Both formats are four levels of 512 eight-byte entries indexed by the
 * same GPA bits, with bit 0 set in every entry this builder writes (NPT's
 * P, EPT's R) and the frame at bits 12-51; only the permission and type
 * bits differ, so the back end passes them in. Table frames belong to
 * the domain and are counted in tot_pages, but carry no reference:
 * nothing (not even the privileged domain's foreign mappings, which need
 * get_page) can map them, and they are freed with the rest at teardown.
 */
static mfn_t p2m_alloc_table(struct domain *d)
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
static u64 *p2m_next(struct domain *d, u64 *e, u64 table_flags)
{
    if (!(*e & 1)) {
        mfn_t t = p2m_alloc_table(d);

        if (!t)
            return NULL;
        *e = (t << PAGE_SHIFT) | table_flags;
    }
    return mfn_to_virt((*e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

int hvm_p2m_build(struct domain *d, u64 table_flags, u64 leaf_flags)
{
    struct hvm_domain *h = d->arch.hvm;
    u64 *l4;

    BUG_ON(!(table_flags & 1) || !(leaf_flags & 1));
    h->npt_root = p2m_alloc_table(d);
    if (!h->npt_root)
        return -ENOMEM;
    l4 = mfn_to_virt(h->npt_root);
    for (u64 gfn = 0; gfn < h->ram_pfns; gfn++) {
        u64 *l3 = p2m_next(d, &l4[(gfn >> 27) & 511], table_flags);
        u64 *l2 = l3 ? p2m_next(d, &l3[(gfn >> 18) & 511], table_flags) : NULL;
        u64 *l1 = l2 ? p2m_next(d, &l2[(gfn >> 9) & 511], table_flags) : NULL;

        if (!l1)
            return -ENOMEM;
        l1[gfn & 511] = ((u64)d->p2m[gfn] << PAGE_SHIFT) | leaf_flags;
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* update_va_mapping: replace one L1 entry of the current address space. */
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/mm.h"
#include "asm/percpu.h"
#include "asm/x86.h"

/* Bits a guest L1 entry may carry: no reserved bits 52-62. */
#define L1_RESERVED 0x7ff0000000000000UL

static pte_t *table_of(struct domain *d, pte_t e, u64 want_type)
{
    mfn_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    struct page_info *pg;

    if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE) || !mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    if (pg->owner != d || (pg->type_info & PGT_TYPE_MASK) != want_type)
        return NULL;
    return mfn_to_virt(mfn);
}

/*
 * Walk the vCPU's kernel page tables to the L1 slot for va. Every table on
 * the way must be one of the domain's own, typed, page-table frames.
 */
static pte_t *l1_slot(struct vcpu *v, u64 va)
{
    struct domain *d = v->domain;
    pte_t *l4 = mfn_to_virt(v->arch.guest_table), *l3, *l2, *l1;

    if (l4_index(va) >= HYP_FIRST_SLOT && l4_index(va) <= HYP_LAST_SLOT)
        return NULL;
    if (!(l3 = table_of(d, l4[l4_index(va)], PGT_l3)) ||
        !(l2 = table_of(d, l3[l3_index(va)], PGT_l2)) ||
        !(l1 = table_of(d, l2[l2_index(va)], PGT_l1)))
        return NULL;
    return &l1[l1_index(va)];
}

HYPERCALL3(update_va_mapping, u64, va, u64, val, u64, flags)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    pte_t *slot;

    if (!is_canonical(va) || !guest_range_ok(va, 1))
        return -EINVAL;
    slot = l1_slot(v, va);
    if (!slot)
        return -EINVAL;
    if (val & _PAGE_PRESENT) {
        mfn_t mfn = (val & PTE_ADDR_MASK) >> PAGE_SHIFT;
        struct page_info *pg;

        if ((val & L1_RESERVED) || !mfn_valid(mfn))
            return -EINVAL;
        pg = mfn_to_page(mfn);
        if (pg->owner != d)
            return -EPERM;
        /* Page tables may be seen by their guest, never written. */
        if ((pg->type_info & PGT_TYPE_MASK) != PGT_none && (val & _PAGE_RW))
            return -EINVAL;
        /* The ring-3 kernel needs user access; global is Vesper's. */
        val = (val | _PAGE_USER) & ~_PAGE_GLOBAL;
    }
    *slot = val;
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_INVLPG:
        invlpg((void *)(uintptr_t)va);
        break;
    case UVMF_TLB_FLUSH:
        write_cr3(read_cr3());
        break;
    default:
        break;
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* PV side of grant tables: shared grant frames, host mappings in guest L1s, audit. */
#include "arch.h"
#include "errno.h"
#include "grant_table.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/ipi.h"
#include "asm/layout.h"
#include "asm/pagetype.h"
#include "asm/pte.h"
#include "asm/pv.h"
#include "asm/x86.h"
#include <public/grant_table.h>

/*
 * A grant host mapping is an ordinary L1 entry of the mapper that names
 * the granter's frame: like Xen, its general (and, if writable, writable
 * type) reference belongs to the entry, so the auditor counts it with
 * every other L1 entry, and page-table teardown drops it if the mapper
 * dies or zaps the entry itself.
 */

void arch_gnttab_share_frame(void *va, struct domain *d)
{
    pv_share_hyp_page(mfn_to_page(virt_to_mfn(va)), d);
}

bool arch_gnttab_unshare_frame(void *va)
{
    return pv_unshare_hyp_page(mfn_to_page(virt_to_mfn(va)));
}

bool arch_gnttab_frame_mapped(const void *va)
{
    const struct page_info *pg = mfn_to_page(virt_to_mfn(va));
    u64 own = 1 + ((pg->count_info & PGC_allocated) ? 1 : 0);

    return pgc_count(pg) > own;
}

bool arch_gnttab_get_writable(struct page_info *pg)
{
    struct pv_mm_ctx c;

    pv_mm_ctx_init(&c, pg->owner, NULL);
    return get_page_type(pg, PGT_writable, &c) == 0;
}

void arch_gnttab_put_writable(struct page_info *pg)
{
    struct pv_mm_ctx c;

    pv_mm_ctx_init(&c, pg->owner, NULL);
    put_page_type(pg, &c);
}

void *arch_gnttab_frame_va(mfn_t mfn)
{
    return pv_frame_map(mfn);
}

void arch_gnttab_flush(struct domain *d)
{
    cpumask_t m = 1UL << smp_processor_id();

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        const struct vcpu *v = d->vcpu[i];

        if (v && v->is_running)
            m |= 1UL << v->processor;
    }
    flush_tlb_mask(m);
}

/* The L1 entry that maps va in v's kernel tables: 0, or -EINVAL. */
static int va_l1e(struct vcpu *v, u64 va, mfn_t *l1, unsigned int *idx)
{
    struct domain *d = v->domain;
    mfn_t mfn = v->arch.guest_table;
    unsigned int ix[3] = { l4_index(va), l3_index(va), l2_index(va) };

    if (!mfn || !is_canonical(va) ||
        (ix[0] >= HYP_FIRST_SLOT && ix[0] <= HYP_LAST_SLOT))
        return -EINVAL;
    for (unsigned int lvl = 0; lvl < 3; lvl++) {
        pte_t e = ((pte_t *)mfn_to_virt(mfn))[ix[lvl]];

        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return -EINVAL;
        mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != d)
            return -EINVAL;
    }
    *l1 = mfn;
    *idx = l1_index(va);
    return 0;
}

/* Where the mapping lives: a VA, or an L1 entry's machine address. */
static int locate(struct vcpu *v, u64 addr, u32 flags, mfn_t *l1,
                  unsigned int *idx)
{
    if (flags & GNTMAP_contains_pte) {
        /* A misaligned address would tear two entries (XSA-227). */
        if (addr & 7)
            return -EINVAL;
        *l1 = addr >> PAGE_SHIFT;
        *idx = (addr & (PAGE_SIZE - 1)) / 8;
        return 0;
    }
    return va_l1e(v, addr, l1, idx);
}

/* The entry a grant mapping gets (Xen's grant_to_pte_flags + adjustment). */
static u64 grant_pte(mfn_t mfn, u32 flags)
{
    u64 e = ((u64)mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
            _PAGE_DIRTY | _PAGE_NX;

    if (!(flags & GNTMAP_readonly))
        e |= _PAGE_RW;
    if (flags & GNTMAP_application_map)
        e |= _PAGE_USER;
    e |= (u64)((flags >> _GNTMAP_guest_avail0) & 7) << 9;
    /* The guest kernel runs in ring 3: its own mappings are tagged. */
    if (!(e & _PAGE_USER))
        e |= _PAGE_USER | _PAGE_GUEST_KERNEL;
    return e;
}

int arch_gnttab_create_host_mapping(struct vcpu *v, u64 addr, mfn_t mfn,
                                    u32 flags)
{
    struct domain *d = v->domain;
    unsigned int idx;
    mfn_t l1;
    u64 old;

    if (locate(v, addr, flags, &l1, &idx) ||
        pv_grant_l1e_set(d, l1, idx, grant_pte(mfn, flags), &old, true))
        return GNTST_general_error;
    /* What the old entry mapped may be freed now: no stale TLB entry. */
    if (old & _PAGE_PRESENT)
        arch_gnttab_flush(d);
    return GNTST_okay;
}

int arch_gnttab_replace_host_mapping(struct vcpu *v, u64 addr, mfn_t mfn,
                                     u64 new_addr, u32 flags)
{
    struct domain *d = v->domain;
    unsigned int idx, nidx;
    mfn_t l1, nl1;
    u64 cur, moved = 0, old;

    /* Replacing is offered for VAs only. */
    if ((flags & GNTMAP_contains_pte) && new_addr)
        return GNTST_general_error;
    if (locate(v, addr, flags, &l1, &idx) || pv_grant_l1e_get(d, l1, idx, &cur))
        return GNTST_general_error;
    /*
     * It must map exactly the granted frame with the grant's writability
     * (XSA-234): otherwise a guest could unmap a grant through an entry
     * that holds no grant reference.
     */
    if (!(cur & _PAGE_PRESENT) ||
        ((cur & PTE_ADDR_MASK) >> PAGE_SHIFT) != mfn ||
        !(cur & _PAGE_RW) != !!(flags & GNTMAP_readonly))
        return GNTST_general_error;
    if (new_addr) {
        /* Steal the caller's own entry at new_addr, references and all. */
        if (va_l1e(v, new_addr, &nl1, &nidx) || (nl1 == l1 && nidx == idx) ||
            pv_grant_l1e_set(d, nl1, nidx, 0, &moved, false))
            return GNTST_general_error;
    }
    BUG_ON(pv_grant_l1e_set(d, l1, idx, moved, &old, false));
    return GNTST_okay;
}

void arch_gnttab_audit(struct domain *d, const char *what)
{
    pv_audit_after(d, what);
}

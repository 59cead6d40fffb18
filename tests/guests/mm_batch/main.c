/* SPDX-License-Identifier: MIT */
/* Long mmu_update batches: continuations keep order and the done count. */
#include <guest/mm.h>
#include <guest/test.h>

#define N 1500   /* long enough to be continued when work is pending */
#define BAD 1100 /* a refused entry late in the batch */

static struct mmu_update req[N];

void test_main(void)
{
    uint64_t *a, *b, *w, orig;
    unsigned long mfn_a, mfn_b;
    uint64_t pte_ma;
    volatile uint64_t *pte;
    unsigned int done, i;

    mm_init();
    a = mm_alloc_page();
    b = mm_alloc_page();
    w = mm_alloc_page();
    TEST_CHECK(a && b && w);
    if (!a || !b || !w)
        return;
    a[0] = 0xaaaa;
    b[0] = 0xbbbb;
    mfn_a = mm_virt_to_mfn(a);
    mfn_b = mm_virt_to_mfn(b);
    pte = mm_pte_ptr((unsigned long)w, 1);
    pte_ma = mm_pte_maddr((unsigned long)w, 1);
    orig = *pte;

    /* Alternate the window between a and b; the last write (b) wins. */
    for (i = 0; i < N; i++) {
        req[i].ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
        req[i].val = MFN_PTE(i & 1 ? mfn_b : mfn_a, PTE_KDATA);
    }
    done = 12345;
    TEST_EQ(HYPERVISOR_mmu_update(req, N, &done, DOMID_SELF), 0);
    TEST_EQ(done, N);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_KDATA)));
    HYPERVISOR_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL },
                         1, NULL, DOMID_SELF);
    TEST_EQ(w[0], 0xbbbb);

    /* A refused entry stops the batch there, even in a later chunk. */
    req[BAD].val = MFN_PTE(mm_virt_to_mfn((void *)start_info->pt_base),
                           PTE_KDATA); /* the live L4, writable */
    done = 0;
    TEST_EQ(HYPERVISOR_mmu_update(req, N, &done, DOMID_SELF), -XEN_EBUSY);
    TEST_EQ(done, BAD);
    /* Entry BAD-1 (odd: b) was the last one applied. */
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_KDATA)));

    /* Without a done pointer it works the same. */
    req[BAD].val = MFN_PTE(mfn_a, PTE_KDATA);
    TEST_EQ(HYPERVISOR_mmu_update(req, N, NULL, DOMID_SELF), 0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_KDATA)));

    TEST_EQ(mm_update_va((unsigned long)w, orig, UVMF_INVLPG), 0);
}

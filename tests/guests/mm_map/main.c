/* SPDX-License-Identifier: MIT */
/* Map/unmap/remap through every PTE-writing hypercall; M2P updates. */
#include <guest/mm.h>
#include <guest/test.h>

#define PAT_A 0xa1a1a1a1a1a1a1a1ULL
#define PAT_B 0xb2b2b2b2b2b2b2b2ULL

/*
 * What a 64-bit PV hypervisor stores for a present kernel (US=0) L1 entry:
 * US forced on plus Xen's "guest kernel page" marker (bit 52).
 */
static void fill(void *p, uint64_t pat)
{
    uint64_t *q = p;

    for (unsigned int i = 0; i < MM_PAGE_SIZE / 8; i++)
        q[i] = pat;
}

void test_main(void)
{
    uint64_t *a, *b, *w, orig, v;
    unsigned long wva, mfn_a, mfn_b, pfn_a, faults;
    volatile uint64_t *pte;
    uint64_t pte_ma;

    mm_init();
    a = mm_alloc_page();
    b = mm_alloc_page();
    w = mm_alloc_page();
    TEST_CHECK(a && b && w);
    if (!a || !b || !w)
        return;
    fill(a, PAT_A);
    fill(b, PAT_B);
    fill(w, 0);
    wva = (unsigned long)w;
    mfn_a = mm_virt_to_mfn(a);
    mfn_b = mm_virt_to_mfn(b);
    pfn_a = mm_virt_to_pfn(a);
    pte = mm_pte_ptr(wva, 1);
    pte_ma = mm_pte_maddr(wva, 1);
    TEST_CHECK(pte != NULL);
    if (!pte)
        return;
    orig = *pte;
    printk(
        "window 0x%lx: L1 entry at maddr 0x%llx = 0x%llx; A mfn 0x%lx, B mfn "
        "0x%lx\n",
        wva, (unsigned long long)pte_ma, (unsigned long long)orig, mfn_a,
        mfn_b);
    TEST_EQ(PTE_MFN(orig), mm_virt_to_mfn(w));
    TEST_EQ(mm_mfn_to_pfn(mfn_a), pfn_a);

    /* update_va_mapping + UVMF_INVLPG: the window now shows A. */
    TEST_EQ(mm_update_va(wva, MFN_PTE(mfn_a, PTE_KDATA), UVMF_INVLPG), 0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_a, PTE_KDATA)));
    TEST_EQ(mm_peek(wva), PAT_A);
    TEST_EQ(mm_peek(wva + 4088), PAT_A);
    /* Writes through the window land in A. */
    w[5] = 0x5555aaaa5555aaaaULL;
    TEST_EQ(a[5], 0x5555aaaa5555aaaaULL);
    a[5] = PAT_A;

    /* Unmap: reads fault (not present, kernel-mode read: error code 0). */
    faults = mm_last_fault.count;
    TEST_EQ(mm_update_va(wva, 0, UVMF_INVLPG), 0);
    TEST_EQ(*pte, 0);
    TEST_EQ(mm_probe_read64(w, &v), -1);
    TEST_EQ(mm_last_fault.count, faults + 1);
    TEST_EQ(mm_last_fault.cr2, wva);
    TEST_EQ(mm_last_fault.error_code, 0);
    /* ... and writes too (error code: write). */
    TEST_EQ(mm_probe_write64(w + 3, 1), -1);
    TEST_EQ(mm_last_fault.cr2, wva + 24);
    TEST_EQ(mm_last_fault.error_code, 2);

    /* Remap to B with a full flush. */
    TEST_EQ(mm_update_va(wva, MFN_PTE(mfn_b, PTE_KDATA), UVMF_TLB_FLUSH), 0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_KDATA)));
    TEST_EQ(mm_peek(wva + 8), PAT_B);

    /* Read-only mapping: reads work, writes fault with present|write. */
    TEST_EQ(mm_update_va(wva, MFN_PTE(mfn_b, PTE_P | PTE_A), UVMF_INVLPG), 0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_P | PTE_A)));
    TEST_EQ(mm_peek(wva), PAT_B);
    TEST_EQ(mm_probe_write64(w, 7), -1);
    TEST_EQ(mm_last_fault.cr2, wva);
    TEST_EQ(mm_last_fault.error_code, 3);
    TEST_EQ(b[0], PAT_B);

    /* mmu_update on the L1 entry's machine address, then INVLPG_LOCAL. */
    TEST_EQ(mm_mmu_update1(pte_ma | MMU_NORMAL_PT_UPDATE,
                           MFN_PTE(mfn_a, PTE_KDATA)),
            0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_a, PTE_KDATA)));
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_peek(wva + 16), PAT_A);

    /* ... back to B, then TLB_FLUSH_LOCAL. */
    TEST_EQ(mm_mmu_update1(pte_ma, MFN_PTE(mfn_b, PTE_KDATA)), 0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_KDATA)));
    TEST_EQ(mm_flush_tlb(), 0);
    TEST_EQ(mm_peek(wva + 16), PAT_B);

    /* A batch of two: unmap then map A; done counts both. */
    {
        struct mmu_update req[2] = {
            { .ptr = pte_ma, .val = 0 },
            { .ptr = pte_ma, .val = MFN_PTE(mfn_a, PTE_KDATA) },
        };
        unsigned int done = 99;

        TEST_EQ(HYPERVISOR_mmu_update(req, 2, &done, DOMID_SELF), 0);
        TEST_EQ(done, 2);
        TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_a, PTE_KDATA)));
        TEST_EQ(mm_invlpg(wva), 0);
        TEST_EQ(mm_peek(wva), PAT_A);
    }

    /*
     * MMU_PT_UPDATE_PRESERVE_AD keeps the A/D bits already in the entry
     * (A and D are set now); a normal update does not.
     */
    TEST_EQ(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    TEST_EQ(mm_mmu_update1(pte_ma | MMU_PT_UPDATE_PRESERVE_AD,
                           MFN_PTE(mfn_b, PTE_P | PTE_RW)),
            0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_P | PTE_RW | PTE_A | PTE_D)));
    TEST_EQ(mm_mmu_update1(pte_ma, MFN_PTE(mfn_b, PTE_P | PTE_RW)), 0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_b, PTE_P | PTE_RW)));
    TEST_EQ(mm_mmu_update1(pte_ma | MMU_PT_UPDATE_PRESERVE_AD,
                           MFN_PTE(mfn_a, PTE_P | PTE_RW)),
            0);
    TEST_EQ(*pte, mm_kadj(MFN_PTE(mfn_a, PTE_P | PTE_RW)));
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_peek(wva + 32), PAT_A);
    /* The read set A in the entry (the hardware walks the real L1). */
    TEST_EQ(*pte & PTE_A, PTE_A);

    /* ptr bits 0-2 select the command: 4..7 are unknown (-ENOSYS). */
    TEST_EQ(mm_mmu_update1(pte_ma | 4, 0), -XEN_ENOSYS);
    TEST_EQ(mm_mmu_update1(pte_ma | 7, 0), -XEN_ENOSYS);
    TEST_EQ(*pte & PTE_ADDR_MASK, MFN_PTE(mfn_a, 0));

    /* MMU_MACHPHYS_UPDATE: the M2P entry changes, then back. */
    TEST_EQ(
        mm_mmu_update1(((uint64_t)mfn_a << 12) | MMU_MACHPHYS_UPDATE, 0x12345),
        0);
    TEST_EQ(MM_M2P[mfn_a], 0x12345);
    /* Any address inside the frame names it. */
    TEST_EQ(
        mm_mmu_update1(((uint64_t)mfn_a << 12) + 0x7f0 + MMU_MACHPHYS_UPDATE,
                       pfn_a + 1),
        0);
    TEST_EQ(MM_M2P[mfn_a], pfn_a + 1);
    TEST_EQ(
        mm_mmu_update1(((uint64_t)mfn_a << 12) | MMU_MACHPHYS_UPDATE, pfn_a),
        0);
    TEST_EQ(MM_M2P[mfn_a], pfn_a);
    /* Neighbouring M2P entries were not touched. */
    TEST_EQ(MM_M2P[mfn_b], mm_virt_to_pfn(b));

    /* Restore the window and check it is w's own page again. */
    TEST_EQ(mm_update_va(wva, orig, UVMF_INVLPG), 0);
    TEST_EQ(*pte, orig);
    TEST_EQ(mm_peek(wva), 0);
    TEST_EQ(a[0], PAT_A);
    TEST_EQ(b[0], PAT_B);
}

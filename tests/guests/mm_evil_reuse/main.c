/* SPDX-License-Identifier: MIT */
/* After unpin a table is plain memory; pinning again re-validates it. */
#include <guest/mm.h>
#include <guest/test.h>

void test_main(void)
{
    uint64_t *l1, *data;
    unsigned long l1_mfn, l4_mfn = mm_virt_to_mfn((void *)start_info->pt_base);

    mm_init();
    l1 = mm_alloc_page();
    data = mm_alloc_page();
    l1_mfn = mm_virt_to_mfn(l1);
    l1[0] = MFN_PTE(mm_virt_to_mfn(data), PTE_P | PTE_A);

    /* Pin it as an L1 (read-only first). */
    TEST_EQ(mm_set_ro(l1), 0);
    TEST_EQ(mm_pin(1, l1_mfn), 0);
    TEST_EQ(mm_set_rw(l1), -XEN_EBUSY);
    TEST_EQ(mm_unpin(l1_mfn), 0);

    /* Unpinned: mapping it writable now succeeds, and writes stick. */
    TEST_EQ(mm_set_rw(l1), 0);
    TEST_EQ(mm_probe_write64(&l1[1], MFN_PTE(l4_mfn, PTE_KDATA)), 0);
    TEST_EQ(l1[1], MFN_PTE(l4_mfn, PTE_KDATA));

    /* Pinning again validates the new contents: a writable L4 mapping. */
    TEST_EQ(mm_set_ro(l1), 0);
    TEST_EQ(mm_pin(1, l1_mfn), -XEN_EBUSY);
    /* The failed pin left nothing behind: RW works, and we fix the entry. */
    TEST_EQ(mm_set_rw(l1), 0);
    l1[1] = MFN_PTE(l4_mfn, PTE_P | PTE_A);
    /* An entry mapping this very L1 writable is just as bad. */
    l1[2] = MFN_PTE(l1_mfn, PTE_KDATA);
    TEST_EQ(mm_set_ro(l1), 0);
    TEST_EQ(mm_pin(1, l1_mfn), -XEN_EBUSY);
    TEST_EQ(mm_set_rw(l1), 0);
    /* Read-only self mapping is allowed. */
    l1[2] = MFN_PTE(l1_mfn, PTE_P | PTE_A);
    TEST_EQ(mm_set_ro(l1), 0);
    TEST_EQ(mm_pin(1, l1_mfn), 0);
    TEST_EQ(l1[0], mm_kadj(MFN_PTE(mm_virt_to_mfn(data), PTE_P | PTE_A)));
    TEST_EQ(l1[1], mm_kadj(MFN_PTE(l4_mfn, PTE_P | PTE_A)));

    /* Pinned with a read-only entry to data: data is still writable. */
    data[5] = 5;
    TEST_EQ(data[5], 5);
    TEST_EQ(mm_unpin(l1_mfn), 0);

    /* A different level after unpin: the same page pins as an L2 (empty). */
    TEST_EQ(mm_set_rw(l1), 0);
    memset(l1, 0, MM_PAGE_SIZE);
    TEST_EQ(mm_set_ro(l1), 0);
    TEST_EQ(mm_pin(2, l1_mfn), 0);
    TEST_EQ(mm_pin(1, l1_mfn), -XEN_EINVAL);
    TEST_EQ(mm_unpin(l1_mfn), 0);
    TEST_EQ(mm_pin(1, l1_mfn), 0);
    TEST_EQ(mm_unpin(l1_mfn), 0);
    TEST_EQ(mm_set_rw(l1), 0);
    mm_free_page(l1);
    mm_free_page(data);
}

/* SPDX-License-Identifier: MIT */
/* Releasing frames still in use: the frame outlives its last use. */
#include <guest/mm.h>
#include <guest/test.h>

#define USER_VA 0x0000700000005000UL
#define PAT 0x5a5a5a5a5a5a5a5aULL

void test_main(void)
{
    uint64_t *w, *data, *victim, worig;
    unsigned long wva, l1_mfn, victim_mfn, xf;
    volatile uint64_t *wpte;
    struct mm_tree t;
    long res0;

    mm_init();
    w = mm_alloc_page();
    data = mm_alloc_page();
    victim = mm_alloc_page();
    wva = (unsigned long)w;
    wpte = mm_pte_ptr(wva, 1);
    worig = *wpte;
    for (unsigned int i = 0; i < 512; i++)
        victim[i] = PAT;
    data[0] = 0xda7a;
    res0 = mm_current_reservation();
    printk("current reservation %ld pages\n", res0);
    TEST_CHECK(res0 > 0);

    /* A frame that is not ours: nothing released. */
    xf = mm_xen_frame();
    TEST_EQ(mm_decrease_one(xf), 0);
    TEST_EQ(mm_current_reservation(), res0);

    /*
     * A pinned L1: releasing the allocation succeeds (1 extent), but the
     * frame stays ours as long as anything holds it (the pin, our
     * read-only mapping): the reservation only drops when it is freed.
     */
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    mm_tree_copy_kernel(&t);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    l1_mfn = mm_virt_to_mfn(t.table[3]);
    TEST_EQ(t.level[3], 1);
    TEST_EQ(mm_decrease_one(l1_mfn), 1);
    TEST_EQ(mm_current_reservation(), res0);
    /* Still a working page table: run on the tree and read through it. */
    TEST_EQ(mm_new_baseptr(mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_peek(USER_VA), 0xda7a);
    TEST_EQ(mm_new_baseptr(mm_virt_to_mfn((void *)start_info->pt_base)), 0);
    /* Still readable through our mapping, still an L1 (no RW mapping). */
    TEST_EQ(t.table[3][mm_index(USER_VA, 1)],
            mm_kadj(MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)));
    TEST_EQ(mm_set_rw(t.table[3]), -XEN_EBUSY);
    /* Releasing it again "succeeds" too: it is still ours, just unallocated. */
    TEST_EQ(mm_decrease_one(l1_mfn), 1);
    TEST_EQ(mm_current_reservation(), res0);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    /* Our read-only mapping still holds it: it can even be pinned again. */
    TEST_EQ(mm_pin(1, l1_mfn), 0);
    TEST_EQ(mm_unpin(l1_mfn), 0);
    TEST_EQ(mm_current_reservation(), res0);
    /* Drop our mapping of it, the last reference: now it is gone. */
    TEST_EQ(mm_update_va((unsigned long)t.table[3], 0, UVMF_INVLPG), 0);
    TEST_EQ(mm_current_reservation(), res0 - 1);
    TEST_EQ(mm_update_va(wva, MFN_PTE(l1_mfn, PTE_P | PTE_A), UVMF_INVLPG),
            -XEN_EBUSY);
    TEST_EQ(*wpte, worig);
    TEST_EQ(mm_pin(1, l1_mfn), -XEN_EINVAL);
    TEST_EQ(mm_decrease_one(l1_mfn), 0);
    TEST_EQ(mm_current_reservation(), res0 - 1);
    /* The rest of the tree goes back to normal pages. */
    t.nr = 3; /* forget the released L1, the last table */
    TEST_EQ(mm_tree_unseal(&t), 0);
    mm_tree_free(&t);

    /* A data page that is mapped: released, but readable until unmapped. */
    victim_mfn = mm_virt_to_mfn(victim);
    TEST_EQ(mm_update_va(wva, MFN_PTE(victim_mfn, PTE_KDATA), UVMF_INVLPG), 0);
    TEST_EQ(mm_decrease_one(victim_mfn), 1);
    TEST_EQ(mm_current_reservation(), res0 - 1);
    TEST_EQ(mm_peek(wva), PAT);
    TEST_EQ(mm_peek((unsigned long)victim + 8), PAT);
    /* Unmap both mappings; then it is freed and cannot be mapped again. */
    TEST_EQ(mm_update_va(wva, worig, UVMF_INVLPG), 0);
    TEST_EQ(mm_current_reservation(), res0 - 1);
    TEST_EQ(mm_update_va((unsigned long)victim, 0, UVMF_INVLPG), 0);
    TEST_EQ(mm_current_reservation(), res0 - 2);
    TEST_EQ(mm_update_va(wva, MFN_PTE(victim_mfn, PTE_P | PTE_A), UVMF_INVLPG),
            -XEN_EBUSY);
    TEST_EQ(*wpte, worig);
    TEST_EQ(mm_decrease_one(victim_mfn), 0);
    TEST_EQ(mm_current_reservation(), res0 - 2);

    /* Everything else is fine. */
    TEST_EQ(data[0], 0xda7a);
    TEST_EQ(mm_update_va(wva, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA),
                         UVMF_INVLPG),
            0);
    TEST_EQ(mm_peek(wva), 0xda7a);
    TEST_EQ(mm_update_va(wva, worig, UVMF_INVLPG), 0);
}

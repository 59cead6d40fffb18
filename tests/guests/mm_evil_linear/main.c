/* SPDX-License-Identifier: MIT */
/* Same-level (linear, recursive) page-table entries are refused. */
#include <guest/mm.h>
#include <guest/test.h>

#define USER_VA 0x0000600000004000UL

void test_main(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base, *data;
    unsigned long l4_mfn = mm_virt_to_mfn(l4);
    uint64_t l4_ma = mm_virt_to_maddr(l4), boot_l2;
    volatile uint64_t *e;
    struct mm_tree t;

    mm_init();
    data = mm_alloc_page();
    data[0] = 0x11;

    /* The in-use L4 pointing at itself, read-only or writable. */
    TEST_EQ(l4[300], 0);
    TEST_EQ(mm_mmu_update1(l4_ma + 300 * 8, MFN_PTE(l4_mfn, PTE_P | PTE_A)),
            -XEN_EINVAL);
    TEST_EQ(mm_mmu_update1(l4_ma + 300 * 8,
                           MFN_PTE(l4_mfn, PTE_P | PTE_RW | PTE_A)),
            -XEN_EINVAL);
    TEST_EQ(l4[300], 0);

    /* A pinned tree: L4 -> own L4, L3 -> own L3, L2 -> own L2 / boot L2. */
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    for (int level = 2; level <= 4; level++) {
        e = mm_tree_entry(&t, USER_VA, level) + 1;
        unsigned long self;

        if (level == 4)
            self = mm_tree_l4_mfn(&t);
        else
            self = mm_virt_to_mfn(t.table[4 - level]);
        printk("-- L%d entry -> its own table (mfn 0x%lx)\n", level, self);
        TEST_EQ(mm_mmu_update1(mm_virt_to_maddr((const void *)e),
                               MFN_PTE(self, PTE_P | PTE_US | PTE_A)),
                -XEN_EINVAL);
        TEST_EQ(*e, 0);
    }
    boot_l2 = PTE_MFN(mm_read_pte((unsigned long)data, 3));
    e = mm_tree_entry(&t, USER_VA, 2) + 2;
    TEST_EQ(mm_mmu_update1(mm_virt_to_maddr((const void *)e),
                           MFN_PTE(boot_l2, PTE_P | PTE_US | PTE_A)),
            -XEN_EINVAL);
    TEST_EQ(*e, 0);
    /* Its normal entries are untouched and still legal to rewrite. */
    e = mm_tree_entry(&t, USER_VA, 2);
    TEST_EQ(mm_mmu_update1(mm_virt_to_maddr((const void *)e), *e), 0);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);

    /* Building one in by hand and pinning: validation refuses it. */
    TEST_EQ(mm_tree_unseal(&t), 0);
    t.l4[7] = MFN_PTE(mm_tree_l4_mfn(&t), PTE_P | PTE_US);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), -XEN_EINVAL);
    /* Slot 7 fails before anything was validated: nothing is left over. */
    TEST_EQ(mm_tree_unseal(&t), 0);
    t.l4[7] = 0;
    /* Clean again: pins fine. */
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_tree_unseal(&t), 0);

    /*
     * An L2 whose slot 7 points at itself, after a valid slot 0: pinning
     * it (or the tree above it) is refused. Xen 4.17 leaves the half-
     * validated L2 and its L1 typed afterwards (mapping them writable
     * gives -EBUSY even after further MMU hypercalls), so those two pages
     * are abandoned rather than checked or reused.
     */
    t.table[2][7] = MFN_PTE(mm_virt_to_mfn(t.table[2]), PTE_P | PTE_US);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(2, mm_virt_to_mfn(t.table[2])), -XEN_EINVAL);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), -XEN_EINVAL);
    TEST_EQ(mm_flush_tlb(), 0);
    /* The L4 and L3 were never validated: plain pages again. */
    TEST_EQ(t.level[1], 3);
    t.nr = 2;
    TEST_EQ(mm_tree_unseal(&t), 0);
    mm_tree_free(&t);
    TEST_EQ(data[0], 0x11);
}

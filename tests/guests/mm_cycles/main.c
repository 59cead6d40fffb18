/* SPDX-License-Identifier: MIT */
/* Build a deep page-table tree, run on it, and shut down with it still live. */
#include <guest/mm.h>
#include <guest/test.h>

/* Three branches: two share an L3 and L2, one has its own L3/L2/L1. */
#define VA1 0x0000100000001000UL
#define VA2 0x00007f0040201000UL
#define VA3 0x0000100000202000UL

void test_main(void)
{
    uint64_t *data;
    unsigned long dm;
    struct mm_tree t;

    mm_init();
    data = mm_alloc_page();
    TEST_CHECK(data != NULL);
    if (!data)
        return;
    dm = mm_virt_to_mfn(data);
    data[0] = 0x5eed;
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, VA1, MFN_PTE(dm, PTE_KDATA)), 0);
    TEST_EQ(mm_tree_map(&t, VA2, MFN_PTE(dm, PTE_P | PTE_A)), 0);
    TEST_EQ(mm_tree_map(&t, VA3, MFN_PTE(dm, PTE_KDATA)), 0);
    mm_tree_copy_kernel(&t);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    /* The hypervisor must release all of this at teardown, not the guest. */
    TEST_EQ(mm_new_baseptr(mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_peek(VA1), 0x5eed);
    TEST_EQ(mm_peek(VA2), 0x5eed);
    TEST_EQ(mm_peek(VA3), 0x5eed);
}

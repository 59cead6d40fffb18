/* SPDX-License-Identifier: MIT */
/* 200 rounds of build/pin/use/unpin/free of page-table trees leak nothing. */
#include <guest/mm.h>
#include <guest/test.h>

#define ROUNDS 200
#define VA1 0x0000100000001000UL /* slot 32 */
#define VA2 0x00007f0040201000UL /* slot 254: its own L3/L2/L1 */
#define VA3 0x0000100000202000UL /* shares L3/L2 with VA1, another L1 */

void test_main(void)
{
    uint64_t *data;
    unsigned long boot_mfn = mm_virt_to_mfn((void *)start_info->pt_base);
    unsigned long free0, round, bad = 0;
    long res0;
    struct mm_tree t;

    mm_init();
    data = mm_alloc_page();
    free0 = mm_free_pages();
    res0 = mm_current_reservation();

    for (round = 0; round < ROUNDS && !bad; round++) {
        unsigned long dm = mm_virt_to_mfn(data);
        unsigned int i;

        data[0] = round;
        if (mm_tree_init(&t) || mm_tree_map(&t, VA1, MFN_PTE(dm, PTE_KDATA)) ||
            mm_tree_map(&t, VA2, MFN_PTE(dm, PTE_P | PTE_A)) ||
            mm_tree_map(&t, VA3, MFN_PTE(dm, PTE_KDATA))) {
            bad++;
            break;
        }
        mm_tree_copy_kernel(&t);
        if (t.nr != 8 || mm_tree_seal(&t))
            bad++;
        /* Odd rounds also pin every L1, as Linux does. */
        if (round & 1)
            for (i = 1; i < t.nr; i++)
                if (t.level[i] == 1 && mm_pin(1, mm_virt_to_mfn(t.table[i])))
                    bad++;
        if (mm_pin(4, mm_tree_l4_mfn(&t)) || mm_new_baseptr(mm_tree_l4_mfn(&t)))
            bad++;
        if (mm_peek(VA1) != round || mm_peek(VA2) != round ||
            mm_peek(VA3) != round)
            bad++;
        *(volatile uint64_t *)(VA3 + 8) = round * 3;
        if (data[1] != round * 3)
            bad++;
        if (mm_new_baseptr(boot_mfn) || mm_unpin(mm_tree_l4_mfn(&t)))
            bad++;
        if (round & 1)
            for (i = 1; i < t.nr; i++)
                if (t.level[i] == 1 && mm_unpin(mm_virt_to_mfn(t.table[i])))
                    bad++;
        if (mm_tree_unseal(&t))
            bad++;
        mm_tree_free(&t);
        if (mm_free_pages() != free0)
            bad++;
        if (bad)
            printk("round %lu went wrong\n", round);
    }
    TEST_EQ(bad, 0);
    TEST_EQ(round, ROUNDS);
    TEST_EQ(mm_current_reservation(), res0);
    TEST_EQ(mm_free_pages(), free0);
    TEST_CHECK(mm_cur_l4 == (uint64_t *)start_info->pt_base);

    /* Pins still work, and double pins still fail. */
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, VA1, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)), 0);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), -XEN_EINVAL);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_tree_unseal(&t), 0);
    mm_tree_free(&t);
    TEST_EQ(mm_free_pages(), free0);
}

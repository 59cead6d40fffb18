/* SPDX-License-Identifier: MIT */
/* PSE, G and cache bits in L2-L4 entries are refused, one bit at a time. */
#include <guest/mm.h>
#include <guest/test.h>

#define USER_VA 0x0000500000003000UL
#define PAT 0x5a5a5a5a5a5a5a5aULL

static unsigned long wva;

/* Flip in `bits` on the level-`level` entry at maddr: refused, unchanged. */
static void try_bits(volatile uint64_t *e, int level, uint64_t bits,
                     const char *name)
{
    uint64_t before = *e, ma = mm_virt_to_maddr((const void *)e);

    printk("-- L%d entry 0x%llx | %s\n", level, (unsigned long long)before,
           name);
    TEST_EQ(mm_mmu_update1(ma, before | bits), -XEN_EINVAL);
    TEST_EQ(*e, before);
    TEST_EQ(mm_mmu_update1(ma | MMU_PT_UPDATE_PRESERVE_AD, before | bits),
            -XEN_EINVAL);
    TEST_EQ(*e, before);
    TEST_EQ(mm_peek(wva), PAT);
}

void test_main(void)
{
    uint64_t *w, *data, *l4 = (uint64_t *)start_info->pt_base;
    volatile uint64_t *e;
    struct mm_tree t;
    int level;

    mm_init();
    w = mm_alloc_page();
    data = mm_alloc_page();
    for (unsigned int i = 0; i < 512; i++)
        w[i] = PAT;
    wva = (unsigned long)w;

    /* The live tables on the path to our own window (and kernel). */
    for (level = 2; level <= 4; level++) {
        e = mm_pte_ptr(wva, level);
        try_bits(e, level, PTE_PSE, "PSE");
        try_bits(e, level, PTE_G, "G");
        try_bits(e, level, PTE_PWT, "PWT");
        try_bits(e, level, PTE_PCD, "PCD");
        try_bits(e, level, PTE_PSE | PTE_RW, "PSE|RW");
    }
    /* Harmless bits take the fast path and are accepted. */
    e = mm_pte_ptr(wva, 2);
    {
        uint64_t before = *e, ma = mm_virt_to_maddr((const void *)e);

        TEST_EQ(mm_mmu_update1(ma, before | PTE_AVAIL0), 0);
        TEST_EQ(*e, before | PTE_AVAIL0);
        TEST_EQ(mm_mmu_update1(ma, before), 0);
        TEST_EQ(*e, before);
    }

    /* A tree that is pinned but not in use. */
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    for (level = 2; level <= 4; level++) {
        e = mm_tree_entry(&t, USER_VA, level);
        try_bits(e, level, PTE_PSE, "PSE (pinned tree)");
        try_bits(e, level, PTE_G, "G (pinned tree)");
    }
    /* A fresh superpage entry in an empty L2/L3 slot. */
    e = mm_tree_entry(&t, USER_VA, 2) + 1;
    TEST_EQ(mm_mmu_update1(mm_virt_to_maddr((const void *)e),
                           0x200000ULL | PTE_P | PTE_RW | PTE_PSE),
            -XEN_EINVAL);
    TEST_EQ(*e, 0);
    e = mm_tree_entry(&t, USER_VA, 3) + 1;
    TEST_EQ(mm_mmu_update1(mm_virt_to_maddr((const void *)e),
                           0x40000000ULL | PTE_P | PTE_RW | PTE_PSE),
            -XEN_EINVAL);
    TEST_EQ(*e, 0);

    /* Pinning a tree with PSE in an L2 entry fails validation. */
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_tree_unseal(&t), 0);
    *mm_tree_entry(&t, USER_VA, 2) |= PTE_PSE;
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), -XEN_EINVAL);
    TEST_EQ(mm_pin(2, mm_virt_to_mfn(t.table[2])), -XEN_EINVAL);
    /* Nothing stuck: the tables are plain pages again. */
    TEST_EQ(mm_tree_unseal(&t), 0);
    *mm_tree_entry(&t, USER_VA, 2) &= ~PTE_PSE;
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    mm_tree_free(&t);
    TEST_EQ(l4[511], l4[511]);
    TEST_EQ(mm_peek(wva), PAT);
}

/* SPDX-License-Identifier: MIT */
/* Mapping any live page-table frame writable is refused; nothing changes. */
#include <guest/mm.h>
#include <guest/test.h>

#define USER_VA 0x0000400000002000UL

static unsigned long wva;
static volatile uint64_t *wpte;
static uint64_t wpte_ma, worig;

/*
 * Try to map frame mfn writable at the window, both ways; each must fail
 * with want, leave the window's entry alone and the window usable.
 */
static void try_rw(unsigned long mfn, long want, int is_l1, const char *what)
{
    printk("-- map %s (mfn 0x%lx) writable\n", what, mfn);
    TEST_EQ(mm_update_va(wva, MFN_PTE(mfn, PTE_KDATA), UVMF_INVLPG), want);
    TEST_EQ(*wpte, worig);
    TEST_EQ(mm_mmu_update1(wpte_ma, MFN_PTE(mfn, PTE_KDATA)), want);
    TEST_EQ(*wpte, worig);
    TEST_EQ(mm_mmu_update1(wpte_ma | MMU_PT_UPDATE_PRESERVE_AD,
                           MFN_PTE(mfn, PTE_P | PTE_RW)),
            want);
    TEST_EQ(*wpte, worig);
    TEST_EQ(mm_peek(wva), 0x5a5a5a5a5a5a5a5aULL);
    /* Read-only is fine, and can be undone. */
    TEST_EQ(mm_update_va(wva, MFN_PTE(mfn, PTE_P | PTE_A), UVMF_INVLPG), 0);
    TEST_CHECK(mm_peek(wva) != MM_PEEK_FAULTED);
    /*
     * A store through the RO mapping faults, except into an L1: that is
     * emulated (writable page tables), so store something it refuses.
     */
    TEST_EQ(mm_probe_write64((void *)(wva + 8 * 9),
                             is_l1 ? MFN_PTE(mfn, PTE_KDATA) : 0),
            -1);
    TEST_EQ(mm_last_fault.cr2, wva + 8 * 9);
    TEST_EQ(mm_last_fault.error_code, 3);
    TEST_EQ(mm_update_va(wva, worig, UVMF_INVLPG), 0);
    TEST_EQ(mm_peek(wva), 0x5a5a5a5a5a5a5a5aULL);
}

void test_main(void)
{
    uint64_t *w, *data;
    struct mm_tree t;
    unsigned long l4 = mm_virt_to_mfn((void *)start_info->pt_base);

    mm_init();
    w = mm_alloc_page();
    data = mm_alloc_page();
    for (unsigned int i = 0; i < 512; i++)
        w[i] = 0x5a5a5a5a5a5a5a5aULL;
    wva = (unsigned long)w;
    wpte = mm_pte_ptr(wva, 1);
    wpte_ma = mm_pte_maddr(wva, 1);
    worig = *wpte;

    /* The boot tables, in use as the base pointer. */
    try_rw(l4, -XEN_EBUSY, 0, "the boot L4");
    try_rw(PTE_MFN(mm_read_pte(wva, 4)), -XEN_EBUSY, 0, "the boot L3");
    try_rw(PTE_MFN(mm_read_pte(wva, 3)), -XEN_EBUSY, 0, "the boot L2");
    /* The L1 that holds the window's own entry: it would map itself. */
    try_rw(PTE_MFN(mm_read_pte(wva, 2)), -XEN_EBUSY, 1, "the window's own L1");

    /* A pinned tree that is not in use. */
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    for (unsigned int i = 0; i < t.nr; i++)
        try_rw(mm_virt_to_mfn(t.table[i]), -XEN_EBUSY, t.level[i] == 1,
               "a pinned tree's table");
    /* Its own RO mapping cannot be made writable either. */
    TEST_EQ(mm_set_rw(t.table[3]), -XEN_EBUSY);
    TEST_EQ(mm_probe_write64(&t.table[3][5],
                             MFN_PTE(mm_virt_to_mfn(t.table[2]), PTE_KDATA)),
            -1);
    TEST_EQ(t.table[3][5], 0);
    /* A tree entry mapping one of its own tables writable: refused. */
    TEST_EQ(mm_mmu_update1(mm_virt_to_maddr(mm_tree_entry(&t, USER_VA, 1)),
                           MFN_PTE(mm_virt_to_mfn(t.table[3]), PTE_KDATA)),
            -XEN_EBUSY);
    TEST_EQ(*mm_tree_entry(&t, USER_VA, 1),
            mm_kadj(MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)));
    /* ... read-only is allowed. */
    TEST_EQ(mm_mmu_update1(mm_virt_to_maddr(mm_tree_entry(&t, USER_VA, 1)),
                           MFN_PTE(mm_virt_to_mfn(t.table[3]), PTE_P)),
            0);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    /* Unpinned: all of them can be writable again. */
    TEST_EQ(mm_tree_unseal(&t), 0);
    mm_tree_free(&t);

    /* A legitimate writable mapping still works afterwards. */
    TEST_EQ(mm_update_va(wva, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA),
                         UVMF_INVLPG),
            0);
    TEST_EQ(mm_probe_write64((void *)wva, 77), 0);
    TEST_EQ(data[0], 77);
    TEST_EQ(mm_update_va(wva, worig, UVMF_INVLPG), 0);
    TEST_EQ(*wpte, worig);
}

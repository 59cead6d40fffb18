/* SPDX-License-Identifier: MIT */
/* mmu_update MMU_NORMAL_PT_UPDATE on frames that are not tables in use. */
#include <guest/mm.h>
#include <guest/test.h>

#define USER_VA 0x0000700000005000UL
#define VAL 0x1234567890abcdefULL
#define DESC_CODE64 0x00affb000000ffffULL

static long set_gdt(unsigned long *frames, unsigned int entries)
{
    return hypercall6(__HYPERVISOR_set_gdt, (unsigned long)frames, entries, 0,
                      0, 0);
}

void test_main(void)
{
    uint64_t *p, *q, *g, *data, ma;
    unsigned long gmfn, l1_mfn, xf;
    struct mm_tree t;

    mm_init();
    p = mm_alloc_page();
    q = mm_alloc_page();
    g = mm_alloc_page();
    data = mm_alloc_page();
    ma = mm_virt_to_maddr(p);

    /* An ordinary page mapped writable: the word is stored (Xen: 0). */
    TEST_EQ(mm_mmu_update1(ma + 5 * 8, VAL), 0);
    TEST_EQ(p[5], VAL);
    TEST_EQ(p[4], 0);
    TEST_EQ(p[6], 0);
    /* The low command bits select the command, not the byte. */
    TEST_EQ(mm_mmu_update1((ma + 7 * 8) | MMU_PT_UPDATE_PRESERVE_AD, VAL + 1),
            0);
    TEST_EQ(p[7], VAL + 1);
    /* Mapped read-only only: stored all the same. */
    TEST_EQ(mm_set_ro(q), 0);
    TEST_EQ(mm_mmu_update1(mm_virt_to_maddr(q) + 511 * 8, VAL + 2), 0);
    TEST_EQ(q[511], VAL + 2);
    TEST_EQ(mm_set_rw(q), 0);

    /* A frame that is not ours (the M2P): -EINVAL, as before. */
    xf = mm_xen_frame();
    TEST_CHECK(xf != 0);
    TEST_EQ(mm_mmu_update1(((uint64_t)xf << 12) + 8, 0), -XEN_EINVAL);

    /* A descriptor frame in use as the GDT: -EINVAL, unchanged. */
    g[1] = DESC_CODE64;
    TEST_EQ(mm_set_ro(g), 0);
    gmfn = mm_virt_to_mfn(g);
    TEST_EQ(set_gdt(&gmfn, 512), 0);
    TEST_EQ(mm_mmu_update1(((uint64_t)gmfn << 12) + 2 * 8, VAL), -XEN_EINVAL);
    TEST_EQ(g[2], 0);
    /* Released, its old type is no obstacle: a plain store. */
    TEST_EQ(set_gdt(&gmfn, 0), 0);
    TEST_EQ(mm_mmu_update1(((uint64_t)gmfn << 12) + 2 * 8, VAL), 0);
    TEST_EQ(g[2], VAL);
    TEST_EQ(mm_set_rw(g), 0);

    /*
     * A pinned L1: updated as a table entry (the value is checked, garbage
     * refused); unpinned, the same frame takes any word.
     */
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    mm_tree_copy_kernel(&t);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(t.level[3], 1);
    l1_mfn = mm_virt_to_mfn(t.table[3]);
    /* A present entry naming a frame that is not ours. */
    TEST_EQ(mm_mmu_update1(((uint64_t)l1_mfn << 12) + 9 * 8,
                           MFN_PTE(xf, PTE_KDATA)),
            -XEN_EBUSY);
    TEST_EQ(t.table[3][9], 0);
    TEST_EQ(mm_mmu_update1(((uint64_t)l1_mfn << 12) + 9 * 8,
                           MFN_PTE(mm_virt_to_mfn(data), PTE_P | PTE_A)),
            0);
    TEST_EQ(t.table[3][9],
            mm_kadj(MFN_PTE(mm_virt_to_mfn(data), PTE_P | PTE_A)));
    /* The L4 of the pinned tree, also a table: its Xen slots refuse. */
    TEST_EQ(mm_mmu_update1(((uint64_t)mm_tree_l4_mfn(&t) << 12) + 256 * 8, 0),
            -XEN_EINVAL);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    /* Unpinned (mapped read-only, no type in use): a plain store. */
    TEST_EQ(mm_mmu_update1(((uint64_t)l1_mfn << 12) + 9 * 8,
                           MFN_PTE(xf, PTE_KDATA)),
            0);
    TEST_EQ(t.table[3][9], MFN_PTE(xf, PTE_KDATA));
    TEST_EQ(mm_mmu_update1(((uint64_t)l1_mfn << 12) + 9 * 8, 0), 0);
    TEST_EQ(mm_tree_unseal(&t), 0);
    mm_tree_free(&t);
}

/* SPDX-License-Identifier: MIT */
/* Writable page tables: trapped L1 stores are validated and applied. */
#include <guest/mm.h>
#include <guest/test.h>

#define PAT_A 0xa1a1a1a1a1a1a1a1ULL
#define PAT_B 0xb2b2b2b2b2b2b2b2ULL
#define USER_VA 0x0000300000001000UL

/*
 * A store that must not be emulated: it faults into us with a write to a
 * present page (error code 3) at the entry, and the entry is unchanged.
 */
static void expect_refused(volatile uint64_t *pte, uint64_t val,
                           const char *what)
{
    uint64_t before = *pte;
    unsigned long faults = mm_last_fault.count;

    printk("refused store: %s\n", what);
    TEST_EQ(mm_probe_write64(pte, val), -1);
    TEST_EQ(mm_last_fault.count, faults + 1);
    TEST_EQ(mm_last_fault.cr2, (unsigned long)pte);
    TEST_EQ(mm_last_fault.error_code, 3);
    TEST_EQ(*pte, before);
}

void test_main(void)
{
    uint64_t *a, *b, *w, *data, orig, old, ea, eb;
    volatile uint64_t *pte, *pte2;
    unsigned long wva, faults, xf;
    struct mm_tree t;

    mm_init();
    a = mm_alloc_page();
    b = mm_alloc_page();
    w = mm_alloc_page();
    data = mm_alloc_page();
    TEST_CHECK(a && b && w && data);
    if (!a || !b || !w || !data)
        return;
    for (unsigned int i = 0; i < 512; i++) {
        a[i] = PAT_A;
        b[i] = PAT_B;
    }
    wva = (unsigned long)w;
    pte = mm_pte_ptr(wva, 1);
    pte2 = mm_pte_ptr(wva, 2);
    orig = *pte;
    ea = MFN_PTE(mm_virt_to_mfn(a), PTE_KDATA);
    eb = MFN_PTE(mm_virt_to_mfn(b), PTE_KDATA);
    printk("window 0x%lx, its L1 entry at 0x%lx = 0x%llx\n", wva,
           (unsigned long)pte, (unsigned long long)orig);

    /*
     * Xen 4.17 emulates L1 stores whether or not the guest enabled the
     * assist (the vm_assist bit is accepted but not consulted): a store
     * before enabling it is applied already.
     */
    faults = mm_last_fault.count;
    TEST_EQ(mm_probe_write64(pte, eb), 0);
    TEST_EQ(mm_last_fault.count, faults);
    TEST_EQ(*pte, mm_kadj(eb));
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_peek(wva), PAT_B);

    TEST_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable,
                                 VMASST_TYPE_writable_pagetables),
            0);
    faults = mm_last_fault.count;

    /* mov: emulated, validated, applied; no #PF reaches us. */
    TEST_EQ(mm_probe_write64(pte, ea), 0);
    TEST_EQ(*pte, mm_kadj(ea));
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_peek(wva), PAT_A);

    /* xchg returns the old entry (as the hypervisor stored it). */
    TEST_EQ(mm_probe_xchg64(pte, eb, &old), 0);
    TEST_EQ(old, mm_kadj(ea));
    TEST_EQ(*pte, mm_kadj(eb));
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_peek(wva + 8), PAT_B);

    /* lock cmpxchg: a matching compare swaps, a stale one does not. */
    TEST_EQ(mm_probe_cmpxchg64(pte, mm_kadj(eb), ea), 0);
    TEST_EQ(*pte, mm_kadj(ea));
    TEST_EQ(mm_probe_cmpxchg64(pte, mm_kadj(eb), eb), 1);
    TEST_EQ(*pte, mm_kadj(ea));
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_peek(wva + 16), PAT_A);

    /* lock andb/orb on the low byte: clear RW, then set it again. */
    TEST_EQ(mm_probe_andb(pte, (uint8_t)~PTE_RW), 0);
    TEST_EQ(*pte, mm_kadj(ea) & ~PTE_RW);
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_peek(wva + 24), PAT_A);
    TEST_EQ(mm_probe_write64(w + 3, 1), -1);
    TEST_EQ(mm_last_fault.cr2, wva + 24);
    TEST_EQ(mm_last_fault.error_code, 3);
    faults = mm_last_fault.count;
    TEST_EQ(mm_probe_orb(pte, (uint8_t)PTE_RW), 0);
    TEST_EQ(*pte, mm_kadj(ea));
    /* The same and with a ds prefix (Linux's patched lock): emulated. */
    TEST_EQ(mm_probe_ds_andb(pte, (uint8_t)~PTE_RW), 0);
    TEST_EQ(*pte, mm_kadj(ea) & ~PTE_RW);
    TEST_EQ(mm_probe_orb(pte, (uint8_t)PTE_RW), 0);
    TEST_EQ(*pte, mm_kadj(ea));
    TEST_EQ(mm_invlpg(wva), 0);
    TEST_EQ(mm_probe_write64(w + 3, 0x33), 0);
    TEST_EQ(a[3], 0x33);
    /* A byte store into the high half (NX, bit 63) merges too. */
    TEST_EQ(mm_probe_orb((volatile uint8_t *)pte + 7, 0x80), 0);
    TEST_EQ(*pte, mm_kadj(ea) | PTE_NX);
    TEST_EQ(mm_last_fault.count, faults);

    /* Stores the rules forbid fault into the guest and change nothing. */
    expect_refused(
        pte, MFN_PTE(mm_virt_to_mfn((void *)start_info->pt_base), PTE_KDATA),
        "map the L4 writable");
    expect_refused(pte, MFN_PTE(PTE_MFN(mm_read_pte(wva, 2)), PTE_KDATA),
                   "map an in-use L1 writable");
    xf = mm_xen_frame();
    TEST_CHECK(xf != 0);
    expect_refused(pte, MFN_PTE(xf, PTE_KDATA), "map a Xen-owned frame");
    expect_refused(pte, MFN_PTE(xf, PTE_P | PTE_A),
                   "map a Xen-owned frame read-only");
    /* Upper levels are never emulated. */
    expect_refused(pte2, *pte2, "rewrite an L2 entry with itself");
    TEST_EQ(mm_peek(wva + 32), PAT_A);

    /* A pinned L1 that is not in use is emulated too. */
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    {
        volatile uint64_t *tpte = mm_tree_entry(&t, USER_VA, 1);

        faults = mm_last_fault.count;
        TEST_EQ(mm_probe_write64(tpte, eb), 0);
        TEST_EQ(*tpte, mm_kadj(eb));
        TEST_EQ(mm_probe_write64(tpte + 1, ea), 0);
        TEST_EQ(tpte[1], mm_kadj(ea));
        TEST_EQ(mm_last_fault.count, faults);
        expect_refused(tpte + 2, MFN_PTE(mm_tree_l4_mfn(&t), PTE_KDATA),
                       "map the tree's own L4 writable");
        TEST_EQ(mm_probe_write64(tpte, 0), 0);
        TEST_EQ(mm_probe_write64(tpte + 1, 0), 0);
        TEST_EQ(*tpte, 0);
    }
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    /* Unpinned (no longer a table): the store faults like any RO page. */
    expect_refused(mm_tree_entry(&t, USER_VA, 1), ea, "unpinned former L1");
    mm_tree_free(&t);

    /* Turning the assist off is accepted; stores are still emulated. */
    TEST_EQ(HYPERVISOR_vm_assist(VMASST_CMD_disable,
                                 VMASST_TYPE_writable_pagetables),
            0);
    faults = mm_last_fault.count;
    TEST_EQ(mm_probe_write64(pte, eb), 0);
    TEST_EQ(mm_last_fault.count, faults);
    TEST_EQ(*pte, mm_kadj(eb));

    /* Restore the window. */
    TEST_EQ(mm_update_va(wva, orig, UVMF_INVLPG), 0);
    TEST_EQ(*pte, orig);
    TEST_EQ(mm_peek(wva), 0);
}

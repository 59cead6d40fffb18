/* SPDX-License-Identifier: MIT */
/* Pin a hand-built four-level tree, run on it, unpin; pin misuse refused. */
#include <guest/mm.h>
#include <guest/test.h>

#define USER_VA 0x0000200000345000UL /* L4 slot 64: not mapped at boot */
#define PAT 0x600d600d12345678ULL
#define GARBAGE 0x8000000012345067ULL

void test_main(void)
{
    struct mm_tree t;
    uint64_t *data, *l1, *l2, *l3, *l4, *cur;
    unsigned long boot_l4_mfn, mfn[5], xf;
    uint64_t saved_slots[16];
    unsigned int i;
    long rc;

    mm_init();
    cur = (uint64_t *)start_info->pt_base;
    boot_l4_mfn = mm_virt_to_mfn(cur);
    data = mm_alloc_page();
    TEST_CHECK(data != NULL);
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    TEST_EQ(t.nr, 4);
    mm_tree_copy_kernel(&t);
    /* The hypervisor owns slots 256-271: whatever we leave there goes. */
    for (i = 256; i < 272; i++)
        t.l4[i] = GARBAGE;
    l4 = t.l4;
    l3 = mm_tree_entry(&t, USER_VA, 4) ? t.table[1] : NULL;
    l2 = t.table[2];
    l1 = t.table[3];
    TEST_EQ(t.level[1], 3);
    TEST_EQ(t.level[2], 2);
    TEST_EQ(t.level[3], 1);
    TEST_CHECK(l3 != NULL);
    mfn[1] = mm_virt_to_mfn(l1);
    mfn[2] = mm_virt_to_mfn(l2);
    mfn[3] = mm_virt_to_mfn(l3);
    mfn[4] = mm_virt_to_mfn(l4);
    data[0] = PAT;

    /* Pinning a table that is still mapped writable is refused... */
    TEST_EQ(mm_pin(1, mfn[1]), -XEN_EINVAL);
    TEST_EQ(mm_pin(4, mfn[4]), -XEN_EINVAL);
    /* ... and changes nothing: the page is still ours to write. */
    TEST_EQ(mm_probe_write64(&l1[511], 0), 0);
    TEST_EQ(l1[mm_index(USER_VA, 1)], MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA));

    /* Read-only everywhere, then pin bottom-up. */
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_probe_write64(&l1[511], 0), -1);
    TEST_EQ(mm_last_fault.error_code, 3);
    TEST_EQ(mm_pin(1, mfn[1]), 0);
    TEST_EQ(mm_pin(2, mfn[2]), 0);
    TEST_EQ(mm_pin(3, mfn[3]), 0);
    TEST_EQ(mm_pin(4, mfn[4]), 0);

    /*
     * The L4's Xen slots were replaced by the hypervisor's own entries:
     * the same as in the boot L4, except a slot that points back at the
     * L4 itself (Xen's linear map, slot 258). Slot 256, the read-only
     * M2P, stays empty until the L4 becomes a kernel base pointer (no
     * m2p_strict).
     */
    for (i = 257; i < 272; i++) {
        if (l4[i] == GARBAGE)
            break;
        if (l4[i] != cur[i] &&
            !(PTE_MFN(l4[i]) == mfn[4] && PTE_MFN(cur[i]) == boot_l4_mfn))
            break;
    }
    TEST_EQ(i, 272);
    /*
     * Slot 256 (the M2P) is the hypervisor's business: Xen leaves it empty
     * until the L4 becomes a base pointer, Vesper installs it at once.
     */
    TEST_CHECK(l4[256] == 0 || l4[256] == cur[256]);
    printk("new L4 slot 256 0x%llx, 258 0x%llx; boot L4 256 0x%llx, 258 "
           "0x%llx\n",
           (unsigned long long)l4[256], (unsigned long long)l4[258],
           (unsigned long long)cur[256], (unsigned long long)cur[258]);
    for (i = 0; i < 16; i++)
        saved_slots[i] = l4[256 + i];
    /* Guest entries are kept (A is forced on in L4 entries). */
    TEST_EQ(l4[mm_index(USER_VA, 4)], MFN_PTE(mfn[3], PTE_TABLE));
    TEST_EQ(l4[511], cur[511]);

    /* Double pins are refused at every level. */
    TEST_EQ(mm_pin(1, mfn[1]), -XEN_EINVAL);
    TEST_EQ(mm_pin(2, mfn[2]), -XEN_EINVAL);
    TEST_EQ(mm_pin(4, mfn[4]), -XEN_EINVAL);
    /* So is pinning a table as another level. */
    TEST_EQ(mm_pin(1, mfn[2]), -XEN_EINVAL);
    TEST_EQ(mm_pin(3, mfn[4]), -XEN_EINVAL);
    /* A pinned table cannot be mapped writable. */
    TEST_EQ(mm_set_rw(l2), -XEN_EBUSY);
    TEST_EQ(mm_probe_write64(&l2[511], 0), -1);

    /* Run on the new tree. */
    TEST_EQ(mm_new_baseptr(mfn[4]), 0);
    TEST_CHECK(mm_cur_l4 == l4);
    printk("running on the new L4 (mfn 0x%lx)\n", mfn[4]);
    TEST_EQ(mm_peek(USER_VA), PAT);
    *(volatile uint64_t *)(USER_VA + 8) = PAT + 1;
    TEST_EQ(data[1], PAT + 1);
    TEST_EQ(mm_read_pte(USER_VA, 1), MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA) |
                                         PTE_US | PTE_XEN_GUEST_KERNEL);
    /* As the kernel base it got the M2P slot; the others are unchanged. */
    TEST_EQ(l4[256], cur[256]);
    for (i = 1; i < 16; i++)
        if (l4[256 + i] != saved_slots[i])
            break;
    TEST_EQ(i, 16);
    printk("new L4 slot 256 after NEW_BASEPTR 0x%llx\n",
           (unsigned long long)l4[256]);
    /* The M2P is readable through the new tree. */
    TEST_EQ(MM_M2P[mm_virt_to_mfn(data)], mm_virt_to_pfn(data));
    /* Unpinning the L4 while it is the base keeps it alive. */
    TEST_EQ(mm_unpin(mfn[4]), 0);
    TEST_EQ(mm_peek(USER_VA), PAT);
    TEST_EQ(mm_set_rw(l4), -XEN_EBUSY);
    TEST_EQ(mm_pin(4, mfn[4]), 0);

    /* Back to the boot tables: the user address is gone. */
    TEST_EQ(mm_new_baseptr(boot_l4_mfn), 0);
    TEST_CHECK(mm_cur_l4 == cur);
    TEST_EQ(mm_probe_read64((void *)USER_VA, &data[2]), -1);
    TEST_EQ(mm_last_fault.cr2, USER_VA);
    TEST_EQ(mm_last_fault.error_code, 0);

    /* Unpin top-down; a second unpin, or of a never-pinned page, fails. */
    TEST_EQ(mm_unpin(mfn[4]), 0);
    TEST_EQ(mm_unpin(mfn[4]), -XEN_EINVAL);
    TEST_EQ(mm_unpin(mfn[3]), 0);
    TEST_EQ(mm_unpin(mfn[2]), 0);
    TEST_EQ(mm_unpin(mfn[1]), 0);
    TEST_EQ(mm_unpin(mfn[1]), -XEN_EINVAL);
    TEST_EQ(mm_unpin(mm_virt_to_mfn(data)), -XEN_EINVAL);

    /* Unpinned and unused: every table can be mapped writable again. */
    TEST_EQ(mm_tree_unseal(&t), 0);
    TEST_EQ(mm_probe_write64(&l1[511], 0), 0);
    TEST_EQ(mm_probe_write64(&l4[300], 0), 0);

    /* Pinning a data page that is mapped writable is refused. */
    data[3] = 0;
    TEST_EQ(mm_pin(1, mm_virt_to_mfn(data)), -XEN_EINVAL);
    TEST_EQ(mm_probe_write64(&data[3], PAT), 0);
    TEST_EQ(data[3], PAT);
    /* Pinning a frame we do not own is refused. */
    xf = mm_xen_frame();
    TEST_CHECK(xf != 0);
    printk("M2P frame 0x%lx\n", xf);
    TEST_EQ(mm_pin(1, xf), -XEN_EINVAL);
    TEST_EQ(mm_pin(4, xf), -XEN_EINVAL);

    /* Everything still works: pin the (now RO) L1 again and unpin. */
    TEST_EQ(mm_set_ro(l1), 0);
    rc = mm_pin(1, mfn[1]);
    TEST_EQ(rc, 0);
    if (!rc)
        TEST_EQ(mm_unpin(mfn[1]), 0);
    TEST_EQ(mm_set_rw(l1), 0);
    mm_tree_free(&t);
    mm_free_page(data);
}

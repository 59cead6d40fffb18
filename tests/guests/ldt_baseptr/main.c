/* SPDX-License-Identifier: MIT */
/* A new kernel base pointer drops the LDT's mapped pages, as on Xen. */
#include <guest/mm.h>
#include <guest/test.h>

#define DATA_4G 0x00cff2000000ffffULL   /* flat data, DPL 3: limit 4 GiB */
#define DATA_256M 0x00c0f2000000ffffULL /* the same, limit 256 MiB */
#define SEL 0xf                         /* LDT entry 1, RPL 3 */

static long set_ldt(unsigned long va, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = va;
    op.arg2.nr_ents = ents;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* The segment limit the CPU reads from the LDT now; 0 if it refuses. */
static uint64_t seg_limit(unsigned int sel)
{
    uint64_t lim = 0;

    __asm__ volatile("lsl %k1, %k0\n"
                     "jz 1f\n"
                     "xor %0, %0\n"
                     "1:"
                     : "+r"(lim)
                     : "r"((uint64_t)sel)
                     : "cc", "memory");
    return lim;
}

void test_main(void)
{
    unsigned long boot_mfn = mm_virt_to_mfn((void *)start_info->pt_base);
    struct mm_tree t;
    uint64_t *p;
    long rc;

    mm_init();
    p = mm_alloc_page();
    TEST_CHECK(p != NULL);
    if (!p)
        return;
    p[1] = DATA_4G;
    TEST_EQ(mm_set_ro(p), 0);
    TEST_EQ(set_ldt((unsigned long)p, 2), 0);
    TEST_EQ(seg_limit(SEL), 0xffffffffUL);
    /* In use as the LDT: not the guest's to write. */
    TEST_EQ(mm_set_rw(p), -XEN_EBUSY);

    /* The same base again changes nothing. */
    TEST_EQ(mm_new_baseptr(boot_mfn), 0);
    TEST_EQ(mm_set_rw(p), -XEN_EBUSY);

    /* Another L4 that maps the same kernel: the LDT page is let go. */
    TEST_EQ(mm_tree_init(&t), 0);
    mm_tree_copy_kernel(&t);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_new_baseptr(mm_tree_l4_mfn(&t)), 0);
    rc = mm_set_rw(p);
    TEST_EQ(rc, 0);
    if (!rc) {
        /* The next use reads the page as it is now. */
        p[1] = DATA_256M;
        TEST_EQ(mm_set_ro(p), 0);
        TEST_EQ(seg_limit(SEL), 0x0fffffffUL);
        TEST_EQ(mm_set_rw(p), -XEN_EBUSY);
    }

    /* And back: dropped again, the descriptor still there. */
    TEST_EQ(mm_new_baseptr(boot_mfn), 0);
    TEST_EQ(mm_unpin(mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_tree_unseal(&t), 0);
    mm_tree_free(&t);
    TEST_EQ(seg_limit(SEL), rc ? 0xffffffffUL : 0x0fffffffUL);
    TEST_EQ(set_ldt(0, 0), 0);
    TEST_EQ(seg_limit(SEL), 0);
    TEST_EQ(mm_set_rw(p), 0);
}

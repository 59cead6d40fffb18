/* SPDX-License-Identifier: MIT */
/* MMUEXT_SET_LDT: a descriptor page becomes the LDT; selectors load from it. */
#include <guest/mm.h>
#include <guest/test.h>

#define DATA_DPL3 0x00cff2000000ffffULL /* flat data, DPL 3, present */

static long set_ldt(const void *va, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = (unsigned long)va;
    op.arg2.nr_ents = ents;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static unsigned int load_fs(unsigned int sel)
{
    unsigned int out;

    __asm__ volatile("mov %w1, %%fs\n\tmov %%fs, %w0" : "=r"(out) : "r"(sel));
    return out;
}

void test_main(void)
{
    uint64_t *p;

    mm_init();
    p = mm_alloc_page();
    TEST_CHECK(p != NULL);
    if (!p)
        return;
    p[0] = DATA_DPL3;
    p[1] = DATA_DPL3;
    TEST_EQ(set_ldt((const char *)p + 8, 1), -XEN_EINVAL); /* not aligned */
    TEST_EQ(set_ldt(p, 8193), -XEN_EINVAL);                /* too many */
    /* Descriptor pages may not stay writable in the guest's own tables. */
    TEST_EQ(mm_set_ro(p), 0);
    TEST_EQ(set_ldt(p, 2), 0);
    /* Selector 0xf: LDT (TI=1) entry 1, RPL 3. */
    TEST_EQ(load_fs(0xf), 0xf);
    TEST_EQ(load_fs(0), 0);
    /* In use as an LDT: it cannot be mapped writable again. */
    TEST_EQ(mm_set_rw(p), -XEN_EBUSY);
    TEST_EQ(set_ldt(NULL, 0), 0);
    TEST_EQ(mm_set_rw(p), 0);
    p[0] = 0;
    /* The CPU marked the descriptor accessed when %fs loaded it. */
    TEST_EQ(p[1], DATA_DPL3 | (1ULL << 40));
}

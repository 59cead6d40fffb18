/* SPDX-License-Identifier: MIT */
/* Reservation ops with extent orders, and a bad extent list, as Xen. */
#include <guest/mm.h>
#include <guest/test.h>
#include <public/memory.h>

static long memop(unsigned int cmd, xen_pfn_t *list, unsigned int nr,
                  unsigned int order)
{
    struct xen_memory_reservation r;

    memset(&r, 0, sizeof(r));
    set_xen_guest_handle(r.extent_start, list);
    r.nr_extents = nr;
    r.extent_order = order;
    r.domid = DOMID_SELF;
    return HYPERVISOR_memory_op(cmd, &r);
}

void test_main(void)
{
    xen_pfn_t f[2];
    uint64_t *a, *b;
    unsigned long gpfn;
    long res0;

    mm_init();
    /* Make room under our limit: give two unmapped frames back. */
    a = mm_alloc_page();
    b = mm_alloc_page();
    f[0] = mm_virt_to_mfn(a);
    f[1] = mm_virt_to_mfn(b);
    TEST_EQ(mm_update_va((unsigned long)a, 0, UVMF_INVLPG), 0);
    TEST_EQ(mm_update_va((unsigned long)b, 0, UVMF_INVLPG), 0);
    res0 = mm_current_reservation();
    TEST_EQ(memop(XENMEM_decrease_reservation, f, 2, 0), 2);
    TEST_EQ(mm_current_reservation(), res0 - 2);

    /* One order-1 extent: two contiguous, aligned frames, M2P set. */
    gpfn = mm_spare_first_pfn;
    f[0] = gpfn;
    TEST_EQ(memop(XENMEM_populate_physmap, f, 1, 1), 1);
    printk("order-1 extent at mfn 0x%lx\n", (unsigned long)f[0]);
    TEST_EQ(f[0] & 1, 0);
    TEST_EQ(mm_current_reservation(), res0);
    TEST_EQ(mm_mfn_to_pfn(f[0]), gpfn);
    TEST_EQ(mm_mfn_to_pfn(f[0] + 1), gpfn + 1);
    /* Beyond Xen's largest order (18 for dom0): no extent done. */
    f[1] = gpfn + 2;
    TEST_EQ(memop(XENMEM_populate_physmap, &f[1], 1, 19), 0);
    TEST_EQ(memop(XENMEM_decrease_reservation, f, 1, 19), 0);
    TEST_EQ(mm_current_reservation(), res0);
    /* A list the hypervisor cannot read: 0 extents done, not -EFAULT. */
    TEST_EQ(memop(XENMEM_decrease_reservation, (xen_pfn_t *)0x10, 1, 0), 0);
    TEST_EQ(memop(XENMEM_populate_physmap, (xen_pfn_t *)0x10, 1, 0), 0);
    TEST_EQ(mm_current_reservation(), res0);
    /* Giving the extent back as one order-1 extent. */
    TEST_EQ(memop(XENMEM_decrease_reservation, f, 1, 1), 1);
    TEST_EQ(mm_current_reservation(), res0 - 2);
}

/* SPDX-License-Identifier: MIT */
/* XENMEM_{add_to,remove_from}_physmap(_batch) on a PV domain: Xen's refusals. */
#include <guest/mm.h>
#include <guest/test.h>
#include <public/memory.h>

#define NOBODY 0x7ff0 /* a domain id below the reserved ones nobody has */
/* Where memory_op keeps a continuation's progress: above the command. */
#define EXTENT_SHIFT 6

static uint8_t page[4096] __attribute__((aligned(4096)));

static long add(domid_t dom, uint32_t space, xen_ulong_t idx, xen_pfn_t gpfn)
{
    struct xen_add_to_physmap x;

    memset(&x, 0, sizeof(x));
    x.domid = dom;
    x.space = space;
    x.idx = idx;
    x.gpfn = gpfn;
    x.size = 1;
    return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x);
}

static long add_batch(domid_t dom, uint16_t space, int *err)
{
    struct xen_add_to_physmap_batch b;
    xen_ulong_t idx = 0;
    xen_pfn_t gpfn = mm_virt_to_pfn(page);

    memset(&b, 0, sizeof(b));
    b.domid = dom;
    b.space = space;
    b.size = 1;
    set_xen_guest_handle(b.idxs, &idx);
    set_xen_guest_handle(b.gpfns, &gpfn);
    set_xen_guest_handle(b.errs, err);
    return HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b);
}

static long remove(domid_t dom, xen_pfn_t gpfn)
{
    struct xen_remove_from_physmap r;

    memset(&r, 0, sizeof(r));
    r.domid = dom;
    r.gpfn = gpfn;
    return HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r);
}

void test_main(void)
{
    xen_pfn_t pfn = mm_virt_to_pfn(page);
    unsigned long mfn = mm_virt_to_mfn(page);
    int err = 12345;

    page[0] = 0x5a;
    /* Shared info over one of our pages: only a translated guest may. */
    TEST_EQ(add(DOMID_SELF, XENMAPSPACE_shared_info, 0, pfn), -XEN_EACCES);
    TEST_EQ(add(DOMID_SELF, XENMAPSPACE_grant_table, 0, pfn), -XEN_EACCES);
    TEST_EQ(add(DOMID_SELF, XENMAPSPACE_gmfn, pfn + 1, pfn), -XEN_EACCES);
    TEST_EQ(add(DOMID_SELF, XENMAPSPACE_gmfn_range, pfn + 1, pfn), -XEN_EACCES);
    /* Foreign maps go through the batch only. */
    TEST_EQ(add(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 0, pfn), -XEN_ENOSYS);
    TEST_EQ(add(NOBODY, XENMAPSPACE_gmfn_foreign, 0, pfn), -XEN_ENOSYS);
    /* Xen asks about the caller first: no translation, no lookup. */
    TEST_EQ(add(NOBODY, XENMAPSPACE_shared_info, 0, pfn), -XEN_EACCES);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_add_to_physmap, (void *)16),
            -XEN_EFAULT);

    TEST_EQ(add_batch(DOMID_SELF, XENMAPSPACE_gmfn, &err), -XEN_EACCES);
    TEST_EQ(err, 12345); /* nothing was tried */
    TEST_EQ(add_batch(NOBODY, XENMAPSPACE_gmfn, &err), -XEN_EACCES);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, (void *)16),
            -XEN_EFAULT);

    TEST_EQ(remove(DOMID_SELF, pfn), -XEN_EACCES);
    TEST_EQ(remove(NOBODY, pfn), -XEN_EACCES);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, (void *)16),
            -XEN_EFAULT);

    /* Progress bits: the single frame ops have none to speak of. */
    {
        struct xen_add_to_physmap a = { .domid = DOMID_SELF, .size = 1 };
        struct xen_remove_from_physmap r = { .domid = DOMID_SELF };

        TEST_EQ(HYPERVISOR_memory_op(
                    XENMEM_add_to_physmap | (0x10000UL << EXTENT_SHIFT), &a),
                -XEN_EDOM);
        TEST_EQ(HYPERVISOR_memory_op(
                    XENMEM_add_to_physmap | (1UL << EXTENT_SHIFT), &a),
                -XEN_EACCES);
        TEST_EQ(HYPERVISOR_memory_op(
                    XENMEM_remove_from_physmap | (1UL << EXTENT_SHIFT), &r),
                -XEN_EINVAL);
    }

    /* Our page is where it was, with what it held. */
    TEST_EQ(mm_virt_to_mfn(page), mfn);
    TEST_EQ(MM_M2P[mfn], pfn);
    TEST_EQ(page[0], 0x5a);
}

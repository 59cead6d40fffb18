/* SPDX-License-Identifier: MIT */
/* L1 entries for frames we do not own are refused; nothing changes. */
#include <guest/mm.h>
#include <guest/test.h>

#define PAT 0x5a5a5a5a5a5a5a5aULL

static unsigned long wva;
static volatile uint64_t *wpte;
static uint64_t wpte_ma, worig;

static void try_map(unsigned long mfn, uint64_t flags, long want,
                    const char *what)
{
    printk("-- map %s (mfn 0x%lx, flags 0x%llx)\n", what, mfn,
           (unsigned long long)flags);
    TEST_EQ(mm_update_va(wva, MFN_PTE(mfn, flags), UVMF_INVLPG), want);
    TEST_EQ(*wpte, worig);
    TEST_EQ(mm_mmu_update1(wpte_ma, MFN_PTE(mfn, flags)), want);
    TEST_EQ(*wpte, worig);
    TEST_EQ(mm_peek(wva), PAT);
}

/* Is mfn a RAM frame nobody we know owns? (its M2P entry is not ours) */
static int not_ours(unsigned long mfn)
{
    unsigned long pfn = MM_M2P[mfn];

    return pfn >= start_info->nr_pages || mm_pfn_to_mfn(pfn) != mfn;
}

void test_main(void)
{
    uint64_t *w;
    unsigned long xf, mfn, free_mfn = 0, max_ram;
    struct xen_machphys_mapping mp;

    mm_init();
    w = mm_alloc_page();
    for (unsigned int i = 0; i < 512; i++)
        w[i] = PAT;
    wva = (unsigned long)w;
    wpte = mm_pte_ptr(wva, 1);
    wpte_ma = mm_pte_maddr(wva, 1);
    worig = *wpte;

    /* A hypervisor-owned frame (the M2P), RW or RO, with FD = self. */
    xf = mm_xen_frame();
    TEST_CHECK(xf != 0);
    TEST_CHECK(not_ours(xf));
    try_map(xf, PTE_KDATA, -XEN_EBUSY, "an M2P frame (Xen's)");
    try_map(xf, PTE_P | PTE_A, -XEN_EBUSY, "an M2P frame (Xen's) read-only");
    /* Nor may we edit it as if it were our page table or M2P entry. */
    TEST_EQ(mm_mmu_update1(((uint64_t)xf << 12) | MMU_NORMAL_PT_UPDATE, 0),
            -XEN_EINVAL);
    TEST_EQ(mm_mmu_update1(((uint64_t)xf << 12) | MMU_MACHPHYS_UPDATE, 0),
            -XEN_EINVAL);
    TEST_EQ(MM_M2P[xf], MM_M2P[xf]); /* still readable */

    /* A RAM frame nobody owns: search the M2P below the top of RAM. */
    max_ram = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mp), 0);
    printk("max_ram_page 0x%lx, M2P max_mfn 0x%lx\n", max_ram,
           (unsigned long)mp.max_mfn);
    for (mfn = 0x1000; mfn < max_ram && mfn < 0x8000; mfn += 0x11) {
        if (MM_M2P[mfn] == MM_M2P_INVALID) {
            free_mfn = mfn;
            break;
        }
    }
    printk("a frame with an invalid M2P entry: 0x%lx\n", free_mfn);
    TEST_CHECK(free_mfn != 0);
    if (free_mfn) {
        try_map(free_mfn, PTE_KDATA, -XEN_EBUSY, "an unowned RAM frame");
        try_map(free_mfn, PTE_P, -XEN_EBUSY, "an unowned RAM frame RO");
        TEST_EQ(
            mm_mmu_update1(((uint64_t)free_mfn << 12) | MMU_MACHPHYS_UPDATE, 1),
            -XEN_EINVAL);
        TEST_EQ(MM_M2P[free_mfn], MM_M2P_INVALID);
        /* Pinning it or using it as a base pointer is refused too. */
        TEST_EQ(mm_pin(1, free_mfn), -XEN_EINVAL);
        TEST_EQ(mm_new_baseptr(free_mfn), -XEN_EINVAL);
    }

    /*
     * Beyond RAM, a frame is I/O memory: even dom0 has no iomem permission
     * past the physical address width (-EPERM); the all-ones MFN is the
     * "invalid" one (-EINVAL).
     */
    try_map(1UL << 39, PTE_KDATA, -XEN_EPERM, "mfn 2^39 (beyond paddr)");
    try_map(PTE_ADDR_MASK >> 12, PTE_KDATA, -XEN_EINVAL, "the all-ones mfn");

    /* A foreign domain id we do not have: -ESRCH. */
    {
        struct mmu_update req = { .ptr = wpte_ma, .val = MFN_PTE(xf, PTE_P) };
        unsigned int done = 7;

        TEST_EQ(HYPERVISOR_mmu_update(&req, 1, &done, 5), -XEN_ESRCH);
        TEST_EQ(done, 0);
        TEST_EQ(*wpte, worig);
        /* Our own numeric id as a foreign domain is an error as well. */
        TEST_EQ(HYPERVISOR_mmu_update(&req, 1, &done, 0), -XEN_ESRCH);
        TEST_EQ(*wpte, worig);
    }

    /* Still working: map our own page read-only there, then restore. */
    TEST_EQ(mm_update_va(wva, mm_kadj(worig) & ~PTE_RW, UVMF_INVLPG), 0);
    TEST_EQ(mm_peek(wva), PAT);
    TEST_EQ(mm_update_va(wva, worig, UVMF_INVLPG), 0);
    TEST_EQ(*wpte, worig);
}

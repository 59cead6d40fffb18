/* SPDX-License-Identifier: MIT */
/* The hypervisor's L4 slots and address range are out of the guest's reach. */
#include <guest/mm.h>
#include <guest/test.h>

void test_main(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base;
    uint64_t l4_ma, slots[16], some_l3;
    unsigned int i, bad;
    static const unsigned long hole_vas[] = {
        0xffff800000000000UL, /* M2P (slot 256) */
        0xffff804000000000UL, /* slot 256, second half */
        0xffff830000000000UL, /* Xen's own mappings */
        0xffff87fffffff000UL, /* last page of the hole */
    };
    static const unsigned long noncanon[] = {
        0x0000800000000000UL,
        0x8000000000000000UL,
        0xfffe800000000000UL,
    };
    uint64_t *data;

    mm_init();
    data = mm_alloc_page();
    data[0] = 0x1234;
    l4_ma = mm_virt_to_maddr(l4);
    some_l3 = l4[511];
    for (i = 0; i < 16; i++)
        slots[i] = l4[256 + i];

    /* mmu_update on the in-use L4's reserved slots: refused. */
    for (i = 256, bad = 0; i < 272; i++) {
        if (mm_mmu_update1(l4_ma + i * 8, some_l3) != -XEN_EINVAL)
            bad++;
        if (mm_mmu_update1(l4_ma + i * 8, 0) != -XEN_EINVAL)
            bad++;
    }
    TEST_EQ(bad, 0);
    /* Through the PRESERVE_AD form too. */
    TEST_EQ(mm_mmu_update1((l4_ma + 260 * 8) | MMU_PT_UPDATE_PRESERVE_AD, 0),
            -XEN_EINVAL);
    for (i = 0, bad = 0; i < 16; i++)
        if (l4[256 + i] != slots[i])
            bad++;
    TEST_EQ(bad, 0);
    /* The M2P is still there. */
    TEST_EQ(MM_M2P[mm_virt_to_mfn(data)], mm_virt_to_pfn(data));
    /* The neighbouring guest slots remain writable by the rules. */
    TEST_EQ(mm_mmu_update1(l4_ma + 272 * 8, some_l3), 0);
    TEST_EQ(l4[272], some_l3);
    TEST_EQ(mm_mmu_update1(l4_ma + 272 * 8, 0), 0);
    TEST_EQ(l4[272], 0);
    TEST_EQ(mm_mmu_update1(l4_ma + 255 * 8, some_l3), 0);
    TEST_EQ(mm_mmu_update1(l4_ma + 255 * 8, 0), 0);
    TEST_EQ(l4[255], 0);

    /* update_va_mapping inside the hole, or non-canonical: -EINVAL. */
    for (i = 0; i < ARRAY_SIZE(hole_vas); i++) {
        TEST_EQ(mm_update_va(hole_vas[i],
                             MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA),
                             UVMF_INVLPG),
                -XEN_EINVAL);
        TEST_EQ(mm_update_va(hole_vas[i], 0, UVMF_TLB_FLUSH), -XEN_EINVAL);
    }
    for (i = 0; i < ARRAY_SIZE(noncanon); i++)
        TEST_EQ(mm_update_va(noncanon[i],
                             MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA),
                             UVMF_INVLPG),
                -XEN_EINVAL);
    /* A lower-half address with no L1 behind it: -EINVAL as well. */
    TEST_EQ(mm_update_va(0x0000100000000000UL,
                         MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA), UVMF_INVLPG),
            -XEN_EINVAL);
    /* Flushes of such addresses are silently ignored. */
    for (i = 0; i < ARRAY_SIZE(hole_vas); i++)
        TEST_EQ(mm_invlpg(hole_vas[i]), 0);
    for (i = 0; i < ARRAY_SIZE(noncanon); i++)
        TEST_EQ(mm_invlpg(noncanon[i]), 0);
    TEST_EQ(mm_mmuext(MMUEXT_INVLPG_ALL, noncanon[0], 0), 0);

    /* Nothing moved. */
    for (i = 0, bad = 0; i < 16; i++)
        if (l4[256 + i] != slots[i])
            bad++;
    TEST_EQ(bad, 0);
    TEST_EQ(MM_M2P[mm_virt_to_mfn(data)], mm_virt_to_pfn(data));
    TEST_EQ(data[0], 0x1234);
}

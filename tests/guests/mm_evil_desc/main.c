/* SPDX-License-Identifier: MIT */
/* Descriptor checks in update_descriptor and set_gdt; frames are typed. */
#include <guest/mm.h>
#include <guest/test.h>

/* 64-bit code segment, DPL 3, present. */
#define DESC_CODE64 0x00affb000000ffffULL
/* Gate low halves: selector in 31:16, type/DPL/P in 47:40. */
#define GATE(sel, type_dpl_p) \
    (((uint64_t)(sel) << 16) | ((uint64_t)(type_dpl_p) << 40))
#define CALLGATE_XEN_CS GATE(0xe008, 0xec) /* call gate to Xen's CS */
#define CALLGATE_RESV GATE(0xfff8, 0xec)   /* to the reserved GDT area */
#define CALLGATE_KERNEL GATE(0xe033, 0xec) /* to FLAT_KERNEL_CS: allowed */
#define INTGATE GATE(0xe033, 0xee)         /* interrupt gate */
#define TSS_DESC 0x0000890000000067ULL     /* available 64-bit TSS */
#define LDT_DESC 0x0000820000000fffULL     /* LDT descriptor */

static long update_descriptor(uint64_t maddr, uint64_t desc)
{
    long rc = hypercall6(__HYPERVISOR_update_descriptor, maddr, desc, 0, 0, 0);

    if (rc)
        printk("update_descriptor(0x%llx, 0x%llx) = %ld\n",
               (unsigned long long)maddr, (unsigned long long)desc, rc);
    return rc;
}

static long set_gdt(unsigned long *frames, unsigned int entries)
{
    long rc = hypercall6(__HYPERVISOR_set_gdt, (unsigned long)frames, entries,
                         0, 0, 0);

    if (rc)
        printk("set_gdt(%u entries) = %ld\n", entries, rc);
    return rc;
}

void test_main(void)
{
    uint64_t *d, *g, ma;
    unsigned long gmfn, l1_mfn;
    volatile uint64_t *l1e;

    mm_init();
    d = mm_alloc_page();
    g = mm_alloc_page();
    ma = mm_virt_to_maddr(d);
    gmfn = mm_virt_to_mfn(g);
    d[8] = 0x77;

    /* update_descriptor on a plain page of ours. */
    TEST_EQ(update_descriptor(ma, DESC_CODE64), 0);
    TEST_EQ(d[0], DESC_CODE64);
    TEST_EQ(update_descriptor(ma + 8 * 8, CALLGATE_XEN_CS), -XEN_EINVAL);
    TEST_EQ(update_descriptor(ma + 8 * 8, CALLGATE_RESV), -XEN_EINVAL);
    TEST_EQ(update_descriptor(ma + 8 * 8, INTGATE), -XEN_EINVAL);
    TEST_EQ(update_descriptor(ma + 8 * 8, TSS_DESC), -XEN_EINVAL);
    TEST_EQ(update_descriptor(ma + 8 * 8, LDT_DESC), -XEN_EINVAL);
    TEST_EQ(d[8], 0x77);
    /* Misaligned, or in a page that is not ours / is a page table. */
    TEST_EQ(update_descriptor(ma + 4, DESC_CODE64), -XEN_EINVAL);
    TEST_EQ(update_descriptor((uint64_t)mm_xen_frame() << 12, 0), -XEN_EINVAL);
    l1e = mm_pte_ptr((unsigned long)d, 1);
    l1_mfn = PTE_MFN(mm_read_pte((unsigned long)d, 2));
    {
        uint64_t before = *l1e;

        TEST_EQ(update_descriptor(mm_virt_to_maddr((const void *)l1e), 0),
                -XEN_EINVAL);
        TEST_EQ(*l1e, before);
    }
    TEST_EQ(l1_mfn, PTE_MFN(mm_read_pte((unsigned long)d, 2)));
    /* A call gate to the flat kernel CS is accepted (Xen rewrites it). */
    TEST_EQ(update_descriptor(ma + 16, CALLGATE_KERNEL), 0);
    printk("kernel call gate stored as 0x%llx\n", (unsigned long long)d[2]);

    /* set_gdt with a bad descriptor in the frame: refused. */
    g[1] = DESC_CODE64;
    g[2] = CALLGATE_XEN_CS;
    TEST_EQ(mm_set_ro(g), 0);
    TEST_EQ(set_gdt(&gmfn, 512), -XEN_EINVAL);
    /* Nothing stuck on the frame: it can be writable again. */
    TEST_EQ(mm_set_rw(g), 0);
    g[2] = TSS_DESC;
    TEST_EQ(mm_set_ro(g), 0);
    TEST_EQ(set_gdt(&gmfn, 512), -XEN_EINVAL);
    TEST_EQ(mm_set_rw(g), 0);
    /* A frame still mapped writable cannot become a GDT. */
    g[2] = 0;
    TEST_EQ(set_gdt(&gmfn, 512), -XEN_EINVAL);
    /* Too many entries. */
    TEST_EQ(mm_set_ro(g), 0);
    TEST_EQ(set_gdt(&gmfn, FIRST_RESERVED_GDT_ENTRY + 1), -XEN_EINVAL);

    /* A good GDT: accepted; now the frame is typed (no RW mapping). */
    TEST_EQ(set_gdt(&gmfn, 512), 0);
    TEST_EQ(mm_set_rw(g), -XEN_EBUSY);
    TEST_EQ(mm_pin(1, gmfn), -XEN_EINVAL);
    /* update_descriptor works on the live GDT frame and still checks. */
    TEST_EQ(update_descriptor(((uint64_t)gmfn << 12) + 3 * 8, DESC_CODE64), 0);
    TEST_EQ(g[3], DESC_CODE64);
    TEST_EQ(update_descriptor(((uint64_t)gmfn << 12) + 4 * 8, CALLGATE_XEN_CS),
            -XEN_EINVAL);
    TEST_EQ(g[4], 0);
    /* mmu_update cannot write a descriptor frame either. */
    TEST_EQ(mm_mmu_update1(((uint64_t)gmfn << 12) + 4 * 8, CALLGATE_XEN_CS),
            -XEN_EINVAL);
    TEST_EQ(g[4], 0);

    /* Dropping the GDT releases the frame. */
    TEST_EQ(set_gdt(&gmfn, 0), 0);
    TEST_EQ(mm_set_rw(g), 0);
    g[4] = 0x44;
    TEST_EQ(g[4], 0x44);
}

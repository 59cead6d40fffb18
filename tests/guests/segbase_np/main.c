/* SPDX-License-Identifier: MIT */
/* SEGBASE_GS_USER_SEL of a not-present GDT entry: 0 and a null %gs, as Xen. */

#include <guest/test.h>
#include <guest/mm.h>

/* Read/write data, DPL 3, not present: loading it raises #NP. */
#define DESC_DATA_NP 0x00cf72000000ffffULL

void test_main(void)
{
    unsigned long gmfn;
    uint64_t *g;
    uint16_t gs = 0xffff;

    mm_init();
    g = mm_alloc_page();
    gmfn = mm_virt_to_mfn(g);
    for (unsigned int i = 0; i < 512; i++)
        g[i] = 0;
    g[1] = DESC_DATA_NP;
    TEST_EQ(mm_set_ro(g), 0);
    TEST_EQ(
        hypercall6(__HYPERVISOR_set_gdt, (unsigned long)&gmfn, 512, 0, 0, 0),
        0);
    /*
     * Xen loads the selector with a fix-up that takes any exception and
     * leaves the null selector (seed 103 of the fuzzer: Vesper panicked
     * with #NP in hypervisor context, its fix-up taking only #GP and #PF).
     */
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, (1 << 3) | 3), 0);
    __asm__ volatile("mov %%gs, %0" : "=r"(gs));
    TEST_EQ(gs, 0);
}

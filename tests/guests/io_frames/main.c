/* SPDX-License-Identifier: MIT */
/* dom0 maps I/O frames (firmware, holes), the IOAPIC read-only, never the LAPIC. */
#include <guest/mm.h>
#include <guest/test.h>
#include <public/memory.h>

#define IO_PTE(mfn, f) (((uint64_t)(mfn) << 12) | (f))
#define BIOS_TOP 0xffUL /* 0xff000: the reset vector at 0xffff0 */
#define VGA_TEXT 0xb8UL
#define IOAPIC 0xfec00UL
#define LAPIC 0xfee00UL

struct e820e {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static struct e820e map[64];

/* A frame of a reserved (firmware) range above 1 MiB, below the MSI window. */
static unsigned long reserved_frame(void)
{
    struct xen_memory_map m = { .nr_entries = 64 };

    set_xen_guest_handle(m.buffer, map);
    if (HYPERVISOR_memory_op(XENMEM_machine_memory_map, &m))
        return 0;
    for (unsigned int i = 0; i < m.nr_entries; i++)
        if (map[i].type == 2 && map[i].addr >= 0x100000 &&
            map[i].addr < 0xfec00000ULL)
            return (unsigned long)((map[i].addr + 0xfff) >> 12);
    return 0;
}

static long mmu1(domid_t fd, uint64_t ptr, uint64_t val)
{
    struct mmu_update req = { .ptr = ptr, .val = val };
    unsigned int done = 0;

    return HYPERVISOR_mmu_update(&req, 1, &done, fd);
}

void test_main(void)
{
    uint64_t *w, orig, e;
    unsigned long wva, fw;
    volatile uint8_t *b;
    uint64_t pte_ma;

    mm_init();
    w = mm_alloc_page();
    TEST_CHECK(w != NULL);
    if (!w)
        return;
    wva = (unsigned long)w;
    b = (volatile uint8_t *)w;
    pte_ma = mm_pte_maddr(wva, 1);
    orig = mm_read_pte(wva, 1);

    /* The BIOS page: read-only, through DOMID_SELF and DOMID_IO alike. */
    TEST_EQ(mm_update_va(wva, IO_PTE(BIOS_TOP, PTE_P | PTE_A), UVMF_INVLPG), 0);
    /* SeaBIOS's reset vector is a far jump (0xea). */
    TEST_EQ(b[0xff0], 0xea);
    /* Xen never lets an I/O mapping be cached: write-back becomes UC. */
    e = mm_read_pte(wva, 1);
    TEST_EQ(e & (PTE_PCD | PTE_PWT), PTE_PCD | PTE_PWT);
    TEST_EQ(mmu1(DOMID_IO, pte_ma, IO_PTE(BIOS_TOP, PTE_P | PTE_A)), 0);
    TEST_EQ(b[0xff0], 0xea);
    TEST_EQ(mm_invlpg(wva), 0);

    /* The VGA text window, writable. */
    TEST_EQ(mm_update_va(wva, IO_PTE(VGA_TEXT, PTE_P | PTE_RW | PTE_A),
                         UVMF_INVLPG),
            0);

    /* A firmware (ACPI) range of the machine map. */
    fw = reserved_frame();
    TEST_CHECK(fw != 0);
    printk("firmware frame 0x%lx\n", fw);
    if (fw)
        TEST_EQ(mm_update_va(wva, IO_PTE(fw, PTE_P | PTE_A), UVMF_INVLPG), 0);

    /* The hypervisor's own interrupt controllers: never dom0's. */
    TEST_EQ(mm_update_va(wva, IO_PTE(LAPIC, PTE_P | PTE_A), UVMF_INVLPG),
            -XEN_EPERM);
    /* The IOAPIC's page may be read, never written: RW is dropped. */
    TEST_EQ(
        mm_update_va(wva, IO_PTE(IOAPIC, PTE_P | PTE_RW | PTE_A), UVMF_INVLPG),
        0);
    e = mm_read_pte(wva, 1);
    TEST_EQ(e >> 12 & 0xfffffffffULL, IOAPIC);
    TEST_EQ(e & PTE_RW, 0);
    TEST_EQ(mmu1(DOMID_IO, pte_ma, IO_PTE(LAPIC, PTE_P | PTE_A)), -XEN_EPERM);

    /* Back to our own frame, whose contents are untouched. */
    TEST_EQ(mm_update_va(wva, orig, UVMF_INVLPG), 0);
    TEST_EQ(mm_read_pte(wva, 1), orig);
}

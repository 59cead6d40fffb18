/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's page tables: direct map, M2P table, guest L4 slots. */
#include "arch.h"
#include "lib.h"
#include "mm.h"
#include "asm/mm.h"
#include "asm/x86.h"

pte_t *idle_l4;
u64 *m2p_table; /* writable view (direct map) of the M2P */
u64 m2p_entries;
u64 directmap_end;
u64 hyp_pte_global = _PAGE_GLOBAL;

static pte_t *alloc_pt(void)
{
    void *p = alloc_page_va();

    if (!p)
        panic("out of memory for hypervisor page tables");
    return p;
}

/* Find or create the next-level table under *e. */
static pte_t *next_level(pte_t *e, u64 flags)
{
    if (!(*e & _PAGE_PRESENT))
        *e = virt_to_maddr(alloc_pt()) | flags;
    BUG_ON(*e & _PAGE_PSE);
    return maddr_to_virt(*e & PTE_ADDR_MASK);
}

/* Map n 4 KiB frames from mfn at va in the given L4 (hypervisor range). */
void map_pages(pte_t *l4, u64 va, mfn_t mfn, u64 n, u64 flags)
{
    u64 tflags =
        _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | (flags & _PAGE_USER);

    for (u64 i = 0; i < n; i++, va += PAGE_SIZE) {
        pte_t *l3 = next_level(&l4[l4_index(va)], tflags);
        pte_t *l2 = next_level(&l3[l3_index(va)], tflags);
        pte_t *l1 = next_level(&l2[l2_index(va)], tflags);

        l1[l1_index(va)] = ((mfn + i) << PAGE_SHIFT) | flags;
    }
}

static void map_directmap(u64 end)
{
    u64 flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |
                _PAGE_PSE | hyp_pte_global | _PAGE_NX;
    u64 tflags = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;

    for (u64 pa = 0; pa < end; pa += 1UL << 21) {
        u64 va = DIRECTMAP_VIRT_START + pa;
        pte_t *l3 = next_level(&idle_l4[l4_index(va)], tflags);
        pte_t *l2 = next_level(&l3[l3_index(va)], tflags);
        u64 f = flags;

        /* The image is executable; MMIO below 4 GiB is uncached. */
        if (pa < (16UL << 20))
            f &= ~_PAGE_NX;
        if (pa >= 0xc0000000UL && pa < 0x100000000UL)
            f |= _PAGE_PCD | _PAGE_PWT;
        l2[l2_index(va)] = pa | f;
    }
}

void mm_init(u64 max_ram_pa, bool have_nx)
{
    u64 m2p_bytes, m2p_pages;
    unsigned int order = 0;
    struct page_info *pg;

    if (!have_nx)
        panic("CPU without NX is not supported");
    idle_l4 = alloc_pt();
    directmap_end = MAX(ALIGN_UP(max_ram_pa, 1UL << 30), 1UL << 32);
    if (directmap_end > DIRECTMAP_SIZE)
        panic("machine memory beyond the direct map");
    map_directmap(directmap_end);

    /*
     * The M2P: one u64 per machine frame, read-only and user-readable at
     * the ABI's address so guests can translate MFNs themselves.
     */
    m2p_entries = nr_frames;
    m2p_bytes = ALIGN_UP(m2p_entries * 8, PAGE_SIZE);
    m2p_pages = m2p_bytes >> PAGE_SHIFT;
    while ((1UL << order) < m2p_pages)
        order++;
    pg = alloc_pages(order);
    if (!pg)
        panic("out of memory for the M2P table");
    m2p_table = mfn_to_virt(page_to_mfn(pg));
    for (u64 i = 0; i < (m2p_bytes / 8); i++)
        m2p_table[i] = M2P_INVALID;
    idle_l4[M2P_SLOT] = 0; /* built below with user access */
    map_pages(idle_l4, M2P_VIRT_START, page_to_mfn(pg), m2p_pages,
              _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX);
    /* Read-only for everyone at the top level, guests included. */
    idle_l4[M2P_SLOT] &= ~_PAGE_RW;

    write_cr3(virt_to_maddr(idle_l4));
    printk("mm: direct map to %llu MiB, M2P %llu KiB for %llu frames\n",
           (unsigned long long)(directmap_end >> 20),
           (unsigned long long)(m2p_bytes >> 10),
           (unsigned long long)m2p_entries);
}

void install_hyp_l4_slots(pte_t *l4)
{
    for (unsigned int s = HYP_FIRST_SLOT; s <= HYP_LAST_SLOT; s++)
        l4[s] = idle_l4[s];
}

void m2p_set(mfn_t mfn, u64 pfn)
{
    BUG_ON(mfn >= m2p_entries);
    m2p_table[mfn] = pfn;
}

unsigned int arch_paddr_bits(void)
{
    u32 a, b, c, d;

    cpuid_count(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000008)
        return 36;
    cpuid_count(0x80000008, 0, &a, &b, &c, &d);
    return a & 0xff;
}

unsigned int arch_io_denied(u64 (*r)[2], unsigned int max, u64 *limit)
{
    unsigned int n = 0;

    *limit = 1UL << (arch_paddr_bits() - PAGE_SHIFT);
    /*
     * As Xen keeps from its dom0: the IOAPIC page (at its architectural
     * address: Vesper reads no MADT) and the MSI window, which holds the
     * LAPIC page.
     */
    if (n < max)
        r[n][0] = r[n][1] = 0xfec00, n++;
    if (n < max)
        r[n][0] = 0xfee00, r[n][1] = 0xfeeff, n++;
    return n;
}

unsigned int arch_io_readonly(u64 (*r)[2], unsigned int max)
{
    /* Xen lets its dom0 read the IOAPIC it drives, never write it. */
    if (!max)
        return 0;
    r[0][0] = r[0][1] = 0xfec00;
    return 1;
}

u64 arch_max_mfn(void)
{
    return nr_frames ? nr_frames - 1 : 0;
}

void arch_machphys_mapping(u64 *v_start, u64 *v_end, u64 *max_mfn)
{
    /* Xen's fixed window; entries past our table fault, which guests handle. */
    *v_start = M2P_VIRT_START;
    *v_end = M2P_VIRT_END;
    *max_mfn = (M2P_VIRT_END - M2P_VIRT_START) / 8 - 1;
}

void arch_m2p_set(mfn_t mfn, u64 pfn)
{
    if (mfn < m2p_entries)
        m2p_table[mfn] = pfn;
}

bool arch_m2p_chunk(unsigned int n, u64 *mfn)
{
    u64 off = (u64)n << 21;

    if (off >= m2p_entries * 8)
        return false;
    *mfn = virt_to_mfn((u8 *)m2p_table + off);
    return true;
}

pte_t *hyp_l1e(u64 va)
{
    pte_t *t = idle_l4;
    unsigned int idx[3] = { l4_index(va), l3_index(va), l2_index(va) };

    for (int lvl = 0; lvl < 3; lvl++) {
        BUG_ON(!(t[idx[lvl]] & _PAGE_PRESENT) || (t[idx[lvl]] & _PAGE_PSE));
        t = maddr_to_virt(t[idx[lvl]] & PTE_ADDR_MASK);
    }
    return &t[l1_index(va)];
}

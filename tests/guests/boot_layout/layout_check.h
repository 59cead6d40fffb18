/* SPDX-License-Identifier: MIT */
/* Checks of the builder's layout against Xen's, shared by boot_layout*. */
#ifndef BOOT_LAYOUT_CHECK_H
#define BOOT_LAYOUT_CHECK_H

#include <guest/mm.h>
#include <guest/test.h>

/*
 * What Xen 4.17's builders do, which a guest can see:
 *  - the bootstrap region (VIRT_BASE up) holds the kernel, then the initrd
 *    unless MOD_START_PFN, the P2M unless INIT_P2M, start_info, (a domU's
 *    console ring), the page tables and one stack page, and ends on a
 *    4 MiB boundary with at least 512 KiB after the stack;
 *  - with INIT_P2M the P2M is mapped at that address by tables of its own,
 *    its frames are [first_p2m_pfn, +nr_p2m_frames), and mfn_list is that
 *    address;
 *  - with MOD_START_PFN the initrd is unmapped, mod_start is its first pfn
 *    and SIF_MOD_START_PFN is set. The dom0 builder allocates the region as
 *    one power-of-two block, so the initrd (then the P2M) starts at the
 *    next power of two; the toolstack starts them right after the region
 *    and hands the module over in whole pages.
 * The ramdisk is build/guests/layout_ramdisk.img (guest-pv/guest.mk).
 */
#define LPAGE 4096UL
#define INIT_P2M_VA 0x8000000000UL /* notes.S */
#define RD_LEN 13522UL             /* guest-pv/guest.mk */
#define RD_MAGIC "vesper-layout-rd"
#define MAX_BOOT 8192
#define MAX_P2M 4096

extern char _image_end[];

static char window[LPAGE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint64_t l3b[512], l2b[512], l1b[512];
static unsigned long boot_mfn[MAX_BOOT];
static unsigned long nboot, boot_tables;
static unsigned char p2m_seen[MAX_P2M];
/*
 * Ballast: makes the region 12 MiB, 3072 pages, not a power of two, so the
 * dom0 builder's power-of-two rule and the toolstack's differ.
 */
static char ballast[7UL << 20] __attribute__((used, aligned(4096)));

static unsigned long up(unsigned long x, unsigned long a)
{
    return (x + a - 1) & ~(a - 1);
}

static unsigned long pow2_ceil(unsigned long x)
{
    unsigned long p = 1;

    while (p < x)
        p <<= 1;
    return p;
}

/* Map machine frame mfn read-only at the window; NULL if refused. */
static const unsigned char *map_ro(unsigned long mfn)
{
    long rc = HYPERVISOR_update_va_mapping(
        (unsigned long)window, ((uint64_t)mfn << 12) | PTE_P | PTE_A,
        UVMF_INVLPG);

    if (rc)
        printk("layout: mapping mfn 0x%lx: %ld\n", mfn, rc);
    return rc ? NULL : (const unsigned char *)window;
}

static int read_table(unsigned long mfn, uint64_t *out)
{
    const unsigned char *p = map_ro(mfn);

    if (!p)
        return -1;
    memcpy(out, p, LPAGE);
    return 0;
}

static unsigned long pt_pfn(void)
{
    return (start_info->pt_base - MM_VIRT_BASE) >> 12;
}

/* A table of the bootstrap tree: one of the nr_pt_frames at pt_base. */
static int is_boot_table(unsigned long mfn)
{
    unsigned long pfn = MM_M2P[mfn];

    return pfn >= pt_pfn() && pfn < pt_pfn() + start_info->nr_pt_frames &&
           start_info->pt_base % LPAGE == 0;
}

/* Walk the bootstrap mapping: its frames, its tables, where it ends. */
static void walk_boot(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    unsigned long va = MM_VIRT_BASE, ro_bad = 0, rw_bad = 0, strays = 0;
    unsigned long not_boot = 0;
    uint64_t e;
    int ended = 0;

    e = l4[mm_index(va, 4)];
    TEST_CHECK(is_boot_table(PTE_MFN(l4[mm_index(start_info->pt_base, 4)])));
    TEST_CHECK((e & PTE_P) && read_table(PTE_MFN(e), l3b) == 0);
    not_boot += !is_boot_table(PTE_MFN(e));
    e = l3b[mm_index(va, 3)];
    TEST_CHECK((e & PTE_P) && !(e & PTE_PSE) &&
               read_table(PTE_MFN(e), l2b) == 0);
    not_boot += !is_boot_table(PTE_MFN(e));
    boot_tables = 3; /* L4, L3, L2: the region is under 1 GiB */
    for (unsigned int i2 = mm_index(va, 2); i2 < 512; i2++) {
        e = l2b[i2];
        if (!(e & PTE_P)) {
            ended = 1;
            continue;
        }
        if (ended || (e & PTE_PSE) || read_table(PTE_MFN(e), l1b)) {
            strays++;
            continue;
        }
        boot_tables++;
        not_boot += !is_boot_table(PTE_MFN(e));
        for (unsigned int i1 = 0; i1 < 512; i1++, va += LPAGE) {
            int in_pt;

            e = l1b[i1];
            if (!(e & PTE_P)) {
                ended = 1;
                continue;
            }
            if (ended || nboot == MAX_BOOT) {
                strays++;
                continue;
            }
            boot_mfn[nboot++] = PTE_MFN(e);
            in_pt = va >= start_info->pt_base &&
                    va < start_info->pt_base + start_info->nr_pt_frames * LPAGE;
            ro_bad += in_pt && (e & PTE_RW);
            /* The window is ours to remap read-only. */
            rw_bad += !in_pt && !(e & PTE_RW) && va != (unsigned long)window;
        }
    }
    printk("layout: bootstrap %lx-%lx (%lu pages), %lu tables, pt_base %lx "
           "(%lu frames), start_info %p, image end %p\n",
           MM_VIRT_BASE, MM_VIRT_BASE + nboot * LPAGE, nboot, boot_tables,
           (unsigned long)start_info->pt_base,
           (unsigned long)start_info->nr_pt_frames, (void *)start_info,
           (void *)_image_end);
    TEST_EQ(strays, 0);
    TEST_EQ(not_boot, 0);
    TEST_EQ(ro_bad, 0);
    TEST_EQ(rw_bad, 0);
    TEST_EQ(boot_tables, start_info->nr_pt_frames);
}

/* Where the region ends and what sits at its top. */
static void check_region(int dom0)
{
    unsigned long v_end = MM_VIRT_BASE + nboot * LPAGE;
    unsigned long stack_end =
        start_info->pt_base + (start_info->nr_pt_frames + 1) * LPAGE;

    TEST_EQ(start_info->pt_base % LPAGE, 0);
    TEST_EQ(start_info->pt_base,
            (unsigned long)start_info + (dom0 ? 1 : 2) * LPAGE);
    TEST_EQ(v_end % (4UL << 20), 0);
    TEST_CHECK(v_end - stack_end >= (512UL << 10));
    TEST_CHECK(v_end - stack_end < (512UL << 10) + (4UL << 20));
}

/* P2M entries through mfn_list: each names a frame whose M2P is its pfn. */
static void check_p2m_list(void)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
    unsigned long bad = 0, si_pfn;

    for (unsigned long pfn = 0; pfn < start_info->nr_pages; pfn++)
        bad += MM_M2P[p2m[pfn]] != pfn;
    TEST_EQ(bad, 0);
    si_pfn = ((unsigned long)start_info - MM_VIRT_BASE) >> 12;
    TEST_EQ(p2m[si_pfn], boot_mfn[si_pfn]);
}

/* A P2M frame: count it once, inside [first_p2m_pfn, +nr_p2m_frames). */
static int p2m_frame(unsigned long mfn)
{
    unsigned long pfn = MM_M2P[mfn] - start_info->first_p2m_pfn;

    if (pfn >= start_info->nr_p2m_frames || pfn >= MAX_P2M || p2m_seen[pfn])
        return 0;
    p2m_seen[pfn] = 1;
    return 1;
}

/* The separate P2M mapping at INIT_P2M, walked from the L4. */
static void check_p2m_mapping(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    const unsigned long *p2m = (const unsigned long *)INIT_P2M_VA;
    unsigned long ndata = up(start_info->nr_pages * 8, LPAGE) / LPAGE;
    unsigned long data = 0, tables = 0, bad = 0, strays = 0, same = 0;
    uint64_t e = l4[mm_index(INIT_P2M_VA, 4)];

    TEST_EQ(start_info->mfn_list, INIT_P2M_VA);
    TEST_CHECK(start_info->first_p2m_pfn >= nboot);
    TEST_CHECK((e & PTE_P) && read_table(PTE_MFN(e), l3b) == 0);
    tables++, bad += !p2m_frame(PTE_MFN(e));
    e = l3b[mm_index(INIT_P2M_VA, 3)];
    TEST_CHECK((e & PTE_P) && !(e & PTE_PSE) &&
               read_table(PTE_MFN(e), l2b) == 0);
    tables++, bad += !p2m_frame(PTE_MFN(e));
    for (unsigned int i2 = mm_index(INIT_P2M_VA, 2); i2 < 512; i2++) {
        e = l2b[i2];
        if (!(e & PTE_P))
            continue;
        if ((e & PTE_PSE) || data >= ndata || read_table(PTE_MFN(e), l1b)) {
            strays++;
            continue;
        }
        tables++, bad += !p2m_frame(PTE_MFN(e));
        for (unsigned int i1 = 0; i1 < 512; i1++) {
            const unsigned char *p;

            e = l1b[i1];
            if (!(e & PTE_P))
                continue;
            if (data >= ndata || !(e & PTE_RW)) {
                strays++;
                continue;
            }
            bad += !p2m_frame(PTE_MFN(e));
            p = map_ro(PTE_MFN(e));
            same += p && !memcmp(p, &p2m[data * 512], LPAGE);
            data++;
        }
    }
    printk("layout: P2M at %lx: %lu data pages, %lu tables, pfns %lx+%lx\n",
           (unsigned long)start_info->mfn_list, data, tables,
           (unsigned long)start_info->first_p2m_pfn,
           (unsigned long)start_info->nr_p2m_frames);
    TEST_EQ(data, ndata);
    TEST_EQ(same, ndata);
    TEST_EQ(strays, 0);
    TEST_EQ(bad, 0);
    TEST_EQ(start_info->nr_p2m_frames, data + tables);
}

/* Byte off of the ramdisk: magic, 64-bit length, then a pattern. */
static unsigned char rd_byte(unsigned long off)
{
    if (off < 16)
        return (unsigned char)RD_MAGIC[off];
    if (off < 24)
        return (unsigned char)(RD_LEN >> (8 * (off - 16)));
    return (unsigned char)(off * 131 + 7);
}

static unsigned long rd_mismatch(const unsigned char *p, unsigned long off,
                                 unsigned long n)
{
    unsigned long bad = 0;

    for (unsigned long i = 0; i < n; i++)
        bad += p[i] != rd_byte(off + i);
    return bad;
}

static int boot_mapped(unsigned long mfn)
{
    for (unsigned long i = 0; i < nboot; i++) {
        if (boot_mfn[i] == mfn)
            return 1;
    }
    return 0;
}

/* MOD_START_PFN: the initrd is pfns, unmapped, read here through the P2M. */
static void check_initrd_pfn(int dom0)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
    unsigned long pages = up(RD_LEN, LPAGE) / LPAGE, bad = 0, mapped = 0;
    unsigned long m2p_bad = 0;

    TEST_CHECK(start_info->flags & SIF_MOD_START_PFN);
    TEST_EQ(start_info->mod_start, dom0 ? pow2_ceil(nboot) : nboot);
    TEST_EQ(start_info->mod_len, dom0 ? RD_LEN : up(RD_LEN, LPAGE));
    TEST_EQ(start_info->first_p2m_pfn, start_info->mod_start + pages);
    if (start_info->mod_start + pages > start_info->nr_pages)
        return;
    for (unsigned long i = 0; i < pages; i++) {
        unsigned long mfn = p2m[start_info->mod_start + i];
        unsigned long n = RD_LEN - i * LPAGE;
        const unsigned char *p;

        m2p_bad += MM_M2P[mfn] != start_info->mod_start + i;
        mapped += boot_mapped(mfn);
        p = map_ro(mfn);
        bad += p ? rd_mismatch(p, i * LPAGE, n < LPAGE ? n : LPAGE) : LPAGE;
    }
    TEST_EQ(m2p_bad, 0);
    TEST_EQ(mapped, 0);
    TEST_EQ(bad, 0);
}

/* No notes: initrd and P2M in the region, right after the kernel. */
static void check_old_layout(int dom0)
{
    unsigned long kend = up((unsigned long)_image_end, LPAGE);
    unsigned long pages = up(RD_LEN, LPAGE) / LPAGE;

    TEST_CHECK(!(start_info->flags & SIF_MOD_START_PFN));
    TEST_EQ(start_info->mod_start, kend);
    TEST_EQ(start_info->mod_len, RD_LEN);
    TEST_EQ(
        rd_mismatch((const unsigned char *)start_info->mod_start, 0, RD_LEN),
        0);
    TEST_EQ(start_info->mfn_list, kend + pages * LPAGE);
    TEST_EQ((unsigned long)start_info,
            start_info->mfn_list + up(start_info->nr_pages * 8, LPAGE));
    /* Xen's dom0 builder says where a separate P2M would have started. */
    TEST_EQ(start_info->first_p2m_pfn,
            dom0 ? pow2_ceil(nboot - pages) + pages : 0);
    TEST_EQ(start_info->nr_p2m_frames, 0);
}

static void layout_check(int notes)
{
    int dom0 = !!(start_info->flags & SIF_INITDOMAIN);

    printk("layout: %s, %s notes, nr_pages %lu, flags %lx\n",
           dom0 ? "dom0" : "domU", notes ? "with" : "without",
           (unsigned long)start_info->nr_pages,
           (unsigned long)start_info->flags);
    TEST_EQ(ballast[sizeof(ballast) - 1], 0);
    walk_boot();
    check_region(dom0);
    check_p2m_list();
    if (notes) {
        TEST_EQ((unsigned long)start_info,
                up((unsigned long)_image_end, LPAGE));
        check_p2m_mapping();
        check_initrd_pfn(dom0);
    } else {
        check_old_layout(dom0);
    }
    /* The SDK finds spare pages in the region either way. */
    mm_init();
    TEST_CHECK(mm_free_pages() > 0);
}

#endif /* BOOT_LAYOUT_CHECK_H */

/* SPDX-License-Identifier: MIT */
/* Grant tables in one domain: table ops, self-grants mapped, unmapped and copied. */
#include <guest/grant.h>
#include <guest/mm.h>
#include <guest/test.h>

/*
 * Runs as domain 0 on Vesper and on Xen 4.17 alike (test.conf limits Xen
 * to version 1 and no transfers, as Vesper is), so every answer checked
 * here is Xen's too. The domain grants its own pages to itself.
 */
#define ME 0
#define NOBODY 9 /* no such domain */
#define R_RW 10  /* a read-write self-grant */
#define R_RO 11  /* a read-only one */
#define R_PT 12  /* one of our L1 tables */
#define R_BAD 13 /* granted to someone else */

static volatile struct grant_entry_v1 *tab;
static uint64_t *page_rw, *page_ro, *dst;

/* A spare page's VA to map things at; its own mapping comes back later. */
static unsigned long borrow(void)
{
    return (unsigned long)mm_alloc_page();
}

static void give_back(unsigned long va)
{
    TEST_EQ(mm_update_va(va, MFN_PTE(mm_virt_to_mfn((void *)va), PTE_KDATA),
                         UVMF_INVLPG),
            0);
}

static void table_ops(xen_pfn_t *frames)
{
    struct gnttab_set_version sv;
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint32_t nr = 0, max = 0;
    xen_pfn_t two[2];

    /* A fresh table: one frame of Xen's default 64. */
    TEST_EQ(gnt_query(DOMID_SELF, &nr, &max), GNTST_okay);
    TEST_EQ(nr, 1);
    TEST_EQ(max, 64);
    TEST_EQ(gnt_query(NOBODY, NULL, NULL), GNTST_bad_domain);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    TEST_EQ(gv.version, 1);
    gv.dom = NOBODY;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1),
            -XEN_ESRCH);

    /* Version 1 is fine; 2 is refused as by a Xen limited to 1; 0 and 3 are nonsense. */
    sv.version = 1;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    TEST_EQ(sv.version, 1);
    sv.version = 2;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1),
            -XEN_ENOSYS);
    TEST_EQ(sv.version, 1);
    sv.version = 3;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1),
            -XEN_EINVAL);
    TEST_EQ(sv.version, 1);
    sv.version = 0;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1),
            -XEN_EINVAL);

    /* setup_table grows the table and lists its frames. */
    TEST_EQ(gnt_setup(DOMID_SELF, 65, frames), GNTST_general_error);
    TEST_EQ(gnt_setup(NOBODY, 1, frames), GNTST_bad_domain);
    TEST_EQ(gnt_setup(DOMID_SELF, 1, (xen_pfn_t *)HYPERVISOR_VIRT_START),
            -XEN_EFAULT);
    TEST_EQ(gnt_setup(DOMID_SELF, 4, frames), GNTST_okay);
    TEST_EQ(gnt_query(DOMID_SELF, &nr, &max), GNTST_okay);
    TEST_EQ(nr, 4);
    for (unsigned int i = 0; i < 4; i++)
        TEST_CHECK(frames[i] != 0 && frames[i] != frames[(i + 1) % 4]);
    /* Asking for fewer lists the first ones and shrinks nothing. */
    TEST_EQ(gnt_setup(DOMID_SELF, 2, two), GNTST_okay);
    TEST_EQ(two[0], frames[0]);
    TEST_EQ(two[1], frames[1]);
    TEST_EQ(gnt_query(DOMID_SELF, &nr, NULL), GNTST_okay);
    TEST_EQ(nr, 4);
    {
        struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1 };

        set_xen_guest_handle(s.frame_list, two);
        TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &s, 2),
                -XEN_EINVAL);
    }
}

static void bad_calls(void)
{
    struct gnttab_map_grant_ref m[2];
    struct gnttab_transfer t;
    struct gnttab_dump_table dt = { .dom = DOMID_SELF };
    struct gnttab_get_status_frames gs = { .dom = DOMID_SELF };
    uint64_t sf[1];

    memset(m, 0, sizeof(m));
    memset(&t, 0, sizeof(t));
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, m, 0x80000000u),
            -XEN_EINVAL);
    /* A batch in the hypervisor's range is refused whole. */
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref,
                                      (void *)HYPERVISOR_VIRT_START, 1),
            -XEN_EFAULT);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy,
                                      (void *)HYPERVISOR_VIRT_START, 1),
            -XEN_EFAULT);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref | 0x1000, m, 0),
            -XEN_EINVAL);
    TEST_EQ(HYPERVISOR_grant_table_op(13, m, 1), -XEN_ENOSYS);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_dump_table, &dt, 1),
            -XEN_ENOSYS);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_transfer, &t, 1),
            -XEN_EOPNOTSUPP);
    /* Version 1 has no status frames. */
    set_xen_guest_handle(gs.frame_list, sf);
    gs.nr_frames = 0;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_get_status_frames, &gs, 1), 0);
    TEST_EQ(gs.status, GNTST_okay);
    gs.nr_frames = 1;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_get_status_frames, &gs, 1), 0);
    TEST_EQ(gs.status, GNTST_general_error);
}

static void fill(uint64_t *p, uint64_t seed)
{
    for (unsigned int i = 0; i < 512; i++)
        p[i] = seed ^ ((uint64_t)i << 20);
}

static void maps(void)
{
    unsigned long va = borrow(), va2 = borrow(), l1va;
    uint64_t bus = 0, v = 0, l1maddr;
    grant_handle_t h = 0, h2 = 0;
    unsigned long rw_mfn = mm_virt_to_mfn(page_rw);

    TEST_CHECK(va && va2);
    gnt_grant(&tab[R_RW], ME, rw_mfn, GTF_permit_access);
    gnt_grant(&tab[R_RO], ME, mm_virt_to_mfn(page_ro),
              GTF_permit_access | GTF_readonly);
    gnt_grant(&tab[R_BAD], 5, rw_mfn, GTF_permit_access);
    /* The L1 table that maps our image: a page table, never writable. */
    l1maddr = mm_pte_maddr((unsigned long)page_rw, 1);
    gnt_grant(&tab[R_PT], ME, l1maddr >> 12, GTF_permit_access);

    /* Refusals, in Xen's order of checks. */
    TEST_EQ(gnt_map(va, 0, ME, R_RW, &h, NULL), GNTST_bad_gntref);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, DOMID_SELF, R_RW, &h, NULL),
            GNTST_bad_domain);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, NOBODY, R_RW, &h, NULL),
            GNTST_bad_domain);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, 4 * 512, &h, NULL),
            GNTST_bad_gntref);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, 0xffffffffu, &h, NULL),
            GNTST_bad_gntref);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, R_BAD, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, 20, &h, NULL),
            GNTST_general_error); /* never granted */
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, R_RO, &h, NULL),
            GNTST_general_error); /* read-only grant, writable map */
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, R_PT, &h, NULL),
            GNTST_general_error);
    TEST_EQ(tab[R_PT].flags, GTF_permit_access);
    /* Nothing was left behind: the VA still maps the spare page. */
    TEST_EQ(PTE_MFN(mm_read_pte(va, 1)), mm_virt_to_mfn((void *)va));

    /* Writable map of a writable self-grant. */
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, R_RW, &h, &bus), GNTST_okay);
    TEST_EQ(bus, (uint64_t)rw_mfn << 12);
    /* Like Xen, a map over a present entry leaves the TLB to us. */
    mm_invlpg(va);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    TEST_EQ(PTE_MFN(mm_read_pte(va, 1)), rw_mfn);
    TEST_CHECK(mm_read_pte(va, 1) & PTE_RW);
    TEST_EQ(mm_probe_read64((void *)va, &v), 0);
    TEST_EQ(v, page_rw[0]);
    TEST_EQ(mm_probe_write64((void *)(va + 8), 0x5eed), 0);
    TEST_EQ(page_rw[1], 0x5eed);
    /* The granter cannot revoke while it is in use. */
    TEST_EQ(__sync_val_compare_and_swap(&tab[R_RW].flags, GTF_permit_access, 0),
            GTF_permit_access | GTF_reading | GTF_writing);
    /* A second, read-only mapping of the same grant. */
    TEST_EQ(
        gnt_map(va2, GNTMAP_host_map | GNTMAP_readonly, ME, R_RW, &h2, NULL),
        GNTST_okay);
    TEST_CHECK(h2 != h);
    mm_invlpg(va2);
    TEST_CHECK(!(mm_read_pte(va2, 1) & PTE_RW));
    TEST_CHECK(mm_probe_write64((void *)va2, 1) != 0);
    /* Unmap needs the address that maps it. */
    TEST_EQ(gnt_unmap((unsigned long)dst, h), GNTST_general_error);
    TEST_EQ(gnt_unmap(va, h2), GNTST_general_error);
    TEST_EQ(gnt_unmap(va2, h), GNTST_general_error);
    TEST_EQ(gnt_unmap(va2, 0x7fffffff), GNTST_bad_handle);
    TEST_EQ(gnt_unmap(va2, h2), GNTST_okay);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    TEST_EQ(gnt_unmap(va2, h2), GNTST_bad_handle);
    TEST_EQ(gnt_unmap(va, h), GNTST_okay);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access);
    TEST_EQ(gnt_unmap(va, h), GNTST_bad_handle);
    TEST_EQ(mm_read_pte(va, 1) & PTE_P, 0);

    /* Read-only grants map read-only; only GTF_reading shows. */
    TEST_EQ(gnt_map(va, GNTMAP_host_map | GNTMAP_readonly, ME, R_RO, &h, NULL),
            GNTST_okay);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    mm_invlpg(va);
    TEST_EQ(mm_probe_read64((void *)va, &v), 0);
    TEST_EQ(v, page_ro[0]);
    TEST_CHECK(mm_probe_write64((void *)va, 1) != 0);
    TEST_EQ(gnt_unmap(va, h), GNTST_okay);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly);

    /* A page table of ours may be mapped read-only, never writable. */
    TEST_EQ(gnt_map(va, GNTMAP_host_map | GNTMAP_readonly, ME, R_PT, &h, NULL),
            GNTST_okay);
    TEST_EQ(gnt_unmap(va, h), GNTST_okay);

    /* By the machine address of an L1 entry (gntdev's way). */
    l1maddr = mm_pte_maddr(va2, 1);
    TEST_EQ(gnt_map(l1maddr + 1, GNTMAP_host_map | GNTMAP_contains_pte, ME,
                    R_RW, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(l1maddr, GNTMAP_host_map | GNTMAP_contains_pte, ME, R_RW,
                    &h, NULL),
            GNTST_okay);
    mm_invlpg(va2);
    TEST_EQ(mm_probe_read64((void *)(va2 + 8), &v), 0);
    TEST_EQ(v, 0x5eed);
    TEST_EQ(gnt_unmap(l1maddr, h), GNTST_okay);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access);

    /* unmap_and_replace moves our mapping at new_addr over the grant's. */
    TEST_EQ(gnt_map(va, GNTMAP_host_map, ME, R_RW, &h, NULL), GNTST_okay);
    give_back(va2);
    {
        struct gnttab_unmap_and_replace r = { .host_addr = va,
                                              .new_addr = va2,
                                              .handle = h };

        TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_unmap_and_replace, &r, 1),
                0);
        TEST_EQ(r.status, GNTST_okay);
    }
    TEST_EQ(tab[R_RW].flags, GTF_permit_access);
    TEST_EQ(PTE_MFN(mm_read_pte(va, 1)), mm_virt_to_mfn((void *)va2));
    TEST_EQ(mm_read_pte(va2, 1) & PTE_P, 0);
    TEST_EQ(mm_update_va(va, 0, UVMF_INVLPG), 0);
    give_back(va);
    give_back(va2);
    l1va = 0;
    (void)l1va;
}

static void copies(void)
{
    unsigned long dmfn = mm_virt_to_mfn(dst);
    unsigned long rmfn = mm_virt_to_mfn(page_ro);

    memset(dst, 0, 4096);
    /* gref -> own frame, and own frame -> gref. */
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, R_RW, ME, 16, dmfn, DOMID_SELF, 32, 64),
        GNTST_okay);
    TEST_EQ(memcmp((char *)dst + 32, (char *)page_rw + 16, 64), 0);
    TEST_EQ(dst[0], 0);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access);
    TEST_EQ(
        gnt_copy(GNTCOPY_dest_gref, rmfn, DOMID_SELF, 0, R_RW, ME, 4000, 96),
        GNTST_okay);
    TEST_EQ(memcmp((char *)page_rw + 4000, page_ro, 96), 0);
    TEST_EQ(gnt_copy(GNTCOPY_source_gref | GNTCOPY_dest_gref, R_RO, ME, 0, R_RW,
                     ME, 0, 4096),
            GNTST_okay);
    TEST_EQ(memcmp(page_rw, page_ro, 4096), 0);
    /* A read-only grant is no destination. */
    TEST_EQ(gnt_copy(GNTCOPY_dest_gref, dmfn, DOMID_SELF, 0, R_RO, ME, 0, 8),
            GNTST_general_error);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly);
    /* Crossing a page end, on either side. */
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, R_RW, ME, 4090, dmfn, DOMID_SELF, 0, 7),
        GNTST_bad_copy_arg);
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, R_RW, ME, 0, dmfn, DOMID_SELF, 4095, 2),
        GNTST_bad_copy_arg);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access);
    /* Frames only by DOMID_SELF, and only our own. */
    TEST_EQ(gnt_copy(0, rmfn, ME, 0, dmfn, DOMID_SELF, 0, 8),
            GNTST_permission_denied);
    TEST_EQ(gnt_copy(0, mm_xen_frame(), DOMID_SELF, 0, dmfn, DOMID_SELF, 0, 8),
            GNTST_bad_page);
    TEST_EQ(gnt_copy(GNTCOPY_source_gref, R_BAD, ME, 0, dmfn, DOMID_SELF, 0, 8),
            GNTST_general_error);
    TEST_EQ(gnt_copy(GNTCOPY_source_gref, 9999, ME, 0, dmfn, DOMID_SELF, 0, 8),
            GNTST_bad_gntref);
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, R_RW, NOBODY, 0, dmfn, DOMID_SELF, 0, 8),
        GNTST_bad_domain);
}

/*
 * Batches: 130 read-only maps of one grant in one call. The host-read pin
 * is an 8-bit counter that Xen refuses to take past 128, so the last two
 * fail; one unmap call then undoes the 128 (four of Xen's batches of 32).
 * And 1000 small copies in one call, each with its own status.
 */
#define NMAP 130
static void batches(void)
{
    static struct gnttab_map_grant_ref m[NMAP];
    static struct gnttab_unmap_grant_ref u[NMAP];
    static struct gnttab_copy c[1000];
    unsigned int ok = 0, refused = 0;

    for (unsigned int i = 0; i < NMAP; i++) {
        m[i] = (struct gnttab_map_grant_ref){
            .host_addr = borrow(),
            .flags = GNTMAP_host_map | GNTMAP_readonly,
            .ref = R_RO,
            .dom = ME,
            .status = 99,
        };
        TEST_CHECK(m[i].host_addr != 0);
    }
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, m, NMAP), 0);
    for (unsigned int i = 0; i < NMAP; i++) {
        ok += m[i].status == GNTST_okay;
        refused += m[i].status == GNTST_general_error;
        u[i] = (struct gnttab_unmap_grant_ref){ .host_addr = m[i].host_addr,
                                                .handle = m[i].handle,
                                                .status = 99 };
    }
    TEST_EQ(ok, 128);
    TEST_EQ(refused, 2);
    TEST_EQ(m[127].status, GNTST_okay);
    TEST_EQ(m[128].status, GNTST_general_error);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, u, 128), 0);
    ok = 0;
    for (unsigned int i = 0; i < 128; i++)
        ok += u[i].status == GNTST_okay;
    TEST_EQ(ok, 128);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly);
    for (unsigned int i = 0; i < NMAP; i++)
        give_back(m[i].host_addr);

    memset(dst, 0, 4096);
    for (unsigned int i = 0; i < 1000; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        c[i].flags = GNTCOPY_source_gref;
        c[i].source.u.ref = R_RO;
        c[i].source.domid = ME;
        c[i].source.offset = (uint16_t)(i * 4);
        c[i].dest.u.gmfn = mm_virt_to_mfn(dst);
        c[i].dest.domid = DOMID_SELF;
        c[i].dest.offset = (uint16_t)(i * 4);
        c[i].len = 4;
        c[i].status = 99;
    }
    c[999].len = 200; /* past the page end: only this one fails */
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, c, 1000), 0);
    ok = 0;
    for (unsigned int i = 0; i < 999; i++)
        ok += c[i].status == GNTST_okay;
    TEST_EQ(ok, 999);
    TEST_EQ(c[999].status, GNTST_bad_copy_arg);
    TEST_EQ(memcmp(dst, page_ro, 3996), 0);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly);
}

static void swaps(void)
{
    struct gnttab_swap_grant_ref s = { .ref_a = R_RW, .ref_b = R_BAD };
    uint32_t a = tab[R_RW].frame;

    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
    TEST_EQ(s.status, GNTST_okay);
    TEST_EQ(tab[R_BAD].frame, a);
    TEST_EQ(tab[R_BAD].domid, ME);
    TEST_EQ(tab[R_RW].domid, 5);
    s.ref_b = 4 * 512;
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
    TEST_EQ(s.status, GNTST_bad_gntref);
}

/*
 * Device mappings, as Xen gives a PV domain without an IOMMU: the bus
 * address is the frame's, the grant is in use (and the frame referenced,
 * which the auditor counts) until the handle's device side is unmapped by
 * that address; host and device sides of one handle go separately.
 */
static void devices(void)
{
    unsigned long va = borrow();
    uint64_t rw = mm_virt_to_mfn(page_rw), bus = 0;
    grant_handle_t h = 0, h2 = 0;

    TEST_EQ(gnt_map(0, GNTMAP_device_map, ME, R_RW, &h, &bus), GNTST_okay);
    TEST_EQ(bus, rw << 12);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    /* A second device mapping of it, read-only. */
    TEST_EQ(
        gnt_map(0, GNTMAP_device_map | GNTMAP_readonly, ME, R_RW, &h2, &bus),
        GNTST_okay);
    TEST_EQ(bus, rw << 12);
    /* Not by another address; a host-only unmap leaves the device side. */
    TEST_EQ(gnt_unmap_dev(0, (rw + 1) << 12, h), GNTST_bad_dev_addr);
    TEST_EQ(gnt_unmap_dev(0, 0, h), GNTST_okay);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    TEST_EQ(gnt_unmap_dev(0, rw << 12, h), GNTST_okay);
    TEST_EQ(gnt_unmap_dev(0, rw << 12, h), GNTST_bad_handle);
    /* Only the reader is left. */
    TEST_EQ(tab[R_RW].flags, GTF_permit_access | GTF_reading);
    TEST_EQ(gnt_unmap_dev(0, rw << 12, h2), GNTST_okay);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access);

    /* Both sides on one handle: each unmapped on its own. */
    TEST_EQ(
        gnt_map(va, GNTMAP_host_map | GNTMAP_device_map, ME, R_RW, &h, &bus),
        GNTST_okay);
    mm_invlpg(va);
    TEST_EQ(bus, rw << 12);
    TEST_EQ(PTE_MFN(mm_read_pte(va, 1)), rw);
    TEST_EQ(*(volatile uint64_t *)va, page_rw[0]);
    TEST_EQ(gnt_unmap_dev(va, 0, h), GNTST_okay);
    TEST_CHECK(!(mm_read_pte(va, 1) & 1));
    TEST_EQ(tab[R_RW].flags, GTF_permit_access | GTF_reading | GTF_writing);
    TEST_EQ(gnt_unmap_dev(va, rw << 12, h), GNTST_okay);
    TEST_EQ(tab[R_RW].flags, GTF_permit_access);
    TEST_EQ(gnt_unmap_dev(0, rw << 12, h), GNTST_bad_handle);

    /* The grant's rules hold for devices too. */
    TEST_EQ(gnt_map(0, GNTMAP_device_map, ME, R_RO, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(0, GNTMAP_device_map, ME, R_PT, &h, NULL),
            GNTST_general_error);
    TEST_EQ(tab[R_PT].flags, GTF_permit_access);
    TEST_EQ(gnt_map(0, GNTMAP_device_map | GNTMAP_readonly, ME, R_RO, &h, &bus),
            GNTST_okay);
    TEST_EQ(bus, mm_virt_to_mfn(page_ro) << 12);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    TEST_EQ(gnt_unmap_dev(0, bus, h), GNTST_okay);
    TEST_EQ(tab[R_RO].flags, GTF_permit_access | GTF_readonly);
    give_back(va);
}

void test_main(void)
{
    static xen_pfn_t frames[4];
    unsigned long tva;

    mm_init();
    page_rw = mm_alloc_page();
    page_ro = mm_alloc_page();
    dst = mm_alloc_page();
    TEST_CHECK(page_rw && page_ro && dst);
    if (!page_rw || !page_ro || !dst)
        return;
    fill(page_rw, 0x1234000000000001ULL);
    fill(page_ro, 0xabcd000000000002ULL);
    table_ops(frames);
    bad_calls();
    /* The owner maps its table's frames itself (Linux PV's way). */
    tva = borrow();
    TEST_EQ(mm_update_va(tva, MFN_PTE(frames[0], PTE_KDATA), UVMF_INVLPG), 0);
    tab = (volatile struct grant_entry_v1 *)tva;
    /* Nothing seeds dom0's reserved entries, on Xen as here. */
    for (unsigned int i = 0; i < 512; i++)
        TEST_EQ(tab[i].flags, 0);
    maps();
    devices();
    copies();
    batches();
    swaps();
    /* Nothing pins a grant any more: each entry can be revoked. */
    for (unsigned int r = R_RW; r <= R_BAD; r++)
        tab[r].flags = 0;
    give_back(tva);
}

/* SPDX-License-Identifier: MIT */
/* gnt_xdom, the domU: hostile maps of dom0's grants, grants of its own, then death. */
#include "gx.h"

/* Our table, as gx.h says; here since both forms of the test build granter.c. */
volatile struct grant_entry_v1 *gx_map_table(void)
{
    xen_pfn_t f[1];
    void *va = mm_alloc_page();

    TEST_EQ(gnt_setup(DOMID_SELF, 1, f), GNTST_okay);
    TEST_EQ(
        mm_update_va((unsigned long)va, MFN_PTE(f[0], PTE_KDATA), UVMF_INVLPG),
        0);
    return va;
}

static volatile struct grant_entry_v1 *tab;

/* What an unprivileged domain may not do with dom0's grants and table. */
static void hostile(unsigned long va, grant_handle_t ha)
{
    struct gnttab_get_version gv = { .dom = 0 };
    struct gnttab_map_grant_ref m;
    uint32_t nr = 7;
    xen_pfn_t f[1];
    grant_handle_t h = 0;
    uint64_t *mine = mm_alloc_page();
    unsigned long mmfn = mm_virt_to_mfn(mine);

    TEST_EQ(gnt_map(va, GNTMAP_host_map, 0, D0_ELSE, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, 0, D0_RO, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map | GNTMAP_readonly, 0, D0_XEN, &h, NULL),
            GNTST_bad_page);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, 0, D0_PT, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, 0, 100000, &h, NULL),
            GNTST_bad_gntref);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, 0, 30, &h, NULL), GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, NOBODY, D0_RW, &h, NULL),
            GNTST_bad_domain);
    TEST_EQ(gnt_unmap(va, 12345), GNTST_bad_handle);
    /* A handle inside our maptrack that maps nothing; ha maps dom0's A. */
    TEST_EQ(gnt_unmap(va, ha == 200 ? 201 : 200), GNTST_bad_handle);
    TEST_EQ(gnt_unmap(va, ha), GNTST_general_error);
    memset(&m, 0, sizeof(m));
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 0x80000000u),
            -XEN_EINVAL);
    TEST_EQ(gnt_setup(0, 1, f), GNTST_permission_denied);
    TEST_EQ(gnt_query(0, &nr, NULL), GNTST_permission_denied);
    TEST_EQ(nr, 7);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1),
            -XEN_EPERM);
    /* Read-only grants map read-only; dom0's L1 too, read-only. */
    TEST_EQ(gnt_map(va, GNTMAP_host_map | GNTMAP_readonly, 0, D0_RO, &h, NULL),
            GNTST_okay);
    mm_invlpg(va);
    TEST_EQ(mm_peek(va + 8), gx_pattern(SEED_B, 1));
    TEST_CHECK(mm_probe_write64((void *)va, 1) != 0);
    TEST_EQ(gnt_unmap(va, h), GNTST_okay);
    TEST_EQ(gnt_map(va, GNTMAP_host_map | GNTMAP_readonly, 0, D0_PT, &h, NULL),
            GNTST_okay);
    TEST_EQ(gnt_unmap(va, h), GNTST_okay);
    /* Copies: from dom0's read-only grant yes; into it, or past ends, no. */
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, D0_RO, 0, 0, mmfn, DOMID_SELF, 0, 4096),
        GNTST_okay);
    TEST_EQ(gx_bad_words(mine, SEED_B, 0), 0);
    TEST_EQ(gnt_copy(GNTCOPY_dest_gref, mmfn, DOMID_SELF, 0, D0_RO, 0, 0, 8),
            GNTST_general_error);
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, D0_RW, 0, 4000, mmfn, DOMID_SELF, 0, 200),
        GNTST_bad_copy_arg);
    TEST_EQ(gnt_copy(0, mmfn, 0, 0, mmfn, DOMID_SELF, 0, 8),
            GNTST_permission_denied);
    /* Our own pages by frame: a frame of dom0's is not ours. */
    TEST_EQ(gnt_copy(0, mm_xen_frame(), DOMID_SELF, 0, mmfn, DOMID_SELF, 0, 8),
            GNTST_bad_page);
}

void granter_main(void)
{
    unsigned long ava = (unsigned long)mm_alloc_page();
    unsigned long va = (unsigned long)mm_alloc_page();
    volatile uint64_t *av = (volatile uint64_t *)ava;
    volatile uint64_t *p, *q, *r, *z;
    grant_handle_t ha = 0;

    tab = gx_map_table();
    /* The builder seeds the console's reserved entry, as Xen's toolstack. */
    /* A run-time toolstack maps it already, as xenconsoled does. */
    TEST_EQ(tab[GNTTAB_RESERVED_CONSOLE].flags & ~(GTF_reading | GTF_writing),
            GTF_permit_access);
    TEST_EQ(tab[GNTTAB_RESERVED_CONSOLE].domid, 0);
    TEST_EQ(tab[GNTTAB_RESERVED_CONSOLE].frame, start_info->console.domU.mfn);
    /* Vesper's boot-time builder gives a domU no xenstore page. */
    if (start_info->store_mfn) {
        TEST_EQ(tab[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
        TEST_EQ(tab[GNTTAB_RESERVED_XENSTORE].frame, start_info->store_mfn);
    } else {
        TEST_EQ(tab[GNTTAB_RESERVED_XENSTORE].flags, 0);
    }
    p = mm_alloc_page();
    q = mm_alloc_page();
    r = mm_alloc_page();
    z = mm_alloc_page();
    gx_fill(p, SEED_P);
    p[0] = p[2] = 0;
    gx_fill(r, SEED_R);
    gx_fill(z, SEED_Z);
    z[0] = 0;
    memset((void *)q, 0, 4096);

    /* dom0 offers first; its A stays mapped here until we die. */
    TEST_CHECK(GX_WAIT(gnt_map(ava, GNTMAP_host_map, 0, D0_RW, &ha, NULL) ==
                       GNTST_okay));
    mm_invlpg(ava);
    TEST_EQ(av[3], gx_pattern(SEED_A, 3));
    av[1] = 0x5eed;
    hostile(va, ha);
    /* A device mapping of A too: it must go with us as well. */
    {
        grant_handle_t hd = 0;
        uint64_t bus = 0;

        TEST_EQ(gnt_map(0, GNTMAP_device_map, 0, D0_RW, &hd, &bus), GNTST_okay);
        TEST_EQ(bus >> 12, PTE_MFN(mm_read_pte(ava, 1)));
    }

    gnt_grant(&tab[U_RO], 0, mm_virt_to_mfn((void *)r),
              GTF_permit_access | GTF_readonly);
    gnt_grant(&tab[U_ELSE], ELSE, mm_virt_to_mfn((void *)p), GTF_permit_access);
    gnt_grant(&tab[U_COPY], 0, mm_virt_to_mfn((void *)q), GTF_permit_access);
    gnt_grant(&tab[U_MBOX], 0, mm_virt_to_mfn((void *)p), GTF_permit_access);

    TEST_CHECK(GX_WAIT(p[0] == ACK1));
    TEST_EQ(tab[U_MBOX].flags, GTF_permit_access | GTF_reading | GTF_writing);
    /* In use: it cannot be revoked. */
    TEST_EQ(
        __sync_val_compare_and_swap(&tab[U_MBOX].flags, GTF_permit_access, 0),
        GTF_permit_access | GTF_reading | GTF_writing);
    p[2] = ACK1B;

    TEST_CHECK(GX_WAIT(q[0] == ACK2));
    TEST_EQ(tab[U_MBOX].flags, GTF_permit_access);
    /*
     * dom0 already polls Q by copying from it (peek_q), and each copy
     * holds GTF_reading while it runs, on Xen too: wait for a moment
     * between copies. One that never comes means a leaked busy bit.
     */
    TEST_CHECK(GX_WAIT(tab[U_COPY].flags == GTF_permit_access));
    TEST_EQ(tab[U_RO].flags, GTF_permit_access | GTF_readonly);
    TEST_EQ(gx_bad_words(q, SEED_B, 2), 0);
    TEST_EQ(
        __sync_val_compare_and_swap(&tab[U_MBOX].flags, GTF_permit_access, 0),
        GTF_permit_access);

    gnt_grant(&tab[U_ZOMBIE], 0, mm_virt_to_mfn((void *)z), GTF_permit_access);
    q[1] = READY3;
    TEST_CHECK(GX_WAIT(z[0] == ACK3));
    TEST_EQ(tab[U_ZOMBIE].flags, GTF_permit_access | GTF_reading | GTF_writing);
    printk("granter: leaving with dom0's page mapped and ours mapped by it\n");
}

/* SPDX-License-Identifier: MIT */
/* gnt_xdom, dom0: grant to the domU, map and copy its grants, outlive it. */
#include "gx.h"

static volatile struct grant_entry_v1 *tab;
static uint64_t *a, *b, *local;

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

static void offer(void)
{
    tab = gx_map_table();
    a = mm_alloc_page();
    b = mm_alloc_page();
    local = mm_alloc_page();
    gx_fill(a, SEED_A);
    gx_fill(b, SEED_B);
    gnt_grant(&tab[D0_RO], DOMU, mm_virt_to_mfn(b),
              GTF_permit_access | GTF_readonly);
    gnt_grant(&tab[D0_ELSE], ELSE, mm_virt_to_mfn(a), GTF_permit_access);
    gnt_grant(&tab[D0_XEN], DOMU, mm_xen_frame(), GTF_permit_access);
    gnt_grant(&tab[D0_PT], DOMU, mm_pte_maddr((unsigned long)a, 1) >> 12,
              GTF_permit_access);
    /* Last: the domU starts its tests once it can map this one. */
    __asm__ volatile("" ::: "memory");
    gnt_grant(&tab[D0_RW], DOMU, mm_virt_to_mfn(a), GTF_permit_access);
}

/* The privileged side is no exception to the grant rules. */
static void privileged_checks(unsigned long va)
{
    xen_pfn_t f[1] = { 0 };
    uint32_t nr = 0, max = 0;
    struct gnttab_get_version gv = { .dom = DOMU };
    grant_handle_t h = 0;
    uint64_t v = 0;

    TEST_EQ(gnt_map(va, GNTMAP_host_map, DOMU, U_ELSE, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, DOMU, U_RO, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, DOMU, 5000, &h, NULL),
            GNTST_bad_gntref);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, DOMU, 40, &h, NULL),
            GNTST_general_error);
    TEST_EQ(gnt_map(va, GNTMAP_host_map, NOBODY, U_MBOX, &h, NULL),
            GNTST_bad_domain);
    /* xenconsoled's way to the domU's console ring: reserved entry 0. */
    TEST_EQ(
        gnt_map(va, GNTMAP_host_map, DOMU, GNTTAB_RESERVED_CONSOLE, &h, NULL),
        GNTST_okay);
    TEST_EQ(gnt_unmap(va, h), GNTST_okay);
    TEST_EQ(
        gnt_map(va, GNTMAP_host_map | GNTMAP_readonly, DOMU, U_RO, &h, NULL),
        GNTST_okay);
    mm_invlpg(va);
    TEST_EQ(mm_probe_read64((void *)(va + 16), &v), 0);
    TEST_EQ(v, gx_pattern(SEED_R, 2));
    TEST_CHECK(mm_probe_write64((void *)va, 1) != 0);
    TEST_EQ(gnt_unmap(va, h), GNTST_okay);
    TEST_EQ(gnt_unmap(va, h), GNTST_bad_handle);
    /* Table operations on the domU are the privileged domain's right. */
    TEST_EQ(gnt_query(DOMU, &nr, &max), GNTST_okay);
    TEST_EQ(nr, 1);
    /* Vesper's boot-time default, or what the builder's createdomain set. */
    TEST_EQ(max, gx_built ? 32 : 64);
    TEST_EQ(gnt_setup(DOMU, 1, f), GNTST_okay);
    TEST_CHECK(f[0] != 0);
    TEST_EQ(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    TEST_EQ(gv.version, 1);
}

static void copies(void)
{
    unsigned long lmfn = mm_virt_to_mfn(local);

    /* From the domU's read-only grant, and into its copy page. */
    memset(local, 0, 4096);
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, U_RO, DOMU, 0, lmfn, DOMID_SELF, 0, 4096),
        GNTST_okay);
    TEST_EQ(gx_bad_words(local, SEED_R, 0), 0);
    TEST_EQ(gnt_copy(GNTCOPY_dest_gref, mm_virt_to_mfn(b), DOMID_SELF, 16,
                     U_COPY, DOMU, 16, 4096 - 16),
            GNTST_okay);
    /* Refused: read-only destination, page ends, frames by number. */
    TEST_EQ(gnt_copy(GNTCOPY_dest_gref, lmfn, DOMID_SELF, 0, U_RO, DOMU, 0, 8),
            GNTST_general_error);
    TEST_EQ(gnt_copy(GNTCOPY_source_gref, U_RO, DOMU, 4000, lmfn, DOMID_SELF, 0,
                     200),
            GNTST_bad_copy_arg);
    TEST_EQ(gnt_copy(0, lmfn, DOMID_SELF, 0, mm_virt_to_mfn(a), DOMU, 0, 8),
            GNTST_permission_denied);
    TEST_EQ(
        gnt_copy(GNTCOPY_source_gref, U_ELSE, DOMU, 0, lmfn, DOMID_SELF, 0, 8),
        GNTST_general_error);
    TEST_EQ(tab[D0_RW].flags & (GTF_reading | GTF_writing),
            GTF_reading | GTF_writing); /* the domU maps our A */
}

/* Copy 8 bytes from the domU's copy page at off into local[0]. */
static uint64_t peek_q(uint16_t off)
{
    local[0] = 0;
    if (gnt_copy(GNTCOPY_source_gref, U_COPY, DOMU, off, mm_virt_to_mfn(local),
                 DOMID_SELF, 0, 8))
        return 0;
    return local[0];
}

void mapper_main(void)
{
    unsigned long pva = borrow(), va = borrow(), zva = borrow();
    volatile uint64_t *p = (volatile uint64_t *)pva;
    volatile uint64_t *z = (volatile uint64_t *)zva;
    grant_handle_t hp = 0, hz = 0;
    uint64_t bus = 0;

    offer();
    printk("mapper: waiting for the domU's grants\n");
    TEST_CHECK(GX_WAIT(gnt_map(pva, GNTMAP_host_map, DOMU, U_MBOX, &hp, &bus) ==
                       GNTST_okay));
    mm_invlpg(pva);
    TEST_EQ(gx_bad_words(p, SEED_P, 8), 0);
    p[0] = ACK1;
    TEST_CHECK(GX_WAIT(p[2] == ACK1B));
    privileged_checks(va);
    copies();
    TEST_EQ(gnt_unmap(pva, hp), GNTST_okay);
    TEST_EQ(gnt_unmap(pva, hp), GNTST_bad_handle);
    /* The news goes by copy: we no longer map anything of the domU's. */
    local[0] = ACK2;
    TEST_EQ(gnt_copy(GNTCOPY_dest_gref, mm_virt_to_mfn(local), DOMID_SELF, 0,
                     U_COPY, DOMU, 0, 8),
            GNTST_okay);

    /* The domU grants Z, we map it, and it dies. */
    TEST_CHECK(GX_WAIT(peek_q(8) == READY3));
    TEST_EQ(gnt_map(zva, GNTMAP_host_map, DOMU, U_ZOMBIE, &hz, NULL),
            GNTST_okay);
    mm_invlpg(zva);
    z[0] = ACK3;
    printk("mapper: waiting for the domU to go\n");
    /*
     * Built at run time, the toolstack destroys it once it has ended;
     * booted with us, it is destroyed when it ends. Its mappings of ours
     * go at once, and the dead domain stays while we map its page Z.
     */
    if (gx_built)
        gx_domu_gone();
    TEST_CHECK(GX_WAIT(tab[D0_RW].flags == GTF_permit_access));
    /* Its mapping of our A went with it: A can be revoked, and it wrote. */
    TEST_EQ(tab[D0_RW].flags, GTF_permit_access);
    TEST_EQ(
        __sync_val_compare_and_swap(&tab[D0_RW].flags, GTF_permit_access, 0),
        GTF_permit_access);
    TEST_EQ(a[1], 0x5eedULL);
    TEST_EQ(gx_bad_words(a, SEED_A, 2), 0);
    /* Its page Z is still its own, intact, and still ours to use. */
    TEST_EQ(z[0], ACK3);
    TEST_EQ(gx_bad_words(z, SEED_Z, 1), 0);
    z[1] = 0x1234;
    TEST_EQ(z[1], 0x1234);
    /*
     * As Xen 4.17, the dead domain's grant table still answers while its
     * page lives: the query, a second mapping of Z (the same frame); a
     * grant of a frame it no longer has fails, and copies are refused.
     */
    {
        uint32_t nr = 0, max = 0;
        grant_handle_t hz2 = 0;
        volatile uint64_t *z2 = (volatile uint64_t *)va;

        TEST_EQ(gnt_query(DOMU, &nr, &max), GNTST_okay);
        TEST_CHECK(nr >= 1 && max >= nr);
        TEST_EQ(gnt_map(va, GNTMAP_host_map, DOMU, U_ZOMBIE, &hz2, NULL),
                GNTST_okay);
        mm_invlpg(va);
        TEST_EQ(z2[1], 0x1234);
        TEST_EQ(z2[0], ACK3);
        TEST_EQ(gnt_unmap(va, hz2), GNTST_okay);
        /* Copies are for the living. */
        local[0] = 0;
        TEST_EQ(gnt_copy(GNTCOPY_source_gref, U_ZOMBIE, DOMU, 8,
                         mm_virt_to_mfn(local), DOMID_SELF, 0, 8),
                GNTST_bad_domain);
        TEST_EQ(local[0], 0);
        /* Its copy page is still granted, but the frame is freed. */
        {
            int st = gnt_map(va, GNTMAP_host_map, DOMU, U_COPY, &hz2, NULL);

            TEST_EQ(st, GNTST_bad_page);
            if (st == GNTST_okay)
                gnt_unmap(va, hz2);
        }
    }
    TEST_EQ(gnt_unmap(zva, hz), GNTST_okay);
    TEST_EQ(gnt_unmap(zva, hz), GNTST_bad_handle);
    /* With its last page back, the domain goes. */
    TEST_CHECK(GX_WAIT(gnt_query(DOMU, NULL, NULL) == GNTST_bad_domain));
    give_back(pva);
    give_back(va);
    give_back(zva);
    for (unsigned int r = D0_RW; r <= D0_PT; r++)
        tab[r].flags = 0;
}

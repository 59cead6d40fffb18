/* SPDX-License-Identifier: MIT */
/* ctl_build, the domU: check what its builder gave it, grant, then end. */
#include "cb.h"

static volatile struct mbox *mbox_page(void)
{
    unsigned long pfn = MM_M2P[start_info->store_mfn];

    return (volatile struct mbox *)mm_pfn_to_virt(pfn);
}

/* Wait for dom0 to set step, seeing the xenstore channel go pending. */
static int wait_step(volatile struct mbox *mb, uint32_t step)
{
    evtchn_port_t port = start_info->store_evtchn;
    uint64_t end = guest_now() + 20000 * MS;
    int pending = 0;

    while (mb->step != step && guest_now() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    /* dom0 sends after it sets step: give the event a moment to land. */
    while (!pending && guest_now() < end) {
        pending = evtchn_is_pending(port);
        if (!pending)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    evtchn_clear_pending(port);
    return mb->step == step && pending;
}

static int page_is(const volatile uint8_t *p, unsigned int from,
                   unsigned int to, uint8_t val)
{
    for (unsigned int i = from; i < to; i++)
        if (p[i] != val)
            return 0;
    return 1;
}

void domu_main(void)
{
    volatile struct grant_entry_v1 *gt;
    volatile struct mbox *mb;
    volatile uint8_t *p, *r;
    xen_pfn_t f[1] = { 0 };
    uint16_t flags;

    /* What a builder must have given it. */
    TEST_CHECK(!(start_info->flags & SIF_INITDOMAIN));
    TEST_EQ(start_info->nr_pages, DOMU_PAGES);
    TEST_CHECK(start_info->store_mfn != 0 && start_info->store_evtchn != 0);
    TEST_CHECK(start_info->console.domU.mfn != 0 &&
               start_info->console.domU.evtchn != 0);
    TEST_EQ(mm_pfn_to_mfn(MM_M2P[start_info->store_mfn]),
            start_info->store_mfn);
    printk("domU: built by dom0, %lu pages, console port %u, store port %u\n",
           (unsigned long)start_info->nr_pages, start_info->console.domU.evtchn,
           start_info->store_evtchn);

    /* Its table, with the reserved entries the toolstack wrote. */
    TEST_EQ(gnt_setup(DOMID_SELF, 1, f), GNTST_okay);
    gt = mm_alloc_page();
    TEST_EQ(
        mm_update_va((unsigned long)gt, MFN_PTE(f[0], PTE_KDATA), UVMF_INVLPG),
        0);
    TEST_EQ(gt[GNTTAB_RESERVED_CONSOLE].frame, start_info->console.domU.mfn);
    TEST_EQ(gt[GNTTAB_RESERVED_CONSOLE].domid, 0);
    TEST_EQ(gt[GNTTAB_RESERVED_XENSTORE].frame, start_info->store_mfn);
    TEST_CHECK(gt[GNTTAB_RESERVED_XENSTORE].flags & GTF_permit_access);

    p = mm_alloc_page();
    r = mm_alloc_page();
    memset((void *)p, FILL_P, MM_PAGE_SIZE);
    memset((void *)r, FILL_R, MM_PAGE_SIZE);
    gnt_grant(&gt[GREF_RW], 0, (uint32_t)mm_virt_to_mfn((void *)p),
              GTF_permit_access);
    gnt_grant(&gt[GREF_RO], 0, (uint32_t)mm_virt_to_mfn((void *)r),
              GTF_permit_access | GTF_readonly);

    mb = mbox_page();
    mb->gref_rw = GREF_RW;
    mb->gref_ro = GREF_RO;
    __asm__ volatile("" ::: "memory");
    mb->magic = MBOX_MAGIC;
    TEST_EQ(evtchn_send(start_info->store_evtchn), 0);

    if (!wait_step(mb, 1)) {
        test_fail("dom0 never answered over the xenstore channel (step %u)",
                  mb->step);
        test_finish();
    }
    TEST_CHECK(page_is(p, 0, 2048, FILL_MAP));
    TEST_CHECK(page_is(p, 2048, 4096, FILL_COPY));
    TEST_CHECK(page_is(r, 0, 4096, FILL_R));
    /* dom0 unmapped: the grants are idle and can be taken back. */
    flags = gt[GREF_RW].flags;
    TEST_EQ(flags & (GTF_reading | GTF_writing), 0);
    TEST_EQ(gt[GREF_RO].flags & (GTF_reading | GTF_writing), 0);
    gt[GREF_RW].flags = 0;
    gt[GREF_RO].flags = 0;

    /* The shutdown reason dom0 must read back: not the default poweroff. */
    if (test_checks_failed())
        test_finish();
    printk("Test result: PASS\n");
    guest_shutdown(SHUTDOWN_reboot);
}

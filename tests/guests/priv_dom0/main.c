/* SPDX-License-Identifier: MIT */
/* The privileged domain naming absent domains, DOMID_XEN/IO and itself. */
#include <guest/test.h>
#include <guest/events.h>
#include <guest/mm.h>

/*
 * What a single domain can see of the privilege checks priv_domid covers
 * with two: the lookups Xen makes before any check (-ESRCH for no such
 * domain, DOMID_XEN and DOMID_IO where those are not page owners, and
 * for naming oneself by number where Xen refuses that), and what the
 * privileged domain is allowed. Runs on Xen 4.17 as dom0 too.
 */
#define NOBODY 9

static const domid_t absent[] = { DOMID_XEN, DOMID_IO, NOBODY };

static long query(unsigned int cmd, domid_t dom)
{
    struct xen_memory_domain m = { .domid = dom };

    return HYPERVISOR_memory_op(cmd, &m);
}

static long change(unsigned int cmd, domid_t dom, xen_pfn_t *frame)
{
    struct xen_memory_reservation r;

    memset(&r, 0, sizeof(r));
    set_xen_guest_handle(r.extent_start, frame);
    r.nr_extents = 1;
    r.domid = dom;
    return HYPERVISOR_memory_op(cmd, &r);
}

static long mmu1(unsigned int fd, uint64_t ptr, uint64_t val, unsigned int n)
{
    struct mmu_update req = { .ptr = ptr, .val = val };
    unsigned int done = 0xdead;

    return hypercall6(__HYPERVISOR_mmu_update, (unsigned long)&req, n,
                      (unsigned long)&done, fd, 0);
}

static long ext1(unsigned int cmd, unsigned int fd)
{
    struct mmuext_op op = { .cmd = cmd };
    unsigned int done = 0xdead;

    return hypercall6(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1,
                      (unsigned long)&done, fd, 0);
}

static void memory_op(uint64_t *w)
{
    long own = query(XENMEM_current_reservation, DOMID_SELF);
    xen_pfn_t frame;

    TEST_CHECK(own > 0);
    TEST_EQ(query(XENMEM_current_reservation, 0), own);
    for (unsigned int k = 0; k < 3; k++) {
        TEST_EQ(query(XENMEM_current_reservation, absent[k]), -XEN_ESRCH);
        TEST_EQ(query(XENMEM_maximum_reservation, absent[k]), -XEN_ESRCH);
        /* Reservation changes for no domain: nothing done. */
        frame = mm_virt_to_mfn(w);
        TEST_EQ(change(XENMEM_decrease_reservation, absent[k], &frame), 0);
        TEST_EQ(change(XENMEM_populate_physmap, absent[k], &frame), 0);
        TEST_EQ(change(XENMEM_increase_reservation, absent[k], &frame), 0);
    }
    TEST_EQ(query(XENMEM_current_reservation, DOMID_SELF), own);
    TEST_EQ(w[0], 0x5a5a5a5a5a5a5a5aULL);
}

static void mmu(uint64_t *w)
{
    unsigned long va = (unsigned long)w;
    uint64_t ma = mm_pte_maddr(va, 1), pte = *mm_pte_ptr(va, 1);

    /* Page owner: absent, or ourselves by number. */
    TEST_EQ(mmu1(NOBODY, ma, pte, 1), -XEN_ESRCH);
    TEST_EQ(mmu1(NOBODY, ma, pte, 0), -XEN_ESRCH);
    TEST_EQ(mmu1(0, ma, pte, 1), -XEN_ESRCH);
    /* Page tables' owner (domid + 1 in the upper half): absent, or us. */
    TEST_EQ(mmu1((NOBODY + 1u) << 16 | DOMID_SELF, ma, pte, 1), -XEN_ESRCH);
    TEST_EQ(mmu1(1u << 16 | DOMID_SELF, ma, pte, 1), 0);
    TEST_EQ(*mm_pte_ptr(va, 1), pte);
    /* DOMID_IO and DOMID_XEN own none of our frames, even for dom0. */
    TEST_EQ(mmu1(DOMID_IO, ma, pte & ~PTE_RW, 1), -XEN_EBUSY);
    TEST_EQ(mmu1(DOMID_XEN, ma, pte & ~PTE_RW, 1), -XEN_EBUSY);
    TEST_EQ(hypercall6(__HYPERVISOR_update_va_mapping_otherdomain, va,
                       pte & ~PTE_RW, UVMF_INVLPG, DOMID_IO, 0),
            -XEN_EBUSY);
    TEST_EQ(*mm_pte_ptr(va, 1), pte);

    TEST_EQ(hypercall6(__HYPERVISOR_update_va_mapping_otherdomain, va, pte,
                       UVMF_INVLPG, NOBODY, 0),
            -XEN_ESRCH);
    TEST_EQ(hypercall6(__HYPERVISOR_update_va_mapping_otherdomain, va, pte,
                       UVMF_INVLPG, 0, 0),
            -XEN_ESRCH);
    TEST_EQ(hypercall6(__HYPERVISOR_update_va_mapping_otherdomain, va, pte,
                       UVMF_INVLPG, DOMID_SELF, 0),
            0);

    TEST_EQ(ext1(MMUEXT_TLB_FLUSH_LOCAL, NOBODY), -XEN_ESRCH);
    TEST_EQ(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0), -XEN_ESRCH);
    TEST_EQ(ext1(MMUEXT_TLB_FLUSH_LOCAL, DOMID_SELF), 0);
    /* dom0 has I/O access, so it may flush caches. */
    TEST_EQ(ext1(MMUEXT_FLUSH_CACHE, DOMID_SELF), 0);
    TEST_EQ(ext1(MMUEXT_FLUSH_CACHE_GLOBAL, DOMID_SELF), 0);
    TEST_EQ(w[0], 0x5a5a5a5a5a5a5a5aULL);
}

static void evtchn(void)
{
    struct evtchn_alloc_unbound au = { .remote_dom = 0 };
    struct evtchn_status st;
    evtchn_port_t p;

    for (unsigned int k = 0; k < 3; k++) {
        au.dom = absent[k];
        TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au),
                -XEN_ESRCH);
        TEST_EQ(evtchn_bind_interdomain(absent[k], 1, &p), -XEN_ESRCH);
        TEST_EQ(evtchn_status(absent[k], 1, &st), -XEN_ESRCH);
        TEST_EQ(evtchn_reset(absent[k]), -XEN_ESRCH);
    }
    /* Ourselves by number is fine here. */
    au.dom = 0;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    TEST_EQ(evtchn_status(0, au.port, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_unbound);
    TEST_EQ(evtchn_close(au.port), 0);
}

static void misc(void)
{
    struct sched_remote_shutdown rs = { .reason = SHUTDOWN_poweroff };
    struct xen_feature_info fi = { .submap_idx = 0 };

    /* remote_shutdown looks domains up by number only. */
    rs.domain_id = DOMID_SELF;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    for (unsigned int k = 0; k < 3; k++) {
        rs.domain_id = absent[k];
        TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    }
    TEST_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    TEST_CHECK(fi.submap & (1u << XENFEAT_dom0));
    TEST_CHECK(HYPERVISOR_xen_version(XENVER_build_id, NULL) != -XEN_EPERM);
    /* The privileged domain passes the policy; the command is unknown. */
    TEST_EQ(HYPERVISOR_console_io(7, 0, NULL), -XEN_ENOSYS);
}

void test_main(void)
{
    uint64_t *w;

    mm_init();
    TEST_EQ(events_init(), 0);
    w = mm_alloc_page();
    TEST_CHECK(w != NULL);
    if (!w)
        return;
    for (unsigned int i = 0; i < 512; i++)
        w[i] = 0x5a5a5a5a5a5a5a5aULL;
    memory_op(w);
    mmu(w);
    evtchn();
    misc();
}

/* SPDX-License-Identifier: MIT */
/* createdomain/destroydomain from dom0: Xen 4.17's answers, nothing leaked. */
#include <guest/events.h>
#include <guest/test.h>
#include <guest/time.h>
#include <guest/ctl.h>

#define MS 1000000ULL
#define CYCLES 1000
#define WARMUP 50
#define PAGES 16

static struct xen_domctl dc;
static struct xen_sysctl sc;

/* The calls below work on these two. */
#define domctl(cmd, dom) domctl_op(&dc, (cmd), (dom))

static void pv_config(uint32_t vcpus)
{
    domctl_pv_config(&dc, vcpus);
}

static long create(domid_t want, domid_t *got)
{
    long rc;

    pv_config(2);
    rc = domctl(XEN_DOMCTL_createdomain, want);
    if (!rc && got)
        *got = dc.domain;
    return rc;
}

/* getdomaininfo of exactly id; -ESRCH once it is gone. */
static long info_of(domid_t id, struct xen_domctl_getdomaininfo *i)
{
    memset(&dc, 0, sizeof(dc));
    if (domctl(XEN_DOMCTL_getdomaininfo, id))
        return -XEN_ESRCH;
    if (dc.domain != id)
        return -XEN_ESRCH;
    *i = dc.u.getdomaininfo;
    return 0;
}

/* Destroyed domains go when their last reference does: wait for that. */
static int gone(domid_t id)
{
    struct xen_domctl_getdomaininfo i;
    uint64_t end = guest_now() + 2000 * MS;

    while (guest_now() < end) {
        if (info_of(id, &i) == -XEN_ESRCH)
            return 1;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    return 0;
}

static long populate(domid_t id, unsigned long n)
{
    static xen_pfn_t pfns[PAGES];
    struct xen_memory_reservation r;

    for (unsigned long k = 0; k < n; k++)
        pfns[k] = k;
    memset(&r, 0, sizeof(r));
    set_xen_guest_handle(r.extent_start, pfns);
    r.nr_extents = n;
    r.domid = id;
    return HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
}

static void refusals(void)
{
    pv_config(0);
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(100000);
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(1);
    dc.u.createdomain.flags = 1U << 8;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(1);
    dc.u.createdomain.flags = XEN_DOMCTL_CDF_hap;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(1);
    dc.u.createdomain.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(1);
    dc.u.createdomain.grant_opts = 0x10;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    /* Grant limits as Xen's grant_table_init checks them; no version. */
    pv_config(1);
    dc.u.createdomain.max_grant_frames = 0;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(1);
    dc.u.createdomain.max_grant_frames = 65;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(1);
    dc.u.createdomain.max_maptrack_frames = 1025;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    pv_config(1);
    dc.u.createdomain.grant_opts = 0;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_EINVAL);
    /* dom0 cannot take itself apart. */
    TEST_EQ(domctl(XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL);
}

static void one_domain(void)
{
    struct xen_domctl_getdomaininfo i;
    evtchn_port_t exc, link = 0;
    domid_t id = 0, self = DOMID_SELF;
    long rc;

    TEST_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, 0, &exc), 0);
    evtchn_mask(exc);
    TEST_EQ(create(0, &id), 0);
    printk("created d%u\n", id);
    TEST_CHECK(id > 0 && id < DOMID_FIRST_RESERVED);
    /* Its id is taken. */
    TEST_EQ(create(id, NULL), -XEN_EEXIST);

    /* Empty, paused, no vCPUs yet, never shut down. */
    TEST_EQ(info_of(id, &i), 0);
    printk("d%u: flags 0x%x, %lu/%lu pages, max vcpu id 0x%x\n", id, i.flags,
           (unsigned long)i.tot_pages, (unsigned long)i.max_pages,
           i.max_vcpu_id);
    TEST_EQ(i.flags, 0xffff0000U | XEN_DOMINF_paused);
    TEST_EQ(i.tot_pages, 0);
    TEST_EQ(i.nr_online_vcpus, 0);
    TEST_EQ(i.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID);
    memset(&dc, 0, sizeof(dc));
    dc.u.getvcpuinfo.vcpu = 0;
    TEST_EQ(domctl(XEN_DOMCTL_getvcpuinfo, id), -XEN_ESRCH);

    /* The count createdomain fixed, and only that. */
    memset(&dc, 0, sizeof(dc));
    dc.u.max_vcpus.max = 3;
    TEST_EQ(domctl(XEN_DOMCTL_max_vcpus, id), -XEN_EINVAL);
    dc.u.max_vcpus.max = 2;
    TEST_EQ(domctl(XEN_DOMCTL_max_vcpus, id), 0);
    TEST_EQ(info_of(id, &i), 0);
    TEST_EQ(i.max_vcpu_id, 1);
    TEST_EQ(i.nr_online_vcpus, 0);
    memset(&dc, 0, sizeof(dc));
    dc.u.getvcpuinfo.vcpu = 1;
    TEST_EQ(domctl(XEN_DOMCTL_getvcpuinfo, id), 0);
    TEST_EQ(dc.u.getvcpuinfo.online, 0);

    /* Memory only within max_mem. */
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = PAGES * 4;
    TEST_EQ(domctl(XEN_DOMCTL_max_mem, id), 0);
    TEST_EQ(populate(id, PAGES), PAGES);
    TEST_EQ(populate(id, 1), 0);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &id), PAGES);
    TEST_EQ(info_of(id, &i), 0);
    TEST_EQ(i.tot_pages, PAGES);
    TEST_EQ(i.max_pages, PAGES);

    /* Paused once at birth: one unpause starts it, a second is refused. */
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, id), 0);
    TEST_EQ(info_of(id, &i), 0);
    TEST_EQ(i.flags & XEN_DOMINF_paused, 0);
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, id), -XEN_EINVAL);

    /*
     * An event channel the toolstack's way: a port allocated in the new
     * domain for dom0 to bind, then bound from dom0's side.
     */
    {
        struct evtchn_alloc_unbound au = { .dom = id, .remote_dom = 0 };
        struct evtchn_status st;

        TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
        TEST_EQ(evtchn_status(id, au.port, &st), 0);
        TEST_EQ(st.status, EVTCHNSTAT_unbound);
        TEST_EQ(st.u.unbound.dom, 0);
        TEST_EQ(evtchn_bind_interdomain(id, au.port, &link), 0);
        TEST_EQ(evtchn_status(id, au.port, &st), 0);
        TEST_EQ(st.status, EVTCHNSTAT_interdomain);
        TEST_EQ(st.u.interdomain.dom, 0);
        TEST_EQ(st.u.interdomain.port, link);
        TEST_EQ(evtchn_send(link), 0);
    }

    /* Destroyed: gone, and dom0 hears of it. */
    TEST_EQ(evtchn_is_pending(exc), 0);
    rc = domctl(XEN_DOMCTL_destroydomain, id);
    TEST_EQ(rc, 0);
    TEST_CHECK(gone(id));
    TEST_EQ(evtchn_is_pending(exc), 1);
    /* dom0's end of the channel is unbound again, naming the dead domain. */
    {
        struct evtchn_status st;

        TEST_EQ(evtchn_status(DOMID_SELF, link, &st), 0);
        TEST_EQ(st.status, EVTCHNSTAT_unbound);
        TEST_EQ(st.u.unbound.dom, id);
        TEST_EQ(evtchn_close(link), 0);
    }
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &id), -XEN_ESRCH);
    (void)self;
    TEST_EQ(evtchn_close(exc), 0);
}

/* createdomain's max_evtchn_port: ports above it are not given out. */
static void port_limit(void)
{
    struct evtchn_alloc_unbound au;
    domid_t id;

    pv_config(1);
    dc.u.createdomain.max_evtchn_port = 2;
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), 0);
    id = dc.domain;
    for (unsigned int k = 1; k <= 3; k++) {
        memset(&au, 0, sizeof(au));
        au.dom = id;
        au.remote_dom = 0;
        TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au),
                k <= 2 ? 0 : -XEN_ENOSPC);
        if (k <= 2)
            TEST_EQ(au.port, k);
    }
    /* Xen 4.17 has no set_max_evtchn any more (moved into createdomain). */
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(70, id), -XEN_ENOSYS);
    TEST_EQ(domctl(XEN_DOMCTL_destroydomain, id), 0);
    TEST_CHECK(gone(id));
}

static void cycles(void)
{
    uint64_t before, after;
    unsigned int bad = 0, k;
    domid_t id;

    /*
     * Rounds first: the hypervisors' own heaps grow to what one domain
     * needs and keep it (Xen's xmalloc pool, Vesper's slabs).
     */
    for (k = 0; k < WARMUP; k++)
        if (create(0, &id) == 0) {
            domctl(XEN_DOMCTL_destroydomain, id);
            gone(id);
        }
    before = ctl_settled_free_pages();
    for (k = 0; k < CYCLES && !bad; k++) {
        if (create(0, &id)) {
            bad++;
            break;
        }
        memset(&dc, 0, sizeof(dc));
        dc.u.max_vcpus.max = 2;
        if (domctl(XEN_DOMCTL_max_vcpus, id))
            bad++;
        memset(&dc, 0, sizeof(dc));
        dc.u.max_mem.max_memkb = PAGES * 4;
        if (domctl(XEN_DOMCTL_max_mem, id) || populate(id, PAGES) != PAGES)
            bad++;
        if (domctl(XEN_DOMCTL_destroydomain, id) || !gone(id))
            bad++;
    }
    TEST_EQ(bad, 0);
    TEST_EQ(k, CYCLES);
    after = ctl_settled_free_pages();
    printk("free pages: %lu before, %lu after %u cycles\n",
           (unsigned long)before, (unsigned long)after, k);
    /*
     * Nothing lost. Xen's count drifts by a few hundred pages either way
     * meanwhile (its boot-time scrub, deferred frees, its own pools), so
     * the check allows 1024 pages: a leak of two pages a round (or of
     * the 16 populated ones) still fails it. Vesper's count comes back
     * exactly.
     */
    TEST_CHECK(after + 1024 >= before);
}

static long claim(domid_t id, unsigned long pages)
{
    struct xen_memory_reservation r;

    memset(&r, 0, sizeof(r));
    r.nr_extents = pages;
    r.domid = id;
    return HYPERVISOR_memory_op(XENMEM_claim_pages, &r);
}

static uint64_t outstanding(void)
{
    memset(&sc, 0, sizeof(sc));
    if (sysctl_op(&sc, XEN_SYSCTL_physinfo))
        return ~0ULL;
    return sc.u.physinfo.outstanding_pages;
}

/*
 * XENMEM_claim_pages as Xen's domain_set_outstanding_pages: a claim is
 * the domain's total, above what it has and within its limit; one at a
 * time; populating uses it up; 0 cancels; it goes with the domain.
 */
static void claims(void)
{
    struct xen_domctl_getdomaininfo i;
    struct xen_memory_reservation r;
    uint64_t before = outstanding();
    domid_t id;

    TEST_EQ(create(0, &id), 0);
    memset(&dc, 0, sizeof(dc));
    dc.u.max_vcpus.max = 2;
    TEST_EQ(domctl(XEN_DOMCTL_max_vcpus, id), 0);
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = 64 * 4;
    TEST_EQ(domctl(XEN_DOMCTL_max_mem, id), 0);
    TEST_EQ(claim(id, 0), 0);
    TEST_EQ(claim(id, 65), -XEN_EINVAL); /* above max_mem */
    TEST_EQ(claim(4321, 8), -XEN_EINVAL);
    memset(&r, 0, sizeof(r));
    r.nr_extents = 8;
    r.domid = id;
    r.extent_order = 1;
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_claim_pages, &r), -XEN_EINVAL);
    TEST_EQ(claim(id, 48), 0);
    TEST_EQ(claim(id, 40), -XEN_EINVAL); /* one claim at a time */
    TEST_EQ(outstanding(), before + 48);
    TEST_EQ(info_of(id, &i), 0);
    TEST_EQ(i.outstanding_pages, 48);
    /* Populating takes from the claim. */
    TEST_EQ(populate(id, PAGES), PAGES);
    TEST_EQ(info_of(id, &i), 0);
    TEST_EQ(i.outstanding_pages, 48 - PAGES);
    TEST_EQ(outstanding(), before + 48 - PAGES);
    TEST_EQ(claim(id, 0), 0);
    TEST_EQ(outstanding(), before);
    /* Not above what it already has; more than is free is -ENOMEM. */
    TEST_EQ(claim(id, PAGES), -XEN_EINVAL);
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = 0xffffffffULL * 4;
    TEST_EQ(domctl(XEN_DOMCTL_max_mem, id), 0);
    TEST_EQ(claim(id, 0xfffffff0UL), -XEN_ENOMEM);
    /* A claim goes with its domain. */
    TEST_EQ(claim(id, PAGES + 8), 0);
    TEST_EQ(outstanding(), before + 8);
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_destroydomain, id), 0);
    TEST_CHECK(gone(id));
    TEST_EQ(outstanding(), before);
}

void test_main(void)
{
    TEST_EQ(events_init(), 0);
    refusals();
    one_domain();
    port_limit();
    claims();
    cycles();
}

/* SPDX-License-Identifier: MIT */
/* Benchmark guest: grant map/unmap and copy, domain create/destroy. */
#include <guest/build.h>
#include <guest/ctl.h>
#include <guest/events.h>
#include <guest/grant.h>
#include <guest/mm.h>
#include <guest/time.h>

#include "bench.h"

/*
 * grant_map_unmap and grant_copy_4k use a grant from ourselves to
 * ourselves: the guest is domain 0 on both hypervisors, and both (Xen
 * 4.17 as tests/guests/gnt_basic checks) let a domain map and copy its
 * own grants by its real id (DOMID_SELF is refused for a grant's domain).
 * Their unsupported reasons carry the GNTST_ status, or the call's errno.
 *
 * domain_create_destroy is the toolstack's shortest round: create a PV
 * domain, give it its vCPU and a memory limit, populate 256 pages, destroy
 * it and poll getdomaininfo until the domain is gone. Xen frees a dead
 * domain after an RCU grace period, so the poll is part of the figure;
 * the polls beyond the first are reported as extra_polls.
 */

#define ME 0    /* our domain id: the bench guest is domain 0 */
#define GREF 10 /* the self-grant; 0..7 are reserved for tools */
#define DOM_PAGES 256
#define GONE_LIMIT_NS (2 * NS_PER_SEC)

static volatile struct grant_entry_v1 *gtab;
static uint64_t *gpage, *gdst;
static unsigned long map_va, gdst_mfn;

/* Map one of our spare pages' VAs to mfn, or give it its own frame back. */
static long remap(unsigned long va, unsigned long mfn)
{
    return mm_update_va(va, MFN_PTE(mfn, PTE_KDATA), UVMF_INVLPG);
}

static long op_map_unmap(unsigned long k __attribute__((unused)))
{
    grant_handle_t h = 0;
    int st = gnt_map(map_va, GNTMAP_host_map, ME, GREF, &h, NULL);

    if (st)
        return st;
    return gnt_unmap(map_va, h);
}

static long op_copy(unsigned long k __attribute__((unused)))
{
    return gnt_copy(GNTCOPY_source_gref, GREF, ME, 0, gdst_mfn, DOMID_SELF, 0,
                    4096);
}

/* One map, read through it, unmap: the figure measures something real. */
static long check_map(void)
{
    grant_handle_t h = 0;
    uint64_t v = 0;
    int st = gnt_map(map_va, GNTMAP_host_map, ME, GREF, &h, NULL);

    if (st)
        return st;
    mm_invlpg(map_va); /* a map over a present entry leaves us the TLB */
    if (mm_probe_read64((void *)(map_va + 8), &v) || v != gpage[1])
        st = -XEN_EIO;
    if (gnt_unmap(map_va, h) && !st)
        st = -XEN_EIO;
    return st;
}

void bench_grant(void)
{
    static xen_pfn_t frame;
    unsigned long tab_va;
    long rc;

    gpage = mm_alloc_page();
    gdst = mm_alloc_page();
    tab_va = (unsigned long)mm_alloc_page();
    map_va = (unsigned long)mm_alloc_page();
    if (!gpage || !gdst || !tab_va || !map_va) {
        unsupported("grant_map_unmap", "no-spare-pages", 0);
        unsupported("grant_copy_4k", "no-spare-pages", 0);
        return;
    }
    gdst_mfn = mm_virt_to_mfn(gdst);
    for (unsigned int i = 0; i < 512; i++)
        gpage[i] = 0x6772616e74000000ULL + i;

    /* The table's first frame, mapped by us (Linux PV's way). */
    rc = gnt_setup(DOMID_SELF, 1, &frame);
    if (!rc)
        rc = remap(tab_va, frame);
    if (rc) {
        unsupported("grant_map_unmap", "GNTTABOP_setup_table", rc);
        unsupported("grant_copy_4k", "GNTTABOP_setup_table", rc);
        return;
    }
    gtab = (volatile struct grant_entry_v1 *)tab_va;
    gnt_grant(&gtab[GREF], ME, (uint32_t)mm_virt_to_mfn(gpage),
              GTF_permit_access);

    /* map_va stays unmapped between operations (unmap clears the PTE). */
    rc = check_map();
    if (rc)
        unsupported("grant_map_unmap", "GNTTABOP_map_grant_ref", rc);
    else
        run("grant_map_unmap", 5000, op_map_unmap);

    rc = op_copy(0);
    if (!rc && memcmp(gdst, gpage, 4096))
        rc = -XEN_EIO;
    if (rc)
        unsupported("grant_copy_4k", "GNTTABOP_copy", rc);
    else
        run("grant_copy_4k", 5000, op_copy);

    gtab[GREF].flags = 0;
    remap(map_va, mm_virt_to_mfn((void *)map_va));
    remap(tab_va, mm_virt_to_mfn((void *)tab_va));
}

/* ------------------------------------------------- domain create/destroy */

static struct xen_domctl dc;
static xen_pfn_t pfns[DOM_PAGES];
static unsigned long extra_polls;

/* A PV domain with one vCPU, as libxl makes it. */
static long create(domid_t *id)
{
    long rc;

    domctl_pv_config(&dc, 1);
    rc = domctl_op(&dc, XEN_DOMCTL_createdomain, 0);
    *id = dc.domain;
    return rc;
}

static long populate(domid_t id)
{
    struct xen_memory_reservation r;

    /* PV: the hypervisor writes the machine frames back over the list. */
    for (unsigned int k = 0; k < DOM_PAGES; k++)
        pfns[k] = k;
    memset(&r, 0, sizeof(r));
    set_xen_guest_handle(r.extent_start, pfns);
    r.nr_extents = DOM_PAGES;
    r.domid = id;
    return HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
}

/* getdomaininfo answers the next domain up when id is gone, or -ESRCH. */
static int exists(domid_t id)
{
    memset(&dc, 0, sizeof(dc));
    return !domctl_op(&dc, XEN_DOMCTL_getdomaininfo, id) && dc.domain == id;
}

static long wait_gone(domid_t id)
{
    uint64_t end;

    if (!exists(id))
        return 0;
    end = guest_now() + GONE_LIMIT_NS;
    do {
        extra_polls++;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        if (!exists(id))
            return 0;
    } while (guest_now() < end);
    return -XEN_ETIMEDOUT;
}

static const char *dom_step;

static long op_domain(void)
{
    domid_t id;
    long rc;

    dom_step = "XEN_DOMCTL_createdomain";
    rc = create(&id);
    if (rc)
        return rc;
    dom_step = "XEN_DOMCTL_max_vcpus";
    memset(&dc, 0, sizeof(dc));
    dc.u.max_vcpus.max = 1;
    rc = domctl_op(&dc, XEN_DOMCTL_max_vcpus, id);
    if (!rc) {
        dom_step = "XEN_DOMCTL_max_mem";
        memset(&dc, 0, sizeof(dc));
        dc.u.max_mem.max_memkb = DOM_PAGES * 4;
        rc = domctl_op(&dc, XEN_DOMCTL_max_mem, id);
    }
    if (!rc) {
        dom_step = "XENMEM_populate_physmap";
        rc = populate(id);
        rc = rc == DOM_PAGES ? 0 : (rc < 0 ? rc : -XEN_ENOMEM);
    }
    /* Destroy whatever happened, so a failed round leaves nothing. */
    memset(&dc, 0, sizeof(dc));
    if (domctl_op(&dc, XEN_DOMCTL_destroydomain, id) && !rc) {
        dom_step = "XEN_DOMCTL_destroydomain";
        rc = -XEN_EIO;
    }
    if (wait_gone(id) && !rc) {
        dom_step = "getdomaininfo-still-there";
        rc = -XEN_ETIMEDOUT;
    }
    return rc;
}

/* Like run(), with the step that failed and the polls counted. */
void bench_domains(void)
{
    unsigned long iters = iters_for(50), warm = iters / 10 + 1, k;
    uint64_t t0, t1;
    char extra[40];
    long rc;

    for (k = 0; k < warm; k++) {
        rc = op_domain();
        if (rc) {
            unsupported("domain_create_destroy", dom_step, rc);
            return;
        }
    }
    extra_polls = 0;
    t0 = tsc();
    for (k = 0; k < iters; k++) {
        rc = op_domain();
        if (rc) {
            unsupported("domain_create_destroy", dom_step, rc);
            return;
        }
    }
    t1 = tsc();
    snprintf(extra, sizeof(extra), " extra_polls=%lu", extra_polls);
    report("domain_create_destroy", iters, t1 - t0, extra);
}

/*
 * domain_build_run_destroy: the toolstack's whole round with the SDK's
 * builder (guest/build.h): a 1024-page PV domU built from our own image
 * (the boot module, started with "domu": it shuts down at once), unpaused,
 * waited for until getdomaininfo says it shut down, destroyed, and polled
 * until gone.
 */
static struct pv_build pvb;

static int shut_down(domid_t id)
{
    memset(&dc, 0, sizeof(dc));
    return !domctl_op(&dc, XEN_DOMCTL_getdomaininfo, id) && dc.domain == id &&
           (dc.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
}

static long op_build_run(void)
{
    uint64_t end;
    long rc = pv_build_create(&pvb);

    if (!rc)
        rc = pv_build_load(&pvb);
    if (!rc)
        rc = pv_build_start(&pvb);
    if (!rc) {
        memset(&dc, 0, sizeof(dc));
        rc = domctl_op(&dc, XEN_DOMCTL_unpausedomain, pvb.domid);
        if (rc)
            pvb.step = "XEN_DOMCTL_unpausedomain";
    }
    end = guest_now() + GONE_LIMIT_NS;
    while (!rc && !shut_down(pvb.domid)) {
        if (guest_now() > end) {
            pvb.step = "domU-never-shut-down";
            rc = -XEN_ETIMEDOUT;
        }
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    if (pvb.domid) {
        memset(&dc, 0, sizeof(dc));
        if (domctl_op(&dc, XEN_DOMCTL_destroydomain, pvb.domid) && !rc) {
            pvb.step = "XEN_DOMCTL_destroydomain";
            rc = -XEN_EIO;
        }
        if (wait_gone(pvb.domid) && !rc) {
            pvb.step = "getdomaininfo-still-there";
            rc = -XEN_ETIMEDOUT;
        }
    }
    /* Our ends of its channels go with it. */
    if (pvb.console_port)
        evtchn_close(pvb.console_port);
    if (pvb.store_port)
        evtchn_close(pvb.store_port);
    pvb.domid = 0;
    pvb.console_port = pvb.store_port = 0;
    return rc;
}

void bench_build_run(void)
{
    unsigned long iters = iters_for(20), k;
    uint64_t t0, t1;
    long rc;

    pvb.image = (const uint8_t *)start_info->mod_start;
    pvb.image_len = start_info->mod_len;
    pvb.nr_pages = 1024;
    pvb.cmdline = "domu";
    if (!pvb.image_len) {
        unsupported("domain_build_run_destroy", "no-boot-module", 0);
        return;
    }
    rc = pv_build_parse(&pvb);
    if (rc) {
        unsupported("domain_build_run_destroy", pvb.step, rc);
        return;
    }
    for (k = 0; k < 2; k++) {
        rc = op_build_run();
        if (rc) {
            unsupported("domain_build_run_destroy", pvb.step, rc);
            return;
        }
    }
    t0 = tsc();
    for (k = 0; k < iters; k++) {
        rc = op_build_run();
        if (rc) {
            unsupported("domain_build_run_destroy", pvb.step, rc);
            return;
        }
    }
    t1 = tsc();
    report("domain_build_run_destroy", iters, t1 - t0, "");
}

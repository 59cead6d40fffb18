/* SPDX-License-Identifier: MIT */
/* ctl_build, dom0: a toolstack's PV build of a domU from a boot module. */
#include "cb.h"
#include <guest/build.h>
#include <public/elfnote.h>
#include <public/io/console.h>

static struct xen_domctl dc;

#define domctl(cmd, dom) domctl_op(&dc, (cmd), (dom))

/* ------------------------------------------------------------ the domain */

/* The builder's state: the SDK's pv_build, as a toolstack would use it. */
static struct pv_build b;
static evtchn_port_t virq_port; /* VIRQ_DOM_EXC, bound once */

static uint64_t va_of(unsigned long pfn)
{
    return pv_build_va(&b, pfn);
}

struct chans {
    evtchn_port_t con_0, store_0, virq;
};

static long pin_foreign(unsigned int cmd, unsigned long frame)
{
    struct mmuext_op op;
    unsigned int done = 0;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = frame;
    return HYPERVISOR_mmuext_op(&op, 1, &done, b.domid);
}

static long vcpu_context(uint32_t cmd, struct vcpu_guest_context *c)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.vcpucontext.vcpu = 0;
    dc.u.vcpucontext.ctxt = (uint64_t)(unsigned long)c;
    return domctl(cmd, b.domid);
}

static long info(struct xen_domctl_getdomaininfo *i)
{
    long rc;

    memset(&dc, 0, sizeof(dc));
    rc = domctl(XEN_DOMCTL_getdomaininfo, b.domid);
    if (!rc && dc.domain != b.domid)
        rc = -XEN_ESRCH;
    if (!rc)
        *i = dc.u.getdomaininfo;
    return rc;
}

/* ------------------------------------------------------------ running it */

/* The highest maptrack handle we were given: leaked entries raise it. */
static grant_handle_t max_handle;

/* A grant of the domU's mapped at one of our pages' addresses. */
struct gmap {
    unsigned long va;
    uint64_t pte;
    grant_handle_t h;
};

static int gmap(struct gmap *m, grant_ref_t ref, uint32_t flags)
{
    int st;

    if (!m->va) {
        m->va = (unsigned long)mm_alloc_page();
        m->pte = mm_read_pte(m->va, 1);
    }
    st = gnt_map(m->va, GNTMAP_host_map | flags, b.domid, ref, &m->h, NULL);
    if (st == GNTST_okay) {
        mm_invlpg(m->va);
        if (m->h > max_handle)
            max_handle = m->h;
    }
    return st;
}

/* The page that lent its address goes back to the pool. */
static void gmap_done(struct gmap *m)
{
    if (m->va)
        mm_free_page((void *)m->va);
    m->va = 0;
}

static int gunmap(struct gmap *m)
{
    int st = gnt_unmap(m->va, m->h);

    /* The unmap leaves the slot empty: our page goes back there. */
    TEST_EQ(mm_update_va(m->va, m->pte, UVMF_INVLPG), 0);
    return st;
}

/* The domU's console, relayed as xenconsoled does. */
static struct pv_console con;

static void use_grants(volatile struct mbox *mb)
{
    struct gmap m = { 0 };
    uint8_t *local = mm_alloc_page();
    volatile uint8_t *p;
    int ok = 1;

    if (gmap(&m, mb->gref_rw, 0) != GNTST_okay) {
        test_fail("dom0 cannot map the domU's grant %u", mb->gref_rw);
        gmap_done(&m);
        mm_free_page(local);
        return;
    }
    p = (volatile uint8_t *)m.va;
    for (unsigned int i = 0; i < MM_PAGE_SIZE; i++)
        ok &= p[i] == FILL_P;
    TEST_CHECK(ok);
    memset((void *)p, FILL_MAP, 2048);
    TEST_EQ(gunmap(&m), GNTST_okay);
    /* Unmapped twice: Xen's bad handle. */
    TEST_EQ(gnt_unmap(m.va, m.h), GNTST_bad_handle);

    /* Read-only: mappable only so; then a copy out of it. */
    TEST_EQ(gmap(&m, mb->gref_ro, 0), GNTST_general_error);
    TEST_EQ(gmap(&m, mb->gref_ro, GNTMAP_readonly), GNTST_okay);
    TEST_EQ(((volatile uint8_t *)m.va)[100], FILL_R);
    TEST_EQ(gunmap(&m), GNTST_okay);
    memset(local, 0, MM_PAGE_SIZE);
    TEST_EQ(gnt_copy(GNTCOPY_source_gref, mb->gref_ro, b.domid, 0,
                     mm_virt_to_mfn(local), DOMID_SELF, 0, 4096),
            GNTST_okay);
    ok = 1;
    for (unsigned int i = 0; i < MM_PAGE_SIZE; i++)
        ok &= local[i] == FILL_R;
    TEST_CHECK(ok);
    /* And into the read-write one, by our frame: its second half. */
    memset(local, FILL_COPY, MM_PAGE_SIZE);
    TEST_EQ(gnt_copy(GNTCOPY_dest_gref, mm_virt_to_mfn(local), DOMID_SELF, 0,
                     mb->gref_rw, b.domid, 2048, 2048),
            GNTST_okay);
    /* Not past the page's end. */
    TEST_EQ(gnt_copy(GNTCOPY_dest_gref, mm_virt_to_mfn(local), DOMID_SELF, 0,
                     mb->gref_rw, b.domid, 2048, 4096),
            GNTST_bad_copy_arg);
    gmap_done(&m);
    mm_free_page(local);
}

/*
 * Paused means off the CPUs once pausedomain returns, as on Xen: two
 * reads of its context some time apart agree, and it is not running.
 */
/* A context is 5168 bytes: more than a page, so not from the page pool. */
static struct vcpu_guest_context ctx_a, ctx_b, ctx_boot;

static void paused_still(void)
{
    struct vcpu_guest_context *c1 = &ctx_a, *c2 = &ctx_b;
    struct xen_domctl_getdomaininfo di;

    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, b.domid), 0);
    TEST_EQ(info(&di), 0);
    TEST_EQ(di.flags & (XEN_DOMINF_paused | XEN_DOMINF_running),
            XEN_DOMINF_paused);
    TEST_EQ(vcpu_context(XEN_DOMCTL_getvcpucontext, c1), 0);
    spin_until(guest_now() + 20 * MS);
    TEST_EQ(vcpu_context(XEN_DOMCTL_getvcpucontext, c2), 0);
    TEST_EQ(memcmp(&c1->user_regs, &c2->user_regs, sizeof(c1->user_regs)), 0);
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, b.domid), 0);
}

static void run_domu(const struct chans *ch)
{
    struct gmap con_m = { 0 }, store_m = { 0 };
    volatile struct mbox *mb;
    uint64_t start = guest_now(), end = start + 60000 * MS;
    int con_events = 0, used = 0, exc = 0;

    /* xenconsoled's and xenstored's way in: the reserved grants. */
    if (gmap(&con_m, GNTTAB_RESERVED_CONSOLE, 0) != GNTST_okay ||
        gmap(&store_m, GNTTAB_RESERVED_XENSTORE, 0) != GNTST_okay) {
        test_fail("dom0 cannot map the domU's console and xenstore grants");
        gmap_done(&con_m);
        gmap_done(&store_m);
        return;
    }
    con.ring = (volatile struct xencons_interface *)con_m.va;
    con.domid = b.domid;
    con.len = 0;
    mb = (volatile struct mbox *)store_m.va;

    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, b.domid), 0);
    while (!exc && guest_now() < end) {
        if (evtchn_is_pending(ch->con_0)) {
            evtchn_clear_pending(ch->con_0);
            con_events++;
        }
        pv_console_relay(&con);
        if (!used && mb->magic == MBOX_MAGIC &&
            evtchn_is_pending(ch->store_0)) {
            evtchn_clear_pending(ch->store_0);
            use_grants(mb);
            paused_still();
            mb->step = 1;
            TEST_EQ(evtchn_send(ch->store_0), 0);
            used = 1;
        }
        /* News of some domain: a toolstack looks which one changed. */
        if (evtchn_is_pending(ch->virq)) {
            struct xen_domctl_getdomaininfo di;

            evtchn_clear_pending(ch->virq);
            exc = !info(&di) && (di.flags & XEN_DOMINF_shutdown);
        }
        if (!exc)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    pv_console_flush(&con);
    TEST_CHECK(exc);
    TEST_CHECK(used);
    TEST_CHECK(con_events > 0);
    evtchn_clear_pending(ch->virq);
    printk("dom0: the domU ran and stopped in %lu ms (%d console events)\n",
           (unsigned long)((guest_now() - start) / MS), con_events);
    TEST_EQ(gunmap(&con_m), GNTST_okay);
    TEST_EQ(gunmap(&store_m), GNTST_okay);
    gmap_done(&con_m);
    gmap_done(&store_m);
}

/* ------------------------------------------------------------ the test */

static void build(void)
{
    struct vcpu_guest_context *ctx = &ctx_boot;
    struct xen_domctl_getdomaininfo di;
    struct chans ch = { 0 };
    uint64_t t0 = guest_now();
    long rc;

    /* createdomain leaves it paused; memory from populate_physmap. */
    if ((rc = pv_build_create(&b))) {
        test_fail("pv_build_create: %s: %ld", b.step, rc);
        return;
    }
    TEST_EQ(info(&di), 0);
    TEST_EQ(di.tot_pages, DOMU_PAGES);
    TEST_CHECK(di.flags & XEN_DOMINF_paused);
    TEST_EQ(vcpu_context(XEN_DOMCTL_getvcpucontext, ctx), -XEN_ENODATA);
    /* Its memory and tables, through foreign mappings of our window. */
    if ((rc = pv_build_load(&b)) || (rc = pv_build_start(&b))) {
        test_fail("pv_build: %s: %ld", b.step, rc);
        return;
    }
    ch.con_0 = b.console_port;
    ch.store_0 = b.store_port;
    ch.virq = virq_port;

    /* Pinned once only; not our frame; not its vCPU's base pointer. */
    TEST_EQ(pin_foreign(MMUEXT_PIN_L4_TABLE, b.mfn[b.pt_pfn]), -XEN_EINVAL);
    TEST_EQ(pin_foreign(MMUEXT_PIN_L1_TABLE, mm_virt_to_mfn(b.scratch)),
            -XEN_EINVAL);
    TEST_EQ(pin_foreign(MMUEXT_NEW_BASEPTR, b.mfn[b.pt_pfn]), -XEN_EPERM);

    memset(ctx, 0xff, sizeof(*ctx));
    TEST_EQ(vcpu_context(XEN_DOMCTL_getvcpucontext, ctx), 0);
    TEST_EQ(ctx->user_regs.rip, b.entry);
    TEST_EQ(ctx->user_regs.rsi, va_of(b.start_info_pfn));
    TEST_EQ(ctx->ctrlreg[3], (uint64_t)b.mfn[b.pt_pfn] << MM_PAGE_SHIFT);
    TEST_EQ(ctx->kernel_sp, va_of(b.stack_pfn + 1));
    TEST_EQ(ctx->flags & (VGCF_online | VGCF_in_kernel),
            VGCF_online | VGCF_in_kernel);
    TEST_EQ(ctx->user_regs.rflags & (1u << 9), 1u << 9);
    /* Its registers may change again, its page tables not (Xen's answer). */
    pv_build_context(&b, ctx);
    ctx->ctrlreg[3] = (uint64_t)b.mfn[b.pt_pfn + 1] << MM_PAGE_SHIFT;
    TEST_EQ(vcpu_context(XEN_DOMCTL_setvcpucontext, ctx), -XEN_EOPNOTSUPP);
    pv_build_context(&b, ctx);
    TEST_EQ(vcpu_context(XEN_DOMCTL_setvcpucontext, ctx), 0);
    printk("dom0: built d%u in %lu ms: %lu image pages, tables at pfn %lu, "
           "entry 0x%lx\n",
           b.domid, (unsigned long)((guest_now() - t0) / MS), b.kernel_pages,
           b.pt_pfn, (unsigned long)b.entry);

    run_domu(&ch);

    /* It stays, shut down with its reason, until the toolstack says. */
    TEST_EQ(info(&di), 0);
    TEST_CHECK(di.flags & XEN_DOMINF_shutdown);
    TEST_EQ((di.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
            SHUTDOWN_reboot);
    /* A null context resets its vCPU: no context to read any more. */
    TEST_EQ(vcpu_context(XEN_DOMCTL_setvcpucontext, NULL), 0);
    TEST_EQ(vcpu_context(XEN_DOMCTL_getvcpucontext, ctx), -XEN_ENODATA);
    TEST_EQ(evtchn_close(ch.con_0), 0);
    TEST_EQ(evtchn_close(ch.store_0), 0);
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_destroydomain, b.domid), 0);
}

static void wait_gone(void)
{
    struct xen_domctl_getdomaininfo di;
    uint64_t end = guest_now() + 10000 * MS;
    long rc = 0;

    while (guest_now() < end && (rc = info(&di)) == 0)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    TEST_EQ(rc, -XEN_ESRCH);
}

void dom0_main(void)
{
    long cycles = cmdline_long("cycles", 3);
    uint64_t settled = 0;

    b.image = (const uint8_t *)start_info->mod_start;
    b.image_len = start_info->mod_len;
    b.nr_pages = DOMU_PAGES;
    b.cmdline = "role=domu";
    if (!b.image_len || pv_build_parse(&b)) {
        test_fail("no PV ELF image as the boot module (%lu bytes)",
                  (unsigned long)b.image_len);
        return;
    }
    TEST_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, 0, &virq_port), 0);
    /*
     * The first build leaves dom0 with what it keeps (its maptrack and
     * event-channel pages); later ones must give all their memory back.
     * Xen's count drifts by a few hundred pages meanwhile (background
     * scrub, deferred frees), so this allows 256, under a quarter of one
     * domU: Vesper's exact count is its log's "0 leaked" and its auditor.
     */
    for (long i = 0; i < cycles && !test_checks_failed(); i++) {
        build();
        wait_gone();
        if (!i) {
            settled = ctl_settled_free_pages();
            /* After the first build only what decides the verdict shows. */
            con.quiet = 1;
            test_quiet(1);
        }
        if (i < 3 || (i + 1) % 100 == 0)
            printk("dom0: cycle %ld of %ld done at %lu ms, %lu pages free\n",
                   i + 1, cycles, (unsigned long)(guest_now() / MS),
                   (unsigned long)ctl_free_pages());
    }
    test_quiet(0);
    /*
     * Each build holds four grant mappings at once at most. Xen (and
     * Vesper) reuse freed maptrack entries oldest first, so handles cycle
     * through the first maptrack frame (512 entries); leaked entries
     * would force a second frame, and handles of 512 or more.
     */
    printk("dom0: highest maptrack handle %u\n", max_handle);
    TEST_CHECK(max_handle < 512);
    if (cycles > 1 && !test_checks_failed()) {
        uint64_t after = ctl_settled_free_pages();

        printk("dom0: %lu pages free after the first build, %lu after the "
               "last\n",
               (unsigned long)settled, (unsigned long)after);
        TEST_CHECK(after + 256 >= settled);
    }
}

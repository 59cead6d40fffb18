/* SPDX-License-Identifier: MIT */
/* ctl_domu with the domU built by dom0 at run time: so it runs on Xen too. */
#include "../ctl_domu/sides.c"
#include <guest/build.h>
#include <guest/events.h>
#include <guest/grant.h>
#include <guest/mm.h>
#include <public/io/console.h>

/*
 * ctl_domu's two sides, but dom0 builds domain 1 from its own boot module
 * with the SDK's builder, as a toolstack does, and relays its console
 * (its verdict among it). Xen 4.17 has no boot-time domUs, so this is the
 * form of the unprivileged domctl/sysctl refusals that runs there.
 */
#define NR_PAGES 1024

static struct pv_build pvb;
static struct pv_console con;

static int shut_down(void)
{
    memset(&dc, 0, sizeof(dc));
    return !domctl(XEN_DOMCTL_getdomaininfo, pvb.domid) &&
           dc.domain == pvb.domid &&
           (dc.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
}

static void dom0(void)
{
    unsigned long con_va;
    uint64_t con_pte, deadline;
    grant_handle_t con_h = 0;
    long rc;

    pvb.image = (const uint8_t *)start_info->mod_start;
    pvb.image_len = start_info->mod_len;
    pvb.nr_pages = NR_PAGES;
    /* The builder's max_mem is its pages and 1 MiB of slack, as libxl. */
    pvb.cmdline = "role=domu max_pages=1280";
    rc = pv_build(&pvb);
    if (rc) {
        test_fail("building the domU: %s: %ld", pvb.step, rc);
        test_finish();
    }
    TEST_EQ(pvb.domid, 1);
    con_va = (unsigned long)mm_alloc_page();
    con_pte = mm_read_pte(con_va, 1);
    TEST_EQ(gnt_map(con_va, GNTMAP_host_map, pvb.domid, GNTTAB_RESERVED_CONSOLE,
                    &con_h, NULL),
            GNTST_okay);
    mm_invlpg(con_va);
    con.ring = (volatile struct xencons_interface *)con_va;
    con.domid = pvb.domid;
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, pvb.domid), 0);

    ctl_dom0_side();

    /* Its verdict, then its end. */
    deadline = guest_now() + 30000 * MS;
    while (!shut_down() && guest_now() < deadline) {
        pv_console_relay(&con);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    pv_console_flush(&con);
    TEST_CHECK(shut_down());
    TEST_EQ(dc.u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift &
                XEN_DOMINF_shutdownmask,
            SHUTDOWN_poweroff);
    TEST_EQ(gnt_unmap(con_va, con_h), GNTST_okay);
    TEST_EQ(mm_update_va(con_va, con_pte, UVMF_INVLPG), 0);
    evtchn_close(pvb.console_port);
    evtchn_close(pvb.store_port);
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_destroydomain, pvb.domid), 0);
}

void test_main(void)
{
    char role[16] = "";

    cmdline_str("role", role, sizeof(role));
    mm_init();
    if (!strcmp(role, "domu"))
        ctl_domu_side();
    else
        dom0();
}

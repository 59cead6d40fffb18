/* SPDX-License-Identifier: MIT */
/* gnt_xdom with the domU built by dom0 at run time: so it runs on Xen too. */
#include "../gnt_xdom/granter.c"
#include "../gnt_xdom/mapper.c"
#include <guest/build.h>
#include <guest/ctl.h>
#include <guest/events.h>
#include <public/io/console.h>

/*
 * gnt_xdom's two sides (granter.c, mapper.c), but dom0 builds the domU
 * from its own boot module with the SDK's builder, as a toolstack does,
 * relays the domU's console ring while it waits (its verdict among it),
 * and destroys it once it has ended. Xen 4.17 has no boot-time domUs, so
 * this is the form of the hostile grant tests that runs there.
 */
int gx_built = 1;
void (*gx_idle)(void);

static struct pv_build pvb;
static struct xen_domctl dc;
static struct pv_console con;
static unsigned long con_va;
static uint64_t con_pte;
static grant_handle_t con_h;

static void relay(void)
{
    pv_console_relay(&con);
}

static int shut_down(void)
{
    memset(&dc, 0, sizeof(dc));
    return !domctl_op(&dc, XEN_DOMCTL_getdomaininfo, DOMU) &&
           dc.domain == DOMU &&
           (dc.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
}

void gx_domu_gone(void)
{
    TEST_CHECK(GX_WAIT(shut_down()));
    pv_console_flush(&con);
    gx_idle = NULL;
    /* Our console mapping goes first: only Z keeps it a zombie. */
    TEST_EQ(gnt_unmap(con_va, con_h), GNTST_okay);
    TEST_EQ(mm_update_va(con_va, con_pte, UVMF_INVLPG), 0);
    evtchn_close(pvb.console_port);
    evtchn_close(pvb.store_port);
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl_op(&dc, XEN_DOMCTL_destroydomain, DOMU), 0);
}

static void build_granter(void)
{
    long rc;

    pvb.image = (const uint8_t *)start_info->mod_start;
    pvb.image_len = start_info->mod_len;
    pvb.nr_pages = 1024;
    pvb.cmdline = "role=granter";
    rc = pv_build(&pvb);
    if (rc) {
        test_fail("building the domU: %s: %ld", pvb.step, rc);
        test_finish();
    }
    TEST_EQ(pvb.domid, DOMU);
    con_va = (unsigned long)mm_alloc_page();
    con_pte = mm_read_pte(con_va, 1);
    TEST_EQ(gnt_map(con_va, GNTMAP_host_map, DOMU, GNTTAB_RESERVED_CONSOLE,
                    &con_h, NULL),
            GNTST_okay);
    mm_invlpg(con_va);
    con.ring = (volatile struct xencons_interface *)con_va;
    con.domid = DOMU;
    gx_idle = relay;
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl_op(&dc, XEN_DOMCTL_unpausedomain, DOMU), 0);
}

void test_main(void)
{
    char role[16] = "";

    cmdline_str("role", role, sizeof(role));
    mm_init();
    if (!strcmp(role, "granter")) {
        granter_main();
        return;
    }
    build_granter();
    mapper_main();
}

/* SPDX-License-Identifier: MIT */
/* Grants across domains: dom0 maps and copies the domU's, the domU dies while mapped. */
#include "gx.h"

/*
 * Vesper only (two boot-time domains). The domU grants pages to dom0 and
 * maps one of dom0's; both try what they must not (wrong grantee,
 * read-only written, page tables, frames of a third owner, stale handles)
 * and get Xen's GNTST_* codes; then the domU ends while dom0 still maps
 * one of its pages (it must live on as a zombie, its page intact) and
 * while it maps one of dom0's (its pin must go). The auditor runs after
 * every grant operation and at each domain's end; the log must show the
 * zombie going and no frame leaked.
 */
/* Built at boot: nothing to relay, nothing to destroy. */
int gx_built;
void (*gx_idle)(void);

void gx_domu_gone(void)
{
}

void test_main(void)
{
    char role[16] = "";

    cmdline_str("role", role, sizeof(role));
    mm_init();
    if (!strcmp(role, "mapper"))
        mapper_main();
    else if (!strcmp(role, "granter"))
        granter_main();
    else
        test_fail("need role=mapper|granter, got '%s'", start_info->cmd_line);
}

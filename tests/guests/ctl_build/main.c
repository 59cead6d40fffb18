/* SPDX-License-Identifier: MIT */
/* A toolstack in dom0 builds, runs, talks to and destroys a PV domU. */
#include "cb.h"

/*
 * The same image is both sides: booted as dom0 it finds itself as its
 * boot module and builds a domU of it the way a PV toolstack does
 * (createdomain, max_vcpus, max_mem, populate_physmap, foreign mappings
 * to load it and write its P2M, start_info and page tables, the
 * reserved grant entries, hypercall_init, a foreign L4 pin,
 * setvcpucontext, unpause). The domU (role=domu) checks what it was
 * given and grants two pages; dom0 relays its console ring, maps and
 * copies the grants, answers over the xenstore event channel, hears
 * VIRQ_DOM_EXC when it shuts down, reads its reason and destroys it.
 */
void test_main(void)
{
    char role[16] = "";

    cmdline_str("role", role, sizeof(role));
    mm_init();
    if (!strcmp(role, "domu"))
        domu_main();
    else
        dom0_main();
}

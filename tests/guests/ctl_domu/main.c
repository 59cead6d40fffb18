/* SPDX-License-Identifier: MIT */
/* domctl/sysctl across domains: a domU is refused, dom0 pauses and names it. */
#include <guest/test.h>
#include "sides.h"

void test_main(void)
{
    if (!strcmp(start_info->cmd_line, "role=domu"))
        ctl_domu_side();
    else
        ctl_dom0_side();
}

/* SPDX-License-Identifier: MIT */
/* The builder's layout for a kernel without INIT_P2M or MOD_START_PFN. */
#include "../boot_layout/layout_check.h"

void test_main(void)
{
    layout_check(0);
}

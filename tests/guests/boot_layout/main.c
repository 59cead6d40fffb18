/* SPDX-License-Identifier: MIT */
/* The builder's layout with INIT_P2M and MOD_START_PFN notes (notes.S). */
#include "layout_check.h"

void test_main(void)
{
    layout_check(1);
}

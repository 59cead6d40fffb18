/* SPDX-License-Identifier: MIT */
/* Domain 0 of console_domu_opt: only has to pass; the domU is the test. */
#include <guest/test.h>

void test_main(void)
{
    TEST_CHECK(start_info->flags & SIF_INITDOMAIN);
}

/* SPDX-License-Identifier: MIT */
/* Never runs: its module string gives domain 0 a bad option (test.conf). */
#include <guest/test.h>

void test_main(void)
{
    test_fail("domain 0 was built despite mem=0");
}

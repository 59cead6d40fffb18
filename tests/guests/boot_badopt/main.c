/* SPDX-License-Identifier: MIT */
/* Domain 0 of a boot whose other modules have bad options: it still runs. */
#include <guest/test.h>

void test_main(void)
{
    TEST_CHECK(start_info->flags & SIF_INITDOMAIN);
    /* 64 MiB: the default, since domain 0 has no mem= here. */
    TEST_EQ(start_info->nr_pages, (64UL << 20) >> 12);
}

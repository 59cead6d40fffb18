/* SPDX-License-Identifier: MIT */
/* A kernel whose FEATURES note requires dom0: it runs as the control domain only. */
#include <guest/test.h>

void test_main(void)
{
    /* The builder took it as domain 0, so it must be the privileged one. */
    printk("feat_req_dom0: start_info flags %#lx\n",
           (unsigned long)start_info->flags);
    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    TEST_CHECK(start_info->flags & SIF_INITDOMAIN);
}

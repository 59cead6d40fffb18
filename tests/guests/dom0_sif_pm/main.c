/* SPDX-License-Identifier: MIT */
/* dom0's start_info flags carry Xen's power-management bits (SIF_PM_MASK). */
#include <guest/test.h>
#include <public/platform.h>

void test_main(void)
{
    printk("start_info flags 0x%lx\n", (unsigned long)start_info->flags);
    TEST_CHECK(start_info->flags & SIF_INITDOMAIN);
    /* Xen 4.17 by default: it drives C-states and P-states itself. */
    TEST_EQ((start_info->flags & SIF_PM_MASK) >> 8,
            XEN_PROCESSOR_PM_CX | XEN_PROCESSOR_PM_PX);
}

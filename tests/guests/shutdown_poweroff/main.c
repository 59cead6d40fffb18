/* SPDX-License-Identifier: MIT */
/* Power off via SCHEDOP_shutdown; the runner checks the exit status. */
#include <guest/test.h>

void test_main(void)
{
    printk("shutdown_poweroff: requesting SHUTDOWN_poweroff\n");
    guest_shutdown(SHUTDOWN_poweroff);
}

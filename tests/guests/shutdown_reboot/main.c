/* SPDX-License-Identifier: MIT */
/* Reboot via SCHEDOP_shutdown; the runner checks the exit status. */
#include <guest/test.h>

void test_main(void)
{
    printk("shutdown_reboot: requesting SHUTDOWN_reboot\n");
    guest_shutdown(SHUTDOWN_reboot);
}

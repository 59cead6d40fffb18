/* SPDX-License-Identifier: MIT */
/* Report a crash via SCHEDOP_shutdown; the runner checks the exit status. */
#include <guest/test.h>

void test_main(void)
{
    printk("shutdown_crash: requesting SHUTDOWN_crash\n");
    guest_shutdown(SHUTDOWN_crash);
}

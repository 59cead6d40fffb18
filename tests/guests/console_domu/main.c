/* SPDX-License-Identifier: MIT */
/* A domU's console_io is refused (-EPERM) as in Xen; its ring still prints. */
#include <guest/test.h>

/*
 * Domain 0 may write through console_io. A domU (expect=eperm) gets
 * -EPERM for write and read, as Xen 4.17's release build answers every
 * domain but the console domain, and its printk lines, which the SDK then
 * sends through the console ring, still reach the serial log (test.conf's
 * expect_log). With domu_console_io=1 (expect=ok, console_domu_opt) the
 * write goes through and is printed once.
 */
static const char direct[] = "written with console_io\n";

static void domu(void)
{
    long rc =
        HYPERVISOR_console_io(CONSOLEIO_write, sizeof(direct) - 1, direct);
    char buf[8];

    if (!strcmp(start_info->cmd_line, "expect=ok")) {
        TEST_CHECK(rc >= 0);
    } else {
        TEST_EQ(rc, -XEN_EPERM);
        TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf),
                -XEN_EPERM);
    }
    /* Reads stay the console domain's either way. */
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf),
            -XEN_EPERM);
    TEST_CHECK(start_info->console.domU.mfn != 0);
    printk("through the ring: %s\n", "0123456789");
}

void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN) {
        TEST_CHECK(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(direct) - 1,
                                         direct) >= 0);
        return;
    }
    domu();
}

/* SPDX-License-Identifier: MIT */
/* hctrace=N logs the first N hypercalls; loglvl=all each failing site once. */
#include <guest/test.h>

/*
 * The log lines are the test (test.conf's expect_log): the SDK's own
 * first hypercalls under hctrace=20, then, long past those 20, a failing
 * console_io with recognisable arguments, made three times from one call
 * site, which loglvl=all logs once.
 */
void test_main(void)
{
    for (unsigned int i = 0; i < 25; i++)
        TEST_CHECK(HYPERVISOR_xen_version(XENVER_version, NULL) > 0);
    for (unsigned int i = 0; i < 3; i++)
        TEST_EQ(HYPERVISOR_console_io(0x77, 0x1234, NULL), -XEN_ENOSYS);
}

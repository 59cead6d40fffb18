/* SPDX-License-Identifier: MIT */
/* A multicall batch runs every entry and reports each result. */
#include <guest/test.h>

void test_main(void)
{
    static const char msg[] = "multicall: hello from inside a batch\n";
    static struct multicall_entry calls[6];
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    long rc;

    memset(calls, 0, sizeof(calls));
    calls[0].op = __HYPERVISOR_xen_version;
    calls[0].args[0] = XENVER_version;
    calls[1].op = 45; /* no such hypercall */
    calls[2].op = __HYPERVISOR_console_io;
    calls[2].args[0] = CONSOLEIO_write;
    calls[2].args[1] = sizeof(msg) - 1;
    calls[2].args[2] = (xen_ulong_t)msg;
    calls[3].op = __HYPERVISOR_console_io; /* wild buffer */
    calls[3].args[0] = CONSOLEIO_write;
    calls[3].args[1] = 8;
    calls[3].args[2] = 0x7000deadb000;
    calls[4].op = __HYPERVISOR_sched_op;
    calls[4].args[0] = 99; /* no such command */
    calls[5].op = __HYPERVISOR_xen_version;
    calls[5].args[0] = XENVER_version;
    /* Poison the results so "left untouched" cannot pass. */
    for (unsigned int i = 0; i < ARRAY_SIZE(calls); i++)
        calls[i].result = 0xdeadbeefdeadbeefULL;

    rc = HYPERVISOR_multicall(calls, ARRAY_SIZE(calls));
    TEST_EQ(rc, 0);
    TEST_EQ(calls[0].result, version);
    TEST_EQ(calls[1].result, -XEN_ENOSYS);
    TEST_EQ(calls[2].result, 0);
    TEST_EQ(calls[3].result, -XEN_EFAULT);
    TEST_EQ(calls[4].result, -XEN_ENOSYS);
    TEST_EQ(calls[5].result, version);
    /* Arguments and op are the guest's and must be left alone. */
    TEST_EQ(calls[1].op, 45);
    TEST_EQ(calls[0].args[0], XENVER_version);

    /* An empty batch is a no-op that succeeds. */
    TEST_EQ(HYPERVISOR_multicall(calls, 0), 0);
    TEST_CHECK(HYPERVISOR_xen_version(XENVER_version, NULL) == version);
}

/* SPDX-License-Identifier: MIT */
/* Unknown hypercalls and unknown sub-ops fail with -ENOSYS, harmlessly. */
#include <guest/test.h>

static long version;

/* After every bad call the guest, and the hypervisor, must still work. */
static void still_alive(const char *after)
{
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);

    if (v != version)
        test_fail("xen_version after %s: %ld, want %ld", after, v, version);
}

static void expect_enosys(const char *what, long rc)
{
    if (rc == -XEN_ENOSYS)
        test_pass("%s = -ENOSYS", what);
    else
        test_fail("%s = %ld, want %d", what, rc, -XEN_ENOSYS);
    still_alive(what);
}

void test_main(void)
{
    version = HYPERVISOR_xen_version(XENVER_version, NULL);
    TEST_CHECK(version > 0);

    /* Holes in the table, its last slot, and past the hypercall page. */
    expect_enosys("hypercall 45 (page)", hypercall6(45, 1, 2, 3, 4, 5));
    expect_enosys("hypercall 63 (page)", hypercall6(63, 1, 2, 3, 4, 5));
    expect_enosys("hypercall 64 (page)", hypercall6(64, 0, 0, 0, 0, 0));
    expect_enosys("hypercall 127 (page)", hypercall6(127, 0, 0, 0, 0, 0));
    expect_enosys("hypercall 1000 (syscall)", hypercall6(1000, 0, 0, 0, 0, 0));
    expect_enosys("hypercall 45 (syscall)", hypercall_raw(45, 1, 2, 3, 4, 5));
    expect_enosys("hypercall 0x7fffffff (syscall)",
                  hypercall_raw(0x7fffffff, 0, 0, 0, 0, 0));

    /* Known hypercalls, unknown commands. */
    expect_enosys("console_io(99)", HYPERVISOR_console_io(99, 0, NULL));
    expect_enosys("sched_op(99)", HYPERVISOR_sched_op(99, NULL));
    expect_enosys("xen_version(99)", HYPERVISOR_xen_version(99, NULL));

    /* The raw path must agree with the page for a real call, too. */
    TEST_EQ(hypercall_raw(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0),
            version);
}

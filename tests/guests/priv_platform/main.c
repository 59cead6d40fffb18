/* SPDX-License-Identifier: MIT */
/* An unprivileged domU's platform_op calls are refused; dom0's still work. */
#include <guest/test.h>
#include <public/platform.h>

/*
 * role=hostile: every platform_op command a dom0 kernel uses, plus
 * settime64 (which would move every domain's wall clock), answers -EPERM
 * and writes nothing back. role=victim (dom0): get_cpuinfo still answers
 * afterwards, and dom0's wall clock in shared_info is the one it had.
 */
static const uint32_t cmds[] = {
    XENPF_get_cpuinfo,    XENPF_get_cpu_version, XENPF_settime64,
    XENPF_platform_quirk, XENPF_firmware_info,   XENPF_set_processor_pminfo,
    XENPF_get_symbol,     XENPF_cpu_offline,     250,
};

static long pfop(struct xen_platform_op *op, uint32_t cmd)
{
    op->cmd = cmd;
    op->interface_version = XENPF_INTERFACE_VERSION;
    return _hypercall1(__HYPERVISOR_platform_op, op);
}

static void hostile(void)
{
    struct xen_platform_op op;

    TEST_CHECK(!(start_info->flags & SIF_PRIVILEGED));
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        memset(&op, 0x77, sizeof(op));
        op.u.settime64.mbz = 0;
        op.u.pcpu_info.xen_cpuid = 0;
        TEST_EQ(pfop(&op, cmds[i]), -XEN_EPERM);
        TEST_EQ(op.u.pcpu_info.flags, 0x77777777);
        TEST_EQ(op.u.pcpu_info.max_present, 0x77777777);
    }
    /* The version is checked before privilege, as in Xen. */
    op.cmd = XENPF_get_cpuinfo;
    op.interface_version = 0;
    TEST_EQ(_hypercall1(__HYPERVISOR_platform_op, &op), -XEN_EACCES);
}

static void victim(void)
{
    struct xen_platform_op op;
    uint32_t sec = shared_info->wc_sec;

    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    memset(&op, 0, sizeof(op));
    op.u.pcpu_info.xen_cpuid = 0;
    TEST_EQ(pfop(&op, XENPF_get_cpuinfo), 0);
    TEST_EQ(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_ONLINE);
    TEST_EQ(shared_info->wc_sec, sec);
}

void test_main(void)
{
    if (!strcmp(start_info->cmd_line, "role=hostile"))
        hostile();
    else if (!strcmp(start_info->cmd_line, "role=victim"))
        victim();
    else
        test_fail("need role=victim|hostile, got '%s'", start_info->cmd_line);
}

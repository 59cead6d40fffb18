/* SPDX-License-Identifier: MIT */
/* platform_op as the privileged domain: physical CPUs, refusals, errnos. */
#include <guest/test.h>
#include <public/platform.h>

/*
 * What a Linux dom0 asks at boot (drivers/xen/pcpu.c, the ACPI processor
 * driver, EDD/VBE/EFI probes, settime) with the answers Xen 4.17 gives on
 * QEMU's -smp 2 machine. Runs on Xen 4.17 as dom0 too.
 */
static long pfop(struct xen_platform_op *op, uint32_t cmd)
{
    op->cmd = cmd;
    op->interface_version = XENPF_INTERFACE_VERSION;
    return _hypercall1(__HYPERVISOR_platform_op, op);
}

static void cpuinfo(void)
{
    struct xen_platform_op op;
    uint32_t seen = 0;

    for (uint32_t cpu = 0; cpu < 2; cpu++) {
        memset(&op, 0xa5, sizeof(op));
        op.u.pcpu_info.xen_cpuid = cpu;
        TEST_EQ(pfop(&op, XENPF_get_cpuinfo), 0);
        TEST_EQ(op.u.pcpu_info.xen_cpuid, cpu);
        TEST_EQ(op.u.pcpu_info.max_present, 1);
        TEST_EQ(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_ONLINE);
        /* QEMU numbers its local APICs 0..n-1. */
        TEST_CHECK(op.u.pcpu_info.apic_id < 2);
        seen |= 1u << op.u.pcpu_info.apic_id;
        TEST_CHECK(op.u.pcpu_info.acpi_id != 0xa5a5a5a5);
        /* Nothing past the pcpu_info member is written back. */
        TEST_EQ(op.u.pad[sizeof(op.u.pcpu_info)], 0xa5);
    }
    TEST_EQ(seen, 3);

    /* No such CPU: only flags and max_present change. */
    for (uint32_t cpu = 2; cpu != 0; cpu = cpu == 2 ? 0xffffffffu : 0) {
        memset(&op, 0, sizeof(op));
        op.u.pcpu_info.xen_cpuid = cpu;
        op.u.pcpu_info.apic_id = 0xdead;
        op.u.pcpu_info.acpi_id = 0xbeef;
        TEST_EQ(pfop(&op, XENPF_get_cpuinfo), 0);
        TEST_EQ(op.u.pcpu_info.flags, XEN_PCPU_FLAGS_INVALID);
        TEST_EQ(op.u.pcpu_info.max_present, 1);
        TEST_EQ(op.u.pcpu_info.apic_id, 0xdead);
        TEST_EQ(op.u.pcpu_info.acpi_id, 0xbeef);
    }
}

static void version(void)
{
    struct xen_platform_op op;
    uint32_t a, b, c, d;
    char vendor[12];

    __asm__ volatile("cpuid"
                     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "0"(0), "2"(0));
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);

    memset(&op, 0, sizeof(op));
    op.u.pcpu_version.xen_cpuid = 1;
    TEST_EQ(pfop(&op, XENPF_get_cpu_version), 0);
    TEST_EQ(op.u.pcpu_version.max_present, 1);
    TEST_CHECK(memcmp(op.u.pcpu_version.vendor_id, vendor, 12) == 0);
    TEST_CHECK(op.u.pcpu_version.family >= 6);

    memset(&op, 0x5a, sizeof(op));
    op.u.pcpu_version.xen_cpuid = 7;
    TEST_EQ(pfop(&op, XENPF_get_cpu_version), 0);
    TEST_EQ(op.u.pcpu_version.max_present, 1);
    TEST_EQ(op.u.pcpu_version.family, 0);
    TEST_EQ(op.u.pcpu_version.model, 0);
    TEST_EQ(op.u.pcpu_version.stepping, 0);
    TEST_EQ(op.u.pcpu_version.vendor_id[0], 0);
    TEST_EQ(op.u.pcpu_version.vendor_id[11], 0);
}

static void refusals(void)
{
    struct xen_platform_op op;

    memset(&op, 0, sizeof(op));
    /* The interface version is checked before the command. */
    op.cmd = XENPF_get_cpuinfo;
    op.interface_version = XENPF_INTERFACE_VERSION + 1;
    TEST_EQ(_hypercall1(__HYPERVISOR_platform_op, &op), -XEN_EACCES);
    TEST_EQ(_hypercall1(__HYPERVISOR_platform_op, (void *)0x10), -XEN_EFAULT);

    memset(&op, 0, sizeof(op));
    op.u.platform_quirk.quirk_id = QUIRK_IOAPIC_GOOD_REGSEL;
    TEST_EQ(pfop(&op, XENPF_platform_quirk), 0);
    op.u.platform_quirk.quirk_id = 99;
    TEST_EQ(pfop(&op, XENPF_platform_quirk), -XEN_EINVAL);

    memset(&op, 0, sizeof(op));
    op.u.settime64.mbz = 1;
    TEST_EQ(pfop(&op, XENPF_settime64), -XEN_EINVAL);

    /* No EDD, MBR signature or VBE/DDC data on QEMU's SeaBIOS boot. */
    memset(&op, 0, sizeof(op));
    op.u.firmware_info.type = XEN_FW_DISK_INFO;
    TEST_EQ(pfop(&op, XENPF_firmware_info), -XEN_ESRCH);
    op.u.firmware_info.type = XEN_FW_DISK_MBR_SIGNATURE;
    TEST_EQ(pfop(&op, XENPF_firmware_info), -XEN_ESRCH);
    op.u.firmware_info.type = XEN_FW_EFI_INFO;
    TEST_EQ(pfop(&op, XENPF_firmware_info), -XEN_ENOSYS);
    op.u.firmware_info.type = 77;
    TEST_EQ(pfop(&op, XENPF_firmware_info), -XEN_EINVAL);

    TEST_EQ(pfop(&op, 250), -XEN_ENOSYS);
}

void test_main(void)
{
    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    cpuinfo();
    version();
    refusals();
}

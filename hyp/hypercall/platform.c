/* SPDX-License-Identifier: GPL-2.0-only */
/* platform_op: physical CPU facts for the privileged domain, Xen's errnos. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "smp.h"
#include <asm/x86.h>
#include <public/platform.h>

/* The highest CPU number Vesper brought up (all of them stay online). */
static u32 max_present(void)
{
    return nr_cpus - 1;
}

static void pcpu_info(struct xenpf_pcpuinfo *p)
{
    u32 apic, acpi;

    p->max_present = max_present();
    if (p->xen_cpuid >= nr_cpus ||
        arch_cpu_physid(p->xen_cpuid, &apic, &acpi)) {
        /* Xen leaves apic_id and acpi_id as the caller passed them. */
        p->flags = XEN_PCPU_FLAGS_INVALID;
        return;
    }
    p->apic_id = apic;
    p->acpi_id = acpi;
    p->flags = XEN_PCPU_FLAGS_ONLINE;
}

/* Family/model/stepping as Xen's cpuinfo computes them from leaf 1. */
static void pcpu_version(struct xenpf_pcpu_version *v)
{
    u32 a, b, c, d, fam, model;

    v->max_present = max_present();
    memset(v->vendor_id, 0, sizeof(v->vendor_id));
    v->family = v->model = v->stepping = 0;
    if (v->xen_cpuid >= nr_cpus)
        return;
    /* QEMU gives every CPU the same model: the local one speaks for all. */
    cpuid_count(0, 0, &a, &b, &c, &d);
    memcpy(v->vendor_id, &b, 4);
    memcpy(v->vendor_id + 4, &d, 4);
    memcpy(v->vendor_id + 8, &c, 4);
    cpuid_count(1, 0, &a, &b, &c, &d);
    fam = (a >> 8) & 0xf;
    model = (a >> 4) & 0xf;
    if (fam == 0xf)
        fam += (a >> 20) & 0xff;
    if (fam >= 6)
        model |= ((a >> 16) & 0xf) << 4;
    v->family = fam;
    v->model = model;
    v->stepping = a & 0xf;
}

static long quirk(u32 id)
{
    /* Vesper never rebalances IRQs and uses no IO-APIC REGSEL quirk. */
    if (id == QUIRK_NOIRQBALANCING || id == QUIRK_IOAPIC_BAD_REGSEL ||
        id == QUIRK_IOAPIC_GOOD_REGSEL)
        return 0;
    return -EINVAL;
}

/*
 * The C/P/T-state and _PDC uploads. Vesper manages no processor power
 * states, so it answers as Xen does for a type whose cpufreq/cpuidle
 * support is off (-ENOSYS), which Linux's xen-acpi-processor takes as
 * "nothing to upload". Xen 4.17's default has Cx and Px on and would
 * take the data (a known difference; QEMU's ACPI tables have no _CST or
 * _PSS for Linux to upload anyway).
 */
static long pminfo(u32 type)
{
    if (type <= XEN_PM_PDC)
        return -ENOSYS;
    return -EINVAL;
}

/*
 * Firmware facts: Vesper gathers no EDD, MBR signatures or VBE/DDC data
 * and is not an EFI loader, which Xen answers with -ESRCH (nothing at
 * that index) and, for EFI, -ENOSYS; unknown types are -EINVAL.
 */
static long firmware_info(u64 arg, u32 type, u32 index)
{
    /* BIOS keyboard shift flags follow type and index in the union. */
    const u64 kbd = arg + offsetof(struct xen_platform_op, u) + 8;
    const u8 none = 0;

    switch (type) {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
    case XEN_FW_VBEDDC_INFO:
        return -ESRCH;
    case XEN_FW_EFI_INFO:
        return -ENOSYS;
    case XEN_FW_KBD_SHIFT_FLAGS:
        /* Multiboot does not pass them: no modifier held at boot. */
        if (index != 0)
            return -ESRCH;
        return copy_to_guest(kbd, &none, sizeof(none)) ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}

HYPERCALL1(platform_op, u64, arg)
{
    struct xen_platform_op op;
    long ret = 0;

    /* Xen's order: the copy, the interface version, then privilege. */
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -EACCES;
    if (!current_domain()->is_privileged)
        return -EPERM;

    switch (op.cmd) {
    case XENPF_get_cpuinfo:
        pcpu_info(&op.u.pcpu_info);
        if (copy_to_guest(arg + offsetof(struct xen_platform_op, u),
                          &op.u.pcpu_info, sizeof(op.u.pcpu_info)))
            ret = -EFAULT;
        break;
    case XENPF_get_cpu_version:
        pcpu_version(&op.u.pcpu_version);
        if (copy_to_guest(arg + offsetof(struct xen_platform_op, u),
                          &op.u.pcpu_version, sizeof(op.u.pcpu_version)))
            ret = -EFAULT;
        break;
    case XENPF_settime64:
        /*
         * Accepted as Xen does, but Vesper keeps the wall clock it read
         * from the RTC at boot: the new time is not published (a known
         * difference, see docs).
         */
        if (op.u.settime64.mbz)
            ret = -EINVAL;
        break;
    case XENPF_platform_quirk:
        ret = quirk(op.u.platform_quirk.quirk_id);
        break;
    case XENPF_set_processor_pminfo:
        ret = pminfo(op.u.set_pminfo.type);
        break;
    case XENPF_firmware_info:
        ret = firmware_info(arg, op.u.firmware_info.type,
                            op.u.firmware_info.index);
        break;
    default:
        ret = -ENOSYS;
        break;
    }
    return ret;
}

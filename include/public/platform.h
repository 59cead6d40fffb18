/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_platform_op: the privileged domain's view of the machine. */
#ifndef VESPER_PUBLIC_PLATFORM_H
#define VESPER_PUBLIC_PLATFORM_H

#include "vesper.h"

/*
 * HYPERVISOR_platform_op(op): one struct xen_platform_op in guest memory,
 * read whole and, for queries, written back. Only the commands a Linux
 * dom0 issues at boot have argument structures here; the other numbers
 * are listed so the hypervisor can refuse them by name.
 */
#define XENPF_INTERFACE_VERSION 0x03000001

#define XENPF_settime32 17
#define XENPF_add_memtype 31
#define XENPF_del_memtype 32
#define XENPF_read_memtype 33
#define XENPF_microcode_update 35
#define XENPF_platform_quirk 39  /* xenpf_platform_quirk */
#define XENPF_get_cpu_version 48 /* xenpf_pcpu_version */
#define XENPF_efi_runtime_call 49
#define XENPF_firmware_info 50 /* xenpf_firmware_info */
#define XENPF_enter_acpi_sleep 51
#define XENPF_change_freq 52
#define XENPF_getidletime 53
#define XENPF_set_processor_pminfo 54 /* xenpf_set_processor_pminfo */
#define XENPF_get_cpuinfo 55          /* xenpf_pcpuinfo */
#define XENPF_cpu_online 56
#define XENPF_cpu_offline 57
#define XENPF_cpu_hotadd 58
#define XENPF_mem_hotadd 59
#define XENPF_core_parking 60
#define XENPF_resource_op 61
#define XENPF_settime64 62 /* xenpf_settime64 */
#define XENPF_get_symbol 63

#ifndef __ASSEMBLY__
/* Set the wall clock: secs.nsecs was the time at system_time. */
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz; /* must be zero */
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;

#define QUIRK_NOIRQBALANCING 1
#define QUIRK_IOAPIC_BAD_REGSEL 2
#define QUIRK_IOAPIC_GOOD_REGSEL 3
struct xenpf_platform_quirk {
    uint32_t quirk_id;
};
typedef struct xenpf_platform_quirk xenpf_platform_quirk_t;

/* Firmware facts gathered at boot (EDD, MBR signatures, VBE/DDC, EFI). */
#define XEN_FW_DISK_INFO 1
#define XEN_FW_DISK_MBR_SIGNATURE 2
#define XEN_FW_VBEDDC_INFO 3
#define XEN_FW_EFI_INFO 4
#define XEN_FW_KBD_SHIFT_FLAGS 5
/*
 * Only the selector is described: Vesper answers no firmware query, so
 * the type-specific union (which fills the rest of the 128 bytes) is
 * left as padding here.
 */
struct xenpf_firmware_info {
    uint32_t type;
    uint32_t index;
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;

/* ACPI processor power data (C/P/T states, _PDC); only the selector. */
#define XEN_PM_CX 0
#define XEN_PM_PX 1
#define XEN_PM_TX 2
#define XEN_PM_PDC 3
/* Which power management Xen does itself; dom0 sees them in SIF_PM_MASK. */
#define XEN_PROCESSOR_PM_CX 1
#define XEN_PROCESSOR_PM_PX 2
#define XEN_PROCESSOR_PM_TX 4
struct xenpf_set_processor_pminfo {
    uint32_t id;   /* ACPI processor id */
    uint32_t type; /* XEN_PM_* */
};
typedef struct xenpf_set_processor_pminfo xenpf_set_processor_pminfo_t;

/* One physical CPU, by Xen's CPU number. */
#define XEN_PCPU_FLAGS_ONLINE 1
#define XEN_PCPU_FLAGS_INVALID 2 /* no such CPU */
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;   /* IN */
    uint32_t max_present; /* OUT: highest present CPU number */
    uint32_t flags;
    uint32_t apic_id;
    uint32_t acpi_id;
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;

struct xenpf_pcpu_version {
    uint32_t xen_cpuid;   /* IN */
    uint32_t max_present; /* OUT */
    char vendor_id[12];   /* CPUID leaf 0's vendor string, not terminated */
    uint32_t family;
    uint32_t model;
    uint32_t stepping;
};
typedef struct xenpf_pcpu_version xenpf_pcpu_version_t;

struct xen_platform_op {
    uint32_t cmd;
    uint32_t interface_version; /* XENPF_INTERFACE_VERSION */
    union {
        struct xenpf_settime64 settime64;
        struct xenpf_platform_quirk platform_quirk;
        struct xenpf_firmware_info firmware_info;
        struct xenpf_set_processor_pminfo set_pminfo;
        struct xenpf_pcpuinfo pcpu_info;
        struct xenpf_pcpu_version pcpu_version;
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;

VESPER_ABI_ASSERT(sizeof(struct xenpf_settime64) == 24, xenpf_settime64);
VESPER_ABI_ASSERT(sizeof(struct xenpf_pcpuinfo) == 20, xenpf_pcpuinfo);
VESPER_ABI_ASSERT(sizeof(struct xenpf_pcpu_version) == 32, xenpf_pcpu_version);
VESPER_ABI_ASSERT(sizeof(struct xen_platform_op) == 136, xen_platform_op);

#endif /* !__ASSEMBLY__ */

#endif

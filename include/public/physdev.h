/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_physdev_op: I/O privilege, physical IRQs and PCI devices. */
#ifndef VESPER_PUBLIC_PHYSDEV_H
#define VESPER_PUBLIC_PHYSDEV_H

#include "vesper.h"

/*
 * HYPERVISOR_physdev_op(cmd, arg). Only the commands a PV Linux guest
 * issues have argument structures here; the rest are listed so their
 * numbers are reserved and the hypervisor can reject them by name.
 */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY 4 /* obsolete */
#define PHYSDEVOP_irq_status_query 5  /* physdev_irq_status_query */
#define PHYSDEVOP_set_iopl 6          /* physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap 7      /* physdev_set_iobitmap */
#define PHYSDEVOP_apic_read 8
#define PHYSDEVOP_apic_write 9
#define PHYSDEVOP_alloc_irq_vector 10
#define PHYSDEVOP_free_irq_vector 11
#define PHYSDEVOP_eoi 12 /* physdev_eoi */
#define PHYSDEVOP_map_pirq 13
#define PHYSDEVOP_unmap_pirq 14
#define PHYSDEVOP_manage_pci_add 15
#define PHYSDEVOP_manage_pci_remove 16
#define PHYSDEVOP_pirq_eoi_gmfn_v1 17 /* physdev_pirq_eoi_gmfn */
#define PHYSDEVOP_restore_msi 19
#define PHYSDEVOP_manage_pci_add_ext 20
#define PHYSDEVOP_setup_gsi 21
#define PHYSDEVOP_get_free_pirq 23
#define PHYSDEVOP_pci_mmcfg_reserved 24
#define PHYSDEVOP_pci_device_add 25
#define PHYSDEVOP_pci_device_remove 26
#define PHYSDEVOP_restore_msi_ext 27
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28 /* physdev_pirq_eoi_gmfn */
#define PHYSDEVOP_dbgp_op 29
#define PHYSDEVOP_prepare_msix 30
#define PHYSDEVOP_release_msix 31

/* physdev_irq_status_query.flags */
#define _XENIRQSTAT_needs_eoi 0 /* guest must issue PHYSDEVOP_eoi */
#define XENIRQSTAT_needs_eoi (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared 1 /* shared with other domains */
#define XENIRQSTAT_shared (1U << _XENIRQSTAT_shared)

/* physdev_map_pirq.type */
#define MAP_PIRQ_TYPE_MSI 0
#define MAP_PIRQ_TYPE_GSI 1
#define MAP_PIRQ_TYPE_UNKNOWN 2
#define MAP_PIRQ_TYPE_MSI_SEG 3
#define MAP_PIRQ_TYPE_MULTI_MSI 4

/* physdev_pci_device_add.flags */
#define XEN_PCI_DEV_EXTFN 0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM 0x4 /* optarr[0] is the proximity domain */

#ifndef __ASSEMBLY__

struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;

/* Share a page of "needs EOI" bits, one per pirq, with the hypervisor. */
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;

struct physdev_irq_status_query {
    uint32_t irq;   /* in */
    uint32_t flags; /* out: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;

/*
 * Virtual IOPL (0..3) of the calling vCPU. Port access is allowed when
 * the guest's ring is <= iopl, guest kernel mode counting as ring 1 and
 * guest user mode as ring 3.
 */
struct physdev_set_iopl {
    uint32_t iopl;
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

/* A TSS-style bitmap (bit set = port denied) covering nr_ports ports. */
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8_t) bitmap;
    uint32_t nr_ports;
    uint32_t _pad0;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;

/* One IOAPIC register (apic_read / apic_write). */
struct physdev_apic {
    uint64_t apic_physbase; /* the IOAPIC's MMIO address */
    uint32_t reg;
    uint32_t value; /* out for apic_read, in for apic_write */
};
typedef struct physdev_apic physdev_apic_t;

/* alloc_irq_vector / free_irq_vector. */
struct physdev_irq {
    uint32_t irq;
    uint32_t vector; /* out for alloc_irq_vector */
};
typedef struct physdev_irq physdev_irq_t;

/*
 * Give a domain a pirq for a GSI (index) or an MSI of bus/devfn. pirq < 0
 * asks the hypervisor to choose; the chosen one is written back.
 */
struct physdev_map_pirq {
    domid_t domid;
    uint16_t _pad0;
    int32_t type;  /* MAP_PIRQ_TYPE_* */
    int32_t index; /* GSI, or MSI-X table entry */
    int32_t pirq;  /* in/out */
    int32_t bus;   /* MSI: bus, segment in the top 16 bits (_SEG types) */
    int32_t devfn;
    int32_t entry_nr; /* MSI: vectors (in/out for MULTI_MSI) */
    uint32_t _pad1;
    uint64_t table_base; /* MSI-X table address */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;

struct physdev_unmap_pirq {
    domid_t domid;
    uint16_t _pad0;
    int32_t pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;

/* Trigger mode and polarity of a GSI (as ACPI's _PRT/MADT says). */
struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering; /* 0 edge, 1 level */
    uint8_t polarity;   /* 0 active high, 1 active low */
    uint16_t _pad0;
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;

/* A PCI function dom0 found (manage_pci_add/remove). */
struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;

struct physdev_manage_pci_ext {
    uint8_t bus;
    uint8_t devfn;
    uint16_t _pad0;
    uint32_t is_extfn;
    uint32_t is_virtfn;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    uint16_t _pad1;
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;

/* pci_device_add: followed by optarr[] (PXM) when flags ask for it. */
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags; /* XEN_PCI_DEV_* */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    uint16_t _pad0;
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;

/* pci_device_remove, restore_msi_ext, prepare/release_msix. */
struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;

VESPER_ABI_SIZE(physdev_apic, 16);
VESPER_ABI_OFFSET(physdev_apic, value, 12);
VESPER_ABI_SIZE(physdev_irq, 8);
VESPER_ABI_SIZE(physdev_map_pirq, 40);
VESPER_ABI_OFFSET(physdev_map_pirq, type, 4);
VESPER_ABI_OFFSET(physdev_map_pirq, pirq, 12);
VESPER_ABI_OFFSET(physdev_map_pirq, entry_nr, 24);
VESPER_ABI_OFFSET(physdev_map_pirq, table_base, 32);
VESPER_ABI_SIZE(physdev_unmap_pirq, 8);
VESPER_ABI_OFFSET(physdev_unmap_pirq, pirq, 4);
VESPER_ABI_SIZE(physdev_setup_gsi, 8);
VESPER_ABI_OFFSET(physdev_setup_gsi, polarity, 5);
VESPER_ABI_SIZE(physdev_manage_pci, 2);
VESPER_ABI_SIZE(physdev_manage_pci_ext, 16);
VESPER_ABI_OFFSET(physdev_manage_pci_ext, physfn, 12);
VESPER_ABI_SIZE(physdev_pci_device_add, 12);
VESPER_ABI_OFFSET(physdev_pci_device_add, physfn, 8);
VESPER_ABI_SIZE(physdev_pci_device, 4);
VESPER_ABI_SIZE(physdev_eoi, 4);
VESPER_ABI_SIZE(physdev_pirq_eoi_gmfn, 8);
VESPER_ABI_SIZE(physdev_irq_status_query, 8);
VESPER_ABI_OFFSET(physdev_irq_status_query, flags, 4);
VESPER_ABI_SIZE(physdev_set_iopl, 4);
VESPER_ABI_SIZE(physdev_set_iobitmap, 16);
VESPER_ABI_OFFSET(physdev_set_iobitmap, nr_ports, 8);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_PHYSDEV_H */

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

VESPER_ABI_SIZE(physdev_eoi, 4);
VESPER_ABI_SIZE(physdev_pirq_eoi_gmfn, 8);
VESPER_ABI_SIZE(physdev_irq_status_query, 8);
VESPER_ABI_OFFSET(physdev_irq_status_query, flags, 4);
VESPER_ABI_SIZE(physdev_set_iopl, 4);
VESPER_ABI_SIZE(physdev_set_iobitmap, 16);
VESPER_ABI_OFFSET(physdev_set_iobitmap, nr_ports, 8);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_PHYSDEV_H */

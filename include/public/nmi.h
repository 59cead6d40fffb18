/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_nmi_op and the NMI reason bits in shared_info. */
#ifndef VESPER_PUBLIC_NMI_H
#define VESPER_PUBLIC_NMI_H

#include "vesper.h"

/*
 * Bits of shared_info.arch.nmi_reason, which the hypervisor sets before
 * forwarding a hardware NMI to the control domain. They mirror bits 6 and
 * 7 of ISA port 0x61, which the guest cannot read itself.
 */
#define _XEN_NMIREASON_io_error 0
#define XEN_NMIREASON_io_error (xen_mk_ulong(1) << _XEN_NMIREASON_io_error)
#define _XEN_NMIREASON_pci_serr 1
#define XEN_NMIREASON_pci_serr (xen_mk_ulong(1) << _XEN_NMIREASON_pci_serr)
#define _XEN_NMIREASON_unknown 2
#define XEN_NMIREASON_unknown (xen_mk_ulong(1) << _XEN_NMIREASON_unknown)

/* HYPERVISOR_nmi_op(cmd, arg) */
#define XENNMI_register_callback 0   /* struct xennmi_callback */
#define XENNMI_unregister_callback 1 /* arg unused */

#ifndef __ASSEMBLY__

struct xennmi_callback {
    xen_ulong_t handler_address;
    xen_ulong_t pad;
};
typedef struct xennmi_callback xennmi_callback_t;

VESPER_ABI_SIZE(xennmi_callback, 16);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_NMI_H */

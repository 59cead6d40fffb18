/* SPDX-License-Identifier: MIT */
/* domctl and sysctl for a control-domain guest, with the header filled in. */
#ifndef GUEST_CTL_H
#define GUEST_CTL_H

#include <guest/guest.h>
#include <public/domctl.h>
#include <public/sysctl.h>

/* op's command, interface version and domain, then the call. */
static inline long domctl_op(struct xen_domctl *op, uint32_t cmd, domid_t dom)
{
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    return HYPERVISOR_domctl(op);
}

static inline long sysctl_op(struct xen_sysctl *op, uint32_t cmd)
{
    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return HYPERVISOR_sysctl(op);
}

#endif /* GUEST_CTL_H */

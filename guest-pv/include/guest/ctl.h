/* SPDX-License-Identifier: MIT */
/* domctl and sysctl for a control-domain guest, with the header filled in. */
#ifndef GUEST_CTL_H
#define GUEST_CTL_H

#include <guest/guest.h>
#include <guest/string.h>
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

/*
 * createdomain's arguments as libxl passes them for a PV guest with the
 * given vCPU count: its event-channel, grant and maptrack limits, grant
 * table version 1. The rest of op is cleared.
 */
static inline void domctl_pv_config(struct xen_domctl *op, uint32_t vcpus)
{
    memset(op, 0, sizeof(*op));
    op->u.createdomain.max_vcpus = vcpus;
    op->u.createdomain.max_evtchn_port = 1023;
    op->u.createdomain.max_grant_frames = 32;
    op->u.createdomain.max_maptrack_frames = 1024;
    op->u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
}

/* physinfo's free page count, or 0 if the call fails. */
uint64_t ctl_free_pages(void);
/*
 * The free page count once it holds still for 200 ms (at most 5 s): Xen
 * frees a dead domain's memory a little later (RCU).
 */
uint64_t ctl_settled_free_pages(void);

#endif /* GUEST_CTL_H */

/* SPDX-License-Identifier: MIT */
/* sysctl helpers for a control-domain guest (see guest/ctl.h). */
#include <guest/ctl.h>
#include <guest/hypercall.h>
#include <guest/time.h>

#define MS 1000000ULL

uint64_t ctl_free_pages(void)
{
    static struct xen_sysctl sc;

    memset(&sc, 0, sizeof(sc));
    if (sysctl_op(&sc, XEN_SYSCTL_physinfo))
        return 0;
    return sc.u.physinfo.free_pages;
}

uint64_t ctl_settled_free_pages(void)
{
    uint64_t last = ctl_free_pages(), end = guest_now() + 5000 * MS;

    while (guest_now() < end) {
        uint64_t until = guest_now() + 200 * MS, now;

        while (guest_now() < until)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        now = ctl_free_pages();
        if (now == last)
            break;
        last = now;
    }
    return last;
}

/* SPDX-License-Identifier: MIT */
/* ctl_domu's two sides: the refused domU and the dom0 that pauses it. */
#include <guest/test.h>
#include <guest/time.h>
#include <guest/ctl.h>
#include <guest/cmdline.h>
#include "sides.h"

#define MS 1000000ULL

static struct xen_domctl dc;
static struct xen_sysctl sc;

/* The calls below work on these two. */
#define domctl(cmd, dom) domctl_op(&dc, (cmd), (dom))

#define sysctl(cmd) sysctl_op(&sc, (cmd))

static struct xen_domctl_getdomaininfo info(domid_t dom)
{
    struct xen_domctl_getdomaininfo i;

    memset(&i, 0, sizeof(i));
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_getdomaininfo, dom), 0);
    i = dc.u.getdomaininfo;
    return i;
}

void ctl_domu_side(void)
{
    memset(&sc, 0, sizeof(sc));
    TEST_EQ(sysctl(XEN_SYSCTL_physinfo), -XEN_EPERM);
    TEST_EQ(sysctl(XEN_SYSCTL_getdomaininfolist), -XEN_EPERM);
    TEST_EQ(sysctl(1234), -XEN_EPERM);
    sc.interface_version = 0;
    TEST_EQ(HYPERVISOR_sysctl(&sc), -XEN_EACCES);
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_getdomaininfo, 0), -XEN_EPERM);
    TEST_EQ(domctl(XEN_DOMCTL_getdomaininfo, 1), -XEN_EPERM);
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, 0), -XEN_EPERM);
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, 1), -XEN_EPERM);
    dc.u.max_mem.max_memkb = 1ULL << 40;
    TEST_EQ(domctl(XEN_DOMCTL_max_mem, 1), -XEN_EPERM);
    /* Xen looks the domain up first: an absent one is -ESRCH. */
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, 77), -XEN_ESRCH);
    dc.interface_version = 3;
    TEST_EQ(HYPERVISOR_domctl(&dc), -XEN_EACCES);
    /* Still the domU's own limit. */
    TEST_EQ(dc.u.max_mem.max_memkb, 1ULL << 40);
    {
        domid_t self = DOMID_SELF;

        /* A toolstack may give more than the pages it populates. */
        TEST_EQ(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self),
                cmdline_long("max_pages", (long)start_info->nr_pages));
    }
    /* Busy long enough for dom0 to pause and resume it. */
    spin_until(guest_now() + 1500 * MS);
}

void ctl_dom0_side(void)
{
    static struct xen_domctl_getdomaininfo list[4];
    struct xen_domctl_getdomaininfo i;
    uint64_t t1, t2;

    /* Both domains, in id order. */
    memset(&sc, 0, sizeof(sc));
    sc.u.getdomaininfolist.max_domains = 4;
    set_xen_guest_handle(sc.u.getdomaininfolist.buffer, list);
    TEST_EQ(sysctl(XEN_SYSCTL_getdomaininfolist), 0);
    TEST_EQ(sc.u.getdomaininfolist.num_domains, 2);
    TEST_EQ(list[0].domain, 0);
    TEST_EQ(list[1].domain, 1);
    TEST_EQ(list[1].nr_online_vcpus, 1);
    TEST_EQ(list[1].max_vcpu_id, 0);
    TEST_EQ(list[1].arch_config.emulation_flags, 0);
    TEST_CHECK(list[1].max_pages < 0xffffffffUL);
    /* Nothing from id 2 up. */
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_getdomaininfo, 2), -XEN_ESRCH);

    spin_until(guest_now() + 200 * MS);
    i = info(1);
    TEST_EQ(i.flags & (XEN_DOMINF_paused | XEN_DOMINF_shutdown), 0);

    /* Paused: off its CPU, its CPU time stands still. */
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, 1), 0);
    spin_until(guest_now() + 20 * MS);
    i = info(1);
    TEST_EQ(i.flags & (XEN_DOMINF_paused | XEN_DOMINF_running),
            XEN_DOMINF_paused);
    t1 = i.cpu_time;
    spin_until(guest_now() + 100 * MS);
    t2 = info(1).cpu_time;
    TEST_EQ(t2, t1);
    /* Counted: two pauses need two unpauses. */
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, 1), 0);
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, 1), 0);
    TEST_EQ(info(1).flags & XEN_DOMINF_paused, XEN_DOMINF_paused);
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, 1), 0);
    spin_until(guest_now() + 100 * MS);
    i = info(1);
    TEST_EQ(i.flags & XEN_DOMINF_paused, 0);
    TEST_CHECK(i.cpu_time > t2 + 20 * MS);
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, 1), -XEN_EINVAL);

    /* Named by the toolstack. */
    memset(&dc, 0, sizeof(dc));
    for (unsigned int k = 0; k < 16; k++)
        dc.u.setdomainhandle.handle[k] = (uint8_t)(0xc0 + k);
    TEST_EQ(domctl(XEN_DOMCTL_setdomainhandle, 1), 0);
    i = info(1);
    TEST_EQ(i.handle[0], 0xc0);
    TEST_EQ(i.handle[15], 0xcf);
    TEST_EQ(info(0).handle[15], 0);
}

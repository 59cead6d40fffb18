/* SPDX-License-Identifier: MIT */
/* domctl and sysctl for the privileged domain, as Xen 4.17 answers them. */
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/time.h>
#include <guest/ctl.h>

static struct xen_domctl dc;
static struct xen_sysctl sc;
static char ring[16384];

/* The calls below work on these two. */
#define domctl(cmd, dom) domctl_op(&dc, (cmd), (dom))

#define sysctl(cmd) sysctl_op(&sc, (cmd))

static long getinfo(domid_t dom, struct xen_domctl_getdomaininfo *out)
{
    long rc;

    memset(&dc, 0xa5, sizeof(dc));
    rc = domctl(XEN_DOMCTL_getdomaininfo, dom);
    if (!rc)
        *out = dc.u.getdomaininfo;
    return rc;
}

static int contains(const char *buf, unsigned long n, const char *what)
{
    unsigned long w = strlen(what);

    for (unsigned long i = 0; i + w <= n; i++)
        if (!memcmp(buf + i, what, w))
            return 1;
    return 0;
}

static void versions(void)
{
    memset(&sc, 0, sizeof(sc));
    sc.cmd = XEN_SYSCTL_physinfo;
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
    TEST_EQ(HYPERVISOR_sysctl(&sc), -XEN_EACCES);
    memset(&dc, 0, sizeof(dc));
    dc.cmd = XEN_DOMCTL_getdomaininfo;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
    TEST_EQ(HYPERVISOR_domctl(&dc), -XEN_EACCES);
    /* The version is checked before the domain is looked up. */
    dc.cmd = XEN_DOMCTL_pausedomain;
    dc.domain = 77;
    TEST_EQ(HYPERVISOR_domctl(&dc), -XEN_EACCES);
}

static void machine(void)
{
    struct xen_sysctl_physinfo *pi = &sc.u.physinfo;

    memset(&sc, 0xa5, sizeof(sc));
    TEST_EQ(sysctl(XEN_SYSCTL_physinfo), 0);
    printk("physinfo: %u cpus, %u kHz, caps 0x%x, %lu pages, %lu free, "
           "max_mfn 0x%lx\n",
           pi->nr_cpus, pi->cpu_khz, pi->capabilities,
           (unsigned long)pi->total_pages, (unsigned long)pi->free_pages,
           (unsigned long)pi->max_mfn);
    TEST_EQ(pi->nr_cpus, 2); /* test.conf: smp = 2 */
    TEST_EQ(pi->max_cpu_id + 1 >= pi->nr_cpus, 1);
    TEST_EQ(pi->threads_per_core, 1);
    TEST_EQ(pi->nr_nodes, 1);
    TEST_CHECK(pi->cpu_khz > 100000);
    TEST_EQ(pi->capabilities & XEN_SYSCTL_PHYSCAP_pv, XEN_SYSCTL_PHYSCAP_pv);
    /* QEMU's -cpu max offers SVM with NPT: HVM guests, on nested paging. */
    TEST_EQ(pi->capabilities &
                (XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap),
            XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap);
    TEST_EQ(pi->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1,
            XEN_SYSCTL_PHYSCAP_gnttab_v1);
    /* QEMU's 1 GiB, some of it the hypervisor's, the rest dom0's. */
    TEST_CHECK(pi->total_pages > start_info->nr_pages);
    TEST_CHECK(pi->total_pages <= 262144);
    TEST_CHECK(pi->free_pages < pi->total_pages);
    TEST_CHECK(pi->max_mfn >= pi->total_pages - 1);
    TEST_EQ(pi->outstanding_pages, 0);
    TEST_EQ(pi->hw_cap[0] & 1, 1); /* CPUID 1 EDX: FPU */

    memset(&sc, 0xa5, sizeof(sc));
    TEST_EQ(sysctl(XEN_SYSCTL_sched_id), 0);
    printk("sched_id %u\n", sc.u.sched_id.sched_id);
    TEST_CHECK(sc.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT ||
               sc.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT2);
    TEST_EQ(sysctl(1234), -XEN_ENOSYS);

    /*
     * Idle time per CPU. This domain keeps one CPU busy, whichever it
     * is; the other has nothing to run, so the sum grows with time.
     */
    {
        static struct xen_sysctl_cpuinfo ci[4];
        uint64_t idle;

        memset(ci, 0xa5, sizeof(ci));
        memset(&sc, 0, sizeof(sc));
        sc.u.getcpuinfo.max_cpus = 4;
        set_xen_guest_handle(sc.u.getcpuinfo.info, ci);
        TEST_EQ(sysctl(XEN_SYSCTL_getcpuinfo), 0);
        TEST_EQ(sc.u.getcpuinfo.nr_cpus, 2);
        TEST_EQ(ci[2].idletime, 0xa5a5a5a5a5a5a5a5ULL);
        idle = ci[0].idletime + ci[1].idletime;
        printk("idle: cpu0 %lu ns, cpu1 %lu ns\n",
               (unsigned long)ci[0].idletime, (unsigned long)ci[1].idletime);
        spin_until(guest_now() + 50000000ULL);
        sc.u.getcpuinfo.max_cpus = 2;
        TEST_EQ(sysctl(XEN_SYSCTL_getcpuinfo), 0);
        printk("idle 50 ms later: cpu0 %lu ns, cpu1 %lu ns\n",
               (unsigned long)ci[0].idletime, (unsigned long)ci[1].idletime);
        TEST_CHECK(ci[0].idletime + ci[1].idletime >= idle + 40000000ULL);
        sc.u.getcpuinfo.max_cpus = 1;
        TEST_EQ(sysctl(XEN_SYSCTL_getcpuinfo), 0);
        TEST_EQ(sc.u.getcpuinfo.nr_cpus, 1);
    }
}

static void self_info(void)
{
    struct xen_domctl_getdomaininfo info;
    domid_t self = DOMID_SELF;
    static const uint8_t zero[16];

    TEST_EQ(getinfo(0, &info), 0);
    TEST_EQ(dc.domain, 0);
    TEST_EQ(info.domain, 0);
    printk("d0: flags 0x%x, %lu/%lu pages, si 0x%lx, %u vcpus (max id %u), "
           "%lu ns, %u bits, emu 0x%x\n",
           info.flags, (unsigned long)info.tot_pages,
           (unsigned long)info.max_pages, (unsigned long)info.shared_info_frame,
           info.nr_online_vcpus, info.max_vcpu_id, (unsigned long)info.cpu_time,
           info.gpaddr_bits, info.arch_config.emulation_flags);
    /* Running (it is asking), not blocked or paused, never shut down. */
    TEST_EQ(info.flags & 0xffff, XEN_DOMINF_running);
    TEST_EQ(info.flags >> XEN_DOMINF_shutdownshift, 0xffff);
    TEST_EQ(info.tot_pages,
            HYPERVISOR_memory_op(XENMEM_current_reservation, &self));
    TEST_EQ(info.max_pages,
            HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self));
    TEST_EQ(info.shared_info_frame, start_info->shared_info >> MM_PAGE_SHIFT);
    /* Both give dom0 a vCPU per CPU; the second is not brought up. */
    TEST_EQ(info.nr_online_vcpus, 1);
    TEST_EQ(info.max_vcpu_id, 1);
    TEST_CHECK(info.cpu_time > 0);
    TEST_EQ(memcmp(info.handle, zero, 16), 0);
    TEST_EQ(info.cpupool, 0);
    TEST_CHECK(info.gpaddr_bits >= 32 && info.gpaddr_bits <= 52);
    TEST_EQ(info.arch_config.emulation_flags, XEN_X86_EMU_PIT);
    TEST_EQ(info.ssidref, 0);

    /* Nothing at or above id 1 here; reserved ids are not looked up. */
    TEST_EQ(getinfo(1, &info), -XEN_ESRCH);
    TEST_EQ(getinfo(DOMID_FIRST_RESERVED - 1, &info), -XEN_ESRCH);
    TEST_EQ(getinfo(DOMID_SELF, &info), -XEN_EINVAL);
    TEST_EQ(getinfo(DOMID_IO, &info), -XEN_EINVAL);
    /* Other commands name an existing domain. */
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, 5), -XEN_ESRCH);
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, DOMID_SELF), -XEN_ESRCH);
}

static void info_list(void)
{
    static struct xen_domctl_getdomaininfo list[4];

    memset(list, 0xa5, sizeof(list));
    memset(&sc, 0, sizeof(sc));
    sc.u.getdomaininfolist.first_domain = 0;
    sc.u.getdomaininfolist.max_domains = 4;
    set_xen_guest_handle(sc.u.getdomaininfolist.buffer, list);
    TEST_EQ(sysctl(XEN_SYSCTL_getdomaininfolist), 0);
    TEST_EQ(sc.u.getdomaininfolist.num_domains, 1);
    TEST_EQ(list[0].domain, 0);
    TEST_EQ(list[0].shared_info_frame,
            start_info->shared_info >> MM_PAGE_SHIFT);
    TEST_EQ(list[0].flags & 0xffff, XEN_DOMINF_running);
    TEST_EQ(list[1].domain, 0xa5a5); /* nothing written past the last */

    sc.u.getdomaininfolist.first_domain = 1;
    TEST_EQ(sysctl(XEN_SYSCTL_getdomaininfolist), 0);
    TEST_EQ(sc.u.getdomaininfolist.num_domains, 0);
    sc.u.getdomaininfolist.first_domain = 0;
    sc.u.getdomaininfolist.max_domains = 0;
    TEST_EQ(sysctl(XEN_SYSCTL_getdomaininfolist), 0);
    TEST_EQ(sc.u.getdomaininfolist.num_domains, 0);
}

static void control_self(void)
{
    struct xen_domctl_getdomaininfo info;
    domid_t self = DOMID_SELF;
    uint8_t h[16];
    uint64_t max;

    /* A domain cannot pause itself, nor unpause what is not paused. */
    TEST_EQ(domctl(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL);
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL);
    TEST_EQ(getinfo(0, &info), 0);
    TEST_EQ(info.flags & XEN_DOMINF_paused, 0);

    /*
     * max_mem in KiB moves the reservation limit. A PV dom0 starts with
     * Xen's ~0U (no limit); the limit is 32 bits wide.
     */
    max = info.max_pages;
    TEST_EQ(max, 0xffffffffUL);
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = (info.tot_pages + 256) * 4;
    TEST_EQ(domctl(XEN_DOMCTL_max_mem, 0), 0);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self),
            (long)(info.tot_pages + 256));
    TEST_EQ(getinfo(0, &info), 0);
    TEST_EQ(info.max_pages, info.tot_pages + 256);
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = ~0ULL;
    TEST_EQ(domctl(XEN_DOMCTL_max_mem, 0), 0);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self), (long)max);

    /* The handle is what XENVER_guest_handle reports. */
    memset(&dc, 0, sizeof(dc));
    for (unsigned int i = 0; i < 16; i++)
        dc.u.setdomainhandle.handle[i] = (uint8_t)(0x10 + i * 7);
    TEST_EQ(domctl(XEN_DOMCTL_setdomainhandle, 0), 0);
    TEST_EQ(getinfo(0, &info), 0);
    TEST_EQ(info.handle[0], 0x10);
    TEST_EQ(info.handle[15], 0x10 + 15 * 7);
    memset(h, 0, sizeof(h));
    TEST_EQ(HYPERVISOR_xen_version(XENVER_guest_handle, h), 0);
    TEST_EQ(memcmp(h, info.handle, 16), 0);
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_setdomainhandle, 0), 0);

    /* A 64-bit PV domain: 64 stays; no 32-bit PV (Debian's Xen: pv32 off). */
    memset(&dc, 0xa5, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_get_address_size, 0), 0);
    TEST_EQ(dc.u.address_size.size, 64);
    dc.u.address_size.size = 64;
    TEST_EQ(domctl(XEN_DOMCTL_set_address_size, 0), 0);
    dc.u.address_size.size = 48;
    TEST_EQ(domctl(XEN_DOMCTL_set_address_size, 0), -XEN_EINVAL);
    dc.u.address_size.size = 32;
    TEST_EQ(domctl(XEN_DOMCTL_set_address_size, 0), -XEN_EOPNOTSUPP);
    dc.u.max_vcpus.max = 1;
    TEST_EQ(domctl(XEN_DOMCTL_max_vcpus, 0), -XEN_EINVAL);
}

static void vcpus_and_sched(void)
{
    struct xen_domctl_getvcpuinfo *vi = &dc.u.getvcpuinfo;
    struct xen_domctl_scheduler_op *so = &dc.u.scheduler_op;
    uint32_t sched;

    memset(&dc, 0xa5, sizeof(dc));
    vi->vcpu = 0;
    TEST_EQ(domctl(XEN_DOMCTL_getvcpuinfo, 0), 0);
    TEST_EQ(vi->online, 1);
    TEST_EQ(vi->blocked, 0);
    TEST_EQ(vi->running, 1);
    TEST_CHECK(vi->cpu_time > 0);
    TEST_CHECK(vi->cpu < 2);
    vi->vcpu = 1; /* allocated, never brought up */
    TEST_EQ(domctl(XEN_DOMCTL_getvcpuinfo, 0), 0);
    TEST_EQ(vi->online, 0);
    TEST_EQ(vi->running, 0);
    TEST_EQ(vi->cpu_time, 0);
    vi->vcpu = 2;
    TEST_EQ(domctl(XEN_DOMCTL_getvcpuinfo, 0), -XEN_EINVAL);

    memset(&sc, 0, sizeof(sc));
    TEST_EQ(sysctl(XEN_SYSCTL_sched_id), 0);
    sched = sc.u.sched_id.sched_id;
    memset(&dc, 0, sizeof(dc));
    so->sched_id = sched;
    so->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    TEST_EQ(domctl(XEN_DOMCTL_scheduler_op, 0), 0);
    TEST_EQ(so->u.credit.weight, 256);
    TEST_EQ(so->u.credit.cap, 0);
    /* Weight 0 and cap 0xffff leave a value alone (credit); set both. */
    so->cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    so->u.credit.weight = 512;
    so->u.credit.cap = sched == XEN_SCHEDULER_CREDIT ? 0xffff : 0;
    TEST_EQ(domctl(XEN_DOMCTL_scheduler_op, 0), 0);
    so->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    so->u.credit.weight = 0;
    TEST_EQ(domctl(XEN_DOMCTL_scheduler_op, 0), 0);
    TEST_EQ(so->u.credit.weight, 512);
    TEST_EQ(so->u.credit.cap, 0);
    so->cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    so->u.credit.weight = 256;
    TEST_EQ(domctl(XEN_DOMCTL_scheduler_op, 0), 0);
    /* Another scheduler's id, or a command it has not. */
    so->sched_id = sched == XEN_SCHEDULER_CREDIT ? XEN_SCHEDULER_CREDIT2
                                                 : XEN_SCHEDULER_CREDIT;
    so->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    TEST_EQ(domctl(XEN_DOMCTL_scheduler_op, 0), -XEN_EINVAL);
    so->sched_id = sched;
    so->cmd = 9;
    TEST_EQ(domctl(XEN_DOMCTL_scheduler_op, 0), -XEN_EINVAL);
    so->cmd = XEN_DOMCTL_SCHEDOP_getvcpuinfo;
    TEST_EQ(domctl(XEN_DOMCTL_scheduler_op, 0), -XEN_EINVAL);
}

static uint8_t hard[8], soft[8];

static long affinity(uint32_t cmd, uint32_t vcpu, uint32_t flags,
                     uint32_t nr_bits)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.vcpuaffinity.vcpu = vcpu;
    dc.u.vcpuaffinity.flags = flags;
    set_xen_guest_handle(dc.u.vcpuaffinity.cpumap_hard.bitmap, hard);
    set_xen_guest_handle(dc.u.vcpuaffinity.cpumap_soft.bitmap, soft);
    dc.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
    dc.u.vcpuaffinity.cpumap_soft.nr_bits = nr_bits;
    return domctl(cmd, 0);
}

/* Where vCPU 0 runs once the scheduler has had a chance to move it. */
static uint32_t my_cpu(void)
{
    for (int i = 0; i < 20; i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    memset(&dc, 0, sizeof(dc));
    dc.u.getvcpuinfo.vcpu = 0;
    if (domctl(XEN_DOMCTL_getvcpuinfo, 0))
        return 99;
    return dc.u.getvcpuinfo.cpu;
}

static void affinities(void)
{
    const uint32_t hs = XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT;
    struct sched_pin_override pin;

    /* Every CPU; bytes past the two CPUs' byte come back zero. */
    memset(hard, 0xa5, sizeof(hard));
    memset(soft, 0xa5, sizeof(soft));
    TEST_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, hs, 64), 0);
    TEST_EQ(hard[0], 0x03);
    TEST_EQ(hard[1], 0);
    TEST_EQ(hard[7], 0);
    TEST_EQ(soft[0], 0x03);
    /* The CPUs' whole byte even for a one-bit map; nothing past it. */
    memset(hard, 0xa5, sizeof(hard));
    TEST_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 1),
            0);
    TEST_EQ(hard[0], 0x03);
    TEST_EQ(hard[1], 0xa5);

    TEST_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, 0, 64), -XEN_EINVAL);
    TEST_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 2, hs, 64), -XEN_EINVAL);
    memset(&dc, 0, sizeof(dc));
    dc.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    TEST_EQ(domctl(XEN_DOMCTL_getvcpuaffinity, 0), -XEN_EINVAL);

    /* Hard affinity moves the vCPU. */
    memset(hard, 0, sizeof(hard));
    hard[0] = 0x02;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 8),
            0);
    TEST_EQ(hard[0], 0x02);
    TEST_EQ(my_cpu(), 1);
    hard[0] = 0x01;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 8),
            0);
    TEST_EQ(my_cpu(), 0);
    /* No online CPU in it: refused, nothing changes. */
    hard[0] = 0x04;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 8),
            -XEN_EINVAL);
    TEST_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 8),
            0);
    TEST_EQ(hard[0], 0x01);

    /* Soft: kept as given, answered cut to the hard set. */
    soft[0] = 0xff;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_SOFT, 8),
            0);
    TEST_EQ(soft[0], 0x01);
    TEST_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_SOFT, 8),
            0);
    TEST_EQ(soft[0], 0x03);

    /* Under a pin override a new hard set is -EBUSY unless forced. */
    pin.pcpu = 1;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_pin_override, &pin), 0);
    hard[0] = 0x03;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 8),
            -XEN_EBUSY);
    TEST_EQ(affinity(XEN_DOMCTL_getvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 8),
            0);
    TEST_EQ(hard[0], 0x02);
    hard[0] = 0x03;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0,
                     XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_FORCE, 8),
            0);
    TEST_EQ(hard[0], 0x03);
    pin.pcpu = -1;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_pin_override, &pin), -XEN_EINVAL);

    /*
     * Soft affinity is a preference the scheduler acts on: with both CPUs
     * allowed and the other idle, the vCPU moves to the one it prefers,
     * and back; a soft set outside the hard one is no preference at all.
     */
    for (uint8_t want = 1; want < 4; want++) {
        soft[0] = (uint8_t)(1u << (want & 1));
        TEST_EQ(
            affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_SOFT, 8),
            0);
        TEST_EQ(my_cpu(), want & 1);
    }
    soft[0] = 0x02;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_SOFT, 8),
            0);
    TEST_EQ(my_cpu(), 1);
    hard[0] = 0x01;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, XEN_VCPUAFFINITY_HARD, 8),
            0);
    TEST_EQ(my_cpu(), 0);
    hard[0] = 0x03;
    soft[0] = 0x03;
    TEST_EQ(affinity(XEN_DOMCTL_setvcpuaffinity, 0, hs, 8), 0);
}

extern char hypercall_page[];

static void hypercall_init(void)
{
    uint8_t *p = mm_alloc_page();

    TEST_CHECK(p != NULL);
    if (!p)
        return;
    memset(p, 0x5a, MM_PAGE_SIZE);
    memset(&dc, 0, sizeof(dc));
    dc.u.hypercall_init.gmfn = mm_virt_to_mfn(p);
    TEST_EQ(domctl(XEN_DOMCTL_hypercall_init, 0), 0);
    /* The same stubs the builder gave this kernel. */
    TEST_EQ(memcmp(p, hypercall_page, MM_PAGE_SIZE), 0);
    /* A page table may not be written: -EPERM. Not ours: -EINVAL. */
    dc.u.hypercall_init.gmfn = mm_virt_to_mfn((void *)start_info->pt_base);
    TEST_EQ(domctl(XEN_DOMCTL_hypercall_init, 0), -XEN_EPERM);
    dc.u.hypercall_init.gmfn = 0;
    TEST_EQ(domctl(XEN_DOMCTL_hypercall_init, 0), -XEN_EINVAL);
    dc.u.hypercall_init.gmfn = 1ULL << 40;
    TEST_EQ(domctl(XEN_DOMCTL_hypercall_init, 0), -XEN_EINVAL);
    mm_free_page(p);
}

static void console_ring(void)
{
    struct xen_sysctl_readconsole *rc = &sc.u.readconsole;
    uint32_t index, first;

    memset(&sc, 0, sizeof(sc));
    rc->incremental = 1;
    rc->index = 0;
    rc->count = sizeof(ring);
    set_xen_guest_handle(rc->buffer, ring);
    TEST_EQ(sysctl(XEN_SYSCTL_readconsole), 0);
    first = rc->count;
    index = rc->index;
    printk("readconsole: %u bytes, index %u\n", first, index);
    TEST_CHECK(first > 100);
    /* Both hypervisors name the ABI version in their banner. */
    TEST_CHECK(contains(ring, first, "4.17"));
    /* Read on from where it stopped: nothing new since. */
    rc->count = sizeof(ring);
    rc->index = index;
    TEST_EQ(sysctl(XEN_SYSCTL_readconsole), 0);
    TEST_EQ(rc->count, 0);
    TEST_EQ(rc->index, index);
    /* A small buffer takes the oldest bytes. */
    rc->incremental = 0;
    rc->count = 16;
    TEST_EQ(sysctl(XEN_SYSCTL_readconsole), 0);
    TEST_EQ(rc->count, 16);
    TEST_EQ(memcmp(ring, ring + 0, 16), 0);
    /* Clearing marks all read: the next plain read finds nothing. */
    rc->clear = 1;
    rc->count = sizeof(ring);
    TEST_EQ(sysctl(XEN_SYSCTL_readconsole), 0);
    TEST_EQ(rc->count, first);
    rc->clear = 0;
    rc->count = sizeof(ring);
    TEST_EQ(sysctl(XEN_SYSCTL_readconsole), 0);
    TEST_EQ(rc->count, 0);
}

void test_main(void)
{
    mm_init();
    versions();
    machine();
    self_info();
    info_list();
    control_self();
    vcpus_and_sched();
    affinities();
    hypercall_init();
    console_ring();
    TEST_EQ(domctl(1234, 0), -XEN_ENOSYS);
}

/* SPDX-License-Identifier: MIT */
/* sysctl topology, NUMA and CPU policies, and the PV builder's domctls. */
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/ctl.h>
#include <public/physdev.h>

#define NO_SUB XEN_CPUID_NO_SUBLEAF
#define MAX_LEAVES 120 /* Xen 4.17's CPUID_MAX_SERIALISED_LEAVES */
#define MAX_MSRS 2
#define BIOS_TOP 0xffUL /* an I/O frame dom0 may map: the reset vector */
#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define COMMON_1D 0x0183f3ffu /* leaf 1 EDX bits AMD repeats in 0x80000001 */

static struct xen_domctl dc;
static struct xen_sysctl sc;
static struct xen_sysctl_cputopo topo[8];
static struct xen_cpuid_leaf leaves[MAX_LEAVES + 8], dleaves[MAX_LEAVES + 8];
static struct xen_msr_entry msrs[4];

#define domctl(cmd, dom) domctl_op(&dc, (cmd), (dom))
#define sysctl(cmd) sysctl_op(&sc, (cmd))

struct regs {
    uint32_t a, b, c, d;
};

static struct regs forced_cpuid(uint32_t leaf, uint32_t sub)
{
    struct regs r;

    __asm__ volatile(XEN_CPUID
                     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                     : "0"(leaf), "2"(sub));
    return r;
}

static const struct xen_cpuid_leaf *
find(const struct xen_cpuid_leaf *l, uint32_t n, uint32_t leaf, uint32_t sub)
{
    for (uint32_t i = 0; i < n; i++)
        if (l[i].leaf == leaf && l[i].subleaf == sub)
            return &l[i];
    return NULL;
}

static void cputopo(void)
{
    uint32_t n;

    memset(&sc, 0xa5, sizeof(sc));
    TEST_EQ(sysctl(XEN_SYSCTL_physinfo), 0);
    n = sc.u.physinfo.nr_cpus;
    TEST_EQ(n, 2); /* test.conf */

    /* A null array: how many CPU numbers. */
    memset(&sc, 0, sizeof(sc));
    sc.u.cputopoinfo.num_cpus = 77;
    TEST_EQ(sysctl(XEN_SYSCTL_cputopoinfo), 0);
    TEST_EQ(sc.u.cputopoinfo.num_cpus, n);

    /* A larger array: only the CPUs there are are written. */
    memset(topo, 0x5a, sizeof(topo));
    memset(&sc, 0, sizeof(sc));
    sc.u.cputopoinfo.num_cpus = 8;
    sc.u.cputopoinfo.cputopo = topo;
    TEST_EQ(sysctl(XEN_SYSCTL_cputopoinfo), 0);
    TEST_EQ(sc.u.cputopoinfo.num_cpus, n);
    for (uint32_t i = 0; i < n; i++) {
        printk("cpu%u: core %u socket %u node %u\n", i, topo[i].core,
               topo[i].socket, topo[i].node);
        TEST_EQ(topo[i].node, 0);
        TEST_CHECK(topo[i].core != XEN_INVALID_CORE_ID);
        TEST_CHECK(topo[i].socket < n);
    }
    /* Two CPUs, two different places. */
    TEST_CHECK(topo[0].core != topo[1].core ||
               topo[0].socket != topo[1].socket);
    TEST_EQ(topo[n].core, 0x5a5a5a5a);

    /* A shorter one: just that many, and the count says so. */
    memset(topo, 0x5a, sizeof(topo));
    sc.u.cputopoinfo.num_cpus = 1;
    TEST_EQ(sysctl(XEN_SYSCTL_cputopoinfo), 0);
    TEST_EQ(sc.u.cputopoinfo.num_cpus, 1);
    TEST_EQ(topo[0].node, 0);
    TEST_EQ(topo[1].core, 0x5a5a5a5a);
}

static void numa(void)
{
    static struct xen_sysctl_meminfo mem[4];
    static uint32_t dist[16];
    uint64_t total, free_before;

    memset(&sc, 0, sizeof(sc));
    TEST_EQ(sysctl(XEN_SYSCTL_physinfo), 0);
    total = sc.u.physinfo.total_pages;
    free_before = sc.u.physinfo.free_pages;

    memset(&sc, 0, sizeof(sc));
    sc.u.numainfo.num_nodes = 9;
    TEST_EQ(sysctl(XEN_SYSCTL_numainfo), 0);
    TEST_EQ(sc.u.numainfo.num_nodes, 1);

    memset(mem, 0xa5, sizeof(mem));
    memset(dist, 0xa5, sizeof(dist));
    memset(&sc, 0, sizeof(sc));
    sc.u.numainfo.num_nodes = 4;
    sc.u.numainfo.meminfo = mem;
    sc.u.numainfo.distance = dist;
    TEST_EQ(sysctl(XEN_SYSCTL_numainfo), 0);
    TEST_EQ(sc.u.numainfo.num_nodes, 1);
    printk("node0: %lu bytes, %lu free; distance %u\n",
           (unsigned long)mem[0].memsize, (unsigned long)mem[0].memfree,
           dist[0]);
    TEST_EQ(dist[0], 10);
    TEST_EQ(dist[1], 0xa5a5a5a5);
    TEST_CHECK(mem[0].memsize >= total * 4096);
    TEST_CHECK(mem[0].memsize <= (1ULL << 30) + (1ULL << 20) * 16);
    TEST_CHECK(mem[0].memfree < mem[0].memsize);
    /* What physinfo calls free, give or take the hypervisor's churn. */
    TEST_CHECK(mem[0].memfree / 4096 + 256 >= free_before);
    TEST_CHECK(mem[0].memfree / 4096 <= free_before + 256);
    TEST_EQ(mem[1].memsize, 0xa5a5a5a5a5a5a5a5ULL);

    /* Only the distances: meminfo untouched. */
    memset(mem, 0xa5, sizeof(mem));
    sc.u.numainfo.meminfo = NULL;
    TEST_EQ(sysctl(XEN_SYSCTL_numainfo), 0);
    TEST_EQ(mem[0].memsize, 0xa5a5a5a5a5a5a5a5ULL);
    TEST_EQ(dist[0], 10);

    /* Room for none: nothing written, none counted. */
    memset(dist, 0xa5, sizeof(dist));
    sc.u.numainfo.num_nodes = 0;
    TEST_EQ(sysctl(XEN_SYSCTL_numainfo), 0);
    TEST_EQ(sc.u.numainfo.num_nodes, 0);
    TEST_EQ(dist[0], 0xa5a5a5a5);
}

/* get_cpu_policy of index into leaves/msrs; the counts come back. */
static long sys_policy(uint32_t index, uint32_t *nl, uint32_t *nm)
{
    long rc;

    memset(&sc, 0, sizeof(sc));
    sc.u.cpu_policy.index = index;
    sc.u.cpu_policy.nr_leaves = *nl;
    sc.u.cpu_policy.nr_msrs = *nm;
    sc.u.cpu_policy.leaves = leaves;
    sc.u.cpu_policy.msrs = msrs;
    rc = sysctl(XEN_SYSCTL_get_cpu_policy);
    *nl = sc.u.cpu_policy.nr_leaves;
    *nm = sc.u.cpu_policy.nr_msrs;
    return rc;
}

/* The leaves of a serialised policy are in Xen's order, and well formed. */
static void check_order(const struct xen_cpuid_leaf *l, uint32_t n)
{
    uint32_t max_basic = l[0].a, i;

    TEST_EQ(l[0].leaf, 0);
    TEST_EQ(l[0].subleaf, NO_SUB);
    TEST_CHECK(n >= 4 && n <= MAX_LEAVES);
    for (i = 1; i < n; i++) {
        int up =
            l[i].leaf > l[i - 1].leaf || (l[i].leaf == l[i - 1].leaf &&
                                          l[i].subleaf == l[i - 1].subleaf + 1);

        TEST_CHECK(up);
        if (!up)
            printk("out of order at %u: %x/%x\n", i, l[i].leaf, l[i].subleaf);
    }
    TEST_CHECK(find(l, n, 0x40000000, NO_SUB) != NULL);
    TEST_CHECK(find(l, n, 0x40000100, NO_SUB) != NULL);
    TEST_CHECK(find(l, n, 0x80000000, NO_SUB) != NULL);
    if (max_basic >= 7)
        TEST_CHECK(find(l, n, 7, 0) != NULL);
    TEST_CHECK(find(l, n, 1, NO_SUB) != NULL);
}

static uint32_t pv_def_n;

static void sys_policies(void)
{
    static struct xen_cpuid_leaf host[MAX_LEAVES];
    uint32_t nl, nm, host_n;
    const struct xen_cpuid_leaf *l1, *h1, *l7;
    struct regs r;

    /* Null arrays: the most any policy needs. */
    memset(&sc, 0, sizeof(sc));
    sc.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_host;
    TEST_EQ(sysctl(XEN_SYSCTL_get_cpu_policy), 0);
    TEST_EQ(sc.u.cpu_policy.nr_leaves, MAX_LEAVES);
    TEST_EQ(sc.u.cpu_policy.nr_msrs, MAX_MSRS);
    /* The index is checked even for the size query. */
    sc.u.cpu_policy.index = 6;
    TEST_EQ(sysctl(XEN_SYSCTL_get_cpu_policy), -XEN_EINVAL);
    sc.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_host;
    sc.u.cpu_policy._rsvd = 1;
    TEST_EQ(sysctl(XEN_SYSCTL_get_cpu_policy), -XEN_EINVAL);

    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(sys_policy(XEN_SYSCTL_cpu_policy_host, &nl, &nm), 0);
    TEST_EQ(nm, 2);
    TEST_EQ(msrs[0].idx, 0xce);
    TEST_EQ(msrs[1].idx, 0x10a);
    TEST_EQ(msrs[0].flags | msrs[1].flags, 0);
    check_order(leaves, nl);
    host_n = nl;
    memcpy(host, leaves, nl * sizeof(leaves[0]));
    printk("host policy: %u leaves, max basic 0x%x, max extd 0x%x\n", nl,
           leaves[0].a, find(leaves, nl, 0x80000000, NO_SUB)->a);
    TEST_CHECK(leaves[0].a <= 0xd);

    /* One leaf short: -ENOBUFS and the count stays as given. */
    nl = host_n - 1;
    nm = MAX_MSRS;
    TEST_EQ(sys_policy(XEN_SYSCTL_cpu_policy_host, &nl, &nm), -XEN_ENOBUFS);
    TEST_EQ(nl, host_n - 1);
    /* Leaves fit, MSRs do not: -ENOBUFS, the leaf count already out. */
    nl = MAX_LEAVES;
    nm = 1;
    TEST_EQ(sys_policy(XEN_SYSCTL_cpu_policy_host, &nl, &nm), -XEN_ENOBUFS);
    TEST_EQ(nl, host_n);
    TEST_EQ(nm, 1);

    /* PV default and max: no wider than the host, with "hypervisor". */
    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(sys_policy(XEN_SYSCTL_cpu_policy_pv_default, &nl, &nm), 0);
    check_order(leaves, nl);
    pv_def_n = nl;
    memcpy(dleaves, leaves, nl * sizeof(leaves[0]));
    l1 = find(leaves, nl, 1, NO_SUB);
    h1 = find(host, host_n, 1, NO_SUB);
    TEST_CHECK(l1 && h1);
    TEST_EQ((l1->c >> 31) & 1, 1);
    TEST_EQ(l1->c & ~h1->c & ~(1u << 31), 0);
    TEST_EQ(l1->d & ~h1->d, 0);
    TEST_EQ((l1->c >> 5) & 1, 0); /* no VMX for a PV guest */
    TEST_CHECK(leaves[0].a <= host[0].a);

    /* The emulated CPUID says what the policy says. */
    r = forced_cpuid(0, 0);
    TEST_EQ(r.a, leaves[0].a);
    TEST_EQ(r.b, leaves[0].b);
    r = forced_cpuid(1, 0);
    /* OSXSAVE, and EIST which Xen leaks to dom0's kernel, may differ. */
    TEST_EQ(r.c & ~((1u << 27) | (1u << 7)), l1->c & ~((1u << 27) | (1u << 7)));
    /* Xen also leaks MTRR to dom0's kernel. */
    TEST_EQ(r.d & ~(1u << 12), l1->d & ~(1u << 12));
    l7 = find(leaves, nl, 7, 0);
    if (l7) {
        r = forced_cpuid(7, 0);
        TEST_EQ(r.b, l7->b);
        TEST_EQ(r.a, l7->a);
    }
    /*
     * On AMD, Xen's policy leaves out the EDX bits that mirror leaf 1's
     * and its CPUID fills them in; the others must agree.
     */
    r = forced_cpuid(0x80000001, 0);
    TEST_EQ(r.c, find(leaves, nl, 0x80000001, NO_SUB)->c);
    TEST_EQ(r.d & ~COMMON_1D,
            find(leaves, nl, 0x80000001, NO_SUB)->d & ~COMMON_1D);

    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(sys_policy(XEN_SYSCTL_cpu_policy_pv_max, &nl, &nm), 0);
    check_order(leaves, nl);
    l1 = find(leaves, nl, 1, NO_SUB);
    TEST_EQ(find(dleaves, pv_def_n, 1, NO_SUB)->c & ~l1->c, 0);

    /* Raw is there too; an index past the last one is -EINVAL. */
    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(sys_policy(XEN_SYSCTL_cpu_policy_raw, &nl, &nm), 0);
    TEST_EQ(leaves[0].leaf, 0);
    TEST_EQ(sys_policy(6, &nl, &nm), -XEN_EINVAL);
    /*
     * HVM: -EOPNOTSUPP from a hypervisor built without it (Vesper); Xen
     * 4.17 built with HVM answers its (here empty) policies even where
     * the CPU cannot run HVM guests.
     */
    for (uint32_t i = XEN_SYSCTL_cpu_policy_hvm_max;
         i <= XEN_SYSCTL_cpu_policy_hvm_default; i += 2) {
        long rc;

        nl = MAX_LEAVES;
        nm = MAX_MSRS;
        rc = sys_policy(i, &nl, &nm);
        TEST_CHECK(rc == 0 || rc == -XEN_EOPNOTSUPP);
    }
    TEST_EQ(sys_policy(0x80000000u, &nl, &nm), -XEN_EINVAL);
}

static domid_t domu;
static uint32_t cpu_khz;

/* An empty PV domain as libxl makes one, with its vCPUs (2). */
static void make_domu(void)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.createdomain.max_vcpus = 2;
    dc.u.createdomain.max_evtchn_port = 1023;
    dc.u.createdomain.max_grant_frames = 32;
    dc.u.createdomain.max_maptrack_frames = 1024;
    dc.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    TEST_EQ(domctl(XEN_DOMCTL_createdomain, 0), 0);
    domu = dc.domain;
    /* Before max_vcpus it has no vCPUs: Xen's paging ops refuse it. */
    memset(&dc, 0, sizeof(dc));
    dc.u.shadow_op.op = XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION;
    TEST_EQ(domctl(XEN_DOMCTL_shadow_op, domu), -XEN_EINVAL);
    memset(&dc, 0, sizeof(dc));
    dc.u.max_vcpus.max = 2;
    TEST_EQ(domctl(XEN_DOMCTL_max_vcpus, domu), 0);
    memset(&sc, 0, sizeof(sc));
    TEST_EQ(sysctl(XEN_SYSCTL_physinfo), 0);
    cpu_khz = sc.u.physinfo.cpu_khz;
}

static long shadow(domid_t dom, uint32_t op, uint32_t mode, uint32_t mb)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.shadow_op.op = op;
    dc.u.shadow_op.mode = mode;
    dc.u.shadow_op.mb = mb;
    return domctl(XEN_DOMCTL_shadow_op, dom);
}

static void shadow_ops(void)
{
    /* Not on oneself. */
    TEST_EQ(shadow(0, XEN_DOMCTL_SHADOW_OP_OFF, 0, 0), -XEN_EINVAL);
    /*
     * Without shadow paging (Vesper; Debian's Xen 4.17 build) a PV domain
     * has no log-dirty mode to enable, and the pool ops reach a stub.
     */
    TEST_EQ(shadow(domu, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, 0, 0),
            -XEN_EOPNOTSUPP);
    TEST_EQ(shadow(domu, XEN_DOMCTL_SHADOW_OP_ENABLE,
                   XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY, 0),
            -XEN_EOPNOTSUPP);
    TEST_EQ(shadow(domu, XEN_DOMCTL_SHADOW_OP_ENABLE, 0, 0), -XEN_EINVAL);
    TEST_EQ(shadow(domu, XEN_DOMCTL_SHADOW_OP_OFF, 0, 0), -XEN_EINVAL);
    TEST_EQ(shadow(domu, XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION, 0, 77),
            -XEN_EINVAL);
    TEST_EQ(shadow(domu, XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION, 0, 0),
            -XEN_EINVAL);
    /* A bad log-dirty mode, and an op that is none. */
    TEST_EQ(shadow(domu, XEN_DOMCTL_SHADOW_OP_CLEAN, 2, 0), -XEN_EINVAL);
    TEST_EQ(shadow(domu, 99, 0, 0), -XEN_EINVAL);
}

static long tsc_get(domid_t dom, struct xen_domctl_tsc_info *t)
{
    long rc;

    memset(&dc, 0xa5, sizeof(dc));
    rc = domctl(XEN_DOMCTL_gettscinfo, dom);
    *t = dc.u.tsc_info;
    return rc;
}

static long tsc_set(domid_t dom, uint32_t mode, uint32_t khz, uint32_t inc)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.tsc_info.tsc_mode = mode;
    dc.u.tsc_info.gtsc_khz = khz;
    dc.u.tsc_info.incarnation = inc;
    return domctl(XEN_DOMCTL_settscinfo, dom);
}

static void tsc(void)
{
    struct xen_domctl_tsc_info t, t2;

    TEST_EQ(tsc_get(0, &t), -XEN_EINVAL);
    TEST_EQ(tsc_set(0, 0, 0, 0), -XEN_EINVAL);
    /* A new domain: default mode, set once by the hypervisor itself. */
    TEST_EQ(tsc_get(domu, &t), 0);
    printk("tsc: mode %u khz %u incarnation %u elapsed %lu\n", t.tsc_mode,
           t.gtsc_khz, t.incarnation, (unsigned long)t.elapsed_nsec);
    TEST_EQ(t.tsc_mode, 0);
    TEST_EQ(t.incarnation, 1);
    TEST_EQ(t.gtsc_khz, cpu_khz);
    TEST_CHECK(t.elapsed_nsec > 0 && t.elapsed_nsec < 3600ULL * 1000000000);
    TEST_EQ(tsc_get(domu, &t2), 0);
    TEST_CHECK(t2.elapsed_nsec >= t.elapsed_nsec);
    /* Never emulate: no frequency, no elapsed time; incarnation + 1. */
    TEST_EQ(tsc_set(domu, 2, 0, 7), 0);
    TEST_EQ(tsc_get(domu, &t), 0);
    TEST_EQ(t.tsc_mode, 2);
    TEST_EQ(t.incarnation, 8);
    TEST_EQ(t.gtsc_khz, 0);
    TEST_EQ(t.elapsed_nsec, 0);
    /* Modes past never-emulate (3 was PVRDTSCP) are no more. */
    TEST_EQ(tsc_set(domu, 3, 0, 0), -XEN_EINVAL);
    TEST_EQ(tsc_set(domu, 0x80000000u, 0, 0), -XEN_EINVAL);
    TEST_EQ(tsc_get(domu, &t), 0);
    TEST_EQ(t.tsc_mode, 2);
    TEST_EQ(t.incarnation, 8);
    /* Back to default at the host's rate. */
    TEST_EQ(tsc_set(domu, 0, 0, 0), 0);
    TEST_EQ(tsc_get(domu, &t), 0);
    TEST_EQ(t.tsc_mode, 0);
    TEST_EQ(t.incarnation, 1);
    TEST_EQ(t.gtsc_khz, cpu_khz);
    TEST_CHECK(t.elapsed_nsec > 0);
}

static long iomem(domid_t dom, uint64_t mfn, uint64_t nr, int allow)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.iomem_permission.first_mfn = mfn;
    dc.u.iomem_permission.nr_mfns = nr;
    dc.u.iomem_permission.allow_access = (uint8_t)allow;
    return domctl(XEN_DOMCTL_iomem_permission, dom);
}

static long ioport(domid_t dom, uint32_t first, uint32_t nr, int allow)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.ioport_permission.first_port = first;
    dc.u.ioport_permission.nr_ports = nr;
    dc.u.ioport_permission.allow_access = (uint8_t)allow;
    return domctl(XEN_DOMCTL_ioport_permission, dom);
}

static void io_grants(void)
{
    /* Ranges that wrap (an empty one wraps below its start). */
    TEST_EQ(iomem(domu, 5, 0, 1), -XEN_EINVAL);
    TEST_EQ(iomem(domu, ~0ULL, 2, 1), -XEN_EINVAL);
    /* What dom0 does not hold itself: the LAPIC/MSI window, far frames. */
    TEST_EQ(iomem(domu, 0xfee00, 1, 1), -XEN_EPERM);
    TEST_EQ(iomem(domu, 0xfed00, 0x200, 1), -XEN_EPERM);
    TEST_EQ(iomem(domu, 1ULL << 40, 1, 1), -XEN_EPERM);
    /* dom0's own frames it may pass on and take back, also in pieces. */
    TEST_EQ(iomem(domu, 0xa0, 0x20, 1), 0);
    TEST_EQ(iomem(domu, 0xa8, 4, 0), 0);
    TEST_EQ(iomem(domu, 0xa0, 0x20, 0), 0);
    TEST_EQ(iomem(domu, 0xff, 1, 1), 0);

    TEST_EQ(ioport(domu, 0x300, 0, 1), -XEN_EINVAL);
    TEST_EQ(ioport(domu, 0xffff, 2, 1), -XEN_EINVAL);
    TEST_EQ(ioport(domu, 0x10000, 1, 1), -XEN_EINVAL);
    TEST_EQ(ioport(domu, 0xfffffff0u, 0x20, 1), -XEN_EINVAL);
    /* The PIC and PCI configuration data are not dom0's to give. */
    TEST_EQ(ioport(domu, 0x20, 2, 1), -XEN_EPERM);
    TEST_EQ(ioport(domu, 0xcf8, 8, 1), -XEN_EPERM);
    TEST_EQ(ioport(domu, 0x300, 0x10, 1), 0);
    TEST_EQ(ioport(domu, 0x304, 4, 0), 0);
    TEST_EQ(ioport(domu, 0xffff, 1, 1), 0);
}

static uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

/*
 * Taking rights back from dom0 itself shows they are enforced: it can no
 * longer map the frame or reach the port. One way only (dom0 would need
 * the right to give it back), so this runs last.
 */
static void io_revoke_self(void)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };
    unsigned long va;
    uint64_t orig;
    uint8_t *w;

    mm_init();
    w = mm_alloc_page();
    TEST_CHECK(w != NULL);
    if (!w)
        return;
    va = (unsigned long)w;
    orig = mm_read_pte(va, 1);
    TEST_EQ(mm_update_va(va, BIOS_TOP << 12 | PTE_P | PTE_A, UVMF_INVLPG), 0);
    TEST_EQ(w[0xff0], 0xea); /* SeaBIOS's reset vector: a far jump */
    TEST_EQ(mm_update_va(va, orig, UVMF_INVLPG), 0);
    TEST_EQ(iomem(0, BIOS_TOP, 1, 0), 0);
    TEST_EQ(mm_update_va(va, BIOS_TOP << 12 | PTE_P | PTE_A, UVMF_INVLPG),
            -XEN_EPERM);
    TEST_EQ(iomem(0, BIOS_TOP, 1, 1), -XEN_EPERM);
    /* Its neighbours are still dom0's. */
    TEST_EQ(mm_update_va(va, (BIOS_TOP - 1) << 12 | PTE_P | PTE_A, UVMF_INVLPG),
            0);
    TEST_EQ(mm_update_va(va, orig, UVMF_INVLPG), 0);

    /* The RTC's data port: register B reads back until the port goes. */
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
    outb(RTC_INDEX, 0x0b);
    TEST_CHECK(inb(RTC_DATA) != 0xff);
    TEST_EQ(ioport(0, RTC_DATA, 1, 0), 0);
    outb(RTC_INDEX, 0x0b);
    TEST_EQ(inb(RTC_DATA), 0xff);
    TEST_EQ(ioport(0, RTC_DATA, 1, 1), -XEN_EPERM);
}

static long dom_policy(domid_t dom, struct xen_cpuid_leaf *l, uint32_t *nl,
                       uint32_t *nm)
{
    long rc;

    memset(&dc, 0, sizeof(dc));
    dc.u.cpu_policy.nr_leaves = *nl;
    dc.u.cpu_policy.nr_msrs = *nm;
    dc.u.cpu_policy.leaves = l;
    dc.u.cpu_policy.msrs = msrs;
    rc = domctl(XEN_DOMCTL_get_cpu_policy, dom);
    *nl = dc.u.cpu_policy.nr_leaves;
    *nm = dc.u.cpu_policy.nr_msrs;
    return rc;
}

static long set_policy(domid_t dom, const struct xen_cpuid_leaf *l, uint32_t nl,
                       const struct xen_msr_entry *m, uint32_t nm)
{
    memset(&dc, 0, sizeof(dc));
    dc.u.cpu_policy.nr_leaves = nl;
    dc.u.cpu_policy.nr_msrs = nm;
    dc.u.cpu_policy.leaves = (struct xen_cpuid_leaf *)l;
    dc.u.cpu_policy.msrs = (struct xen_msr_entry *)m;
    dc.u.cpu_policy.err_leaf = 0x5a5a5a5a;
    dc.u.cpu_policy.err_subleaf = 0x5a5a5a5a;
    dc.u.cpu_policy.err_msr = 0x5a5a5a5a;
    return domctl(XEN_DOMCTL_set_cpu_policy, dom);
}

static void expect_err(uint32_t leaf, uint32_t sub, uint32_t msr)
{
    TEST_EQ(dc.u.cpu_policy.err_leaf, leaf);
    TEST_EQ(dc.u.cpu_policy.err_subleaf, sub);
    TEST_EQ(dc.u.cpu_policy.err_msr, msr);
}

static void dom_policies(void)
{
    static struct xen_cpuid_leaf cur[MAX_LEAVES + 8], one;
    struct xen_msr_entry m;
    struct xen_cpuid_leaf *l;
    uint32_t nl = 0, nm = 0, n;

    /* Null arrays: the most there can be. */
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_get_cpu_policy, domu), 0);
    TEST_EQ(dc.u.cpu_policy.nr_leaves, MAX_LEAVES);
    TEST_EQ(dc.u.cpu_policy.nr_msrs, MAX_MSRS);

    /* A new PV domain has the PV default policy. */
    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(dom_policy(domu, cur, &nl, &nm), 0);
    n = nl;
    TEST_EQ(nl, pv_def_n);
    TEST_EQ(nm, 2);
    /*
     * Xen fills in the AMD copies of leaf 1's EDX bits and the guest's
     * address width (0x80000008 EAX) per domain; the rest is the default.
     */
    for (uint32_t i = 0; i < nl; i++) {
        struct xen_cpuid_leaf a = cur[i], b = dleaves[i];

        if (a.leaf == 0x80000001)
            a.d &= ~COMMON_1D, b.d &= ~COMMON_1D;
        if (a.leaf == 0x80000008)
            a.a = b.a = 0;
        TEST_EQ(memcmp(&a, &b, sizeof(a)), 0);
    }
    nl = n - 1;
    nm = MAX_MSRS;
    TEST_EQ(dom_policy(domu, cur, &nl, &nm), -XEN_ENOBUFS);
    nl = MAX_LEAVES;
    nm = 0;
    TEST_EQ(dom_policy(domu, cur, &nl, &nm), -XEN_ENOBUFS);
    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(dom_policy(domu, cur, &nl, &nm), 0);

    /* Not on oneself; the same policy back is fine. */
    TEST_EQ(set_policy(0, cur, n, NULL, 0), -XEN_EINVAL);
    TEST_EQ(set_policy(domu, cur, n, msrs, 2), 0);

    /* Wider than the PV max: -EINVAL naming the leaf. */
    memcpy(leaves, cur, n * sizeof(cur[0]));
    leaves[0].a++;
    TEST_EQ(set_policy(domu, leaves, n, NULL, 0), -XEN_EINVAL);
    expect_err(0, NO_SUB, ~0u);
    memcpy(leaves, cur, n * sizeof(cur[0]));
    l = (struct xen_cpuid_leaf *)find(leaves, n, 7, 0);
    if (l) {
        l->a = 3;
        TEST_EQ(set_policy(domu, leaves, n, NULL, 0), -XEN_EINVAL);
        expect_err(7, 0, ~0u);
    }
    memcpy(leaves, cur, n * sizeof(cur[0]));
    l = (struct xen_cpuid_leaf *)find(leaves, n, 0x80000000, NO_SUB);
    l->a = 0x80000022;
    TEST_EQ(set_policy(domu, leaves, n, NULL, 0), -XEN_EINVAL);
    expect_err(0x80000000, NO_SUB, ~0u);

    /* Leaves no policy holds: -ERANGE naming them. */
    one = (struct xen_cpuid_leaf){ 0x50000000, NO_SUB, 1, 2, 3, 4 };
    TEST_EQ(set_policy(domu, &one, 1, NULL, 0), -XEN_ERANGE);
    expect_err(0x50000000, NO_SUB, ~0u);
    one = (struct xen_cpuid_leaf){ 1, 0, 1, 2, 3, 4 };
    TEST_EQ(set_policy(domu, &one, 1, NULL, 0), -XEN_ERANGE);
    expect_err(1, 0, ~0u);
    TEST_EQ(set_policy(domu, cur, MAX_LEAVES + 1, NULL, 0), -XEN_E2BIG);
    expect_err(~0u, ~0u, ~0u);

    /* MSRs: flags must be zero, only the two known, at most two. */
    m = (struct xen_msr_entry){ 0xce, 1, 0 };
    TEST_EQ(set_policy(domu, NULL, 0, &m, 1), -XEN_EINVAL);
    expect_err(~0u, ~0u, 0xce);
    m = (struct xen_msr_entry){ 0x123, 0, 0 };
    TEST_EQ(set_policy(domu, NULL, 0, &m, 1), -XEN_ERANGE);
    expect_err(~0u, ~0u, 0x123);
    TEST_EQ(set_policy(domu, NULL, 0, msrs, 3), -XEN_E2BIG);
    if (!(msrs[0].val & (1u << 31))) {
        /* CPUID faulting the PV max does not have. */
        m = (struct xen_msr_entry){ 0xce, 0, 1u << 31 };
        TEST_EQ(set_policy(domu, NULL, 0, &m, 1), -XEN_EINVAL);
        expect_err(~0u, ~0u, 0xce);
    }
    /* None of the refusals changed anything. */
    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(dom_policy(domu, leaves, &nl, &nm), 0);
    TEST_EQ(nl, n);
    TEST_EQ(memcmp(leaves, cur, n * sizeof(cur[0])), 0);

    /* Narrower: SSE3 off sticks. Wider features (VMX) are dropped. */
    one = *find(cur, n, 1, NO_SUB);
    one.c &= ~1u;
    one.c |= 1u << 5;
    TEST_EQ(set_policy(domu, &one, 1, NULL, 0), 0);
    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(dom_policy(domu, leaves, &nl, &nm), 0);
    TEST_EQ(find(leaves, nl, 1, NO_SUB)->c & 1, 0);
    TEST_EQ(find(leaves, nl, 1, NO_SUB)->c & (1u << 5), 0);
    TEST_EQ(find(leaves, nl, 1, NO_SUB)->d, find(cur, n, 1, NO_SUB)->d);

    /* Once the domain has run (been unpaused), the policy is fixed. */
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_unpausedomain, domu), 0);
    TEST_EQ(set_policy(domu, cur, n, NULL, 0), -XEN_EEXIST);
    nl = MAX_LEAVES;
    nm = MAX_MSRS;
    TEST_EQ(dom_policy(domu, cur, &nl, &nm), 0);
}

void test_main(void)
{
    cputopo();
    numa();
    sys_policies();
    make_domu();
    shadow_ops();
    tsc();
    io_grants();
    dom_policies();
    memset(&dc, 0, sizeof(dc));
    TEST_EQ(domctl(XEN_DOMCTL_destroydomain, domu), 0);
    io_revoke_self();
}

/* SPDX-License-Identifier: MIT */
/* sysctl topology, NUMA and CPU policies, and the PV builder's domctls. */
#include <guest/test.h>
#include <guest/ctl.h>

#define NO_SUB XEN_CPUID_NO_SUBLEAF
#define MAX_LEAVES 120 /* Xen 4.17's CPUID_MAX_SERIALISED_LEAVES */
#define MAX_MSRS 2
#define COMMON_1D 0x0183f3ffu /* leaf 1 EDX bits AMD repeats in 0x80000001 */

static struct xen_domctl dc __attribute__((unused));
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

void test_main(void)
{
    cputopo();
    numa();
    sys_policies();
}

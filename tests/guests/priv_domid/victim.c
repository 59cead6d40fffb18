/* SPDX-License-Identifier: MIT */
/* priv_domid, dom0: offer, mark, wait, check nothing changed, then act. */
#include "priv.h"

#define STATE_PORTS 4

/* Everything the domU must not be able to change. */
struct state {
    uint64_t l1[512]; /* Accessed/Dirty masked: the CPU sets those */
    unsigned long m2p_pattern, m2p_carrier[3];
    long cur, max;
    struct evtchn_status st[STATE_PORTS];
};

static uint64_t *pat;
static unsigned long pat_mfn, carrier[3];
static const volatile uint64_t *l1;
static evtchn_port_t ports[STATE_PORTS]; /* other, ipi, dom_exc, sync */
static volatile uint32_t got_sync, got_exc, got_any;

/* Either the domU's "done", or news that it died (a failure, then). */
static void on_sync_or_exc(evtchn_port_t port, void *data)
{
    count_event(port, data);
    got_any++;
}

static void snapshot(struct state *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned int i = 0; i < 512; i++)
        s->l1[i] = l1[i] & ~(PTE_A | PTE_D);
    s->m2p_pattern = MM_M2P[pat_mfn];
    for (unsigned int k = 0; k < 3; k++)
        s->m2p_carrier[k] = MM_M2P[carrier[k]];
    s->cur = current_reservation(DOMID_SELF, XENMEM_current_reservation);
    s->max = current_reservation(DOMID_SELF, XENMEM_maximum_reservation);
    for (unsigned int k = 0; k < STATE_PORTS; k++)
        TEST_EQ(evtchn_status(DOMID_SELF, ports[k], &s->st[k]), 0);
}

static void check_unchanged(const struct state *before)
{
    struct state now;
    unsigned int bad = 0;

    for (unsigned int i = 0; i < 512; i++)
        if (pat[i] != pattern(SEED_DOM0, i) && bad++ < 4)
            printk("victim: pattern word %u is 0x%llx\n", i,
                   (unsigned long long)pat[i]);
    TEST_EQ(bad, 0);
    snapshot(&now);
    for (unsigned int i = 0; i < 512; i++)
        if (now.l1[i] != before->l1[i])
            test_fail("victim: L1 entry %u 0x%llx, was 0x%llx", i,
                      (unsigned long long)now.l1[i],
                      (unsigned long long)before->l1[i]);
    TEST_EQ(now.m2p_pattern, mm_virt_to_pfn(pat));
    for (unsigned int k = 0; k < 3; k++)
        TEST_EQ(now.m2p_carrier[k], before->m2p_carrier[k]);
    TEST_EQ(now.cur, before->cur);
    TEST_EQ(now.max, before->max);
    /* The last port is the one the domU was to bind: it changed. */
    for (unsigned int k = 0; k < STATE_PORTS - 1; k++) {
        TEST_EQ(now.st[k].status, before->st[k].status);
        TEST_EQ(now.st[k].vcpu, before->st[k].vcpu);
        TEST_EQ(now.st[k].u.interdomain.dom, before->st[k].u.interdomain.dom);
        TEST_EQ(now.st[k].u.interdomain.port, before->st[k].u.interdomain.port);
    }
    /* The port offered to someone else is still waiting for them. */
    TEST_EQ(now.st[0].status, EVTCHNSTAT_unbound);
    TEST_EQ(now.st[0].u.unbound.dom, NOBODY_PORT);
    TEST_EQ(now.st[3].status, EVTCHNSTAT_interdomain);
    TEST_EQ(now.st[3].u.interdomain.dom, HOSTILE);
}

/* The privileged side: dom0 may name the domU (and gets -ESRCH for none). */
static void act_on_domu(void)
{
    static const domid_t none[] = { DOMID_XEN, DOMID_IO, NOBODY };
    struct evtchn_status st;
    struct evtchn_alloc_unbound au = { .dom = HOSTILE, .remote_dom = 0 };
    struct xen_feature_info fi = { .submap_idx = 0 };
    struct sched_remote_shutdown rs = { .reason = SHUTDOWN_poweroff };
    struct mmu_update req;
    unsigned long umfn, sva;
    uint64_t sorig, *spare;
    unsigned int done = 0xdead, bad = 0;
    long cur = current_reservation(HOSTILE, XENMEM_current_reservation);

    printk("victim: the domU holds %ld pages\n", cur);
    TEST_CHECK(cur > 0);
    TEST_CHECK(current_reservation(HOSTILE, XENMEM_maximum_reservation) >= cur);
    for (unsigned int k = 0; k < 3; k++) {
        TEST_EQ(current_reservation(none[k], XENMEM_current_reservation),
                -XEN_ESRCH);
        TEST_EQ(current_reservation(none[k], XENMEM_maximum_reservation),
                -XEN_ESRCH);
    }

    /* Map the domU's marked page with FD = its id and read its pattern. */
    umfn = find_mark(KEY_DOMU);
    TEST_CHECK(umfn != 0);
    spare = mm_alloc_page();
    TEST_CHECK(spare != NULL);
    if (umfn && spare) {
        sva = (unsigned long)spare;
        sorig = *mm_pte_ptr(sva, 1);
        req.ptr = mm_pte_maddr(sva, 1);
        req.val = MFN_PTE(umfn, PTE_P | PTE_A);
        /* Only with the domU named as its owner, privileged or not. */
        TEST_EQ(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF), -XEN_EBUSY);
        TEST_EQ(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_IO), -XEN_EBUSY);
        TEST_EQ(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_XEN), -XEN_EBUSY);
        TEST_EQ(mm_update_va(sva, req.val, UVMF_INVLPG), -XEN_EBUSY);
        TEST_EQ(*mm_pte_ptr(sva, 1), sorig);
        TEST_EQ(HYPERVISOR_mmu_update(&req, 1, &done, HOSTILE), 0);
        TEST_EQ(done, 1);
        mm_invlpg(sva);
        for (unsigned int i = 0; i < 512; i++)
            bad += spare[i] != pattern(SEED_DOMU, i);
        TEST_EQ(bad, 0);
        TEST_EQ(mm_update_va(sva, sorig, UVMF_INVLPG), 0);
        TEST_EQ(hypercall6(__HYPERVISOR_update_va_mapping_otherdomain, sva,
                           MFN_PTE(umfn, PTE_P | PTE_A), UVMF_INVLPG, HOSTILE,
                           0),
                0);
        TEST_EQ(spare[7], pattern(SEED_DOMU, 7));
        TEST_EQ(mm_update_va(sva, sorig, UVMF_INVLPG), 0);
        TEST_EQ(*mm_pte_ptr(sva, 1), sorig);
    }

    /* The domU's end of our channel, and a port we allocate in it. */
    TEST_EQ(evtchn_status(DOMID_SELF, ports[3], &st), 0);
    TEST_EQ(evtchn_status(HOSTILE, st.u.interdomain.port, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_interdomain);
    TEST_EQ(st.u.interdomain.dom, 0);
    TEST_EQ(st.u.interdomain.port, ports[3]);
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    TEST_EQ(evtchn_status(HOSTILE, au.port, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_unbound);
    TEST_EQ(st.u.unbound.dom, 0);
    /* Xen resets another domain's channels only while it is paused. */
    TEST_EQ(evtchn_reset(HOSTILE), -XEN_EINVAL);
    TEST_EQ(evtchn_reset(NOBODY), -XEN_ESRCH);
    TEST_EQ(evtchn_status(HOSTILE, au.port, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_unbound);

    TEST_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    TEST_CHECK(fi.submap & (1u << XENFEAT_dom0));
    TEST_CHECK(HYPERVISOR_xen_version(XENVER_build_id, NULL) != -XEN_EPERM);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 0, NULL), 0);

    /* Last: stop the domU, which waits for that; we hear of it. */
    rs.domain_id = DOMID_SELF;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    rs.domain_id = NOBODY;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    TEST_EQ(got_exc, 0);
    rs.domain_id = HOSTILE;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), 0);
    TEST_CHECK(wait_count(&got_exc, 1, 10 * NS_PER_SEC));
}

void victim_main(void)
{
    struct state before;
    uint64_t *l1e;

    timer_events_init();
    pat = mm_alloc_page();
    TEST_CHECK(pat != NULL);
    if (!pat)
        return;
    for (unsigned int i = 0; i < 512; i++)
        pat[i] = pattern(SEED_DOM0, i);
    pat_mfn = mm_virt_to_mfn(pat);
    l1e = (uint64_t *)mm_pte_ptr((unsigned long)pat, 1);
    l1 = (const volatile uint64_t *)((unsigned long)l1e & ~0xfffUL);
    carrier[0] = mark(KEY_PATTERN, pat_mfn);
    carrier[1] = mark(KEY_L1, mm_pte_maddr((unsigned long)pat, 1) >> 12);
    carrier[2] = mark(KEY_L4, mm_virt_to_mfn(mm_cur_l4));

    /* A port for someone else, an IPI, a VIRQ; ours for the domU last. */
    TEST_EQ(evtchn_alloc_unbound(NOBODY_PORT, &ports[0]), 0);
    TEST_EQ(evtchn_bind_ipi(0, &ports[1]), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, 0, &ports[2]), 0);
    evtchn_set_handler(ports[2], on_sync_or_exc, (void *)&got_exc);
    TEST_EQ(evtchn_alloc_unbound(HOSTILE, &ports[3]), 0);
    evtchn_set_handler(ports[3], on_sync_or_exc, (void *)&got_sync);
    printk("victim: ports %u (for d%u) %u (ipi) %u (dom_exc) %u (for d%u)\n",
           ports[0], NOBODY_PORT, ports[1], ports[2], ports[3], HOSTILE);
    snapshot(&before);

    /* The domU binds, attacks, then tells us it is done. */
    TEST_CHECK(wait_count(&got_any, 1, 90 * NS_PER_SEC));
    TEST_EQ(got_sync, 1);
    TEST_EQ(got_exc, 0);
    printk("victim: the domU says it is done; checking\n");
    check_unchanged(&before);
    act_on_domu();
}

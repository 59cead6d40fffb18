/* SPDX-License-Identifier: MIT */
/* priv_domid, the unprivileged domU: name dom0 and others everywhere. */
#include "priv.h"

#define PAT 0x5a5a5a5a5a5a5a5aULL

/* Domains that exist but are not ours, and ones that do not exist. */
static const domid_t others[] = { 0, DOMID_XEN, DOMID_IO, NOBODY };
static const domid_t absent[] = { DOMID_XEN, DOMID_IO, NOBODY };

static unsigned long pmfn, l1mfn, l4mfn;
static uint64_t *w;
static unsigned long wva;
static uint64_t wpte_ma, worig;
static volatile uint32_t got_shutdown;

/* Our probe page is still ours, mapped as before, with its contents. */
static void probe_intact(const char *after)
{
    uint64_t now = *mm_pte_ptr(wva, 1);

    if (now != worig || mm_peek(wva) != PAT || w[511] != PAT)
        test_fail("after %s: our page's PTE 0x%llx (was 0x%llx), word 0x%llx",
                  after, (unsigned long long)now, (unsigned long long)worig,
                  (unsigned long long)mm_peek(wva));
}

static long reservation(unsigned int cmd, domid_t dom, xen_pfn_t *frame)
{
    struct xen_memory_reservation r;

    memset(&r, 0, sizeof(r));
    set_xen_guest_handle(r.extent_start, frame);
    r.nr_extents = 1;
    r.domid = dom;
    return HYPERVISOR_memory_op(cmd, &r);
}

static void attack_memory_op(void)
{
    static const unsigned int queries[] = { XENMEM_current_reservation,
                                            XENMEM_maximum_reservation };
    static const unsigned int changes[] = { XENMEM_decrease_reservation,
                                            XENMEM_increase_reservation,
                                            XENMEM_populate_physmap };
    long own = current_reservation(DOMID_SELF, XENMEM_current_reservation);
    xen_pfn_t frame;

    printk("hostile: memory_op\n");
    TEST_CHECK(own > 0);
    /* Our own id is as good as DOMID_SELF. */
    TEST_EQ(current_reservation(HOSTILE, XENMEM_current_reservation), own);
    for (unsigned int q = 0; q < 2; q++) {
        TEST_EQ(current_reservation(0, queries[q]), -XEN_EPERM);
        for (unsigned int k = 0; k < 3; k++)
            TEST_EQ(current_reservation(absent[k], queries[q]), -XEN_ESRCH);
    }
    TEST_CHECK(HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL) > 0);
    /* A multicall is no way round the checks. */
    {
        struct xen_memory_domain m = { .domid = 0 };
        struct multicall_entry mc[2];

        memset(mc, 0, sizeof(mc));
        mc[0].op = __HYPERVISOR_memory_op;
        mc[0].args[0] = XENMEM_current_reservation;
        mc[0].args[1] = (unsigned long)&m;
        mc[1] = mc[0];
        mc[1].args[0] = XENMEM_maximum_reservation;
        TEST_EQ(HYPERVISOR_multicall(mc, 2), 0);
        TEST_EQ(mc[0].result, (unsigned long)-XEN_EPERM);
        TEST_EQ(mc[1].result, (unsigned long)-XEN_EPERM);
    }

    /* Xen does nothing for a domain it will not change: 0 extents done. */
    for (unsigned int c = 0; c < 3; c++) {
        for (unsigned int k = 0; k < 4; k++) {
            frame = pmfn;
            TEST_EQ(reservation(changes[c], others[k], &frame), 0);
            frame = mm_virt_to_mfn(w);
            TEST_EQ(reservation(changes[c], others[k], &frame), 0);
        }
    }
    /* Nor is dom0's frame ours to give back. */
    frame = pmfn;
    TEST_EQ(reservation(XENMEM_decrease_reservation, DOMID_SELF, &frame), 0);
    TEST_EQ(current_reservation(DOMID_SELF, XENMEM_current_reservation), own);
    probe_intact("memory_op");
}

static long mmu1(unsigned int fd, uint64_t ptr, uint64_t val,
                 unsigned int *done)
{
    struct mmu_update req = { .ptr = ptr, .val = val };

    *done = 0xdead;
    return hypercall6(__HYPERVISOR_mmu_update, (unsigned long)&req, 1,
                      (unsigned long)done, fd, 0);
}

static long uvma_other(uint64_t val, domid_t dom)
{
    return hypercall6(__HYPERVISOR_update_va_mapping_otherdomain, wva, val,
                      UVMF_INVLPG, dom, 0);
}

static void attack_mmu_update(void)
{
    uint64_t ro = MFN_PTE(pmfn, PTE_P | PTE_A), rw = MFN_PTE(pmfn, PTE_KDATA);
    unsigned int done;

    printk("hostile: mmu_update and update_va_mapping_otherdomain\n");
    /* dom0 and DOMID_XEN as page owner: -EPERM at the first request. */
    TEST_EQ(mmu1(0, wpte_ma, ro, &done), -XEN_EPERM);
    TEST_EQ(done, 0);
    TEST_EQ(mmu1(0, wpte_ma, rw, &done), -XEN_EPERM);
    TEST_EQ(mmu1(DOMID_XEN, wpte_ma, ro, &done), -XEN_EPERM);
    TEST_EQ(done, 0);
    TEST_EQ(
        hypercall6(__HYPERVISOR_mmu_update, 0, 0, (unsigned long)&done, 0, 0),
        0); /* an empty batch needs no right */
    /* DOMID_IO owns no RAM: neither dom0's frame nor ours. */
    TEST_EQ(mmu1(DOMID_IO, wpte_ma, ro, &done), -XEN_EBUSY);
    TEST_EQ(mmu1(DOMID_IO, wpte_ma, worig & ~PTE_RW, &done), -XEN_EBUSY);
    /* I/O frames (the BIOS page, the VGA window): no I/O rights here. */
    TEST_EQ(mmu1(DOMID_IO, wpte_ma, MFN_PTE(0xf0, PTE_P | PTE_A), &done),
            -XEN_EPERM);
    TEST_EQ(mmu1(DOMID_SELF, wpte_ma, MFN_PTE(0xb8, PTE_P | PTE_A), &done),
            -XEN_EPERM);
    TEST_EQ(mm_update_va(wva, MFN_PTE(0xf0, PTE_P | PTE_A), UVMF_INVLPG),
            -XEN_EPERM);
    /* No such domain, or ourselves by number. */
    TEST_EQ(mmu1(NOBODY, wpte_ma, ro, &done), -XEN_ESRCH);
    TEST_EQ(done, 0);
    TEST_EQ(mmu1(HOSTILE, wpte_ma, ro, &done), -XEN_ESRCH);
    /* Page tables of dom0 (PFD), of nobody, and our own named so. */
    TEST_EQ(mmu1(1u << 16 | DOMID_SELF, wpte_ma, worig, &done), -XEN_EPERM);
    TEST_EQ(mmu1((NOBODY + 1u) << 16 | DOMID_SELF, wpte_ma, worig, &done),
            -XEN_ESRCH);
    TEST_EQ(mmu1((HOSTILE + 1u) << 16 | DOMID_SELF, wpte_ma, worig, &done), 0);
    TEST_EQ(done, 1);
    /* dom0's M2P entry and dom0's own L1 table. */
    TEST_EQ(
        mmu1(DOMID_SELF, (uint64_t)pmfn << 12 | MMU_MACHPHYS_UPDATE, 5, &done),
        -XEN_EINVAL);
    TEST_EQ(mmu1(0, (uint64_t)pmfn << 12 | MMU_MACHPHYS_UPDATE, 5, &done),
            -XEN_EPERM);
    TEST_EQ(mmu1(DOMID_SELF, (uint64_t)l1mfn << 12 | 8 * 5, 0, &done),
            -XEN_EINVAL);
    TEST_EQ(mmu1(0, (uint64_t)l1mfn << 12 | 8 * 5, 0, &done), -XEN_EPERM);
    /* dom0's frame with ourselves as its owner. */
    TEST_EQ(mmu1(DOMID_SELF, wpte_ma, ro, &done), -XEN_EBUSY);
    TEST_EQ(mm_update_va(wva, ro, UVMF_INVLPG), -XEN_EBUSY);
    probe_intact("mmu_update");

    /* update_va_mapping_otherdomain: -EPERM whatever the entry. */
    for (unsigned int k = 0; k < 3; k++) {
        TEST_EQ(uvma_other(ro, others[k]), -XEN_EPERM);
        TEST_EQ(uvma_other(0, others[k]), -XEN_EPERM);
    }
    TEST_EQ(uvma_other(ro, NOBODY), -XEN_ESRCH);
    TEST_EQ(uvma_other(ro, HOSTILE), -XEN_ESRCH);
    TEST_EQ(uvma_other(ro, DOMID_SELF), -XEN_EBUSY);
    TEST_EQ(uvma_other(worig, DOMID_SELF), 0);
    probe_intact("update_va_mapping_otherdomain");
}

static long ext1(unsigned int cmd, unsigned long arg1, unsigned long arg2,
                 unsigned int fd)
{
    struct mmuext_op op = { .cmd = cmd };
    unsigned int done = 0xdead;

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return hypercall6(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1,
                      (unsigned long)&done, fd, 0);
}

static void attack_mmuext_op(void)
{
    unsigned int done;

    printk("hostile: mmuext_op\n");
    for (unsigned int k = 0; k < 3; k++)
        TEST_EQ(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, others[k]), -XEN_EPERM);
    /* Checked before the batch, even an empty one. */
    TEST_EQ(
        hypercall6(__HYPERVISOR_mmuext_op, 0, 0, (unsigned long)&done, 0, 0),
        -XEN_EPERM);
    TEST_EQ(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, NOBODY), -XEN_ESRCH);
    TEST_EQ(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, HOSTILE), -XEN_ESRCH);
    TEST_EQ(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0, DOMID_SELF), 0);
    /* dom0's tables and pages named as if they were ours. */
    TEST_EQ(ext1(MMUEXT_PIN_L1_TABLE, l1mfn, 0, DOMID_SELF), -XEN_EINVAL);
    TEST_EQ(ext1(MMUEXT_PIN_L4_TABLE, l4mfn, 0, DOMID_SELF), -XEN_EINVAL);
    TEST_EQ(ext1(MMUEXT_UNPIN_TABLE, l4mfn, 0, DOMID_SELF), -XEN_EINVAL);
    TEST_EQ(ext1(MMUEXT_NEW_BASEPTR, l4mfn, 0, DOMID_SELF), -XEN_EINVAL);
    TEST_EQ(ext1(MMUEXT_NEW_USER_BASEPTR, l4mfn, 0, DOMID_SELF), -XEN_EINVAL);
    TEST_EQ(ext1(MMUEXT_CLEAR_PAGE, pmfn, 0, DOMID_SELF), -XEN_EINVAL);
    TEST_EQ(ext1(MMUEXT_COPY_PAGE, mm_virt_to_mfn(w), pmfn, DOMID_SELF),
            -XEN_EINVAL);
    TEST_EQ(ext1(MMUEXT_COPY_PAGE, pmfn, mm_virt_to_mfn(w), DOMID_SELF),
            -XEN_EINVAL);
    /* Only a domain with I/O access may flush caches. */
    TEST_EQ(ext1(MMUEXT_FLUSH_CACHE, 0, 0, DOMID_SELF), -XEN_EACCES);
    TEST_EQ(ext1(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0, DOMID_SELF), -XEN_EINVAL);
    probe_intact("mmuext_op");
}

static long alloc_unbound(domid_t dom, domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

static void attack_evtchn(evtchn_port_t remote_sync, evtchn_port_t sync)
{
    struct evtchn_status st;
    evtchn_port_t p, q;
    unsigned int bound = 0;

    printk("hostile: event channels (dom0 offered us port %u)\n", remote_sync);
    /* Every other port of dom0's, and ours again: none offered to us. */
    for (evtchn_port_t r = 1; r <= 64; r++) {
        long rc = evtchn_bind_interdomain(0, r, &p);

        if (rc != -XEN_EINVAL) {
            test_fail("bind_interdomain(d0, port %u) = %ld", r, rc);
            bound++;
        }
    }
    TEST_EQ(bound, 0);
    TEST_EQ(evtchn_bind_interdomain(0, 100000, &p), -XEN_EINVAL);
    for (unsigned int k = 0; k < 3; k++)
        TEST_EQ(evtchn_bind_interdomain(absent[k], 1, &p), -XEN_ESRCH);

    /* Allocating in dom0's table, for anyone. */
    TEST_EQ(alloc_unbound(0, HOSTILE, &p), -XEN_EPERM);
    TEST_EQ(alloc_unbound(0, 0, &p), -XEN_EPERM);
    for (unsigned int k = 0; k < 3; k++)
        TEST_EQ(alloc_unbound(absent[k], 0, &p), -XEN_ESRCH);
    TEST_EQ(alloc_unbound(HOSTILE, 0, &q), 0); /* ourselves by number */
    TEST_EQ(evtchn_close(q), 0);

    /* Looking at dom0's ports; a bad port number is looked at first. */
    TEST_EQ(evtchn_status(0, remote_sync, &st), -XEN_EPERM);
    TEST_EQ(evtchn_status(0, 1, &st), -XEN_EPERM);
    TEST_EQ(evtchn_status(0, 100000, &st), -XEN_EINVAL);
    for (unsigned int k = 0; k < 3; k++)
        TEST_EQ(evtchn_status(absent[k], 1, &st), -XEN_ESRCH);
    TEST_EQ(evtchn_status(HOSTILE, sync, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_interdomain);
    TEST_EQ(st.u.interdomain.dom, 0);
    TEST_EQ(st.u.interdomain.port, remote_sync);

    /* Resetting dom0's channels. */
    TEST_EQ(evtchn_reset(0), -XEN_EPERM);
    for (unsigned int k = 0; k < 3; k++)
        TEST_EQ(evtchn_reset(absent[k]), -XEN_ESRCH);

    /* Global VIRQs may be bound (they go to dom0 all the same). */
    TEST_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, 0, &p), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_DOM_EXC, 0, &q), -XEN_EEXIST);
    TEST_EQ(evtchn_bind_virq(VIRQ_CONSOLE, 1, &q), -XEN_EINVAL);
    TEST_EQ(evtchn_close(p), 0);
}

/* Descriptor frames: dom0's page may be neither a GDT nor written as one. */
static void attack_descriptors(void)
{
    /* A flat data segment, DPL 3: a descriptor Xen would accept. */
    const uint64_t flat = 0x00cff3000000ffffULL;
    xen_pfn_t frame = pmfn;

    printk("hostile: update_descriptor, set_gdt, vcpu_info, FIFO control\n");
    TEST_EQ(hypercall6(__HYPERVISOR_update_descriptor,
                       (unsigned long)pmfn << 12 | 8 * 3, flat, 0, 0, 0),
            -XEN_EINVAL);
    TEST_EQ(
        hypercall6(__HYPERVISOR_set_gdt, (unsigned long)&frame, 512, 0, 0, 0),
        -XEN_EINVAL);
    /* Nor may it become our vcpu_info or FIFO control block. */
    {
        struct vcpu_register_vcpu_info vi = { .mfn = pmfn, .offset = 64 };
        struct evtchn_init_control ic = { .control_gfn = pmfn };

        TEST_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &vi),
                -XEN_EINVAL);
        TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic),
                -XEN_EINVAL);
    }
    /* Our own page as a descriptor page is fine. */
    TEST_EQ(hypercall6(__HYPERVISOR_update_descriptor,
                       mm_virt_to_maddr(w) + 8 * 3, flat, 0, 0, 0),
            0);
    TEST_EQ(w[3], flat);
    w[3] = PAT;
    probe_intact("update_descriptor");
}

static void attack_misc(void)
{
    struct sched_remote_shutdown rs = { .reason = SHUTDOWN_poweroff };
    struct sched_pin_override po = { .pcpu = 0 };
    struct xen_feature_info fi = { .submap_idx = 0 };
    struct vcpu_get_physid id;
    char buf[16];

    printk("hostile: console_io, vcpu_op, xen_version, sched_op\n");
    /* As Xen's release builds: only dom0 may write or read. */
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 13, "hostile: hi\r\n"),
            -XEN_EPERM);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf),
            -XEN_EPERM);
    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 0, buf), -XEN_EPERM);
    TEST_EQ(HYPERVISOR_console_io(7, 0, buf), -XEN_EPERM);

    /* vCPUs we do not have; physical ids are for dom0 (we are pinned). */
    TEST_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_ENOENT);
    TEST_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0x7fffffff, NULL), -XEN_ENOENT);
    TEST_EQ(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, buf), -XEN_ENOENT);
    TEST_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_physid, 0, &id), -XEN_EINVAL);

    TEST_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    TEST_EQ(fi.submap & (1u << XENFEAT_dom0), 0);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_build_id, NULL), -XEN_EPERM);

    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_pin_override, &po), -XEN_EPERM);
    /* Shutting down others, or even ourselves, by number. */
    rs.domain_id = DOMID_SELF;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    for (unsigned int k = 1; k < 4; k++) {
        rs.domain_id = others[k];
        TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    }
    rs.domain_id = 0;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EPERM);
    rs.domain_id = HOSTILE;
    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EPERM);
}

void hostile_main(void)
{
    evtchn_port_t sync = 0, remote = 0;
    uint64_t deadline, *mine;
    long rc = -1;

    timer_events_init();
    w = mm_alloc_page();
    mine = mm_alloc_page();
    TEST_CHECK(w != NULL && mine != NULL);
    if (!w || !mine)
        return;
    for (unsigned int i = 0; i < 512; i++)
        w[i] = PAT;
    wva = (unsigned long)w;
    wpte_ma = mm_pte_maddr(wva, 1);
    worig = *mm_pte_ptr(wva, 1);

    /* dom0 offers us a port once its marks are in place. */
    deadline = guest_now() + 60 * NS_PER_SEC;
    while (rc && guest_now() < deadline) {
        for (remote = 1; remote <= 64 && rc; remote++)
            rc = evtchn_bind_interdomain(0, remote, &sync);
        if (rc)
            sched_yield();
    }
    TEST_EQ(rc, 0);
    if (rc)
        return;
    remote--;
    evtchn_clear_pending(sync);
    pmfn = find_mark(KEY_PATTERN);
    l1mfn = find_mark(KEY_L1);
    l4mfn = find_mark(KEY_L4);
    printk("hostile: dom0's pattern mfn 0x%lx, L1 0x%lx, L4 0x%lx\n", pmfn,
           l1mfn, l4mfn);
    TEST_CHECK(pmfn && l1mfn && l4mfn);
    if (!pmfn || !l1mfn || !l4mfn)
        return;

    attack_memory_op();
    attack_mmu_update();
    attack_mmuext_op();
    attack_descriptors();
    attack_evtchn(remote, sync);
    attack_misc();

    /* Our own page for dom0 to map, then tell dom0 we are done. */
    for (unsigned int i = 0; i < 512; i++)
        mine[i] = pattern(SEED_DOMU, i);
    mark(KEY_DOMU, mm_virt_to_mfn(mine));
    if (test_checks_failed())
        printk("Test result: FAIL (%u checks failed)\n", test_checks_failed());
    else
        printk("Test result: PASS\n");
    TEST_EQ(evtchn_send(sync), 0);
    /* dom0 shuts us down; we should never get past this. */
    wait_count(&got_shutdown, 1, 30 * NS_PER_SEC);
    test_fail("dom0 did not shut us down");
}

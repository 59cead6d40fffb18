/* SPDX-License-Identifier: MIT */
/* A huge aliased decrease_reservation is preempted: events arrive meanwhile. */
#include <guest/events.h>
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/time.h>

/* 512 pages of extents, all one page mapped 512 times by one L1. */
#define NR_EXTENTS (512UL * 512)
/* A free 2 MiB slot of the start-of-day L2 (the image uses the first few). */
#define ALIAS_VA 0xffffffff88000000UL
#define MEMOP_EXTENT_SHIFT 6

static volatile uint32_t in_call, ticks;

/*
 * Timer events reach us between a preempted call's continuations, as on
 * Xen; an unpreempted call lets at most one through, after it ends.
 */
static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    if (in_call)
        ticks++;
}

void test_main(void)
{
    uint64_t *ext, *l1, *victim;
    unsigned long victim_mfn, l1_mfn;
    struct xen_memory_reservation r, big;
    evtchn_port_t tport;
    xen_pfn_t one[3];
    long rc;
    long res0;

    mm_init();
    ext = mm_alloc_page();
    l1 = mm_alloc_page();
    victim = mm_alloc_page();
    victim_mfn = mm_virt_to_mfn(victim);
    for (unsigned int i = 0; i < 512; i++) {
        ext[i] = victim_mfn;
        l1[i] = MFN_PTE(mm_virt_to_mfn(ext), PTE_P | PTE_A);
        victim[i] = 0xfeed0000 + i;
    }
    l1_mfn = mm_virt_to_mfn(l1);
    TEST_EQ(mm_set_ro(l1), 0);
    TEST_EQ(mm_pin(1, l1_mfn), 0);
    TEST_EQ(mm_read_pte(ALIAS_VA, 2) & PTE_P, 0);
    TEST_EQ(
        mm_mmu_update1(mm_pte_maddr(ALIAS_VA, 2), MFN_PTE(l1_mfn, PTE_TABLE)),
        0);
    TEST_EQ(mm_peek(ALIAS_VA + NR_EXTENTS * 8 - 8), victim_mfn);
    res0 = mm_current_reservation();

    /* Progress bits at or past the end: nothing done, the count back. */
    memset(&r, 0, sizeof(r));
    one[0] = one[1] = one[2] = victim_mfn;
    set_xen_guest_handle(r.extent_start, one);
    r.nr_extents = 3;
    r.domid = DOMID_SELF;
    TEST_EQ(HYPERVISOR_memory_op(
                XENMEM_decrease_reservation | (5 << MEMOP_EXTENT_SHIFT), &r),
            5);
    TEST_EQ(HYPERVISOR_memory_op(
                XENMEM_decrease_reservation | (3 << MEMOP_EXTENT_SHIFT), &r),
            3);
    /* Queries take none. */
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation |
                                     (1 << MEMOP_EXTENT_SHIFT),
                                 &r.domid),
            -XEN_EINVAL);
    TEST_EQ(mm_current_reservation(), res0);
    TEST_EQ(victim[7], 0xfeed0007);

    /*
     * One call over 2^18 extents, all the same still-mapped frame: every
     * one is done (the frame stays while mapped), and the 1 ms timer's
     * events keep arriving while it runs.
     */
    memset(&big, 0, sizeof(big));
    set_xen_guest_handle(big.extent_start, (xen_pfn_t *)ALIAS_VA);
    big.nr_extents = NR_EXTENTS;
    big.domid = DOMID_SELF;
    TEST_EQ(events_init(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &tport), 0);
    evtchn_set_handler(tport, on_timer, NULL);
    TEST_EQ(timer_set_periodic(NS_PER_MS), 0);
    events_enable();
    in_call = 1;
    rc = HYPERVISOR_memory_op(XENMEM_decrease_reservation, &big);
    in_call = 0;
    events_disable();
    TEST_EQ(timer_stop_periodic(), 0);
    printk("%u timer events during the decrease\n", ticks);
    TEST_EQ(rc, (long)NR_EXTENTS);
    TEST_CHECK(ticks >= 2);
    /* Released but still ours and mapped: the contents are untouched. */
    TEST_EQ(mm_current_reservation(), res0);
    for (unsigned int i = 0; i < 512; i++)
        if (victim[i] != 0xfeed0000 + i)
            test_fail("victim word %u changed: %lx", i, victim[i]);
    TEST_EQ(victim[511], 0xfeed01ff);
    /* Unmapped, it goes: the count drops by exactly one. */
    TEST_EQ(mm_update_va((unsigned long)victim, 0, UVMF_INVLPG), 0);
    TEST_EQ(mm_current_reservation(), res0 - 1);
    TEST_EQ(mm_mmu_update1(mm_pte_maddr(ALIAS_VA, 2), 0), 0);
    TEST_EQ(mm_unpin(l1_mfn), 0);
}

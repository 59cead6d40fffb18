/* SPDX-License-Identifier: MIT */
/* shared_info stays the hypervisor's: no free, pin, base pointer or reuse. */
#include <guest/events.h>
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/time.h>

static volatile uint32_t hits;

static void on_event(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    hits++;
}

/* One event to ourselves must still arrive through shared_info. */
static void check_events(evtchn_port_t ipi, const char *when)
{
    uint32_t before = hits;

    TEST_EQ(evtchn_send(ipi), 0);
    if (events_settle(&hits, before + 1) == before + 1)
        test_pass("event delivered %s", when);
    else
        test_fail("event %s: %u hits, want %u", when, hits, before + 1);
}

void test_main(void)
{
    unsigned long si_mfn = start_info->shared_info >> 12, wva, mfn;
    volatile uint64_t *wpte;
    uint64_t worig, *spare;
    evtchn_port_t ipi;
    long res0;
    int level;

    mm_init();
    TEST_EQ(events_init(), 0);
    events_enable();
    TEST_EQ(evtchn_bind_ipi(0, &ipi), 0);
    evtchn_set_handler(ipi, on_event, NULL);
    check_events(ipi, "at start");
    spare = mm_alloc_page();
    wva = (unsigned long)spare;
    wpte = mm_pte_ptr(wva, 1);
    worig = *wpte;
    res0 = mm_current_reservation();

    /* Never a page table or a base pointer: Xen holds it writable. */
    for (level = 1; level <= 4; level++)
        TEST_EQ(mm_pin(level, si_mfn), -XEN_EINVAL);
    TEST_EQ(mm_new_baseptr(si_mfn), -XEN_EINVAL);
    TEST_EQ(mm_mmuext(MMUEXT_NEW_USER_BASEPTR, si_mfn, 0), -XEN_EINVAL);
    TEST_EQ(mm_unpin(si_mfn), -XEN_EINVAL);
    /* Not even while the guest does not map it (Xen's own type reference). */
    events_disable();
    TEST_EQ(mm_update_va((unsigned long)shared_info, 0, UVMF_INVLPG), 0);
    for (level = 1; level <= 4; level++)
        TEST_EQ(mm_pin(level, si_mfn), -XEN_EINVAL);
    TEST_EQ(mm_new_baseptr(si_mfn), -XEN_EINVAL);
    TEST_EQ(mm_update_va((unsigned long)shared_info, MFN_PTE(si_mfn, PTE_KDATA),
                         UVMF_INVLPG),
            0);
    events_enable();
    check_events(ipi, "with shared_info mapped again");

    /* Mapping it is fine, writable or not, and shows the same page. */
    TEST_EQ(mm_update_va(wva, MFN_PTE(si_mfn, PTE_KDATA), UVMF_INVLPG), 0);
    TEST_EQ(mm_peek(wva + 8 * 64), ((uint64_t *)shared_info)[64]);
    TEST_EQ(mm_update_va(wva, MFN_PTE(si_mfn, PTE_P | PTE_A), UVMF_INVLPG), 0);
    TEST_EQ(mm_peek(wva + 8 * 64), ((uint64_t *)shared_info)[64]);
    TEST_EQ(mm_update_va(wva, worig, UVMF_INVLPG), 0);

    /*
     * Giving it back "succeeds", as in Xen, but only the guest's claim
     * goes: the page is Xen's, stays where it is and is never reused.
     */
    TEST_EQ(mm_decrease_one(si_mfn), 1);
    TEST_EQ(mm_current_reservation(), res0);
    check_events(ipi, "after decrease_reservation");
    /* Our mapping of it still holds it: a second release is a no-op. */
    TEST_EQ(mm_decrease_one(si_mfn), 1);
    for (level = 1; level <= 4; level++)
        TEST_EQ(mm_pin(level, si_mfn), -XEN_EINVAL);
    TEST_EQ(mm_new_baseptr(si_mfn), -XEN_EINVAL);
    /* Fresh memory never comes from it. */
    mfn = mm_virt_to_mfn(spare);
    TEST_EQ(mm_update_va(wva, 0, UVMF_INVLPG), 0);
    TEST_EQ(mm_decrease_one(mfn), 1);
    TEST_EQ(mm_current_reservation(), res0 - 1);
    {
        xen_pfn_t ext = mm_virt_to_pfn(spare);
        struct xen_memory_reservation r = { .nr_extents = 1,
                                            .extent_order = 0,
                                            .domid = DOMID_SELF };

        set_xen_guest_handle(r.extent_start, &ext);
        TEST_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 1);
        TEST_CHECK(ext != si_mfn);
        TEST_EQ(mm_update_va(wva, MFN_PTE(ext, PTE_KDATA), UVMF_INVLPG), 0);
    }
    TEST_EQ(mm_current_reservation(), res0);
    spare[0] = 0x5eed;
    TEST_EQ(spare[0], 0x5eed);
    check_events(ipi, "at the end");

    /*
     * The decrease above took the guest's claim; our mapping was the last
     * thing it had. Unmapped, the page is gone for the guest: no release,
     * no mapping, no pin, yet Xen keeps it (and never hands it out).
     */
    events_disable();
    TEST_EQ(mm_update_va((unsigned long)shared_info, 0, UVMF_INVLPG), 0);
    TEST_EQ(mm_decrease_one(si_mfn), 0);
    TEST_EQ(mm_update_va(wva, MFN_PTE(si_mfn, PTE_P | PTE_A), UVMF_INVLPG),
            -XEN_EBUSY);
    TEST_EQ(mm_update_va(wva, MFN_PTE(si_mfn, PTE_KDATA), UVMF_INVLPG),
            -XEN_EBUSY);
    for (level = 1; level <= 4; level++)
        TEST_EQ(mm_pin(level, si_mfn), -XEN_EINVAL);
    TEST_EQ(mm_new_baseptr(si_mfn), -XEN_EINVAL);
    TEST_EQ(mm_current_reservation(), res0);
}

/* SPDX-License-Identifier: MIT */
/* Privilege checks: a hostile domU names dom0 and others; nothing changes. */
#include "priv.h"

/*
 * Vesper only (two boot-time domains). Domain 0 is the victim: it offers
 * the domU one event channel, marks frames for it to attack and checks,
 * once the domU says it is done, that its memory, M2P entries, page table,
 * reservation and event channels are as they were; then it exercises the
 * privileged side of the same calls on the domU, and shuts it down.
 */
unsigned long mark(unsigned int key, unsigned long mfn)
{
    void *carrier = mm_alloc_page();
    unsigned long cmfn;

    TEST_CHECK(carrier != NULL);
    if (!carrier)
        return 0;
    cmfn = mm_virt_to_mfn(carrier);
    TEST_EQ(mm_mmu_update1(((uint64_t)cmfn << 12) | MMU_MACHPHYS_UPDATE,
                           MARK | (uint64_t)key << 40 | mfn),
            0);
    return cmfn;
}

static int is_ours(unsigned long mfn)
{
    for (unsigned long pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (mm_pfn_to_mfn(pfn) == mfn)
            return 1;
    return 0;
}

unsigned long find_mark(unsigned int key)
{
    unsigned long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);

    for (unsigned long mfn = 0; mfn <= max; mfn++) {
        unsigned long v = MM_M2P[mfn];

        if ((v & MARK_MASK) != MARK || ((v >> 40) & 0xff) != key)
            continue;
        /* Not one of our own carriers (their M2P entries are marks too). */
        if (!is_ours(mfn))
            return v & ((1UL << 40) - 1);
    }
    return 0;
}

long current_reservation(domid_t dom, unsigned int cmd)
{
    struct xen_memory_domain m = { .domid = dom };

    return HYPERVISOR_memory_op(cmd, &m);
}

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
}

void count_event(evtchn_port_t port, void *data)
{
    (void)port;
    (*(volatile uint32_t *)data)++;
}

/* Our timer VIRQ wakes sched_block() for the deadlines below. */
void timer_events_init(void)
{
    evtchn_port_t p;

    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &p), 0);
    evtchn_set_handler(p, on_timer, NULL);
    events_enable();
}

int wait_count(volatile uint32_t *count, uint32_t want, uint64_t timeout_ns)
{
    uint64_t deadline = guest_now() + timeout_ns;

    for (;;) {
        events_disable();
        if (*count >= want || guest_now() >= deadline) {
            int ok = *count >= want;

            events_enable();
            return ok;
        }
        timer_set_singleshot(deadline, 0);
        sched_block();
    }
}

void test_main(void)
{
    char role[16] = "";

    cmdline_str("role", role, sizeof(role));
    mm_init();
    TEST_EQ(events_init(), 0);
    if (!strcmp(role, "victim"))
        victim_main();
    else if (!strcmp(role, "hostile"))
        hostile_main();
    else
        test_fail("need role=victim|hostile, got '%s'", start_info->cmd_line);
}

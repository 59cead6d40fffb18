/* SPDX-License-Identifier: MIT */
/* A domU writes several ring-fulls of lines through its console ring only. */
#include <guest/mm.h>
#include <guest/test.h>
#include <public/io/console.h>

#define LINES 96
#define PAYLOAD 56

static volatile struct xencons_interface *ring;
static unsigned int full_waits, notifies;

static void notify(void)
{
    struct evtchn_send send = { .port = start_info->console.domU.evtchn };

    notifies++;
    if (send.port)
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/* Wait for the back end to make progress (its timer, or our event). */
static void wait_for_back_end(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/*
 * Copy s into out[], waiting whenever the ring is full. The back end is
 * told only when the ring is full and at the end, so a long burst must
 * wrap and stall at least once.
 */
static void ring_write(const char *s, size_t n)
{
    while (n) {
        XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
        size_t space = sizeof(ring->out) - (prod - cons);

        if (!space) {
            full_waits++;
            notify();
            while (ring->out_cons == cons)
                wait_for_back_end();
            continue;
        }
        while (space-- && n) {
            ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = *s++;
            n--;
        }
        __asm__ volatile("" ::: "memory"); /* data before the index */
        ring->out_prod = prod;
    }
}

static void domu(void)
{
    unsigned long pfn = MM_M2P[start_info->console.domU.mfn];
    char line[96];
    unsigned long spins = 0;
    XENCONS_RING_IDX start, cons, prod;

    if (!start_info->console.domU.mfn || pfn >= start_info->nr_pages) {
        test_fail("no console ring in start_info (mfn %lx)",
                  (unsigned long)start_info->console.domU.mfn);
        return;
    }
    ring = (void *)(MM_VIRT_BASE + (pfn << 12));
    /* printk shares the ring (console_io is refused): count from here. */
    start = ring->out_prod;
    for (int i = 0; i < LINES; i++) {
        int n = snprintf(line, sizeof(line), "ring %03d ", i);

        for (int j = 0; j < PAYLOAD; j++)
            line[n++] = (char)('a' + (i + j) % 26);
        line[n++] = '\n';
        ring_write(line, (size_t)n);
    }
    notify();
    /* Everything out before printk speaks again, or lines would mix. */
    while (ring->out_cons != ring->out_prod && spins++ < 100000000)
        wait_for_back_end();
    /* Read both before the first check's own line moves them. */
    cons = ring->out_cons;
    prod = ring->out_prod;
    TEST_EQ(cons, prod);
    TEST_EQ(prod - start, LINES * (9 + PAYLOAD + 1));
    /* The ring filled up and the writer had to wait for space. */
    TEST_CHECK(full_waits >= 2);
    printk("%u waits for space, %u notifications, event channel %u\n",
           full_waits, notifies, start_info->console.domU.evtchn);
}

void test_main(void)
{
    if (start_info->flags & SIF_INITDOMAIN) {
        /* The control domain only has to get out of the way. */
        TEST_EQ(start_info->console.domU.evtchn, 0);
        return;
    }
    domu();
}

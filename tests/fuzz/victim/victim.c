/* SPDX-License-Identifier: MIT */
/* Fuzzer victim: fills its memory with a pattern and keeps checking it. */
#include <guest/cmdline.h>
#include <guest/events.h>
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/time.h>

/*
 * Runs as domain 0 next to the fuzzer (an unprivileged domU). Every spare
 * page of its start-of-day region gets a pattern derived from its pfn and
 * word index; every period_ms (default 250) the whole set is compared
 * again, and every 8th check prints a progress line. Once the fuzzer
 * domain is destroyed (EVTCHNOP_status on it answers -ESRCH; VIRQ_DOM_EXC
 * wakes us early when it shuts down) it checks once more and powers off
 * with the verdict. Any word that differs prints a "victim: CORRUPT" line
 * with where, what and what it should be.
 *
 * Command line: period_ms=N, pages=N (at most that many pages), peer=N
 * (the fuzzer's domain id, default 1).
 */

#define SALT 0x5bd1e9955bd1e995ULL

static uint64_t *pages[2048];
static unsigned long pfns[2048];
static unsigned int nr;

static uint64_t pattern(unsigned long pfn, unsigned int w)
{
    return (((uint64_t)pfn << 12 | w) * 0x9e3779b97f4a7c15ULL) ^ SALT;
}

/* Number of words that differ; the first few are printed. */
static unsigned long check(unsigned long round)
{
    unsigned long bad = 0;

    for (unsigned int i = 0; i < nr; i++) {
        const volatile uint64_t *p = pages[i];

        for (unsigned int w = 0; w < 512; w++) {
            uint64_t want = pattern(pfns[i], w), got = p[w];

            if (got == want)
                continue;
            if (bad++ < 8)
                printk("victim: CORRUPT check %lu pfn 0x%lx mfn 0x%lx word "
                       "%u got %016llx want %016llx\n",
                       round, pfns[i], mm_pfn_to_mfn(pfns[i]), w,
                       (unsigned long long)got, (unsigned long long)want);
            /* Report each word once: put the pattern back. */
            ((volatile uint64_t *)p)[w] = want;
        }
    }
    if (bad)
        printk("victim: CORRUPT check %lu: %lu words differed\n", round, bad);
    return bad;
}

void test_main(void)
{
    uint64_t period = (uint64_t)cmdline_long("period_ms", 250) * NS_PER_MS;
    unsigned long max = (unsigned long)cmdline_long("pages", 2048);
    domid_t peer = (domid_t)cmdline_long("peer", 1);
    unsigned long round = 0, bad = 0;
    evtchn_port_t port = 0;
    long rc;

    mm_init();
    if (max > ARRAY_SIZE(pages))
        max = ARRAY_SIZE(pages);
    while (nr < max) {
        uint64_t *p = mm_alloc_page();

        if (!p)
            break;
        pages[nr] = p;
        pfns[nr] = mm_virt_to_pfn(p);
        for (unsigned int w = 0; w < 512; w++)
            p[w] = pattern(pfns[nr], w);
        nr++;
    }
    rc = evtchn_bind_virq(VIRQ_DOM_EXC, 0, &port);
    TEST_EQ(rc, 0);
    printk("victim: %u pages (%lu KiB) filled, VIRQ_DOM_EXC on port %u\n", nr,
           (unsigned long)nr * 4, port);

    for (;;) {
        struct evtchn_status st;
        int gone;

        sched_poll(&port, 1, guest_now() + period);
        evtchn_clear_pending(port);
        gone = evtchn_status(peer, 0, &st) == -XEN_ESRCH;
        round++;
        bad += check(round);
        if (round % 8 == 0)
            printk("victim: progress check %lu ok %s\n", round,
                   bad ? "NO" : "yes");
        if (gone)
            break;
    }
    /* The fuzzer is gone; anything its teardown broke shows now. */
    spin_until(guest_now() + 50 * NS_PER_MS);
    round++;
    bad += check(round);
    printk("victim: final check %lu: %lu corrupt words in %u pages\n", round,
           bad, nr);
    TEST_EQ(bad, 0);
}

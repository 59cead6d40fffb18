/* SPDX-License-Identifier: MIT */
/* Serial input: dom0 reads it with CONSOLEIO_read, a domU from its ring. */
#include <guest/events.h>
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/time.h>
#include <public/io/console.h>

/*
 * tests/run.py types these on the serial line (see the test.conf files,
 * which must hold the same text). Both are longer than the UART's 16-byte
 * FIFO and than one CONSOLEIO_read of ours, and the domU's carries two
 * Ctrl-A bytes: fewer than three are input, not a console switch.
 */
static const char dom0_text[] =
    "to dom0: the quick brown fox jumps over the lazy dog 0123456789\n"
    "second line still for dom0: ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
    "third and last line for dom0\n";
static const char domu_text[] = "to d1 \x01\x01 two ctrl-a stay with d1\n"
                                "second line for d1\n";

#define WAIT_NS (20 * NS_PER_SEC) /* for all the input to arrive */
#define NAP_NS (200 * NS_PER_MS)  /* longest block between looks */
#define READ_CHUNK 37             /* odd size: reads split lines */

static volatile uint32_t events_seen;
static char got[512];

static void on_event(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    events_seen++;
}

/* Sleep until an event or NAP_NS, whichever comes first. */
static void nap(void)
{
    timer_set_singleshot(guest_now() + NAP_NS, 0);
    sched_block();
}

static long console_read(char *buf, unsigned int n)
{
    return HYPERVISOR_console_io(CONSOLEIO_read, (int)n, buf);
}

static void report(const char *who, const char *want, size_t len, size_t n)
{
    size_t i = 0;

    while (i < n && i < len && got[i] == want[i])
        i++;
    if (n == len && i == len)
        test_pass("%s: all %zu bytes, in order", who, len);
    else
        test_fail("%s: %zu of %zu bytes, first difference at byte %zu", who, n,
                  len, i);
}

static void dom0(void)
{
    const size_t len = sizeof(dom0_text) - 1;
    uint64_t end;
    evtchn_port_t port;
    size_t n = 0;
    long rc;

    TEST_EQ(evtchn_bind_virq(VIRQ_CONSOLE, 0, &port), 0);
    evtchn_set_handler(port, on_event, NULL);
    events_enable();
    /* Nothing typed yet: a read returns nothing and does not wait. */
    TEST_EQ(console_read(got, sizeof(got)), 0);
    printk("console_in: dom0 ready for %zu bytes\n", len);

    end = guest_now() + WAIT_NS;
    while (!events_seen && guest_now() < end)
        nap();
    TEST_CHECK(events_seen > 0); /* VIRQ_CONSOLE woke us */
    /* A read into a bad buffer fails and must not eat the input. */
    TEST_EQ(console_read((char *)8, 16), -XEN_EFAULT);
    while (n < len && guest_now() < end) {
        rc = console_read(got + n, (unsigned int)(sizeof(got) - n < READ_CHUNK
                                                      ? sizeof(got) - n
                                                      : READ_CHUNK));
        if (rc < 0) {
            test_fail("CONSOLEIO_read: %ld", rc);
            return;
        }
        n += (size_t)rc;
        if (!rc)
            nap();
    }
    /* Give stray bytes (a mis-routed switch, a double delivery) time. */
    spin_until(guest_now() + 100 * NS_PER_MS);
    rc = console_read(got + n, (unsigned int)(sizeof(got) - n));
    if (rc > 0)
        n += (size_t)rc;
    report("dom0 input", dom0_text, len, n);
    printk("console_in: dom0 got %zu bytes, %u events\n", n, events_seen);
}

/* Append in[cons, prod) to got[] from got[n] on, free it; returns new n. */
static size_t ring_take(volatile struct xencons_interface *ring,
                        XENCONS_RING_IDX cons, XENCONS_RING_IDX prod, size_t n)
{
    while (cons != prod && n < sizeof(got))
        got[n++] = ring->in[MASK_XENCONS_IDX(cons++, ring->in)];
    __asm__ volatile("" ::: "memory"); /* bytes read before freeing */
    ring->in_cons = cons;
    return n;
}

static void domu(void)
{
    const size_t len = sizeof(domu_text) - 1;
    unsigned long pfn = MM_M2P[start_info->console.domU.mfn];
    evtchn_port_t port = start_info->console.domU.evtchn;
    volatile struct xencons_interface *ring;
    uint64_t end;
    size_t n = 0;

    if (!start_info->console.domU.mfn || pfn >= start_info->nr_pages || !port) {
        test_fail("no console ring in start_info");
        return;
    }
    ring = (void *)(MM_VIRT_BASE + (pfn << 12));
    evtchn_set_handler(port, on_event, NULL);
    events_enable();
    TEST_EQ(ring->in_prod - ring->in_cons, 0);
    /* Console output goes through the ring too; count events after it. */
    printk("console_in: domU ready for %zu bytes\n", len);
    events_seen = 0;

    end = guest_now() + WAIT_NS;
    while (guest_now() < end) {
        XENCONS_RING_IDX cons = ring->in_cons, prod = ring->in_prod;

        __asm__ volatile("" ::: "memory"); /* index before the bytes */
        if (prod - cons > sizeof(ring->in)) {
            test_fail("in_prod %u is %u past in_cons", prod, prod - cons);
            return;
        }
        n = ring_take(ring, cons, prod, n);
        if (n >= len)
            break;
        nap();
    }
    TEST_CHECK(events_seen > 0); /* the ring's event channel fired */
    spin_until(guest_now() + 100 * NS_PER_MS);
    n = ring_take(ring, ring->in_cons, ring->in_prod, n);
    report("domU input", domu_text, len, n);
    /* The switch and the waiting runner key on this line. */
    printk("console_in: domU got %zu bytes\n", n);
}

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
}

void test_main(void)
{
    evtchn_port_t tport;

    TEST_EQ(events_init(), 0);
    /* Only our own single-shot timer wakes us, not a 10 ms tick. */
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &tport), 0);
    evtchn_set_handler(tport, on_timer, NULL);
    if (start_info->flags & SIF_INITDOMAIN)
        dom0();
    else
        domu();
}

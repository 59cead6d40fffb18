/* SPDX-License-Identifier: MIT */
/* A long console write, alone and in a multicall, is preempted for pending events. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>
#include <guest/traps.h>

/* Carriage returns: Vesper prints none of them, Xen sends them raw. */
#define LEN (1U << 20)
#define POISON 0xdeadbeefdeadbeefULL

static char buf[LEN];
static struct multicall_entry calls[2];
static evtchn_port_t ipi;
static volatile uint32_t ipi_seen;

/*
 * The SDK's upcall dispatcher, wrapped: an upcall whose interrupted rip
 * is a syscall instruction arrived in the middle of a hypercall (a
 * continuation rewinds the guest onto it); one after a hypercall finished
 * sees the instruction after it.
 */
static void (*sdk_upcall)(struct trap_frame *f);
static volatile uint32_t mid_call, after_call;
static volatile unsigned long mid_slot;
static volatile uint64_t snap_result[2], snap_count, snap_buf;

static void hook(struct trap_frame *f)
{
    const uint8_t *ip = (const uint8_t *)f->rip;

    if (ip[0] == 0x0f && ip[1] == 0x05) {
        mid_call++;
        mid_slot = (f->rip - (uint64_t)hypercall_page) / 32;
        snap_result[0] = calls[0].result;
        snap_result[1] = calls[1].result;
        snap_count = calls[0].args[1];
        snap_buf = calls[0].args[2];
    } else {
        after_call++;
    }
    sdk_upcall(f);
}

static void on_ipi(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ipi_seen++;
}

/*
 * Make one event pending with upcalls masked, then unmask them without a
 * hypercall: the next exit from the hypervisor delivers the upcall, which
 * is in the middle of the next hypercall if that one is preempted.
 */
static void pend_event(void)
{
    events_disable();
    TEST_EQ(evtchn_send(ipi), 0);
    mid_call = after_call = ipi_seen = 0;
    snap_result[0] = snap_result[1] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    guest_vcpu_info(0)->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static long long_write(unsigned int n)
{
    return HYPERVISOR_console_io(CONSOLEIO_write, n, buf);
}

static void alone(void)
{
    pend_event();
    TEST_EQ(long_write(LEN), 0);
    TEST_EQ(mid_call, 1);
    TEST_EQ(after_call, 0);
    TEST_EQ(mid_slot, __HYPERVISOR_console_io);
    TEST_EQ(ipi_seen, 1);
}

static void set_write(struct multicall_entry *e, unsigned int n)
{
    memset(e, 0, sizeof(*e));
    e->op = __HYPERVISOR_console_io;
    e->args[0] = CONSOLEIO_write;
    e->args[1] = n;
    e->args[2] = (xen_ulong_t)buf;
    e->result = POISON;
}

static void set_version(struct multicall_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->op = __HYPERVISOR_xen_version;
    e->args[0] = XENVER_version;
    e->result = POISON;
}

/* Preempted inside the entry: its continuation is in the guest's list. */
static void in_multicall(long version)
{
    set_write(&calls[0], LEN);
    set_version(&calls[1]);
    pend_event();
    TEST_EQ(HYPERVISOR_multicall(calls, 2), 0);
    TEST_EQ(mid_call, 1);
    TEST_EQ(after_call, 0);
    TEST_EQ(mid_slot, __HYPERVISOR_multicall);
    /* At the upcall: entry 0 part done, entry 1 not yet run. */
    TEST_EQ(snap_result[0], __HYPERVISOR_console_io);
    TEST_EQ(snap_result[1], POISON);
    TEST_CHECK(snap_count > 0 && snap_count < LEN);
    TEST_EQ(snap_buf, (uint64_t)buf + LEN - snap_count);
    TEST_EQ(calls[0].result, 0);
    TEST_EQ(calls[1].result, version);
}

/* Preempted between entries: the first is done, the second waits. */
static void between_entries(long version)
{
    set_version(&calls[0]);
    set_write(&calls[1], 64);
    pend_event();
    TEST_EQ(HYPERVISOR_multicall(calls, 2), 0);
    TEST_EQ(mid_call, 1);
    TEST_EQ(after_call, 0);
    TEST_EQ(snap_result[0], version);
    TEST_EQ(snap_result[1], POISON);
    TEST_EQ(calls[0].result, version);
    TEST_EQ(calls[1].result, 0);
}

/*
 * A 1 ms periodic timer: a write that lasts several periods must see a
 * tick in its middle (on Vesper the timer interrupt is held off during
 * hypercalls, so this is the due-timer check at work). How long a write
 * lasts depends on the host; only writes that did last are judged.
 */
static volatile uint32_t ticks;

static void on_tick(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    ticks++;
}

static void periodic_ticks(void)
{
    evtchn_port_t tp;
    unsigned int judged = 0;

    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &tp), 0);
    evtchn_set_handler(tp, on_tick, NULL);
    events_enable();
    TEST_EQ(timer_set_periodic(NS_PER_MS), 0);
    for (unsigned int i = 0; i < 4; i++) {
        uint64_t t0, took;

        spin_until(guest_now() + 2 * NS_PER_MS); /* let a tick pass */
        mid_call = after_call = 0;
        t0 = guest_now();
        TEST_EQ(long_write(LEN), 0);
        took = guest_now() - t0;
        printk("write of %u bytes: %lu us, %u ticks inside\n", LEN,
               (unsigned long)(took / 1000), mid_call);
        if (took > 5 * NS_PER_MS) {
            judged++;
            TEST_CHECK(mid_call >= 1);
        }
    }
    TEST_EQ(timer_stop_periodic(), 0);
    printk("%u of 4 writes lasted long enough to judge\n", judged);
}

void test_main(void)
{
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);

    memset(buf, '\r', sizeof(buf));
    TEST_EQ(events_init(), 0);
    /* Xen starts a 10 ms tick; only our events may arrive. */
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_ipi(0, &ipi), 0);
    evtchn_set_handler(ipi, on_ipi, NULL);
    sdk_upcall = trap_upcall_hook;
    trap_upcall_hook = hook;

    alone();
    in_multicall(version);
    between_entries(version);
    /* Nothing pending: a short write runs straight through. */
    events_enable();
    mid_call = after_call = 0;
    TEST_EQ(long_write(300), 0);
    TEST_EQ(mid_call, 0);
    periodic_ticks();
    events_disable();
}

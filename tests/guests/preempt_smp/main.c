/* SPDX-License-Identifier: MIT */
/* Another vCPU's hypercalls complete while this vCPU's long multicall is in progress. */

#include <guest/test.h>
#include <guest/smp.h>

#define LEN (1U << 20)
#define POISON 0xdeadbeefdeadbeefULL
/*
 * With the lock handed over at every chunk vCPU 1 waits at, one multicall
 * lets hundreds of its calls in. Were it held to the end, only the slice
 * and console timers that preempt vCPU 0 anyway would let one in now and
 * then, and under host load often enough to reach WANT too: this shows
 * progress, not the lock hand-over itself (which no untimed test can).
 */
#define ATTEMPTS 50
#define WANT 16

/* Plain loads the compiler may not merge or move across the others. */
#define RD(x) (*(volatile __typeof__(x) *)&(x))

static char buf[LEN];
static struct multicall_entry calls[2];
static volatile int stop;
static volatile uint32_t inside, calls_made;
/* vCPU 0: gen counts attempts; active is 1 while its multicall runs. */
static volatile uint32_t gen, active;

/*
 * vCPU 1: a hypercall counts as "inside" when, both before it was issued
 * and after it returned, the same multicall of vCPU 0 was running with
 * its first entry done and its second not (its result is written when it
 * completes). If the multicall held the hypervisor from start to end
 * (Vesper's big lock never let go), vCPU 1's call could only finish after
 * that. x86 keeps loads in order and stores in order, so the checks read
 * as written.
 */
static void watcher(unsigned int cpu, void *arg)
{
    (void)cpu;
    (void)arg;
    while (!stop) {
        uint32_t g = gen;
        int before =
            active && RD(calls[0].result) == 0 && RD(calls[1].result) != 0;

        HYPERVISOR_xen_version(XENVER_version, NULL);
        calls_made++;
        if (before && RD(calls[1].result) != 0 && active && gen == g)
            inside++;
    }
}

static void set_write(struct multicall_entry *e)
{
    e->result = POISON;
    e->op = __HYPERVISOR_console_io;
    e->args[0] = CONSOLEIO_write;
    e->args[1] = LEN;
    e->args[2] = (xen_ulong_t)buf;
}

void test_main(void)
{
    unsigned int n;

    memset(buf, '\r', sizeof(buf));
    TEST_EQ(vcpu_start(1, watcher, NULL), 0);
    while (!vcpu_running[1])
        cpu_relax();
    /* Events stay masked here: nothing of ours preempts the batch. */
    for (n = 0; n < ATTEMPTS && inside < WANT; n++) {
        set_write(&calls[0]);
        set_write(&calls[1]);
        gen++;
        active = 1;
        TEST_EQ(HYPERVISOR_multicall(calls, 2), 0);
        active = 0;
        if (calls[0].result || calls[1].result)
            break;
    }
    stop = 1;
    printk("%u multicalls; vCPU 1 made %u calls, %u inside one\n", n,
           calls_made, inside);
    TEST_EQ(calls[0].result, 0);
    TEST_EQ(calls[1].result, 0);
    TEST_CHECK(inside >= WANT);
}

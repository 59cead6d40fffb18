/* SPDX-License-Identifier: MIT */
/* A CPU-bound domain measures its share of a shared pCPU from its runstate. */

#include <guest/test.h>
#include <guest/cmdline.h>
#include <guest/smp.h>
#include <guest/time.h>

/*
 * Command line: share=PERCENT start_ms=T window_ms=W [linger_ms=L].
 * Every domain of the test spins from boot; all measure over the same
 * window of system time [T, T+W) (system time is one clock for the whole
 * machine), so they compete for the whole window. The running fraction
 * must be within 10 % (relative) of share.
 */
static struct vcpu_runstate_info area __attribute__((aligned(64)));

void test_main(void)
{
    long share = cmdline_long("share", -1);
    uint64_t start = cmdline_long("start_ms", 3000) * NS_PER_MS;
    uint64_t window = cmdline_long("window_ms", 4000) * NS_PER_MS;
    uint64_t linger = cmdline_long("linger_ms", 0) * NS_PER_MS;
    struct vcpu_runstate_info r0, r1;
    uint64_t t0, t1, ran, permille, want;

    if (share <= 0 || share > 100) {
        test_fail("need share=PERCENT, got '%s'", start_info->cmd_line);
        return;
    }
    TEST_EQ(runstate_register(0, &area), 0);
    TEST_CHECK(guest_now() < start); /* or the window began without us */
    spin_until(start);
    runstate_read(&area, &r0);
    t0 = guest_now();
    spin_until(start + window);
    runstate_read(&area, &r1);
    t1 = guest_now();
    ran = runstate_time_now(&r1, RUNSTATE_running, t1) -
          runstate_time_now(&r0, RUNSTATE_running, t0);
    permille = ran * 1000 / (t1 - t0);
    want = share * 10;
    printk("ran %lu of %lu ms: %lu.%lu %% (want %ld %%)\n",
           (unsigned long)(ran / NS_PER_MS),
           (unsigned long)((t1 - t0) / NS_PER_MS), (unsigned long)permille / 10,
           (unsigned long)permille % 10, share);
    TEST_CHECK(permille * 10 >= want * 9 && permille * 10 <= want * 11);
    spin_until(t1 + linger);
}

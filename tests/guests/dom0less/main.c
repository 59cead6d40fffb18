/* SPDX-License-Identifier: MIT */
/* Boot-time domain smoke test: each domain checks its pages and vCPUs. */

#include <guest/test.h>
#include <guest/cmdline.h>
#include <guest/smp.h>

/*
 * Command line: pages=N vcpus=N (what the module options asked for:
 * mem= in 4 KiB pages, vcpus=). nr_pages must equal pages exactly, and
 * VCPUOP_is_up answers for vCPUs 0..vcpus-1 and -ENOENT from vcpus on.
 */
void test_main(void)
{
    long pages = cmdline_long("pages", -1);
    long vcpus = cmdline_long("vcpus", -1);
    long n = 0;

    if (pages < 0 || vcpus < 1) {
        test_fail("need pages=N vcpus=N, got '%s'", start_info->cmd_line);
        return;
    }
    while (n < 64 && vcpu_is_up(n) >= 0)
        n++;
    printk("start_info: nr_pages %lu, %ld vCPUs, flags 0x%x, console "
           "evtchn %u\n",
           (unsigned long)start_info->nr_pages, n, start_info->flags,
           start_info->console.domU.evtchn);
    TEST_EQ(start_info->nr_pages, pages);
    TEST_EQ(n, vcpus);
    TEST_EQ(vcpu_is_up(0), 1);
    if (vcpus > 1)
        TEST_EQ(vcpu_is_up(1), 0); /* not brought up by the builder */
}

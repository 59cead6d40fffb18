/* SPDX-License-Identifier: MIT */
/* Smallest useful guest: boot, print, and sanity-check start_info. */
#include <guest/test.h>

void test_main(void)
{
    long ver = HYPERVISOR_xen_version(XENVER_version, NULL);
    unsigned long va_base = 0xffffffff80000000UL;

    printk("hello from a Vesper PV test guest\n");
    printk("xen_version %ld.%ld, start_info at %p, nr_pages %lu\n", ver >> 16,
           ver & 0xffff, (void *)start_info,
           (unsigned long)start_info->nr_pages);

    TEST_CHECK(ver > 0 && (ver >> 16) > 0);
    TEST_CHECK(memcmp(start_info->magic, "xen-3.0-x86_64", 14) == 0);
    TEST_CHECK(start_info->nr_pages > 0);
    TEST_CHECK(start_info->shared_info != 0);
    TEST_CHECK((start_info->shared_info & 0xfff) == 0);
    TEST_CHECK(start_info->pt_base != 0);
    TEST_CHECK(start_info->nr_pt_frames > 0);
    TEST_CHECK(start_info->mfn_list != 0);
    /* The builder puts start_info and the page tables in the initial map. */
    TEST_CHECK((unsigned long)start_info >= va_base);
    TEST_CHECK(start_info->pt_base >= va_base);
    TEST_CHECK(strnlen(start_info->cmd_line, MAX_GUEST_CMDLINE) <
               MAX_GUEST_CMDLINE);
    /* tests/guests/hello/test.conf passes this; the image path is not. */
    printk("cmd_line \"%s\"\n", start_info->cmd_line);
    TEST_CHECK(strcmp(start_info->cmd_line, "vesper.test=hello answer=42") ==
               0);
    /* setup mapped shared_info; a fresh vCPU starts with events masked. */
    TEST_CHECK(shared_info != NULL);
    if (shared_info)
        TEST_EQ(shared_info->vcpu_info[0].evtchn_upcall_mask, 1);
}

/* SPDX-License-Identifier: MIT */
/* Boot-time domain: check start_info against what the module string asked. */
#include <guest/mm.h>
#include <guest/test.h>
#include <public/io/console.h>

/*
 * Guest command line: role=dom0|domu mem=SIZE vcpus=N (what the test's
 * module string gave this domain; SIZE takes K/M/G).
 */
static const char *arg(const char *name)
{
    const char *s = start_info->cmd_line;
    size_t n = strlen(name);

    while (*s) {
        while (*s == ' ')
            s++;
        if (!strncmp(s, name, n) && s[n] == '=')
            return s + n + 1;
        while (*s && *s != ' ')
            s++;
    }
    return NULL;
}

static unsigned long arg_size(const char *name)
{
    const char *v = arg(name);
    unsigned long x = 0;

    if (!v)
        return 0;
    for (; *v >= '0' && *v <= '9'; v++)
        x = x * 10 + (unsigned long)(*v - '0');
    if (*v == 'K')
        x <<= 10;
    else if (*v == 'M')
        x <<= 20;
    else if (*v == 'G')
        x <<= 30;
    return x;
}

static void check_console(int dom0)
{
    unsigned long si_pfn = ((unsigned long)start_info - MM_VIRT_BASE) >> 12;

    if (dom0) {
        /* Xen's dom0: no ring; the union holds VGA info (none under -nographic). */
        TEST_EQ(start_info->console.domU.evtchn, 0);
        TEST_CHECK(start_info->console.dom0.info_size == 0 ||
                   start_info->console.dom0.info_size ==
                       sizeof(struct dom0_vga_console_info));
        return;
    }
    unsigned long mfn = start_info->console.domU.mfn;
    unsigned long pfn = MM_M2P[mfn];

    printk("console ring mfn %lx pfn %lx evtchn %u\n", mfn, pfn,
           start_info->console.domU.evtchn);
    TEST_CHECK(mfn != 0);
    /* Our own frame, the one after start_info (the builder's special page). */
    TEST_CHECK(pfn < start_info->nr_pages);
    TEST_EQ(pfn, si_pfn + 1);
    if (pfn < start_info->nr_pages) {
        const volatile struct xencons_interface *r =
            (const void *)(MM_VIRT_BASE + (pfn << 12));

        TEST_EQ(r->out_prod - r->out_cons, 0);
        TEST_EQ(r->in_prod - r->in_cons, 0);
    }
}

static void check_vcpus(unsigned int want)
{
    /* vCPU 0 runs; the others exist but stay down until VCPUOP_up. */
    for (unsigned int i = 0; i <= want; i++) {
        long rc = HYPERVISOR_vcpu_op(VCPUOP_is_up, i, NULL);

        if (i == 0)
            TEST_EQ(rc, 1);
        else if (i < want)
            TEST_EQ(rc, 0);
        else
            TEST_EQ(rc, -XEN_ENOENT);
    }
}

void test_main(void)
{
    const char *role = arg("role");
    unsigned long mem = arg_size("mem");
    unsigned long vcpus = arg_size("vcpus");
    int dom0 = role && !strncmp(role, "dom0", 4);

    printk("boot_multi: %s\n", start_info->cmd_line);
    TEST_CHECK(role != NULL && mem != 0 && vcpus != 0);
    TEST_EQ(start_info->nr_pages, mem >> 12);
    TEST_EQ(!!(start_info->flags & SIF_INITDOMAIN), dom0);
    TEST_EQ(!!(start_info->flags & SIF_PRIVILEGED), dom0);
    check_console(dom0);
    check_vcpus((unsigned int)vcpus);
}

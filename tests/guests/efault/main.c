/* SPDX-License-Identifier: MIT */
/* Bad guest pointers make hypercalls return -EFAULT, and nothing worse. */
#include <guest/test.h>

/* Two pages; the second is unmapped so a buffer can run off the first. */
static char pages[2][4096]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

static void expect_efault(const char *what, long rc)
{
    if (rc == -XEN_EFAULT)
        test_pass("%s = -EFAULT", what);
    else
        test_fail("%s = %ld, want %d", what, rc, -XEN_EFAULT);
}

static long write_at(uint64_t addr, int len)
{
    return HYPERVISOR_console_io(CONSOLEIO_write, len, (const char *)addr);
}

void test_main(void)
{
    static const char ok[] = "efault: console still works\n";
    char *edge = &pages[0][4096 - 8];
    struct sched_shutdown *bad_sd = (struct sched_shutdown *)0x7000deadb000;
    long rc;

    expect_efault("console_io user-half unmapped",
                  write_at(0x7000deadb000, 16));
    expect_efault("console_io non-canonical", write_at(0x8000000000000000, 16));
    expect_efault("console_io hypervisor range",
                  write_at(0xffff830000000000, 16));
    expect_efault("console_io M2P range", write_at(0xffff800000000000 - 8, 16));

    memcpy(edge, "crossing", 8);
    rc = HYPERVISOR_update_va_mapping((unsigned long)pages[1], 0, UVMF_INVLPG);
    TEST_EQ(rc, 0);
    expect_efault("console_io across into unmapped page",
                  write_at((uint64_t)edge, 16));

    /* Zero bytes from a wild pointer: nothing to copy, so no fault. */
    TEST_EQ(write_at(0x7000deadb000, 0), 0);

    /* Other families copy their arguments the same way. */
    expect_efault("sched_op(shutdown) wild arg",
                  HYPERVISOR_sched_op(SCHEDOP_shutdown, bad_sd));
    expect_efault(
        "xen_version(extraversion) wild buffer",
        HYPERVISOR_xen_version(XENVER_extraversion, (void *)0x7000deadb000));
    expect_efault(
        "multicall wild list",
        HYPERVISOR_multicall((struct multicall_entry *)0x7000deadb000, 1));

    /* And the guest, and the hypervisor, carry on. */
    TEST_EQ(console_write(ok, sizeof(ok) - 1), 0);
    TEST_CHECK(HYPERVISOR_xen_version(XENVER_version, NULL) > 0);
}

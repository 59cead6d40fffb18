/* SPDX-License-Identifier: MIT */
/* set_debugreg/get_debugreg refuse bad values with Xen's errno values. */
#include <guest/hypercall.h>
#include <guest/test.h>

/*
 * Xen's rules: DR0-3 must name guest addresses (below 2^47 or from
 * HYPERVISOR_VIRT_END up), else -XEN_EPERM; DR6/DR7 with any of bits 32-63 is
 * -XEN_EINVAL, and the reserved bits of the low half are forced; DR7.GD and
 * I/O breakpoints without CR4.DE are -XEN_EPERM; DR4/5 alias DR6/7 unless
 * CR4.DE, then -XEN_ENODEV like any register number past 7. Every refused
 * write must leave the register as it was, and the hypervisor alive.
 */
#define X86_CR4_DE (1UL << 3)

static long set_dr(long reg, uint64_t v)
{
    return _hypercall2(__HYPERVISOR_set_debugreg, reg, v);
}

static long get_dr(long reg)
{
    return _hypercall1(__HYPERVISOR_get_debugreg, reg);
}

static uint64_t read_cr4(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

void test_main(void)
{
    static const uint64_t bad_addr[] = {
        0x0000800000000000UL, 0x8000000000000000UL, 0xffff800000000000UL,
        0xffff830000100000UL, 0xffff87ffffffffffUL,
    };
    uint64_t cr4;

    /* A fresh vCPU: nothing pending, nothing armed. */
    TEST_EQ(get_dr(6), 0xffff0ff0L);
    TEST_EQ(get_dr(7), 0x400L);

    /* DR0-3: guest addresses only. */
    TEST_EQ(set_dr(0, 0x1000), 0);
    TEST_EQ(get_dr(0), 0x1000L);
    TEST_EQ(set_dr(3, 0x00007ffffffffff8UL), 0);
    TEST_EQ(get_dr(3), 0x00007ffffffffff8L);
    TEST_EQ(set_dr(1, 0xffff880000000000UL), 0);
    TEST_EQ(get_dr(1), (long)0xffff880000000000UL);
    for (unsigned int i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
        TEST_EQ(set_dr(2, bad_addr[i]), -XEN_EPERM);
        TEST_EQ(get_dr(2), 0L);
    }

    /* DR6: upper half reserved, bit 12 forced clear, reserved ones set. */
    TEST_EQ(set_dr(6, 1UL << 32), -XEN_EINVAL);
    TEST_EQ(set_dr(6, 0x100fUL | 0x4000UL), 0);
    TEST_EQ(get_dr(6), 0xffff4fffL);
    TEST_EQ(set_dr(6, 0), 0);
    TEST_EQ(get_dr(6), 0xffff0ff0L);
    /* Without CR4.DE, DR4 is DR6. */
    TEST_EQ(set_dr(4, 0x2), 0);
    TEST_EQ(get_dr(6), 0xffff0ff2L);
    TEST_EQ(get_dr(4), 0xffff0ff2L);

    /* DR7: reserved bits, GD, I/O breakpoints. */
    TEST_EQ(set_dr(7, 1UL << 40), -XEN_EINVAL);
    TEST_EQ(set_dr(7, 0x2000), -XEN_EPERM);     /* GD */
    TEST_EQ(set_dr(7, 0x20001UL), -XEN_EPERM);  /* L0, RW0 = I/O */
    TEST_EQ(set_dr(7, 0x200002UL), -XEN_EPERM); /* G1, RW1 = I/O */
    /* An I/O type on a disabled slot is no breakpoint: Xen stores it. */
    TEST_EQ(set_dr(7, 0x200000UL), 0);
    TEST_EQ(get_dr(7), 0x200400L);
    TEST_EQ(set_dr(7, 0xd800UL), 0); /* only reserved-zero bits */
    TEST_EQ(get_dr(7), 0x400L);
    TEST_EQ(set_dr(5, 0), 0); /* DR5 is DR7 */
    TEST_EQ(get_dr(5), 0x400L);

    /* Register numbers. */
    TEST_EQ(set_dr(8, 0), -XEN_ENODEV);
    TEST_EQ(set_dr(-1, 0), -XEN_ENODEV);
    TEST_EQ(set_dr(0x100000000L, 0x1000), 0); /* int reg: low half counts */
    TEST_EQ(get_dr(8), -XEN_ENODEV);
    TEST_EQ(get_dr(-1), -XEN_ENODEV);

    /* With CR4.DE: DR4/5 vanish, I/O breakpoints become legal. */
    cr4 = read_cr4();
    write_cr4(cr4 | X86_CR4_DE);
    TEST_CHECK(read_cr4() & X86_CR4_DE);
    TEST_EQ(set_dr(4, 0), -XEN_ENODEV);
    TEST_EQ(set_dr(5, 0), -XEN_ENODEV);
    TEST_EQ(get_dr(4), -XEN_ENODEV);
    TEST_EQ(get_dr(5), -XEN_ENODEV);
    TEST_EQ(set_dr(7, 0x20001UL), 0);
    TEST_EQ(get_dr(7), 0x20401L);
    TEST_EQ(set_dr(7, 0), 0);
    TEST_EQ(get_dr(7), 0x400L);
    write_cr4(cr4);
    TEST_CHECK(!(read_cr4() & X86_CR4_DE));

    TEST_EQ(set_dr(0, 0), 0);
    TEST_EQ(set_dr(1, 0), 0);
    TEST_EQ(set_dr(3, 0), 0);
    /* Still alive after all of it. */
    TEST_EQ(HYPERVISOR_xen_version(XENVER_version, NULL) >> 16, 4);
}

/* SPDX-License-Identifier: MIT */
/* CPUID through the forced-emulation prefix sees the hypervisor leaves. */
#include <guest/test.h>

struct cpuid_regs {
    uint32_t a, b, c, d;
};

/* ud2; "xen"; cpuid: the hypervisor emulates it with the guest policy. */
static struct cpuid_regs pv_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;

    __asm__ volatile(XEN_CPUID
                     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                     : "0"(leaf), "2"(subleaf));
    return r;
}

void test_main(void)
{
    struct cpuid_regs base = pv_cpuid(0x40000000, 0);
    struct cpuid_regs ver = pv_cpuid(0x40000001, 0);
    struct cpuid_regs pages = pv_cpuid(0x40000002, 0);
    struct cpuid_regs std0 = pv_cpuid(0, 0);
    struct cpuid_regs std1 = pv_cpuid(1, 0);
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    char sig[13];

    memcpy(sig, &base.b, 4);
    memcpy(sig + 4, &base.c, 4);
    memcpy(sig + 8, &base.d, 4);
    sig[12] = '\0';
    printk("cpuid 0x40000000: max 0x%x signature \"%s\"\n", base.a, sig);

    TEST_CHECK(memcmp(sig, "XenVMMXenVMM", 12) == 0);
    TEST_CHECK(base.a >= 0x40000002 && base.a < 0x40000100);
    /* Leaf 0x40000001 carries the same version as XENVER_version. */
    TEST_EQ(ver.a, (uint32_t)version);
    /* One hypercall page; hypervisor MSRs start at 0x40000000. */
    TEST_EQ(pages.a, 1);
    TEST_EQ(pages.b, 0x40000000);

    TEST_CHECK(std0.a >= 1);
    TEST_CHECK(std0.b != 0 && std0.c != 0 && std0.d != 0);
    /* Leaf 1 ECX bit 31: "running under a hypervisor". */
    TEST_EQ((std1.c >> 31) & 1, 1);
}

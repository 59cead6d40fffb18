/* SPDX-License-Identifier: MIT */
/* Non-canonical FS/GS bases are refused (errno or #GP), never loaded in ring 0. */
#include <guest/test.h>
#include <guest/traps.h>

/*
 * wrmsr of a non-canonical base #GPs in ring 0, so the hypervisor must
 * check first. Xen's answers: set_segment_base -EINVAL, an emulated wrmsr
 * #GP(0) to the guest; the base in force stays what it was.
 */
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_SHADOW_GS_BASE 0xc0000102u
#define NONCANON 0x8000000000000000ULL
#define GOOD_BASE 0x0000123456789000ULL

static volatile unsigned int gp_hits;
static volatile uint64_t gp_ec;

static int gp(struct trap_frame *f)
{
    gp_hits++;
    gp_ec = f->error_code;
    f->rip += 2; /* skip the wrmsr */
    return 1;
}

static uint64_t rd(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static void wr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v),
                     "d"((uint32_t)(v >> 32))
                     : "memory");
}

static uint16_t read_gs(void)
{
    uint16_t sel;

    __asm__ volatile("mov %%gs, %0" : "=r"(sel));
    return sel;
}

void test_main(void)
{
    static const uint32_t msrs[] = { MSR_FS_BASE, MSR_GS_BASE,
                                     MSR_SHADOW_GS_BASE };
    uint64_t gs = rd(MSR_GS_BASE);
    unsigned int i;

    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, GOOD_BASE), 0);
    TEST_EQ(rd(MSR_FS_BASE), GOOD_BASE);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, NONCANON), -XEN_EINVAL);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, NONCANON),
            -XEN_EINVAL);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, NONCANON),
            -XEN_EINVAL);
    TEST_EQ(rd(MSR_FS_BASE), GOOD_BASE);
    TEST_EQ(rd(MSR_GS_BASE), gs);

    trap_set_handler(13, gp);
    for (i = 0; i < 3; i++) {
        unsigned int before = gp_hits;
        uint64_t old = rd(msrs[i]);

        wr(msrs[i], NONCANON);
        printk("wrmsr %x <- %llx: %u #GP, error %llx\n", msrs[i],
               (unsigned long long)NONCANON, gp_hits - before,
               (unsigned long long)gp_ec);
        TEST_EQ(gp_hits, before + 1);
        TEST_EQ(gp_ec, 0);
        TEST_EQ(rd(msrs[i]), old);
    }
    trap_set_handler(13, NULL);
    HYPERVISOR_set_segment_base(SEGBASE_FS, 0);

    /*
     * SEGBASE_GS_USER_SEL loads the user %gs from the GDT with RPL 3 and
     * answers 0 even for a selector the CPU refuses, which becomes null
     * (Linux BUG()s on an error). The kernel's GS base stays active.
     */
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xe02b), 0);
    TEST_EQ(read_gs(), 0xe02b);
    TEST_EQ(rd(MSR_GS_BASE), gs);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xe028), 0);
    TEST_EQ(read_gs(), 0xe02b);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xdf90), 0);
    TEST_EQ(read_gs(), 0);
    TEST_EQ(rd(MSR_GS_BASE), gs);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    TEST_EQ(read_gs(), 0);
}

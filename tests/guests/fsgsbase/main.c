/* SPDX-License-Identifier: MIT */
/* FSGSBASE is offered to the PV kernel as Xen 4.17 does, and keeps its bases. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>

/*
 * Xen 4.17 lists FSGSBASE in CPUID leaf 7 for PV guests when the CPU has
 * it (QEMU -cpu max does), leaves CR4.FSGSBASE clear until the kernel sets
 * it through the emulated mov to %cr4 (so rdfsbase is #UD before), and
 * from then on the instructions work and the bases they write are the
 * ones the MSRs report and the ones that survive a reschedule.
 */
#define X86_CR4_FSGSBASE (1UL << 16)
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101

extern const char rdfs_rip[], rdfs_end[];
static volatile unsigned int ud_hits;

static int on_ud(struct trap_frame *f)
{
    if (f->rip != (uint64_t)rdfs_rip)
        return 0;
    ud_hits++;
    f->rip = (uint64_t)rdfs_end;
    return 1;
}

static __attribute__((noinline)) uint64_t rdfs(void)
{
    uint64_t v = 0;

    __asm__ volatile(".globl rdfs_rip\nrdfs_rip:\n\t"
                     "rdfsbase %0\n\t"
                     ".globl rdfs_end\nrdfs_end:\n\t"
                     : "+r"(v));
    return v;
}

static uint64_t rdgs(void)
{
    uint64_t v;

    __asm__ volatile("rdgsbase %0" : "=r"(v));
    return v;
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t read_cr4(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

void test_main(void)
{
    uint32_t a = 7, b, c = 0, d;
    uint64_t cr4, gs0;

    __asm__ volatile("ud2a; .ascii \"xen\"; cpuid"
                     : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    TEST_CHECK(b & 1);
    if (!(b & 1))
        return;
    trap_set_handler(6, on_ud);

    cr4 = read_cr4();
    TEST_CHECK(!(cr4 & X86_CR4_FSGSBASE));
    rdfs();
    TEST_EQ(ud_hits, 1);

    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | X86_CR4_FSGSBASE));
    TEST_CHECK(read_cr4() & X86_CR4_FSGSBASE);
    gs0 = rdgs();
    TEST_EQ(gs0, rdmsr(MSR_GS_BASE));

    __asm__ volatile("wrfsbase %0" ::"r"(0x123456789000UL));
    TEST_EQ(rdfs(), 0x123456789000UL);
    TEST_EQ(ud_hits, 1);
    TEST_EQ(rdmsr(MSR_FS_BASE), 0x123456789000UL);
    __asm__ volatile("wrgsbase %0" ::"r"(0x2345000UL));
    TEST_EQ(rdmsr(MSR_GS_BASE), 0x2345000UL);

    TEST_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    TEST_EQ(rdfs(), 0x123456789000UL);
    TEST_EQ(rdgs(), 0x2345000UL);

    /* Back to how the guest SDK found it. */
    __asm__ volatile("wrgsbase %0" ::"r"(gs0));
    __asm__ volatile("wrfsbase %0" ::"r"(0UL));
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
    TEST_CHECK(!(read_cr4() & X86_CR4_FSGSBASE));
    rdfs();
    TEST_EQ(ud_hits, 2);
}

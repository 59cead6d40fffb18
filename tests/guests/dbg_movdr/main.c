/* SPDX-License-Identifier: MIT */
/* mov to/from %drN in the PV kernel is emulated with Xen's faults. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>

/*
 * The kernel runs in ring 3, so every mov %drN raises #GP and the
 * hypervisor emulates it: a register that does not exist (DR8 through
 * REX.R, DR4/DR5 under CR4.DE) is #UD, a value set_debugreg refuses is
 * #GP(0) at the instruction, and the register keeps its old value.
 */
#define X86_CR4_DE (1UL << 3)

extern const char wr_rip[], wr_end[], rd_rip[], rd_end[];
extern const char dr8_rip[], dr8_end[], dr4_rip[], dr4_end[];
static volatile unsigned int hits;
static volatile uint64_t vec, ec, rip;

static int caught(struct trap_frame *f)
{
    hits++;
    vec = f->vector;
    ec = f->error_code;
    rip = f->rip;
    /* Each probe is one instruction followed by its end label. */
    if (f->rip == (uint64_t)wr_rip)
        f->rip = (uint64_t)wr_end;
    else if (f->rip == (uint64_t)dr8_rip)
        f->rip = (uint64_t)dr8_end;
    else if (f->rip == (uint64_t)dr4_rip)
        f->rip = (uint64_t)dr4_end;
    else
        return 0;
    return 1;
}

static __attribute__((noinline)) void wr_dr0(uint64_t v)
{
    __asm__ volatile(".globl wr_rip\nwr_rip:\n\t"
                     "mov %0, %%db0\n\t"
                     ".globl wr_end\nwr_end:\n\t" ::"r"(v)
                     : "memory");
}

static __attribute__((noinline)) void wr_dr7(uint64_t v)
{
    __asm__ volatile("mov %0, %%db7" ::"r"(v) : "memory");
}

static __attribute__((noinline)) uint64_t rd_dr(void)
{
    uint64_t v;

    __asm__ volatile("mov %%db0, %0" : "=r"(v));
    return v;
}

static __attribute__((noinline)) uint64_t rd_dr7(void)
{
    uint64_t v;

    __asm__ volatile("mov %%db7, %%rax\n\t"
                     "mov %%rax, %0"
                     : "=r"(v)
                     :
                     : "rax");
    return v;
}

/* mov %dr8, %rax: 44 0f 21 c0 */
static __attribute__((noinline)) void rd_dr8(void)
{
    __asm__ volatile(".globl dr8_rip\ndr8_rip:\n\t"
                     ".byte 0x44, 0x0f, 0x21, 0xc0\n\t"
                     ".globl dr8_end\ndr8_end:\n\t" ::
                         : "rax", "memory");
}

/* mov %dr4, %rax: 0f 21 e0 */
static __attribute__((noinline)) void rd_dr4(void)
{
    __asm__ volatile(".globl dr4_rip\ndr4_rip:\n\t"
                     ".byte 0x0f, 0x21, 0xe0\n\t"
                     ".globl dr4_end\ndr4_end:\n\t" ::
                         : "rax", "memory");
}

static void expect_fault(const char *what, unsigned int v, const char *at)
{
    TEST_EQ(hits, 1);
    TEST_EQ(vec, v);
    TEST_EQ(ec, 0);
    TEST_EQ(rip, (uint64_t)at);
    printk("%s: vector %u at the instruction\n", what, v);
    hits = 0;
}

void test_main(void)
{
    uint64_t cr4;

    trap_set_handler(6, caught);
    trap_set_handler(13, caught);

    TEST_EQ(rd_dr7(), 0x400);
    wr_dr0(0x2000);
    TEST_EQ(hits, 0);
    TEST_EQ(rd_dr(), 0x2000);
    TEST_EQ(_hypercall1(__HYPERVISOR_get_debugreg, 0), 0x2000);

    /* A hypervisor address: set_debugreg's -EPERM, so #GP(0). */
    wr_dr0(0xffff830000100000UL);
    expect_fault("mov hypervisor address to dr0", 13, wr_rip);
    TEST_EQ(rd_dr(), 0x2000);
    wr_dr0(0x0000800000000000UL); /* non-canonical */
    expect_fault("mov non-canonical to dr0", 13, wr_rip);
    TEST_EQ(rd_dr(), 0x2000);

    /* DR8 does not exist: #UD. */
    rd_dr8();
    expect_fault("mov dr8", 6, dr8_rip);

    /* DR4 is DR6 without CR4.DE and #UD with it. */
    rd_dr4();
    TEST_EQ(hits, 0);
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | X86_CR4_DE));
    rd_dr4();
    expect_fault("mov dr4 under CR4.DE", 6, dr4_rip);
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));

    wr_dr7(0x400);
    wr_dr0(0);
    TEST_EQ(rd_dr(), 0);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_version, NULL) >> 16, 4);
}

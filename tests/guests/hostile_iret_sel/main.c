/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_iret to bad selectors or RIP: the guest gets the fault, as on Xen. */
#include <guest/test.h>
#include <guest/traps.h>

/*
 * Each case builds an iret_context on the stack (rax, r11, rcx, flags,
 * rip, cs, rflags, rsp, ss) and issues HYPERVISOR_iret by raw syscall.
 * Vesper's exit iretq refuses the frame; what must follow is Xen's answer:
 * the exception the CPU raised, with its error code, delivered to our own
 * handler with the frame we asked for, and the hypervisor alive. A RPL 0
 * selector keeps the return in guest kernel mode (no user L4 needed).
 */
#define KERNEL_CS_RPL0 0xe030ULL
#define KERNEL_SS 0xe02bULL

extern const char iret_target[], iret_resume[];

static volatile struct trap_frame seen;
static volatile unsigned int hits;
static uint64_t resume_sp;

static int caught(struct trap_frame *f)
{
    seen = *(volatile struct trap_frame *)f;
    hits++;
    /* Resume after the probe on a sane frame. */
    f->rip = (uint64_t)iret_resume;
    f->cs = KERNEL_CS_RPL0;
    f->ss = KERNEL_SS;
    f->rsp = resume_sp;
    return 1;
}

/* Returns 1 if the iret went through (it must not), 0 after a fault. */
static __attribute__((noinline)) int try_iret(uint64_t rip, uint64_t cs,
                                              uint64_t ss)
{
    int through;

    __asm__ volatile("mov %%rsp, %[save]\n\t"
                     "mov %%rsp, %%rax\n\t"
                     "pushq %[ss]\n\t"
                     "pushq %%rax\n\t" /* rsp: where we are */
                     "pushq $0x202\n\t"
                     "pushq %[cs]\n\t"
                     "pushq %[rip]\n\t"
                     "pushq $0\n\t" /* flags */
                     "pushq $0\n\t" /* rcx */
                     "pushq $0\n\t" /* r11 */
                     "pushq $0\n\t" /* rax */
                     "mov $23, %%eax\n\t"
                     "syscall\n\t"
                     ".globl iret_target\niret_target:\n\t"
                     "mov $1, %[t]\n\t"
                     "jmp 2f\n\t"
                     ".globl iret_resume\niret_resume:\n\t"
                     "mov $0, %[t]\n\t"
                     "2:\n\t"
                     : [t] "=&r"(through), [save] "=m"(resume_sp)
                     : [rip] "r"(rip), [cs] "r"(cs), [ss] "r"(ss)
                     : "rax", "rcx", "r11", "memory");
    return through;
}

struct bad_case {
    const char *what;
    uint64_t rip, cs, ss;
    unsigned int vec;
    uint64_t ec;
};

void test_main(void)
{
    const uint64_t target = (uint64_t)iret_target;
    const struct bad_case cases[] = {
        { "null CS", target, 0x0, KERNEL_SS, 13, 0 },
        { "CS 0x10 (empty GDT slot)", target, 0x10, KERNEL_SS, 13, 0x10 },
        { "CS 0xdf90", target, 0xdf90, KERNEL_SS, 13, 0xdf90 },
        { "CS 0xe008 (hypervisor code)", target, 0xe008, KERNEL_SS, 13,
          0xe008 },
        { "CS 0x4 (LDT, none loaded)", target, 0x4, KERNEL_SS, 13, 0x4 },
        { "null SS", target, KERNEL_CS_RPL0, 0x0, 13, 0 },
        { "SS 0x10", target, KERNEL_CS_RPL0, 0x10, 13, 0x10 },
        { "SS = kernel CS", target, KERNEL_CS_RPL0, 0xe033, 13, 0xe030 },
        { "non-canonical RIP", 0x8000000000000000ULL, KERNEL_CS_RPL0, KERNEL_SS,
          13, 0 },
    };
    unsigned int i;

    trap_set_handler(13, caught);
    trap_set_handler(11, caught);
    trap_set_handler(12, caught);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct bad_case *c = &cases[i];
        unsigned int before = hits;
        int through = try_iret(c->rip, c->cs, c->ss);

        printk("%s: through %d, %u fault(s), vector %lu error 0x%lx at rip "
               "0x%lx cs 0x%lx\n",
               c->what, through, hits - before, (unsigned long)seen.vector,
               (unsigned long)seen.error_code, (unsigned long)seen.rip,
               (unsigned long)(seen.cs & 0xffff));
        TEST_CHECK(!through);
        TEST_EQ(hits, before + 1);
        TEST_EQ(seen.vector, c->vec);
        TEST_EQ(seen.error_code, c->ec);
        /* The frame is the one iret was asked for. */
        TEST_EQ(seen.rip, c->rip);
        TEST_EQ(seen.cs & 0xfffc, c->cs & 0xfffc);
    }
    /* And the ordinary return still works afterwards. */
    TEST_CHECK(try_iret(target, KERNEL_CS_RPL0, KERNEL_SS) == 1);
}

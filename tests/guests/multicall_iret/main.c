/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_iret inside a multicall is performed and ends the batch with its result. */

#include <guest/test.h>
#include <guest/smp.h>

#define POISON 0xdeadbeefdeadbeefULL
#define RAX 0x5a5a87654321ULL
/* Xen's multicall returns an int: the result's low half, sign-extended. */
#define RAX_RET ((uint64_t)(int64_t)(int32_t)(uint32_t)RAX)
#define RCX 0x3333cccc3333ULL
#define R11 0x1111bbbb1111ULL

static struct multicall_entry calls[3];
/* The iret frame sits at the top of its own stack page. */
static uint64_t stack[512] __attribute__((aligned(4096)));
static struct iret_context *const frame =
    (struct iret_context *)&stack[512 - 16];

struct regs_after {
    uint64_t rax, rcx, r11, rsp_before, rsp_after;
};

/*
 * Issue the multicall with the guest stack pointer at the iret frame,
 * whose rip is the instruction after the syscall and whose rsp is the
 * stack we came from: if the iret entry is performed, execution carries
 * on there with the frame's rax, rcx and r11.
 */
static void multicall_at_frame(unsigned int nr, struct regs_after *out)
{
    uint64_t rax, rcx, rsp_after;
    unsigned long rdi = (unsigned long)calls, rsi = nr;
    register uint64_t r11 __asm__("r11");

    __asm__ volatile("mov %%rsp, %c[off_rsp](%[f])\n\t"
                     "lea 1f(%%rip), %%rax\n\t"
                     "mov %%rax, %c[off_rip](%[f])\n\t"
                     "mov %[f], %%rsp\n\t"
                     "mov %[nr], %%eax\n\t"
                     "syscall\n"
                     "1:\n\t"
                     "mov %%rsp, %[rsp_after]\n\t"
                     : "=&a"(rax), "=&c"(rcx),
                       "=&r"(r11), [rsp_after] "=&m"(rsp_after), "+D"(rdi),
                       "+S"(rsi)
                     : [f] "b"(frame), [nr] "i"(__HYPERVISOR_multicall),
                       [off_rsp] "i"(offsetof(struct iret_context, rsp)),
                       [off_rip] "i"(offsetof(struct iret_context, rip))
                     : "rdx", "r8", "r9", "r10", "memory", "cc");
    out->rax = rax;
    out->rcx = rcx;
    out->r11 = r11;
    out->rsp_before = frame->rsp;
    out->rsp_after = rsp_after;
}

static void set_entry(struct multicall_entry *e, unsigned long op,
                      unsigned long a0)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->args[0] = a0;
    e->result = POISON;
}

static void prepare_frame(uint64_t rflags)
{
    memset(frame, 0, sizeof(*frame));
    frame->rax = RAX;
    frame->rcx = RCX;
    frame->r11 = R11;
    frame->flags = 0; /* not from a syscall: rcx and r11 come back */
    frame->cs = FLAT_KERNEL_CS & ~3;
    frame->ss = FLAT_KERNEL_SS;
    frame->rflags = rflags;
}

void test_main(void)
{
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    struct regs_after r;
    volatile struct vcpu_info *vi = guest_vcpu_info(0);

    /* [version, iret, version]: the third entry never runs. */
    set_entry(&calls[0], __HYPERVISOR_xen_version, XENVER_version);
    set_entry(&calls[1], __HYPERVISOR_iret, 0);
    set_entry(&calls[2], __HYPERVISOR_xen_version, XENVER_version);
    prepare_frame(0x2); /* IF clear: events stay masked */
    multicall_at_frame(3, &r);
    TEST_EQ(r.rax, RAX_RET);
    TEST_EQ(r.rcx, RCX);
    TEST_EQ(r.r11, R11);
    TEST_EQ(r.rsp_after, r.rsp_before);
    TEST_EQ(calls[0].result, version);
    TEST_EQ(calls[1].result, RAX);
    TEST_EQ(calls[2].result, POISON);
    TEST_EQ(vi->evtchn_upcall_mask, 1);

    /* iret first, IF set in its frame: the upcall mask follows it. */
    set_entry(&calls[0], __HYPERVISOR_iret, 0);
    set_entry(&calls[1], __HYPERVISOR_xen_version, XENVER_version);
    prepare_frame(0x202);
    multicall_at_frame(2, &r);
    TEST_EQ(vi->evtchn_upcall_mask, 0);
    vi->evtchn_upcall_mask = 1;
    TEST_EQ(r.rax, RAX_RET);
    TEST_EQ(r.rsp_after, r.rsp_before);
    TEST_EQ(calls[0].result, RAX);
    TEST_EQ(calls[1].result, POISON);

    /* Still a working batch afterwards. */
    set_entry(&calls[0], __HYPERVISOR_xen_version, XENVER_version);
    TEST_EQ(HYPERVISOR_multicall(calls, 1), 0);
    TEST_EQ(calls[0].result, version);
}

/* SPDX-License-Identifier: MIT */
/* Guest user mode: iret to a separate user L4, syscall back, user #PF. */
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <public/callback.h>

#define USER_VA 0x0000200000001000UL  /* mapped only in the user tree */
#define UNMAPPED 0x0000300000000000UL /* mapped nowhere */
#define MAGIC 0x5ca11UL
#define DATA 0x05e5UL

/* Kernel stack for bounces out of user mode (stack_switch). */
static uint8_t kstack[8192] __attribute__((aligned(16)));
static uint8_t ustack[4096] __attribute__((aligned(16)));
static unsigned long kernel_cr3;
static int phase;

void syscall_cb(const uint64_t *frame, uint64_t rbx, uint64_t rax);
extern const char user_entry[], user_after_syscall[], user_fault[],
    user_fault_insn[], syscall_entry[];

/* User code: read the user-only page, make a syscall, then fault. */
__asm__(".pushsection .text\n"
        "user_entry:\n"
        "    movabs 0x0000200000001000, %rax\n"
        "    mov %rax, %rbx\n"
        "    mov $0x5ca11, %eax\n"
        "    syscall\n"
        "user_after_syscall:\n"
        "    ud2\n"
        "user_fault:\n"
        "user_fault_insn:\n"
        "    movabs 0x0000300000000000, %rax\n"
        "    ud2\n"
        /* The syscall callback: frame pointer, user rbx, user rax. */
        "syscall_entry:\n"
        "    mov %rsp, %rdi\n"
        "    mov %rbx, %rsi\n"
        "    mov %rax, %rdx\n"
        "    and $-16, %rsp\n"
        "    call syscall_cb\n"
        "    ud2\n"
        ".popsection\n");

static unsigned long read_cr3(void)
{
    unsigned long v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* HYPERVISOR_iret to guest user mode at rip with the user stack. */
static __attribute__((noreturn)) void iret_to_user(const void *rip)
{
    __asm__ volatile("pushq %[ss]\n"
                     "pushq %[sp]\n"
                     "pushq $0x202\n"
                     "pushq %[cs]\n"
                     "pushq %[rip]\n"
                     "pushq $0\n" /* flags */
                     "pushq %%rcx\n"
                     "pushq %%r11\n"
                     "pushq %%rax\n"
                     "mov $23, %%eax\n"
                     "syscall\n"
                     "ud2\n" ::[ss] "i"(FLAT_USER_SS),
                     [sp] "r"((unsigned long)(ustack + sizeof(ustack))),
                     [cs] "i"(FLAT_USER_CS), [rip] "r"(rip)
                     : "memory");
    __builtin_unreachable();
}

/* Frame on the kernel stack: rcx, r11, rip, cs, rflags, rsp, ss. */
void syscall_cb(const uint64_t *frame, uint64_t rbx, uint64_t rax)
{
    printk("syscall from user: rip 0x%llx cs 0x%llx rsp 0x%llx ss 0x%llx\n",
           (unsigned long long)frame[2], (unsigned long long)frame[3],
           (unsigned long long)frame[5], (unsigned long long)frame[6]);
    TEST_EQ(phase, 1);
    TEST_EQ(rax, MAGIC);
    /* The user L4 was live in user mode: the user-only page was readable. */
    TEST_EQ(rbx, DATA);
    TEST_EQ(frame[0], (uint64_t)user_after_syscall); /* rcx = return rip */
    TEST_EQ(frame[2], (uint64_t)user_after_syscall);
    TEST_EQ(frame[3] & 3, 3);
    TEST_EQ(frame[5], (uint64_t)(ustack + sizeof(ustack)));
    TEST_EQ(frame[6] & 3, 3);
    /* Back in kernel mode on the kernel L4, on the stack_switch stack. */
    TEST_EQ(read_cr3(), kernel_cr3);
    TEST_CHECK((uint64_t)frame >= (uint64_t)kstack &&
               (uint64_t)frame < (uint64_t)(kstack + sizeof(kstack)));
    phase = 2;
    iret_to_user(user_fault);
}

static int pf_handler(struct trap_frame *f)
{
    TEST_EQ(phase, 2);
    TEST_EQ(f->rip, (uint64_t)user_fault_insn);
    TEST_EQ(f->cs & 3, 3);
    TEST_EQ(f->cr2, UNMAPPED);
    /* A user-mode fault keeps the U bit: not-present read from user = 4. */
    TEST_EQ(f->error_code, 4);
    TEST_EQ(read_cr3(), kernel_cr3);
    test_finish();
}

void test_main(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)syscall_entry,
    };
    struct mm_tree t;
    uint64_t *data;

    mm_init();
    data = mm_alloc_page();
    TEST_CHECK(data != NULL);
    if (!data)
        return;
    data[0] = DATA;
    kernel_cr3 = read_cr3();
    TEST_EQ(kernel_cr3, mm_virt_to_mfn((void *)start_info->pt_base) << 12);
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, USER_VA, MFN_PTE(mm_virt_to_mfn(data), PTE_KDATA)),
            0);
    mm_tree_copy_kernel(&t);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    {
        struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR };

        op.arg1.mfn = mm_tree_l4_mfn(&t);
        TEST_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    }
    TEST_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), 0);
    TEST_EQ(HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
                                    (unsigned long)(kstack + sizeof(kstack))),
            0);
    trap_set_handler(14, pf_handler);
    if (test_checks_failed())
        return;
    phase = 1;
    iret_to_user(user_entry);
}

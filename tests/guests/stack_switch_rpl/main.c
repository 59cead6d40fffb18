/* SPDX-License-Identifier: MIT */
/* stack_switch with an RPL-0 SS (Linux's __KERNEL_DS): accepted, stack used. */
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <public/callback.h>

#define MAGIC 0x5ca11UL
#define LINUX_KERNEL_DS 0x18UL

static uint8_t kstack[8192] __attribute__((aligned(16)));
static uint8_t other[4096] __attribute__((aligned(16)));
static uint8_t ustack[4096] __attribute__((aligned(16)));
static unsigned long kernel_cr3;

void syscall_cb(const uint64_t *frame, uint64_t rax);
extern const char user_entry[], syscall_entry[];

/* User code makes one syscall; the callback gets frame pointer and rax. */
__asm__(".pushsection .text\n"
        "user_entry:\n"
        "    mov $0x5ca11, %eax\n"
        "    syscall\n"
        "    ud2\n"
        "syscall_entry:\n"
        "    mov %rsp, %rdi\n"
        "    mov %rax, %rsi\n"
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

void syscall_cb(const uint64_t *frame, uint64_t rax)
{
    TEST_EQ(rax, MAGIC);
    TEST_EQ(read_cr3(), kernel_cr3);
    /* The last stack_switch (SS 0x18) took effect. */
    TEST_CHECK((uint64_t)frame >= (uint64_t)kstack &&
               (uint64_t)frame < (uint64_t)(kstack + sizeof(kstack)));
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

    mm_init();
    kernel_cr3 = read_cr3();
    TEST_EQ(mm_tree_init(&t), 0);
    mm_tree_copy_kernel(&t);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    {
        struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR };

        op.arg1.mfn = mm_tree_l4_mfn(&t);
        TEST_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    }
    TEST_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), 0);
    /* Xen raises any RPL below 3 to 3 and never fails. */
    TEST_EQ(HYPERVISOR_stack_switch(0, (unsigned long)(other + sizeof(other))),
            0);
    TEST_EQ(HYPERVISOR_stack_switch(FLAT_KERNEL_SS | 1,
                                    (unsigned long)(other + sizeof(other))),
            0);
    TEST_EQ(HYPERVISOR_stack_switch(LINUX_KERNEL_DS,
                                    (unsigned long)(kstack + sizeof(kstack))),
            0);
    if (test_checks_failed())
        return;
    iret_to_user(user_entry);
}

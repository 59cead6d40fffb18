/* SPDX-License-Identifier: MIT */
/* A hypercall from the top of the lower half returns to a non-canonical RIP. */
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/traps.h>

/*
 * syscall at 0x7ffffffffffe leaves RCX = 0x800000000000, which is not
 * canonical: a hypervisor that returns with sysret takes a #GP in ring 0
 * on Intel (CVE-2012-0217's class). Xen returns through iret instead, so
 * the guest gets #GP(0) at that RIP, with the hypercall done (RAX holds
 * its result). Vesper must do the same.
 */
#define CODE_VA 0x00007ffffffff000UL
#define SYSCALL_AT (CODE_VA + 0xffe)
#define NONCANON 0x0000800000000000UL

extern const char sysret_resume[];
static volatile struct trap_frame seen;
static volatile unsigned int hits;
static uint64_t resume_sp;

static int caught(struct trap_frame *f)
{
    seen = *(volatile struct trap_frame *)f;
    hits++;
    f->rip = (uint64_t)sysret_resume;
    f->rsp = resume_sp;
    return 1;
}

void test_main(void)
{
    struct mm_tree t;
    uint8_t *code;
    long ver = HYPERVISOR_xen_version(XENVER_version, NULL);

    mm_init();
    code = mm_alloc_page();
    TEST_CHECK(code != NULL);
    if (!code)
        return;
    code[0xffe] = 0x0f; /* syscall */
    code[0xfff] = 0x05;
    TEST_EQ(mm_tree_init(&t), 0);
    TEST_EQ(mm_tree_map(&t, CODE_VA, MFN_PTE(mm_virt_to_mfn(code), PTE_KDATA)),
            0);
    mm_tree_copy_kernel(&t);
    TEST_EQ(mm_tree_seal(&t), 0);
    TEST_EQ(mm_pin(4, mm_tree_l4_mfn(&t)), 0);
    TEST_EQ(mm_new_baseptr(mm_tree_l4_mfn(&t)), 0);
    if (test_checks_failed())
        return;
    trap_set_handler(13, caught);
    __asm__ volatile("mov %%rsp, %[save]\n\t"
                     "mov %[nr], %%eax\n\t"
                     "xor %%edi, %%edi\n\t" /* XENVER_version */
                     "xor %%esi, %%esi\n\t"
                     "jmp *%[at]\n\t"
                     ".globl sysret_resume\nsysret_resume:\n\t"
                     : [save] "=m"(resume_sp)
                     : [nr] "i"(__HYPERVISOR_xen_version), [at] "r"(SYSCALL_AT)
                     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                       "r11", "memory");
    printk("after the syscall at 0x%lx: %u fault(s), vector %lu error 0x%lx "
           "rip 0x%lx rax 0x%lx\n",
           SYSCALL_AT, hits, (unsigned long)seen.vector,
           (unsigned long)seen.error_code, (unsigned long)seen.rip,
           (unsigned long)seen.rax);
    TEST_EQ(hits, 1);
    TEST_EQ(seen.vector, 13);
    TEST_EQ(seen.error_code, 0);
    TEST_EQ(seen.rip, NONCANON);
    TEST_EQ(seen.rax, ver);
}

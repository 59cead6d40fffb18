# SPDX-License-Identifier: MIT
# hvm_modes' guest: real mode, then 32-bit protected mode, then long mode on its own page tables.
    .include "hvm.inc"

    HVM_START16
    PUTS16 "hvm_modes: hello from 16-bit real mode\n"
    mov %cr0, %eax
    test $1, %al
    jnz fail16
    mov %cs, %ax
    test %ax, %ax
    jnz fail16
    PUTS16 "PASS: real mode at 0000:7c00 (CR0.PE clear)\n"

    ENTER_PM32 pm32
    PUTS32 "PASS: 32-bit protected mode\n"
    /* RAM past the first MiB is there (no A20 games): write, read back. */
    movl $0x5aa5c33c, 0x200000
    cmpl $0x5aa5c33c, 0x200000
    jne fail32
    PUTS32 "PASS: RAM at 2 MiB reads back\n"

    /* Identity map of the first 16 MiB with 2 MiB pages. */
    mov $PT_BASE, %edi
    xor %eax, %eax
    mov $(3 * 4096 / 4), %ecx
    rep stosl
    movl $(PT_BASE + 0x1000 + 3), PT_BASE
    movl $(PT_BASE + 0x2000 + 3), PT_BASE + 0x1000
    mov $PT_BASE + 0x2000, %edi
    mov $0x83, %eax
    mov $8, %ecx
1:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    mov %cr4, %eax
    or $0x20, %eax              # PAE
    mov %eax, %cr4
    mov $PT_BASE, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       # EFER.LME
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax        # PG
    mov %eax, %cr0
    ljmp $0x18, $lm64

    .code64
lm64:
    PUTS64 "PASS: 64-bit long mode on the guest's own page tables\n"
    mov $0xc0000080, %ecx
    rdmsr
    test $0x400, %eax           # LMA
    jz fail64
    test $0x1000, %eax          # SVME is the hypervisor's, never shown
    jnz fail64
    PUTS64 "PASS: EFER.LMA set, EFER.SVME hidden\n"
    movabs $0x123456789abcdef0, %rax
    movabs $0xfedcba9876543210, %rbx
    add %rbx, %rax
    movabs $0x1111111111111100, %rdx
    cmp %rdx, %rax
    jne fail64
    PUTS64 "PASS: 64-bit arithmetic\n"
    /* Busy for a while: the timer must take the CPU away and give it back. */
    mov $0x4000000, %rcx
2:  dec %rcx
    jnz 2b
    PUTS64 "PASS: a long busy loop ran to its end\n"
    PUTS64 "Test result: PASS\n"
    jmp halt64

fail64:
    PUTS64 "Test result: FAIL (long mode)\n"
    jmp halt64
    .code32
fail32:
    PUTS32 "Test result: FAIL (protected mode)\n"
    jmp halt32
    .code16
fail16:
    PUTS16 "Test result: FAIL (real mode)\n"
    jmp halt16

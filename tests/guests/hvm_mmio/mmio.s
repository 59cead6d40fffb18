# SPDX-License-Identifier: MIT
# hvm_mmio's guest: local APIC registers by MMIO through mov, movzx, and/or, cmp, test and xchg, without and with paging.
    .include "hvm.inc"
    .include "tests/guests/hvm_lapic_timer/hvm_irq.inc"

    .set TPR, LAPIC + 0x80
    .set PPR, LAPIC + 0xa0

    HVM_START16
    ENTER_PM32 pm32
    call idt_init

    mov LAPIC + 0x30, %eax              # mov r32, moffs
    cmp $0x00050014, %eax
    je 1f
    FAIL32 "mov from the version register"
1:  mov $LAPIC, %edi
    movzbl 0x30(%edi), %eax             # movzx byte
    cmp $0x14, %eax
    je 1f
    FAIL32 "movzbl of the version"
1:  movzwl 0x32(%edi), %eax             # movzx word, the register's upper half
    cmp $0x0005, %eax
    je 1f
    FAIL32 "movzwl of the version's upper half"
1:  movl $0x35, TPR                     # mov imm to memory
    mov 0x80(%edi), %ebx
    cmp $0x35, %ebx
    je 1f
    FAIL32 "TPR does not read back 0x35"
1:  andl $0xf0, 0x80(%edi)              # and imm8 with memory
    cmpl $0x30, TPR                     # cmp with memory
    je 1f
    FAIL32 "and on TPR"
1:  mov $0x0f, %ecx
    or %ecx, 0x80(%edi)                 # or reg into memory
    mov TPR, %eax
    cmp $0x3f, %eax
    je 1f
    FAIL32 "or on TPR"
1:  mov $0x20, %edx
    xchg %edx, 0x80(%edi)               # xchg: old value out, new in
    cmp $0x3f, %edx
    jne 2f
    testl $0x20, TPR                    # test with memory
    jz 2f
    mov PPR, %eax                       # PPR follows TPR with nothing in service
    cmp $0x20, %eax
    je 1f
2:  FAIL32 "xchg/test/PPR"
1:  mov $0x80, %esi
    mov $0x80, %eax
    or 0x00(%edi, %esi), %al            # or memory into a register (SIB)
    cmp $0xa0, %al
    je 1f
    FAIL32 "or from memory with SIB"
1:  PUTS32 "PASS: LAPIC MMIO in protected mode: mov, movzx, and, or, cmp, xchg, test\n"

    /* Long mode on 2 MiB pages: the first 16 MiB, and the APIC page at 0xfee00000. */
    mov $PT_BASE, %edi
    xor %eax, %eax
    mov $(4 * 4096 / 4), %ecx
    rep stosl
    movl $(PT_BASE + 0x1000 + 3), PT_BASE
    movl $(PT_BASE + 0x2000 + 3), PT_BASE + 0x1000
    movl $(PT_BASE + 0x3000 + 3), PT_BASE + 0x1000 + 3 * 8
    mov $PT_BASE + 0x2000, %edi
    mov $0x83, %eax
    mov $8, %ecx
1:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    movl $(0xfee00000 | 0x93), PT_BASE + 0x3000 + 0x1f7 * 8   # PCD too
    mov %cr4, %eax
    or $0x20, %eax
    mov %eax, %cr4
    mov $PT_BASE, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    ljmp $0x18, $lm64

    .code64
lm64:
    movabs $LAPIC, %rdi
    mov 0x30(%rdi), %eax
    cmp $0x00050014, %eax
    jne 2f
    movzbq 0x30(%rdi), %rax             # REX.W movzx
    cmp $0x14, %rax
    jne 2f
    mov $0x40, %r9d
    mov %r9d, 0x80(%rdi)                # REX.R source
    mov 0x80(%rdi), %r10d               # REX.R destination
    cmp $0x40, %r10d
    jne 2f
    orl $0x0c, 0x80(%rdi)
    mov 0x80(%rdi), %eax
    cmp $0x4c, %eax
    jne 2f
    movl $0, 0x80(%rdi)
    PUTS64 "PASS: LAPIC MMIO in long mode through the guest's page tables\n"
    PUTS64 "Test result: PASS\n"
    jmp halt64
2:  PUTS64 "Test result: FAIL (LAPIC MMIO in long mode)\n"
    jmp halt64

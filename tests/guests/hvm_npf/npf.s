# SPDX-License-Identifier: MIT
# hvm_npf's guest: a write to guest-physical memory past its 16 MiB of RAM must crash it.
    .include "hvm.inc"

    HVM_START16
    PUTS16 "hvm_npf: in real mode\n"
    ENTER_PM32 pm32
    movl $0x11223344, 0xfff000  # the last page of RAM is there
    cmpl $0x11223344, 0xfff000
    jne 1f
    PUTS32 "hvm_npf: last RAM page ok; writing GPA 0x4000000 (64 MiB)\n"
    mov $0x0badc0de, %eax
    mov $0x4000000, %edi
    movl %eax, (%edi)
1:  PUTS32 "Test result: FAIL (still running after the write past RAM)\n"
    jmp halt32

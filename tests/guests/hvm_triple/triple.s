# SPDX-License-Identifier: MIT
# hvm_triple's guest: an exception with an empty IDT escalates to a triple fault, which must crash it.
    .include "hvm.inc"

    HVM_START16
    PUTS16 "hvm_triple: loading an empty IDT, then ud2\n"
    lidtl idt_empty
    mov $0x7717, %bx            # a marker for the register dump
    ud2
    PUTS16 "Test result: FAIL (survived a triple fault)\n"
    jmp halt16

    .section .rodata
idt_empty:
    .word 0
    .long 0

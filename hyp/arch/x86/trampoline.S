/* SPDX-License-Identifier: GPL-2.0-only */
/* Secondary-CPU start: real mode at a low page, to long mode, into C. */
#include "asm/x86.h"

/*
 * Copied to a page below 1 MiB and entered by a STARTUP IPI with CS = the
 * page's segment and IP = 0, so everything here addresses relative to its
 * own start. The boot CPU fills in the four parameter slots at the end
 * before each AP is started; %ebx keeps the page's physical base.
 */
#define OFF(x) ((x) - trampoline_start)

    .section .rodata.trampoline, "a"
    .globl trampoline_start, trampoline_end
    .globl tramp_boot_cr3, tramp_cr3, tramp_stack, tramp_entry
    .code16
trampoline_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    xor %ebx, %ebx
    mov %cs, %bx
    shl $4, %ebx
    /* Patch the absolute addresses the far jumps and GDTR need. */
    lea OFF(tramp_gdt)(%ebx), %eax
    mov %eax, OFF(tramp_gdtr) + 2
    lea OFF(tramp_32)(%ebx), %eax
    mov %eax, OFF(tramp_jmp32)
    lea OFF(tramp_64)(%ebx), %eax
    mov %eax, OFF(tramp_jmp64)
    lgdtl OFF(tramp_gdtr)
    mov %cr0, %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmpl *OFF(tramp_jmp32)

    .code32
tramp_32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov OFF(tramp_boot_cr3)(%ebx), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $(EFER_LME | EFER_NXE), %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_PE), %eax
    mov %eax, %cr0
    ljmpl *OFF(tramp_jmp64)(%ebx)

    .code64
tramp_64:
    /*
     * Still on the identity map, which Vesper's own tables lack: jump to
     * the image's high address first; it switches tables and stacks.
     */
    mov OFF(tramp_cr3)(%rbx), %rdi
    mov OFF(tramp_stack)(%rbx), %rsi
    mov OFF(tramp_entry)(%rbx), %rax
    jmp *%rax

    .align 16
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff /* 0x10: data */
    .quad 0x00af9a000000ffff /* 0x18: 64-bit code */
tramp_gdtr:
    .word 4 * 8 - 1
    .long 0
tramp_jmp32:
    .long 0
    .word 0x08
tramp_jmp64:
    .long 0
    .word 0x18
    .align 8
tramp_boot_cr3:
    .quad 0
tramp_cr3:
    .quad 0
tramp_stack:
    .quad 0
tramp_entry:
    .quad 0
trampoline_end:

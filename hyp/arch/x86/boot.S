/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot v1 entry: 32-bit protected mode to 64-bit long mode. */
#include "asm/layout.h"
#include "asm/x86.h"
#include "asm-offsets.h"

#define PHYS(x) ((x) - DIRECTMAP_VIRT_START)

#define MB_MAGIC 0x1BADB002
/* align modules, want memory map, a.out kludge (QEMU loads no ELF64) */
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

    .section .multiboot, "a"
    .align 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(mb_header)
    .long PHYS(_image_start)
    .long PHYS(_edata)
    .long PHYS(_end)
    .long PHYS(_start)

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov %eax, %edi                  /* multiboot magic */
    mov %ebx, %esi                  /* multiboot info (physical) */
    mov $PHYS(boot_early_stack_top), %esp

    /* Long mode is mandatory; say so on COM1 instead of triple-faulting. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc no_long_mode

    /* L2s: identity-map 0-4 GiB with 2 MiB pages (the top GiB uncached). */
    mov $PHYS(boot_l2), %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $(_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_ACCESSED | _PAGE_DIRTY), %eax
    cmp $1536, %ecx
    jb 2f
    or $(_PAGE_PCD | _PAGE_PWT), %eax
2:  mov %eax, (%ebx, %ecx, 8)
    mov %ecx, %eax
    shr $11, %eax                   /* bits 32+ of the address */
    mov %eax, 4(%ebx, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jne 1b

    /* L3: four L2 pages; L4 slot 0 (identity) and the direct-map slot. */
    mov $PHYS(boot_l3), %ebx
    mov $PHYS(boot_l2), %eax
    or $(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED), %eax
    xor %ecx, %ecx
3:  mov %eax, (%ebx, %ecx, 8)
    movl $0, 4(%ebx, %ecx, 8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 3b
    mov $PHYS(boot_l4), %ebx
    mov $PHYS(boot_l3), %eax
    or $(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED), %eax
    mov %eax, (%ebx)
    mov %eax, (DIRECTMAP_SLOT * 8)(%ebx)

    mov %cr4, %eax
    or $(CR4_PAE | CR4_PGE), %eax
    mov %eax, %cr4
    mov %ebx, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $(EFER_LME | EFER_SCE), %eax
    /* NX if the CPU has it (checked by the C code too). */
    push %eax
    mov $0x80000001, %eax
    push %edx
    cpuid
    mov %edx, %ebp
    pop %edx
    pop %eax
    bt $20, %ebp
    jnc 4f
    or $EFER_NXE, %eax
4:  mov $MSR_EFER, %ecx             /* cpuid clobbered it */
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_PE | CR0_WP | CR0_NE | CR0_MP), %eax
    and $~(CR0_EM | CR0_TS), %eax
    mov %eax, %cr0

    lgdt PHYS(boot_gdtr)
    ljmp $0x08, $PHYS(start64_low)

no_long_mode:
    mov $PHYS(msg_no_lm), %esi
5:  lodsb
    test %al, %al
    jz 7f
    mov %al, %bl
    mov $0x3fd, %dx
6:  in %dx, %al
    test $0x20, %al
    jz 6b
    mov $0x3f8, %dx
    mov %bl, %al
    out %al, %dx
    jmp 5b
7:  hlt
    jmp 7b

    .code64
start64_low:
    movabs $start64_high, %rax
    jmp *%rax

    .text
start64_high:
    xor %eax, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    /* The BSP's per-CPU block doubles as its boot stack. */
    lea bsp_block(%rip), %rsp
    add $(PCPU_STACK_SIZE - CPU_INFO_SIZE), %rsp
    xor %ebp, %ebp
    push %rbp                       /* terminates stack traces */
    /* edi = magic, esi = multiboot info, still zero-extended */
    mov %edi, %edi
    mov %esi, %esi
    call start_hyp
8:  cli
    hlt
    jmp 8b

    .section .rodata
msg_no_lm:
    .asciz "Vesper: this CPU has no long mode (x86-64); cannot boot.\r\n"

    .data
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

    .section .bss.page_aligned, "aw", @nobits
    .align 4096
    .globl boot_l4
boot_l4:
    .skip 4096
boot_l3:
    .skip 4096
boot_l2:
    .skip 4 * 4096
boot_early_stack:
    .skip 4096
boot_early_stack_top:
    .align PCPU_BLOCK_SIZE
    .globl bsp_block
bsp_block:
    .skip PCPU_BLOCK_SIZE

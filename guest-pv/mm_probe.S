/* SPDX-License-Identifier: MIT */
/* Guarded memory accesses for MMU tests: a #PF returns -1 instead. */

/*
 * Every probe is a leaf function that faults, if at all, at its first
 * labelled instruction with the return address on top of the stack, so
 * one fixup serves them all: the #PF handler in mm.c checks the faulting
 * RIP against mm_probe_rips and resumes at mm_probe_fixup.
 */
    .text

    .globl mm_probe_read64
    .type mm_probe_read64, @function
mm_probe_read64:                /* (p, *out) */
.Lr64:
    movq    (%rdi), %rax
    movq    %rax, (%rsi)
    xorl    %eax, %eax
    ret
    .size mm_probe_read64, . - mm_probe_read64

    .globl mm_probe_write64
    .type mm_probe_write64, @function
mm_probe_write64:               /* (p, val) */
    xorl    %eax, %eax
.Lw64:
    movq    %rsi, (%rdi)
    ret
    .size mm_probe_write64, . - mm_probe_write64

    .globl mm_probe_xchg64
    .type mm_probe_xchg64, @function
mm_probe_xchg64:                /* (p, val, *old) */
.Lx64:
    xchgq   %rsi, (%rdi)
    movq    %rsi, (%rdx)
    xorl    %eax, %eax
    ret
    .size mm_probe_xchg64, . - mm_probe_xchg64

    .globl mm_probe_cmpxchg64
    .type mm_probe_cmpxchg64, @function
mm_probe_cmpxchg64:             /* (p, old, new) -> 0 swapped, 1 not */
    movq    %rsi, %rax
.Lc64:
    lock cmpxchgq %rdx, (%rdi)
    setne   %al
    movzbl  %al, %eax
    ret
    .size mm_probe_cmpxchg64, . - mm_probe_cmpxchg64

    .globl mm_probe_andb
    .type mm_probe_andb, @function
mm_probe_andb:                  /* (p, mask) */
    xorl    %eax, %eax
.Landb:
    lock andb %sil, (%rdi)
    ret
    .size mm_probe_andb, . - mm_probe_andb

    .globl mm_probe_orb
    .type mm_probe_orb, @function
mm_probe_orb:                   /* (p, mask) */
    xorl    %eax, %eax
.Lorb:
    lock orb %sil, (%rdi)
    ret
    .size mm_probe_orb, . - mm_probe_orb

    /* Linux on one CPU: its lock prefix patched into ds (0x3e). */
    .globl mm_probe_ds_andb
    .type mm_probe_ds_andb, @function
mm_probe_ds_andb:               /* (p, mask) */
    xorl    %eax, %eax
.Ldsandb:
    .byte   0x3e
    andb    %sil, (%rdi)
    ret
    .size mm_probe_ds_andb, . - mm_probe_ds_andb

    .globl mm_probe_fixup
    .type mm_probe_fixup, @function
mm_probe_fixup:
    movq    $-1, %rax
    ret
    .size mm_probe_fixup, . - mm_probe_fixup

    .section .rodata
    .globl mm_probe_rips
    .p2align 3
mm_probe_rips:
    .quad .Lr64, .Lw64, .Lx64, .Lc64, .Landb, .Lorb, .Ldsandb, 0

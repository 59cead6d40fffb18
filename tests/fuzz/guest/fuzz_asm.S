/* SPDX-License-Identifier: MIT */
/* Fuzzer helpers: a setjmp for fault recovery, a crafted iret, vCPU park. */

#include <public/hypercall.h>
#include <public/vcpu.h>

    .text

/*
 * long fz_setjmp(struct fz_jmp *j): save the callee-saved registers, the
 * stack pointer after our return and the return address. It returns 0;
 * the fault handler later "returns" 1 from it by loading these values
 * into the trap frame it goes back through (fuzz.c, fz_recover).
 */
    .globl fz_setjmp
    .type fz_setjmp, @function
fz_setjmp:
    mov     %rbx, 0(%rdi)
    mov     %rbp, 8(%rdi)
    mov     %r12, 16(%rdi)
    mov     %r13, 24(%rdi)
    mov     %r14, 32(%rdi)
    mov     %r15, 40(%rdi)
    lea     8(%rsp), %rax
    mov     %rax, 48(%rdi)
    mov     (%rsp), %rax
    mov     %rax, 56(%rdi)
    xor     %eax, %eax
    ret
    .size fz_setjmp, . - fz_setjmp

/*
 * long fz_iret(cs, ss, rflags, flags, rip, rsp): HYPERVISOR_iret with a
 * frame of our choosing. rip 0 means "come back here", rsp 0 "with the
 * stack as it was", so a well-formed frame simply returns FZ_IRET_LANDED
 * to the caller. A refused iret that returns to us (instead of crashing
 * the domain) comes back from the syscall with the error in RAX; an
 * exception Xen raises for a bad frame arrives at our trap handler.
 */
    .globl fz_iret
    .type fz_iret, @function
fz_iret:
    mov     %rsp, %rax
    test    %r9, %r9
    cmovz   %rax, %r9
    lea     1f(%rip), %r10
    test    %r8, %r8
    cmovz   %r10, %r8
    push    %rsi            /* ss */
    push    %r9             /* rsp */
    push    %rdx            /* rflags */
    push    %rdi            /* cs */
    push    %r8             /* rip */
    push    %rcx            /* flags */
    push    $0              /* rcx */
    push    $0              /* r11 */
    push    $0x1a4d         /* rax: FZ_IRET_LANDED */
    mov     $__HYPERVISOR_iret, %eax
    syscall
    add     $72, %rsp
    ret
    /*
     * Landed with the frame's RFLAGS: keep what the hypervisor made of
     * them for this instant, but clear DF, NT and AC before C runs again
     * (with DF set its string copies run backwards over our own data).
     */
1:  pushfq
    andq    $~0x44400, (%rsp)
    popfq
    ret
    .size fz_iret, . - fz_iret

/*
 * Where a secondary vCPU started with one of our contexts goes: it takes
 * itself down again (VCPUOP_down on the id the context left in RBX), over
 * and over if need be. Runs no C: it must not share the boot vCPU's state.
 */
    .globl fz_park
    .type fz_park, @function
fz_park:
1:  mov     $VCPUOP_down, %edi
    mov     %rbx, %rsi
    xor     %edx, %edx
    mov     $__HYPERVISOR_vcpu_op, %eax
    syscall
    pause
    jmp     1b
    .size fz_park, . - fz_park

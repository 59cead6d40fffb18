/* SPDX-License-Identifier: GPL-2.0-only */
/* VMRUN: switch the general registers and the VMLOAD/VMSAVE state around one guest run. */
#include "asm/layout.h"
#include "asm-offsets.h"

/*
 * svm_vmrun(struct cpu_regs *gprs, u64 guest_vmcb_pa, u64 host_vmcb_pa)
 *
 * Called with interrupts off, GIF set, the big lock released. VMRUN
 * switches RAX, RSP, RIP, RFLAGS, CR0/3/4, EFER and the ES/CS/SS/DS
 * segments itself; FS, GS, TR, LDTR, KERNEL_GS_BASE, STAR, LSTAR, CSTAR,
 * SFMASK and the SYSENTER MSRs are left to VMSAVE/VMLOAD, so the host's
 * go into host_vmcb first and come back before GIF is set again: no
 * interrupt can ever see the guest's TR or GS. RFLAGS.IF is 1 at VMRUN so
 * that, with V_INTR_MASKING, physical interrupts reach the INTR intercept
 * while the guest runs; GIF (cleared here) keeps them off until then.
 */
    .text
    .globl svm_vmrun
svm_vmrun:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi
    push %rdx
    clgi
    mov %rdx, %rax
    vmsave %rax
    mov %rsi, %rax
    vmload %rax
    mov REGS_RBX(%rdi), %rbx
    mov REGS_RCX(%rdi), %rcx
    mov REGS_RDX(%rdi), %rdx
    mov REGS_RSI(%rdi), %rsi
    mov REGS_RBP(%rdi), %rbp
    mov REGS_R8(%rdi), %r8
    mov REGS_R9(%rdi), %r9
    mov REGS_R10(%rdi), %r10
    mov REGS_R11(%rdi), %r11
    mov REGS_R12(%rdi), %r12
    mov REGS_R13(%rdi), %r13
    mov REGS_R14(%rdi), %r14
    mov REGS_R15(%rdi), %r15
    mov REGS_RDI(%rdi), %rdi
    sti
    vmrun %rax
    /* #VMEXIT: RAX and RSP are the host's again, GIF is clear. */
    vmsave %rax
    push %rdi
    mov 16(%rsp), %rdi
    mov %rbx, REGS_RBX(%rdi)
    mov %rcx, REGS_RCX(%rdi)
    mov %rdx, REGS_RDX(%rdi)
    mov %rsi, REGS_RSI(%rdi)
    mov %rbp, REGS_RBP(%rdi)
    mov %r8, REGS_R8(%rdi)
    mov %r9, REGS_R9(%rdi)
    mov %r10, REGS_R10(%rdi)
    mov %r11, REGS_R11(%rdi)
    mov %r12, REGS_R12(%rdi)
    mov %r13, REGS_R13(%rdi)
    mov %r14, REGS_R14(%rdi)
    mov %r15, REGS_R15(%rdi)
    pop %rbx
    mov %rbx, REGS_RDI(%rdi)
    pop %rax
    vmload %rax
    cli
    stgi
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/*
 * hvm_reset_stack(fn, arg): run fn(arg) at the top of this CPU's stack,
 * dropping everything below, as enter_guest_frame does for PV. The HVM
 * loop never returns, and schedule() entered from it must not pile up.
 */
    .globl hvm_reset_stack
hvm_reset_stack:
    mov %rsp, %rax
    and $~(PCPU_BLOCK_SIZE - 1), %rax
    add $(PCPU_STACK_SIZE - CPU_INFO_SIZE), %rax
    and $~15, %rax
    mov %rax, %rsp
    mov %rdi, %rax
    mov %rsi, %rdi
    xor %ebp, %ebp
    push $0
    jmp *%rax

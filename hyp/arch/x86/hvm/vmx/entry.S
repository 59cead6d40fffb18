/* SPDX-License-Identifier: GPL-2.0-only */
/* VMLAUNCH/VMRESUME and the VM-exit stub: the general registers around one guest run. */
#include "asm/vmx.h"
#include "asm-offsets.h"

/*
 * u64 vmx_vmrun(struct cpu_regs *gprs, u64 launched)
 *
 * Called with interrupts off and the big lock released, the vCPU's VMCS
 * current. The CPU switches RSP, RIP, RFLAGS, the control registers, the
 * segment state, EFER, PAT and the SYSENTER MSRs itself, and the MSR lists
 * the syscall MSRs; the other general registers are ours to switch. The
 * host RSP field is written here, just below the saved registers, so
 * that the exit stub finds gprs at the top of its stack. Returns 0 after
 * a VM exit, 1 on VMfailInvalid (no current VMCS) and 2 on VMfailValid
 * (the VM-instruction error field says why): the guest never ran then.
 */
    .text
    .globl vmx_vmrun
vmx_vmrun:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi
    mov $VMCS_HOST_RSP, %eax
    vmwrite %rsp, %rax
    /* ZF from here to the branch: MOV leaves the flags alone. */
    test %rsi, %rsi
    mov REGS_RAX(%rdi), %rax
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
    jnz 1f
    vmlaunch
    jmp 2f
1:  vmresume
    /* Still here: the entry failed, CF for VMfailInvalid, ZF for VMfailValid. */
2:  mov $2, %eax
    jnc 3f
    mov $1, %eax
3:  add $8, %rsp
    jmp vmx_vmrun_ret

/*
 * Host RIP: a VM exit lands here with RSP as vmx_vmrun left it, RFLAGS
 * 0x2 (interrupts off) and the guest's general registers still live.
 */
    .globl vmx_exit_stub
vmx_exit_stub:
    push %rdi
    mov 8(%rsp), %rdi
    mov %rax, REGS_RAX(%rdi)
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
    popq REGS_RDI(%rdi)
    add $8, %rsp
    xor %eax, %eax
vmx_vmrun_ret:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

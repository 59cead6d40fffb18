/* SPDX-License-Identifier: GPL-2.0-only */
/* Trap, interrupt and syscall entry; the return paths to guest and hypervisor. */
#include "asm/layout.h"
#include "asm/x86.h"
#include "asm-offsets.h"
#include "asm/regs.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                        (v) == 21 || (v) == 29 || (v) == 30)

.macro SAVE_GPRS
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rax
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro RESTORE_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rax
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
.endm

/* One 16-byte-aligned stub per vector; the table below lists them. */
    .text
    .align 16
    .globl vector_stubs
vector_stubs:
vec = 0
.rept 256
    .align 16
.if HAS_ERRCODE(vec)
    movl $vec, 4(%rsp)
.else
    push $0
    movl $vec, 4(%rsp)
.endif
    jmp common_entry
vec = vec + 1
.endr

common_entry:
    SAVE_GPRS
    cld
    mov %rsp, %rdi
    xor %ebp, %ebp
    testb $3, REGS_CS(%rsp)
    jz hyp_trap
    /*
     * From the guest: the frame must be the cpu_info's guest_regs. Vectors
     * on an IST stack (#DB, NMI, #MC, #DF) saved it there instead: move it
     * home and leave the IST stack, which the next such vector reuses.
     */
    call guest_frame_home
    mov %rax, %rsp
    mov %rax, %rdi
    call guest_trap
    jmp return_to_guest

hyp_trap:
    /* From the hypervisor itself: keep a frame chain for stack traces. */
    mov REGS_RIP(%rsp), %rax
    push %rax
    push 40(%rsp)                   /* the interrupted rbp (regs->rbp) */
    mov %rsp, %rbp
    call hyp_trap_c
    add $16, %rsp
    RESTORE_GPRS
    add $8, %rsp
    iretq

/*
 * SYSCALL from ring 3 arrives through a per-CPU stub that has stored the
 * guest's RSP in guest_regs.rsp and pointed RSP at that slot; build the
 * rest of the frame as an interrupt would.
 */
    .globl syscall_common
syscall_common:
    movq $FLAT_RING3_SS64_VAL, 8(%rsp)
    push %r11                       /* rflags */
    push $FLAT_RING3_CS64_VAL
    push %rcx                       /* rip */
    push $0
    movl $ENTRY_SYSCALL, 4(%rsp)
    SAVE_GPRS
    cld
    mov %rsp, %rdi
    xor %ebp, %ebp
    call pv_syscall
    test %eax, %eax
    jz return_to_guest
    /* Fast path: nothing but RAX changed, so sysret may return. */
    RESTORE_GPRS
    mov (REGS_RIP - REGS_ERR)(%rsp), %rcx
    mov (REGS_RFLAGS - REGS_ERR)(%rsp), %r11
    mov (REGS_RSP - REGS_ERR)(%rsp), %rsp
    sysretq

    .globl return_to_guest
return_to_guest:
    /* guest_exit() may switch vCPU frames; it returns the frame to load. */
    mov %rsp, %rdi
    call guest_exit
    mov %rax, %rsp
    RESTORE_GPRS
    add $8, %rsp
    .globl iret_to_guest
iret_to_guest:
    iretq
    /*
     * The frame's selectors, RIP or RSP are the guest's: a fault here is
     * the guest's exception, not Vesper's (hyp_trap_c resumes below).
     */
    .section .ex_guest_table, "a"
    .quad iret_to_guest, iret_fault_fixup
    .previous

/*
 * The iretq above faulted. The CPU pushed its frame below the guest's
 * RIP..SS words, which are intact; the general registers hold the guest's
 * values again. Rebuild the guest frame around them and let C deliver the
 * exception hyp_trap_c recorded.
 */
iret_fault_fixup:
    push $0
    SAVE_GPRS
    cld
    mov %rsp, %rdi
    xor %ebp, %ebp
    call guest_iret_fault
    jmp return_to_guest

/* Enter a freshly built guest context: rdi = its frame. */
    .globl enter_guest_frame
enter_guest_frame:
    mov %rdi, %rsp
    jmp return_to_guest

/* Secondary CPUs arrive here from the trampoline: rdi = CR3, rsi = stack. */
    .globl ap_high_entry
ap_high_entry:
    mov %rdi, %cr3
    mov %rsi, %rsp
    xor %ebp, %ebp
    call start_secondary
    ud2

/*
 * Load a guest data selector with fault fixup: edi = 0 ds, 1 es, 2 fs,
 * 3 gs; esi = selector. Returns 1 if loaded, 0 if it faulted (then the
 * register holds the null selector).
 */
    .globl load_sel_safe
load_sel_safe:
    mov $1, %eax
    cmp $1, %edi
    jb 10f
    je 11f
    cmp $2, %edi
    je 12f
13: mov %esi, %gs
    ret
10: mov %esi, %ds
    ret
11: mov %esi, %es
    ret
12: mov %esi, %fs
    ret
19: xor %eax, %eax
    xor %esi, %esi
    cmp $1, %edi
    jb 10b
    je 11b
    cmp $2, %edi
    je 12b
    jmp 13b
    .section .ex_table, "a"
    .quad 10b, 19b
    .quad 11b, 19b
    .quad 12b, 19b
    .quad 13b, 19b
    .previous

/*
 * Guest memory access with fault fixup: returns bytes NOT copied (0 = ok).
 * rdi = dst, rsi = src, rdx = len.
 */
    .globl raw_copy_guest
raw_copy_guest:
    mov %rdx, %rcx
1:  rep movsb
2:  mov %rcx, %rax
    ret
    .section .ex_table, "a"
    .quad 1b, 2b
    .previous

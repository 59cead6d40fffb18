/* SPDX-License-Identifier: MIT */
/* Exception entry stubs for the Xen 64-bit PV bounce frame, and iret. */

#include <public/hypercall.h>
#include <guest/traps.h>

/*
 * On entry RSP points at the bounce frame: RCX, R11, [error code], RIP,
 * CS, RFLAGS, RSP, SS. The hypervisor entered us with sysret, so RCX and
 * R11 hold junk and their real values are the first two slots; popping
 * them leaves a hardware-shaped frame. Vectors without an error code get
 * a zero one so struct trap_frame has a single shape.
 */
.macro TRAP_STUB vec, has_ec
    .globl trap_stub_\vec
    .type trap_stub_\vec, @function
trap_stub_\vec:
    pop     %rcx
    pop     %r11
    .if \has_ec == 0
    push    $0
    .endif
    push    $\vec
    jmp     trap_common
    .size trap_stub_\vec, . - trap_stub_\vec
.endm

    .text
    TRAP_STUB 0, 0
    TRAP_STUB 1, 0
    TRAP_STUB 2, 0
    TRAP_STUB 3, 0
    TRAP_STUB 4, 0
    TRAP_STUB 5, 0
    TRAP_STUB 6, 0
    TRAP_STUB 7, 0
    TRAP_STUB 8, 1
    TRAP_STUB 9, 0
    TRAP_STUB 10, 1
    TRAP_STUB 11, 1
    TRAP_STUB 12, 1
    TRAP_STUB 13, 1
    TRAP_STUB 14, 1
    TRAP_STUB 15, 0
    TRAP_STUB 16, 0
    TRAP_STUB 17, 1
    TRAP_STUB 18, 0
    TRAP_STUB 19, 0

/*
 * The event callback: the same bounce frame as a vector without an error
 * code, entered with events masked (the saved mask is in the frame's
 * RFLAGS.IF, which HYPERVISOR_iret puts back).
 */
    .globl hypervisor_callback
    .type hypervisor_callback, @function
hypervisor_callback:
    pop     %rcx
    pop     %r11
    push    $0
    push    $TRAP_VEC_UPCALL
    jmp     trap_common
    .size hypervisor_callback, . - hypervisor_callback

/*
 * The failsafe callback: RCX, R11, then the DS, ES, FS and GS values the
 * hypervisor failed to load, then RIP, CS, RFLAGS, RSP, SS. Drop the four
 * selectors so the frame has the usual shape.
 */
    .globl failsafe_callback
    .type failsafe_callback, @function
failsafe_callback:
    pop     %rcx
    pop     %r11
    add     $32, %rsp
    push    $0
    push    $TRAP_VEC_FAILSAFE
    jmp     trap_common
    .size failsafe_callback, . - failsafe_callback

/* Stub addresses by vector, for the trap table built in C. */
    .section .rodata
    .p2align 3
    .globl trap_stubs
trap_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19
    .quad trap_stub_\v
    .endr

    .text
/*
 * Save every GPR plus a cr2 slot (filled in C) so the layout is exactly
 * struct trap_frame; handlers may edit any field, including RIP and RSP,
 * and the edited values are what we return with.
 */
trap_common:
    push    %rdi
    push    %rsi
    push    %rdx
    push    %rcx
    push    %rax
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    $0              /* cr2 slot */
    mov     %rsp, %rdi
    /* The frame's alignment depends on the error code; C wants 16. */
    mov     %rsp, %rbx
    and     $-16, %rsp
    /*
     * The bounce frame keeps the interrupted RFLAGS, DF included (Xen
     * clears it only for syscall); C code must start with DF clear. The
     * frame's copy comes back with the iret.
     */
    cld
    call    trap_dispatch
    mov     %rbx, %rsp
    add     $8, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rax
    pop     %rcx
    pop     %rdx
    pop     %rsi
    pop     %rdi
    /*
     * RSP -> vector, error code, RIP, CS, RFLAGS, RSP, SS. The iret
     * hypercall wants RAX, R11, RCX, flags below RIP: reuse the error code
     * slot as flags (0: not in a syscall, so RCX/R11 are restored) and let
     * the stub push the other three.
     */
    movq    $0, 8(%rsp)
    add     $8, %rsp
    cmpb    $0, trap_iret_raw(%rip)
    jne     1f
    jmp     hypercall_page + __HYPERVISOR_iret * 32
1:  push    %rcx
    push    %r11
    push    %rax
    mov     $__HYPERVISOR_iret, %eax
    syscall
    /* iret does not return; a failed one lands here. */
    ud2
    .size trap_common, . - trap_common

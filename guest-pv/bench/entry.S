/* SPDX-License-Identifier: MIT */
/* Benchmark guest: the event-upcall entry and the page-fault probe. */

#include <public/hypercall.h>

    .text
/*
 * Event callback. The hypervisor enters with RSP at the 64-bit PV bounce
 * frame: RCX, R11, RIP, CS, RFLAGS, RSP, SS (no error code) and events
 * masked. Restore the interrupted RCX/R11, save the rest of the
 * caller-saved registers, run the C handler, then return through
 * HYPERVISOR_iret, which wants RAX, R11, RCX, flags under RIP; the page's
 * iret stub pushes the first three, we push flags (0: not a syscall
 * return, so RCX and R11 come back from the frame).
 */
    .globl bench_upcall_entry
    .type bench_upcall_entry, @function
bench_upcall_entry:
    pop     %rcx
    pop     %r11
    push    %rax
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbx
    mov     %rsp, %rbx
    and     $-16, %rsp
    call    bench_upcall
    mov     %rbx, %rsp
    pop     %rbx
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rax
    push    $0
    jmp     hypercall_page + __HYPERVISOR_iret * 32
    .size bench_upcall_entry, . - bench_upcall_entry

/*
 * Read the qword at RDI. When that faults, the #PF handler moves RIP from
 * bench_pf_insn to bench_pf_resume and the read is skipped.
 */
    .globl bench_pf_touch, bench_pf_insn, bench_pf_resume
    .type bench_pf_touch, @function
bench_pf_touch:
    xor     %eax, %eax
bench_pf_insn:
    mov     (%rdi), %rax
bench_pf_resume:
    ret
    .size bench_pf_touch, . - bench_pf_touch

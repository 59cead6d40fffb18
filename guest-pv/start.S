/* SPDX-License-Identifier: MIT */
/* Guest entry point, Xen ELF notes and the hypercall page of an SDK guest. */

#include <public/elfnote.h>
#include <guest/abi-missing.h>

/*
 * One note: name "Xen", a 32-bit type, then the descriptor. The builder
 * reads them from the PT_NOTE segment the linker script makes of .note.Xen.
 * gas strips the quotes from macro arguments, so strings get their own
 * macro that puts them back.
 */
.macro XEN_NOTE_HEAD type
    .pushsection .note.Xen, "a", @note
    .p2align 2
    .long 2f - 1f           /* namesz */
    .long 4f - 3f           /* descsz */
    .long \type
1:  .asciz "Xen"
2:  .p2align 2
3:
.endm

.macro XEN_NOTE_TAIL
4:  .p2align 2
    .popsection
.endm

.macro XEN_NOTE type, kind, value
    XEN_NOTE_HEAD \type
    \kind \value
    XEN_NOTE_TAIL
.endm

.macro XEN_NOTE_STR type, str
    XEN_NOTE_HEAD \type
    .asciz "\str"
    XEN_NOTE_TAIL
.endm

    XEN_NOTE_STR XEN_ELFNOTE_GUEST_OS,      "vesper-guest"
    XEN_NOTE_STR XEN_ELFNOTE_GUEST_VERSION, "0.1"
    XEN_NOTE_STR XEN_ELFNOTE_XEN_VERSION,   "xen-3.0"
    XEN_NOTE_STR XEN_ELFNOTE_LOADER,        "generic"
    XEN_NOTE XEN_ELFNOTE_VIRT_BASE,      .quad, 0xffffffff80000000
    XEN_NOTE XEN_ELFNOTE_PADDR_OFFSET,   .quad, 0
    XEN_NOTE XEN_ELFNOTE_ENTRY,          .quad, _start
    XEN_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
    /*
     * We change page tables only through hypercalls, so we neither need
     * nor ask for writable page tables; the only feature we claim is that
     * we can run as the hardware domain, which Xen insists on for dom0.
     */
    XEN_NOTE_STR XEN_ELFNOTE_FEATURES,   "dom0"
    XEN_NOTE XEN_ELFNOTE_SUPPORTED_FEATURES, .long, (1 << XENFEAT_dom0)

    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    /*
     * RSI holds the start_info address; the builder's stack is fine but
     * we want a known size, so switch first. The bss (which holds the new
     * stack) is cleared with string ops only, before anything is pushed.
     */
    cld
    lea     boot_stack_top(%rip), %rsp
    lea     __bss_start(%rip), %rdi
    lea     __bss_end(%rip), %rcx
    sub     %rdi, %rcx
    xor     %eax, %eax
    rep stosb
    mov     %rsi, %rdi
    xor     %ebp, %ebp
    call    guest_start
    /* guest_start never returns; stop here if it ever does. */
1:  ud2
    jmp     1b
    .size _start, . - _start

/*
 * The hypervisor overwrites this page with 128 32-byte call stubs. We fill
 * it with int3 so an unfilled page is both detectable (setup checks the
 * first byte) and fatal rather than silently returning garbage.
 */
    .section .hypercall_page, "ax"
    .p2align 12
    .globl hypercall_page
    .type hypercall_page, @object
hypercall_page:
    .fill 4096, 1, 0xcc
    .size hypercall_page, 4096

/*
 * Aligned to its size: the SDK finds the running vCPU's struct guest_cpu
 * at the base of the current stack (guest/smp.h), id 0 here after the
 * bss is cleared.
 */
    .section .bss.page_aligned, "aw", @nobits
    .p2align 14
    .globl boot_stack
boot_stack:
    .skip 16384
boot_stack_top:

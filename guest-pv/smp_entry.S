/* SPDX-License-Identifier: MIT */
/* First instructions of a secondary vCPU started by vcpu_start(). */

/*
 * VCPUOP_initialise left RSP at the top of this vCPU's stack (16-byte
 * aligned) and its id in RDI; the call makes the usual C frame.
 */
    .text
    .globl ap_entry
    .type ap_entry, @function
ap_entry:
    cld
    xor     %ebp, %ebp
    call    ap_start
1:  ud2
    jmp     1b
    .size ap_entry, . - ap_entry

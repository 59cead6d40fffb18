/* SPDX-License-Identifier: MIT */
/* Exception handling: the trap frame and per-vector C handlers. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#define TRAP_NR_VECTORS 20

/*
 * Pseudo-vectors in trap_frame.vector for the two callbacks (traps.S):
 * the event upcall goes to trap_upcall_hook (set by events_init), the
 * failsafe callback to the handler installed for TRAP_VEC_FAILSAFE (the
 * bounce frame's DS/ES/FS/GS words are dropped), or ends the test.
 */
#define TRAP_VEC_UPCALL 32
#define TRAP_VEC_FAILSAFE 33

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * What traps.S saves, lowest address first. rcx and r11 are the values
 * the bounce frame carried (the interrupted ones); vector and error_code
 * are pushed by the stub (error_code 0 for vectors without one); rip..ss
 * are the bounce frame's. cs keeps all 64 bits: bits 32-39 hold the saved
 * event-upcall mask.
 */
struct trap_frame {
    uint64_t cr2; /* #PF only: vcpu_info.arch.cr2 at entry, else 0 */
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * A handler returns nonzero when it dealt with the exception; the guest
 * then resumes with the (possibly edited) frame through HYPERVISOR_iret.
 * Returning 0 reports the exception as unhandled, which ends the test.
 */
typedef int (*trap_handler_t)(struct trap_frame *frame);

/* Install (or with NULL remove) the handler for vector, 0..19 or failsafe. */
void trap_set_handler(unsigned int vector, trap_handler_t handler);

/* Load our trap table for vectors 0..19 (done by guest setup). */
long traps_init(void);

/* Event upcall dispatcher, called with events masked; NULL: ignore. */
extern void (*trap_upcall_hook)(struct trap_frame *frame);

/* When nonzero, return from traps by raw syscall instead of the page. */
extern volatile uint8_t trap_iret_raw;

/* Print a frame, one register group per line. */
void trap_dump(const struct trap_frame *frame);

#endif /* !__ASSEMBLY__ */

#endif /* GUEST_TRAPS_H */

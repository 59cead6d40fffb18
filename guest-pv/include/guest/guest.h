/* SPDX-License-Identifier: MIT */
/* Guest SDK core: boot information, shared_info, and shutdown. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <guest/abi.h>
#include <guest/console.h>
#include <guest/hypercall.h>
#include <guest/string.h>
#include <guest/traps.h>

/* start_info as the builder passed it in RSI. */
extern struct start_info *start_info;

/*
 * shared_info mapped into our image at setup, or NULL if that failed
 * (setup then prints why).
 */
extern struct shared_info *shared_info;

/* The first program-supplied function: tests get it from test.c. */
void guest_main(void);

/* SCHEDOP_shutdown with reason; never returns (spins if the call does). */
__attribute__((noreturn)) void guest_shutdown(unsigned int reason);

/* The running vCPU's vcpu_info.arch.cr2, or 0 when shared_info is not mapped. */
uint64_t guest_cr2(void);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* GUEST_GUEST_H */

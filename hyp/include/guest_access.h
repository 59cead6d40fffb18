/* SPDX-License-Identifier: GPL-2.0-only */
/* The only way hypercall handlers touch guest memory. */
#ifndef VESPER_GUEST_ACCESS_H
#define VESPER_GUEST_ACCESS_H

#include "types.h"

/*
 * Copy between hypervisor memory and the current vCPU's guest virtual
 * addresses. Both return 0 or -EFAULT: an address in the hypervisor range,
 * a non-canonical one, or a fault on any byte fails the whole call (bytes
 * before the fault may have been copied).
 */
int copy_from_guest(void *dst, u64 guest_va, size_t len);
int copy_to_guest(u64 guest_va, const void *src, size_t len);

/* Is [va, va+len) wholly outside the hypervisor's reserved range? */
bool guest_range_ok(u64 va, size_t len);

#endif

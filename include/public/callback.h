/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_callback_op: where the hypervisor enters the guest kernel. */
#ifndef VESPER_PUBLIC_CALLBACK_H
#define VESPER_PUBLIC_CALLBACK_H

#include "vesper.h"

/*
 * HYPERVISOR_callback_op(cmd, arg) registers the guest's entry points for
 * asynchronous events, for a failed return to the guest (failsafe), and for
 * SYSCALL and SYSENTER from guest user mode.
 */
#define CALLBACKTYPE_event 0
#define CALLBACKTYPE_failsafe 1
#define CALLBACKTYPE_syscall 2             /* 64-bit SYSCALL from user mode */
#define CALLBACKTYPE_sysenter_deprecated 3 /* old number, do not use */
#define CALLBACKTYPE_nmi 4
#define CALLBACKTYPE_sysenter 5
#define CALLBACKTYPE_syscall32 7 /* 32-bit SYSCALL from compat user mode */

/* Set events masked (evtchn_upcall_mask = 1) when entering the callback. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register 0   /* struct callback_register */
#define CALLBACKOP_unregister 1 /* struct callback_unregister */

#ifndef __ASSEMBLY__

struct callback_register {
    uint16_t type;  /* CALLBACKTYPE_* */
    uint16_t flags; /* CALLBACKF_* */
    uint32_t _pad0;
    xen_callback_t address; /* guest virtual address of the entry point */
};
typedef struct callback_register callback_register_t;

/* Only the NMI callback can be unregistered. */
struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;

VESPER_ABI_SIZE(callback_register, 16);
VESPER_ABI_OFFSET(callback_register, type, 0);
VESPER_ABI_OFFSET(callback_register, flags, 2);
VESPER_ABI_OFFSET(callback_register, address, 8);
VESPER_ABI_SIZE(callback_unregister, 4);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_CALLBACK_H */

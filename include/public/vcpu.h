/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_vcpu_op: bringing vCPUs up, their timers and shared areas. */
#ifndef VESPER_PUBLIC_VCPU_H
#define VESPER_PUBLIC_VCPU_H

#include "vesper.h"

/*
 * HYPERVISOR_vcpu_op(cmd, vcpuid, arg). Commands other than initialise,
 * up and the register_* ones act on the calling vCPU or a vCPU of the
 * calling domain; the comment names the argument structure.
 */
#define VCPUOP_initialise 0        /* vcpu_guest_context: set initial state */
#define VCPUOP_up 1                /* none: start an initialised vCPU */
#define VCPUOP_down 2              /* none: stop it */
#define VCPUOP_is_up 3             /* none: returns 1 if running */
#define VCPUOP_get_runstate_info 4 /* vcpu_runstate_info (out) */
#define VCPUOP_register_runstate_memory_area 5 /* ..._runstate_memory_area */
#define VCPUOP_set_periodic_timer 6            /* vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer 7           /* none */
#define VCPUOP_set_singleshot_timer 8          /* vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9         /* none */
#define VCPUOP_register_vcpu_info 10           /* vcpu_register_vcpu_info */
#define VCPUOP_send_nmi 11                     /* none */
#define VCPUOP_get_physid 12 /* vcpu_get_physid (privileged) */
#define VCPUOP_register_vcpu_time_memory_area 13 /* ..._time_memory_area */

/* vcpu_runstate_info.state */
#define RUNSTATE_running 0  /* on a physical CPU */
#define RUNSTATE_runnable 1 /* wants to run, waiting for a CPU */
#define RUNSTATE_blocked 2  /* waiting for an event */
#define RUNSTATE_offline 3  /* down, or paused by the toolstack */

/*
 * With VMASST_TYPE_runstate_update_flag enabled, the hypervisor sets this
 * bit in state_entry_time while it rewrites a registered runstate area.
 */
#define XEN_RUNSTATE_UPDATE (xen_mk_ulong(1) << 63)

/* vcpu_set_singleshot_timer.flags: fail with -ETIME if already past. */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future (1U << _VCPU_SSHOTTMR_future)

#ifndef __ASSEMBLY__

/* Time (ns) a vCPU has spent in each RUNSTATE_*. */
struct vcpu_runstate_info {
    int32_t state;
    uint32_t _pad0;
    uint64_t state_entry_time; /* system time the state was entered */
    uint64_t time[4];          /* indexed by RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

/*
 * Ask the hypervisor to keep a copy of the runstate at this guest virtual
 * address, refreshed on every context switch.
 */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        struct vcpu_runstate_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area
    vcpu_register_runstate_memory_area_t;

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* absolute system time */
    uint32_t flags;          /* VCPU_SSHOTTMR_* */
    uint32_t _pad0;
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

/*
 * Move this vCPU's vcpu_info out of shared_info to machine frame mfn at
 * offset. The 64 bytes must not cross a page boundary.
 */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd; /* must be zero */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

/* Physical CPU identity: APIC id in bits 0-31, ACPI id in bits 32-63. */
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/* Like the runstate area, for a secondary copy of vcpu_time_info. */
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        struct vcpu_time_info *v;
        uint64_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

VESPER_ABI_SIZE(vcpu_runstate_info, 48);
VESPER_ABI_OFFSET(vcpu_runstate_info, state, 0);
VESPER_ABI_OFFSET(vcpu_runstate_info, state_entry_time, 8);
VESPER_ABI_OFFSET(vcpu_runstate_info, time, 16);
VESPER_ABI_SIZE(vcpu_register_runstate_memory_area, 8);
VESPER_ABI_SIZE(vcpu_set_periodic_timer, 8);
VESPER_ABI_SIZE(vcpu_set_singleshot_timer, 16);
VESPER_ABI_OFFSET(vcpu_set_singleshot_timer, flags, 8);
VESPER_ABI_SIZE(vcpu_register_vcpu_info, 16);
VESPER_ABI_OFFSET(vcpu_register_vcpu_info, offset, 8);
VESPER_ABI_OFFSET(vcpu_register_vcpu_info, rsvd, 12);
VESPER_ABI_SIZE(vcpu_get_physid, 8);
VESPER_ABI_SIZE(vcpu_register_time_memory_area, 8);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_VCPU_H */

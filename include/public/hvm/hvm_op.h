/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_hvm_op: HVM parameters and the other HVM guest/toolstack calls. */
#ifndef VESPER_PUBLIC_HVM_HVM_OP_H
#define VESPER_PUBLIC_HVM_HVM_OP_H

#include "../vesper.h"

/*
 * HYPERVISOR_hvm_op(cmd, arg): arg points at the structure named after the
 * command. An HVM guest uses it for its own parameters (where xenstore and
 * the console live, how event upcalls arrive); the toolstack and device
 * models use it on other domains.
 *
 * Numbers 2-4, 6-8, 14 and 16-22 were device-model calls (IRQ levels,
 * dirty VRAM, memory types, event and MSI injection, ioreq servers) that
 * moved to dm_op in Xen 4.9. A caller built for Xen 4.17 never issues
 * them, so they stay unassigned here.
 */
#define HVMOP_set_param 0                 /* xen_hvm_param */
#define HVMOP_get_param 1                 /* xen_hvm_param */
#define HVMOP_flush_tlbs 5                /* arg must be NULL */
#define HVMOP_pagetable_dying 9           /* xen_hvm_pagetable_dying */
#define HVMOP_get_time 10                 /* xen_hvm_get_time */
#define HVMOP_xentrace 11                 /* xen_hvm_xentrace */
#define HVMOP_set_mem_access 12           /* tools; XENMEM_access_op now */
#define HVMOP_get_mem_access 13           /* tools; XENMEM_access_op now */
#define HVMOP_get_mem_type 15             /* xen_hvm_get_mem_type */
#define HVMOP_set_evtchn_upcall_vector 23 /* xen_hvm_evtchn_upcall_vector */
#define HVMOP_guest_request_vm_event 24   /* arg must be NULL */
#define HVMOP_altp2m 25                   /* xen_hvm_altp2m_op */

/* xen_hvm_altp2m_op.version must equal this. */
#define HVMOP_ALTP2M_INTERFACE_VERSION 0x00000001

/*
 * create_ioreq_server.handle_bufioreq (dm_op.h). With ATOMIC the emulator
 * promises to update read_pointer with an atomic operation and to read
 * the two pointers together as one 64-bit word; in return the hypervisor
 * may rebase both with a single 64-bit compare-and-swap instead of
 * letting them grow until they wrap. LEGACY makes no such promise.
 */
#define HVM_IOREQSRV_BUFIOREQ_OFF 0    /* synchronous requests only */
#define HVM_IOREQSRV_BUFIOREQ_LEGACY 1 /* buffered ring */
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC 2 /* buffered ring, atomic pointers */

/*
 * Bytes of payload in a trace record: 7 32-bit words, as TRACE_EXTRA_MAX
 * in Xen's trace.h, which Vesper does not publish.
 */
#define VESPER_HVM_XENTRACE_EXTRA_BYTES (7 * 4)

#ifndef __ASSEMBLY__

/* HVMOP_set_param / HVMOP_get_param: index is HVM_PARAM_* (params.h). */
struct xen_hvm_param {
    domid_t domid; /* in: DOMID_SELF or a domain the caller controls */
    uint16_t pad;
    uint32_t index; /* in: HVM_PARAM_* */
    uint64_t value; /* in for set, out for get */
};
typedef struct xen_hvm_param xen_hvm_param_t;

/*
 * The p2m type of a guest frame, as set_mem_type (dm_op.h) and
 * HVMOP_get_mem_type use it. Xen passes it in 16-bit fields; the enum is
 * only for naming the values. HVMMEM_unused stands where a type retired
 * in Xen 4.7 used to be and may not be set.
 */
typedef enum {
    HVMMEM_ram_rw,      /* ordinary RAM */
    HVMMEM_ram_ro,      /* reads as RAM, writes are dropped */
    HVMMEM_mmio_dm,     /* every access goes to the device model */
    HVMMEM_unused,      /* placeholder; refused */
    HVMMEM_ioreq_server /* accesses go to the ioreq server that claimed it */
} hvmmem_type_t;

/*
 * A PV-on-HVM kernel is about to free the top-level page table at gpa,
 * so the hypervisor can stop shadowing it early.
 */
struct xen_hvm_pagetable_dying {
    domid_t domid; /* in */
    uint16_t pad[3];
    uint64_t gpa; /* in */
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;

/* Hypervisor system time, nanoseconds since boot. */
struct xen_hvm_get_time {
    uint64_t now; /* out */
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;

/* A trace record emitted on the guest's behalf. */
struct xen_hvm_xentrace {
    uint16_t event;       /* in */
    uint16_t extra_bytes; /* in: bytes of extra in use */
    uint8_t extra[VESPER_HVM_XENTRACE_EXTRA_BYTES];
};
typedef struct xen_hvm_xentrace xen_hvm_xentrace_t;

/* The p2m type (hvmmem_type_t) of pfn in domid. */
struct xen_hvm_get_mem_type {
    domid_t domid;     /* in */
    uint16_t mem_type; /* out: hvmmem_type_t */
    uint16_t pad[2];
    uint64_t pfn; /* in */
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;

/*
 * Deliver vcpu's event upcalls as a plain interrupt on vector instead of
 * through HVM_PARAM_CALLBACK_IRQ, so each vCPU can take its own (the
 * per-vCPU form of HVM_PARAM_CALLBACK_TYPE_VECTOR). Xen's layout ends
 * with 3 bytes of implicit tail padding; ours names them.
 */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;  /* in */
    uint8_t vector; /* in: 0x10..0xff */
    uint8_t _pad0[3];
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;

/* ---------------------------------------------------------- layout pins */

VESPER_ABI_SIZE(xen_hvm_param, 16);
VESPER_ABI_OFFSET(xen_hvm_param, domid, 0);
VESPER_ABI_OFFSET(xen_hvm_param, index, 4);
VESPER_ABI_OFFSET(xen_hvm_param, value, 8);

VESPER_ABI_SIZE(xen_hvm_pagetable_dying, 16);
VESPER_ABI_OFFSET(xen_hvm_pagetable_dying, gpa, 8);

VESPER_ABI_SIZE(xen_hvm_get_time, 8);

VESPER_ABI_SIZE(xen_hvm_xentrace, 32);
VESPER_ABI_OFFSET(xen_hvm_xentrace, extra_bytes, 2);
VESPER_ABI_OFFSET(xen_hvm_xentrace, extra, 4);

VESPER_ABI_SIZE(xen_hvm_get_mem_type, 16);
VESPER_ABI_OFFSET(xen_hvm_get_mem_type, mem_type, 2);
VESPER_ABI_OFFSET(xen_hvm_get_mem_type, pfn, 8);

VESPER_ABI_SIZE(xen_hvm_evtchn_upcall_vector, 8);
VESPER_ABI_OFFSET(xen_hvm_evtchn_upcall_vector, vector, 4);

/* The p2m types travel in uint16_t fields and as an ABI enum, int-sized. */
VESPER_ABI_ASSERT(HVMMEM_ioreq_server == 4, hvmmem_ioreq_server);
VESPER_ABI_ASSERT(sizeof(hvmmem_type_t) == 4, hvmmem_type_size);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_HVM_HVM_OP_H */

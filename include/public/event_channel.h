/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_event_channel_op: creating, binding and signalling ports. */
#ifndef VESPER_PUBLIC_EVENT_CHANNEL_H
#define VESPER_PUBLIC_EVENT_CHANNEL_H

#include "vesper.h"

/*
 * HYPERVISOR_event_channel_op(cmd, arg): arg points at the structure named
 * after the command. An event channel is a numbered port in a domain; its
 * pending and mask bits live in shared_info (2-level ABI) and a send sets
 * the peer's pending bit and, if unmasked, raises an upcall.
 */
#define EVTCHNOP_bind_interdomain 0 /* evtchn_bind_interdomain */
#define EVTCHNOP_bind_virq 1        /* evtchn_bind_virq */
#define EVTCHNOP_bind_pirq 2        /* evtchn_bind_pirq */
#define EVTCHNOP_close 3            /* evtchn_close */
#define EVTCHNOP_send 4             /* evtchn_send */
#define EVTCHNOP_status 5           /* evtchn_status */
#define EVTCHNOP_alloc_unbound 6    /* evtchn_alloc_unbound */
#define EVTCHNOP_bind_ipi 7         /* evtchn_bind_ipi */
#define EVTCHNOP_bind_vcpu 8        /* evtchn_bind_vcpu */
#define EVTCHNOP_unmask 9           /* evtchn_unmask */
#define EVTCHNOP_reset 10           /* evtchn_reset */
#define EVTCHNOP_init_control 11    /* evtchn_init_control (FIFO ABI) */
#define EVTCHNOP_expand_array 12    /* evtchn_expand_array (FIFO ABI) */
#define EVTCHNOP_set_priority 13    /* evtchn_set_priority (FIFO ABI) */

/* evtchn_status.status */
#define EVTCHNSTAT_closed 0      /* port not in use */
#define EVTCHNSTAT_unbound 1     /* waiting for a remote domain to bind */
#define EVTCHNSTAT_interdomain 2 /* connected to a remote port */
#define EVTCHNSTAT_pirq 3        /* bound to a physical IRQ */
#define EVTCHNSTAT_virq 4        /* bound to a VIRQ_* */
#define EVTCHNSTAT_ipi 5         /* bound as an IPI */

/* evtchn_bind_pirq.flags */
#define BIND_PIRQ__WILL_SHARE 1

/* Ports in the 2-level ABI: one bit of evtchn_pending per port. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* FIFO ABI constants (EVTCHNOP_init_control and friends). */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED 30
#define EVTCHN_FIFO_LINKED 29
#define EVTCHN_FIFO_BUSY 28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/* Make a port that domain remote_dom may later bind to. dom: DOMID_SELF. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom; /* in */
    evtchn_port_t port;      /* out */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to an unbound port of another domain. */
struct evtchn_bind_interdomain {
    domid_t remote_dom; /* in */
    uint16_t _pad0;
    evtchn_port_t remote_port; /* in */
    evtchn_port_t local_port;  /* out */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/* Bind a VIRQ_* on one vCPU to a new port. */
struct evtchn_bind_virq {
    uint32_t virq;      /* in */
    uint32_t vcpu;      /* in */
    evtchn_port_t port; /* out */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* Bind a physical IRQ the domain has access to. */
struct evtchn_bind_pirq {
    uint32_t pirq;      /* in */
    uint32_t flags;     /* in: BIND_PIRQ__* */
    evtchn_port_t port; /* out */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* A port for inter-vCPU notifications, delivered to vcpu. */
struct evtchn_bind_ipi {
    uint32_t vcpu;      /* in */
    evtchn_port_t port; /* out */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port; /* in */
};
typedef struct evtchn_close evtchn_close_t;

struct evtchn_send {
    evtchn_port_t port; /* in */
};
typedef struct evtchn_send evtchn_send_t;

/* Query a port of dom (DOMID_SELF, or any domain for a privileged caller). */
struct evtchn_status {
    domid_t dom; /* in */
    uint16_t _pad0;
    evtchn_port_t port; /* in */
    uint32_t status;    /* out: EVTCHNSTAT_* */
    uint32_t vcpu;      /* out: vCPU notified */
    union {
        struct {
            domid_t dom;
        } unbound; /* EVTCHNSTAT_unbound */
        struct {
            domid_t dom;
            uint16_t _pad0;
            evtchn_port_t port;
        } interdomain; /* EVTCHNSTAT_interdomain */
        uint32_t pirq; /* EVTCHNSTAT_pirq */
        uint32_t virq; /* EVTCHNSTAT_virq */
    } u;
};
typedef struct evtchn_status evtchn_status_t;

/* Deliver port's notifications to another vCPU from now on. */
struct evtchn_bind_vcpu {
    evtchn_port_t port; /* in */
    uint32_t vcpu;      /* in */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Clear port's mask bit and raise an upcall if it is pending. */
struct evtchn_unmask {
    evtchn_port_t port; /* in */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom; /* in */
};
typedef struct evtchn_reset evtchn_reset_t;

/* Switch to the FIFO ABI, giving vcpu its control block. */
struct evtchn_init_control {
    uint64_t control_gfn; /* in */
    uint32_t offset;      /* in: of the control block within the frame */
    uint32_t vcpu;        /* in */
    uint8_t link_bits;    /* out */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* Add one more page of FIFO event words. */
struct evtchn_expand_array {
    uint64_t array_gfn; /* in */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port; /* in */
    uint32_t priority;  /* in: EVTCHN_FIFO_PRIORITY_* range */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* The argument of the obsolete event_channel_op_compat hypercall. */
struct evtchn_op {
    uint32_t cmd; /* EVTCHNOP_* */
    union {
        struct evtchn_alloc_unbound alloc_unbound;
        struct evtchn_bind_interdomain bind_interdomain;
        struct evtchn_bind_virq bind_virq;
        struct evtchn_bind_pirq bind_pirq;
        struct evtchn_bind_ipi bind_ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_bind_vcpu bind_vcpu;
        struct evtchn_unmask unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;

/* FIFO ABI shared structures. */
typedef uint32_t event_word_t;

struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

VESPER_ABI_SIZE(evtchn_alloc_unbound, 8);
VESPER_ABI_OFFSET(evtchn_alloc_unbound, dom, 0);
VESPER_ABI_OFFSET(evtchn_alloc_unbound, remote_dom, 2);
VESPER_ABI_OFFSET(evtchn_alloc_unbound, port, 4);
VESPER_ABI_SIZE(evtchn_bind_interdomain, 12);
VESPER_ABI_OFFSET(evtchn_bind_interdomain, remote_dom, 0);
VESPER_ABI_OFFSET(evtchn_bind_interdomain, remote_port, 4);
VESPER_ABI_OFFSET(evtchn_bind_interdomain, local_port, 8);
VESPER_ABI_SIZE(evtchn_bind_virq, 12);
VESPER_ABI_OFFSET(evtchn_bind_virq, virq, 0);
VESPER_ABI_OFFSET(evtchn_bind_virq, vcpu, 4);
VESPER_ABI_OFFSET(evtchn_bind_virq, port, 8);
VESPER_ABI_SIZE(evtchn_bind_pirq, 12);
VESPER_ABI_OFFSET(evtchn_bind_pirq, pirq, 0);
VESPER_ABI_OFFSET(evtchn_bind_pirq, flags, 4);
VESPER_ABI_OFFSET(evtchn_bind_pirq, port, 8);
VESPER_ABI_SIZE(evtchn_bind_ipi, 8);
VESPER_ABI_OFFSET(evtchn_bind_ipi, vcpu, 0);
VESPER_ABI_OFFSET(evtchn_bind_ipi, port, 4);
VESPER_ABI_SIZE(evtchn_close, 4);
VESPER_ABI_SIZE(evtchn_send, 4);
VESPER_ABI_SIZE(evtchn_status, 24);
VESPER_ABI_OFFSET(evtchn_status, dom, 0);
VESPER_ABI_OFFSET(evtchn_status, port, 4);
VESPER_ABI_OFFSET(evtchn_status, status, 8);
VESPER_ABI_OFFSET(evtchn_status, vcpu, 12);
VESPER_ABI_OFFSET(evtchn_status, u.unbound.dom, 16);
VESPER_ABI_OFFSET(evtchn_status, u.interdomain.dom, 16);
VESPER_ABI_OFFSET(evtchn_status, u.interdomain.port, 20);
VESPER_ABI_OFFSET(evtchn_status, u.pirq, 16);
VESPER_ABI_OFFSET(evtchn_status, u.virq, 16);
VESPER_ABI_SIZE(evtchn_bind_vcpu, 8);
VESPER_ABI_OFFSET(evtchn_bind_vcpu, vcpu, 4);
VESPER_ABI_SIZE(evtchn_unmask, 4);
VESPER_ABI_SIZE(evtchn_reset, 2);
VESPER_ABI_SIZE(evtchn_init_control, 24);
VESPER_ABI_OFFSET(evtchn_init_control, control_gfn, 0);
VESPER_ABI_OFFSET(evtchn_init_control, offset, 8);
VESPER_ABI_OFFSET(evtchn_init_control, vcpu, 12);
VESPER_ABI_OFFSET(evtchn_init_control, link_bits, 16);
VESPER_ABI_SIZE(evtchn_expand_array, 8);
VESPER_ABI_SIZE(evtchn_set_priority, 8);
VESPER_ABI_OFFSET(evtchn_set_priority, priority, 4);
VESPER_ABI_SIZE(evtchn_op, 28);
VESPER_ABI_OFFSET(evtchn_op, u, 4);
VESPER_ABI_SIZE(evtchn_fifo_control_block, 72);
VESPER_ABI_OFFSET(evtchn_fifo_control_block, head, 8);

/* The 2-level bitmaps in shared_info must cover exactly these ports. */
VESPER_ABI_ASSERT(EVTCHN_2L_NR_CHANNELS == 4096, evtchn_2l_nr_channels);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_EVENT_CHANNEL_H */

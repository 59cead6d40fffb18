/* SPDX-License-Identifier: MIT */
/* Event channels: upcall entry, 2-level and FIFO dispatch, EVTCHNOP wrappers. */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <guest/guest.h>

/*
 * events_init() registers the upcall entry (CALLBACKTYPE_event) and the
 * failsafe callback for the calling vCPU; secondary vCPUs started with
 * vcpu_start() do the same for themselves. Events stay masked
 * (evtchn_upcall_mask = 1, as the builder leaves it) until events_enable().
 *
 * On an upcall the SDK clears evtchn_upcall_pending, finds the pending,
 * unmasked ports bound to this vCPU (2-level: selector and bitmaps in
 * shared_info; FIFO: the control block's READY queues by priority),
 * clears each port's pending bit and calls its handler with events masked.
 */
typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);

#define EVTCHN_SDK_PORTS 4096 /* ports the SDK keeps handlers for */

long events_init(void);
/* The same for a secondary vCPU (called on that vCPU by smp.c). */
long events_init_cpu(void);

/* Handler for port; the handler runs on the vCPU the port is bound to. */
void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *data);
/* Upcalls delivered per port and per vCPU, for tests. */
extern volatile uint32_t evtchn_deliveries[EVTCHN_SDK_PORTS];
extern volatile uint32_t evtchn_upcalls[]; /* indexed by vCPU */
/* Pending ports that had no handler (cleared and dropped). */
extern volatile uint32_t evtchn_spurious;

/*
 * For tests: wait up to 100 ms for *count (a handler's counter) to reach
 * want, then 20 ms more so deliveries beyond want show too; returns *count.
 */
uint32_t events_settle(const volatile uint32_t *count, uint32_t want);

/* EVTCHNOP wrappers: return the hypercall result (0 or -XEN_E*). */
long evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port);
long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
                             evtchn_port_t *local_port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
long evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st);
long evtchn_unmask_op(evtchn_port_t port); /* EVTCHNOP_unmask */
long evtchn_reset(domid_t dom);
long evtchn_set_priority(evtchn_port_t port, uint32_t priority);

/*
 * Local port state, in shared_info (2-level) or the event array (FIFO).
 * evtchn_unmask() is the guest-side path Linux takes: clear the mask bit
 * and, when the port is pending, make the upcall happen (2-level: set the
 * selector and upcall_pending ourselves and force delivery with a null
 * hypercall; FIFO: EVTCHNOP_unmask, since only the hypervisor may link
 * the port into a queue).
 */
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);
int evtchn_is_pending(evtchn_port_t port);
int evtchn_is_masked(evtchn_port_t port);
void evtchn_clear_pending(evtchn_port_t port);

/*
 * The vCPU's virtual interrupt flag (vcpu_info.evtchn_upcall_mask).
 * events_enable() clears it and, if an upcall is pending, forces its
 * delivery with a null hypercall (xen_version 0).
 */
void events_disable(void);
void events_enable(void);
int events_disabled(void);
void evtchn_force_upcall(void);

/*
 * Switch the domain to the FIFO ABI: EVTCHNOP_init_control for vCPU 0
 * (control block in a page of ours) and one event-array page via
 * EVTCHNOP_expand_array (ports 0..1023). Secondary vCPUs need
 * evtchn_fifo_init_vcpu(cpu) before they receive FIFO events (vcpu_start
 * does it when FIFO is on). Returns the hypercall error, if any.
 */
long evtchn_fifo_init(void);
long evtchn_fifo_init_vcpu(unsigned int cpu);
int evtchn_fifo_active(void);
/* link_bits EVTCHNOP_init_control reported. */
extern uint8_t evtchn_fifo_link_bits;

#endif /* GUEST_EVENTS_H */

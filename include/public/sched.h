/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_sched_op: yielding, blocking and shutting a domain down. */
#ifndef VESPER_PUBLIC_SCHED_H
#define VESPER_PUBLIC_SCHED_H

#include "vesper.h"
#include "event_channel.h"

/*
 * HYPERVISOR_sched_op(cmd, arg). The older sched_op_compat hypercall takes
 * the same commands but passes a shutdown reason directly in arg.
 */
#define SCHEDOP_yield 0 /* arg unused: give up the CPU for now */
#define SCHEDOP_block \
    1                      /* arg unused: sleep until an event; clears the
                         * upcall mask so the wakeup cannot be missed */
#define SCHEDOP_shutdown 2 /* sched_shutdown */
#define SCHEDOP_poll 3     /* sched_poll: block on a set of ports */
#define SCHEDOP_remote_shutdown 4 /* sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code 5   /* sched_shutdown: record, don't act */
#define SCHEDOP_watchdog 6        /* sched_watchdog */
#define SCHEDOP_pin_override 7    /* sched_pin_override (control domain) */

/* Why a domain stops; sched_shutdown.reason. */
#define SHUTDOWN_poweroff 0   /* exited normally: destroy it */
#define SHUTDOWN_reboot 1     /* destroy, then start again */
#define SHUTDOWN_suspend 2    /* save state, then destroy */
#define SHUTDOWN_crash 3      /* the guest crashed */
#define SHUTDOWN_watchdog 4   /* its watchdog expired */
#define SHUTDOWN_soft_reset 5 /* reset in place, keeping memory */
#define SHUTDOWN_MAX 5

#ifndef __ASSEMBLY__

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

/* Block until one of the ports is pending or timeout (system time, ns). */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    uint32_t nr_ports;
    uint32_t _pad0;
    uint64_t timeout; /* 0 = none */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
    domid_t domain_id;
    uint16_t _pad0;
    uint32_t reason; /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

/* id 0 creates a watchdog; timeout 0 destroys watchdog id. */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout; /* seconds */
};
typedef struct sched_watchdog sched_watchdog_t;

struct sched_pin_override {
    int32_t pcpu; /* negative: remove the override */
};
typedef struct sched_pin_override sched_pin_override_t;

VESPER_ABI_SIZE(sched_shutdown, 4);
VESPER_ABI_SIZE(sched_poll, 24);
VESPER_ABI_OFFSET(sched_poll, ports, 0);
VESPER_ABI_OFFSET(sched_poll, nr_ports, 8);
VESPER_ABI_OFFSET(sched_poll, timeout, 16);
VESPER_ABI_SIZE(sched_remote_shutdown, 8);
VESPER_ABI_OFFSET(sched_remote_shutdown, domain_id, 0);
VESPER_ABI_OFFSET(sched_remote_shutdown, reason, 4);
VESPER_ABI_SIZE(sched_watchdog, 8);
VESPER_ABI_OFFSET(sched_watchdog, timeout, 4);
VESPER_ABI_SIZE(sched_pin_override, 4);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_SCHED_H */

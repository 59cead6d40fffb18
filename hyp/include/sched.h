/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains and vCPUs: the objects the hypervisor schedules and protects. */
#ifndef VESPER_SCHED_H
#define VESPER_SCHED_H

#include "types.h"
#include "event.h"
#include "mm.h"
#include "sched_credit.h"
#include "smp.h"
#include "timer.h"
#include <public/vcpu.h>
#include <public/vesper.h>
#include "asm/domain.h"

#define MAX_VCPUS 32
#define MAX_DOMAINS 64
#define CONSOLE_LINE 256
/* Every vCPU's periodic timer until the guest changes it, as in Xen. */
#define VCPU_DEFAULT_PERIOD_NS 10000000ULL

struct domain;
struct conring;
struct grant_table;

/* pause_flags: any bit set keeps a vCPU off the CPUs. */
#define VPF_blocked (1u << 0) /* SCHEDOP_block / poll: waits for an event */
#define VPF_down (1u << 1)    /* not brought up, or VCPUOP_down */
#define VPF_dead (1u << 2)    /* its domain has stopped */
/*
 * VCPUOP_initialise with VGCF_online: marked up but never woken, as in
 * Xen, so VCPUOP_up finds it up; only a VCPUOP_down and up start it.
 */
#define VPF_unwoken (1u << 3)
#define VPF_paused (1u << 4) /* XEN_DOMCTL_pausedomain: the control domain's */
/* Held off while the control domain reads or sets its context (ctl_holds). */
#define VPF_ctl (1u << 5)
/* Waits inside the hypervisor (an HVM ioreq): Xen's VPF_blocked_in_xen. */
#define VPF_blocked_in_hyp (1u << 6)

struct vcpu {
    struct domain *domain;
    unsigned int vcpu_id;
    struct vcpu_info *vcpu_info; /* hypervisor mapping of the guest's slot */
    u32 pause_flags;             /* VPF_*; 0 = runnable */
    bool initialised;       /* has a register context (VCPUOP_initialise) */
    unsigned int ctl_holds; /* domctl vCPU-context calls holding VPF_ctl */

    /* Scheduling. */
    unsigned int processor; /* pCPU it runs on, or last ran on */
    bool is_running;        /* its state is loaded on `processor` */
    cpumask_t affinity;     /* pCPUs it may use */
    /* SCHEDOP_pin_override in force: affinity is one CPU until undone. */
    bool pin_override;
    cpumask_t affinity_saved; /* what the override replaced */
    /* XEN_DOMCTL_setvcpuaffinity's soft set: kept, not yet a preference. */
    cpumask_t soft_affinity;
    struct csched_vcpu sched;

    /* SCHEDOP_poll: the one port it waits on, 0 = any; deadline timer. */
    evtchn_port_t poll_port;
    bool polling;
    struct timer poll_timer;

    /* Time: VCPUOP timers and set_timer_op, runstate accounting. */
    struct timer singleshot_timer;
    struct timer periodic_timer;
    u64 periodic_period;     /* ns, 0 = off */
    u64 periodic_last_event; /* when the periodic timer last sent a tick */
    struct vcpu_runstate_info runstate;
    u64 runstate_guest; /* guest VA of its registered copy, 0 = none */
    /* VCPUOP_register_vcpu_time_memory_area: a copy of vcpu_info's time. */
    u64 time_area_guest;  /* guest VA, 0 = none */
    bool time_area_stale; /* not yet written since (re)registration */
    mfn_t
        vcpu_info_mfn; /* VCPUOP_register_vcpu_info frame, 0 = in shared_info */

    struct evtchn_vcpu evtchn;
    struct arch_vcpu arch;
};

enum domain_state {
    DOM_RUNNING,
    DOM_SHUTDOWN, /* asked to stop: reason in shutdown_code */
    DOM_DYING,
};

struct domain {
    domid_t domain_id;
    u64 serial; /* creation number: no two domains share one */
    char name[32];
    enum domain_state state;
    unsigned int shutdown_code; /* SHUTDOWN_* */
    bool is_privileged;
    u8 handle[16];            /* the toolstack's UUID (setdomainhandle) */
    unsigned int ctrl_pauses; /* XEN_DOMCTL_pausedomain count */
    /*
     * Made by XEN_DOMCTL_createdomain: as in Xen its vCPUs are not there
     * for the toolstack until XEN_DOMCTL_max_vcpus (Vesper has them made).
     */
    bool vcpus_pending;
    /*
     * Made by the toolstack: as in Xen it stays, shut down, until the
     * toolstack destroys it (boot-time domains go when they shut down).
     */
    bool toolstack_owned;
    u64 outstanding_pages; /* XENMEM_claim_pages: claimed, not yet given */

    /* Memory: every frame this domain owns is on page_list (owner = d). */
    struct page_list page_list;
    u64 tot_pages;
    u64 max_pages;
    mfn_t *p2m; /* hypervisor copy of the initial pfn -> mfn list */
    u64 nr_pfns;

    struct shared_info *shared_info;
    mfn_t shared_info_mfn;
    u64 vm_assist;

    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VCPUS];

    /* Scheduling parameters: proportional weight, cap in % of one CPU. */
    unsigned int weight; /* default 256 */
    unsigned int cap;    /* 0 = uncapped */
    struct csched_dom sched;

    struct evtchn_domain evtchn;

    /* Grant table (grant_table.c): its entries, active pins, maptrack. */
    struct grant_table *grant_table;
    /*
     * Destroyed, but another domain still maps its frames or pins its
     * grants: off domain_list, kept on the zombie list until the last
     * such use goes (as Xen keeps a dying domain).
     */
    bool zombie;
    struct domain *zombie_next;

    /* Console: output is line-buffered and prefixed with the domain id. */
    char conbuf[CONSOLE_LINE];
    unsigned int conlen;
    struct conring *conring; /* boot-time domU console ring, or NULL */

    struct arch_domain arch;
};

extern struct domain *domain_list[MAX_DOMAINS];

static inline bool vcpu_runnable(const struct vcpu *v)
{
    return !v->pause_flags;
}

/* Scheduler entry points (schedule.c). */
void vcpu_wake(struct vcpu *v);  /* clear VPF_blocked and queue it */
void vcpu_block(struct vcpu *v); /* set VPF_blocked unless events wait */
void vcpu_pause_flag(struct vcpu *v, u32 flag);   /* set flag, deschedule */
void vcpu_unpause_flag(struct vcpu *v, u32 flag); /* clear flag, maybe wake */
/* Make v notice new work soon: IPI its CPU if it runs elsewhere. */
void vcpu_kick(struct vcpu *v);
/*
 * Wait until no vCPU of d that may not run is still on another CPU, so
 * its saved state is whole (Xen's domain_pause and vcpu_pause wait so).
 * Lets the big lock go meanwhile; false if d went, and then the caller
 * must not touch it.
 */
bool domain_wait_stopped(struct domain *d);
/*
 * Pin v to one online CPU (cpu >= 0) or undo that (cpu < 0); a running v
 * leaves a CPU it may no longer use at its CPU's next schedule. Returns
 * 0, -EBUSY (already overridden), or -EINVAL (offline CPU, nothing to
 * undo).
 */
int vcpu_pin_override(struct vcpu *v, int cpu);
/* A new hard affinity: -EINVAL if no online CPU, -EBUSY under an override. */
int vcpu_set_hard_affinity(struct vcpu *v, cpumask_t mask);
void vcpu_set_soft_affinity(struct vcpu *v, cpumask_t mask);
/* Timer callbacks (time.c); data is the vCPU. */
void vcpu_singleshot_timer_fn(void *data);
void vcpu_periodic_timer_fn(void *data);
/* The periodic timer runs only while its vCPU is on a CPU (as Xen's). */
void vcpu_periodic_switch_out(struct vcpu *v);
void vcpu_periodic_switch_in(struct vcpu *v, unsigned int cpu);
/* Start (period_ns > 0) or stop v's periodic timer, Xen's way. */
void vcpu_set_periodic_timer(struct vcpu *v, u64 period_ns);
void vcpu_poll_timer_fn(void *data);

struct domain *domain_create(domid_t id, const char *name, unsigned int vcpus);
void domain_destroy(struct domain *d);
/* The live domain with the lowest id at or above id, or NULL. */
struct domain *domain_next(domid_t id);
/* A live or zombie domain has this id. */
bool domain_id_in_use(domid_t id);
/* Free every zombie nothing holds any more. */
void domain_reap_zombies(void);
struct domain *domain_by_id(domid_t id);
/* Also a zombie (destroyed, its pages still held): for the grant paths. */
struct domain *domain_by_id_or_zombie(domid_t id);

/* Stop the domain with a SHUTDOWN_* reason; the vCPU never runs again. */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Guest misbehaviour: log why and stop the domain as if SHUTDOWN_crash. */
void domain_crash(struct domain *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Give and take the domain's memory. */
int domain_alloc_pages(struct domain *d, u64 nr_pages);
void domain_free_pages(struct domain *d);

/*
 * When the last domain is gone: build the boot domains again if the
 * cycles= option asks for more rounds (a leak test). True if it did.
 */
bool boot_next_cycle(void);

/* Pick something to run; never returns. */
__attribute__((noreturn)) void schedule(void);
/* Pending softirqs of this CPU (may not return: SOFTIRQ_SCHEDULE). */
void do_softirqs(void);
void sched_init_cpu(unsigned int cpu);
void vcpu_runstate_change(struct vcpu *v, int state);
/* ns v has run by now, the present stretch included (Xen's runstate_get). */
u64 vcpu_running_time(const struct vcpu *v, u64 now);
/* ns that CPU cpu has spent idle since boot, counting the present stretch. */
u64 cpu_idle_time(unsigned int cpu);
/* On the way into a vCPU: refresh its runstate copy and time info. */
void vcpu_update_guest_areas(struct vcpu *v);

/* Guest time (time.c). */
void time_wallclock_init(void);
void time_domain_init(struct domain *d);
void time_domain_destroy(struct domain *d);
void time_vcpu_publish(struct vcpu *v);
/* The record rewritten if the guest changed it: at every switch in. */
void time_vcpu_refresh(struct vcpu *v);
long vcpu_register_info(struct vcpu *v, u64 arg);
/* VCPUOP_register_vcpu_time_memory_area (0 as the address: none). */
long vcpu_register_time_area(struct vcpu *v, u64 arg);

/* Console output from a guest, with "(dN) " line prefixes. */
void guest_console_write(struct domain *d, const char *buf, size_t len);
/* domu_console_io: unprivileged domains may CONSOLEIO_write (debugging). */
extern bool opt_domu_console_io;

#endif

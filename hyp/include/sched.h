/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains and vCPUs: the objects the hypervisor schedules and protects. */
#ifndef VESPER_SCHED_H
#define VESPER_SCHED_H

#include "types.h"
#include "mm.h"
#include <public/vesper.h>
#include "asm/domain.h"

#define MAX_VCPUS 32
#define MAX_DOMAINS 64
#define CONSOLE_LINE 256

struct domain;

struct vcpu {
    struct domain *domain;
    unsigned int vcpu_id;
    struct vcpu_info *vcpu_info; /* hypervisor mapping of the guest's slot */
    bool running;
    bool blocked;
    struct arch_vcpu arch;
};

enum domain_state {
    DOM_RUNNING,
    DOM_SHUTDOWN, /* asked to stop: reason in shutdown_code */
    DOM_DYING,
};

struct domain {
    domid_t domain_id;
    char name[32];
    enum domain_state state;
    unsigned int shutdown_code; /* SHUTDOWN_* */
    bool is_privileged;

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

    /* Console: output is line-buffered and prefixed with the domain id. */
    char conbuf[CONSOLE_LINE];
    unsigned int conlen;

    struct arch_domain arch;
};

extern struct domain *domain_list[MAX_DOMAINS];

struct domain *domain_create(domid_t id, const char *name, unsigned int vcpus);
void domain_destroy(struct domain *d);
struct domain *domain_by_id(domid_t id);

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

/* Console output from a guest, with "(dN) " line prefixes. */
void guest_console_write(struct domain *d, const char *buf, size_t len);

#endif

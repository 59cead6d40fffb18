/* SPDX-License-Identifier: GPL-2.0-only */
/* PV guest support: domain building, trap bouncing, mode switches. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include "types.h"
#include "asm/regs.h"

struct vcpu;
struct domain;

struct pv_build_args {
    const void *kernel;
    size_t kernel_len;
    const void *initrd;
    size_t initrd_len;
    const char *cmdline;
    char name[32];
    u64 mem_bytes;
    domid_t domid;
    bool privileged;
};

void pv_init(void);
int pv_build_domain(const struct pv_build_args *a);

/*
 * Deliver an exception to the guest's handler from its trap table, or
 * crash the domain if it has none. err < 0: the vector has no error code.
 */
void pv_inject_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vec,
                    long err);
/* Build a bounce frame and enter handler; false if the domain crashed. */
bool pv_bounce(struct vcpu *v, struct cpu_regs *regs, u64 handler, long err,
               bool mask_events);
/* Switch between guest kernel and user mode (page tables, GS bases). */
void pv_toggle_guest_mode(struct vcpu *v);

/* Privileged-instruction and forced-CPUID emulation; true if handled. */
bool pv_emulate_gp(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_ud(struct vcpu *v, struct cpu_regs *regs);

/* Hypercall entry from a guest syscall; nonzero = sysret fast path OK. */
int pv_syscall(struct cpu_regs *regs);
long pv_iret(struct vcpu *v, struct cpu_regs *regs);

/* The guest frame of the vCPU running on this CPU. */
struct cpu_regs *pv_guest_regs(void);

#endif

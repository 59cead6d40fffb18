/* SPDX-License-Identifier: GPL-2.0-only */
/* PV guest support: domain building, trap bouncing, mode switches. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include "types.h"
#include "smp.h"
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
    unsigned int vcpus;  /* created; only vCPU 0 starts (others VPF_down) */
    unsigned int weight; /* d->weight, d->cap */
    unsigned int cap;
    cpumask_t affinity; /* every vCPU's; non-empty, online CPUs only */
    domid_t domid;
    bool privileged;
    /* A console ring page and event channel in start_info.console.domU. */
    bool console_ring;
};

void pv_init(void);
/*
 * fxrstor of v's FPU image with Xen's fix-up for a refused one (reserved
 * MXCSR bits, from setvcpucontext or VCPUOP_initialise): PV and HVM vCPUs.
 */
void fpu_load_guest(struct vcpu *v);
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
/* Upcalls: is one due, and deliver it (on the way out to the guest). */
bool pv_events_deliverable(const struct vcpu *v);
void pv_deliver_events(struct vcpu *v, struct cpu_regs *regs);
/* The same with ds, es, fs, gs on the frame (failsafe callback). */
bool pv_bounce_segs(struct vcpu *v, struct cpu_regs *regs, u64 handler,
                    const u64 *segs, bool mask_events);
void pv_failsafe(struct vcpu *v, u16 ds, u16 es, u16 fs, u16 gs);
/* Load selector (which: 0 ds, 1 es, 2 fs, 3 gs); false if it faulted. */
bool load_sel_safe(unsigned int which, unsigned int sel);
/* Switch between guest kernel and user mode (page tables, GS bases). */
void pv_toggle_guest_mode(struct vcpu *v);

/* Privileged-instruction and forced-CPUID emulation; true if handled. */
bool pv_emulate_gp(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_ud(struct vcpu *v, struct cpu_regs *regs);

/*
 * Emulated port I/O of d (size 1, 2 or 4), after the IOPL check: what a
 * port Vesper does not keep returns, or all ones (pv/ioport.c).
 */
u32 pv_io_read(struct domain *d, unsigned int port, unsigned int size);
/* The hardware domain's I/O rights, as Xen gives its dom0. */
void pv_io_caps_init_hwdom(struct domain *d);
/* Is every port in [first, last] d's (its ioport_caps)? */
bool pv_ports_permitted(const struct domain *d, unsigned int first,
                        unsigned int last);
void pv_io_write(struct domain *d, unsigned int port, unsigned int size,
                 u32 val);

/* Hypercall entry from a guest syscall; nonzero = sysret fast path OK. */
int pv_syscall(struct cpu_regs *regs);
long pv_iret(struct vcpu *v, struct cpu_regs *regs);

/* General-purpose register n (ModRM numbering) in a frame. */
u64 *pv_gpr(struct cpu_regs *regs, unsigned int n);

/* Writable page tables: emulate a trapped store to an L1; true if done. */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, u64 addr);

/* Guest GDT frames: map on this CPU, release at teardown. */
void pv_load_gdt(struct vcpu *v);
struct pv_mm_ctx;
void pv_destroy_gdt(struct vcpu *v, struct pv_mm_ctx *c);
void pv_drop_ldt(struct vcpu *v, struct pv_mm_ctx *c);
/* Drop the LDT pages mapped so far; base and size stay (Xen's destroy). */
void pv_unmap_ldt(struct vcpu *v, struct pv_mm_ctx *c);
/* Xen's __addr_ok: below the hypervisor hole, or above its end. */
bool pv_addr_ok(u64 va);
/*
 * A #PF at addr in this CPU's LDT window while v runs: map v's LDT page
 * there, as Xen does on first use. Returns 1 when it is mapped (retry),
 * 0 when addr is not in the window, -1 when the guest's page cannot be
 * an LDT page (*gva: the guest address wanted), -2 when that address is
 * not canonical (*ec: the #GP error code Xen gives).
 */
int pv_ldt_fault(struct vcpu *v, u64 addr, u64 *gva, u32 *ec);

/* MMU plumbing (mmu.c). */
struct pv_mm_ctx;
void pv_mm_ctx_init(struct pv_mm_ctx *c, struct domain *d, struct vcpu *v);
int pv_audit_domain(struct domain *d);
/* With `audit`, after a call that changed d's frame references: panics on a mismatch. */
void pv_audit_after(struct domain *d, const char *what);
extern bool opt_audit;
extern u32 opt_audit_every;

/* hctrace=N and loglvl=all's failing-hypercall log (hypercalls.c). */
struct cpu_regs;
extern u64 opt_hctrace, pv_hctrace_done;
extern int console_loglvl; /* console.c: loglvl= */
void pv_hctrace(const struct vcpu *v, const struct cpu_regs *regs, long ret,
                bool cont);

/* Inline so that, off, a hypercall pays two compares and no call. */
static inline void pv_hctrace_maybe(const struct vcpu *v,
                                    const struct cpu_regs *regs, long ret,
                                    bool cont)
{
    if (unlikely(pv_hctrace_done < opt_hctrace) ||
        unlikely(ret < 0 && console_loglvl >= LOG_DEBUG && !cont))
        pv_hctrace(v, regs, ret, cont);
}

/* The guest frame of the vCPU running on this CPU. */
struct cpu_regs *pv_guest_regs(void);

/*
 * A guest's code or stack selector with its RPL raised to the PV kernel's
 * (3), as Xen fixes them up: a gate ignores RPL, so ring 0 must never be
 * named, and an RPL above the kernel's is left alone.
 */
static inline u64 pv_fixup_sel(u64 sel)
{
    return (sel & 3) == 3 ? sel : (sel & ~3ull) | 3;
}

#endif

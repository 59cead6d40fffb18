/* SPDX-License-Identifier: GPL-2.0-only */
/* HVM emulation, interrupts and platform devices: the back-end-neutral interface and its back-end hooks. */
#ifndef ASM_HVM_IO_H
#define ASM_HVM_IO_H

#include "types.h"

struct vcpu;
struct domain;

/*
 * The guest state the common code reads to fetch and emulate an
 * instruction. GPRs are in x86_emul's encoding order (RAX, RCX, RDX,
 * RBX, RSP, RBP, RSI, RDI, R8-R15); segment bases in ES..GS order.
 */
struct hvm_cpu_state {
    u64 gpr[16];
    u64 rip, rflags;
    u64 cr0, cr3, cr4, efer;
    u64 seg_base[6];
    bool cs_l, cs_d; /* CS's L and D/B bits */
    u8 cpl;
};

/* Event types as both EVENTINJ and VM-entry interruption info number them
 * (VMX's software types 4-6 also need the instruction length). */
#define HVM_EV_EXTINT 0
#define HVM_EV_NMI 2
#define HVM_EV_EXCEPTION 3

/*
 * What every back end provides (SVM: svm/intr.c; VMX: its own). All are
 * called with the big lock held and v current on this CPU.
 */
struct hvm_funcs {
    void (*get_state)(struct vcpu *v, struct hvm_cpu_state *s);
    /* After an emulated instruction: GPRs, RIP, RFLAGS; the interrupt
     * shadow of the instruction before it ends. */
    void (*set_state)(struct vcpu *v, const struct hvm_cpu_state *s);
    /* An event is already queued for the next entry (a re-injection). */
    bool (*event_pending)(struct vcpu *v);
    /* Queue one event; ec < 0: none. cr2 is written for #PF. */
    void (*inject)(struct vcpu *v, unsigned int type, unsigned int vec, int ec,
                   u64 cr2);
    /* RFLAGS.IF clear or an interrupt shadow: no external interrupt now. */
    bool (*intr_blocked)(struct vcpu *v);
    /* Exit as soon as the guest can take an interrupt (on), or stop. */
    void (*intr_window)(struct vcpu *v, bool on);
    /* Dump the guest state and crash its domain (guest misbehaviour). */
    void (*crash)(struct vcpu *v, const char *why);
};
extern const struct hvm_funcs *hvm_funcs;
extern const struct hvm_funcs svm_funcs;
extern const struct hvm_funcs vmx_funcs;

/* ---- emulation (hvm/emulate.c) */

/*
 * The length of the instruction at CS:RIP, fetched through the guest's
 * page tables: for back ends that are not told it (SVM without NRIPS).
 * 0 on success; otherwise the fault is injected (#PF, #GP, #UD) or the
 * domain crashed, and the instruction must not be skipped.
 */
int hvm_insn_length(struct vcpu *v, unsigned int *len);
/* INS/OUTS (REP or not) at CS:RIP, port I/O through hvm_portio. */
void hvm_emulate_string_io(struct vcpu *v);
/* A nested page fault at gpa: true if it lies in a registered MMIO
 * region and was emulated (or answered with a fault or a crash). */
bool hvm_mmio_npf(struct vcpu *v, u64 gpa);

/* An MMIO region served in the hypervisor; accesses are 1-8 bytes. */
struct hvm_mmio_ops {
    int (*read)(struct vcpu *v, u64 gpa, unsigned int size, u64 *val,
                void *opaque);
    int (*write)(struct vcpu *v, u64 gpa, unsigned int size, u64 val,
                 void *opaque);
};
int hvm_mmio_register(struct domain *d, u64 gpa, u64 size,
                      const struct hvm_mmio_ops *ops, void *opaque);

/* Guest linear to guest physical, walking the guest's own tables. */
#define HVM_ACC_WRITE 1
#define HVM_ACC_FETCH 2
enum hvm_walk_rc {
    HVM_WALK_OK,
    HVM_WALK_PF,  /* *pfec: the #PF error code */
    HVM_WALK_BAD, /* a page table outside RAM */
};
enum hvm_walk_rc hvm_gva_to_gpa(struct vcpu *v, const struct hvm_cpu_state *s,
                                u64 va, unsigned int acc, u64 *gpa, u32 *pfec);
/* A pointer to RAM at gpa (its page), or NULL outside the guest's RAM. */
void *hvm_gpa_map(struct domain *d, u64 gpa);

/* ---- interrupts (hvm/intr.c) */

/* Before each entry: queue the highest interrupt the guest can take. */
void hvm_intr_assist(struct vcpu *v);
/* HLT, already stepped over, with the guest's RFLAGS. */
void hvm_hlt(struct vcpu *v, u64 rflags);
/* A device raised an interrupt for v: wake it or make it look. */
void hvm_irq_kick(struct vcpu *v);
/* ISA IRQ lines (0-15): an edge to the PIC (and nothing else yet). */
void hvm_isa_irq_pulse(struct domain *d, unsigned int irq);

/* ---- the platform (hvm/platform.c) */
int hvm_platform_init(struct domain *d);
void hvm_platform_destroy(struct domain *d);

#endif

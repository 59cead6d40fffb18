/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU state, found in O(1) from the stack pointer. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include "asm/layout.h"
#include "asm/regs.h"

#ifndef __ASSEMBLY__
#include "types.h"

struct vcpu;

struct tss64 {
    u32 rsvd0;
    u64 rsp[3];
    u64 rsvd1;
    u64 ist[7];
    u64 rsvd2;
    u16 rsvd3;
    u16 iomap_base;
} __attribute__((packed, aligned(16)));

/*
 * At the top of each CPU's main stack. guest_regs is where the hardware
 * and entry.S save guest state on every entry from ring 3 (TSS.RSP0 and the
 * syscall stub point just past it), so C code finds the guest frame without
 * searching.
 */
struct cpu_info {
    struct cpu_regs guest_regs;
    /* Not part of the frame: scratch and identity. */
    u32 cpu_id;
    u32 apic_id;
    struct vcpu *cur_vcpu;
    struct percpu *pcpu;
    u64 pad;
};

struct percpu {
    struct cpu_info *info;
    u8 *block;  /* PCPU_BLOCK_SIZE, aligned */
    u64 *gdt;   /* Vesper's descriptor page (GDT page 14) */
    u64 gdt_va; /* the whole GDT window */
    u64 ldt_va; /* the LDT window */
    struct tss64 tss;
    u64 lapic_ticks_per_ms;
    u64 timer_ticks;
    u32 cpu_id;
    u32 apic_id;
    u32 acpi_id;         /* ACPI processor UID from the MADT */
    u64 softirq_pending; /* SOFTIRQ_* bits, set by any CPU */
    /* A guest hypercall is running (continuations are possible). */
    bool in_hypercall;
    /* A multicall entry replaced the guest frame (HYPERVISOR_iret). */
    bool frame_replaced;
    /* Hypercall continuation requested by the running handler. */
    bool cont;
    unsigned int cont_nr;
    u64 cont_args[5];
    /* A guest-state instruction faulted in ring 0 (ex_guest_table). */
    u32 guest_fault_vec;
    u32 guest_fault_ec;
    u64 guest_fault_cr2; /* #PF: the guest address (an LDT page's) */
};

static inline struct cpu_info *get_cpu_info(void)
{
    u64 sp;
    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp & ~(u64)(PCPU_BLOCK_SIZE - 1)) +
                               PCPU_STACK_SIZE - sizeof(struct cpu_info));
}

#define this_cpu() (get_cpu_info()->pcpu)
#define current (get_cpu_info()->cur_vcpu)
#define guest_cpu_regs() (&get_cpu_info()->guest_regs)
#endif

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 SMP: APIC IPIs, AP bring-up, cross-CPU TLB flushes. */
#ifndef ASM_IPI_H
#define ASM_IPI_H

#include "smp.h"
#include "types.h"

struct percpu;
extern struct percpu *percpu_of[MAX_CPUS];

/* Send vector to the CPU with this APIC id. */
void send_ipi(u32 apic_id, unsigned int vector);
u32 lapic_id(void);
/*
 * Start every other CPU the ACPI MADT lists, through a trampoline copied to
 * the low page tramp_pa; returns how many CPUs are online.
 */
unsigned int smp_boot_cpus(u64 tramp_pa, unsigned int max);
void lapic_send_init_sipi(u32 apic_id, unsigned int page, bool sipi);
void time_init_cpu(void);
/* Flush the TLBs (global entries too) of the CPUs in mask, this one included. */
void flush_tlb_mask(cpumask_t mask);
/* Interrupt-context work for VEC_FLUSH. */
void flush_ipi_handler(void);

#endif

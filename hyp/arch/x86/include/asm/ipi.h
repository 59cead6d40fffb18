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
/* Start every other CPU the firmware knows of; returns how many came up. */
unsigned int smp_boot_cpus(void);
/* Flush the TLBs (global entries too) of the CPUs in mask, this one included. */
void flush_tlb_mask(cpumask_t mask);
/* Interrupt-context work for VEC_FLUSH. */
void flush_ipi_handler(void);

#endif

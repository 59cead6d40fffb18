/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU bring-up and feature flags. */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include "types.h"

struct percpu;

extern bool cpu_has_smap, cpu_has_smep;
extern u64 tsc_khz;

void cpu_init(struct percpu *pc);
/* Show a descriptor frame (or gdt_zero_mfn) as GDT page i on this CPU. */
void gdt_map_page(unsigned int i, mfn_t mfn);
extern mfn_t gdt_zero_mfn;
/* Show ents LDT entries from frames on this CPU and load LDTR. */
void ldt_load(const mfn_t *frames, unsigned int ents);
/* Show LDT page i (a typed descriptor frame) in this CPU's LDT window. */
void ldt_map_page(unsigned int i, mfn_t mfn);
void time_init(void);
void lapic_eoi(void);
void serial_init(const char *console);
/* First of the 8 UART ports Vesper drives, 0 if none (no guest gets them). */
u16 serial_io_base(void);

static inline void stac(void)
{
    if (cpu_has_smap)
        __asm__ volatile("stac" ::: "memory");
}
static inline void clac(void)
{
    if (cpu_has_smap)
        __asm__ volatile("clac" ::: "memory");
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Virtual debug registers of PV vCPUs: validation, switching, #DB. */
#ifndef ASM_DEBUGREG_H
#define ASM_DEBUGREG_H

#include "types.h"
#include "asm/regs.h"

struct vcpu;

#define DR6_DEFAULT 0xffff0ff0UL /* reserved-one bits, nothing pending */
#define DR6_RSVD_ZERO 0x1000UL   /* bit 12 reads as zero */
#define DR6_BP_MASK 0xfUL        /* B0-B3 */
#define DR7_DEFAULT 0x400UL      /* bit 10 reads as one */
#define DR7_RSVD_ZERO 0xd800UL   /* bits 11-12 and 14-15 read as zero */
#define DR7_GD (1UL << 13)
#define DR7_ACTIVE 0xffUL /* L0-L3 and G0-G3 */
#define DR7_RW_SHIFT 16
#define DR7_RW_IO 2UL
#define DR7_RW_EXEC 0UL

/* Xen's rules: -ENODEV means #UD, any other error #GP(0). */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, u64 value);
/* false: the register does not exist (#UD). */
bool pv_get_debugreg(const struct vcpu *v, unsigned int reg, u64 *val);
/* Context switch: arm the incoming vCPU's breakpoints, disarm the outgoing. */
void pv_debugregs_load(const struct vcpu *v);
void pv_debugregs_unload(const struct vcpu *v);
/* #DB from a guest: fold the hardware DR6 into the virtual one. */
void pv_debug_trap(struct vcpu *v);
/* #DB in hypervisor context; true if it was tolerated. */
bool hyp_debug_trap(struct cpu_regs *regs);

#endif

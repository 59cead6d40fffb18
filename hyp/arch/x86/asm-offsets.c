/* SPDX-License-Identifier: GPL-2.0-only */
/* Generates asm-offsets.h: structure offsets that entry code needs. */
#include "asm/percpu.h"
#include "sched.h"

#define DEFINE(sym, val) \
    __asm__ volatile("\n.ascii \"->" #sym " %0\"" ::"i"(val))
#define OFFSET(sym, type, field) DEFINE(sym, offsetof(type, field))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(REGS_R15, struct cpu_regs, r15);
    OFFSET(REGS_R11, struct cpu_regs, r11);
    OFFSET(REGS_RAX, struct cpu_regs, rax);
    OFFSET(REGS_RCX, struct cpu_regs, rcx);
    OFFSET(REGS_R14, struct cpu_regs, r14);
    OFFSET(REGS_R13, struct cpu_regs, r13);
    OFFSET(REGS_R12, struct cpu_regs, r12);
    OFFSET(REGS_RBP, struct cpu_regs, rbp);
    OFFSET(REGS_RBX, struct cpu_regs, rbx);
    OFFSET(REGS_R10, struct cpu_regs, r10);
    OFFSET(REGS_R9, struct cpu_regs, r9);
    OFFSET(REGS_R8, struct cpu_regs, r8);
    OFFSET(REGS_RDX, struct cpu_regs, rdx);
    OFFSET(REGS_RSI, struct cpu_regs, rsi);
    OFFSET(REGS_RDI, struct cpu_regs, rdi);
    OFFSET(REGS_ERR, struct cpu_regs, error_code);
    OFFSET(REGS_VEC, struct cpu_regs, entry_vector);
    OFFSET(REGS_RIP, struct cpu_regs, rip);
    OFFSET(REGS_CS, struct cpu_regs, cs);
    OFFSET(REGS_RFLAGS, struct cpu_regs, rflags);
    OFFSET(REGS_RSP, struct cpu_regs, rsp);
    OFFSET(REGS_SS, struct cpu_regs, ss);
    DEFINE(REGS_SIZE, sizeof(struct cpu_regs));
    DEFINE(CPU_INFO_SIZE, sizeof(struct cpu_info));
}

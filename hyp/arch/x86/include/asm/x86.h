/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 architectural constants and instruction wrappers. */
#ifndef ASM_X86_H
#define ASM_X86_H

#define CR0_PE (1UL << 0)
#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR0_NE (1UL << 5)
#define CR0_WP (1UL << 16)
#define CR0_AM (1UL << 18)
#define CR0_PG (1UL << 31)

#define CR4_TSD (1UL << 2)
#define CR4_DE (1UL << 3)
#define CR4_PAE (1UL << 5)
#define CR4_MCE (1UL << 6)
#define CR4_PGE (1UL << 7)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_FSGSBASE (1UL << 16)
#define CR4_OSXSAVE (1UL << 18)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103
#define MSR_APIC_BASE 0x1b
#define MSR_PAT 0x277
#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_NXE (1UL << 11)

#define X86_EFLAGS_CF 0x1UL
#define X86_EFLAGS_MBS 0x2UL /* always set */
#define X86_EFLAGS_TF 0x100UL
#define X86_EFLAGS_IF 0x200UL
#define X86_EFLAGS_DF 0x400UL
#define X86_EFLAGS_IOPL 0x3000UL
#define X86_EFLAGS_NT 0x4000UL
#define X86_EFLAGS_RF 0x10000UL
#define X86_EFLAGS_VM 0x20000UL
#define X86_EFLAGS_AC 0x40000UL
#define X86_EFLAGS_ID 0x200000UL

/* Page-table entry bits. */
#define _PAGE_PRESENT 0x001UL
#define _PAGE_RW 0x002UL
#define _PAGE_USER 0x004UL
#define _PAGE_PWT 0x008UL
#define _PAGE_PCD 0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY 0x040UL
#define _PAGE_PSE 0x080UL
#define _PAGE_GLOBAL 0x100UL
#define _PAGE_NX (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* The PAT Xen programs; guests learn it by rdmsr and build PTEs from it. */
#define VESPER_PAT 0x0000050100070406UL

#define TRAP_DE 0
#define TRAP_DB 1
#define TRAP_NMI 2
#define TRAP_BP 3
#define TRAP_OF 4
#define TRAP_BR 5
#define TRAP_UD 6
#define TRAP_NM 7
#define TRAP_DF 8
#define TRAP_TS 10
#define TRAP_NP 11
#define TRAP_SS 12
#define TRAP_GP 13
#define TRAP_PF 14
#define TRAP_MF 16
#define TRAP_AC 17
#define TRAP_MC 18
#define TRAP_XM 19
#define TRAP_CP 21

#define PFEC_PRESENT 1U
#define PFEC_WRITE 2U
#define PFEC_USER 4U

#define VEC_TIMER 0xf0
#define VEC_EVENT_CHECK 0xf1 /* IPI: look at softirqs and events */
#define VEC_FLUSH 0xf2       /* IPI: flush this CPU's TLB */
#define VEC_SPURIOUS 0xff

#ifndef __ASSEMBLY__
#include "types.h"

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
                               u32 *d)
{
    __asm__ volatile("cpuid"
                     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(sub));
}

static inline void outb(u16 port, u8 v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(u16 port, u16 v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(u16 port, u32 v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline u8 inb(u16 port)
{
    u8 v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline u16 inw(u16 port)
{
    u16 v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline u32 inl(u16 port)
{
    u32 v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#define DEFINE_CR(n)                                             \
    static inline u64 read_cr##n(void)                           \
    {                                                            \
        u64 v;                                                   \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));        \
        return v;                                                \
    }                                                            \
    static inline void write_cr##n(u64 v)                        \
    {                                                            \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)

static inline void invlpg(const void *va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}
static inline void clts(void)
{
    __asm__ volatile("clts");
}
static inline void cpu_relax(void)
{
    __asm__ volatile("pause");
}
static inline void local_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}
static inline void local_irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}
static inline void safe_halt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}
static inline u64 read_rflags(void)
{
    u64 f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline bool is_canonical(u64 va)
{
    return (u64)((s64)(va << 16) >> 16) == va;
}
#endif

#endif

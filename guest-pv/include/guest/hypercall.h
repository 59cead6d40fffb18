/* SPDX-License-Identifier: MIT */
/* Hypercall wrappers: through the hypercall page, or by raw syscall. */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <guest/abi.h>

/* Filled by the hypervisor: 128 stubs of 32 bytes, slot n at n * 32. */
extern char hypercall_page[4096];

#define HYPERCALL_PAGE_SLOTS 128

/*
 * Calls through the page go via `call hypercall_page + nr*32`. The stub
 * saves RCX/R11 itself, but we still list them as clobbered so these
 * wrappers stay correct for a hypervisor whose stubs do not. Arguments
 * travel in RDI, RSI, RDX, R10, R8 and may all be overwritten.
 */
#define _hypercall5(nr, a1, a2, a3, a4, a5)                                 \
    ({                                                                      \
        long __ret;                                                         \
        register long __a1 __asm__("rdi") = (long)(a1);                     \
        register long __a2 __asm__("rsi") = (long)(a2);                     \
        register long __a3 __asm__("rdx") = (long)(a3);                     \
        register long __a4 __asm__("r10") = (long)(a4);                     \
        register long __a5 __asm__("r8") = (long)(a5);                      \
        __asm__ volatile("call hypercall_page + %c[off]"                    \
                         : "=a"(__ret), "+r"(__a1), "+r"(__a2), "+r"(__a3), \
                           "+r"(__a4), "+r"(__a5)                           \
                         : [off] "i"((nr)*32)                               \
                         : "rcx", "r11", "memory");                         \
        __ret;                                                              \
    })

#define _hypercall1(nr, a1) _hypercall5(nr, a1, 0, 0, 0, 0)
#define _hypercall2(nr, a1, a2) _hypercall5(nr, a1, a2, 0, 0, 0)
#define _hypercall3(nr, a1, a2, a3) _hypercall5(nr, a1, a2, a3, 0, 0)
#define _hypercall4(nr, a1, a2, a3, a4) _hypercall5(nr, a1, a2, a3, a4, 0)

/*
 * Any hypercall number, known at run time. Numbers beyond the page's 128
 * slots have no stub, so those go straight to syscall.
 */
long hypercall6(unsigned long nr, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4, unsigned long a5);

/* The same, always by `syscall` (RAX = nr), never through the page. */
long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4, unsigned long a5);

static inline long HYPERVISOR_console_io(int cmd, int count, const char *str)
{
    return _hypercall3(__HYPERVISOR_console_io, cmd, count, str);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

static inline long HYPERVISOR_set_trap_table(const struct trap_info *table)
{
    return _hypercall1(__HYPERVISOR_set_trap_table, table);
}

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{
    return _hypercall2(__HYPERVISOR_callback_op, cmd, arg);
}

static inline long HYPERVISOR_set_callbacks(unsigned long event,
                                            unsigned long failsafe,
                                            unsigned long syscall)
{
    return _hypercall3(__HYPERVISOR_set_callbacks, event, failsafe, syscall);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{
    return _hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

static inline long HYPERVISOR_set_segment_base(int reg, unsigned long value)
{
    return _hypercall2(__HYPERVISOR_set_segment_base, reg, value);
}

static inline long HYPERVISOR_fpu_taskswitch(int set)
{
    return _hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
    return _hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

static inline long HYPERVISOR_multicall(struct multicall_entry *calls,
                                        unsigned int nr)
{
    return _hypercall2(__HYPERVISOR_multicall, calls, nr);
}

static inline long HYPERVISOR_mmu_update(struct mmu_update *req,
                                         unsigned int count,
                                         unsigned int *success_count,
                                         domid_t domid)
{
    return _hypercall4(__HYPERVISOR_mmu_update, req, count, success_count,
                       domid);
}

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *op,
                                        unsigned int count,
                                        unsigned int *success_count,
                                        domid_t domid)
{
    return _hypercall4(__HYPERVISOR_mmuext_op, op, count, success_count, domid);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
                                                unsigned long flags)
{
    return _hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpuid, void *extra)
{
    return _hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpuid, extra);
}

/* Absolute system time in ns for this vCPU's one-shot timer; 0 stops it. */
static inline long HYPERVISOR_set_timer_op(uint64_t timeout)
{
    return _hypercall1(__HYPERVISOR_set_timer_op, timeout);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_physdev_op, cmd, arg);
}

/* The control domain's calls (include <public/domctl.h> / sysctl.h). */
struct xen_domctl;
struct xen_sysctl;

static inline long HYPERVISOR_domctl(struct xen_domctl *op)
{
    return _hypercall1(__HYPERVISOR_domctl, op);
}

static inline long HYPERVISOR_sysctl(struct xen_sysctl *op)
{
    return _hypercall1(__HYPERVISOR_sysctl, op);
}

/* A device model's call on its HVM domain (include <public/hvm/dm_op.h>). */
struct xen_dm_op_buf;

static inline long HYPERVISOR_dm_op(domid_t domid, unsigned int nr_bufs,
                                    struct xen_dm_op_buf *bufs)
{
    return _hypercall3(__HYPERVISOR_dm_op, domid, nr_bufs, bufs);
}

#endif /* GUEST_HYPERCALL_H */

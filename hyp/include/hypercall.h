/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypercall handler prototypes and the HYPERCALLn definition helpers. */
#ifndef VESPER_HYPERCALL_H
#define VESPER_HYPERCALL_H

#include "types.h"
#include <public/hypercall.h>

/*
 * Every handler has the dispatch signature; the table (hypercall/table.c)
 * is generated from the public list, and slots without a handler are
 * -ENOSYS. Define handlers with HYPERCALLn(name, type, arg, ...) so their
 * bodies see typed arguments.
 */
#define VESPER_HC_PROTO(num, name, nargs) \
    long do_##name(u64, u64, u64, u64, u64);
VESPER_HYPERCALL_LIST(VESPER_HC_PROTO)
#undef VESPER_HC_PROTO

long hypercall_dispatch(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

/*
 * Continuations, Xen's way. A hypercall that can do an unbounded amount
 * of work calls hypercall_preempt_check() before each unit after the
 * first (so every invocation makes progress) and, when it says so, stops
 * with `return hypercall_continue(nr, new arguments)`, the arguments
 * describing the work left (Xen's encodings: mmu_update/mmuext_op count
 * | MMU_UPDATE_PREEMPTED, console_io the remaining count and buffer,
 * memory_op the extent start in the command's high bits). The guest then
 * re-issues the call with them, after taking pending events, softirqs
 * and other CPUs' turns at the big lock. Inside a multicall the new
 * arguments go into the guest's entry and the multicall itself continues
 * from that entry. hypercall_continue returns nr, as Xen's
 * hypercall_create_continuation does (a preempted multicall entry shows it
 * as its result until it completes).
 *
 * Grant-table batches (GNTTABOP_* with a count) are to follow the same
 * rule: check between entries, continue with the advanced list and the
 * remaining count.
 */
/* XEN_DOMCTL_getdomaininfo's record of d (domctl.c; sysctl's list too). */
struct domain;
struct xen_domctl_getdomaininfo;
void domain_getinfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

bool hypercall_preempt_check(void);
long hypercall_continue(unsigned int nr, u64 a1, u64 a2, u64 a3, u64 a4,
                        u64 a5);
/* True inside a guest's hypercall, where continuations can be made. */
bool hypercall_preemptible(void);

#define HYPERCALL0(name)                                   \
    static long hc_##name(void);                           \
    long do_##name(u64 x1, u64 x2, u64 x3, u64 x4, u64 x5) \
    {                                                      \
        return hc_##name();                                \
    }                                                      \
    static long hc_##name(void)
#define HYPERCALL1(name, t1, a1)                           \
    static long hc_##name(t1 a1);                          \
    long do_##name(u64 x1, u64 x2, u64 x3, u64 x4, u64 x5) \
    {                                                      \
        return hc_##name((t1)x1);                          \
    }                                                      \
    static long hc_##name(t1 a1)
#define HYPERCALL2(name, t1, a1, t2, a2)                   \
    static long hc_##name(t1 a1, t2 a2);                   \
    long do_##name(u64 x1, u64 x2, u64 x3, u64 x4, u64 x5) \
    {                                                      \
        return hc_##name((t1)x1, (t2)x2);                  \
    }                                                      \
    static long hc_##name(t1 a1, t2 a2)
#define HYPERCALL3(name, t1, a1, t2, a2, t3, a3)           \
    static long hc_##name(t1 a1, t2 a2, t3 a3);            \
    long do_##name(u64 x1, u64 x2, u64 x3, u64 x4, u64 x5) \
    {                                                      \
        return hc_##name((t1)x1, (t2)x2, (t3)x3);          \
    }                                                      \
    static long hc_##name(t1 a1, t2 a2, t3 a3)
#define HYPERCALL4(name, t1, a1, t2, a2, t3, a3, t4, a4)   \
    static long hc_##name(t1 a1, t2 a2, t3 a3, t4 a4);     \
    long do_##name(u64 x1, u64 x2, u64 x3, u64 x4, u64 x5) \
    {                                                      \
        return hc_##name((t1)x1, (t2)x2, (t3)x3, (t4)x4);  \
    }                                                      \
    static long hc_##name(t1 a1, t2 a2, t3 a3, t4 a4)

#endif

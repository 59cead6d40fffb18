/* SPDX-License-Identifier: GPL-2.0-only */
/* multicall: a batch of hypercalls in one transition, preemptible like Xen's. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"

/*
 * Xen's rules: the list must lie in guest space; between entries, once
 * one has run, the batch stops for pending work and continues at the next
 * entry; a preempted entry gets its continuation arguments written back
 * into the guest's list and the batch continues at that same entry;
 * HYPERVISOR_iret is performed and ends the batch with its result; only
 * a nested multicall is refused.
 */
HYPERCALL2(multicall, u64, calls, unsigned int, nr_calls)
{
    struct vcpu *v = current_vcpu();
    struct multicall_entry e;

    if (!guest_range_ok(calls, (u64)nr_calls * sizeof(e)))
        return -EFAULT;
    for (unsigned int i = 0; i < nr_calls; i++) {
        u64 at = calls + (u64)i * sizeof(e);

        /* A vCPU the batch stopped (block, down, shutdown) resumes here. */
        if (i && (hypercall_preempt_check() ||
                  v->domain->state != DOM_RUNNING || !vcpu_runnable(v)))
            return hypercall_continue(__HYPERVISOR_multicall, at, nr_calls - i,
                                      0, 0, 0);
        if (copy_from_guest(&e, at, sizeof(e)))
            return -EFAULT;
        if (e.op == __HYPERVISOR_iret) {
            /* Best effort: the guest frame is already the iret's. */
            e.result = (u64)arch_multicall_iret();
            (void)copy_to_guest(at + offsetof(struct multicall_entry, result),
                                &e.result, sizeof(e.result));
            /* Xen's multicall returns an int: the low half, sign-extended. */
            return (long)(int)(u32)e.result;
        }
        if (e.op == __HYPERVISOR_multicall)
            e.result = (u64)-EINVAL;
        else
            e.result = (u64)hypercall_dispatch(e.op, e.args[0], e.args[1],
                                               e.args[2], e.args[3], e.args[4]);
        if (copy_to_guest(at + offsetof(struct multicall_entry, result),
                          &e.result, sizeof(e.result))) {
            arch_cancel_continuation();
            return -EFAULT;
        }
        if (arch_take_continuation(&e.op, e.args)) {
            if (copy_to_guest(at, &e, sizeof(e)))
                return -EFAULT;
            return hypercall_continue(__HYPERVISOR_multicall, at, nr_calls - i,
                                      0, 0, 0);
        }
    }
    return 0;
}

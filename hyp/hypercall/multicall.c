/* SPDX-License-Identifier: GPL-2.0-only */
/* multicall: a batch of hypercalls in one transition. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"

HYPERCALL2(multicall, u64, calls, unsigned int, nr_calls)
{
    struct vcpu *v = current_vcpu();
    struct multicall_entry e;

    long rc = 0;

    arch_multicall_enter(true);
    for (unsigned int i = 0; i < nr_calls; i++) {
        u64 at = calls + (u64)i * sizeof(e);

        if (copy_from_guest(&e, at, sizeof(e))) {
            rc = -EFAULT;
            break;
        }
        /* No nesting, and iret needs a real frame. */
        if (e.op == __HYPERVISOR_multicall || e.op == __HYPERVISOR_iret)
            e.result = (u64)-EINVAL;
        else
            e.result = (u64)hypercall_dispatch(e.op, e.args[0], e.args[1],
                                               e.args[2], e.args[3], e.args[4]);
        if (copy_to_guest(at + offsetof(struct multicall_entry, result),
                          &e.result, sizeof(e.result))) {
            rc = -EFAULT;
            break;
        }
        if (v->domain->state != DOM_RUNNING || (v->pause_flags & VPF_down))
            break; /* the batch shut the domain down */
    }
    arch_multicall_enter(false);
    return rc;
}

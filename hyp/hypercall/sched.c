/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op: yield, block, shutdown. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include <public/sched.h>

static long sched_shutdown(struct vcpu *v, u64 arg, bool act)
{
    struct sched_shutdown s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    /* Like Xen, take unknown reasons too: the guest is stopping anyway. */
    if (!act) {
        v->domain->shutdown_code = s.reason;
        return 0;
    }
    domain_shutdown(v->domain, s.reason);
    return 0;
}

HYPERCALL2(sched_op, int, cmd, u64, arg)
{
    struct vcpu *v = current_vcpu();

    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_block:
        /* Enables event delivery, then sleeps until something happens. */
        v->vcpu_info->evtchn_upcall_mask = 0;
        if (!v->vcpu_info->evtchn_upcall_pending)
            arch_idle();
        return 0;
    case SCHEDOP_shutdown:
        return sched_shutdown(v, arg, true);
    case SCHEDOP_shutdown_code:
        return sched_shutdown(v, arg, false);
    default:
        return -ENOSYS;
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* event_channel_op (and its old single-argument form): copy in, operate, copy out. */
#include "arch.h"
#include "errno.h"
#include "event.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"

/* Large enough for every EVTCHNOP_* argument structure. */
union evtchn_args {
    struct evtchn_alloc_unbound alloc_unbound;
    struct evtchn_bind_interdomain bind_interdomain;
    struct evtchn_bind_virq bind_virq;
    struct evtchn_bind_pirq bind_pirq;
    struct evtchn_bind_ipi bind_ipi;
    struct evtchn_close close;
    struct evtchn_send send;
    struct evtchn_status status;
    struct evtchn_bind_vcpu bind_vcpu;
    struct evtchn_unmask unmask;
    struct evtchn_reset reset;
    struct evtchn_init_control init_control;
    struct evtchn_expand_array expand_array;
    struct evtchn_set_priority set_priority;
};

static long event_channel_op(int cmd, u64 arg)
{
    size_t size = evtchn_op_size(cmd);
    union evtchn_args a;
    long rc;

    if (!size)
        return -ENOSYS;
    BUG_ON(size > sizeof(a));
    if (copy_from_guest(&a, arg, size))
        return -EFAULT;
    rc = evtchn_op(current_domain(), cmd, &a);
    /* Like Xen, a failed copy-out does not undo the operation. */
    if (!rc && evtchn_op_has_output(cmd) && copy_to_guest(arg, &a, size))
        rc = -EFAULT;
    return rc;
}

HYPERCALL2(event_channel_op, int, cmd, u64, arg)
{
    return event_channel_op(cmd, arg);
}

/* The pre-3.0 form: struct evtchn_op carries cmd and the union. */
HYPERCALL1(event_channel_op_compat, u64, arg)
{
    struct evtchn_op op;

    /* Xen reads the whole structure first: a short one is -EFAULT. */
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    switch (op.cmd) {
    case EVTCHNOP_bind_interdomain:
    case EVTCHNOP_bind_virq:
    case EVTCHNOP_bind_pirq:
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_status:
    case EVTCHNOP_alloc_unbound:
    case EVTCHNOP_bind_ipi:
    case EVTCHNOP_bind_vcpu:
    case EVTCHNOP_unmask:
        return event_channel_op((int)op.cmd,
                                arg + offsetof(struct evtchn_op, u));
    default:
        return -ENOSYS;
    }
}

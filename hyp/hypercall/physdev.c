/* SPDX-License-Identifier: GPL-2.0-only */
/* physdev_op: the virtual IOPL; device sub-ops are not offered yet. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "sched.h"
#include <public/physdev.h>

/*
 * Any domain may raise its own virtual IOPL (as on Xen): it only decides
 * whether port I/O is emulated instead of raising #GP, and the emulation
 * answers an unprivileged domain's reads with all ones.
 */
static long physdev_set_iopl(u64 arg)
{
    struct physdev_set_iopl op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.iopl > 3)
        return -EINVAL;
    current_vcpu()->arch.iopl = op.iopl;
    return 0;
}

HYPERCALL2(physdev_op, unsigned int, cmd, u64, arg)
{
    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        return physdev_set_iopl(arg);
    default:
        return -ENOSYS;
    }
}

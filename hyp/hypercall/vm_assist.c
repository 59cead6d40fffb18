/* SPDX-License-Identifier: GPL-2.0-only */
/* vm_assist: optional behaviours a PV guest turns on. */
#include "arch.h"
#include "errno.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"

/* What a 64-bit PV guest may enable (32-bit-only ones are accepted). */
#define VM_ASSIST_VALID                          \
    ((1UL << VMASST_TYPE_4gb_segments) |         \
     (1UL << VMASST_TYPE_4gb_segments_notify) |  \
     (1UL << VMASST_TYPE_writable_pagetables) |  \
     (1UL << VMASST_TYPE_pae_extended_cr3) |     \
     (1UL << VMASST_TYPE_architectural_iopl) |   \
     (1UL << VMASST_TYPE_runstate_update_flag) | \
     (1UL << VMASST_TYPE_m2p_strict))

HYPERCALL2(vm_assist, unsigned int, cmd, unsigned int, type)
{
    struct domain *d = current_domain();

    if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
        return -EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1UL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1UL << type);
        return 0;
    default:
        return -ENOSYS;
    }
}

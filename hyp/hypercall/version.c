/* SPDX-License-Identifier: GPL-2.0-only */
/* xen_version: who we are and what we offer, in Xen's terms. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include <public/version.h>

#define VERSION_MAJOR 4
#define VERSION_MINOR 17

static u32 feature_submap(const struct domain *d, u32 idx)
{
    u32 m = 0;

    if (idx != 0)
        return 0;
    /* Linux PV panics without 5 and 7; 6 is harmless and what Xen says. */
    m |= 1u << XENFEAT_mmu_pt_update_preserve_ad;
    m |= 1u << XENFEAT_highmem_assist;
    m |= 1u << XENFEAT_gnttab_map_avail_bits;
    if (d->is_privileged)
        m |= 1u << XENFEAT_dom0;
    return m;
}

static long copy_string(u64 arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size) ? -EFAULT : 0;
}

HYPERCALL2(xen_version, int, cmd, u64, arg)
{
    struct domain *d = current_domain();

    switch (cmd) {
    case XENVER_version:
        return (VERSION_MAJOR << 16) | VERSION_MINOR;
    case XENVER_extraversion:
        return copy_string(arg, "-vesper", sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return copy_string(arg, "xen-3.0-x86_64 ",
                           sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string(arg, "vesper", sizeof(xen_changeset_info_t));
    case XENVER_compile_info: {
        struct xen_compile_info ci;

        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
        strlcpy(ci.compile_by, "vesper", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "vesper", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
        return copy_to_guest(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
    }
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = { HYPERVISOR_VIRT_START };

        return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;

        if (copy_from_guest(&fi, arg, sizeof(fi)))
            return -EFAULT;
        fi.submap = feature_submap(d, fi.submap_idx);
        return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle:
        return copy_to_guest(arg, d->handle, sizeof(d->handle)) ? -EFAULT : 0;
    case XENVER_build_id: {
        u32 len;

        /* Privileged only in Xen; we have no build id to give anyone. */
        if (!d->is_privileged)
            return -EPERM;
        if (arg && copy_from_guest(&len, arg, sizeof(len)))
            return -EFAULT;
        return arg && len == 0 ? -EINVAL : -ENODATA;
    }
    default:
        return -ENOSYS;
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* copy_{from,to}_guest: range checks, SMAP brackets, fault fixups. */
#include "errno.h"
#include "guest_access.h"
#include "lib.h"
#include "asm/cpu.h"
#include "asm/layout.h"
#include "asm/x86.h"
#include <public/arch-x86_64.h>

/* entry.S: rep movsb with an exception-table fixup; returns bytes left. */
size_t raw_copy_guest(void *dst, const void *src, size_t len);

bool guest_range_ok(u64 va, size_t len)
{
    u64 end = va + len;

    if (end < va)
        return false;
    /* Must not touch the hypervisor hole or the non-canonical gap. */
    if (va < 0x0000800000000000UL)
        return end <= 0x0000800000000000UL;
    if (va >= HYPERVISOR_VIRT_END)
        return true;
    return false;
}

int copy_from_guest(void *dst, u64 guest_va, size_t len)
{
    size_t left;

    if (!guest_range_ok(guest_va, len))
        return -EFAULT;
    stac();
    left = raw_copy_guest(dst, (const void *)(uintptr_t)guest_va, len);
    clac();
    return left ? -EFAULT : 0;
}

int copy_to_guest(u64 guest_va, const void *src, size_t len)
{
    size_t left;

    if (!guest_range_ok(guest_va, len))
        return -EFAULT;
    stac();
    left = raw_copy_guest((void *)(uintptr_t)guest_va, src, len);
    clac();
    return left ? -EFAULT : 0;
}

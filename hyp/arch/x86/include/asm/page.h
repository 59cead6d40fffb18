/* SPDX-License-Identifier: GPL-2.0-only */
/* Conversions between machine addresses and the direct map. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include "types.h"
#include "asm/layout.h"

typedef u64 pte_t;

static inline void *maddr_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + DIRECTMAP_VIRT_START);
}
static inline paddr_t virt_to_maddr(const void *va)
{
    return (paddr_t)(uintptr_t)va - DIRECTMAP_VIRT_START;
}
static inline void *mfn_to_virt(mfn_t mfn)
{
    return maddr_to_virt(mfn << PAGE_SHIFT);
}
static inline mfn_t virt_to_mfn(const void *va)
{
    return virt_to_maddr(va) >> PAGE_SHIFT;
}

#define l4_index(va) (((va) >> 39) & 511)
#define l3_index(va) (((va) >> 30) & 511)
#define l2_index(va) (((va) >> 21) & 511)
#define l1_index(va) (((va) >> 12) & 511)

#endif

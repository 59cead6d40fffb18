/* SPDX-License-Identifier: GPL-2.0-only */
/* Page-table entry bits beyond asm/x86.h that PV validation needs; constants only. */
#ifndef ASM_PTE_H
#define ASM_PTE_H

/* Bit 7 is PAT in an L1 entry and PSE (superpage) in an L2/L3 entry. */
#define _PAGE_PAT 0x080UL
/* Bits 9-11 and 52-62 are ignored by the MMU; guests may keep data there. */
#define _PAGE_AVAIL 0xe00UL
#define _PAGE_AVAIL_HIGH 0x7ff0000000000000UL
/*
 * Set by the hypervisor on L1 entries the guest installed without US: the
 * 64-bit PV kernel runs in ring 3, so US must be forced on, and this bit
 * remembers that the mapping is the guest kernel's (Xen's meaning of bit 52).
 */
#define _PAGE_GUEST_KERNEL (1UL << 52)
#define _PAGE_CACHE_ATTRS 0x098UL /* PWT | PCD | PAT */

#define PTES_PER_TABLE 512
/* L4 slots 256-271 belong to the hypervisor in every 64-bit PV L4. */
#define PV_HYP_L4_FIRST 256
#define PV_HYP_L4_LAST 271
#define PV_HYP_L4_SLOTS (PV_HYP_L4_LAST - PV_HYP_L4_FIRST + 1)

/* Segment descriptor fields (the high dword is bits 32-63 of the entry). */
#define SEG_DESC_P (1UL << 47)
#define SEG_DESC_DPL_SHIFT 45
#define SEG_DESC_DPL (3UL << SEG_DESC_DPL_SHIFT)
#define SEG_DESC_S (1UL << 44) /* code/data rather than system */
#define SEG_DESC_TYPE_SHIFT 40
#define SEG_DESC_TYPE (0xfUL << SEG_DESC_TYPE_SHIFT)
#define SEG_TYPE_CALL_GATE64 0xcUL

#endif

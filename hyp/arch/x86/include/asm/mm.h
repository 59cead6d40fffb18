/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 page-table helpers shared by the arch code. */
#ifndef ASM_MM_H
#define ASM_MM_H

#include "types.h"
#include "asm/page.h"

#define M2P_INVALID (~0UL)

extern pte_t *idle_l4;
extern u64 *m2p_table;
extern u64 m2p_entries;

void mm_init(u64 max_ram_pa, bool have_nx);
void map_pages(pte_t *l4, u64 va, mfn_t mfn, u64 n, u64 flags);
void install_hyp_l4_slots(pte_t *l4);
/* The L1 entry of a hypervisor 4 KiB mapping made by map_pages(). */
pte_t *hyp_l1e(u64 va);
void m2p_set(mfn_t mfn, u64 pfn);

#endif

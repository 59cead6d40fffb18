/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant tables: the per-domain state behind grant_table_op and its arch hooks. */
#ifndef VESPER_GRANT_TABLE_H
#define VESPER_GRANT_TABLE_H

#include "types.h"
#include <public/grant_table.h>

struct domain;
struct page_info;
struct vcpu;

/* Xen's defaults (gnttab_max_frames, gnttab_max_maptrack_frames). */
#define GNTTAB_MAX_FRAMES 64
#define GNTTAB_MAX_MAPTRACK_FRAMES 1024
/* Most grant tables alive at once, zombies included. */
#define GNTTAB_MAX_TABLES (2 * MAX_DOMAINS)
/* Every shared grant frame of every table (the auditor's holds). */
#define GNTTAB_HYP_FRAMES_MAX (GNTTAB_MAX_TABLES * GNTTAB_MAX_FRAMES)

/* Life cycle (domain.c): a table of one frame at creation. */
int gnttab_domain_init(struct domain *d);
/* XEN_DOMCTL_createdomain's grant and maptrack frame limits (-1: default). */
long gnttab_limits_ok(s32 grant_frames, s32 maptrack_frames);
void gnttab_set_limits(struct domain *d, s32 grant_frames, s32 maptrack_frames);
/*
 * The domain is going: drop the pins of every grant it still maps
 * (the mapping references go with its page tables), before its memory is
 * relinquished.
 */
void gnttab_release_mappings(struct domain *d);
/*
 * Someone else still pins one of d's grants or maps a frame of its table:
 * a dead d must stay a zombie.
 */
bool gnttab_pinned(const struct domain *d);
/* Free the table (frames shared with d included); d is gone for good. */
void gnttab_domain_destroy(struct domain *d);

/*
 * Builder: entry ref of d's table grants frame to domid (the reserved
 * console / xenstore entries the toolstack writes on Xen).
 */
void gnttab_seed_entry(struct domain *d, unsigned int ref, domid_t domid,
                       u64 frame);

/* The machine frames of all shared grant frames, for the auditor. */
unsigned int gnttab_hyp_frames(mfn_t *out, unsigned int max);
/*
 * Every live device mapping's frame (its reference, and a writable type if
 * writable, held by the handle rather than a page table): for the auditor.
 * Returns how many; fn may be NULL to count.
 */
unsigned int gnttab_device_maps(void (*fn)(void *arg, mfn_t mfn, bool writable),
                                void *arg);

/*
 * Arch hooks (hyp/arch/x86/pv/grant_map.c). Status results are GNTST_*.
 *
 * Frames of the table: Vesper's pages, shared writable with d as
 * shared_info is; unshare returns true when the page may be freed.
 */
void arch_gnttab_share_frame(void *va, struct domain *d);
bool arch_gnttab_unshare_frame(void *va);
/* Mapped by anyone beyond Vesper's own hold and the owner's claim. */
bool arch_gnttab_frame_mapped(const void *va);
/* A writable type reference on a frame the caller holds a reference to. */
bool arch_gnttab_get_writable(struct page_info *pg);
void arch_gnttab_put_writable(struct page_info *pg);
/*
 * Write a host mapping of mfn into v's tables at addr (a VA, or with
 * GNTMAP_contains_pte an L1 entry's machine address). The entry owns the
 * general (and, unless read-only, writable type) reference the caller
 * took; the entry it replaces gives its own back.
 */
int arch_gnttab_create_host_mapping(struct vcpu *v, u64 addr, mfn_t mfn,
                                    u32 flags);
/*
 * Clear the host mapping of mfn at addr (which must map exactly it, with
 * the grant's writability), or with new_addr move v's own mapping at
 * new_addr there. The grant's references are the caller's to drop.
 */
int arch_gnttab_replace_host_mapping(struct vcpu *v, u64 addr, mfn_t mfn,
                                     u64 new_addr, u32 flags);
/* Flush the TLBs of every CPU d runs on. */
void arch_gnttab_flush(struct domain *d);
/* The hypervisor's mapping of a RAM frame. */
void *arch_gnttab_frame_va(mfn_t mfn);
/* With audit=1: recount every reference after a grant operation. */
void arch_gnttab_audit(struct domain *d, const char *what);

#endif

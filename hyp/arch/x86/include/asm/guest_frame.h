/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest frames the hypervisor keeps mapped: what the auditor must expect. */
#ifndef ASM_GUEST_FRAME_H
#define ASM_GUEST_FRAME_H

#include "types.h"

struct domain;
struct pv_audit_hold;

/* Most mappings through arch_map_guest_frame: per domain, and in all. */
#define GUEST_FRAME_MAX_PER_DOMAIN 256
#define GUEST_FRAME_MAX 4096

/*
 * The auditor checks every frame, so this lists the mappings of all
 * domains: one entry (one general, one type reference) per mapping.
 * holds has room for GUEST_FRAME_MAX; returns the number filled.
 */
unsigned int pv_guest_frame_holds(struct pv_audit_hold *holds);
/* Mappings of d's frames still held (a leak check at d's end). */
unsigned int pv_guest_frame_count(const struct domain *d);

#endif

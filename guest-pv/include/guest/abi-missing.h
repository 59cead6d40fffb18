/* SPDX-License-Identifier: MIT */
/* Temporary stand-ins for ABI definitions include/public does not have yet. */
#ifndef GUEST_ABI_MISSING_H
#define GUEST_ABI_MISSING_H

/*
 * Everything here is TEMPORARY: each entry belongs in include/public and
 * is to be deleted once it lands there. The #ifndef guards keep this file
 * harmless when the real definition already exists. Must stay usable from
 * assembly (start.S includes it).
 */
#include <public/features.h>

#endif /* GUEST_ABI_MISSING_H */

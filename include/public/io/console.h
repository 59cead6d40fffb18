/* SPDX-License-Identifier: MIT */
/* The PV console ring a domain shares with its console back end. */
#ifndef VESPER_PUBLIC_IO_CONSOLE_H
#define VESPER_PUBLIC_IO_CONSOLE_H

#include "../defs.h"

/*
 * One page, found through start_info.console.domU (mfn and event channel).
 * Two byte rings with free-running 32-bit indices; an index is reduced to
 * a position with MASK_XENCONS_IDX. The guest produces out[] (out_prod)
 * and consumes in[] (in_cons); the back end does the opposite. Each side
 * writes the data before it moves its producer index, and signals the
 * event channel after moving an index the other side may wait on.
 */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

#ifndef __ASSEMBLY__

typedef uint32_t XENCONS_RING_IDX;

struct xencons_interface {
    char in[1024];  /* back end -> guest (keyboard input) */
    char out[2048]; /* guest -> back end (console output) */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

VESPER_ABI_SIZE(xencons_interface, 3088);
VESPER_ABI_OFFSET(xencons_interface, in, 0);
VESPER_ABI_OFFSET(xencons_interface, out, 1024);
VESPER_ABI_OFFSET(xencons_interface, in_cons, 3072);
VESPER_ABI_OFFSET(xencons_interface, in_prod, 3076);
VESPER_ABI_OFFSET(xencons_interface, out_cons, 3080);
VESPER_ABI_OFFSET(xencons_interface, out_prod, 3084);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_IO_CONSOLE_H */

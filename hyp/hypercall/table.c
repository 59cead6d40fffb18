/* SPDX-License-Identifier: GPL-2.0-only */
/* The one hypercall table, generated from the public list. */
#include "errno.h"
#include "hypercall.h"
#include "lib.h"

typedef long (*hypercall_fn)(u64, u64, u64, u64, u64);

/* Families without a handler resolve to NULL and answer -ENOSYS. */
#define VESPER_HC_WEAK(num, name, nargs) \
    long do_##name(u64, u64, u64, u64, u64) __attribute__((weak));
VESPER_HYPERCALL_LIST(VESPER_HC_WEAK)
#undef VESPER_HC_WEAK

#define TABLE_SIZE \
    VESPER_NR_HYPERCALLS /* a power of two: one mask bounds any index */

static const hypercall_fn hypercall_table[TABLE_SIZE] = {
#define VESPER_HC_SLOT(num, name, nargs) [num] = do_##name,
    VESPER_HYPERCALL_LIST(VESPER_HC_SLOT)
#undef VESPER_HC_SLOT
};

long hypercall_dispatch(u64 nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    hypercall_fn fn;

    if (nr >= TABLE_SIZE)
        return -ENOSYS;
    /* Clamp the index under speculation too. */
    nr &= TABLE_SIZE - 1;
    __asm__ volatile("" : "+r"(nr));
    fn = hypercall_table[nr];
    if (!fn)
        return -ENOSYS;
    return fn(a1, a2, a3, a4, a5);
}

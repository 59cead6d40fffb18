/* SPDX-License-Identifier: GPL-2.0-only */
/* XZ (.xz container, LZMA2, x86 BCJ) single-call decoder into a flat buffer. */
#ifndef VESPER_XZ_H
#define VESPER_XZ_H

#include "types.h"

/* Xen's public errno numbers, the same values kimage.h uses. */
enum {
    XZ_OK = 0,
    XZ_E2BIG = -7,   /* output would exceed out_cap */
    XZ_ENOEXEC = -8, /* not xz, or a filter/check/option we do not support */
    XZ_EBUSY = -16,  /* unxz is already running (it is not reentrant) */
    XZ_EINVAL = -22, /* corrupt or truncated stream, bad CRC, bad index */
};

/*
 * Decode a whole .xz file: one or more streams, each optionally followed by
 * stream padding. Supported: check none/CRC32/CRC64, filter chains LZMA2 or
 * x86 BCJ + LZMA2, any number of blocks. out doubles as the LZMA2
 * dictionary, so the whole result must fit in out_cap. Nothing outside
 * in[0, in_len) and out[0, out_cap) is touched. On error *out_len is 0 and
 * out's contents are undefined; unxz_reason() says what was wrong.
 */
int unxz(const void *in, size_t in_len, void *out, size_t out_cap,
         size_t *out_len);

/* Why the last unxz call failed (a constant string), or NULL if it did not. */
const char *unxz_reason(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* LZ4 legacy-frame decoder (the format of Linux's lz4 bzImage payloads). */
#ifndef VESPER_LZ4_H
#define VESPER_LZ4_H

#include "types.h"

/* Error values are Xen's public errno numbers, as inflate.h's are. */
enum {
    LZ4_OK = 0,
    LZ4_E2BIG = -7,   /* output would exceed out_cap */
    LZ4_ENOEXEC = -8, /* input does not start with the legacy magic */
    LZ4_EINVAL = -22, /* corrupt or truncated stream */
};

/* Legacy frame magic, stored little-endian at the start of every frame. */
#define LZ4_LEGACY_MAGIC 0x184c2102u
/* Every block of a legacy frame decompresses to at most this many bytes. */
#define LZ4_LEGACY_BLOCK_MAX (8u << 20)
/* Worst-case compressed size of n input bytes (the LZ4 block bound). */
#define LZ4_COMPRESS_BOUND(n) ((n) + (n) / 255 + 16)

/*
 * Decode a legacy LZ4 stream: the magic, then blocks, each a 4-byte
 * little-endian compressed size followed by that many bytes of one
 * independent LZ4 block (no match reaches into an earlier block).  A magic
 * where a block size is expected starts a further frame, whose output
 * follows on.  The stream must end exactly at in_len, after a whole block
 * or a magic; so a bzImage caller passes the payload without its 4-byte
 * size trailer, as Linux's own decompressor does.  Neither buffer is
 * touched outside [0, len); no state beyond a few locals.  On error
 * *out_len is 0 and the output contents are undefined.
 */
int unlz4_legacy(const void *in, size_t in_len, void *out, size_t out_cap,
                 size_t *out_len);

/*
 * After a failed unlz4_legacy, what was wrong (a constant string); NULL
 * after a success.  One static pointer: callers run one decode at a time.
 */
const char *unlz4_reason(void);

#endif

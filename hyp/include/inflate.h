/* SPDX-License-Identifier: GPL-2.0-only */
/* DEFLATE (RFC 1951) decoder and gzip (RFC 1952) wrapper into a flat buffer. */
#ifndef VESPER_INFLATE_H
#define VESPER_INFLATE_H

#include "types.h"
#include "crc.h" /* crc32_update, which gunzip checks with */

/*
 * Error values match Xen's public errno numbers so callers can pass them on
 * unchanged once hyp/include/errno.h exists.
 */
enum {
    INFLATE_OK = 0,
    INFLATE_E2BIG = -7,   /* output would exceed out_cap */
    INFLATE_ENOEXEC = -8, /* not a gzip stream / unsupported method */
    INFLATE_EINVAL = -22, /* corrupt or truncated stream, bad CRC/ISIZE */
};

/*
 * Decode one raw DEFLATE stream (no zlib/gzip framing).  *in_used receives
 * the number of input bytes consumed up to and including the final block's
 * last (partial) byte.  Neither buffer is touched outside [0, len).  All
 * state lives on the stack (well under 4 KiB).
 */
int inflate_raw(const void *in, size_t in_len, size_t *in_used, void *out,
                size_t out_cap, size_t *out_len);

/*
 * Decode a gzip member: header (FEXTRA/FNAME/FCOMMENT/FHCRC honoured),
 * DEFLATE body, then CRC32 and ISIZE checks.  Bytes after the trailer are
 * ignored.  On error *out_len is 0 and the output contents are undefined.
 */
int gunzip(const void *in, size_t in_len, void *out, size_t out_cap,
           size_t *out_len);

/*
 * The trailer's ISIZE field (uncompressed size mod 2^32), taken from the last
 * four bytes of the input; 0 if the input cannot be a gzip stream.
 */
size_t gzip_isize(const void *in, size_t in_len);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: hyp/inflate.c (raw DEFLATE and gzip) with exact-size buffers. */
#include <string.h>

#include "fuzz_input.h"
#include "inflate.h"

/*
 * Input: one byte of mode (bit 0: gzip, else raw), two bytes of output
 * capacity (0 means the gzip trailer's ISIZE), then the stream.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    u8 mode = fz_u8(&f);
    size_t cap = fz_u16(&f), used = 0, out_len = 0;
    u8 *in, *out;
    int rc;

    if (!cap && (mode & 1)) {
        cap = gzip_isize(f.p, f.n);
        if (cap > (1u << 20))
            cap = 1u << 20;
    }
    /* Copies of exact size: reads or writes past either end are reports. */
    in = malloc(f.n ? f.n : 1);
    out = malloc(cap ? cap : 1);
    if (!in || !out)
        goto out;
    memcpy(in, f.p, f.n);
    if (mode & 1) {
        rc = gunzip(in, f.n, out, cap, &out_len);
        if (rc == INFLATE_OK)
            FZ_CHECK(out_len <= cap);
        else
            FZ_CHECK(out_len == 0);
    } else {
        rc = inflate_raw(in, f.n, &used, out, cap, &out_len);
        if (rc == INFLATE_OK)
            FZ_CHECK(used <= f.n && out_len <= cap);
    }
    (void)crc32_update(0, in, f.n);
out:
    free(in);
    free(out);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: hyp/lz4.c (legacy-frame LZ4) with exact-size buffers. */
#include <string.h>

#include "fuzz_input.h"
#include "lz4.h"

/*
 * Input: three bytes of output capacity (little-endian, up to 16 MiB, so
 * both a block's 8 MiB limit and a short buffer are reachable), then the
 * stream.  A stream that decodes must decode the same way again: the
 * decoder keeps no state between calls.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    size_t cap = fz_u16(&f), out_len = 0, again = 0;
    u8 *in, *out;
    int rc;

    cap |= (size_t)fz_u8(&f) << 16;
    /* Copies of exact size: reads or writes past either end are reports. */
    in = malloc(f.n ? f.n : 1);
    out = malloc(cap ? cap : 1);
    if (!in || !out)
        goto out;
    memcpy(in, f.p, f.n);
    rc = unlz4_legacy(in, f.n, out, cap, &out_len);
    FZ_CHECK(rc == LZ4_OK || rc == LZ4_E2BIG || rc == LZ4_ENOEXEC ||
             rc == LZ4_EINVAL);
    /* Every refusal says why; a success leaves no stale reason. */
    FZ_CHECK((rc == LZ4_OK) == (unlz4_reason() == NULL));
    if (rc == LZ4_OK) {
        FZ_CHECK(out_len <= cap);
        FZ_CHECK(unlz4_legacy(in, f.n, out, cap, &again) == LZ4_OK);
        FZ_CHECK(again == out_len);
    } else {
        FZ_CHECK(out_len == 0);
    }
out:
    free(in);
    free(out);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: hyp/xz.c (unxz) with exact-size input and output. */
#include <string.h>

#include "fuzz_input.h"
#include "crc.h"
#include "xz.h"

/*
 * Input: a mode byte, two bytes of output capacity (in units of 16 bytes,
 * so up to 1 MiB), then data. Mode bit 0 clear: the data is a whole .xz
 * file. Set: the data is raw LZMA2 chunks, which the target wraps in a
 * stream and block header with correct CRCs (x86 BCJ first if mode bit 1,
 * dictionary size byte = mode >> 2 mod 41), so the fuzzer reaches the LZMA
 * decoder without having to forge checksums.
 */
static size_t wrap(u8 *w, u8 mode)
{
    static const u8 magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    u8 *bh = w + 12;
    size_t n = 2;
    u32 crc;

    memcpy(w, magic, 6);
    w[6] = w[7] = 0; /* check none */
    crc = crc32_update(0, w + 6, 2);
    memcpy(w + 8, &crc, 4);
    bh[1] = mode & 2 ? 1 : 0;
    if (mode & 2) {
        bh[n++] = 0x04;
        bh[n++] = 0;
    }
    bh[n++] = 0x21;
    bh[n++] = 1;
    bh[n++] = (u8)((mode >> 2) % 41);
    while ((n + 4) & 3)
        bh[n++] = 0;
    bh[0] = (u8)((n + 4) / 4 - 1);
    crc = crc32_update(0, bh, n);
    memcpy(bh + n, &crc, 4);
    return 12 + n + 4;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    u8 mode = fz_u8(&f), hdr[32];
    size_t cap = (size_t)fz_u16(&f) * 16, hlen = 0, out_len = 1;
    u8 *in, *out;
    int rc;

    if (mode & 1)
        hlen = wrap(hdr, mode);
    /* Exact-size copies: an access past either end is an ASan report. */
    in = malloc(hlen + f.n ? hlen + f.n : 1);
    out = malloc(cap ? cap : 1);
    if (!in || !out)
        goto out;
    memcpy(in, hdr, hlen);
    memcpy(in + hlen, f.p, f.n);
    rc = unxz(in, hlen + f.n, out, cap, &out_len);
    FZ_CHECK(rc == XZ_OK || rc == XZ_E2BIG || rc == XZ_ENOEXEC ||
             rc == XZ_EINVAL);
    if (rc == XZ_OK) {
        FZ_CHECK(out_len <= cap && unxz_reason() == NULL);
    } else {
        FZ_CHECK(out_len == 0 && unxz_reason() != NULL);
    }
out:
    free(in);
    free(out);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/inflate.c against vectors made by the host's gzip. */
#include <time.h>

#include "harness.h"
#include "testutil.h"

/*
 * "test_inflate --gen DIR" writes the raw inputs; unit.mk then runs gzip
 * over them and passes DIR as the first argument of the real run.
 */
static const struct {
    const char *name;
    size_t size;
    int kind; /* 0 text-like, 1 random, 2 highly repetitive */
} vectors[] = {
    { "empty", 0, 0 },
    { "one", 1, 0 },
    { "text", 300 * 1024, 0 },
    { "random", 256 * 1024, 1 },
    { "big", 1024 * 1024, 2 },
    { "small", 16 * 1024, 0 },
    { "bench", 10 * 1024 * 1024, 0 },
};

static int gen_main(int argc, char **argv)
{
    size_t i;

    if (argc < 3 || strcmp(argv[1], "--gen"))
        return -1;
    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        char path[4096];
        u8 *buf = malloc(vectors[i].size + 1);

        tu_gen_data(buf, vectors[i].size, vectors[i].kind, 0x1234 + i);
        snprintf(path, sizeof(path), "%s/%s.bin", argv[2], vectors[i].name);
        if (tu_write_file(path, buf, vectors[i].size)) {
            perror(path);
            return 1;
        }
        free(buf);
    }
    return 0;
}

__attribute__((constructor)) static void set_pre_main(void)
{
    unit_pre_main = gen_main;
}

static const char *vec_dir(void)
{
    return unit_arg(0);
}

static u8 *load_vec(const char *name, const char *suffix, size_t *len)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s%s", vec_dir(), name, suffix);
    return tu_read_file(path, len);
}

TEST(crc32_known_value)
{
    CHECK_EQ(crc32_update(0, "123456789", 9), 0xcbf43926u);
    CHECK_EQ(crc32_update(0, "", 0), 0);
    /* Incremental use must match one-shot. */
    CHECK_EQ(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

/* Every vector at every level decodes to exactly the original bytes. */
TEST(gzip_vectors)
{
    static const char *const sfx[] = { ".1.gz", ".9.gz", ".6n.gz" };
    size_t i, j;

    if (!vec_dir())
        SKIP("no vector directory given");
    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        size_t rawlen, gzlen, outlen = 12345;
        u8 *raw = load_vec(vectors[i].name, ".bin", &rawlen);

        CHECK(raw != NULL);
        if (!raw)
            continue;
        for (j = 0; j < 3; j++) {
            u8 *gz = load_vec(vectors[i].name, sfx[j], &gzlen), *out;
            int rc;

            CHECK(gz != NULL);
            if (!gz)
                continue;
            CHECK_EQ(gzip_isize(gz, gzlen), rawlen);
            /* Exact-size heap buffer: ASan flags any write past out_cap. */
            out = malloc(rawlen ? rawlen : 1);
            rc = gunzip(gz, gzlen, out, rawlen, &outlen);
            if (rc)
                printf("  %s%s: rc %d\n", vectors[i].name, sfx[j], rc);
            CHECK_EQ(rc, 0);
            CHECK_EQ(outlen, rawlen);
            CHECK(rawlen == 0 || !memcmp(out, raw, rawlen));
            /* One byte short must fail cleanly with E2BIG. */
            if (rawlen) {
                rc = gunzip(gz, gzlen, out, rawlen - 1, &outlen);
                CHECK_EQ(rc, INFLATE_E2BIG);
                CHECK_EQ(outlen, 0);
            }
            free(out);
            free(gz);
        }
        free(raw);
    }
}

/* Corrupted CRC/ISIZE and every kind of truncation must be rejected. */
TEST(gzip_corruption_rejected)
{
    size_t rawlen, gzlen, outlen, cut;
    u8 *raw, *gz, *out, *copy;

    if (!vec_dir())
        SKIP("no vector directory given");
    raw = load_vec("small", ".bin", &rawlen);
    gz = load_vec("small", ".9.gz", &gzlen);
    CHECK(raw && gz);
    if (!raw || !gz)
        return;
    out = malloc(rawlen + 64);
    copy = malloc(gzlen);

    memcpy(copy, gz, gzlen);
    copy[gzlen - 8] ^= 1; /* CRC32 */
    CHECK_EQ(gunzip(copy, gzlen, out, rawlen + 64, &outlen), INFLATE_EINVAL);
    memcpy(copy, gz, gzlen);
    copy[gzlen - 4] ^= 1; /* ISIZE */
    CHECK_EQ(gunzip(copy, gzlen, out, rawlen + 64, &outlen), INFLATE_EINVAL);
    memcpy(copy, gz, gzlen);
    copy[2] = 7; /* method */
    CHECK_EQ(gunzip(copy, gzlen, out, rawlen + 64, &outlen), INFLATE_ENOEXEC);
    memcpy(copy, gz, gzlen);
    copy[3] |= 0x20; /* reserved flag */
    CHECK_EQ(gunzip(copy, gzlen, out, rawlen + 64, &outlen), INFLATE_EINVAL);
    memcpy(copy, gz, gzlen);
    copy[0] = 0x1e;
    CHECK_EQ(gunzip(copy, gzlen, out, rawlen + 64, &outlen), INFLATE_ENOEXEC);

    /* Every truncation, into exact-size heap copies so ASan sees overreads. */
    for (cut = 0; cut < gzlen; cut++) {
        u8 *t = malloc(cut ? cut : 1);

        memcpy(t, gz, cut);
        if (gunzip(t, cut, out, rawlen + 64, &outlen) == 0)
            unit_fail(__FILE__, __LINE__, "truncated to %zu accepted", cut);
        free(t);
    }
    free(out);
    free(copy);
    free(raw);
    free(gz);
}

/* Header with FTEXT|FHCRC|FEXTRA|FNAME|FCOMMENT around a real deflate body. */
TEST(gzip_all_header_flags)
{
    size_t rawlen, gzlen, outlen, body_off, o;
    u8 *raw, *gz, *out, *hdr;
    u32 crc;

    if (!vec_dir())
        SKIP("no vector directory given");
    raw = load_vec("text", ".bin", &rawlen);
    gz = load_vec("text", ".6n.gz", &gzlen); /* -n: no FNAME, body at 10 */
    CHECK(raw && gz);
    if (!raw || !gz)
        return;
    CHECK_EQ(gz[3], 0);
    body_off = 10;
    hdr = malloc(gzlen + 64);
    memcpy(hdr, gz, 10);
    hdr[3] = 0x1f;
    o = 10;
    hdr[o++] = 5;
    hdr[o++] = 0;
    memcpy(hdr + o, "AB\3\0z", 5);
    o += 5;
    memcpy(hdr + o, "name.txt", 9);
    o += 9;
    memcpy(hdr + o, "a comment", 10);
    o += 10;
    crc = crc32_update(0, hdr, o);
    hdr[o++] = (u8)crc;
    hdr[o++] = (u8)(crc >> 8);
    memcpy(hdr + o, gz + body_off, gzlen - body_off);
    out = malloc(rawlen);
    CHECK_EQ(gunzip(hdr, o + gzlen - body_off, out, rawlen, &outlen), 0);
    CHECK_EQ(outlen, rawlen);
    CHECK(!memcmp(out, raw, rawlen));

    /* A wrong header CRC is caught. */
    hdr[o - 1] ^= 0x40;
    CHECK_EQ(gunzip(hdr, o + gzlen - body_off, out, rawlen, &outlen),
             INFLATE_EINVAL);
    /* FNAME running off the end of the input. */
    hdr[3] = 0x08;
    memset(hdr + 10, 'x', 30);
    CHECK(gunzip(hdr, 40, out, rawlen, &outlen) != 0);
    free(out);
    free(hdr);
    free(raw);
    free(gz);
}

TEST(stored_blocks)
{
    size_t n = 200000, gzlen, outlen, i;
    u8 *data = malloc(n), *gz = malloc(n + n / 65535 * 5 + 32), *out;

    for (i = 0; i < n; i++)
        data[i] = (u8)(i * 31 + (i >> 9));
    gzlen = tu_gzip_stored(gz, data, n);
    out = malloc(n);
    CHECK_EQ(gunzip(gz, gzlen, out, n, &outlen), 0);
    CHECK_EQ(outlen, n);
    CHECK(!memcmp(out, data, n));
    /* LEN/NLEN mismatch. */
    gz[12] ^= 1;
    CHECK_EQ(gunzip(gz, gzlen, out, n, &outlen), INFLATE_EINVAL);
    /* Empty stored stream. */
    gzlen = tu_gzip_stored(gz, data, 0);
    CHECK_EQ(gunzip(gz, gzlen, out, 0, &outlen), 0);
    CHECK_EQ(outlen, 0);
    free(data);
    free(gz);
    free(out);
}

/* A little LSB-first bit writer for hand-made deflate streams. */
struct bitw {
    u8 buf[256];
    size_t bits;
};

static void putbits(struct bitw *w, u32 v, unsigned int n)
{
    while (n--) {
        if (v & 1)
            w->buf[w->bits / 8] |= (u8)(1u << (w->bits % 8));
        w->bits++;
        v >>= 1;
    }
}

/* Huffman codes are sent MSB first. */
static void putcode(struct bitw *w, u32 code, unsigned int len)
{
    while (len--)
        putbits(w, (code >> len) & 1, 1);
}

static int raw_inflate(struct bitw *w, u8 *out, size_t cap, size_t *outlen)
{
    size_t used;

    return inflate_raw(w->buf, (w->bits + 7) / 8, &used, out, cap, outlen);
}

TEST(fixed_block_handmade)
{
    struct bitw w = { { 0 }, 0 };
    u8 out[64];
    size_t n;

    /* "ab" then a copy of length 4 at distance 2, end of block: "ababab". */
    putbits(&w, 1, 1);
    putbits(&w, 1, 2);
    putcode(&w, 0x30 + 'a', 8);
    putcode(&w, 0x30 + 'b', 8);
    putcode(&w, 2, 7); /* 258: length 4 */
    putcode(&w, 1, 5); /* distance code 1: 2 */
    putcode(&w, 0, 7); /* 256 */
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), 0);
    CHECK_EQ(n, 6);
    CHECK(!memcmp(out, "ababab", 6));
    /* The same stream into a 5-byte buffer. */
    CHECK_EQ(raw_inflate(&w, out, 5, &n), INFLATE_E2BIG);
}

TEST(distance_before_start_rejected)
{
    struct bitw w = { { 0 }, 0 };
    u8 out[64];
    size_t n;

    putbits(&w, 1, 1);
    putbits(&w, 1, 2);
    putcode(&w, 0x30 + 'a', 8);
    putcode(&w, 1, 7); /* 257: length 3 */
    putcode(&w, 1, 5); /* distance 2 > 1 byte written */
    putcode(&w, 0, 7);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);
}

TEST(invalid_fixed_symbols_rejected)
{
    struct bitw w = { { 0 }, 0 };
    u8 out[64];
    size_t n;

    /* Distance code 30 is reserved. */
    putbits(&w, 1, 1);
    putbits(&w, 1, 2);
    putcode(&w, 0x30 + 'a', 8);
    putcode(&w, 1, 7);
    putcode(&w, 30, 5);
    putcode(&w, 0, 7);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);

    /* Literal/length 286 (fixed code 11000110) is reserved. */
    memset(&w, 0, sizeof(w));
    putbits(&w, 1, 1);
    putbits(&w, 1, 2);
    putcode(&w, 0xc6, 8);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);

    /* Block type 3. */
    memset(&w, 0, sizeof(w));
    putbits(&w, 1, 1);
    putbits(&w, 3, 2);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);

    /* No end-of-block before the input runs out. */
    memset(&w, 0, sizeof(w));
    putbits(&w, 1, 1);
    putbits(&w, 1, 2);
    putcode(&w, 0x30 + 'a', 8);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);
}

static void dyn_header(struct bitw *w, const u8 *cl, unsigned int hclen)
{
    static const u8 order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                  11, 4,  12, 3, 13, 2, 14, 1, 15 };
    unsigned int i;

    putbits(w, 1, 1);
    putbits(w, 2, 2);
    putbits(w, 0, 5); /* HLIT 257 */
    putbits(w, 0, 5); /* HDIST 1 */
    putbits(w, hclen - 4, 4);
    for (i = 0; i < hclen; i++)
        putbits(w, cl[order[i]], 3);
}

TEST(bad_huffman_codes_rejected)
{
    struct bitw w = { { 0 }, 0 };
    u8 cl[19], out[64];
    size_t n;

    /* Over-subscribed: three code-length codes of length 1. */
    memset(cl, 0, sizeof(cl));
    cl[0] = cl[8] = cl[16] = 1;
    dyn_header(&w, cl, 19);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);

    /* Incomplete: a single code-length code of length 2. */
    memset(&w, 0, sizeof(w));
    memset(cl, 0, sizeof(cl));
    cl[8] = 2;
    dyn_header(&w, cl, 19);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);

    /* Repeat (16) with no previous length. */
    memset(&w, 0, sizeof(w));
    memset(cl, 0, sizeof(cl));
    cl[16] = 1;
    cl[8] = 1;
    dyn_header(&w, cl, 19);
    putcode(&w, 1, 1); /* symbol 16 (codes: 8 -> 0, 16 -> 1) */
    putbits(&w, 0, 2);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), INFLATE_EINVAL);
}

TEST(dynamic_block_handmade)
{
    /*
     * Literal/length code: 'a' and 256 with one bit each, one distance code
     * of one bit (the permitted incomplete case).  Lengths sent with
     * code-length codes 0 -> "0", 1 -> "10", 18 -> "11" (all length 2
     * except symbol 0 of length 1).
     */
    struct bitw w = { { 0 }, 0 };
    static const u8 order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                  11, 4,  12, 3, 13, 2, 14, 1, 15 };
    u8 cl[19] = { 0 }, out[64];
    unsigned int i;
    size_t n;

    cl[0] = 1;
    cl[1] = 2;
    cl[18] = 2;
    putbits(&w, 1, 1);
    putbits(&w, 2, 2);
    putbits(&w, 0, 5);
    putbits(&w, 0, 5);
    putbits(&w, 19 - 4, 4);
    for (i = 0; i < 19; i++)
        putbits(&w, cl[order[i]], 3);
    /* 97 zeros: 18 with 86 (11+86=97). */
    putcode(&w, 3, 2);
    putbits(&w, 86, 7);
    putcode(&w, 2, 2); /* 'a' (97): length 1 */
    /* 158 zeros: 18 x 138 then 18 x 20. */
    putcode(&w, 3, 2);
    putbits(&w, 127, 7);
    putcode(&w, 3, 2);
    putbits(&w, 9, 7);
    putcode(&w, 2, 2); /* 256: length 1 */
    putcode(&w, 2, 2); /* distance 0: length 1 */
    /* Data: a a a 256 */
    putcode(&w, 0, 1);
    putcode(&w, 0, 1);
    putcode(&w, 0, 1);
    putcode(&w, 1, 1);
    CHECK_EQ(raw_inflate(&w, out, sizeof(out), &n), 0);
    CHECK_EQ(n, 3);
    CHECK(!memcmp(out, "aaa", 3));
}

TEST(not_gzip)
{
    u8 out[16];
    size_t n;

    CHECK_EQ(gunzip("hello world, not gzip", 21, out, 16, &n), INFLATE_ENOEXEC);
    CHECK_EQ(gunzip("", 0, out, 16, &n), INFLATE_ENOEXEC);
    CHECK_EQ(gzip_isize("\x1f\x8b", 2), 0);
}

TEST(benchmark_10mb)
{
    size_t rawlen, gzlen, outlen;
    u8 *gz, *out;
    struct timespec a, b;
    double secs;

    if (!vec_dir())
        SKIP("no vector directory given");
    gz = load_vec("bench", ".6n.gz", &gzlen);
    CHECK(gz != NULL);
    if (!gz)
        return;
    rawlen = gzip_isize(gz, gzlen);
    out = malloc(rawlen);
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK_EQ(gunzip(gz, gzlen, out, rawlen, &outlen), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    secs =
        (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    /* Informational only: this build is sanitized and at -O1. */
    printf("  gunzip %zu -> %zu bytes in %.3f s (%.1f MB/s)\n", gzlen, outlen,
           secs, (double)outlen / 1e6 / secs);
    free(out);
    free(gz);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/lz4.c against vectors made by the host's "lz4 -l". */
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "testutil.h"
#include "lz4.h"
#include "kimage.h"
#include "host_shim.h"

/*
 * "test_lz4 --gen DIR" writes the raw inputs; unit.mk compresses each with
 * "lz4 -l -1" and "lz4 -l -9" (the legacy frame, as Linux's build makes
 * it) and passes DIR as the first argument of the real run.  The second
 * argument is where a real Debian cloud-amd64 vmlinuz may be.
 */
static const struct {
    const char *name;
    size_t size;
    int kind; /* 0 text-like, 1 random, 2 highly repetitive */
} vectors[] = {
    { "empty", 0, 0 },
    { "one", 1, 0 },
    { "twelve", 12, 2 },
    { "small", 16 * 1024, 0 },
    { "text", 300 * 1024, 0 },
    { "random", 256 * 1024, 1 },
    { "repeat", 1024 * 1024, 2 },
    /* Several 8 MiB blocks: two full ones and a short one. */
    { "multi", 20 * 1024 * 1024, 0 },
    /* Exactly two blocks; incompressible, so blocks near the bound. */
    { "multirand", 16 * 1024 * 1024, 1 },
};
#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

static const char *const levels[] = { ".1.lz4", ".9.lz4" };

static int gen_main(int argc, char **argv)
{
    size_t i;

    if (argc < 3 || strcmp(argv[1], "--gen"))
        return -1;
    for (i = 0; i < NVEC; i++) {
        char path[4096];
        u8 *buf = malloc(vectors[i].size + 1);

        tu_gen_data(buf, vectors[i].size, vectors[i].kind, 0x4c5a34 + i);
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

static u8 *load_vec(const char *name, const char *suffix, size_t *len)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s%s", unit_arg(0), name, suffix);
    return tu_read_file(path, len);
}

/* Decode into an exact-size heap buffer, so ASan sees any stray write. */
static int decode(const u8 *in, size_t in_len, size_t cap, u8 **out,
                  size_t *out_len)
{
    *out = malloc(cap ? cap : 1);
    *out_len = 12345;
    return unlz4_legacy(in, in_len, *out, cap, out_len);
}

/* Offsets where each block ends (the stream's cut points), and count. */
static size_t block_ends(const u8 *in, size_t len, size_t *ends, size_t max)
{
    size_t pos = 4, n = 0;

    while (pos + 4 <= len && n < max) {
        u32 size = in[pos] | (in[pos + 1] << 8) | (in[pos + 2] << 16) |
                   ((u32)in[pos + 3] << 24);

        pos += 4 + size;
        ends[n++] = pos;
    }
    return n;
}

/* Every vector at both levels decodes to exactly the original bytes. */
TEST(lz4_vectors_round_trip)
{
    size_t i, j;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    for (i = 0; i < NVEC; i++) {
        size_t rawlen, zlen, outlen;
        u8 *raw = load_vec(vectors[i].name, ".bin", &rawlen);

        CHECK(raw != NULL);
        if (!raw)
            continue;
        CHECK_EQ(rawlen, vectors[i].size);
        for (j = 0; j < 2; j++) {
            u8 *z = load_vec(vectors[i].name, levels[j], &zlen), *out;
            size_t ends[8], nblocks;
            int rc;

            CHECK(z != NULL);
            if (!z)
                continue;
            nblocks = block_ends(z, zlen, ends, 8);
            /* lz4 -l cuts its input into 8 MiB blocks. */
            CHECK_EQ(nblocks, (rawlen + LZ4_LEGACY_BLOCK_MAX - 1) /
                                  LZ4_LEGACY_BLOCK_MAX);
            CHECK(nblocks == 0 || ends[nblocks - 1] == zlen);
            rc = decode(z, zlen, rawlen, &out, &outlen);
            if (rc)
                printf("  %s%s: rc %d\n", vectors[i].name, levels[j], rc);
            CHECK_EQ(rc, LZ4_OK);
            CHECK_EQ(outlen, rawlen);
            CHECK(rawlen == 0 || !memcmp(out, raw, rawlen));
            free(out);
            /* One byte short of room: E2BIG, nothing reported written. */
            if (rawlen) {
                rc = decode(z, zlen, rawlen - 1, &out, &outlen);
                CHECK_EQ(rc, LZ4_E2BIG);
                CHECK_EQ(outlen, 0);
                free(out);
            }
            free(z);
        }
        free(raw);
    }
}

/*
 * The truncation rule: a stream cut inside the magic is not a legacy
 * stream (ENOEXEC); cut right after the magic or after a whole block it is
 * a valid shorter stream, decoding to the output of the blocks it keeps;
 * cut anywhere else it is corrupt (EINVAL).
 */
static void check_cut(const u8 *z, size_t cut, const u8 *raw, size_t rawlen,
                      const size_t *ends, size_t nblocks)
{
    u8 *t = malloc(cut ? cut : 1), *out;
    size_t outlen, k, want = 0;
    int rc, expect = LZ4_EINVAL;

    memcpy(t, z, cut);
    if (cut < 4)
        expect = LZ4_ENOEXEC;
    else if (cut == 4)
        expect = LZ4_OK;
    for (k = 0; k < nblocks; k++)
        if (ends[k] == cut) {
            expect = LZ4_OK;
            want = (k + 1) * LZ4_LEGACY_BLOCK_MAX;
            if (want > rawlen)
                want = rawlen;
        }
    rc = decode(t, cut, rawlen, &out, &outlen);
    if (rc != expect)
        unit_fail(__FILE__, __LINE__, "cut at %zu: rc %d, want %d", cut, rc,
                  expect);
    else if (rc == LZ4_OK && (outlen != want || memcmp(out, raw, want)))
        unit_fail(__FILE__, __LINE__, "cut at %zu: %zu bytes, want %zu", cut,
                  outlen, want);
    else if (rc && outlen)
        unit_fail(__FILE__, __LINE__, "cut at %zu: out_len %zu on error", cut,
                  outlen);
    free(out);
    free(t);
}

TEST(lz4_every_truncation_small)
{
    static const char *const names[] = { "empty", "one", "twelve", "small" };
    size_t i, j, cut;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    for (i = 0; i < 4; i++) {
        size_t rawlen, zlen, ends[8], nblocks;
        u8 *raw = load_vec(names[i], ".bin", &rawlen);

        for (j = 0; j < 2 && raw; j++) {
            u8 *z = load_vec(names[i], levels[j], &zlen);

            CHECK(z != NULL);
            if (!z)
                continue;
            nblocks = block_ends(z, zlen, ends, 8);
            for (cut = 0; cut <= zlen; cut++)
                check_cut(z, cut, raw, rawlen, ends, nblocks);
            free(z);
        }
        CHECK(raw != NULL);
        free(raw);
    }
}

/* The multi-block vector, cut at and around every block boundary. */
TEST(lz4_truncation_at_block_boundaries)
{
    size_t rawlen, zlen, ends[8], nblocks, k;
    u8 *raw, *z;
    long d;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    raw = load_vec("multi", ".bin", &rawlen);
    z = load_vec("multi", ".9.lz4", &zlen);
    CHECK(raw && z);
    if (!raw || !z)
        return;
    nblocks = block_ends(z, zlen, ends, 8);
    CHECK_EQ(nblocks, 3);
    for (k = 0; k < nblocks; k++)
        for (d = -5; d <= 5; d++)
            if ((long)ends[k] + d <= (long)zlen)
                check_cut(z, (size_t)((long)ends[k] + d), raw, rawlen, ends,
                          nblocks);
    free(raw);
    free(z);
}

/* Flipped bits: any result but a crash; success only within the cap. */
TEST(lz4_bit_flips_never_crash)
{
    size_t rawlen, zlen, i, outlen, ok = 0;
    u8 *raw, *z, *out;
    u64 seed = 77;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    raw = load_vec("small", ".bin", &rawlen);
    z = load_vec("small", ".9.lz4", &zlen);
    CHECK(raw && z);
    if (!raw || !z)
        return;
    out = malloc(rawlen);
    for (i = 0; i < 3000 + zlen * 8 / 4; i++) {
        /* All bits of the first 600 bytes, then random ones. */
        size_t bit = i < 4800 && i / 8 < zlen ? i : tu_rand(&seed) % (zlen * 8);
        int rc;

        z[bit / 8] ^= (u8)(1u << (bit % 8));
        outlen = 0;
        rc = unlz4_legacy(z, zlen, out, rawlen, &outlen);
        CHECK(rc == LZ4_OK || rc == LZ4_EINVAL || rc == LZ4_E2BIG ||
              rc == LZ4_ENOEXEC);
        if (rc == LZ4_OK) {
            ok++;
            CHECK(outlen <= rawlen);
        } else {
            CHECK_EQ(outlen, 0);
        }
        z[bit / 8] ^= (u8)(1u << (bit % 8));
    }
    printf("  %zu of the flipped streams still decoded\n", ok);
    CHECK_EQ(unlz4_legacy(z, zlen, out, rawlen, &outlen), LZ4_OK);
    CHECK(!memcmp(out, raw, rawlen));
    free(out);
    free(raw);
    free(z);
}

/* ------------------------------------------------- hand-built streams */
struct lz4w {
    u8 buf[1 << 16];
    size_t len;
    size_t size_at; /* where the open block's size goes */
};

static void w_bytes(struct lz4w *w, const void *p, size_t n)
{
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void w_byte(struct lz4w *w, unsigned int b)
{
    w->buf[w->len++] = (u8)b;
}

static void w_magic(struct lz4w *w)
{
    tu_put32(w->buf + w->len, LZ4_LEGACY_MAGIC);
    w->len += 4;
}

static void w_begin(struct lz4w *w)
{
    w->size_at = w->len;
    w->len += 4;
}

static void w_end(struct lz4w *w)
{
    tu_put32(w->buf + w->size_at, (u32)(w->len - w->size_at - 4));
}

/* A length's continuation bytes for a nibble of 15. */
static void w_ext(struct lz4w *w, size_t extra)
{
    while (extra >= 255) {
        w_byte(w, 255);
        extra -= 255;
    }
    w_byte(w, (unsigned int)extra);
}

/* One sequence: literals, then a match unless mlen is 0. */
static void w_seq(struct lz4w *w, const char *lit, size_t off, size_t mlen)
{
    size_t n = strlen(lit);
    size_t m = mlen ? mlen - 4 : 0;

    w_byte(w, (unsigned int)((n < 15 ? n : 15) << 4 | (m < 15 ? m : 15)));
    if (n >= 15)
        w_ext(w, n - 15);
    w_bytes(w, lit, n);
    if (!mlen)
        return;
    w_byte(w, (unsigned int)(off & 0xff));
    w_byte(w, (unsigned int)(off >> 8));
    if (m >= 15)
        w_ext(w, m - 15);
}

static struct lz4w *w_new(void)
{
    struct lz4w *w = calloc(1, sizeof(*w));

    w_magic(w);
    w_begin(w);
    return w;
}

static int w_decode(struct lz4w *w, size_t cap, u8 **out, size_t *outlen)
{
    return decode(w->buf, w->len, cap, out, outlen);
}

/* Run a one-block stream into a roomy buffer; free everything. */
static int w_rc(struct lz4w *w)
{
    size_t outlen;
    u8 *out;
    int rc;

    w_end(w);
    rc = w_decode(w, 1024, &out, &outlen);
    free(out);
    free(w);
    return rc;
}

TEST(lz4_handmade_valid)
{
    struct lz4w *w = w_new();
    size_t outlen;
    u8 *out;

    /* A match at exactly the output written so far, then the tail. */
    w_seq(w, "abcd", 4, 8);
    w_seq(w, "efghi", 0, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, 17, &out, &outlen), LZ4_OK);
    CHECK_EQ(outlen, 17);
    CHECK(!memcmp(out, "abcdabcdabcdefghi", 17));
    free(out);
    /* The same into 16 bytes. */
    CHECK_EQ(w_decode(w, 16, &out, &outlen), LZ4_E2BIG);
    CHECK_EQ(outlen, 0);
    free(out);
    free(w);

    /* Overlapping copies: offsets 1 and 3 with long lengths. */
    w = w_new();
    w_seq(w, "x", 1, 300);
    w_seq(w, "abc", 3, 40);
    w_seq(w, "12345", 0, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, 400, &out, &outlen), LZ4_OK);
    CHECK_EQ(outlen, 1 + 300 + 3 + 40 + 5);
    {
        u8 want[349];
        size_t i;

        memset(want, 'x', 301);
        for (i = 0; i < 43; i++)
            want[301 + i] = (u8) "abc"[i % 3];
        memcpy(want + 344, "12345", 5);
        CHECK(!memcmp(out, want, sizeof(want)));
    }
    free(out);
    free(w);

    /* A block of one empty sequence, and a magic-only stream. */
    w = w_new();
    w_byte(w, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, 0, &out, &outlen), LZ4_OK);
    CHECK_EQ(outlen, 0);
    free(out);
    CHECK_EQ(decode(w->buf, 4, 0, &out, &outlen), LZ4_OK);
    CHECK_EQ(outlen, 0);
    free(out);
    free(w);

    /* Two frames back to back: the second's output follows the first's. */
    w = w_new();
    w_seq(w, "first", 0, 0);
    w_end(w);
    w_magic(w);
    w_begin(w);
    w_seq(w, "second", 0, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, 11, &out, &outlen), LZ4_OK);
    CHECK_EQ(outlen, 11);
    CHECK(!memcmp(out, "firstsecond", 11));
    free(out);
    free(w);
}

TEST(lz4_handmade_hostile_offsets)
{
    struct lz4w *w = w_new();

    /* Offset 0. */
    w_seq(w, "abcd", 0, 8);
    w_seq(w, "efghi", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    CHECK_STR(unlz4_reason(), "match offset 0");
    /* One byte before the output's start. */
    w = w_new();
    w_seq(w, "abcd", 5, 8);
    w_seq(w, "efghi", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    CHECK_STR(unlz4_reason(), "a match offset before the block's start");
    /* The largest offset, far before the start. */
    w = w_new();
    w_seq(w, "abcd", 0xffff, 8);
    w_seq(w, "efghi", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    /* A match as the very first thing in a block. */
    w = w_new();
    w_seq(w, "", 1, 8);
    w_seq(w, "efghi", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    /*
     * Blocks are independent: a second block's match may not reach into
     * the first block's output, though that output lies right before it.
     */
    w = w_new();
    w_seq(w, "0123456789abcdef", 0, 0);
    w_end(w);
    w_begin(w);
    w_seq(w, "ab", 6, 8);
    w_seq(w, "0123456789ab", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
}

TEST(lz4_handmade_hostile_lengths)
{
    struct lz4w *w = w_new();
    size_t i, outlen;
    u8 *out;

    /* A literal run of 255s that runs out of input. */
    w_byte(w, 0xf0);
    for (i = 0; i < 1000; i++)
        w_byte(w, 255);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    /* A literal length longer than what is left of the block. */
    w = w_new();
    w_byte(w, 0xf0);
    w_byte(w, 255);
    w_byte(w, 10);
    w_bytes(w, "only a few bytes", 16);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    /* Literals that run past the block into the next block's header. */
    w = w_new();
    w_byte(w, 0x80);
    w_bytes(w, "1234", 4);
    w_end(w);
    w_begin(w);
    w_seq(w, "5678", 0, 0);
    w_end(w);
    {
        u8 *o;

        CHECK_EQ(w_decode(w, 64, &o, &outlen), LZ4_EINVAL);
        free(o);
        free(w);
    }
    /* A match longer than a legacy block may be (8 MiB). */
    w = w_new();
    w_seq(w, "a", 1, LZ4_LEGACY_BLOCK_MAX);
    w_seq(w, "abcde", 0, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, LZ4_LEGACY_BLOCK_MAX + 64, &out, &outlen), LZ4_EINVAL);
    free(out);
    /* One byte less fits in a block, with the literals of its tail. */
    free(w);
    w = w_new();
    w_seq(w, "a", 1, LZ4_LEGACY_BLOCK_MAX - 6);
    w_seq(w, "abcde", 0, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, LZ4_LEGACY_BLOCK_MAX, &out, &outlen), LZ4_OK);
    CHECK_EQ(outlen, LZ4_LEGACY_BLOCK_MAX);
    free(out);
    /* That block into a smaller buffer: the buffer's limit, E2BIG. */
    CHECK_EQ(w_decode(w, 4096, &out, &outlen), LZ4_E2BIG);
    free(out);
    free(w);
    /* A match past the end of out_cap in a tiny buffer. */
    w = w_new();
    w_seq(w, "abcd", 4, 100);
    w_seq(w, "efghi", 0, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, 64, &out, &outlen), LZ4_E2BIG);
    free(out);
    free(w);
    /* The offset cut off by the block's end. */
    w = w_new();
    w_seq(w, "abcd", 0, 0);
    w_byte(w, 4);
    w->buf[w->size_at + 4] = 0x44;
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    /* The match length's continuation cut off by the block's end. */
    w = w_new();
    w_seq(w, "abcd", 4, 4);
    w->buf[w->size_at + 4] = 0x4f;
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
}

TEST(lz4_handmade_end_conditions)
{
    struct lz4w *w = w_new();

    /* A block that ends on a match. */
    w_seq(w, "abcd", 4, 20);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    CHECK_STR(unlz4_reason(), "a block ends on a match");
    /* Only four literals after the last match (five are required). */
    w = w_new();
    w_seq(w, "abcd", 4, 20);
    w_seq(w, "wxyz", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    /* The last match starting 11 bytes before the end (12 required). */
    w = w_new();
    w_seq(w, "abcd", 4, 6);
    w_seq(w, "vwxyz", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    CHECK_STR(unlz4_reason(), "a block's end breaks the format's end rules");
    /* 12 bytes before the end, five literals: fine. */
    w = w_new();
    w_seq(w, "abcd", 4, 7);
    w_seq(w, "vwxyz", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_OK);
    CHECK(unlz4_reason() == NULL);
    /* A block without matches may be shorter than five bytes. */
    w = w_new();
    w_seq(w, "ab", 0, 0);
    CHECK_EQ(w_rc(w), LZ4_OK);
}

TEST(lz4_handmade_framing)
{
    struct lz4w *w = w_new();
    size_t outlen;
    u8 *out;

    /* Not the legacy magic (the modern frame's magic), or too short. */
    w->len = 0;
    tu_put32(w->buf, 0x184d2204);
    w->len = 4;
    w_begin(w);
    w_seq(w, "abc", 0, 0);
    w_end(w);
    CHECK_EQ(w_decode(w, 64, &out, &outlen), LZ4_ENOEXEC);
    free(out);
    CHECK_EQ(decode(w->buf, 3, 64, &out, &outlen), LZ4_ENOEXEC);
    free(out);
    free(w);
    /* Block size 0. */
    w = w_new();
    CHECK_EQ(w_rc(w), LZ4_EINVAL);
    /* Block size above LZ4_compressBound(8 MiB), with that much input. */
    {
        size_t big = LZ4_COMPRESS_BOUND(LZ4_LEGACY_BLOCK_MAX) + 1;
        u8 *in = calloc(1, big + 8);

        tu_put32(in, LZ4_LEGACY_MAGIC);
        tu_put32(in + 4, (u32)big);
        in[8] = 0xf0;
        CHECK_EQ(decode(in, big + 8, 64, &out, &outlen), LZ4_EINVAL);
        free(out);
        /* An incompressible 8 MiB block, near the bound, is fine. */
        tu_put32(in + 4, (u32)(1 + (LZ4_LEGACY_BLOCK_MAX - 15) / 255 + 1 +
                               LZ4_LEGACY_BLOCK_MAX));
        memset(in + 9, 255, (LZ4_LEGACY_BLOCK_MAX - 15) / 255);
        in[9 + (LZ4_LEGACY_BLOCK_MAX - 15) / 255] =
            (u8)((LZ4_LEGACY_BLOCK_MAX - 15) % 255);
        CHECK_EQ(decode(in,
                        8 + 1 + (LZ4_LEGACY_BLOCK_MAX - 15) / 255 + 1 +
                            LZ4_LEGACY_BLOCK_MAX,
                        LZ4_LEGACY_BLOCK_MAX, &out, &outlen),
                 LZ4_OK);
        CHECK_EQ(outlen, LZ4_LEGACY_BLOCK_MAX);
        free(out);
        free(in);
    }
    /* A block size beyond the input. */
    w = w_new();
    w_seq(w, "abc", 0, 0);
    w_end(w);
    w->buf[w->size_at] += 1;
    CHECK_EQ(w_decode(w, 64, &out, &outlen), LZ4_EINVAL);
    free(out);
    free(w);
    /* Trailing garbage: 2 bytes, then 4 that are no block size. */
    w = w_new();
    w_seq(w, "abc", 0, 0);
    w_end(w);
    w_bytes(w, "\x34\x6e", 2);
    CHECK_EQ(w_decode(w, 64, &out, &outlen), LZ4_EINVAL);
    free(out);
    w_bytes(w, "\x2c\x03", 2);
    CHECK_EQ(w_decode(w, 64, &out, &outlen), LZ4_EINVAL);
    CHECK_EQ(outlen, 0);
    free(out);
    free(w);
}

/* ------------------------------------------------------ real kernel */
static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The payload, without its size trailer, through "lz4 -dc". */
static u8 *lz4_tool_decode(const struct kimage_info *ki, size_t *len)
{
    char tmp[] = "/tmp/vesper-lz4-XXXXXX", cmd[128];
    size_t cap = ki->out_size + 1, n = 0, got;
    int fd = mkstemp(tmp);
    u8 *buf;
    FILE *p;

    if (fd < 0)
        return NULL;
    close(fd);
    if (tu_write_file(tmp, ki->payload, ki->payload_len - 4))
        return NULL;
    snprintf(cmd, sizeof(cmd), "lz4 -dc %s", tmp);
    p = popen(cmd, "r");
    buf = malloc(cap);
    while (p && (got = fread(buf + n, 1, cap - n, p)) > 0 && n < cap)
        n += got;
    if (!p || pclose(p) != 0) {
        free(buf);
        buf = NULL;
    }
    unlink(tmp);
    *len = n;
    return buf;
}

TEST(lz4_real_kernel)
{
    const char *path = unit_arg(1);
    struct kimage_info ki;
    size_t len, outlen, reflen;
    u8 *k, *out, *ref;
    double t;

    if (!path || access(path, R_OK))
        SKIP("no kernel");
    k = tu_read_file(path, &len);
    CHECK(k != NULL);
    if (!k)
        return;
    CHECK_EQ(kimage_probe(k, len, &ki), KIMG_OK);
    CHECK_EQ(ki.format, KIMG_FMT_BZIMAGE);
    CHECK_EQ(ki.comp, KIMG_COMP_LZ4);
    out = malloc(ki.out_size);
    t = now_s();
    CHECK_EQ(kimage_unpack(&ki, out, ki.out_size, &outlen), KIMG_OK);
    t = now_s() - t;
    printf("  %s: %zu -> %zu bytes in %.3f s (host, sanitizers on)\n", path,
           ki.payload_len, outlen, t);
    CHECK_EQ(outlen, ki.out_size);
    ref = lz4_tool_decode(&ki, &reflen);
    CHECK(ref != NULL);
    if (ref) {
        CHECK_EQ(reflen, outlen);
        CHECK(reflen == outlen && !memcmp(ref, out, outlen));
    }
    /* Given the whole payload, trailer and all, the decoder refuses. */
    CHECK_EQ(
        unlz4_legacy(ki.payload, ki.payload_len, out, ki.out_size, &outlen),
        LZ4_EINVAL);
    /* A buffer one byte short. */
    CHECK_EQ(kimage_unpack(&ki, out, ki.out_size - 1, &outlen), KIMG_E2BIG);
    free(ref);
    free(out);
    free(k);
}

/* ------------------------------------------------- through kimage */
/*
 * A bzImage whose payload is elf stored as one literals-only LZ4 block
 * (valid LZ4 that any decoder must take), then the size trailer.
 */
static u8 *lz4_bzimage(const u8 *elf, size_t elen, u32 trailer, size_t *len)
{
    size_t setup = 5 * 512, plen = 4 + 4 + 1 + (elen - 15) / 255 + 1 + elen + 4;
    u8 *b = calloc(1, setup + plen), *p = b + setup;

    b[0x1f1] = 4;
    b[0x1fe] = 0x55;
    b[0x1ff] = 0xaa;
    memcpy(b + 0x202, "HdrS", 4);
    b[0x206] = 0x0f;
    b[0x207] = 0x02;
    tu_put32(b + 0x24c, (u32)plen);
    tu_put32(p, LZ4_LEGACY_MAGIC);
    tu_put32(p + 4, (u32)(plen - 12));
    p[8] = 0xf0;
    memset(p + 9, 255, (elen - 15) / 255);
    p[9 + (elen - 15) / 255] = (u8)((elen - 15) % 255);
    memcpy(p + 10 + (elen - 15) / 255, elf, elen);
    tu_put32(p + plen - 4, trailer);
    *len = setup + plen;
    return b;
}

TEST(lz4_kimage_bzimage)
{
    struct tu_elf e;
    struct kimage_info ki;
    size_t elen, blen, outlen;
    u8 *elf, *bz, *out;

    tu_elf_default(&e);
    elf = malloc(tu_elf_size(&e));
    elen = tu_elf_build(&e, elf);
    CHECK(elen >= 15);
    out = malloc(elen + 1);

    bz = lz4_bzimage(elf, elen, (u32)elen, &blen);
    CHECK_EQ(kimage_probe(bz, blen, &ki), KIMG_OK);
    CHECK_EQ(ki.comp, KIMG_COMP_LZ4);
    CHECK_STR(kimage_comp_name(ki.comp), "lz4");
    CHECK_EQ(ki.out_size, elen);
    CHECK_EQ(kimage_unpack(&ki, out, elen, &outlen), KIMG_OK);
    CHECK_EQ(outlen, elen);
    CHECK(!memcmp(out, elf, elen));
    CHECK_EQ(kimage_unpack(&ki, out, elen - 1, &outlen), KIMG_E2BIG);
    free(bz);

    /* A size trailer that disagrees with the stream, either way. */
    bz = lz4_bzimage(elf, elen, (u32)elen + 1, &blen);
    CHECK_EQ(kimage_probe(bz, blen, &ki), KIMG_OK);
    shim_log_reset();
    CHECK_EQ(kimage_unpack(&ki, out, elen + 1, &outlen), KIMG_EINVAL);
    CHECK_EQ(outlen, 0);
    CHECK(strstr(shim_last_log, "size trailer") != NULL);
    free(bz);
    bz = lz4_bzimage(elf, elen, (u32)elen - 1, &blen);
    CHECK_EQ(kimage_probe(bz, blen, &ki), KIMG_OK);
    CHECK_EQ(kimage_unpack(&ki, out, elen + 1, &outlen), KIMG_EINVAL);
    free(bz);

    /* A corrupt stream: the literal run made longer than the block. */
    bz = lz4_bzimage(elf, elen, (u32)elen, &blen);
    bz[5 * 512 + 9 + (elen - 15) / 255] += 1;
    CHECK_EQ(kimage_probe(bz, blen, &ki), KIMG_OK);
    CHECK_EQ(kimage_unpack(&ki, out, elen + 1, &outlen), KIMG_EINVAL);
    CHECK_STR(kimage_unpack_reason(&ki), "literals run past the block");
    free(bz);
    free(out);
    free(elf);
}

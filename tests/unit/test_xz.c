/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/xz.c against vectors made by Debian's xz, and the kernel. */
#include <time.h>

#include "harness.h"
#include "testutil.h"
#include "crc.h"
#include "kimage.h"
#include "xz.h"

/*
 * "test_xz --gen DIR" writes the raw inputs NAME.bin; unit.mk then makes
 * NAME.VARIANT.xz with the xz options listed beside each variant below
 * (the lists must agree: a missing file fails the test) and copies a real
 * x86 executable to code.bin, then passes DIR as the first argument.
 */
static const struct {
    const char *name;
    size_t size;
    int kind; /* 0 text-like, 1 random, 2 highly repetitive, -1 not made */
} vectors[] = {
    { "empty", 0, 0 },     { "one", 1, 0 },        { "small", 4096, 0 },
    { "text", 200000, 0 }, { "random", 65536, 1 }, { "rep", 1 << 20, 2 },
    { "code", 0, -1 }, /* a copy of an x86-64 executable */
};

static const char *const variants[] = {
    "c0",     /* --check=none */
    "c32",    /* --check=crc32 */
    "c64",    /* --check=crc64 */
    "linux",  /* --check=crc32 --x86 --lzma2=,dict=32MiB (Linux's) */
    "x86s",   /* --x86=start=4096 --lzma2 */
    "d4k",    /* --lzma2=dict=4KiB */
    "lp4",    /* --lzma2=lc=0,lp=4,pb=4 */
    "lc4",    /* --lzma2=lc=4,lp=0,pb=0 */
    "blk",    /* --check=crc32 --block-size=3000 */
    "blkx86", /* --check=crc32 --x86 --lzma2 --block-size=1501 */
    "mt",     /* -T2 --block-size=7000: sizes in the block headers */
    "e",      /* --format=xz -e */
    "L0",     "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", /* -N */
};

#define NVEC (sizeof(vectors) / sizeof(vectors[0]))
#define NVAR (sizeof(variants) / sizeof(variants[0]))

static int gen_main(int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "--gen"))
        return -1;
    for (size_t i = 0; i < NVEC; i++) {
        char path[4096];
        u8 *buf;

        if (vectors[i].kind < 0)
            continue;
        buf = malloc(vectors[i].size + 1);
        tu_gen_data(buf, vectors[i].size, vectors[i].kind, 0x5a5a + i);
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

static u8 *load(const char *name, const char *suffix, size_t *len)
{
    char path[4096];

    if (!unit_arg(0))
        return NULL;
    snprintf(path, sizeof(path), "%s/%s%s", unit_arg(0), name, suffix);
    return tu_read_file(path, len);
}

/* unxz into an exact-size heap buffer (ASan catches any overrun). */
static int dec(const u8 *in, size_t len, size_t cap, u8 **out, size_t *olen)
{
    *out = malloc(cap ? cap : 1);
    *olen = 4242;
    return unxz(in, len, *out, cap, olen);
}

/* Bit at a time, straight from the definition: the reference. */
static u32 crc32_bitwise(const u8 *p, size_t n)
{
    u32 c = ~0u;

    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (c & 1 ? 0xedb88320u : 0);
    }
    return ~c;
}

TEST(crc_check_values)
{
    u8 buf[300];
    u64 seed = 99;

    /* Every start alignment and length around the 8-byte steps. */
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (u8)tu_rand(&seed);
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= sizeof(buf); n += 1 + n / 16) {
            u32 want = crc32_bitwise(buf + off, n);

            CHECK_EQ(crc32_update(0, buf + off, n), want);
            CHECK_EQ(crc32_update(crc32_update(0, buf + off, n / 3),
                                  buf + off + n / 3, n - n / 3),
                     want);
        }
    CHECK_EQ(crc32_update(0, "123456789", 9), 0xcbf43926u);
    CHECK_EQ(crc64_update(0, "123456789", 9), 0x995dc9bbdf1939faull);
    CHECK_EQ(crc64_update(0, "", 0), 0);
    CHECK_EQ(crc64_update(crc64_update(0, "1234", 4), "56789", 5),
             0x995dc9bbdf1939faull);
}

/* Every vector in every variant decodes exactly; one byte less is E2BIG. */
TEST(xz_vectors)
{
    unsigned n = 0;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    for (size_t i = 0; i < NVEC; i++) {
        size_t rawlen;
        u8 *raw = load(vectors[i].name, ".bin", &rawlen);

        CHECK(raw != NULL);
        if (!raw)
            continue;
        for (size_t j = 0; j < NVAR; j++) {
            char sfx[32];
            size_t xzlen, olen;
            u8 *xz, *out;
            int rc;

            snprintf(sfx, sizeof(sfx), ".%s.xz", variants[j]);
            xz = load(vectors[i].name, sfx, &xzlen);
            CHECK(xz != NULL);
            if (!xz)
                continue;
            rc = dec(xz, xzlen, rawlen, &out, &olen);
            if (rc)
                printf("  %s%s: rc %d (%s)\n", vectors[i].name, sfx, rc,
                       unxz_reason());
            CHECK_EQ(rc, 0);
            CHECK(unxz_reason() == NULL);
            CHECK_EQ(olen, rawlen);
            CHECK(olen != rawlen || !memcmp(out, raw, rawlen));
            free(out);
            if (rawlen) {
                rc = dec(xz, xzlen, rawlen - 1, &out, &olen);
                CHECK_EQ(rc, XZ_E2BIG);
                CHECK_EQ(olen, 0);
                free(out);
                rc = dec(xz, xzlen, 0, &out, &olen);
                CHECK_EQ(rc, XZ_E2BIG);
                free(out);
            }
            free(xz);
            n++;
        }
        free(raw);
    }
    printf("  %u streams decoded\n", n);
}

/* The BCJ vectors really contain converted calls (else BCJ is untested). */
TEST(x86_filter_changes_code)
{
    size_t rawlen, xzlen, plainlen, olen;
    u8 *raw = load("code", ".bin", &rawlen);
    u8 *x = load("code", ".linux.xz", &xzlen);
    u8 *plain = load("code", ".c32.xz", &plainlen), *out;

    if (!raw || !x || !plain)
        SKIP("no code vectors");
    /* Same data, with and without the filter: the filtered one is smaller. */
    CHECK(xzlen < plainlen);
    CHECK_EQ(dec(x, xzlen, rawlen, &out, &olen), 0);
    CHECK(olen == rawlen && !memcmp(out, raw, rawlen));
    free(out);
    free(raw);
    free(x);
    free(plain);
}

static u8 *cat(const u8 *a, size_t alen, size_t pad, const u8 *b, size_t blen,
               size_t *len)
{
    u8 *p = calloc(1, alen + pad + blen + 1);

    memcpy(p, a, alen);
    if (blen)
        memcpy(p + alen + pad, b, blen);
    *len = alen + pad + blen;
    return p;
}

/* Concatenated streams and stream padding (a multiple of four zeros). */
TEST(streams_and_padding)
{
    size_t rawlen, alen, blen, len, olen;
    u8 *raw = load("small", ".bin", &rawlen);
    u8 *a = load("small", ".c32.xz", &alen);
    u8 *b = load("small", ".c64.xz", &blen), *s, *out;

    if (!raw || !a || !b)
        SKIP("no vectors");
    for (size_t pad = 0; pad <= 9; pad++) {
        bool ok = !(pad & 3);

        s = cat(a, alen, pad, b, blen, &len);
        CHECK_EQ(dec(s, len, 2 * rawlen, &out, &olen), ok ? 0 : XZ_EINVAL);
        if (ok)
            CHECK(olen == 2 * rawlen && !memcmp(out, raw, rawlen) &&
                  !memcmp(out + rawlen, raw, rawlen));
        free(out);
        free(s);
        /* Trailing padding only. */
        s = cat(a, alen, pad, NULL, 0, &len);
        CHECK_EQ(dec(s, len, rawlen, &out, &olen), ok ? 0 : XZ_EINVAL);
        free(out);
        free(s);
    }
    /* Garbage after a stream is not another stream. */
    s = cat(a, alen, 4, (const u8 *)"junkjunkjunk", 12, &len);
    CHECK_EQ(dec(s, len, 2 * rawlen, &out, &olen), XZ_EINVAL);
    CHECK_EQ(olen, 0);
    free(out);
    free(s);
    free(raw);
    free(a);
    free(b);
}

/* Every proper prefix is refused, never a crash, never a success. */
TEST(truncation_everywhere)
{
    static const char *const names[][2] = {
        { "small", ".c32.xz" }, { "small", ".blkx86.xz" },
        { "one", ".linux.xz" }, { "empty", ".c64.xz" },
        { "small", ".blk.xz" }, { "small", ".mt.xz" },
    };
    unsigned tried = 0;

    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        size_t xzlen, olen;
        u8 *xz = load(names[k][0], names[k][1], &xzlen), *out;

        if (!xz)
            SKIP("no vectors");
        for (size_t cut = 0; cut < xzlen; cut++) {
            u8 *p = malloc(cut ? cut : 1);
            int rc;

            memcpy(p, xz, cut);
            rc = dec(p, cut, 300000, &out, &olen);
            if (rc >= 0 || olen)
                printf("  %s%s cut at %zu: rc %d\n", names[k][0], names[k][1],
                       cut, rc);
            CHECK(rc == XZ_EINVAL || (cut < 6 && rc == XZ_ENOEXEC));
            CHECK_EQ(olen, 0);
            free(out);
            free(p);
            tried++;
        }
        free(xz);
    }
    printf("  %u prefixes refused\n", tried);
}

/*
 * Single-bit flips of CRC-checked streams are refused, or (a flip
 * the format cannot notice) still yields exactly the original.
 */
static void flip_all(const char *name, const char *sfx, size_t step,
                     unsigned *refused, unsigned *harmless)
{
    size_t rawlen, xzlen, olen;
    u8 *raw = load(name, ".bin", &rawlen), *xz = load(name, sfx, &xzlen), *out;

    if (!raw || !xz) {
        CHECK(!"vector missing");
        return;
    }
    for (size_t bit = 0; bit < xzlen * 8; bit += step) {
        int rc;

        xz[bit / 8] ^= (u8)(1u << (bit % 8));
        rc = dec(xz, xzlen, rawlen, &out, &olen);
        xz[bit / 8] ^= (u8)(1u << (bit % 8));
        if (!rc) {
            (*harmless)++;
            if (olen != rawlen || memcmp(out, raw, rawlen)) {
                printf("  %s%s: flip of bit %zu gives wrong output\n", name,
                       sfx, bit);
                CHECK(!"undetected corruption");
            }
        } else {
            (*refused)++;
            CHECK(rc == XZ_EINVAL || rc == XZ_ENOEXEC || rc == XZ_E2BIG);
            CHECK(unxz_reason() != NULL);
            CHECK_EQ(olen, 0);
        }
        free(out);
    }
    free(raw);
    free(xz);
}

TEST(bit_flips)
{
    unsigned refused = 0, harmless = 0;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    /* Every bit of the small ones, a spread sample of a bigger one. */
    flip_all("small", ".c32.xz", 1, &refused, &harmless);
    flip_all("small", ".linux.xz", 1, &refused, &harmless);
    flip_all("small", ".blkx86.xz", 3, &refused, &harmless);
    flip_all("code", ".linux.xz", 97, &refused, &harmless);
    printf("  %u flips refused, %u harmless\n", refused, harmless);
    /* Harmless ones are rare: the format leaves few don't-care bits. */
    CHECK(harmless * 100 <= refused);
}

/* Index start from the footer's backward size; the check sits before it. */
static size_t check_field(const u8 *xz, size_t len, size_t csize)
{
    size_t back = ((size_t)xz[len - 8] | (size_t)xz[len - 7] << 8 |
                   (size_t)xz[len - 6] << 16 | (size_t)xz[len - 5] << 24);

    return len - 12 - (back + 1) * 4 - csize;
}

/* A wrong stored check value alone is caught: the check is compared. */
TEST(stored_check_mismatch)
{
    static const struct {
        const char *sfx;
        size_t csize;
    } c[] = { { ".c32.xz", 4 }, { ".c64.xz", 8 }, { ".linux.xz", 4 } };

    for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
        size_t rawlen, xzlen, olen, at;
        u8 *raw = load("text", ".bin", &rawlen), *out;
        u8 *xz = load("text", c[k].sfx, &xzlen);

        if (!raw || !xz)
            SKIP("no vectors");
        at = check_field(xz, xzlen, c[k].csize);
        for (size_t i = 0; i < c[k].csize; i++) {
            xz[at + i] ^= 0x40;
            CHECK_EQ(dec(xz, xzlen, rawlen, &out, &olen), XZ_EINVAL);
            CHECK(unxz_reason() && strstr(unxz_reason(), "CRC"));
            free(out);
            xz[at + i] ^= 0x40;
        }
        /* ... and the untouched stream still decodes. */
        CHECK_EQ(dec(xz, xzlen, rawlen, &out, &olen), 0);
        free(out);
        free(raw);
        free(xz);
    }
}

/* Formats, filters and checks we do not do are ENOEXEC, with a reason. */
TEST(unsupported_is_enoexec)
{
    static const char *const sfx[] = {
        ".sha.xz",   /* --check=sha256 */
        ".delta.xz", /* --delta=dist=4 --lzma2 */
        ".arm.xz",   /* --arm --lzma2 */
        ".lzma.xz",  /* --format=lzma (lzma-alone, no .xz magic) */
    };
    size_t len, olen;
    u8 *out;

    for (size_t k = 0; k < sizeof(sfx) / sizeof(sfx[0]); k++) {
        u8 *xz = load("small", sfx[k], &len);

        CHECK(xz != NULL);
        if (!xz)
            continue;
        CHECK_EQ(dec(xz, len, 1 << 20, &out, &olen), XZ_ENOEXEC);
        printf("  small%s: %s\n", sfx[k], unxz_reason());
        CHECK(unxz_reason() != NULL);
        free(out);
        free(xz);
    }
    CHECK_EQ(dec((const u8 *)"", 0, 16, &out, &olen), XZ_ENOEXEC);
    free(out);
    CHECK_EQ(
        dec((const u8 *)"\x1f\x8b\x08\0\0\0\0\0\0\0\0\0", 12, 16, &out, &olen),
        XZ_ENOEXEC);
    free(out);
}

/* ---------------------------------------------- hand-built LZMA2 streams */

struct buf {
    u8 b[512];
    size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void put_vli(struct buf *b, size_t v)
{
    while (v >= 0x80) {
        b->b[b->n++] = (u8)(v | 0x80);
        v >>= 7;
    }
    b->b[b->n++] = (u8)v;
}

static void put32(struct buf *b, u32 v)
{
    u8 x[4] = { (u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24) };

    put(b, x, 4);
}

/*
 * One stream, check CRC32, one block holding the given LZMA2 data (which
 * must decode to out_len bytes with CRC32 crc), with a correct index.
 */
static size_t mkstream(struct buf *s, const u8 *lz, size_t lzlen,
                       size_t out_len, u32 crc)
{
    u8 bh[12] = { 2, 0, 0x21, 1, 20 }; /* size 12, 1 filter, dict 4 MiB */
    size_t istart, unpadded;

    s->n = 0;
    put(s,
        "\xfd"
        "7zXZ\0\0\1",
        8);
    put32(s, crc32_update(0, "\0\1", 2));
    put(s, bh, 8);
    put32(s, crc32_update(0, bh, 8));
    put(s, lz, lzlen);
    while (s->n & 3)
        s->b[s->n++] = 0;
    put32(s, crc);
    unpadded = 12 + lzlen + 4;
    istart = s->n;
    s->b[s->n++] = 0;
    s->b[s->n++] = 1;
    put_vli(s, unpadded);
    put_vli(s, out_len);
    while ((s->n - istart) & 3)
        s->b[s->n++] = 0;
    put32(s, crc32_update(0, s->b + istart, s->n - istart));
    {
        u8 ft[6];
        u32 back = (u32)((s->n - istart) / 4 - 1);

        memcpy(ft, &back, 4);
        ft[4] = 0;
        ft[5] = 1;
        put32(s, crc32_update(0, ft, 6));
        put(s, ft, 6);
        put(s, "YZ", 2);
    }
    return s->n;
}

TEST(lzma2_uncompressed_chunks)
{
    /* Two stored chunks, the second one resetting the dictionary. */
    static const u8 ok[] = { 1, 0,   2,   'a', 'b', 'c', 2,   0,
                             1, 'd', 'e', 1,   0,   0,   'f', 0 };
    /* The first chunk does not reset the dictionary. */
    static const u8 noreset[] = { 2, 0, 2, 'a', 'b', 'c', 0 };
    /* An LZMA chunk (0x80: no reset) right after a dictionary reset. */
    static const u8 noprops[] = { 1, 0, 0, 'a', 0x80, 0, 0, 0,
                                  4, 0, 0, 0,   0,    0, 0 };
    /* Reserved control byte 3. */
    static const u8 reserved[] = { 1, 0, 0, 'a', 3, 0 };
    struct buf s;
    u8 out[16];
    size_t olen;
    u32 crc = crc32_update(0, "abcdef", 6);

    mkstream(&s, ok, sizeof(ok), 6, crc);
    CHECK_EQ(unxz(s.b, s.n, out, sizeof(out), &olen), 0);
    CHECK(olen == 6 && !memcmp(out, "abcdef", 6));
    CHECK_EQ(unxz(s.b, s.n, out, 5, &olen), XZ_E2BIG);
    mkstream(&s, noreset, sizeof(noreset), 3, crc32_update(0, "abc", 3));
    CHECK_EQ(unxz(s.b, s.n, out, sizeof(out), &olen), XZ_EINVAL);
    mkstream(&s, noprops, sizeof(noprops), 2, 0);
    CHECK_EQ(unxz(s.b, s.n, out, sizeof(out), &olen), XZ_EINVAL);
    CHECK(strstr(unxz_reason(), "properties") != NULL);
    mkstream(&s, reserved, sizeof(reserved), 1, crc32_update(0, "a", 1));
    CHECK_EQ(unxz(s.b, s.n, out, sizeof(out), &olen), XZ_EINVAL);
    /* A wrong index count is caught even with every CRC right. */
    mkstream(&s, ok, sizeof(ok), 6, crc);
    {
        size_t back = s.b[s.n - 8], istart = s.n - 12 - (back + 1) * 4;

        s.b[istart + 1] = 2;
        memcpy(s.b + s.n - 16,
               &(u32){ crc32_update(0, s.b + istart, s.n - 16 - istart) }, 4);
        CHECK_EQ(unxz(s.b, s.n, out, sizeof(out), &olen), XZ_EINVAL);
        CHECK(strstr(unxz_reason(), "index") != NULL);
    }
}

/* ----------------------------------------------------------- real kernel */

static u8 *run_xz_dc(const u8 *p, size_t len, size_t *outlen)
{
    char tmp[] = "/tmp/test_xz.XXXXXX", cmd[128];
    int fd = mkstemp(tmp);
    size_t cap = 1 << 20, n = 0;
    u8 *buf = malloc(cap);
    FILE *f;

    if (fd < 0 || tu_write_file(tmp, p, len)) {
        free(buf);
        return NULL;
    }
    snprintf(cmd, sizeof(cmd), "xz -dc < %s", tmp);
    f = popen(cmd, "r");
    for (size_t got; f && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    if (!f || pclose(f)) {
        free(buf);
        buf = NULL;
    }
    remove(tmp);
    *outlen = n;
    return buf;
}

/*
 * Debian's amd64 vmlinuz (build/linux/vmlinuz-amd64, from make linux-images)
 * through kimage_probe + kimage_unpack, byte for byte against xz -dc.
 */
TEST(real_kernel_xz)
{
    const char *path = unit_arg(1);
    struct kimage_info ki;
    struct timespec t0, t1;
    size_t len, olen, reflen;
    u8 *k, *out, *ref;

    if (!path)
        SKIP("no kernel");
    k = tu_read_file(path, &len);
    CHECK(k != NULL);
    if (!k)
        return;
    CHECK_EQ(kimage_probe(k, len, &ki), KIMG_OK);
    CHECK_EQ(ki.format, KIMG_FMT_BZIMAGE);
    CHECK_EQ(ki.comp, KIMG_COMP_XZ);
    out = malloc(ki.out_size);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(kimage_unpack(&ki, out, ki.out_size, &olen), KIMG_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("  %s: %zu -> %zu bytes in %.2f s\n", path, ki.payload_len, olen,
           (double)(t1.tv_sec - t0.tv_sec) +
               (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    CHECK_EQ(olen, ki.out_size);
    ref = run_xz_dc(ki.payload, ki.payload_len - 4, &reflen);
    CHECK(ref != NULL);
    CHECK(ref && reflen == olen && !memcmp(ref, out, olen));
    /* One byte short of room. */
    CHECK_EQ(kimage_unpack(&ki, out, ki.out_size - 1, &olen), KIMG_E2BIG);
    free(ref);
    free(out);
    free(k);
}

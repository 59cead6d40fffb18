/* SPDX-License-Identifier: GPL-2.0-only */
/* Mutation fuzzing of the parsers under ASan/UBSan with fixed seeds. */
#include "harness.h"
#include "testutil.h"
#include "cmdline.h"
#include "kimage.h"

#define ITERATIONS 10000

/*
 * Each mutated input lives in an exact-size heap block, so any read past
 * its end is an ASan report (and a failed run), not a silent pass.
 */
static u8 *mutate(const u8 *src, size_t len, size_t *out_len, u64 *seed)
{
    size_t n = len, i, edits = 1 + tu_rand(seed) % 8;
    u8 *m;

    /* Sometimes truncate. */
    if (tu_rand(seed) % 8 == 0)
        n = (size_t)(tu_rand(seed) % (len + 1));
    m = malloc(n ? n : 1);
    memcpy(m, src, n);
    for (i = 0; i < edits && n; i++) {
        size_t at = (size_t)(tu_rand(seed) % n);
        u64 r = tu_rand(seed);

        switch (r % 4) {
        case 0:
            m[at] ^= (u8)(1u << (r >> 8) % 8);
            break;
        case 1:
            m[at] = (u8)(r >> 16);
            break;
        case 2:
            /* Interesting values into 4/8-byte fields. */
            if (at + 8 <= n)
                tu_put64(m + at, (r >> 20) % 2 ? ~0ull : 0x7fffffffull);
            break;
        default:
            if (at + 4 <= n)
                tu_put32(m + at, (u32)(r >> 24) % 0x200);
            break;
        }
    }
    *out_len = n;
    return m;
}

/* Accepts any address but checks the copy stays within the declared range. */
struct bound_ctx {
    u64 start, end, total;
};

static int bounded_copy(void *c, u64 virt, const void *src, size_t len)
{
    struct bound_ctx *ctx = c;
    volatile u8 sink = 0;
    size_t i;

    if (virt < ctx->start || virt > ctx->end || len > ctx->end - virt)
        return -14;
    /* Touch the source so ASan validates every byte elf_load hands us. */
    if (src) {
        for (i = 0; i < len; i += 61)
            sink ^= ((const u8 *)src)[i];
        if (len)
            sink ^= ((const u8 *)src)[len - 1];
    }
    ctx->total += len;
    return 0;
}

TEST(fuzz_elf)
{
    struct tu_elf e;
    u8 *base;
    size_t len, i;
    u64 seed = 0x5eed0001;
    unsigned int parsed = 0, accepted = 0;

    tu_elf_default(&e);
    tu_note_num(&e, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff81001000ull, 8);
    e.notes_in_section = false;
    base = malloc(tu_elf_size(&e));
    len = tu_elf_build(&e, base);
    for (i = 0; i < ITERATIONS; i++) {
        struct elf_image img;
        size_t n;
        u8 *m = mutate(base, len, &n, &seed);
        char why[128];

        if (elf_parse(&img, m, n) == 0) {
            parsed++;
            if (elf_check_xen(&img, why, sizeof(why)) == 0) {
                struct bound_ctx ctx = { img.virt_kstart, img.virt_kend, 0 };

                accepted++;
                /* Accepted images must load entirely inside their range. */
                CHECK_EQ(elf_load(&img, bounded_copy, &ctx), 0);
            }
        }
        free(m);
    }
    printf("  %u/%d parsed, %u accepted\n", parsed, ITERATIONS, accepted);
    CHECK(parsed > 0);
    free(base);
}

TEST(fuzz_elf_section_notes)
{
    struct tu_elf e;
    u8 *base;
    size_t len, i;
    u64 seed = 0x5eed0002;

    tu_elf_default(&e);
    e.notes_in_section = true;
    base = malloc(tu_elf_size(&e));
    len = tu_elf_build(&e, base);
    for (i = 0; i < ITERATIONS; i++) {
        struct elf_image img;
        size_t n;
        u8 *m = mutate(base, len, &n, &seed);

        if (elf_parse(&img, m, n) == 0)
            elf_check_xen(&img, NULL, 0);
        free(m);
    }
    free(base);
}

static void fuzz_gzip(const u8 *gz, size_t gzlen, u64 seed, int iters)
{
    size_t cap = gzip_isize(gz, gzlen), i;
    u8 *out = malloc(cap ? cap : 1);
    unsigned int ok = 0;

    for (i = 0; i < (size_t)iters; i++) {
        size_t n, outlen;
        u8 *m = mutate(gz, gzlen, &n, &seed);
        /* Vary the capacity too, down to zero, in an exact-size block. */
        size_t c = (i % 5 == 0) ? (size_t)(tu_rand(&seed) % cap) : cap;
        u8 *o = c == cap ? out : malloc(c ? c : 1);

        if (gunzip(m, n, o, c, &outlen) == 0) {
            ok++;
            CHECK(outlen <= c);
        }
        if (o != out)
            free(o);
        free(m);
    }
    printf("  %u/%d mutated streams still decoded\n", ok, iters);
    free(out);
}

TEST(fuzz_gzip_real)
{
    char path[4096];
    size_t gzlen;
    u8 *gz;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    snprintf(path, sizeof(path), "%s/small.9.gz", unit_arg(0));
    gz = tu_read_file(path, &gzlen);
    CHECK(gz != NULL);
    if (!gz)
        return;
    fuzz_gzip(gz, gzlen, 0x5eed0003, ITERATIONS);
    free(gz);
    snprintf(path, sizeof(path), "%s/small.1.gz", unit_arg(0));
    gz = tu_read_file(path, &gzlen);
    CHECK(gz != NULL);
    if (gz)
        fuzz_gzip(gz, gzlen, 0x5eed0004, ITERATIONS);
    free(gz);
}

TEST(fuzz_gzip_stored)
{
    u8 data[3000], gz[3100];
    size_t i, gzlen;

    for (i = 0; i < sizeof(data); i++)
        data[i] = (u8)(i ^ (i >> 3));
    gzlen = tu_gzip_stored(gz, data, sizeof(data));
    fuzz_gzip(gz, gzlen, 0x5eed0005, ITERATIONS);
}

/* Pure random bytes as raw deflate: must terminate without faults. */
TEST(fuzz_inflate_random)
{
    u64 seed = 0x5eed0006;
    u8 in[512], out[4096];
    size_t i, j, used, outlen;

    for (i = 0; i < ITERATIONS; i++) {
        size_t n = 1 + tu_rand(&seed) % sizeof(in);

        for (j = 0; j < n; j++)
            in[j] = (u8)tu_rand(&seed);
        /* Bias towards dynamic blocks: BTYPE = 10 in bits 1-2. */
        if (i & 1)
            in[0] = (u8)((in[0] & ~6) | 4);
        if (inflate_raw(in, n, &used, out, sizeof(out), &outlen) == 0)
            CHECK(used <= n && outlen <= sizeof(out));
    }
}

TEST(fuzz_kimage)
{
    struct tu_elf e;
    u8 *elf, *gz, *bz, *out;
    size_t elflen, gzlen, bzlen, i;
    u64 seed = 0x5eed0007;
    size_t setup = 40 * 512;

    tu_elf_default(&e);
    elf = malloc(tu_elf_size(&e));
    elflen = tu_elf_build(&e, elf);
    gz = malloc(elflen + 64);
    gzlen = tu_gzip_stored(gz, elf, elflen);
    bzlen = setup + 0x2cc + gzlen;
    bz = calloc(1, bzlen);
    bz[0x1f1] = 39;
    bz[0x1fe] = 0x55;
    bz[0x1ff] = 0xaa;
    memcpy(bz + 0x202, "HdrS", 4);
    bz[0x206] = 0x0f;
    bz[0x207] = 0x02;
    tu_put32(bz + 0x248, 0x2cc);
    tu_put32(bz + 0x24c, (u32)gzlen);
    memcpy(bz + setup + 0x2cc, gz, gzlen);
    out = malloc(elflen + 4096);

    for (i = 0; i < ITERATIONS; i++) {
        struct kimage_info ki;
        size_t n, outlen;
        /* Mutations focus on the setup header region half of the time. */
        u8 *m = mutate(bz, bzlen, &n, &seed);

        if (i % 2 && n > 0x250) {
            size_t at = 0x1f0 + (size_t)(tu_rand(&seed) % 0x60);

            m[at] = (u8)tu_rand(&seed);
        }
        if (kimage_probe(m, n, &ki) == KIMG_OK) {
            /* Probe must only point inside the input. */
            CHECK(ki.payload >= m && ki.payload_len <= n &&
                  (size_t)(ki.payload - m) <= n - ki.payload_len);
            if (ki.out_size <= elflen + 4096)
                kimage_unpack(&ki, out, ki.out_size, &outlen);
        }
        free(m);
    }
    free(elf);
    free(gz);
    free(bz);
    free(out);
}

static void ignore_unknown(const char *tok, size_t len)
{
    (void)tok;
    (void)len;
}

TEST(fuzz_cmdline)
{
    static const char alphabet[] = "ab =\"-_no01xKMG\t";
    static bool b;
    static u64 v;
    static u32 v32;
    static char s[8];
    const struct param p[] = {
        PARAM_BOOL_VAR("a", b),
        PARAM_UINT_VAR("b", v),
        PARAM_SIZE_VAR("ab", v32),
        PARAM_STR_VAR("ba", s),
    };
    u64 seed = 0x5eed0008;
    size_t i, j;

    for (i = 0; i < ITERATIONS; i++) {
        size_t n = tu_rand(&seed) % 40;
        char *cl = malloc(n + 1);

        for (j = 0; j < n; j++)
            cl[j] = alphabet[tu_rand(&seed) % (sizeof(alphabet) - 1)];
        cl[n] = 0;
        CHECK(cmdline_parse(cl, p, 4, ignore_unknown) >= 0);
        CHECK(strlen(s) < sizeof(s));
        free(cl);
    }
}

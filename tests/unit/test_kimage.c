/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/kimage.c: ELF, gzip'd ELF and synthetic bzImages. */
#include "harness.h"
#include "testutil.h"
#include "kimage.h"

/* Args: vector directory, optional path of a real distribution bzImage. */

static u8 *tiny_elf(size_t *len)
{
    struct tu_elf e;
    u8 *buf;

    tu_elf_default(&e);
    buf = malloc(tu_elf_size(&e));
    *len = tu_elf_build(&e, buf);
    return buf;
}

/*
 * Build a bzImage: boot sector + setup_sects sectors, then the protected-mode
 * part whose first pm_pad bytes precede the payload (payload_offset).
 */
static u8 *make_bzimage(const u8 *payload, size_t plen, unsigned int sects,
                        size_t pm_pad, u16 version, size_t *len)
{
    size_t setup = ((sects ? sects : 4) + 1) * 512;
    u8 *b = calloc(1, setup + pm_pad + plen + 16);

    b[0x1f1] = (u8)sects;
    b[0x1fe] = 0x55;
    b[0x1ff] = 0xaa;
    memcpy(b + 0x202, "HdrS", 4);
    b[0x206] = (u8)version;
    b[0x207] = (u8)(version >> 8);
    tu_put32(b + 0x248, (u32)pm_pad);
    tu_put32(b + 0x24c, (u32)plen);
    memcpy(b + setup + pm_pad, payload, plen);
    /* Trailing junk after the payload, as real images have. */
    memset(b + setup + pm_pad + plen, 0xcc, 16);
    *len = setup + pm_pad + plen + 16;
    return b;
}

TEST(plain_elf)
{
    struct kimage_info ki;
    size_t len, outlen;
    u8 *elf = tiny_elf(&len), *out = malloc(len);

    CHECK_EQ(kimage_probe(elf, len, &ki), KIMG_OK);
    CHECK_EQ(ki.format, KIMG_FMT_ELF);
    CHECK_EQ(ki.out_size, len);
    CHECK_STR(kimage_format_name(ki.format), "ELF");
    CHECK_EQ(kimage_unpack(&ki, out, len, &outlen), KIMG_OK);
    CHECK_EQ(outlen, len);
    CHECK(!memcmp(out, elf, len));
    CHECK_EQ(kimage_unpack(&ki, out, len - 1, &outlen), KIMG_E2BIG);
    free(elf);
    free(out);
}

TEST(gzip_elf)
{
    struct kimage_info ki;
    size_t len, gzlen, outlen;
    u8 *elf = tiny_elf(&len), *gz = malloc(len + 64), *out = malloc(len);
    struct elf_image img;

    gzlen = tu_gzip_stored(gz, elf, len);
    CHECK_EQ(kimage_probe(gz, gzlen, &ki), KIMG_OK);
    CHECK_EQ(ki.format, KIMG_FMT_GZIP);
    CHECK_EQ(ki.out_size, len);
    CHECK_EQ(kimage_unpack(&ki, out, len, &outlen), KIMG_OK);
    CHECK_EQ(outlen, len);
    CHECK(!memcmp(out, elf, len));
    CHECK_EQ(elf_parse(&img, out, outlen), 0);
    CHECK_EQ(elf_check_xen(&img, NULL, 0), 0);
    free(elf);
    free(gz);
    free(out);
}

TEST(gzip_not_elf_is_not_a_kernel)
{
    /* A gzip'd cpio (a ramdisk) is no kernel format: ENOEXEC. */
    struct kimage_info ki;
    static const u8 cpio[] = "070701000000000000000000000000000000000000";
    u8 gz[sizeof(cpio) + 64];
    size_t gzlen = tu_gzip_stored(gz, cpio, sizeof(cpio));

    CHECK_EQ(kimage_probe(gz, gzlen, &ki), KIMG_ENOEXEC);
}

TEST(bzimage_gzip)
{
    struct kimage_info ki;
    size_t len, gzlen, bzlen, outlen;
    u8 *elf = tiny_elf(&len), *gz = malloc(len + 64), *bz, *out;
    unsigned int sects;

    gzlen = tu_gzip_stored(gz, elf, len);
    /* setup_sects 0 means 4; also a typical 39 and an odd payload offset. */
    for (sects = 0; sects < 40; sects += 39) {
        bz = make_bzimage(gz, gzlen, sects, 0x2cc, 0x020f, &bzlen);
        CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_OK);
        CHECK_EQ(ki.format, KIMG_FMT_BZIMAGE);
        CHECK_EQ(ki.comp, KIMG_COMP_GZIP);
        CHECK_EQ(ki.boot_protocol, 0x020f);
        CHECK_EQ(ki.payload_len, gzlen);
        CHECK_EQ(ki.out_size, len);
        CHECK_STR(kimage_format_name(ki.format), "bzImage");
        out = malloc(ki.out_size);
        CHECK_EQ(kimage_unpack(&ki, out, ki.out_size, &outlen), KIMG_OK);
        CHECK_EQ(outlen, len);
        CHECK(!memcmp(out, elf, len));
        free(out);
        free(bz);
    }
    free(elf);
    free(gz);
}

TEST(bzimage_bad_headers)
{
    struct kimage_info ki;
    size_t len, gzlen, bzlen;
    u8 *elf = tiny_elf(&len), *gz = malloc(len + 64), *bz;

    gzlen = tu_gzip_stored(gz, elf, len);

    bz = make_bzimage(gz, gzlen, 39, 0x2cc, 0x0207, &bzlen);
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_EINVAL); /* too old */
    free(bz);

    bz = make_bzimage(gz, gzlen, 39, 0x2cc, 0x020f, &bzlen);
    tu_put32(bz + 0x24c, (u32)gzlen + 17); /* payload past the end */
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_EINVAL);
    tu_put32(bz + 0x24c, 0xffffffff);
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_EINVAL);
    tu_put32(bz + 0x24c, (u32)gzlen);
    tu_put32(bz + 0x248, 0xfffffff0); /* offset past the end */
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_EINVAL);
    tu_put32(bz + 0x248, 0x2cc);
    tu_put32(bz + 0x24c, 3); /* too short for the size trailer */
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_EINVAL);
    tu_put32(bz + 0x24c, (u32)gzlen);
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_OK);
    /* Truncated files never probe as OK with a payload beyond the end. */
    CHECK(kimage_probe(bz, 0x600, &ki) != KIMG_OK);
    CHECK_EQ(kimage_probe(bz, 0x24f, &ki), KIMG_ENOEXEC);
    bz[0x1fe] = 0; /* boot flag */
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_ENOEXEC);
    free(bz);

    /* gzip payload whose content is not ELF. */
    bz = make_bzimage(gz, gzlen, 39, 0, 0x020f, &bzlen);
    {
        u8 *junk = malloc(200), *jgz = malloc(300), *out = malloc(200);
        size_t jlen, outlen;

        memset(junk, 'J', 200);
        jlen = tu_gzip_stored(jgz, junk, 200);
        free(bz);
        bz = make_bzimage(jgz, jlen, 39, 0, 0x020f, &bzlen);
        CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_OK);
        CHECK_EQ(kimage_unpack(&ki, out, 200, &outlen), KIMG_ENOEXEC);
        CHECK_EQ(outlen, 0);
        /* Corrupt payload. */
        jgz[jlen - 6] ^= 0x10;
        free(bz);
        bz = make_bzimage(jgz, jlen, 39, 0, 0x020f, &bzlen);
        CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_OK);
        CHECK_EQ(kimage_unpack(&ki, out, 200, &outlen), KIMG_EINVAL);
        free(junk);
        free(jgz);
        free(out);
    }
    free(bz);
    free(elf);
    free(gz);
}

TEST(bzimage_unsupported_compression)
{
    static const struct {
        const char *magic;
        size_t len;
        enum kimage_comp comp;
        const char *name;
    } c[] = {
        { "BZh9", 4, KIMG_COMP_BZIP2, "bzip2" },
        { "\x5d\x00\x00\x80", 4, KIMG_COMP_LZMA, "lzma" },
        { "\x89LZO\0\r\n\x1a\n", 9, KIMG_COMP_LZO, "lzo" },
        { "\x28\xb5\x2f\xfd", 4, KIMG_COMP_ZSTD, "zstd" },
        { "????", 4, KIMG_COMP_UNKNOWN, "unknown" },
    };
    size_t i, bzlen, outlen;
    u8 payload[64], out[64];

    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        struct kimage_info ki;
        u8 *bz;

        memset(payload, 0x11, sizeof(payload));
        memcpy(payload, c[i].magic, c[i].len);
        bz = make_bzimage(payload, sizeof(payload), 27, 0x100, 0x020f, &bzlen);
        CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_EOPNOTSUPP);
        CHECK_EQ(ki.format, KIMG_FMT_BZIMAGE);
        CHECK_EQ(ki.comp, c[i].comp);
        CHECK_STR(kimage_comp_name(ki.comp), c[i].name);
        CHECK_EQ(ki.out_size, 0x11111111);
        CHECK_EQ(kimage_unpack(&ki, out, sizeof(out), &outlen),
                 KIMG_EOPNOTSUPP);
        free(bz);
    }
}

/* xz is decoded now: the probe takes it, the junk stream is corrupt. */
TEST(bzimage_xz_probed_then_refused_as_corrupt)
{
    struct kimage_info ki;
    size_t bzlen, outlen;
    u8 payload[64], out[64], *bz;

    memset(payload, 0x11, sizeof(payload));
    memcpy(payload,
           "\xfd"
           "7zXZ\0",
           6);
    bz = make_bzimage(payload, sizeof(payload), 27, 0x100, 0x020f, &bzlen);
    CHECK_EQ(kimage_probe(bz, bzlen, &ki), KIMG_OK);
    CHECK_EQ(ki.comp, KIMG_COMP_XZ);
    CHECK_STR(kimage_comp_name(ki.comp), "xz");
    CHECK_EQ(ki.out_size, 0x11111111);
    CHECK_EQ(kimage_unpack(&ki, out, sizeof(out), &outlen), KIMG_EINVAL);
    CHECK(kimage_unpack_reason(&ki) != NULL);
    free(bz);
}

TEST(unknown_formats)
{
    struct kimage_info ki;
    static u8 zeros[4096];

    CHECK_EQ(kimage_probe(zeros, sizeof(zeros), &ki), KIMG_ENOEXEC);
    CHECK_EQ(kimage_probe(zeros, 0, &ki), KIMG_ENOEXEC);
    CHECK_EQ(kimage_probe("\177EL", 3, &ki), KIMG_ENOEXEC);
    CHECK_STR(kimage_format_name(KIMG_FMT_UNKNOWN), "unknown");
    /* gzip too short to carry a trailer. */
    CHECK_EQ(kimage_probe("\x1f\x8b\x08", 3, &ki), KIMG_EINVAL);
}

TEST(gzip_vector_not_elf)
{
    struct kimage_info ki;
    char path[4096];
    size_t gzlen;
    u8 *gz;

    if (!unit_arg(0))
        SKIP("no vector directory given");
    snprintf(path, sizeof(path), "%s/text.9.gz", unit_arg(0));
    gz = tu_read_file(path, &gzlen);
    CHECK(gz != NULL);
    if (!gz)
        return;
    /* Not a gzip'd ELF: no kernel format (a ramdisk), known at probe. */
    CHECK_EQ(kimage_probe(gz, gzlen, &ki), KIMG_ENOEXEC);
    free(gz);
}

/* Optional: a real Debian vmlinuz, if the build cached one. */
TEST(real_kernel)
{
    struct kimage_info ki;
    struct elf_image img;
    const char *path = unit_arg(1);
    size_t len, outlen;
    u8 *k, *out;
    int rc;

    if (!path)
        SKIP("no cached vmlinuz");
    k = tu_read_file(path, &len);
    CHECK(k != NULL);
    if (!k)
        return;
    rc = kimage_probe(k, len, &ki);
    printf("  %s: %s, %s, payload %zu bytes, unpacks to %zu\n", path,
           kimage_format_name(ki.format), kimage_comp_name(ki.comp),
           ki.payload_len, ki.out_size);
    CHECK(ki.format == KIMG_FMT_BZIMAGE || ki.format == KIMG_FMT_ELF);
    if (rc == KIMG_EOPNOTSUPP) {
        CHECK(ki.comp != KIMG_COMP_GZIP && ki.comp != KIMG_COMP_UNKNOWN);
        free(k);
        return;
    }
    CHECK_EQ(rc, KIMG_OK);
    out = malloc(ki.out_size);
    CHECK_EQ(kimage_unpack(&ki, out, ki.out_size, &outlen), KIMG_OK);
    CHECK_EQ(elf_parse(&img, out, outlen), 0);
    CHECK_EQ(elf_check_xen(&img, NULL, 0), 0);
    free(out);
    free(k);
}

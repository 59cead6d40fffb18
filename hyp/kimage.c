/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest kernel image detection and unpacking: ELF, gzip'd ELF, bzImage. */
#include "types.h"
#include "lib.h"
#include "inflate.h"
#include "lz4.h"
#include "xz.h"
#include "kimage.h"

/* x86 boot protocol setup-header offsets (Documentation/x86/boot.rst). */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_BOOT_FLAG 0x1fe
#define BZ_HEADER 0x202
#define BZ_VERSION 0x206
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_HDR_END 0x250
/* payload_offset/length appeared in protocol 2.08. */
#define BZ_MIN_VERSION 0x0208

static u32 le16(const u8 *p)
{
    return p[0] | ((u32)p[1] << 8);
}

static u32 le32(const u8 *p)
{
    return le16(p) | (le16(p + 2) << 16);
}

static bool has_prefix(const u8 *p, size_t len, const char *magic, size_t n)
{
    return len >= n && !memcmp(p, magic, n);
}

static enum kimage_comp detect_comp(const u8 *p, size_t len)
{
    if (has_prefix(p, len, "\x1f\x8b", 2))
        return KIMG_COMP_GZIP;
    if (has_prefix(p, len,
                   "\xfd"
                   "7zXZ\0",
                   6))
        return KIMG_COMP_XZ;
    /* LZ4 legacy frame magic 0x184c2102, little-endian. */
    if (has_prefix(p, len, "\x02\x21\x4c\x18", 4))
        return KIMG_COMP_LZ4;
    if (has_prefix(p, len, "BZh", 3))
        return KIMG_COMP_BZIP2;
    /* lzma-alone: properties byte 0x5d, then a little-endian dict size. */
    if (has_prefix(p, len, "\x5d\x00\x00", 3))
        return KIMG_COMP_LZMA;
    if (has_prefix(p, len, "\x89LZO\0\r\n\x1a\n", 9))
        return KIMG_COMP_LZO;
    if (has_prefix(p, len, "\x28\xb5\x2f\xfd", 4))
        return KIMG_COMP_ZSTD;
    return KIMG_COMP_UNKNOWN;
}

static int probe_bzimage(const u8 *p, size_t len, struct kimage_info *ki)
{
    u64 setup, start, plen;
    unsigned int sects;

    ki->format = KIMG_FMT_BZIMAGE;
    ki->boot_protocol = (u16)le16(p + BZ_VERSION);
    if (ki->boot_protocol < BZ_MIN_VERSION)
        return KIMG_EINVAL;

    /* setup_sects == 0 means 4 for historical reasons. */
    sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
    setup = ((u64)sects + 1) * 512;
    start = setup + le32(p + BZ_PAYLOAD_OFFSET);
    plen = le32(p + BZ_PAYLOAD_LENGTH);
    /* The payload ends with a 4-byte uncompressed size, so it needs >= 4. */
    if (start > len || plen > len - start || plen < 4)
        return KIMG_EINVAL;

    ki->payload = p + start;
    ki->payload_len = (size_t)plen;
    ki->out_size = le32(ki->payload + plen - 4);
    ki->comp = detect_comp(ki->payload, ki->payload_len);
    switch (ki->comp) {
    case KIMG_COMP_GZIP:
    case KIMG_COMP_XZ:
    case KIMG_COMP_LZ4:
        break;
    default:
        return KIMG_EOPNOTSUPP;
    }
    return KIMG_OK;
}

int kimage_probe(const void *in, size_t len, struct kimage_info *ki)
{
    const u8 *p = in;

    memset(ki, 0, sizeof(*ki));
    if (has_prefix(p, len, "\177ELF", 4)) {
        ki->format = KIMG_FMT_ELF;
        ki->payload = p;
        ki->payload_len = len;
        ki->out_size = len;
        return KIMG_OK;
    }
    if (has_prefix(p, len, "\x1f\x8b", 2)) {
        /*
         * A gzip'd kernel is a gzip'd ELF; a gzip'd cpio is a ramdisk. The
         * magic's four distinct bytes are literals at the stream's start,
         * so a 4-byte output buffer holds them before inflate runs out of
         * room. A stream too broken to give them is left to the builder.
         */
        u8 head[4] = { 0 };
        size_t got = 0;
        int rc = gunzip(p, len, head, sizeof(head), &got);

        if ((rc == INFLATE_OK || rc == INFLATE_E2BIG) &&
            memcmp(head, "\177ELF", 4))
            return KIMG_ENOEXEC;
        ki->format = KIMG_FMT_GZIP;
        ki->comp = KIMG_COMP_GZIP;
        ki->payload = p;
        ki->payload_len = len;
        ki->out_size = gzip_isize(p, len);
        return ki->out_size ? KIMG_OK : KIMG_EINVAL;
    }
    if (len >= BZ_HDR_END && le16(p + BZ_BOOT_FLAG) == 0xaa55 &&
        !memcmp(p + BZ_HEADER, "HdrS", 4))
        return probe_bzimage(p, len, ki);
    return KIMG_ENOEXEC;
}

/*
 * As Linux's boot decompressor does, leave the size trailer out of the
 * stream; the stream's output must then be exactly that size.
 */
static int unpack_lz4(const struct kimage_info *ki, void *out, size_t out_cap,
                      size_t *out_len)
{
    int rc;

    if (ki->payload_len < 4)
        return KIMG_EINVAL;
    rc = unlz4_legacy(ki->payload, ki->payload_len - 4, out, out_cap, out_len);
    if (rc)
        return rc == LZ4_ENOEXEC ? KIMG_EINVAL : rc;
    if (*out_len != ki->out_size) {
        printk_lvl(LOG_ERR,
                   "kimage: lz4 payload: %zu bytes, size trailer says %zu\n",
                   *out_len, ki->out_size);
        *out_len = 0;
        return KIMG_EINVAL;
    }
    return KIMG_OK;
}

int kimage_unpack(const struct kimage_info *ki, void *out, size_t out_cap,
                  size_t *out_len)
{
    int rc;

    *out_len = 0;
    switch (ki->comp) {
    case KIMG_COMP_NONE:
        if (ki->format != KIMG_FMT_ELF)
            return KIMG_EINVAL;
        if (ki->payload_len > out_cap)
            return KIMG_E2BIG;
        memcpy(out, ki->payload, ki->payload_len);
        *out_len = ki->payload_len;
        return KIMG_OK;
    case KIMG_COMP_GZIP:
        /* The inflate error values are the same errno numbers as ours. */
        rc = gunzip(ki->payload, ki->payload_len, out, out_cap, out_len);
        if (rc)
            return rc == INFLATE_ENOEXEC ? KIMG_EINVAL : rc;
        break;
    case KIMG_COMP_LZ4:
        rc = unpack_lz4(ki, out, out_cap, out_len);
        if (rc)
            return rc;
        break;
    case KIMG_COMP_XZ:
        /*
         * The stream is all but the size word appended after it. Its own
         * errors are ours too; "not xz" cannot be, probe saw the magic,
         * but an unsupported filter or check keeps its -ENOEXEC.
         */
        rc = unxz(ki->payload, ki->payload_len - 4, out, out_cap, out_len);
        if (rc)
            return rc;
        break;
    default:
        return KIMG_EOPNOTSUPP;
    }
    if (*out_len < 4 || memcmp(out, "\177ELF", 4)) {
        *out_len = 0;
        return KIMG_ENOEXEC;
    }
    return KIMG_OK;
}

const char *kimage_unpack_reason(const struct kimage_info *ki)
{
    switch (ki->comp) {
    case KIMG_COMP_XZ:
        return unxz_reason();
    case KIMG_COMP_LZ4:
        return unlz4_reason();
    default:
        return NULL;
    }
}

const char *kimage_format_name(enum kimage_format fmt)
{
    switch (fmt) {
    case KIMG_FMT_ELF:
        return "ELF";
    case KIMG_FMT_GZIP:
        return "gzip";
    case KIMG_FMT_BZIMAGE:
        return "bzImage";
    default:
        return "unknown";
    }
}

const char *kimage_comp_name(enum kimage_comp comp)
{
    switch (comp) {
    case KIMG_COMP_NONE:
        return "none";
    case KIMG_COMP_GZIP:
        return "gzip";
    case KIMG_COMP_XZ:
        return "xz";
    case KIMG_COMP_LZ4:
        return "lz4";
    case KIMG_COMP_BZIP2:
        return "bzip2";
    case KIMG_COMP_LZMA:
        return "lzma";
    case KIMG_COMP_LZO:
        return "lzo";
    case KIMG_COMP_ZSTD:
        return "zstd";
    default:
        return "unknown";
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest kernel image detection and unpacking: ELF, gzip'd ELF, bzImage. */
#ifndef VESPER_KIMAGE_H
#define VESPER_KIMAGE_H

#include "types.h"

/* Error values are Xen's public errno numbers. */
enum {
    KIMG_OK = 0,
    KIMG_E2BIG = -7,       /* output buffer too small */
    KIMG_ENOEXEC = -8,     /* not a kernel format we recognise */
    KIMG_ENOMEM = -12,     /* reserved for callers that fail to allocate */
    KIMG_EINVAL = -22,     /* recognised but malformed / corrupt */
    KIMG_EOPNOTSUPP = -95, /* bzImage payload compressed with ki->comp */
};

enum kimage_format {
    KIMG_FMT_UNKNOWN = 0,
    KIMG_FMT_ELF,     /* plain ELF, used in place */
    KIMG_FMT_GZIP,    /* gzip stream expected to contain an ELF */
    KIMG_FMT_BZIMAGE, /* Linux bzImage; see comp */
};

enum kimage_comp {
    KIMG_COMP_NONE = 0,
    KIMG_COMP_GZIP,
    KIMG_COMP_XZ,
    KIMG_COMP_LZ4,
    KIMG_COMP_BZIP2,
    KIMG_COMP_LZMA,
    KIMG_COMP_LZO,
    KIMG_COMP_ZSTD,
    KIMG_COMP_UNKNOWN,
};

struct kimage_info {
    enum kimage_format format;
    enum kimage_comp comp; /* compression of payload */
    const u8 *payload;     /* compressed (or plain ELF) bytes */
    size_t payload_len;
    size_t out_size;   /* bytes kimage_unpack will produce */
    u16 boot_protocol; /* bzImage only, e.g. 0x020f */
};

/*
 * Identify the image and locate its payload.  Returns KIMG_OK when
 * kimage_unpack can handle it, KIMG_EOPNOTSUPP (with format/comp filled in)
 * for a bzImage with a compressor we lack, KIMG_ENOEXEC for unknown formats
 * and KIMG_EINVAL for a recognised but inconsistent header.
 */
int kimage_probe(const void *in, size_t len, struct kimage_info *ki);

/*
 * Produce the ELF image into out (at least ki->out_size bytes).  The result
 * is checked to start with the ELF magic; full validation is elf_parse's.
 */
int kimage_unpack(const struct kimage_info *ki, void *out, size_t out_cap,
                  size_t *out_len);

/*
 * After a failed kimage_unpack, the decoder's own words for what was wrong
 * (a constant string), or NULL when it has none.
 */
const char *kimage_unpack_reason(const struct kimage_info *ki);

const char *kimage_format_name(enum kimage_format fmt);
const char *kimage_comp_name(enum kimage_comp comp);

#endif

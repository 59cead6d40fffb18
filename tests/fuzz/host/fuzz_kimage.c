/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: hyp/kimage.c probing and unpacking (ELF, gzip, bzImage). */
#include <string.h>

#include "fuzz_input.h"
#include "elf.h"
#include "kimage.h"

/* Larger outputs are legal but only slow the fuzzer down. */
#define OUT_MAX (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kimage_info ki;
    u8 *out;
    size_t out_len = 0;
    int rc;

    memset(&ki, 0, sizeof(ki));
    rc = kimage_probe(data, size, &ki);

    FZ_CHECK(kimage_format_name(ki.format) != NULL);
    FZ_CHECK(kimage_comp_name(ki.comp) != NULL);
    if (rc != KIMG_OK)
        return 0;
    /* The payload must lie inside the input. */
    FZ_CHECK(ki.payload >= data && ki.payload_len <= size &&
             (size_t)(ki.payload - data) <= size - ki.payload_len);
    if (ki.out_size > OUT_MAX)
        return 0;
    /* Exact-size output, so any write past out_size is an ASan report. */
    out = malloc(ki.out_size ? ki.out_size : 1);
    if (!out)
        return 0;
    if (kimage_unpack(&ki, out, ki.out_size, &out_len) == KIMG_OK) {
        struct elf_image img;

        FZ_CHECK(out_len <= ki.out_size);
        FZ_CHECK(out_len >= 4 && !memcmp(out, "\177ELF", 4));
        elf_parse(&img, out, out_len);
    }
    free(out);
    return 0;
}

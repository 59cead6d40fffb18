/* SPDX-License-Identifier: GPL-2.0-only */
/* Host fuzz targets: reading a libFuzzer input as a stream of small values. */
#ifndef VESPER_FUZZ_INPUT_H
#define VESPER_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * The state-machine targets decode their input into operations; once the
 * bytes run out every read gives 0, so each input is a finite op list.
 */
struct fz {
    const uint8_t *p;
    size_t n;
};

static inline int fz_more(const struct fz *f)
{
    return f->n != 0;
}

static inline uint8_t fz_u8(struct fz *f)
{
    if (!f->n)
        return 0;
    f->n--;
    return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
    uint16_t v = fz_u8(f);

    return (uint16_t)(v | (uint16_t)fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
    uint32_t v = fz_u16(f);

    return v | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
    uint64_t v = fz_u32(f);

    return v | (uint64_t)fz_u32(f) << 32;
}

/* A broken invariant: print it and abort, which libFuzzer reports. */
#define FZ_CHECK(c)                                                     \
    do {                                                                \
        if (!(c)) {                                                     \
            fprintf(stderr, "fuzz invariant failed: %s at %s:%d\n", #c, \
                    __FILE__, __LINE__);                                \
            abort();                                                    \
        }                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

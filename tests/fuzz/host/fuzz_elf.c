/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: hyp/elf.c (headers, Xen notes, acceptance rules, loading). */
#include <string.h>

#include "fuzz_input.h"
#include "elf.h"

struct bound {
    u64 start, end;
};

/* Every copy elf_load asks for must lie inside the accepted range. */
static int bounded_copy(void *c, u64 virt, const void *src, size_t len)
{
    const struct bound *b = c;
    volatile u8 sink = 0;

    FZ_CHECK(virt >= b->start && virt <= b->end && len <= b->end - virt);
    /* Touch the source's ends so ASan checks the file range handed out. */
    if (src && len) {
        sink ^= ((const u8 *)src)[0];
        sink ^= ((const u8 *)src)[len - 1];
    }
    (void)sink;
    return 0;
}

static void check_str(const char *s, size_t cap)
{
    FZ_CHECK(memchr(s, 0, cap) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image img;
    char why[128];
    char *s;

    if (elf_parse(&img, data, size) == ELF_OK) {
        const struct xen_notes *xn = &img.notes;

        check_str(xn->xen_version, sizeof(xn->xen_version));
        check_str(xn->loader, sizeof(xn->loader));
        check_str(xn->guest_os, sizeof(xn->guest_os));
        check_str(xn->guest_version, sizeof(xn->guest_version));
        check_str(xn->pae_mode, sizeof(xn->pae_mode));
        check_str(xn->features, sizeof(xn->features));
        FZ_CHECK((xn->required_features & ~xn->supported_features) == 0);
        for (int priv = 0; priv < 2; priv++) {
            why[0] = 'x';
            if (elf_check_role(&img, priv, why, sizeof(why)))
                check_str(why, sizeof(why));
        }
        if (elf_check_xen(&img, why, sizeof(why)) == ELF_OK) {
            struct bound b = { img.virt_kstart, img.virt_kend };

            FZ_CHECK(!img.range_wraps && img.virt_kstart < img.virt_kend);
            FZ_CHECK(elf_load(&img, bounded_copy, &b) == 0);
        } else {
            check_str(why, sizeof(why));
        }
    }
    /* The same bytes as a FEATURES string. */
    s = malloc(size + 1);
    if (s) {
        u32 sup = 0, req = 0;

        memcpy(s, data, size);
        s[size] = '\0';
        FZ_CHECK(xen_features_parse(s, &sup, &req) >= 0);
        FZ_CHECK((req & ~sup) == 0);
        free(s);
    }
    return 0;
}

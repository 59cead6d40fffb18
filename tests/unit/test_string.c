/* SPDX-License-Identifier: GPL-2.0-only */
/* hyp/lib/string.c's bulk paths: every size, alignment and tail is right. */
#include <stdbool.h>
#include <string.h>
#include "harness.h"

/*
 * unit.mk renames the hypervisor's routines (vsp_memcpy, ...) so that they
 * do not replace the host C library's in this binary.
 */
void *vsp_memcpy(void *dst, const void *src, size_t n);
void *vsp_memset(void *dst, int c, size_t n);
bool vsp_page_is_zero(const void *page);

#define MAXN 300
#define GUARD 32

static unsigned char src[MAXN + 2 * GUARD], dst[MAXN + 2 * GUARD],
    want[MAXN + 2 * GUARD];

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 3));
}

TEST(memcpy_every_size_and_alignment)
{
    unsigned int bad = 0;

    for (size_t n = 0; n <= MAXN; n++)
        for (size_t so = 0; so < 8; so++)
            for (size_t dof = 0; dof < 8; dof++) {
                fill(src, sizeof(src), (unsigned int)n);
                fill(dst, sizeof(dst), (unsigned int)(n + 99));
                memcpy(want, dst, sizeof(want));
                for (size_t i = 0; i < n; i++)
                    want[GUARD + dof + i] = src[GUARD + so + i];
                if (vsp_memcpy(dst + GUARD + dof, src + GUARD + so, n) !=
                        dst + GUARD + dof ||
                    memcmp(dst, want, sizeof(dst)))
                    bad++;
            }
    CHECK_EQ(bad, 0);
}

TEST(memset_every_size_and_alignment)
{
    unsigned int bad = 0;

    for (size_t n = 0; n <= MAXN; n++)
        for (size_t dof = 0; dof < 8; dof++) {
            int c = (int)(0x1a5 + n); /* only the low byte counts */

            fill(dst, sizeof(dst), (unsigned int)n);
            memcpy(want, dst, sizeof(want));
            for (size_t i = 0; i < n; i++)
                want[GUARD + dof + i] = (unsigned char)c;
            if (vsp_memset(dst + GUARD + dof, c, n) != dst + GUARD + dof ||
                memcmp(dst, want, sizeof(dst)))
                bad++;
        }
    CHECK_EQ(bad, 0);
}

TEST(page_is_zero_sees_every_byte)
{
    static unsigned char page[4096] __attribute__((aligned(4096)));
    unsigned int missed = 0;

    CHECK(vsp_page_is_zero(page));
    for (size_t i = 0; i < sizeof(page); i++) {
        page[i] = (unsigned char)(1u << (i % 8));
        if (vsp_page_is_zero(page))
            missed++;
        page[i] = 0;
    }
    CHECK_EQ(missed, 0);
    CHECK(vsp_page_is_zero(page));
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* CRC-32 (reflected 0xedb88320) and CRC-64 (reflected ECMA-182) by tables. */
#include "types.h"
#include "crc.h"

#define CRC32_POLY 0xedb88320u
#define CRC64_POLY 0xc96c5795d7870f42ull

/*
 * The xz decoder checksums a whole kernel (tens of MiB) at boot, where a
 * byte-at-a-time loop is a chain of dependent table loads. CRC-32 therefore
 * goes eight bytes a step ("slicing by 8"): crc32_tab[k][b] is the CRC
 * register after byte b followed by k zero bytes, so the eight lookups of
 * one step are independent. CRC-64 is only for xz's optional check and
 * keeps one table.
 *
 * The tables (9 KiB together) are computed from the polynomials on first
 * use instead of sitting in the source as constants. Every writer stores
 * the same values, and "ready" is published with release order after the
 * tables are full, so a caller sees either a finished table or builds it
 * itself. Callers are boot-time image decoders and host tests in practice.
 */
static u32 crc32_tab[8][256];
static u64 crc64_tab[256];
static bool crc_ready;

static void crc_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        u32 c = i;
        u64 c64 = i;

        for (unsigned k = 0; k < 8; k++) {
            c = (c >> 1) ^ (c & 1 ? CRC32_POLY : 0);
            c64 = (c64 >> 1) ^ (c64 & 1 ? CRC64_POLY : 0);
        }
        crc32_tab[0][i] = c;
        crc64_tab[i] = c64;
    }
    for (unsigned k = 1; k < 8; k++)
        for (unsigned i = 0; i < 256; i++)
            crc32_tab[k][i] = (crc32_tab[k - 1][i] >> 8) ^
                              crc32_tab[0][crc32_tab[k - 1][i] & 0xff];
    __atomic_store_n(&crc_ready, true, __ATOMIC_RELEASE);
}

static void crc_tables(void)
{
    if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
        crc_init();
}

static u32 le32(const u8 *p)
{
    return p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

u32 crc32_update(u32 crc, const void *buf, size_t len)
{
    const u8 *p = buf;

    crc_tables();
    crc = ~crc;
    for (; len >= 8; p += 8, len -= 8) {
        u32 lo = le32(p) ^ crc, hi = le32(p + 4);

        crc = crc32_tab[7][lo & 0xff] ^ crc32_tab[6][(lo >> 8) & 0xff] ^
              crc32_tab[5][(lo >> 16) & 0xff] ^ crc32_tab[4][lo >> 24] ^
              crc32_tab[3][hi & 0xff] ^ crc32_tab[2][(hi >> 8) & 0xff] ^
              crc32_tab[1][(hi >> 16) & 0xff] ^ crc32_tab[0][hi >> 24];
    }
    while (len--)
        crc = (crc >> 8) ^ crc32_tab[0][(crc ^ *p++) & 0xff];
    return ~crc;
}

u64 crc64_update(u64 crc, const void *buf, size_t len)
{
    const u8 *p = buf;

    crc_tables();
    crc = ~crc;
    while (len--)
        crc = (crc >> 8) ^ crc64_tab[(crc ^ *p++) & 0xff];
    return ~crc;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the firmware's ACPI tables: the RSDP and checked tables. */
#include "lib.h"
#include "asm/acpi.h"
#include "asm/page.h"

/* The direct map always covers the low 4 GiB, where firmware puts ACPI. */
#define ACPI_LIMIT (1UL << 32)

u32 acpi_rd32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

u64 acpi_rd64(const u8 *p)
{
    return acpi_rd32(p) | (u64)acpi_rd32(p + 4) << 32;
}

bool acpi_sum_ok(const u8 *p, u64 len)
{
    u8 sum = 0;

    while (len--)
        sum += *p++;
    return !sum;
}

/* The table at pa if its signature, length and checksum hold. */
const u8 *acpi_table(u64 pa, const char *sig)
{
    const u8 *t;
    u32 len;

    if (!pa || pa >= ACPI_LIMIT - ACPI_HDR_LEN)
        return NULL;
    t = maddr_to_virt(pa);
    len = acpi_rd32(t + 4);
    if (memcmp(t, sig, 4) || len < ACPI_HDR_LEN || len > ACPI_LIMIT - pa ||
        !acpi_sum_ok(t, len))
        return NULL;
    return t;
}

/* The RSDP: in the first KiB of the EBDA, or in the BIOS area. */
const u8 *acpi_rsdp(void)
{
    u64 ebda = ((u64)acpi_rd32(maddr_to_virt(0x40e)) << 4) & 0xffff0;
    u64 ranges[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };

    /* An EBDA pointer of 0 or past conventional memory is no EBDA. */
    if (!ebda || ebda + 1024 > 0xa0000)
        ranges[0][1] = ranges[0][0];
    for (unsigned int r = 0; r < 2; r++) {
        for (u64 pa = ranges[r][0]; pa < ranges[r][1]; pa += 16) {
            const u8 *p = maddr_to_virt(pa);

            if (!memcmp(p, "RSD PTR ", 8) && acpi_sum_ok(p, 20))
                return p;
        }
    }
    return NULL;
}

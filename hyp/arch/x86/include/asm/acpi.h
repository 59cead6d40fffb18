/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the firmware's ACPI tables (acpi.c), for the CPU scan and port I/O. */
#ifndef VESPER_ASM_ACPI_H
#define VESPER_ASM_ACPI_H

#include "types.h"

#define ACPI_HDR_LEN 36 /* the common table header */

/* Little-endian reads: ACPI fields are unaligned. */
u32 acpi_rd32(const u8 *p);
u64 acpi_rd64(const u8 *p);
/* True if the n bytes at p sum to zero (mod 256). */
bool acpi_sum_ok(const u8 *p, u64 len);
/* The table at pa if its signature, length and checksum hold; else NULL. */
const u8 *acpi_table(u64 pa, const char *sig);
/* The RSDP: in the first KiB of the EBDA, or in the BIOS area; else NULL. */
const u8 *acpi_rsdp(void);

#endif

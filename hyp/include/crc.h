/* SPDX-License-Identifier: GPL-2.0-only */
/* CRC-32 (IEEE 802.3, gzip/xz) and CRC-64 (ECMA-182, xz) checksums. */
#ifndef VESPER_CRC_H
#define VESPER_CRC_H

#include "types.h"

/*
 * Both take the running value of a previous call (0 to start) and return
 * the finished checksum of everything fed so far, so calls chain.
 */
u32 crc32_update(u32 crc, const void *buf, size_t len);
u64 crc64_update(u64 crc, const void *buf, size_t len);

#endif

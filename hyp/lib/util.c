/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers the host C library lacks, shared with the unit tests. */
#include "lib.h"

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

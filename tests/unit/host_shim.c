/* SPDX-License-Identifier: GPL-2.0-only */
/* Host stand-ins for the hypervisor services hyp/ sources call. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "host_shim.h"

/* The last printk line, so tests can check that something was reported. */
char shim_last_log[512];
unsigned int shim_log_count;

static void shim_vlog(const char *fmt, va_list ap)
{
    va_list ap2;

    va_copy(ap2, ap);
    vsnprintf(shim_last_log, sizeof(shim_last_log), fmt, ap2);
    va_end(ap2);
    shim_log_count++;
    if (getenv("UNIT_VERBOSE"))
        vfprintf(stderr, fmt, ap);
}

void shim_log_reset(void)
{
    shim_last_log[0] = '\0';
    shim_log_count = 0;
}

/*
 * Weak: test_console links hyp/console.c, whose own printk, printk_lvl
 * and panic are what it tests.
 */
__attribute__((weak)) void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    shim_vlog(fmt, ap);
    va_end(ap);
}

__attribute__((weak)) void printk_lvl(int lvl, const char *fmt, ...)
{
    va_list ap;

    (void)lvl;
    va_start(ap, fmt);
    shim_vlog(fmt, ap);
    va_end(ap);
}

__attribute__((weak)) void panic(const char *fmt, ...)
{
    va_list ap;

    fputs("panic: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

/* Weak so a test may link hyp/lib/util.c's real strlcpy instead. */
__attribute__((weak)) size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

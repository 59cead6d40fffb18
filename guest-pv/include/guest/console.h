/* SPDX-License-Identifier: MIT */
/* Formatted output on the hypervisor console (console_io write). */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Supported conversions: %d %i %u %x %X %o %c %s %p %%, with the l/ll/z
 * length modifiers, a field width, '0' and '-' flags, and a precision for
 * %s. Returns the length
 * the full output would have had (like C99 snprintf).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Write raw bytes to the console; returns the console_io result, or 0
 * when console_io is refused (-EPERM) and the console ring carries them.
 */
long console_write(const char *s, size_t len);

/* Formatted console output; lines over 512 bytes are truncated. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif /* GUEST_CONSOLE_H */

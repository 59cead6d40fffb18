/* SPDX-License-Identifier: GPL-2.0-only */
/* Freestanding library: strings, formatting, logging, assertions. */
#ifndef VESPER_LIB_H
#define VESPER_LIB_H

#include <stdarg.h>
#include "types.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define container_of(p, type, member) \
    ((type *)((char *)(p)-offsetof(type, member)))
#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* C library subset (hyp/lib/string.c); host unit tests use libc's. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/*
 * Whether a page holds only zeroes. Clearing a page that is zero already
 * is not free under an emulator: the first write to guest RAM its host
 * never touched costs the host a page fault and a page of its own, while
 * a read maps its shared zero page.
 */
bool page_is_zero(const void *page);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

unsigned long long strtoull(const char *s, char **end, int base);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Not in the host C library: hyp/lib/util.c, which unit tests may link. */
/* Always NUL-terminates (when size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Log levels for printk_lvl(); "loglvl=" on the command line filters. */
enum { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };
void printk(const char *fmt, ...) __printf(1, 2);
void printk_lvl(int lvl, const char *fmt, ...) __printf(2, 3);

/* A broken hypervisor invariant: register dump, stack trace, halt. */
/*
 * XEN_SYSCTL_readconsole over the hypervisor's log ring: count bytes at
 * most from the oldest unread one (or from index when incremental and
 * still held), through copy(ctx, offset, bytes, n); count and index come
 * back as read and where to resume; clear marks them read. -EFAULT if
 * copy fails.
 */
#define HYP_LOG_SIZE 16384 /* a power of two */
struct hyp_log_read {
    bool clear, incremental;
    u32 index, count;
};
int hyp_log_read(struct hyp_log_read *r,
                 int (*copy)(void *ctx, u32 off, const char *s, u32 n),
                 void *ctx);

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c)                                                 \
    do {                                                          \
        if (unlikely(c))                                          \
            panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); \
    } while (0)
#define ASSERT(c)                                                        \
    do {                                                                 \
        if (unlikely(!(c)))                                              \
            panic("ASSERT(%s) failed at %s:%d", #c, __FILE__, __LINE__); \
    } while (0)

#endif

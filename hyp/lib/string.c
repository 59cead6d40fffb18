/* SPDX-License-Identifier: GPL-2.0-only */
/* The few C-library string routines the hypervisor uses. */
#include "lib.h"

/*
 * Emulators (QEMU's TCG, Bochs) run a string instruction one iteration at
 * a time, each about as dear as a whole translated block, so rep movsb
 * would cost eight times rep movsq there, and rep movsq itself several
 * times a plain loop that moves 64 bytes a pass (clearing a 512 MiB dom0
 * took 1.3 s of its 3.6 s boot under TCG with rep stosq). Large runs take
 * that loop, the rest the string instructions; on hardware they are alike.
 */
#define BULK 64

void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;
    size_t q, r;

    if (n >= BULK) {
        size_t blocks = n / BULK;
        u64 t0, t1, t2, t3;

        __asm__ volatile(
            "1:\n\t"
            "mov 0(%[s]), %[a]\n\t"
            "mov 8(%[s]), %[b]\n\t"
            "mov 16(%[s]), %[c]\n\t"
            "mov 24(%[s]), %[d]\n\t"
            "mov %[a], 0(%[p])\n\t"
            "mov %[b], 8(%[p])\n\t"
            "mov %[c], 16(%[p])\n\t"
            "mov %[d], 24(%[p])\n\t"
            "mov 32(%[s]), %[a]\n\t"
            "mov 40(%[s]), %[b]\n\t"
            "mov 48(%[s]), %[c]\n\t"
            "mov 56(%[s]), %[d]\n\t"
            "mov %[a], 32(%[p])\n\t"
            "mov %[b], 40(%[p])\n\t"
            "mov %[c], 48(%[p])\n\t"
            "mov %[d], 56(%[p])\n\t"
            "add $64, %[s]\n\t"
            "add $64, %[p]\n\t"
            "dec %[n]\n\t"
            "jnz 1b"
            : [p] "+r"(dst), [s] "+r"(src), [n] "+r"(blocks), [a] "=&r"(t0),
              [b] "=&r"(t1), [c] "=&r"(t2), [d] "=&r"(t3)
            :
            : "memory", "cc");
        n %= BULK;
    }
    q = n / 8;
    r = n % 8;
    __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(q)::"memory");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(r)::"memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    u64 pat = (u8)c * 0x0101010101010101UL;
    size_t q, r;

    if (n >= BULK) {
        size_t blocks = n / BULK;

        __asm__ volatile("1:\n\t"
                         "mov %[v], 0(%[p])\n\t"
                         "mov %[v], 8(%[p])\n\t"
                         "mov %[v], 16(%[p])\n\t"
                         "mov %[v], 24(%[p])\n\t"
                         "mov %[v], 32(%[p])\n\t"
                         "mov %[v], 40(%[p])\n\t"
                         "mov %[v], 48(%[p])\n\t"
                         "mov %[v], 56(%[p])\n\t"
                         "add $64, %[p]\n\t"
                         "dec %[n]\n\t"
                         "jnz 1b"
                         : [p] "+r"(dst), [n] "+r"(blocks)
                         : [v] "r"(pat)
                         : "memory", "cc");
        n %= BULK;
    }
    q = n / 8;
    r = n % 8;
    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(q) : "a"(pat) : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(r) : "a"(pat) : "memory");
    return ret;
}

bool page_is_zero(const void *page)
{
    const u64 *p = page;

    for (size_t i = 0; i < PAGE_SIZE / 8; i += 8)
        if (p[i] | p[i + 1] | p[i + 2] | p[i + 3] | p[i + 4] | p[i + 5] |
            p[i + 6] | p[i + 7])
            return false;
    return true;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    unsigned long long v = 0;

    if ((base == 0 || base == 16) && s[0] == '0' &&
        (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    for (;; s++) {
        int d;

        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (*s >= 'a' && *s <= 'z')
            d = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'Z')
            d = *s - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (end)
        *end = (char *)s;
    return v;
}

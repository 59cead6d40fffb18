/* SPDX-License-Identifier: MIT */
/* The few string routines a freestanding guest needs. */
#ifndef GUEST_STRING_H
#define GUEST_STRING_H

#include <stddef.h>

/* GCC may emit calls to these four even with -ffreestanding. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* GUEST_STRING_H */

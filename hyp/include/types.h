/* SPDX-License-Identifier: GPL-2.0-only */
/* Basic fixed-width types for the hypervisor; freestanding, host-testable. */
#ifndef VESPER_TYPES_H
#define VESPER_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Everything in the image is linked statically: let the compiler reach
 * external symbols directly instead of through a GOT it cannot relax at
 * our -2 GiB-plus addresses.
 */
#ifdef __HYP__
#pragma GCC visibility push(hidden)
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 paddr_t; /* machine physical address */
typedef u64 vaddr_t; /* virtual address (hypervisor or guest) */
typedef u64 mfn_t;   /* machine frame number */
typedef u64 pfn_t;   /* guest pseudo-physical frame number */
typedef u16 domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Atomic bit and word operations on memory other CPUs or guests also write. */
#ifndef VESPER_ATOMIC_H
#define VESPER_ATOMIC_H

#include "types.h"

/*
 * Bit nr counts from bit 0 of the 64-bit word at addr, as Xen's bitmaps in
 * shared_info do. Guests change those words concurrently with their own
 * locked instructions, so every read-modify-write here is locked too.
 */
static inline bool test_and_set_bit(unsigned long nr, volatile void *addr)
{
    bool old;

    __asm__ volatile("lock btsq %2, %1"
                     : "=@ccc"(old), "+m"(*(volatile u64 *)addr)
                     : "r"(nr)
                     : "memory");
    return old;
}

static inline bool test_and_clear_bit(unsigned long nr, volatile void *addr)
{
    bool old;

    __asm__ volatile("lock btrq %2, %1"
                     : "=@ccc"(old), "+m"(*(volatile u64 *)addr)
                     : "r"(nr)
                     : "memory");
    return old;
}

static inline void set_bit(unsigned long nr, volatile void *addr)
{
    (void)test_and_set_bit(nr, addr);
}

static inline void clear_bit(unsigned long nr, volatile void *addr)
{
    (void)test_and_clear_bit(nr, addr);
}

static inline bool test_bit(unsigned long nr, const volatile void *addr)
{
    return (((const volatile u64 *)addr)[nr / 64] >> (nr % 64)) & 1;
}

/*
 * The same on a 32-bit word (FIFO event words, the ready bitmap): a 64-bit
 * access there could split a cache line or run off the end of the page.
 */
static inline bool test_and_set_bit32(unsigned int nr, volatile u32 *w)
{
    bool old;

    __asm__ volatile("lock btsl %2, %1"
                     : "=@ccc"(old), "+m"(*w)
                     : "r"(nr)
                     : "memory");
    return old;
}

static inline bool test_and_clear_bit32(unsigned int nr, volatile u32 *w)
{
    bool old;

    __asm__ volatile("lock btrl %2, %1"
                     : "=@ccc"(old), "+m"(*w)
                     : "r"(nr)
                     : "memory");
    return old;
}

static inline bool test_bit32(unsigned int nr, const volatile u32 *w)
{
    return (*w >> nr) & 1;
}

static inline u32 cmpxchg32(volatile u32 *p, u32 old, u32 new_)
{
    __asm__ volatile("lock cmpxchgl %2, %1"
                     : "+a"(old), "+m"(*p)
                     : "r"(new_)
                     : "memory");
    return old;
}

static inline u64 cmpxchg64(volatile u64 *p, u64 old, u64 new_)
{
    __asm__ volatile("lock cmpxchgq %2, %1"
                     : "+a"(old), "+m"(*p)
                     : "r"(new_)
                     : "memory");
    return old;
}

static inline u8 xchg8(volatile u8 *p, u8 v)
{
    __asm__ volatile("xchgb %0, %1" : "+q"(v), "+m"(*p) : : "memory");
    return v;
}

static inline void atomic_inc64(volatile u64 *p)
{
    __asm__ volatile("lock incq %0" : "+m"(*p) : : "memory");
}

#define barrier() __asm__ volatile("" ::: "memory")
/* x86 keeps stores in order and loads in order; only the compiler reorders. */
#define smp_wmb() barrier()
#define smp_rmb() barrier()
#define smp_mb() __asm__ volatile("mfence" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif

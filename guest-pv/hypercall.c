/* SPDX-License-Identifier: MIT */
/* Hypercalls whose number is only known at run time. */
#include <guest/guest.h>

long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4, unsigned long a5)
{
    long ret;
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;

    /* syscall itself overwrites RCX (return RIP) and R11 (RFLAGS). */
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
                       "+r"(r8)
                     : "0"(nr)
                     : "rcx", "r11", "memory");
    return ret;
}

long hypercall6(unsigned long nr, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4, unsigned long a5)
{
    long ret;
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    unsigned long stub;

    if (nr >= HYPERCALL_PAGE_SLOTS)
        return hypercall_raw(nr, a1, a2, a3, a4, a5);
    stub = (unsigned long)hypercall_page + nr * 32;
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
                       "+r"(r8)
                     : [stub] "r"(stub)
                     : "rcx", "r11", "memory");
    return ret;
}

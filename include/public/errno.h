/* SPDX-License-Identifier: MIT */
/* Error values hypercalls return (negated) to guests: the Xen ABI set. */
#ifndef VESPER_PUBLIC_ERRNO_H
#define VESPER_PUBLIC_ERRNO_H

#include "defs.h"

/*
 * VESPER_ERRNO_LIST(X) expands X(name, value) once per error code. A
 * hypercall fails by returning -value; nothing else is a valid failure.
 * The values are Xen's (which took them from x86 Linux), so guests need
 * no translation. They are fixed for all time: never renumber, and add
 * new codes only if Xen has them too.
 *
 * EINTR and ERESTART are hypervisor-internal: ERESTART asks for a
 * hypercall continuation, EINTR for an interrupted wait. Neither may ever
 * reach a guest; Xen hides both from guest builds. They are listed so the
 * hypervisor takes every error value from this one list.
 *
 * Aliases (EWOULDBLOCK, EDEADLOCK) are kept out of the list so that every
 * list entry is a distinct value; they are defined after it.
 */
#define VESPER_ERRNO_LIST(X) \
    X(EPERM, 1)              \
    X(ENOENT, 2)             \
    X(ESRCH, 3)              \
    X(EINTR, 4)              \
    X(EIO, 5)                \
    X(ENXIO, 6)              \
    X(E2BIG, 7)              \
    X(ENOEXEC, 8)            \
    X(EBADF, 9)              \
    X(ECHILD, 10)            \
    X(EAGAIN, 11)            \
    X(ENOMEM, 12)            \
    X(EACCES, 13)            \
    X(EFAULT, 14)            \
    X(EBUSY, 16)             \
    X(EEXIST, 17)            \
    X(EXDEV, 18)             \
    X(ENODEV, 19)            \
    X(ENOTDIR, 20)           \
    X(EISDIR, 21)            \
    X(EINVAL, 22)            \
    X(ENFILE, 23)            \
    X(EMFILE, 24)            \
    X(ENOSPC, 28)            \
    X(EROFS, 30)             \
    X(EMLINK, 31)            \
    X(EDOM, 33)              \
    X(ERANGE, 34)            \
    X(EDEADLK, 35)           \
    X(ENAMETOOLONG, 36)      \
    X(ENOLCK, 37)            \
    X(ENOSYS, 38)            \
    X(ENOTEMPTY, 39)         \
    X(ENODATA, 61)           \
    X(ETIME, 62)             \
    X(EBADMSG, 74)           \
    X(EOVERFLOW, 75)         \
    X(EILSEQ, 84)            \
    X(ERESTART, 85)          \
    X(ENOTSOCK, 88)          \
    X(EMSGSIZE, 90)          \
    X(EOPNOTSUPP, 95)        \
    X(EADDRINUSE, 98)        \
    X(EADDRNOTAVAIL, 99)     \
    X(ENOBUFS, 105)          \
    X(EISCONN, 106)          \
    X(ENOTCONN, 107)         \
    X(ETIMEDOUT, 110)        \
    X(ECONNREFUSED, 111)

/*
 * The same values as plain macros for assembly and for #if. The XEN_
 * prefix keeps them apart from a hosted <errno.h> in tools and tests.
 */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_EINTR 4
#define XEN_EIO 5
#define XEN_ENXIO 6
#define XEN_E2BIG 7
#define XEN_ENOEXEC 8
#define XEN_EBADF 9
#define XEN_ECHILD 10
#define XEN_EAGAIN 11
#define XEN_ENOMEM 12
#define XEN_EACCES 13
#define XEN_EFAULT 14
#define XEN_EBUSY 16
#define XEN_EEXIST 17
#define XEN_EXDEV 18
#define XEN_ENODEV 19
#define XEN_ENOTDIR 20
#define XEN_EISDIR 21
#define XEN_EINVAL 22
#define XEN_ENFILE 23
#define XEN_EMFILE 24
#define XEN_ENOSPC 28
#define XEN_EROFS 30
#define XEN_EMLINK 31
#define XEN_EDOM 33
#define XEN_ERANGE 34
#define XEN_EDEADLK 35
#define XEN_ENAMETOOLONG 36
#define XEN_ENOLCK 37
#define XEN_ENOSYS 38
#define XEN_ENOTEMPTY 39
#define XEN_ENODATA 61
#define XEN_ETIME 62
#define XEN_EBADMSG 74
#define XEN_EOVERFLOW 75
#define XEN_EILSEQ 84
#define XEN_ERESTART 85
#define XEN_ENOTSOCK 88
#define XEN_EMSGSIZE 90
#define XEN_EOPNOTSUPP 95
#define XEN_EADDRINUSE 98
#define XEN_EADDRNOTAVAIL 99
#define XEN_ENOBUFS 105
#define XEN_EISCONN 106
#define XEN_ENOTCONN 107
#define XEN_ETIMEDOUT 110
#define XEN_ECONNREFUSED 111

/* Second names for the same values, as POSIX allows. */
#define XEN_EWOULDBLOCK XEN_EAGAIN
#define XEN_EDEADLOCK XEN_EDEADLK

#ifndef __ASSEMBLY__

/* Each macro must equal its list entry, and every value fit in 7 bits. */
#define VESPER_ERRNO_CHECK_(name, value)                                     \
    VESPER_ABI_ASSERT(XEN_##name == (value) && (value) > 0 && (value) < 128, \
                      errno_##name);
VESPER_ERRNO_LIST(VESPER_ERRNO_CHECK_)
#undef VESPER_ERRNO_CHECK_

/*
 * No value may appear twice. As for hypercall numbers: summing distinct
 * bits equals OR-ing them only when no bit repeats. Values span 1..127,
 * so the low and high halves use one 64-bit word each.
 */
#define VESPER_ERRNO_LO_SUM_(name, v) +((v) < 64 ? 1UL << ((v)&63) : 0UL)
#define VESPER_ERRNO_LO_OR_(name, v) | ((v) < 64 ? 1UL << ((v)&63) : 0UL)
#define VESPER_ERRNO_HI_SUM_(name, v) +((v) >= 64 ? 1UL << ((v)&63) : 0UL)
#define VESPER_ERRNO_HI_OR_(name, v) | ((v) >= 64 ? 1UL << ((v)&63) : 0UL)
VESPER_ABI_ASSERT((0UL VESPER_ERRNO_LIST(VESPER_ERRNO_LO_SUM_)) ==
                          (0UL VESPER_ERRNO_LIST(VESPER_ERRNO_LO_OR_)) &&
                      (0UL VESPER_ERRNO_LIST(VESPER_ERRNO_HI_SUM_)) ==
                          (0UL VESPER_ERRNO_LIST(VESPER_ERRNO_HI_OR_)),
                  errno_values_unique);
#undef VESPER_ERRNO_LO_SUM_
#undef VESPER_ERRNO_LO_OR_
#undef VESPER_ERRNO_HI_SUM_
#undef VESPER_ERRNO_HI_OR_

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_ERRNO_H */

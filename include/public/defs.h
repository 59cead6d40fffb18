/* SPDX-License-Identifier: MIT */
/* Language-neutral helpers shared by every Vesper public ABI header. */
#ifndef VESPER_PUBLIC_DEFS_H
#define VESPER_PUBLIC_DEFS_H

/*
 * The public headers are the specification of the guest ABI. They must
 * compile unchanged as C89, C99, C11, C++98/C++11 and (the numeric parts)
 * as assembly, for x86-64 only: structures hold pointers and 64-bit words
 * whose sizes are pinned below, so a 32-bit build would silently disagree
 * with the hypervisor. Refuse it loudly instead.
 */
#ifndef __x86_64__
#error "Vesper public headers describe the x86-64 ABI only"
#endif

/*
 * Integer constants that must carry a C suffix but also appear in .S
 * files. Names follow Xen's so that ported guest code keeps working.
 */
#ifdef __ASSEMBLY__
#define xen_mk_uint(x) x
#define xen_mk_ulong(x) x
#else
#define xen_mk_uint_(x) x##U
#define xen_mk_ulong_(x) x##UL
#define xen_mk_uint(x) xen_mk_uint_(x)
#define xen_mk_ulong(x) xen_mk_ulong_(x)
#endif

#ifndef __ASSEMBLY__

/*
 * Freestanding C and C++ compilers all ship <stdint.h> and <stddef.h>,
 * so these are safe even inside the hypervisor and a bare guest.
 */
#include <stddef.h>
#include <stdint.h>

/*
 * Compile-time layout checks. C89 and C++98 lack static_assert, so the
 * fallback declares an array whose size goes negative when the check
 * fails. The tag is pasted into the typedef name; the compiler error
 * mentions it, which tells the reader which check broke.
 */
#define VESPER_ABI_CAT2_(a, b) a##b
#define VESPER_ABI_CAT_(a, b) VESPER_ABI_CAT2_(a, b)

#if defined(__cplusplus) && __cplusplus >= 201103L
#define VESPER_ABI_ASSERT(cond, tag) static_assert(cond, "ABI check " #tag)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && \
    __STDC_VERSION__ >= 201112L
#define VESPER_ABI_ASSERT(cond, tag) _Static_assert(cond, "ABI check " #tag)
#else
#define VESPER_ABI_ASSERT(cond, tag) \
    typedef char VESPER_ABI_CAT_(vesper_abi_check_, tag)[(cond) ? 1 : -1]
#endif

/*
 * Size and offset pins. Offsets take a member designator, which may be a
 * nested path such as console.domU.evtchn; because that cannot become an
 * identifier, offset checks are tagged with the structure and line.
 */
#define VESPER_ABI_SIZE(s, size) \
    VESPER_ABI_ASSERT(sizeof(struct s) == (size), size_##s)
#define VESPER_ABI_OFFSET(s, member, off)                  \
    VESPER_ABI_ASSERT(offsetof(struct s, member) == (off), \
                      VESPER_ABI_CAT_(off_##s##_, __LINE__))

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_DEFS_H */

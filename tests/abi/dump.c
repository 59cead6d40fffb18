/* SPDX-License-Identifier: MIT */
/* Prints every fact in layout.def as "kind name value" lines, for one ABI. */

/*
 * Built twice from this one file, as two separate programs: with
 * ABI_SIDE_XEN against Xen's own public headers (Debian's libxen-dev),
 * otherwise against ours. No translation unit ever sees both header sets,
 * so a name clash cannot hide a difference. The make rule diffs the two
 * outputs with compare.awk.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifdef ABI_SIDE_XEN
/* Tool builds see Xen's newest interface version and every definition. */
#define __XEN_TOOLS__ 1
#include <stdint.h> /* Xen's headers expect the includer to provide it */
#include <xen/xen.h>
#include <xen/arch-x86/xen-mca.h>
#include <xen/callback.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/nmi.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/hvm/params.h>
#define SIDE_VALUE(ours, xen) (xen)
#define SIDE "xen"
#else
#include <public/vesper.h>
#include <public/callback.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/console_io.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <public/nmi.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/hvm/dm_op.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/ioreq.h>
#include <public/hvm/params.h>
#define SIDE_VALUE(ours, xen) (ours)
#define SIDE "vesper"
#endif

/* Strings are compared with whitespace removed: spacing is not ABI. */
static void print_str(const char *name, const char *s)
{
    printf("str %s ", name);
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            putchar(*s);
    putchar('\n');
}

/*
 * A bit-field has no offsetof. BITS sets one to all ones in a zeroed
 * structure and prints where the ones landed: the first bit (counted
 * from bit 0 of byte 0, little-endian) and how many there are.
 */
static void print_bits(const char *name, const void *obj, size_t size)
{
    const unsigned char *p = obj;
    unsigned long first = 0, width = 0, bit;
    for (bit = 0; bit < size * 8; bit++)
        if (p[bit / 8] & (1u << (bit % 8))) {
            if (!width)
                first = bit;
            width++;
        }
    printf("bits %s %lu %lu\n", name, first, width);
}

#define TSIZE(t)                                             \
    printf("type %s %lu %s\n", #t, (unsigned long)sizeof(t), \
           (t)-1 < (t)0 ? "signed" : "unsigned");
#define ASIZE(t) printf("type %s %lu\n", #t, (unsigned long)sizeof(t));
#define SIZE(s) printf("size %s %lu\n", #s, (unsigned long)sizeof(struct s));
#define OFF(s, m)                                \
    printf("off %s.%s %lu %lu\n", #s, #m,        \
           (unsigned long)offsetof(struct s, m), \
           (unsigned long)sizeof(((struct s *)0)->m));
#define BITS(s, m)                                   \
    do {                                             \
        struct s v_;                                 \
        memset(&v_, 0, sizeof(v_));                  \
        v_.m = ~v_.m; /* all ones, whatever width */ \
        print_bits(#s "." #m, &v_, sizeof(v_));      \
    } while (0);
#define CONST(c) printf("const %s %lu\n", #c, (unsigned long)(c));
#define CONST_AS(c, xen) \
    printf("const %s %lu\n", #c, (unsigned long)SIDE_VALUE(c, xen));
#define STR(c) print_str(#c, c);

int main(void)
{
#include "layout.def"

#ifndef ABI_SIDE_XEN
    /*
     * Our X-macro lists, so the comparison can insist that every list
     * entry is also covered by layout.def and thus checked against Xen.
     */
#define LIST_HC(nr, name, nargs) printf("list __HYPERVISOR_" #name "\n");
#define LIST_ERR(name, value) printf("list XEN_" #name "\n");
    VESPER_HYPERCALL_LIST(LIST_HC)
    VESPER_ERRNO_LIST(LIST_ERR)
#endif
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* boot_layout's extra ELF notes: Linux's INIT_P2M and MOD_START_PFN. */

#include <public/elfnote.h>

/* One "Xen" note with a 64-bit value, as start.S lays its own out. */
.macro LAYOUT_NOTE type, value
    .pushsection .note.Xen, "a", @note
    .p2align 2
    .long 2f - 1f
    .long 4f - 3f
    .long \type
1:  .asciz "Xen"
2:  .p2align 2
3:  .quad \value
4:  .p2align 2
    .popsection
.endm

    /* Linux's value: L4 slot 1, the start of the second 512 GiB. */
    LAYOUT_NOTE XEN_ELFNOTE_INIT_P2M, 0x8000000000
    LAYOUT_NOTE XEN_ELFNOTE_MOD_START_PFN, 1

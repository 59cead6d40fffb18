/* SPDX-License-Identifier: MIT */
/* A second FEATURES note, "!dom0": this kernel requires to be the control domain. */

#include <public/elfnote.h>

/*
 * The builder ORs every FEATURES note together, as Xen's libelf does, so
 * this adds "required" to the SDK's plain "dom0" from guest-pv/start.S.
 */
    .pushsection .note.Xen, "a", @note
    .p2align 2
    .long 2f - 1f
    .long 4f - 3f
    .long XEN_ELFNOTE_FEATURES
1:  .asciz "Xen"
2:  .p2align 2
3:  .asciz "!dom0"
4:  .p2align 2
    .popsection

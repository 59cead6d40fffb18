/* SPDX-License-Identifier: MIT */
/* Read-only data with short repeat periods, for lz4's overlapping matches. */

/*
 * lz4_pat_P: PAT_LEN / P whole repeats of a P-byte pattern whose byte k is
 * (k * 29 + P * 7 + 1) & 0xff, so no two patterns share bytes at the same
 * place. A compressor codes each as literals for the first repeat, then a
 * match P bytes back that overlaps its own output (offset < length).
 */
#define PAT_LEN 2048

    .macro pattern period
    .globl lz4_pat_\period
    .balign 16
lz4_pat_\period:
    .rept PAT_LEN / \period
    k = 0
    .rept \period
    .byte (k * 29 + \period * 7 + 1) & 0xff
    k = k + 1
    .endr
    .endr
    .endm

    .section .rodata
    pattern 1
    pattern 2
    pattern 3
    pattern 4
    pattern 5
    pattern 6
    pattern 7
    pattern 8
    pattern 9
    pattern 15
    pattern 16
    pattern 17
    .section .note.GNU-stack, "", @progbits

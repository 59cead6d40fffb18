/* SPDX-License-Identifier: GPL-2.0-only */
/* Link the hypervisor inside the direct map, loaded at 1 MiB physical. */
#include "asm/layout.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

SECTIONS
{
    . = HYP_VIRT_START;
    _image_start = .;
    .text : AT(ADDR(.text) - DIRECTMAP_VIRT_START) {
        KEEP(*(.multiboot))
        *(.text.boot)
        *(.text .text.*)
    }
    . = ALIGN(4096);
    _etext = .;
    .rodata : AT(ADDR(.rodata) - DIRECTMAP_VIRT_START) {
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __ex_table_start = .;
        KEEP(*(.ex_table))
        __ex_table_end = .;
        . = ALIGN(8);
        __ex_guest_table_start = .;
        KEEP(*(.ex_guest_table))
        __ex_guest_table_end = .;
        . = ALIGN(8);
        __hypercall_table_check = .;
    }
    . = ALIGN(4096);
    .data : AT(ADDR(.data) - DIRECTMAP_VIRT_START) {
        *(.data.page_aligned)
        *(.data .data.*)
        /* Last, so its size never moves code: see the two-pass link. */
        . = ALIGN(8);
        KEEP(*(.vesper_syms))
        /* Pad inside the section so the flat image really ends here. */
        . = ALIGN(4096);
        _edata = .;
    }
    .bss : AT(ADDR(.bss) - DIRECTMAP_VIRT_START) {
        *(.bss.page_aligned)
        *(.bss .bss.* COMMON)
    }
    . = ALIGN(4096);
    _end = .;

    /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame) *(.interp) *(.dynsym)
                  *(.dynstr) *(.hash) *(.gnu.hash) *(.dynamic) }
}

ASSERT(_start - DIRECTMAP_VIRT_START < 0x100000000, "boot code above 4 GiB")
ASSERT(_end - _image_start < 0x1000000, "hypervisor image larger than 16 MiB")

/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot (version 1) information the boot loader hands the hypervisor. */
#ifndef ASM_MULTIBOOT_H
#define ASM_MULTIBOOT_H

#include "types.h"

#define MB_INFO_MAGIC 0x2BADB002
#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)

struct mb_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count,
        mods_addr, syms[4], mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
    u32 start, end, string, reserved;
} __attribute__((packed));

struct mb_mmap {
    u32 size;
    u64 addr, len;
    u32 type;
} __attribute__((packed));

/*
 * Build every boot-time domain the modules describe (boot_domains.c):
 * module 0 is domain 0, later kernels domains 1, 2, ... dom0_mem is the
 * default size of domain 0; cycles > 1 rebuilds the set that many times
 * (boot_next_cycle) and keeps the modules until the last round.
 */
void boot_domains_init(const struct mb_info *mbi, u64 dom0_mem, u64 cycles);

#endif

/* SPDX-License-Identifier: MIT */
/* ELF note types a PV kernel uses to describe itself to the domain builder. */
#ifndef VESPER_PUBLIC_ELFNOTE_H
#define VESPER_PUBLIC_ELFNOTE_H

/*
 * Notes live in a PT_NOTE segment with owner name VESPER_ELFNOTE_NAME
 * ("Xen", so unmodified Xen guests are recognised). Each type below fixes
 * the descriptor format: "string" is NUL-terminated text, "value" is an
 * integer of the note's descriptor size (4 or 8 bytes, little endian).
 */
#define VESPER_ELFNOTE_NAME "Xen"

#define XEN_ELFNOTE_INFO 0            /* obsolete, ignored */
#define XEN_ELFNOTE_ENTRY 1           /* value: virtual entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2  /* value: where to write the page */
#define XEN_ELFNOTE_VIRT_BASE 3       /* value: virtual load base */
#define XEN_ELFNOTE_PADDR_OFFSET 4    /* value: VA minus ELF paddr */
#define XEN_ELFNOTE_XEN_VERSION 5     /* string: ABI version, "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS 6        /* string: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION 7   /* string */
#define XEN_ELFNOTE_LOADER 8          /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE 9        /* string: "yes", "no", ... */
#define XEN_ELFNOTE_FEATURES 10       /* string: '|'-separated XENFEAT */
#define XEN_ELFNOTE_BSD_SYMTAB 11     /* string: "yes" to load symbols */
#define XEN_ELFNOTE_HV_START_LOW 12   /* value: 32-bit PAE only */
#define XEN_ELFNOTE_L1_MFN_VALID 13   /* values: mask, match of L1 PTEs */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14 /* value: supports cancelled suspend */
#define XEN_ELFNOTE_INIT_P2M 15       /* value: VA for the initial P2M */
#define XEN_ELFNOTE_MOD_START_PFN 16  /* value: accepts SIF_MOD_START_PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* value: 32-bit XENFEAT bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY 18       /* value: 32-bit PVH entry (unused) */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Types used in hypervisor crash dumps and domain core files. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* VESPER_PUBLIC_ELFNOTE_H */

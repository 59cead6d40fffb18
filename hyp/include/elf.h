/* SPDX-License-Identifier: GPL-2.0-only */
/* ELF64 parsing and loading of Xen PV guest kernels, including "Xen" notes. */
#ifndef VESPER_ELF_H
#define VESPER_ELF_H

#include "types.h"
/* XEN_ELFNOTE_* and XENFEAT_* numbers come from the public ABI headers. */
#include <public/elfnote.h>
#include <public/features.h>

/* Error values are Xen's public errno numbers. */
enum {
    ELF_OK = 0,
    ELF_ENOEXEC = -8, /* not a loadable ELF64 x86-64 executable */
    ELF_EINVAL = -22, /* malformed headers or notes, or rejected by policy */
};

/* ------------------------------------------------------------ ELF format */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define SHT_NOTE 7
#define PN_XNUM 0xffff

typedef struct {
    u8 e_ident[EI_NIDENT];
    u16 e_type;
    u16 e_machine;
    u32 e_version;
    u64 e_entry;
    u64 e_phoff;
    u64 e_shoff;
    u32 e_flags;
    u16 e_ehsize;
    u16 e_phentsize;
    u16 e_phnum;
    u16 e_shentsize;
    u16 e_shnum;
    u16 e_shstrndx;
} Elf64_Ehdr;

typedef struct {
    u32 p_type;
    u32 p_flags;
    u64 p_offset;
    u64 p_vaddr;
    u64 p_paddr;
    u64 p_filesz;
    u64 p_memsz;
    u64 p_align;
} Elf64_Phdr;

typedef struct {
    u32 sh_name;
    u32 sh_type;
    u64 sh_flags;
    u64 sh_addr;
    u64 sh_offset;
    u64 sh_size;
    u32 sh_link;
    u32 sh_info;
    u64 sh_addralign;
    u64 sh_entsize;
} Elf64_Shdr;

/* Note header; name and descriptor follow, each padded to 4 bytes. */
typedef struct {
    u32 n_namesz;
    u32 n_descsz;
    u32 n_type;
} Elf64_Nhdr;

/* What the "Xen" notes said.  Strings are NUL-terminated, maybe truncated. */
struct xen_notes {
    unsigned int count; /* "Xen" notes seen; 0 = not a PV kernel */
    u64 entry, virt_base, paddr_offset, hypercall_page, init_p2m;
    u64 hv_start_low, phys32_entry;
    bool has_entry, has_virt_base, has_paddr_offset, has_hypercall_page;
    bool has_init_p2m, has_hv_start_low, has_phys32_entry;
    bool mod_start_pfn_ok;       /* MOD_START_PFN != 0 */
    bool has_supported_features; /* a SUPPORTED_FEATURES note was seen */
    bool suspend_cancel, bsd_symtab;
    u32 supported_features;        /* FEATURES names + SUPPORTED_FEATURES */
    u32 required_features;         /* FEATURES names written "!name" */
    unsigned int unknown_required; /* "!name" with a name we do not know */
    char xen_version[32], loader[32], guest_os[32], guest_version[32];
    char pae_mode[32], features[256];
};

struct elf_image {
    const u8 *data;
    size_t size;
    u64 entry;        /* ENTRY note, else e_entry */
    u64 virt_base;    /* VIRT_BASE note, else 0 */
    u64 paddr_offset; /* PADDR_OFFSET note, else 0 */
    u64 pstart, pend; /* p_paddr range of the loadable segments */
    /* [virt_kstart, virt_kend): pstart/pend + virt_base - paddr_offset */
    u64 virt_kstart, virt_kend;
    bool range_wraps; /* the virtual range wrapped around 2^64 */
    u16 phnum;
    struct xen_notes notes;
};

/*
 * Validate an ELF64 little-endian x86-64 ET_EXEC image held in memory and
 * collect its Xen notes (from PT_NOTE segments, else SHT_NOTE sections).
 * Every header, segment and note is bounds-checked against size.  The image
 * must stay mapped while img is used.  Defaults follow Xen's libelf:
 * VIRT_BASE 0, PADDR_OFFSET 0 (notes interface), entry = e_entry.
 */
int elf_parse(struct elf_image *img, const void *data, size_t size);

/*
 * Apply the PV acceptance rules Xen applies before building a domain.  On
 * rejection returns ELF_EINVAL and writes a reason into why (if non-NULL).
 */
int elf_check_xen(const struct elf_image *img, char *why, size_t whylen);

/*
 * The rules that depend on the domain's role: as the privileged domain, a
 * kernel with a SUPPORTED_FEATURES note must support XENFEAT_dom0; as any
 * other, it must not require it.  ELF_EINVAL with a reason in why, else 0.
 */
int elf_check_role(const struct elf_image *img, bool privileged, char *why,
                   size_t whylen);

/*
 * Copy each loadable segment to its virtual address: p_filesz bytes from
 * the file, then (p_memsz - p_filesz) zero bytes, signalled by src == NULL.
 * Returns the first non-zero value from copy, else 0.
 */
typedef int (*elf_copy_fn)(void *ctx, u64 virt, const void *src, size_t len);
int elf_load(const struct elf_image *img, elf_copy_fn copy, void *ctx);

/*
 * Parse a FEATURES note string of '|'-separated XENFEAT names (the seven
 * Xen 4.17's libelf knows); "!name" also marks it required.  Unknown names
 * are ignored, but the return value counts unknown *required* names,
 * a bare "!" included (Xen refuses such kernels).
 */
int xen_features_parse(const char *s, u32 *supported, u32 *required);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* ELF64 parsing and loading of Xen PV guest kernels, including "Xen" notes. */
#include "types.h"
#include "lib.h"
#include "elf.h"

/* Bounds every loop over notes even for a huge, well-formed note area. */
#define ELF_MAX_NOTES 4096

/* The x86-64 PV ABI reserves 0xffff800000000000-0xffff87ffffffffff. */
#define XEN_RESERVED_START 0xffff800000000000ull
#define XEN_RESERVED_END 0xffff880000000000ull
#define CANONICAL_LOW_END 0x0000800000000000ull

/* true if [off, off + len) lies inside a buffer of size bytes. */
static bool in_bounds(u64 off, u64 len, size_t size)
{
    return off <= size && len <= size - off;
}

/*
 * The FEATURES names Xen 4.17's libelf knows: exactly these seven. Other
 * XENFEAT_ bits exist, but a FEATURES string cannot name them, so Xen
 * refuses "!gnttab_map_avail_bits" as an unknown requirement and so do we.
 */
static const struct {
    const char *name;
    unsigned int bit;
} feature_names[] = {
    { "writable_page_tables", XENFEAT_writable_page_tables },
    { "writable_descriptor_tables", XENFEAT_writable_descriptor_tables },
    { "auto_translated_physmap", XENFEAT_auto_translated_physmap },
    { "supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel },
    { "pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb },
    { "hvm_callback_vector", XENFEAT_hvm_callback_vector },
    { "dom0", XENFEAT_dom0 },
};

/*
 * Xen reads a FEATURES token into a 64-byte buffer: a token longer than
 * 63 characters is taken as several, 63 characters each.
 */
#define FEATURE_TOKEN_MAX 63

int xen_features_parse(const char *s, u32 *supported, u32 *required)
{
    int unknown_required = 0;

    while (*s) {
        const char *tok = s;
        size_t len = 0, i;
        bool req;

        while (len < FEATURE_TOKEN_MAX && s[len] && s[len] != '|')
            len++;
        s += len;
        if (len < FEATURE_TOKEN_MAX && *s == '|')
            s++;
        /* An empty token names nothing; a bare "!" requires nothing known. */
        req = len && tok[0] == '!';
        if (req) {
            tok++;
            len--;
        }
        for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
            if (strlen(feature_names[i].name) == len &&
                !memcmp(feature_names[i].name, tok, len))
                break;
        }
        if (i == ARRAY_SIZE(feature_names)) {
            unknown_required += req;
            continue;
        }
        /* A required feature is necessarily also supported. */
        *supported |= 1u << feature_names[i].bit;
        if (req)
            *required |= 1u << feature_names[i].bit;
    }
    return unknown_required;
}

static u64 rd_le(const u8 *p, unsigned int n)
{
    u64 v = 0;

    while (n--)
        v = (v << 8) | p[n];
    return v;
}

/*
 * Xen reads a string note as a C string that starts at the descriptor and
 * ends at the first NUL anywhere in the image: n_descsz plays no part.
 * Linux's FEATURES note is a bare .ascii whose NUL is the note's alignment
 * padding, and a NUL-less string simply runs on into the next note. A string
 * with no NUL before the image ends, or longer than Xen's 4096-character
 * limit, makes Xen skip the note (its image-broken flag only logs a warning).
 */
#define NOTE_STR_MAX 4096

static bool note_str_ok(const u8 *p, u64 avail)
{
    u64 i;

    for (i = 0; i < avail && i <= NOTE_STR_MAX; i++) {
        if (p[i] == 0)
            return true;
    }
    return false;
}

/* Copy a note string known to end in a NUL, truncating to dst's size. */
static void note_str(char *dst, size_t dstlen, const u8 *src)
{
    size_t i;

    for (i = 0; i + 1 < dstlen && src[i]; i++)
        dst[i] = (char)src[i];
    dst[i] = '\0';
}

/* avail: the bytes from desc to the end of the image. */
static int parse_xen_note(struct xen_notes *xn, u32 type, const u8 *desc,
                          u32 descsz, u64 avail)
{
    u64 val = 0;

    switch (type) {
    case XEN_ELFNOTE_XEN_VERSION:
    case XEN_ELFNOTE_GUEST_OS:
    case XEN_ELFNOTE_GUEST_VERSION:
    case XEN_ELFNOTE_LOADER:
    case XEN_ELFNOTE_PAE_MODE:
    case XEN_ELFNOTE_FEATURES:
    case XEN_ELFNOTE_BSD_SYMTAB:
        if (!note_str_ok(desc, avail))
            return ELF_OK;
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        /*
         * An array of 32-bit submaps (only submap 0 exists). As in Xen, a
         * descriptor that is not whole words contributes no bits, but the
         * note is still there, which is what the dom0 rule looks at.
         */
        xn->has_supported_features = true;
        if (descsz >= 4 && descsz % 4 == 0)
            xn->supported_features |= (u32)rd_le(desc, 4);
        return ELF_OK;
    case XEN_ELFNOTE_L1_MFN_VALID:
        /* mask/value pairs used only by save/restore. */
        return ELF_OK;
    case XEN_ELFNOTE_ENTRY:
    case XEN_ELFNOTE_HYPERCALL_PAGE:
    case XEN_ELFNOTE_VIRT_BASE:
    case XEN_ELFNOTE_PADDR_OFFSET:
    case XEN_ELFNOTE_HV_START_LOW:
    case XEN_ELFNOTE_SUSPEND_CANCEL:
    case XEN_ELFNOTE_INIT_P2M:
    case XEN_ELFNOTE_MOD_START_PFN:
    case XEN_ELFNOTE_PHYS32_ENTRY:
        /* Xen reads numeric notes of 1, 2, 4 or 8 bytes; others are bogus. */
        if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8)
            return ELF_EINVAL;
        val = rd_le(desc, descsz);
        break;
    default:
        /* Unknown types are skipped, as Xen does. */
        return ELF_OK;
    }

    switch (type) {
    case XEN_ELFNOTE_ENTRY:
        xn->entry = val;
        xn->has_entry = true;
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        xn->hypercall_page = val;
        xn->has_hypercall_page = true;
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        xn->virt_base = val;
        xn->has_virt_base = true;
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        xn->paddr_offset = val;
        xn->has_paddr_offset = true;
        break;
    case XEN_ELFNOTE_HV_START_LOW:
        xn->hv_start_low = val;
        xn->has_hv_start_low = true;
        break;
    case XEN_ELFNOTE_INIT_P2M:
        xn->init_p2m = val;
        xn->has_init_p2m = true;
        break;
    case XEN_ELFNOTE_PHYS32_ENTRY:
        xn->phys32_entry = val;
        xn->has_phys32_entry = true;
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        xn->mod_start_pfn_ok = val != 0;
        break;
    case XEN_ELFNOTE_SUSPEND_CANCEL:
        xn->suspend_cancel = val != 0;
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        note_str(xn->xen_version, sizeof(xn->xen_version), desc);
        break;
    case XEN_ELFNOTE_GUEST_OS:
        note_str(xn->guest_os, sizeof(xn->guest_os), desc);
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        note_str(xn->guest_version, sizeof(xn->guest_version), desc);
        break;
    case XEN_ELFNOTE_LOADER:
        note_str(xn->loader, sizeof(xn->loader), desc);
        break;
    case XEN_ELFNOTE_PAE_MODE:
        note_str(xn->pae_mode, sizeof(xn->pae_mode), desc);
        break;
    case XEN_ELFNOTE_BSD_SYMTAB:
        xn->bsd_symtab = !strcmp((const char *)desc, "yes");
        break;
    case XEN_ELFNOTE_FEATURES:
        note_str(xn->features, sizeof(xn->features), desc);
        /* Parse the full string, not the possibly truncated copy. */
        xn->unknown_required += (unsigned int)xen_features_parse(
            (const char *)desc, &xn->supported_features,
            &xn->required_features);
        break;
    }
    return ELF_OK;
}

/* Walk one note area [off, off + len) of the file. */
static int parse_notes(struct elf_image *img, u64 off, u64 len,
                       unsigned int *budget)
{
    const u8 *p = img->data + off;
    u64 pos = 0;

    /* Fewer than 12 trailing bytes cannot hold a note: treat as padding. */
    while (len - pos >= sizeof(Elf64_Nhdr)) {
        Elf64_Nhdr nh;
        u64 name_sz, desc_sz;
        const u8 *name, *desc;
        int rc;

        if ((*budget)-- == 0)
            return ELF_EINVAL;
        memcpy(&nh, p + pos, sizeof(nh));
        pos += sizeof(nh);
        /* 64-bit arithmetic: a u32 size plus 3 cannot overflow it. */
        name_sz = ((u64)nh.n_namesz + 3) & ~3ull;
        desc_sz = ((u64)nh.n_descsz + 3) & ~3ull;
        if (name_sz > len - pos || desc_sz > len - pos - name_sz)
            return ELF_EINVAL;
        name = p + pos;
        desc = name + name_sz;
        pos += name_sz + desc_sz;

        if (nh.n_namesz != 4 || memcmp(name, "Xen", 4))
            continue;
        img->notes.count++;
        rc = parse_xen_note(&img->notes, nh.n_type, desc, nh.n_descsz,
                            img->size - (u64)(desc - img->data));
        if (rc)
            return rc;
    }
    return ELF_OK;
}

static void read_phdr(const struct elf_image *img, const Elf64_Ehdr *eh,
                      unsigned int i, Elf64_Phdr *ph)
{
    memcpy(ph, img->data + eh->e_phoff + (u64)i * sizeof(*ph), sizeof(*ph));
}

/* Xen's libelf loads PT_LOAD segments that carry at least one of R/W/X. */
static bool loadable(const Elf64_Phdr *ph)
{
    return ph->p_type == PT_LOAD && (ph->p_flags & (PF_R | PF_W | PF_X));
}

static int parse_section_notes(struct elf_image *img, const Elf64_Ehdr *eh,
                               unsigned int *budget)
{
    unsigned int i;

    if (eh->e_shoff == 0 || eh->e_shnum == 0)
        return ELF_OK;
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !in_bounds(eh->e_shoff, (u64)eh->e_shnum * sizeof(Elf64_Shdr),
                   img->size))
        return ELF_EINVAL;
    /* Section 0 is the reserved null entry. */
    for (i = 1; i < eh->e_shnum; i++) {
        Elf64_Shdr sh;
        int rc;

        memcpy(&sh, img->data + eh->e_shoff + (u64)i * sizeof(sh), sizeof(sh));
        if (sh.sh_type != SHT_NOTE)
            continue;
        if (!in_bounds(sh.sh_offset, sh.sh_size, img->size))
            return ELF_EINVAL;
        rc = parse_notes(img, sh.sh_offset, sh.sh_size, budget);
        if (rc)
            return rc;
    }
    return ELF_OK;
}

int elf_parse(struct elf_image *img, const void *data, size_t size)
{
    Elf64_Ehdr eh;
    unsigned int i, budget = ELF_MAX_NOTES;
    bool any_load = false;
    u64 pstart = ~0ull, pend = 0, off;
    int rc;

    memset(img, 0, sizeof(*img));
    img->data = data;
    img->size = size;

    if (size < sizeof(eh))
        return ELF_ENOEXEC;
    memcpy(&eh, data, sizeof(eh));
    if (memcmp(eh.e_ident, "\177ELF", 4) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_type != ET_EXEC ||
        eh.e_machine != EM_X86_64)
        return ELF_ENOEXEC;

    if (eh.e_phnum == 0 || eh.e_phnum == PN_XNUM ||
        eh.e_phentsize != sizeof(Elf64_Phdr) ||
        !in_bounds(eh.e_phoff, (u64)eh.e_phnum * sizeof(Elf64_Phdr), size))
        return ELF_EINVAL;
    img->phnum = eh.e_phnum;

    for (i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;

        read_phdr(img, &eh, i, &ph);
        if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
            continue;
        if (!in_bounds(ph.p_offset, ph.p_filesz, size))
            return ELF_EINVAL;
        if (ph.p_type == PT_NOTE) {
            /* Old binutils left p_offset 0 on notes; Xen skips those too. */
            if (ph.p_offset == 0)
                continue;
            rc = parse_notes(img, ph.p_offset, ph.p_filesz, &budget);
            if (rc)
                return rc;
            continue;
        }
        if (!loadable(&ph))
            continue;
        if (ph.p_memsz < ph.p_filesz || ph.p_paddr + ph.p_memsz < ph.p_paddr)
            return ELF_EINVAL;
        any_load = true;
        pstart = MIN(pstart, ph.p_paddr);
        pend = MAX(pend, ph.p_paddr + ph.p_memsz);
    }
    if (!any_load)
        return ELF_ENOEXEC;

    if (img->notes.count == 0) {
        rc = parse_section_notes(img, &eh, &budget);
        if (rc)
            return rc;
    }

    /* Xen's defaults for the notes interface (libelf-dominfo.c). */
    img->virt_base = img->notes.has_virt_base ? img->notes.virt_base : 0;
    img->paddr_offset =
        img->notes.has_paddr_offset ? img->notes.paddr_offset : 0;
    img->entry = img->notes.has_entry ? img->notes.entry : eh.e_entry;
    img->pstart = pstart;
    img->pend = pend;
    off = img->virt_base - img->paddr_offset;
    img->virt_kstart = pstart + off;
    img->virt_kend = pend + off;
    /*
     * Adding the offset modulo 2^64 preserves the length, so the range
     * wrapped (or ends exactly at 2^64) iff the end is now below the start.
     */
    img->range_wraps = img->virt_kend < img->virt_kstart;
    return ELF_OK;
}

static bool in_xen_hole(u64 start, u64 end)
{
    return start < XEN_RESERVED_END && end > XEN_RESERVED_START;
}

/* [start, end) lies wholly in one canonical half and outside Xen's hole. */
static bool range_ok(u64 start, u64 end)
{
    if (end <= start)
        return false;
    if (end <= CANONICAL_LOW_END)
        return true;
    if (start < XEN_RESERVED_START)
        return false;
    return !in_xen_hole(start, end);
}

#define REJECT(...)                             \
    do {                                        \
        if (why && whylen)                      \
            snprintf(why, whylen, __VA_ARGS__); \
        return ELF_EINVAL;                      \
    } while (0)

int elf_check_xen(const struct elf_image *img, char *why, size_t whylen)
{
    const struct xen_notes *xn = &img->notes;

    if (xn->count == 0)
        REJECT("not a Xen PV kernel: no \"Xen\" ELF notes");
    /*
     * Xen accepts the image if either LOADER starts with "generic" or
     * GUEST_OS starts with "linux"; an empty string counts as absent.
     */
    if (strncmp(xn->loader, "generic", 7) && strncmp(xn->guest_os, "linux", 5))
        REJECT("LOADER '%s' / GUEST_OS '%s': need loader \"generic\" or a "
               "Linux guest",
               xn->loader, xn->guest_os);
    /* Prefix match, as Xen: "xen-3.0" followed by anything is accepted. */
    if (strncmp(xn->xen_version, "xen-3.0", 7))
        REJECT("XEN_VERSION '%s' is not \"xen-3.0\"", xn->xen_version);
    if (xn->has_paddr_offset && !xn->has_virt_base)
        REJECT("PADDR_OFFSET given without VIRT_BASE");
    if (xn->unknown_required)
        REJECT("FEATURES requires %u unknown feature(s)", xn->unknown_required);
    if (xn->required_features & (1u << XENFEAT_supervisor_mode_kernel))
        REJECT("kernel requires unsupported supervisor_mode_kernel");

    if (img->range_wraps || img->virt_kend <= img->virt_kstart)
        REJECT("kernel range %#llx-%#llx is empty or wraps",
               (unsigned long long)img->virt_kstart,
               (unsigned long long)img->virt_kend);
    if (!range_ok(img->virt_kstart, img->virt_kend))
        REJECT("kernel range %#llx-%#llx is non-canonical or overlaps the "
               "hypervisor hole",
               (unsigned long long)img->virt_kstart,
               (unsigned long long)img->virt_kend);
    if (img->virt_base > img->virt_kstart)
        REJECT("VIRT_BASE %#llx above kernel start %#llx",
               (unsigned long long)img->virt_base,
               (unsigned long long)img->virt_kstart);
    /* Xen allows entry == kend, which would run outside the image. */
    if (img->entry < img->virt_kstart || img->entry >= img->virt_kend)
        REJECT("entry %#llx outside kernel %#llx-%#llx",
               (unsigned long long)img->entry,
               (unsigned long long)img->virt_kstart,
               (unsigned long long)img->virt_kend);
    if (xn->has_hypercall_page &&
        (xn->hypercall_page & (PAGE_SIZE - 1) ||
         xn->hypercall_page < img->virt_kstart ||
         xn->hypercall_page >= img->virt_kend ||
         img->virt_kend - xn->hypercall_page < PAGE_SIZE))
        REJECT("HYPERCALL_PAGE %#llx not a page inside the kernel",
               (unsigned long long)xn->hypercall_page);
    if (xn->has_init_p2m && xn->init_p2m >= img->virt_kstart &&
        xn->init_p2m < img->virt_kend)
        REJECT("INIT_P2M %#llx inside the kernel image",
               (unsigned long long)xn->init_p2m);
    if (why && whylen)
        why[0] = '\0';
    return ELF_OK;
}

/*
 * Xen 4.17's two role rules. Its dom0 builder insists on XENFEAT_dom0 only
 * when the kernel has a SUPPORTED_FEATURES note (arch/x86/pv/dom0_build.c):
 * a kernel that predates the note may boot as dom0 whatever its FEATURES
 * string says, while one with the note must list dom0 in either. The
 * toolstack refuses a kernel that requires dom0 ("!dom0") as a domU.
 */
int elf_check_role(const struct elf_image *img, bool privileged, char *why,
                   size_t whylen)
{
    const struct xen_notes *xn = &img->notes;

    if (privileged && xn->has_supported_features &&
        !(xn->supported_features & (1u << XENFEAT_dom0)))
        REJECT("Kernel does not support Dom0 operation (SUPPORTED_FEATURES "
               "note present, XENFEAT_dom0 in neither it nor FEATURES)");
    if (!privileged && (xn->required_features & (1u << XENFEAT_dom0)))
        REJECT("Kernel does not support unprivileged (DomU) operation "
               "(FEATURES requires dom0)");
    return ELF_OK;
}

int elf_load(const struct elf_image *img, elf_copy_fn copy, void *ctx)
{
    Elf64_Ehdr eh;
    u64 off = img->virt_base - img->paddr_offset;
    unsigned int i;

    memcpy(&eh, img->data, sizeof(eh));
    for (i = 0; i < img->phnum; i++) {
        Elf64_Phdr ph;
        u64 virt;
        int rc;

        read_phdr(img, &eh, i, &ph);
        if (!loadable(&ph))
            continue;
        virt = ph.p_paddr + off;
        if (ph.p_filesz) {
            rc = copy(ctx, virt, img->data + ph.p_offset, (size_t)ph.p_filesz);
            if (rc)
                return rc;
        }
        if (ph.p_memsz > ph.p_filesz) {
            rc = copy(ctx, virt + ph.p_filesz, NULL,
                      (size_t)(ph.p_memsz - ph.p_filesz));
            if (rc)
                return rc;
        }
    }
    return ELF_OK;
}

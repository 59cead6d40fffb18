/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/elf.c: good, odd and malicious PV kernel images. */
#include "harness.h"
#include "testutil.h"

static u8 *img_buf;
static size_t img_len;

/* Build e into a fresh, exact-size heap buffer (ASan catches overreads). */
static u8 *build(const struct tu_elf *e)
{
    u8 *tmp = malloc(tu_elf_size(e));

    free(img_buf);
    img_len = tu_elf_build(e, tmp);
    img_buf = malloc(img_len);
    memcpy(img_buf, tmp, img_len);
    free(tmp);
    return img_buf;
}

static int parse(const struct tu_elf *e, struct elf_image *img)
{
    build(e);
    return elf_parse(img, img_buf, img_len);
}

/* Parse and check; returns the check's result and leaves the reason in why. */
static char why[256];
static int parse_check(const struct tu_elf *e)
{
    struct elf_image img;
    int rc = parse(e, &img);

    why[0] = 0;
    if (rc)
        return rc;
    return elf_check_xen(&img, why, sizeof(why));
}

TEST(good_image)
{
    struct tu_elf e;
    struct elf_image img;

    tu_elf_default(&e);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.entry, 0xffffffff81000040ull);
    CHECK_EQ(img.virt_base, 0xffffffff80000000ull);
    CHECK_EQ(img.paddr_offset, 0);
    CHECK_EQ(img.virt_kstart, 0xffffffff81000000ull);
    CHECK_EQ(img.virt_kend, 0xffffffff81002000ull);
    CHECK_EQ(img.notes.count, e.nnotes);
    CHECK_STR(img.notes.xen_version, "xen-3.0");
    CHECK_STR(img.notes.guest_os, "linux");
    CHECK_STR(img.notes.guest_version, "2.6");
    CHECK_STR(img.notes.loader, "generic");
    CHECK_STR(img.notes.features, "!writable_page_tables|pae_pgdir_above_4gb");
    CHECK(img.notes.has_init_p2m);
    CHECK_EQ(img.notes.init_p2m, 0x8000000000ull);
    CHECK(img.notes.mod_start_pfn_ok);
    CHECK(!img.notes.has_hypercall_page);
    /* FEATURES gives bits 0 and 4; SUPPORTED_FEATURES adds 11 and 15. */
    CHECK_EQ(img.notes.supported_features, 0x8811);
    CHECK_EQ(img.notes.required_features, 0x1);
    CHECK_EQ(elf_check_xen(&img, why, sizeof(why)), 0);
    CHECK_STR(why, "");
}

TEST(numeric_notes_4_and_8_bytes)
{
    struct tu_elf e;
    struct elf_image img;

    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_ENTRY);
    tu_remove_note(&e, XEN_ELFNOTE_VIRT_BASE);
    tu_remove_note(&e, XEN_ELFNOTE_PADDR_OFFSET);
    tu_remove_note(&e, XEN_ELFNOTE_INIT_P2M);
    /* 32-bit values: an old-style low kernel. */
    e.virt_base = 0;
    e.paddr = 0x100000;
    tu_note_num(&e, XEN_ELFNOTE_VIRT_BASE, 0, 4);
    tu_note_num(&e, XEN_ELFNOTE_ENTRY, 0x100010, 4);
    tu_note_num(&e, XEN_ELFNOTE_HYPERCALL_PAGE, 0x101000, 4);
    tu_note_num(&e, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.entry, 0x100010);
    CHECK_EQ(img.notes.hypercall_page, 0x101000);
    CHECK_EQ(img.virt_kstart, 0x100000);
    CHECK_EQ(img.virt_kend, 0x102000);
    CHECK_EQ(elf_check_xen(&img, why, sizeof(why)), 0);

    /* 1- and 2-byte values are what Xen also accepts. */
    tu_note_num(&e, XEN_ELFNOTE_SUSPEND_CANCEL, 1, 1);
    tu_note_num(&e, XEN_ELFNOTE_MOD_START_PFN, 0, 2);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK(img.notes.suspend_cancel);
    CHECK(!img.notes.mod_start_pfn_ok);

    /* A 3-byte or 16-byte numeric note is malformed. */
    tu_note_num(&e, XEN_ELFNOTE_ENTRY, 0x100010, 3);
    CHECK_EQ(parse(&e, &img), ELF_EINVAL);
    tu_remove_note(&e, XEN_ELFNOTE_ENTRY);
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_ENTRY, 16, "0123456789abcdef", NULL };
    CHECK_EQ(parse(&e, &img), ELF_EINVAL);
}

TEST(defaults_without_notes_for_addresses)
{
    struct tu_elf e;
    struct elf_image img;

    /* No VIRT_BASE/PADDR_OFFSET/ENTRY: 0, 0 and e_entry, as in Xen. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_ENTRY);
    tu_remove_note(&e, XEN_ELFNOTE_VIRT_BASE);
    tu_remove_note(&e, XEN_ELFNOTE_PADDR_OFFSET);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.virt_base, 0);
    CHECK_EQ(img.paddr_offset, 0);
    CHECK_EQ(img.entry, 0xffffffff81000000ull);
    CHECK_EQ(img.virt_kstart, 0x1000000);
    /* e_entry lies outside [0x1000000, 0x1002000): rejected. */
    CHECK_EQ(elf_check_xen(&img, why, sizeof(why)), ELF_EINVAL);
    CHECK(strstr(why, "entry") != NULL);

    /* PADDR_OFFSET without VIRT_BASE is an error in Xen too. */
    tu_note_num(&e, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "PADDR_OFFSET") != NULL);
}

TEST(paddr_offset_applied)
{
    struct tu_elf e;
    struct elf_image img;

    /* Old kernels: p_paddr == p_vaddr and PADDR_OFFSET == VIRT_BASE. */
    tu_elf_default(&e);
    e.paddr = 0xffffffff81000000ull;
    e.virt_base = 0;
    tu_remove_note(&e, XEN_ELFNOTE_PADDR_OFFSET);
    tu_note_num(&e, XEN_ELFNOTE_PADDR_OFFSET, 0xffffffff80000000ull, 8);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.virt_kstart, 0xffffffff81000000ull);
    CHECK_EQ(elf_check_xen(&img, why, sizeof(why)), 0);
}

struct copy_ctx {
    u64 base;
    u8 *mem;
    int calls;
};

/* Copies into ctx->mem at virt - base; refuses anything out of range. */
static int copy_fn(void *c, u64 virt, const void *src, size_t len)
{
    struct copy_ctx *ctx = c;

    ctx->calls++;
    if (virt < ctx->base || virt - ctx->base + len > 0x3000)
        return -14;
    if (src)
        memcpy(ctx->mem + (virt - ctx->base), src, len);
    else
        memset(ctx->mem + (virt - ctx->base), 0, len);
    return 0;
}

TEST(load_copies_and_zeroes)
{
    struct tu_elf e;
    struct elf_image img;
    static u8 mem[0x3000];
    struct copy_ctx ctx = { 0xffffffff81000000ull, mem, 0 };
    size_t i, off;

    tu_elf_default(&e);
    CHECK_EQ(parse(&e, &img), 0);
    memset(mem, 0xee, sizeof(mem));
    CHECK_EQ(elf_load(&img, copy_fn, &ctx), 0);
    CHECK_EQ(ctx.calls, 2);
    off = tu_elf_load_off(&e);
    CHECK(!memcmp(mem, img_buf + off, e.filesz));
    for (i = e.filesz; i < e.memsz; i++) {
        if (mem[i] != 0) {
            CHECK_EQ(mem[i], 0);
            break;
        }
    }
    CHECK_EQ(mem[e.memsz], 0xee);
}

static int fail_copy(void *c, u64 virt, const void *src, size_t len)
{
    return -14;
}

TEST(load_propagates_copy_error)
{
    struct tu_elf e;
    struct elf_image img;

    tu_elf_default(&e);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(elf_load(&img, fail_copy, NULL), -14);
}

TEST(truncated_headers)
{
    struct tu_elf e;
    struct elf_image img;
    size_t cut;

    tu_elf_default(&e);
    build(&e);
    /* Anything that cuts into the ehdr, phdrs or notes must fail cleanly. */
    for (cut = 0; cut < tu_elf_load_off(&e); cut++) {
        u8 *t = malloc(cut ? cut : 1);

        memcpy(t, img_buf, cut);
        if (elf_parse(&img, t, cut) == 0)
            unit_fail(__FILE__, __LINE__, "truncated to %zu accepted", cut);
        free(t);
    }
}

TEST(bad_ident_and_type)
{
    struct tu_elf e;
    struct elf_image img;
    u8 *b;

    tu_elf_default(&e);
    b = build(&e);
    b[EI_CLASS] = 1; /* ELF32 */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_ENOEXEC);
    b = build(&e);
    b[EI_DATA] = 2; /* big endian */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_ENOEXEC);
    b = build(&e);
    b[16] = 3; /* ET_DYN */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_ENOEXEC);
    b = build(&e);
    b[18] = 3; /* EM_386 */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_ENOEXEC);
    b = build(&e);
    b[1] = 'e';
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_ENOEXEC);
    b = build(&e);
    b[54] = 32; /* e_phentsize */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    b[56] = 0; /* e_phnum */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
}

TEST(phdr_table_out_of_file)
{
    struct tu_elf e;
    struct elf_image img;
    u8 *b;

    tu_elf_default(&e);
    b = build(&e);
    tu_put64(b + 32, img_len - 56); /* second phdr past the end */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    tu_put64(b + 32, ~0ull - 8); /* e_phoff + size wraps */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    b[56] = 0xff;
    b[57] = 0xff; /* PN_XNUM */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    b[56] = 200; /* many phdrs, mostly beyond the file */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
}

TEST(segment_ranges)
{
    struct tu_elf e;
    struct elf_image img;
    u8 *b, *ph;

    tu_elf_default(&e);
    b = build(&e);
    ph = b + TU_ELF_PHOFF;
    tu_put64(ph + 32, 0x3000); /* filesz > memsz (and beyond file) */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);

    e.filesz = 0x300;
    e.memsz = 0x200; /* filesz > memsz, in the file */
    CHECK_EQ(parse(&e, &img), ELF_EINVAL);

    tu_elf_default(&e);
    b = build(&e);
    ph = b + TU_ELF_PHOFF;
    tu_put64(ph + 8, ~0ull - 0x10); /* p_offset + filesz wraps */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    ph = b + TU_ELF_PHOFF;
    tu_put64(ph + 32, ~0ull); /* huge filesz */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    ph = b + TU_ELF_PHOFF;
    tu_put64(ph + 24, ~0ull - 0x100); /* p_paddr + memsz wraps */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    ph = b + TU_ELF_PHOFF + 56;
    tu_put64(ph + 32, img_len); /* PT_NOTE beyond the file */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    ph = b + TU_ELF_PHOFF;
    tu_put32(ph, 6); /* no PT_LOAD at all */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_ENOEXEC);
}

TEST(notes_with_bad_sizes)
{
    struct tu_elf e;
    struct elf_image img;
    u8 *b;
    size_t n0 = TU_ELF_NOTEOFF;

    tu_elf_default(&e);
    b = build(&e);
    tu_put32(b + n0, 0xfffffffd); /* namesz: wraps when padded in 32 bits */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    tu_put32(b + n0 + 4, 0xffffffff); /* descsz */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
    b = build(&e);
    tu_put32(b + n0 + 4, 0x1000); /* descsz past the note area */
    CHECK_EQ(elf_parse(&img, b, img_len), ELF_EINVAL);
}

/*
 * String notes are read as Xen reads them: from the descriptor to the first
 * NUL in the image, whatever n_descsz says. Linux's FEATURES note keeps its
 * NUL in the alignment padding.
 */
TEST(string_notes_end_at_first_nul)
{
    static char big[4098];
    struct tu_elf e;
    struct elf_image img;

    /* "x|dom0" in a 6-byte descriptor: the NUL is padding byte 6. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_FEATURES);
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_FEATURES, 6, "x|dom0", NULL };
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_STR(img.notes.features, "x|dom0");
    CHECK_EQ(img.notes.supported_features, 0x8801 | (1u << XENFEAT_dom0));

    /* No NUL in descriptor or padding: the string runs on into the next
     * note's header, whose n_namesz is 4. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_GUEST_OS);
    tu_remove_note(&e, XEN_ELFNOTE_LOADER);
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_GUEST_OS, 4, "abcd", NULL };
    tu_note_str(&e, XEN_ELFNOTE_LOADER, "generic");
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_STR(img.notes.guest_os, "abcd\x04");
    CHECK_STR(img.notes.loader, "generic");

    /* No NUL before the image ends: the note is skipped, the image kept. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_GUEST_OS);
    e.filesz = 0;
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_GUEST_OS, 4, "abcd", NULL };
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_STR(img.notes.guest_os, "");

    /* An empty descriptor reads whatever follows (here the load data). */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_LOADER);
    e.notes[e.nnotes++] = (struct tu_note){ XEN_ELFNOTE_LOADER, 0, NULL, NULL };
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ((u8)img.notes.loader[0], 1);
    CHECK_EQ((u8)img.notes.loader[1], 8);

    /* 4096 characters is Xen's limit; one more and the note is skipped. */
    memset(big, 'a', 4096);
    big[4096] = 0;
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_GUEST_OS);
    tu_note_str(&e, XEN_ELFNOTE_GUEST_OS, big);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.notes.guest_os[0], 'a');
    big[4096] = 'a';
    big[4097] = 0;
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_GUEST_OS);
    tu_note_str(&e, XEN_ELFNOTE_GUEST_OS, big);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_STR(img.notes.guest_os, "");
}

/*
 * As in Xen's libelf, a SUPPORTED_FEATURES descriptor that is not whole
 * 32-bit words is accepted but contributes no bits; the note still counts
 * as present for the dom0 rule.
 */
TEST(supported_features_odd_sizes)
{
    static const u8 six[8] = { 0x00, 0x08, 0, 0, 0xff, 0xff };
    static const u8 eight[8] = { 0x00, 0x08, 0, 0, 0x01, 0, 0, 0 };
    struct tu_elf e;
    struct elf_image img;

    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_SUPPORTED_FEATURES);
    tu_note_num(&e, XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << XENFEAT_dom0, 2);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK(img.notes.has_supported_features);
    CHECK_EQ(img.notes.supported_features, 0x11); /* FEATURES' bits only */

    tu_remove_note(&e, XEN_ELFNOTE_SUPPORTED_FEATURES);
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_SUPPORTED_FEATURES, 6, six, NULL };
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.notes.supported_features, 0x11);

    tu_remove_note(&e, XEN_ELFNOTE_SUPPORTED_FEATURES);
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_SUPPORTED_FEATURES, 0, NULL, NULL };
    CHECK_EQ(parse(&e, &img), 0);
    CHECK(img.notes.has_supported_features);
    CHECK_EQ(img.notes.supported_features, 0x11);

    /* Two submaps: only submap 0 exists, the second word is ignored. */
    tu_remove_note(&e, XEN_ELFNOTE_SUPPORTED_FEATURES);
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_SUPPORTED_FEATURES, 8, eight, NULL };
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.notes.supported_features, 0x811);

    tu_remove_note(&e, XEN_ELFNOTE_SUPPORTED_FEATURES);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK(!img.notes.has_supported_features);
}

/* Role check of one variant of the default image; why names the rule. */
static int role(struct tu_elf *e, bool privileged)
{
    struct elf_image img;
    int rc = parse(e, &img);

    why[0] = 0;
    if (rc)
        return rc;
    return elf_check_role(&img, privileged, why, sizeof(why));
}

static void set_features(struct tu_elf *e, const char *features, long bitmap)
{
    tu_remove_note(e, XEN_ELFNOTE_FEATURES);
    tu_remove_note(e, XEN_ELFNOTE_SUPPORTED_FEATURES);
    if (features)
        tu_note_str(e, XEN_ELFNOTE_FEATURES, features);
    if (bitmap >= 0)
        tu_note_num(e, XEN_ELFNOTE_SUPPORTED_FEATURES, (u64)bitmap, 4);
}

/*
 * Xen 4.17's dom0 builder wants XENFEAT_dom0 only from a kernel that has
 * a SUPPORTED_FEATURES note, and then from either the note or FEATURES;
 * the toolstack refuses a domU kernel that requires dom0.
 */
TEST(dom0_rule_follows_supported_features_note)
{
    struct tu_elf e;

    tu_elf_default(&e);
    /* No SUPPORTED_FEATURES note: no rule, whatever FEATURES says. */
    set_features(&e, NULL, -1);
    CHECK_EQ(role(&e, true), 0);
    set_features(&e, "writable_page_tables", -1);
    CHECK_EQ(role(&e, true), 0);
    /* The note without dom0, and no dom0 in FEATURES: refused. */
    set_features(&e, NULL, 0);
    CHECK_EQ(role(&e, true), ELF_EINVAL);
    CHECK(strstr(why, "Kernel does not support Dom0 operation") != NULL);
    set_features(&e, "writable_page_tables", 1);
    CHECK_EQ(role(&e, true), ELF_EINVAL);
    /* dom0 from either source satisfies it. */
    set_features(&e, "dom0", 0);
    CHECK_EQ(role(&e, true), 0);
    set_features(&e, "!dom0", 0);
    CHECK_EQ(role(&e, true), 0);
    set_features(&e, NULL, 1L << XENFEAT_dom0);
    CHECK_EQ(role(&e, true), 0);
    /* A dom0 bit in an odd-sized note is no dom0 bit. */
    set_features(&e, NULL, -1);
    tu_note_num(&e, XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << XENFEAT_dom0, 2);
    CHECK_EQ(role(&e, true), ELF_EINVAL);

    /* As a domU: only "!dom0" is refused. */
    set_features(&e, NULL, 0);
    CHECK_EQ(role(&e, false), 0);
    set_features(&e, "dom0", 1L << XENFEAT_dom0);
    CHECK_EQ(role(&e, false), 0);
    set_features(&e, "!dom0", -1);
    CHECK_EQ(role(&e, false), ELF_EINVAL);
    CHECK(strstr(why, "unprivileged (DomU)") != NULL);
}

TEST(foreign_notes_ignored)
{
    struct tu_elf e;
    struct elf_image img;

    tu_elf_default(&e);
    /* A GNU note with odd sizes and a "Xen" look-alike name. */
    e.notes[e.nnotes++] = (struct tu_note){ 3, 5, "abcde", "GNU" };
    e.notes[e.nnotes++] =
        (struct tu_note){ XEN_ELFNOTE_ENTRY, 3, "xyz", "XenX" };
    /* Unknown Xen note types are skipped. */
    e.notes[e.nnotes++] = (struct tu_note){ 99, 3, "xyz", NULL };
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.entry, 0xffffffff81000040ull);
    CHECK_EQ(elf_check_xen(&img, why, sizeof(why)), 0);
}

TEST(section_notes_fallback)
{
    struct tu_elf e;
    struct elf_image img;

    tu_elf_default(&e);
    e.notes_in_section = true;
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(img.notes.count, e.nnotes);
    CHECK_EQ(img.entry, 0xffffffff81000040ull);
    CHECK_EQ(elf_check_xen(&img, why, sizeof(why)), 0);
}

TEST(no_notes_rejected)
{
    struct tu_elf e;

    tu_elf_default(&e);
    e.nnotes = 0;
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "no \"Xen\"") != NULL);
}

TEST(xen_version_rules)
{
    struct tu_elf e;

    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_XEN_VERSION);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "XEN_VERSION") != NULL);
    tu_note_str(&e, XEN_ELFNOTE_XEN_VERSION, "xen-4.0");
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    tu_remove_note(&e, XEN_ELFNOTE_XEN_VERSION);
    tu_note_str(&e, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    CHECK_EQ(parse_check(&e), 0);
}

TEST(loader_rules)
{
    struct tu_elf e;

    /* Wrong LOADER and not a Linux guest: rejected. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_LOADER);
    tu_remove_note(&e, XEN_ELFNOTE_GUEST_OS);
    tu_note_str(&e, XEN_ELFNOTE_LOADER, "elfboot");
    tu_note_str(&e, XEN_ELFNOTE_GUEST_OS, "netbsd");
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "LOADER") != NULL);

    /* Neither note: rejected. */
    tu_remove_note(&e, XEN_ELFNOTE_LOADER);
    tu_remove_note(&e, XEN_ELFNOTE_GUEST_OS);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);

    /* LOADER "generic" alone is enough (Mini-OS style). */
    tu_note_str(&e, XEN_ELFNOTE_LOADER, "generic");
    CHECK_EQ(parse_check(&e), 0);

    /* Xen lets GUEST_OS "linux" stand in for the loader check. */
    tu_remove_note(&e, XEN_ELFNOTE_LOADER);
    tu_note_str(&e, XEN_ELFNOTE_GUEST_OS, "linux");
    CHECK_EQ(parse_check(&e), 0);
}

TEST(address_range_rules)
{
    struct tu_elf e;

    /* Entry beyond the loaded range. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_ENTRY);
    tu_note_num(&e, XEN_ELFNOTE_ENTRY, 0xffffffff81002000ull, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "entry") != NULL);

    /* Kernel inside the hypervisor's reserved hole. */
    tu_elf_default(&e);
    e.virt_base = 0xffff800000000000ull;
    e.paddr = 0x1000000;
    tu_remove_note(&e, XEN_ELFNOTE_VIRT_BASE);
    tu_remove_note(&e, XEN_ELFNOTE_ENTRY);
    tu_note_num(&e, XEN_ELFNOTE_VIRT_BASE, e.virt_base, 8);
    tu_note_num(&e, XEN_ELFNOTE_ENTRY, 0xffff800001000000ull, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "hole") != NULL);

    /* Non-canonical. */
    tu_elf_default(&e);
    e.virt_base = 0x0000900000000000ull;
    tu_remove_note(&e, XEN_ELFNOTE_VIRT_BASE);
    tu_remove_note(&e, XEN_ELFNOTE_ENTRY);
    tu_note_num(&e, XEN_ELFNOTE_VIRT_BASE, e.virt_base, 8);
    tu_note_num(&e, XEN_ELFNOTE_ENTRY, 0x0000900001000000ull, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);

    /* Wraps past 2^64. */
    tu_elf_default(&e);
    e.virt_base = 0xffffffffff000000ull;
    e.paddr = 0xfff000;
    tu_remove_note(&e, XEN_ELFNOTE_VIRT_BASE);
    tu_remove_note(&e, XEN_ELFNOTE_ENTRY);
    tu_note_num(&e, XEN_ELFNOTE_VIRT_BASE, e.virt_base, 8);
    tu_note_num(&e, XEN_ELFNOTE_ENTRY, 0xfffffffffffff000ull, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "wraps") != NULL);

    /* INIT_P2M inside the kernel. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_INIT_P2M);
    tu_note_num(&e, XEN_ELFNOTE_INIT_P2M, 0xffffffff81001000ull, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "INIT_P2M") != NULL);

    /* HYPERCALL_PAGE must be an aligned page inside the kernel. */
    tu_elf_default(&e);
    tu_note_num(&e, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff81001000ull, 8);
    CHECK_EQ(parse_check(&e), 0);
    tu_remove_note(&e, XEN_ELFNOTE_HYPERCALL_PAGE);
    tu_note_num(&e, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff81001800ull, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    tu_remove_note(&e, XEN_ELFNOTE_HYPERCALL_PAGE);
    tu_note_num(&e, XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff82000000ull, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);

    /* VIRT_BASE above the kernel start. */
    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_VIRT_BASE);
    tu_remove_note(&e, XEN_ELFNOTE_PADDR_OFFSET);
    tu_note_num(&e, XEN_ELFNOTE_VIRT_BASE, 0xffffffff81001000ull, 8);
    tu_note_num(&e, XEN_ELFNOTE_PADDR_OFFSET, 0x1001000, 8);
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
}

TEST(feature_rules)
{
    struct tu_elf e;

    tu_elf_default(&e);
    tu_remove_note(&e, XEN_ELFNOTE_FEATURES);
    tu_note_str(&e, XEN_ELFNOTE_FEATURES, "!supervisor_mode_kernel");
    CHECK_EQ(parse_check(&e), ELF_EINVAL);
    CHECK(strstr(why, "supervisor_mode_kernel") != NULL);

    tu_remove_note(&e, XEN_ELFNOTE_FEATURES);
    tu_note_str(&e, XEN_ELFNOTE_FEATURES, "!no_such_feature");
    CHECK_EQ(parse_check(&e), ELF_EINVAL);

    tu_remove_note(&e, XEN_ELFNOTE_FEATURES);
    tu_note_str(&e, XEN_ELFNOTE_FEATURES, "no_such_feature|dom0");
    CHECK_EQ(parse_check(&e), 0);
}

TEST(features_parse)
{
    u32 sup = 0, req = 0;

    CHECK_EQ(xen_features_parse("!writable_page_tables|pae_pgdir_above_4gb",
                                &sup, &req),
             0);
    CHECK_EQ(sup, 0x11);
    CHECK_EQ(req, 0x1);

    sup = req = 0;
    CHECK_EQ(xen_features_parse("dom0|hvm_callback_vector|"
                                "!auto_translated_physmap|"
                                "bogus||writable_descriptor_tables",
                                &sup, &req),
             0);
    CHECK_EQ(sup, (1u << 11) | (1u << 8) | (1u << 2) | (1u << 1));
    CHECK_EQ(req, 1u << 2);

    /*
     * Xen 4.17's libelf knows seven names only: the other XENFEAT bits
     * cannot be named, so requiring one is requiring an unknown feature.
     */
    sup = req = 0;
    CHECK_EQ(xen_features_parse("!bogus|!dom0x|gnttab_map_avail_bits|"
                                "hvm_pirqs|!mmu_pt_update_preserve_ad",
                                &sup, &req),
             3);
    CHECK_EQ(sup, 0);
    CHECK_EQ(req, 0);

    /* A bare "!" requires a feature with an empty name: unknown. */
    sup = req = 0;
    CHECK_EQ(xen_features_parse("dom0|!|pae_pgdir_above_4gb", &sup, &req), 1);
    CHECK_EQ(sup, (1u << 11) | (1u << 4));

    /* Tokens are cut every 63 characters, as Xen's 64-byte buffer does. */
    {
        char s[160];

        sup = req = 0;
        memset(s, 'x', 63);
        strcpy(s + 63, "dom0|!pae_pgdir_above_4gb");
        CHECK_EQ(xen_features_parse(s, &sup, &req), 0);
        CHECK_EQ(sup, (1u << 11) | (1u << 4));
        CHECK_EQ(req, 1u << 4);
        /* 63 characters, then '|': the bar ends an empty token. */
        sup = req = 0;
        memset(s, 'x', 63);
        strcpy(s + 63, "|!dom0");
        CHECK_EQ(xen_features_parse(s, &sup, &req), 0);
        CHECK_EQ(req, 1u << 11);
        /* A "!" with 63 characters after it is cut before the name ends. */
        sup = req = 0;
        s[0] = '!';
        memset(s + 1, 'y', 62);
        strcpy(s + 63, "dom0");
        CHECK_EQ(xen_features_parse(s, &sup, &req), 1);
        CHECK_EQ(sup, 1u << 11);
        CHECK_EQ(req, 0);
    }

    sup = req = 0;
    CHECK_EQ(xen_features_parse("", &sup, &req), 0);
    CHECK_EQ(xen_features_parse("writable_page_tables_x|dom", &sup, &req), 0);
    CHECK_EQ(sup, 0);
}

TEST(long_strings_truncated)
{
    struct tu_elf e;
    struct elf_image img;
    char longver[100];

    memset(longver, 'v', sizeof(longver) - 1);
    longver[sizeof(longver) - 1] = 0;
    tu_elf_default(&e);
    tu_note_str(&e, XEN_ELFNOTE_GUEST_VERSION, longver);
    CHECK_EQ(parse(&e, &img), 0);
    CHECK_EQ(strlen(img.notes.guest_version),
             sizeof(img.notes.guest_version) - 1);
    free(img_buf);
    img_buf = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared test helpers: file I/O, PRNG, stored-gzip and Xen-ELF builders. */
#ifndef VESPER_UNIT_TESTUTIL_H
#define VESPER_UNIT_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "elf.h"
#include "inflate.h"

/* ------------------------------------------------------------ files */
static inline u8 *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    u8 *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static inline int tu_write_file(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (!f)
        return -1;
    ok = fwrite(p, 1, len, f) == len;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* ------------------------------------------------------------ PRNG */
static inline u64 tu_rand(u64 *s)
{
    /* xorshift64*: fixed seeds give reproducible "random" tests. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

/*
 * Test data for the decompressors' vectors: kind 0 text-like words, 1
 * random bytes, 2 long runs with rare changes (long, overlapping matches).
 */
static inline void tu_gen_data(u8 *p, size_t n, int kind, u64 seed)
{
    static const char *const words[] = {
        "the ",    "hypervisor ", "page ",    "table ",    "guest ",
        "kernel ", "event ",      "channel ", "grant ",    "xen ",
        "vesper ", "memory ",     "frame ",   "\n",        "domain ",
        "vcpu ",   "0x",          "ffffffff", "81000000 ",
    };
    size_t i = 0;

    while (i < n) {
        u64 r = tu_rand(&seed);

        if (kind == 1) {
            p[i++] = (u8)r;
        } else if (kind == 2) {
            p[i] = (u8)("abcdefgh"[(i / 4096) % 8] + ((r % 1000) == 0));
            i++;
        } else {
            const char *w = words[r % (sizeof(words) / sizeof(words[0]))];

            while (*w && i < n)
                p[i++] = (u8)*w++;
        }
    }
}

static inline void tu_put32(u8 *p, u32 v)
{
    p[0] = (u8)v;
    p[1] = (u8)(v >> 8);
    p[2] = (u8)(v >> 16);
    p[3] = (u8)(v >> 24);
}

static inline void tu_put64(u8 *p, u64 v)
{
    tu_put32(p, (u32)v);
    tu_put32(p + 4, (u32)(v >> 32));
}

/*
 * Wrap data in a gzip member made of stored blocks (split at 65535 bytes).
 * Returns the length written to out, which needs len + len/65535*5 + 32.
 */
static inline size_t tu_gzip_stored(u8 *out, const void *data, size_t len)
{
    static const u8 hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
    const u8 *d = data;
    size_t o = 0, left = len;

    memcpy(out, hdr, sizeof(hdr));
    o = sizeof(hdr);
    do {
        size_t n = left > 65535 ? 65535 : left;

        out[o++] = n == left ? 1 : 0; /* BFINAL, BTYPE = 00 */
        out[o++] = (u8)n;
        out[o++] = (u8)(n >> 8);
        out[o++] = (u8)~n;
        out[o++] = (u8)(~n >> 8);
        memcpy(out + o, d, n);
        o += n;
        d += n;
        left -= n;
    } while (left);
    tu_put32(out + o, crc32_update(0, data, len));
    tu_put32(out + o + 4, (u32)len);
    return o + 8;
}

/* ------------------------------------------------------------ ELF builder */
struct tu_note {
    u32 type;
    u32 descsz;
    const void *desc;
    const char *name; /* default "Xen" */
};

struct tu_elf {
    u64 virt_base, paddr, entry;
    size_t filesz, memsz; /* one PT_LOAD */
    struct tu_note notes[24];
    unsigned int nnotes;
    bool notes_in_section; /* SHT_NOTE section instead of PT_NOTE */
    u8 numstore[32][8];    /* numeric note payloads (do not copy the struct) */
    unsigned int nnum;
};

/* Layout: ehdr | 2 phdrs | notes | load data | (optional) 3 shdrs. */
#define TU_ELF_PHOFF 64
#define TU_ELF_NOTEOFF (64 + 2 * 56)

static inline void tu_note_num(struct tu_elf *e, u32 type, u64 v, u32 size)
{
    u8 *st = e->numstore[e->nnum++ % 32];

    tu_put64(st, v);
    e->notes[e->nnotes++] = (struct tu_note){ type, size, st, NULL };
}

static inline void tu_note_str(struct tu_elf *e, u32 type, const char *s)
{
    e->notes[e->nnotes++] =
        (struct tu_note){ type, (u32)strlen(s) + 1, s, NULL };
}

/* A minimal but complete Linux-like PV kernel description. */
static inline void tu_elf_default(struct tu_elf *e)
{
    memset(e, 0, sizeof(*e));
    e->virt_base = 0xffffffff80000000ull;
    e->paddr = 0x1000000;
    e->entry = 0xffffffff81000040ull;
    e->filesz = 0x300;
    e->memsz = 0x2000;
    tu_note_str(e, XEN_ELFNOTE_GUEST_OS, "linux");
    tu_note_str(e, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    tu_note_str(e, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    tu_note_num(e, XEN_ELFNOTE_VIRT_BASE, e->virt_base, 8);
    tu_note_num(e, XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    tu_note_num(e, XEN_ELFNOTE_ENTRY, e->entry, 8);
    tu_note_num(e, XEN_ELFNOTE_INIT_P2M, 0x8000000000ull, 8);
    tu_note_str(e, XEN_ELFNOTE_FEATURES,
                "!writable_page_tables|pae_pgdir_above_4gb");
    tu_note_num(e, XEN_ELFNOTE_SUPPORTED_FEATURES, 0x8801, 4);
    tu_note_str(e, XEN_ELFNOTE_LOADER, "generic");
    tu_note_num(e, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
}

static inline void tu_remove_note(struct tu_elf *e, u32 type)
{
    unsigned int i, j = 0;

    for (i = 0; i < e->nnotes; i++) {
        if (e->notes[i].type != type)
            e->notes[j++] = e->notes[i];
    }
    e->nnotes = j;
}

static inline size_t tu_notes_size(const struct tu_elf *e)
{
    size_t n = 0;
    unsigned int i;

    for (i = 0; i < e->nnotes; i++) {
        const char *nm = e->notes[i].name ? e->notes[i].name : "Xen";

        n += 12 + ((strlen(nm) + 1 + 3) & ~3u) +
             ((e->notes[i].descsz + 3) & ~3u);
    }
    return n;
}

/* Bytes tu_elf_build needs. */
static inline size_t tu_elf_size(const struct tu_elf *e)
{
    return TU_ELF_NOTEOFF + tu_notes_size(e) + e->filesz + 3 * 64 + 16;
}

/* Builds the image into buf (zeroed by the caller or not); returns its size. */
static inline size_t tu_elf_build(const struct tu_elf *e, u8 *buf)
{
    size_t notes_len = tu_notes_size(e), o = TU_ELF_NOTEOFF, load_off, i;
    u8 *ph;

    memset(buf, 0, tu_elf_size(e));
    memcpy(buf, "\177ELF", 4);
    buf[EI_CLASS] = ELFCLASS64;
    buf[EI_DATA] = ELFDATA2LSB;
    buf[EI_VERSION] = EV_CURRENT;
    buf[16] = ET_EXEC;
    buf[18] = EM_X86_64;
    tu_put32(buf + 20, 1);
    tu_put64(buf + 24, 0xffffffff81000000ull); /* e_entry, unused if ENTRY */
    tu_put64(buf + 32, TU_ELF_PHOFF);
    buf[52] = 64;                          /* e_ehsize */
    buf[54] = 56;                          /* e_phentsize */
    buf[56] = e->notes_in_section ? 1 : 2; /* e_phnum */

    for (i = 0; i < e->nnotes; i++) {
        const struct tu_note *n = &e->notes[i];
        const char *nm = n->name ? n->name : "Xen";
        size_t nl = strlen(nm) + 1;

        tu_put32(buf + o, (u32)nl);
        tu_put32(buf + o + 4, n->descsz);
        tu_put32(buf + o + 8, n->type);
        o += 12;
        memcpy(buf + o, nm, nl);
        o += (nl + 3) & ~3u;
        if (n->desc)
            memcpy(buf + o, n->desc, n->descsz);
        o += (n->descsz + 3) & ~3u;
    }
    load_off = o;
    for (i = 0; i < e->filesz; i++)
        buf[load_off + i] = (u8)(i * 7 + 1);

    /* phdr 0: PT_LOAD RWX */
    ph = buf + TU_ELF_PHOFF;
    tu_put32(ph, PT_LOAD);
    tu_put32(ph + 4, PF_R | PF_W | PF_X);
    tu_put64(ph + 8, load_off);
    tu_put64(ph + 16, e->paddr + e->virt_base);
    tu_put64(ph + 24, e->paddr);
    tu_put64(ph + 32, e->filesz);
    tu_put64(ph + 40, e->memsz);
    tu_put64(ph + 48, 0x1000);
    if (!e->notes_in_section) {
        ph += 56;
        tu_put32(ph, PT_NOTE);
        tu_put32(ph + 4, PF_R);
        tu_put64(ph + 8, TU_ELF_NOTEOFF);
        tu_put64(ph + 32, notes_len);
        tu_put64(ph + 40, notes_len);
        tu_put64(ph + 48, 4);
    } else {
        /* Section headers after the load data: null, .notes, (padding). */
        size_t sh = (load_off + e->filesz + 7) & ~(size_t)7;

        tu_put64(buf + 40, sh);
        buf[58] = 64; /* e_shentsize */
        buf[60] = 2;  /* e_shnum */
        tu_put32(buf + sh + 64 + 4, SHT_NOTE);
        tu_put64(buf + sh + 64 + 24, TU_ELF_NOTEOFF);
        tu_put64(buf + sh + 64 + 32, notes_len);
        return sh + 2 * 64;
    }
    return load_off + e->filesz;
}

/* Offset of the first byte of PT_LOAD data in a built image. */
static inline size_t tu_elf_load_off(const struct tu_elf *e)
{
    return TU_ELF_NOTEOFF + tu_notes_size(e);
}

#endif

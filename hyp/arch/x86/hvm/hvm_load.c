/* SPDX-License-Identifier: GPL-2.0-only */
/* Unmodified kernels into an HVM domain's RAM: flat images, multiboot v1, Linux bzImage. */
#include "types.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "vdev.h"

/*
 * What a firmware would leave behind, placed where no kernel loads: the
 * first page is the real-mode IVT's, 0x7c00 is a boot sector's. Linux's
 * zero page and multiboot's information structure both go at 0x7000.
 */
#define LOW_GDT 0x6000ULL
#define LOW_INFO 0x7000ULL
#define LOW_CMDLINE 0x8000ULL
#define LOW_CMDLINE_MAX 0x1000ULL
#define LOW_MAP 0x9000ULL
/* The last KiB of conventional memory is the EBDA's, as on a PC. */
#define EBDA 0x9fc00ULL
#define BIOS_AREA 0xf0000ULL
/*
 * The ACPI tables open the reserved BIOS area, so the RSDP sits where
 * an OS scans for it (0xE0000-0xFFFFF, on a 16-byte boundary).
 */
#define ACPI_BASE BIOS_AREA
#define HIGH_MEM 0x100000ULL

#define MB_MAGIC 0x1badb002u
#define MB_LOADER_MAGIC 0x2badb002u
#define MB_SEARCH 8192
#define MB_AOUT_KLUDGE (1u << 16)

#define E820_RAM 1
#define E820_RESERVED 2

struct e820_entry {
    u64 addr, size;
    u32 type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry is 20 bytes");

/*
 * The PC memory map of a guest with ram bytes of RAM. The reserved BIOS
 * area holds the ACPI tables: they stay the firmware's, as on a PC.
 */
_Static_assert(ACPI_BASE >= BIOS_AREA && ACPI_BASE + HVM_ACPI_MAX <= HIGH_MEM,
               "ACPI tables inside the reserved BIOS area");
static unsigned int pc_map(u64 ram, struct e820_entry *e)
{
    e[0] = (struct e820_entry){ 0, EBDA, E820_RAM };
    e[1] = (struct e820_entry){ EBDA, 0xa0000 - EBDA, E820_RESERVED };
    e[2] =
        (struct e820_entry){ BIOS_AREA, HIGH_MEM - BIOS_AREA, E820_RESERVED };
    e[3] = (struct e820_entry){ HIGH_MEM, ram - HIGH_MEM, E820_RAM };
    return 4;
}

static u32 rd32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u16 rd16(const u8 *p)
{
    return (u16)(p[0] | p[1] << 8);
}

static void wr32(u8 *p, u32 v)
{
    for (unsigned int i = 0; i < 4; i++)
        p[i] = (u8)(v >> (8 * i));
}

/* [gpa, gpa + len) inside RAM and clear of the low firmware area? */
static bool fits(const struct hvm_build_args *a, u64 gpa, u64 len)
{
    return gpa >= HIGH_MEM && len <= a->mem_bytes && gpa <= a->mem_bytes - len;
}

/* Flat 4 GiB code (0x10) and data (0x18) descriptors, as Linux's __BOOT_CS/DS. */
static void flat_gdt(struct domain *d, struct hvm_entry *e)
{
    static const u64 gdt[4] = { 0, 0, 0x00cf9b000000ffffULL,
                                0x00cf93000000ffffULL };

    hvm_copy_to_gpa(d, LOW_GDT, gdt, sizeof(gdt));
    e->protected32 = true;
    e->gdt_base = LOW_GDT;
    e->gdt_limit = sizeof(gdt) - 1;
    e->cs = 0x10;
    e->ds = 0x18;
}

/* The ramdisk at the highest page-aligned place below limit. */
static int place_ramdisk(struct domain *d, const struct hvm_build_args *a,
                         u64 floor, u64 limit, u64 *at)
{
    u64 top = MIN(a->mem_bytes, limit), gpa;

    if (!a->ramdisk_len) {
        *at = 0;
        return 0;
    }
    if (a->ramdisk_len > top)
        return -ENOMEM;
    gpa = (top - a->ramdisk_len) & ~(u64)(PAGE_SIZE - 1);
    if (gpa < floor) {
        printk_lvl(LOG_ERR,
                   "d%u: the %llu-byte ramdisk does not fit above the kernel "
                   "(ends %llx) in %llu MiB\n",
                   d->domain_id, (unsigned long long)a->ramdisk_len,
                   (unsigned long long)floor,
                   (unsigned long long)(a->mem_bytes >> 20));
        return -ENOMEM;
    }
    hvm_copy_to_gpa(d, gpa, a->ramdisk, a->ramdisk_len);
    *at = gpa;
    return 0;
}

/* ----------------------------------------------------------- flat image */

static int load_flat(struct domain *d, const struct hvm_build_args *a,
                     struct hvm_entry *e)
{
    /* Real mode reaches the first MiB: the entry point must lie there. */
    if (a->load_gpa >= 0x100000 || a->load_gpa + a->image_len > a->mem_bytes) {
        printk_lvl(LOG_ERR,
                   "d%u: HVM image of %llu bytes at %llx does not fit "
                   "(entry below 1 MiB, image inside %llu MiB)\n",
                   d->domain_id, (unsigned long long)a->image_len,
                   (unsigned long long)a->load_gpa,
                   (unsigned long long)(a->mem_bytes >> 20));
        return -EINVAL;
    }
    if (a->ramdisk_len) {
        printk_lvl(LOG_ERR, "d%u: a flat HVM image takes no ramdisk\n",
                   d->domain_id);
        return -EINVAL;
    }
    hvm_copy_to_gpa(d, a->load_gpa, a->image, a->image_len);
    /* 0000:IP for the first 64 KiB (a boot sector's 0000:7C00), else SEG:0. */
    e->cs = a->load_gpa < 0x10000 ? 0 : (u16)(a->load_gpa >> 4);
    e->ip = a->load_gpa - ((u64)e->cs << 4);
    return 0;
}

/* ---------------------------------------------------------- multiboot v1 */

/* The header's offset in the image, or -1: 4-aligned, in the first 8 KiB. */
static long mb_header(const u8 *img, size_t len)
{
    for (size_t off = 0; off + 12 <= len && off < MB_SEARCH; off += 4)
        if (rd32(img + off) == MB_MAGIC &&
            rd32(img + off) + rd32(img + off + 4) + rd32(img + off + 8) == 0)
            return (long)off;
    return -1;
}

/* ELF32 program headers into RAM; the entry point out. */
static int mb_load_elf32(struct domain *d, const struct hvm_build_args *a,
                         u64 *entry, u64 *end)
{
    const u8 *img = a->image;
    u32 phoff, phnum, phentsize;

    if (a->image_len < 52 || rd32(img) != 0x464c457fu || img[4] != 1 ||
        img[5] != 1 || rd16(img + 18) != 3 /* EM_386 */)
        return -EINVAL;
    *entry = rd32(img + 24);
    phoff = rd32(img + 28);
    phentsize = rd16(img + 42);
    phnum = rd16(img + 44);
    if (phentsize < 32 || phoff > a->image_len ||
        (u64)phnum * phentsize > a->image_len - phoff)
        return -EINVAL;
    *end = 0;
    for (u32 i = 0; i < phnum; i++) {
        const u8 *ph = img + phoff + (u64)i * phentsize;
        u64 off = rd32(ph + 4), pa = rd32(ph + 12), fsz = rd32(ph + 16),
            msz = rd32(ph + 20);

        if (rd32(ph) != 1 /* PT_LOAD */ || !msz)
            continue;
        if (fsz > msz || off > a->image_len || fsz > a->image_len - off ||
            !fits(a, pa, msz))
            return -EINVAL;
        /* RAM is zeroed already: the BSS needs nothing. */
        hvm_copy_to_gpa(d, pa, img + off, fsz);
        *end = MAX(*end, pa + msz);
    }
    return *end ? 0 : -EINVAL;
}

/* The a.out kludge: the header says where the file's bytes go. */
static int mb_load_aout(struct domain *d, const struct hvm_build_args *a,
                        const u8 *h, long hoff, u64 *entry, u64 *end)
{
    u64 header_addr = rd32(h + 12), load = rd32(h + 16),
        load_end = rd32(h + 20), bss_end = rd32(h + 24), off, len;

    *entry = rd32(h + 28);
    if (load > header_addr || header_addr - load > (u64)hoff)
        return -EINVAL;
    off = (u64)hoff - (header_addr - load);
    len = load_end ? load_end - load : a->image_len - off;
    if (load_end && load_end < load)
        return -EINVAL;
    if (len > a->image_len - off || !fits(a, load, MAX(len, 1)))
        return -EINVAL;
    *end = bss_end > load + len ? bss_end : load + len;
    if (!fits(a, load, *end - load))
        return -EINVAL;
    hvm_copy_to_gpa(d, load, (const u8 *)a->image + off, len);
    return 0;
}

static int load_multiboot(struct domain *d, const struct hvm_build_args *a,
                          long hoff, struct hvm_entry *e)
{
    const u8 *h = (const u8 *)a->image + hoff;
    u32 flags = rd32(h + 4);
    u8 info[52] = { 0 }, mods[16] = { 0 }, map[4 * 24];
    struct e820_entry pc[4];
    u64 entry, end, rd = 0;
    size_t cl = strlen(a->cmdline) + 1;
    unsigned int n;
    int rc;

    /*
     * Bits 0-15 a loader must honour or refuse: 0 (page-aligned modules)
     * and 1 (memory information) Vesper gives anyway; 2 (video mode) it
     * cannot, but a mode is only a preference.
     */
    if (flags & 0xfff8u) {
        printk_lvl(LOG_ERR,
                   "d%u: multiboot header asks for %x, which Vesper cannot "
                   "give\n",
                   d->domain_id, flags & 0xfff8u);
        return -EINVAL;
    }
    rc = (flags & MB_AOUT_KLUDGE) ? mb_load_aout(d, a, h, hoff, &entry, &end)
                                  : mb_load_elf32(d, a, &entry, &end);
    if (rc) {
        printk_lvl(LOG_ERR,
                   "d%u: multiboot kernel does not load inside its %llu MiB\n",
                   d->domain_id, (unsigned long long)(a->mem_bytes >> 20));
        return rc;
    }
    rc = place_ramdisk(d, a, (end + PAGE_SIZE - 1) & ~(u64)(PAGE_SIZE - 1),
                       a->mem_bytes, &rd);
    if (rc)
        return rc;
    if (cl > LOW_CMDLINE_MAX - 64)
        return -E2BIG;
    /* The command line, then the module's string (the same: it has one). */
    hvm_copy_to_gpa(d, LOW_CMDLINE, a->cmdline, cl);
    n = pc_map(a->mem_bytes, pc);
    for (unsigned int i = 0; i < n; i++) {
        u8 *m = map + 24 * i;

        wr32(m, 20);
        memcpy(m + 4, &pc[i], 20);
    }
    hvm_copy_to_gpa(d, LOW_MAP, map, 24 * n);
    wr32(info,
         (1u << 0) | (1u << 2) | (1u << 6) | (a->ramdisk_len ? 1u << 3 : 0));
    wr32(info + 4, (u32)(EBDA >> 10));
    wr32(info + 8, (u32)((a->mem_bytes - HIGH_MEM) >> 10));
    wr32(info + 16, (u32)LOW_CMDLINE);
    if (a->ramdisk_len) {
        wr32(mods, (u32)rd);
        wr32(mods + 4, (u32)(rd + a->ramdisk_len));
        wr32(mods + 8, (u32)LOW_CMDLINE);
        hvm_copy_to_gpa(d, LOW_INFO + 64, mods, sizeof(mods));
        wr32(info + 20, 1);
        wr32(info + 24, (u32)(LOW_INFO + 64));
    }
    wr32(info + 44, 24 * n);
    wr32(info + 48, (u32)LOW_MAP);
    hvm_copy_to_gpa(d, LOW_INFO, info, sizeof(info));
    hvm_acpi_build(d, ACPI_BASE);
    flat_gdt(d, e);
    e->ip = entry;
    e->eax = MB_LOADER_MAGIC;
    e->ebx = (u32)LOW_INFO;
    printk("d%u: multiboot kernel [%llx, %llx), entry %llx%s\n", d->domain_id,
           (unsigned long long)HIGH_MEM, (unsigned long long)end,
           (unsigned long long)entry, a->ramdisk_len ? ", one module" : "");
    return 0;
}

/* ------------------------------------------------------------ Linux */

/* Offsets in the zero page (boot_params) and its setup header. */
#define BP_ACPI_RSDP 0x070 /* protocol 2.14 and later */
#define BP_E820_ENTRIES 0x1e8
#define BP_HDR 0x1f1
#define BP_SETUP_SECTS 0x1f1
#define BP_BOOT_FLAG 0x1fe
#define BP_HDR_END 0x201 /* the byte holding the header's length - 0x202 */
#define BP_MAGIC 0x202
#define BP_VERSION 0x206
#define BP_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_CODE32 0x214
#define BP_RAMDISK 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CMDLINE 0x228
#define BP_INITRD_MAX 0x22c
#define BP_CMDLINE_SIZE 0x238
#define BP_INIT_SIZE 0x260
#define BP_E820 0x2d0
#define LOADED_HIGH 0x01

static int load_linux(struct domain *d, const struct hvm_build_args *a,
                      struct hvm_entry *e)
{
    static u8 zp[PAGE_SIZE];
    const u8 *img = a->image;
    u64 setup, kern_len, init_size, end, rd = 0, initrd_max, cl_max, rsdp;
    size_t cl = strlen(a->cmdline) + 1, hdr_len;
    struct e820_entry pc[4];
    unsigned int n;
    u16 version;
    int rc;

    version = rd16(img + BP_VERSION);
    setup = img[BP_SETUP_SECTS] ? img[BP_SETUP_SECTS] : 4;
    setup = (setup + 1) * 512;
    /* 2.03 gives initrd_addr_max, 2.06 the command line's size. */
    if (version < 0x0206 || !(img[BP_LOADFLAGS] & LOADED_HIGH) ||
        setup >= a->image_len) {
        printk_lvl(LOG_ERR,
                   "d%u: Linux image with boot protocol %x: Vesper loads "
                   "bzImages of protocol 2.06 and later\n",
                   d->domain_id, version);
        return -EINVAL;
    }
    kern_len = a->image_len - setup;
    init_size = version >= 0x020a ? rd32(img + BP_INIT_SIZE) : 0;
    /* The kernel decompresses in place: init_size is what it needs. */
    end = HIGH_MEM + MAX(kern_len, init_size);
    if (!fits(a, HIGH_MEM, end - HIGH_MEM)) {
        printk_lvl(LOG_ERR, "d%u: Linux needs %llu MiB from 1 MiB up\n",
                   d->domain_id, (unsigned long long)((end - HIGH_MEM) >> 20));
        return -ENOMEM;
    }
    cl_max = rd32(img + BP_CMDLINE_SIZE);
    if (cl > MIN(cl_max + 1, LOW_CMDLINE_MAX))
        return -E2BIG;
    hvm_copy_to_gpa(d, HIGH_MEM, img + setup, kern_len);
    initrd_max = rd32(img + BP_INITRD_MAX);
    rc = place_ramdisk(d, a, (end + PAGE_SIZE - 1) & ~(u64)(PAGE_SIZE - 1),
                       initrd_max + 1, &rd);
    if (rc)
        return rc;
    hvm_copy_to_gpa(d, LOW_CMDLINE, a->cmdline, cl);

    /* The zero page: the image's own setup header, then what we filled. */
    memset(zp, 0, sizeof(zp));
    hdr_len = 0x202 + img[BP_HDR_END] - BP_HDR;
    if (BP_HDR + hdr_len > setup || BP_HDR + hdr_len > sizeof(zp))
        return -EINVAL;
    memcpy(zp + BP_HDR, img + BP_HDR, hdr_len);
    zp[BP_LOADER] = 0xff; /* a boot loader without an assigned id */
    wr32(zp + BP_CODE32, (u32)HIGH_MEM);
    wr32(zp + BP_CMDLINE, (u32)LOW_CMDLINE);
    wr32(zp + BP_RAMDISK, (u32)rd);
    wr32(zp + BP_RAMDISK_SIZE, (u32)a->ramdisk_len);
    n = pc_map(a->mem_bytes, pc);
    memcpy(zp + BP_E820, pc, n * sizeof(pc[0]));
    zp[BP_E820_ENTRIES] = (u8)n;
    rsdp = hvm_acpi_build(d, ACPI_BASE);
    /* Found by the scan anyway; newer kernels take it from here first. */
    if (version >= 0x020e) {
        wr32(zp + BP_ACPI_RSDP, (u32)rsdp);
        wr32(zp + BP_ACPI_RSDP + 4, (u32)(rsdp >> 32));
    }
    hvm_copy_to_gpa(d, LOW_INFO, zp, sizeof(zp));
    /* The 32-bit entry: flat segments, paging off, ESI at the zero page. */
    flat_gdt(d, e);
    e->ip = HIGH_MEM;
    e->esi = (u32)LOW_INFO;
    printk("d%u: Linux bzImage, boot protocol %u.%02u, %llu KiB at 1 MiB "
           "(needs %llu), initrd %llu KiB, command line \"%s\"\n",
           d->domain_id, version >> 8, version & 0xff,
           (unsigned long long)(kern_len >> 10),
           (unsigned long long)(init_size >> 10),
           (unsigned long long)(a->ramdisk_len >> 10), a->cmdline);
    return 0;
}

/* -------------------------------------------------------------- choice */

int hvm_load(struct domain *d, const struct hvm_build_args *a,
             struct hvm_entry *e)
{
    const u8 *img = a->image;
    long mb;

    memset(e, 0, sizeof(*e));
    if (!a->image_len)
        return -EINVAL;
    /* The image says what it is; anything else is a flat image. */
    if (a->image_len > BP_VERSION + 2 && rd32(img + BP_MAGIC) == 0x53726448u &&
        rd16(img + BP_BOOT_FLAG) == 0xaa55)
        return load_linux(d, a, e);
    mb = mb_header(a->image, a->image_len);
    if (mb >= 0)
        return load_multiboot(d, a, mb, e);
    return load_flat(d, a, e);
}

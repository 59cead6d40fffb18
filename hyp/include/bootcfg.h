/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time domain descriptions: parsing one multiboot module string. */
#ifndef VESPER_BOOTCFG_H
#define VESPER_BOOTCFG_H

#include "types.h"

/*
 * A module string is
 *     <path> [<option>=<value> | <flag> ...] [-- <guest command line>]
 * Options are only recognised when a standalone "--" word is present;
 * without one, everything after the path is the guest command line (the
 * old single-domain syntax). Options:
 *     name=NAME     1..31 characters of [A-Za-z0-9._-]
 *     mem=SIZE      at least 1M; K/M/G/T suffixes (parse_size)
 *     vcpus=N       1..BOOTCFG_MAX_VCPUS
 *     weight=N      1..65535 (default 256)
 *     cap=N         percent of one CPU, 0 (none) .. 100 * vcpus
 *     cpus=LIST     affinity, e.g. 0 or 0-1 or 0,2 (CPUs 0..63)
 *     console       serial input goes to this domain
 *     kind=ramdisk  the module is the previous kernel's ramdisk
 *     kind=kernel   the module is a kernel even if it does not look like one
 *     kind=hvm      the module is an HVM domain's image: a Linux bzImage
 *                   (boot protocol 2.06+, 32-bit entry, e820 map, command
 *                   line and the ramdisk module after it) or a multiboot v1
 *                   kernel (a.out kludge or ELF32; the ramdisk is its one
 *                   module), else a flat image copied to guest-physical
 *                   load= and entered there in 16-bit real mode (CS:IP
 *                   0000:load below 64 KiB, else load/16:0); guest RAM
 *                   from GPA 0 is mem= (16M default)
 *     load=ADDR     kind=hvm only: 0x1000..0xff000, default 0x7c00 (a
 *                   boot sector's address)
 *     paused        kind=hvm only: built paused for the control domain
 *                   (its device model) to unpause, and kept, once shut
 *                   down, until that domain destroys it
 */
#define BOOTCFG_MAX_VCPUS 32
#define BOOTCFG_MAX_CPUS 64
#define BOOTCFG_MIN_MEM (1UL << 20)
#define BOOTCFG_DEFAULT_WEIGHT 256
#define BOOTCFG_NAME_LEN 32
#define BOOTCFG_DEFAULT_LOAD 0x7c00
#define BOOTCFG_MIN_LOAD 0x1000
#define BOOTCFG_MAX_LOAD 0xff000

enum bootcfg_kind {
    BOOTCFG_KIND_AUTO = 0, /* decide by looking at the image */
    BOOTCFG_KIND_KERNEL,
    BOOTCFG_KIND_RAMDISK,
    BOOTCFG_KIND_HVM, /* a flat image run as an HVM guest */
};

struct bootcfg {
    const char *path; /* first word of the string, not NUL-terminated */
    size_t path_len;
    char name[BOOTCFG_NAME_LEN]; /* name= or the path's base name */
    u64 mem;                     /* bytes; 0 = the builder's default */
    unsigned int vcpus;          /* 1 unless vcpus= */
    bool vcpus_set;              /* vcpus= given */
    unsigned int weight;
    unsigned int cap;
    u64 cpus; /* bit n = CPU n; 0 = no cpus= (every online CPU) */
    bool console;
    enum bootcfg_kind kind;
    u64 load;            /* kind=hvm: guest-physical load and entry address */
    bool paused;         /* kind=hvm: waits for the control domain */
    bool has_options;    /* a standalone "--" was present */
    const char *cmdline; /* guest command line, inside the parsed string */
};

/*
 * Parse s into *c. Returns 0, or -22 (EINVAL) with a one-line reason in
 * err (which names the offending option); *c is then only partly filled.
 * s must stay alive while c->path and c->cmdline are used.
 */
int bootcfg_parse(const char *s, struct bootcfg *c, char *err, size_t errlen);

/* "0-1,3" for a CPU mask ("none" when empty); returns snprintf's length. */
int bootcfg_format_cpus(u64 mask, char *buf, size_t len);

#endif

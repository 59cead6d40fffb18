/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/bootcfg.c: module strings of boot-time domains. */
#include "harness.h"
#include "host_shim.h"
#include "types.h"
#include "bootcfg.h"

static struct bootcfg c;
static char err[160];

static int parse(const char *s)
{
    memset(err, 'x', sizeof(err) - 1);
    err[sizeof(err) - 1] = 0;
    return bootcfg_parse(s, &c, err, sizeof(err));
}

/* The parse fails and the message mentions want. */
#define CHECK_REFUSED(s, want)                                             \
    do {                                                                   \
        CHECK_EQ(parse(s), -22);                                           \
        if (!strstr(err, (want)))                                          \
            unit_fail(__FILE__, __LINE__, "'%s': message '%s' lacks '%s'", \
                      (s), err, (want));                                   \
    } while (0)

TEST(old_syntax_everything_is_cmdline)
{
    CHECK_EQ(parse("/x/hello.elf vesper.test=hello answer=42"), 0);
    CHECK_EQ(err[0], 0);
    CHECK_EQ(c.path_len, 12);
    CHECK(!memcmp(c.path, "/x/hello.elf", 12));
    CHECK(!strcmp(c.name, "hello"));
    CHECK(!strcmp(c.cmdline, "vesper.test=hello answer=42"));
    CHECK(!c.has_options);
    CHECK_EQ(c.mem, 0);
    CHECK_EQ(c.vcpus, 1);
    CHECK_EQ(c.weight, 256);
    CHECK_EQ(c.cap, 0);
    CHECK_EQ(c.cpus, 0);
    CHECK(!c.console);
    CHECK_EQ(c.kind, BOOTCFG_KIND_AUTO);
    /* Words that look like options are the guest's without "--". */
    CHECK_EQ(parse("k.elf mem=0 bogus"), 0);
    CHECK(!strcmp(c.cmdline, "mem=0 bogus"));
    CHECK_EQ(c.mem, 0);
}

TEST(path_only_and_empty)
{
    CHECK_EQ(parse("  guest.gz  "), 0);
    CHECK(!strcmp(c.name, "guest"));
    CHECK(!strcmp(c.cmdline, ""));
    CHECK_EQ(parse(""), 0);
    CHECK_EQ(c.path_len, 0);
    CHECK(!strcmp(c.name, "guest"));
    CHECK_EQ(bootcfg_parse(NULL, &c, err, sizeof(err)), 0);
    CHECK_EQ(parse("/boot/vmlinuz-6.1.0-amd64"), 0);
    CHECK(!strcmp(c.name, "vmlinuz-6.1.0-amd64"));
    CHECK_EQ(parse("hello.elf.gz"), 0);
    CHECK(!strcmp(c.name, "hello"));
    CHECK_EQ(parse("x.1.elf"), 0);
    CHECK(!strcmp(c.name, "x.1"));
    CHECK_EQ(parse("dir.d/kernel"), 0);
    CHECK(!strcmp(c.name, "kernel"));
}

TEST(all_options)
{
    CHECK_EQ(parse("a/b.elf name=web-1 mem=48M vcpus=3 weight=512 cap=150 "
                   "cpus=0-1,5 console -- root=/dev/xvda  quiet"),
             0);
    CHECK(c.has_options);
    CHECK(!strcmp(c.name, "web-1"));
    CHECK_EQ(c.mem, 48ULL << 20);
    CHECK_EQ(c.vcpus, 3);
    CHECK_EQ(c.weight, 512);
    CHECK_EQ(c.cap, 150);
    CHECK_EQ(c.cpus, 0x23);
    CHECK(c.console);
    CHECK(!strcmp(c.cmdline, "root=/dev/xvda  quiet"));
    CHECK_EQ(c.kind, BOOTCFG_KIND_AUTO);
}

TEST(separator_forms)
{
    /* "--" with no options and no command line. */
    CHECK_EQ(parse("k.elf --"), 0);
    CHECK(c.has_options);
    CHECK(!strcmp(c.cmdline, ""));
    /* Only the first standalone "--" separates; later ones are the guest's. */
    CHECK_EQ(parse("k.elf mem=2M -- a -- b"), 0);
    CHECK(!strcmp(c.cmdline, "a -- b"));
    CHECK_EQ(c.mem, 2ULL << 20);
    /* "--x" or "x--" is not a separator. */
    CHECK_EQ(parse("k.elf --x y--"), 0);
    CHECK(!c.has_options);
    CHECK(!strcmp(c.cmdline, "--x y--"));
    /* Tabs separate words too. */
    CHECK_EQ(parse("k.elf\tvcpus=2\t--\tz"), 0);
    CHECK_EQ(c.vcpus, 2);
    CHECK(!strcmp(c.cmdline, "z"));
}

TEST(sizes)
{
    CHECK_EQ(parse("k mem=1G --"), 0);
    CHECK_EQ(c.mem, 1ULL << 30);
    CHECK_EQ(parse("k mem=2048K --"), 0);
    CHECK_EQ(c.mem, 2ULL << 20);
    CHECK_EQ(parse("k mem=0x100000 --"), 0);
    CHECK_EQ(c.mem, 1ULL << 20);
    CHECK_REFUSED("k mem=0 --", "mem=0: too small");
    CHECK_REFUSED("k mem=1023K --", "too small");
    CHECK_REFUSED("k mem= --", "mem=: not a size");
    CHECK_REFUSED("k mem=12Q --", "not a size");
    CHECK_REFUSED("k mem=4MB --", "not a size");
    CHECK_REFUSED("k mem=99999999999999999999 --", "not a size");
    CHECK_REFUSED("k mem=99999999999T --", "not a size");
    CHECK_REFUSED("k mem --", "needs a value");
}

TEST(numbers)
{
    CHECK_EQ(parse("k vcpus=32 weight=1 cap=0 --"), 0);
    CHECK_EQ(c.vcpus, 32);
    CHECK_EQ(c.weight, 1);
    CHECK_EQ(parse("k weight=65535 --"), 0);
    CHECK_EQ(c.weight, 65535);
    CHECK_REFUSED("k vcpus=0 --", "vcpus=0: must be a number from 1 to 32");
    CHECK_REFUSED("k vcpus=33 --", "vcpus=33");
    CHECK_REFUSED("k vcpus=2x --", "vcpus=2x");
    CHECK_REFUSED("k vcpus=-1 --", "vcpus=-1");
    CHECK_REFUSED("k weight=0 --",
                  "weight=0: must be a number from 1 to 65535");
    CHECK_REFUSED("k weight=65536 --", "weight=65536");
    CHECK_REFUSED("k cap=abc --", "cap=abc");
    /* The cap bound follows vcpus=, whichever comes first. */
    CHECK_REFUSED("k cap=101 --", "cap=101: more than 100% per vCPU (1 vCPU)");
    CHECK_EQ(parse("k cap=200 vcpus=2 --"), 0);
    CHECK_EQ(c.cap, 200);
    CHECK_REFUSED("k vcpus=2 cap=201 --", "(2 vCPUs)");
}

TEST(cpu_lists)
{
    CHECK_EQ(parse("k cpus=0 --"), 0);
    CHECK_EQ(c.cpus, 1);
    CHECK_EQ(parse("k cpus=63 --"), 0);
    CHECK_EQ(c.cpus, 1ULL << 63);
    CHECK_EQ(parse("k cpus=0-63 --"), 0);
    CHECK_EQ(c.cpus, ~0ULL);
    CHECK_EQ(parse("k cpus=2,0,2-3 --"), 0);
    CHECK_EQ(c.cpus, 0xd);
    CHECK_REFUSED("k cpus=64 --", "cpus=64: not a CPU list");
    CHECK_REFUSED("k cpus=3-1 --", "cpus=3-1");
    CHECK_REFUSED("k cpus= --", "cpus=:");
    CHECK_REFUSED("k cpus=1, --", "cpus=1,");
    CHECK_REFUSED("k cpus=,1 --", "cpus=,1");
    CHECK_REFUSED("k cpus=1-- --", "cpus=1--");
    CHECK_REFUSED("k cpus=a --", "cpus=a");
    CHECK_REFUSED("k cpus=1;2 --", "cpus=1;2");
}

TEST(format_cpus)
{
    char buf[64];

    CHECK_EQ(bootcfg_format_cpus(0, buf, sizeof(buf)), 4);
    CHECK(!strcmp(buf, "none"));
    bootcfg_format_cpus(1, buf, sizeof(buf));
    CHECK(!strcmp(buf, "0"));
    bootcfg_format_cpus(0x2d, buf, sizeof(buf));
    CHECK(!strcmp(buf, "0,2-3,5"));
    bootcfg_format_cpus(~0ULL, buf, sizeof(buf));
    CHECK(!strcmp(buf, "0-63"));
    /* Truncation keeps the buffer terminated and reports the full length. */
    CHECK_EQ(bootcfg_format_cpus(0x5555, buf, 4), 18);
    CHECK(!strcmp(buf, "0,2"));
}

TEST(names)
{
    CHECK_EQ(parse("k name=A.b_c-9 --"), 0);
    CHECK(!strcmp(c.name, "A.b_c-9"));
    CHECK_EQ(parse("k name=0123456789012345678901234567890 --"), 0);
    CHECK_EQ(strlen(c.name), 31);
    CHECK_REFUSED("k name=01234567890123456789012345678901 --", "1 to 31");
    CHECK_REFUSED("k name= --", "1 to 31");
    CHECK_REFUSED("k name=a/b --", "name=a/b: only letters");
    CHECK_REFUSED("k name=\"x\" --", "only letters");
}

TEST(flags_and_kinds)
{
    CHECK_EQ(parse("r.img kind=ramdisk --"), 0);
    CHECK_EQ(c.kind, BOOTCFG_KIND_RAMDISK);
    CHECK_EQ(parse("r.img kind=kernel --"), 0);
    CHECK_EQ(c.kind, BOOTCFG_KIND_KERNEL);
    CHECK_REFUSED("r.img kind=initrd --", "kind=initrd: must be 'kernel' or");
    CHECK_REFUSED("r.img kind=ramdisk mem=4M --",
                  "a ramdisk takes no domain options");
    CHECK_REFUSED("r.img console kind=ramdisk --", "takes no domain options");
    CHECK_REFUSED("k console=1 --", "'console' is a flag");
    CHECK_REFUSED("k consoles --", "unknown option 'consoles'");
}

TEST(kind_hvm)
{
    CHECK_EQ(parse("g.bin kind=hvm --"), 0);
    CHECK_EQ(c.kind, BOOTCFG_KIND_HVM);
    CHECK_EQ(c.load, BOOTCFG_DEFAULT_LOAD);
    CHECK_EQ(c.load, 0x7c00);
    CHECK_EQ(parse("g.bin kind=hvm load=0x10000 mem=32M name=h --"), 0);
    CHECK_EQ(c.kind, BOOTCFG_KIND_HVM);
    CHECK_EQ(c.load, 0x10000);
    CHECK_EQ(c.mem, 32UL << 20);
    CHECK(!strcmp(c.name, "h"));
    CHECK_EQ(parse("g.bin load=4096 kind=hvm --"), 0);
    CHECK_EQ(c.load, 0x1000);
    CHECK_EQ(parse("g.bin kind=hvm load=0xff000 --"), 0);
    CHECK_REFUSED("g.bin kind=hvm load=0xfff --", "load=0xfff: must be");
    CHECK_REFUSED("g.bin kind=hvm load=0x100000 --", "load=0x100000: must");
    CHECK_REFUSED("g.bin kind=hvm load=7c00 --", "load=7c00: must be");
    CHECK_REFUSED("g.bin kind=hvm load= --", "must be an address");
    CHECK_REFUSED("g.bin load=0x7c00 --", "load= is for kind=hvm");
    CHECK_REFUSED("k kind=kernel load=0x7c00 --", "load= is for kind=hvm");
    CHECK_REFUSED("r.img kind=ramdisk load=0x7c00 --",
                  "a ramdisk takes no domain options");
    CHECK_REFUSED("g.bin kind=hvm load=0x8000 load=0x9000 --",
                  "option 'load' given twice");
    CHECK_REFUSED("g.bin kind=HVM --",
                  "must be 'kernel' or 'ramdisk' or 'hvm'");
    /* Kernels and ramdisks keep the default, unused. */
    CHECK_EQ(parse("k mem=4M --"), 0);
    CHECK_EQ(c.kind, BOOTCFG_KIND_AUTO);
}

TEST(malformed)
{
    CHECK_REFUSED("k root=/dev/sda --", "unknown option 'root=/dev/sda'");
    CHECK_REFUSED("k Mem=4M --", "unknown option 'Mem=4M'");
    CHECK_REFUSED("k =4M --", "unknown option '=4M'");
    CHECK_REFUSED("k mem=4M mem=8M --", "option 'mem' given twice");
    CHECK_REFUSED("k console console --", "option 'console' given twice");
    CHECK_REFUSED("k mem=4M=5 --", "mem=4M=5: not a size");
    /* The message is always terminated, even in a tiny buffer. */
    CHECK_EQ(bootcfg_parse("k frobnicate --", &c, err, 8), -22);
    CHECK_EQ(strlen(err), 7);
    /* A failure after good options still reports the bad one. */
    CHECK_REFUSED("k name=ok mem=4M vcpus=99 --", "vcpus=99");
}

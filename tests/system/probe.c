/* SPDX-License-Identifier: GPL-2.0-only */
/* vesper-probe: a tiny static user program for the initramfs self-check. */

/*
 * Built on the host with -static -nostdlib, so it needs no libc and runs
 * as its own ELF (a real execve, not a busybox applet). Modes:
 *   vesper-probe pid             print the process id and exit 0
 *   vesper-probe segv            store to address 0; the kernel must kill
 *                                it with SIGSEGV (the shell sees 139)
 *   vesper-probe fill PATH MIB   write MIB MiB of a fixed pseudo-random
 *                                pattern to PATH (every 8 bytes differ, so
 *                                no two pages are alike)
 *   vesper-probe check PATH MIB  read PATH back: exactly MIB MiB of that
 *                                pattern, or say where it first differs
 * Exit status 0 on success, 1 on a failed check, 2 on bad usage.
 */

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_getpid 39
#define SYS_exit 60

#define O_RDONLY 0
#define O_WRONLY 1
#define O_CREAT 0100
#define O_TRUNC 01000

#define MIB (1L << 20)
#define BUF_WORDS (MIB / 8)

/* One MiB at a time: big reads and writes keep the syscall count low. */
static unsigned long buf[BUF_WORDS];

static long syscall3(long nr, long a, long b, long c)
{
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

static long len_of(const char *s)
{
    long len = 0;

    while (s[len])
        len++;
    return len;
}

static void put(const char *s)
{
    syscall3(SYS_write, 1, (long)s, len_of(s));
}

/*
 * v in decimal, then end, in one write: lines of processes appending to
 * one file at once then never interleave.
 */
static void put_num(unsigned long v, char end)
{
    char tmp[24];
    int i = sizeof(tmp);

    tmp[--i] = 0;
    if (end)
        tmp[--i] = end;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v && i > 0);
    put(tmp + i);
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* A decimal number from 1 to 4096, or -1. */
static long parse_mib(const char *s)
{
    long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 4096)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v >= 1 && v <= 4096 ? v : -1;
}

/* Word i of the pattern: splitmix64 of its index, so every word differs. */
static unsigned long pattern(unsigned long i)
{
    unsigned long z = (i + 1) * 0x9e3779b97f4a7c15UL;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}

static void fail_at(const char *path, const char *what, unsigned long off)
{
    put("vesper-probe: ");
    put(path);
    put(": ");
    put(what);
    put(" at byte ");
    put_num(off, 0);
    put("\n");
}

static int fill(const char *path, long mib)
{
    long fd =
        syscall3(SYS_open, (long)path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0) {
        fail_at(path, "cannot create", 0);
        return 1;
    }
    for (long m = 0; m < mib; m++) {
        long done = 0;

        for (long w = 0; w < BUF_WORDS; w++)
            buf[w] = pattern((unsigned long)(m * BUF_WORDS + w));
        while (done < MIB) {
            long n = syscall3(SYS_write, fd, (long)buf + done, MIB - done);

            if (n <= 0) {
                fail_at(path, "write failed", (unsigned long)(m * MIB + done));
                return 1;
            }
            done += n;
        }
    }
    return syscall3(SYS_close, fd, 0, 0) ? 1 : 0;
}

static int check(const char *path, long mib)
{
    long fd = syscall3(SYS_open, (long)path, O_RDONLY, 0);
    unsigned long off = 0, end = (unsigned long)mib * MIB;

    if (fd < 0) {
        fail_at(path, "cannot open", 0);
        return 1;
    }
    for (;;) {
        long n = syscall3(SYS_read, fd, (long)buf, MIB);

        if (n < 0) {
            fail_at(path, "read failed", off);
            return 1;
        }
        if (n == 0)
            break;
        if (off + (unsigned long)n > end) {
            fail_at(path, "longer than expected: data", end);
            return 1;
        }
        /* Reads may be short, but they stay 8-aligned for a regular file. */
        if ((n | (long)off) & 7) {
            fail_at(path, "unaligned read", off);
            return 1;
        }
        for (long w = 0; w < n / 8; w++)
            if (buf[w] != pattern(off / 8 + (unsigned long)w)) {
                fail_at(path, "pattern differs", off + (unsigned long)w * 8);
                return 1;
            }
        off += (unsigned long)n;
    }
    syscall3(SYS_close, fd, 0, 0);
    if (off != end) {
        fail_at(path, "shorter than expected: end of file", off);
        return 1;
    }
    return 0;
}

void probe_main(long *sp);
__attribute__((noreturn, used)) void probe_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    int status = 2;

    if (argc == 2 && streq(argv[1], "pid")) {
        put_num((unsigned long)syscall3(SYS_getpid, 0, 0, 0), '\n');
        status = 0;
    } else if (argc == 2 && streq(argv[1], "segv")) {
        /* volatile: the store must happen, and to address 0 exactly. */
        *(volatile long *)0 = 0x5e6f;
        put("vesper-probe: store to address 0 did not fault\n");
        status = 1;
    } else if (argc == 4 && streq(argv[1], "fill") && parse_mib(argv[3]) > 0) {
        status = fill(argv[2], parse_mib(argv[3]));
    } else if (argc == 4 && streq(argv[1], "check") && parse_mib(argv[3]) > 0) {
        status = check(argv[2], parse_mib(argv[3]));
    } else {
        put("usage: vesper-probe pid | segv | fill PATH MIB | check PATH "
            "MIB\n");
    }
    for (;;)
        syscall3(SYS_exit, status, 0, 0);
}

/* The kernel enters with argc at the stack pointer; keep it 16-aligned. */
__asm__(".globl _start\n"
        "_start:\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call probe_main\n"
        "    ud2\n");

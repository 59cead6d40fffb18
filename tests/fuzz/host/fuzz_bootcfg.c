/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: hyp/bootcfg.c (one multiboot module's option string). */
#include <string.h>

#include "fuzz_input.h"
#include "bootcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    u64 mask = fz_u64(&f);
    size_t buflen = fz_u8(&f) % 48;
    char *s = malloc(f.n + 1), *buf = malloc(buflen ? buflen : 1);
    char err[96];
    struct bootcfg c;
    int n;

    if (!s || !buf)
        goto out;
    memcpy(s, f.p, f.n);
    s[f.n] = '\0';
    memset(err, 0x55, sizeof(err));
    if (bootcfg_parse(s, &c, err, sizeof(err)) == 0) {
        FZ_CHECK(c.path >= s && c.path + c.path_len <= s + f.n);
        FZ_CHECK(c.cmdline >= s && c.cmdline <= s + f.n);
        FZ_CHECK(memchr(c.name, 0, sizeof(c.name)) != NULL);
        FZ_CHECK(c.vcpus >= 1 && c.vcpus <= BOOTCFG_MAX_VCPUS);
        FZ_CHECK(c.weight >= 1 && c.weight <= 65535);
        FZ_CHECK(c.cap <= 100 * c.vcpus);
        FZ_CHECK(c.mem == 0 || c.mem >= BOOTCFG_MIN_MEM);
    } else {
        FZ_CHECK(memchr(err, 0, sizeof(err)) != NULL);
    }
    /* Formatting a CPU mask into a buffer of any size stays inside it. */
    n = bootcfg_format_cpus(mask, buf, buflen);
    FZ_CHECK(n >= 0);
    if (buflen) {
        FZ_CHECK(memchr(buf, 0, buflen) != NULL);
        FZ_CHECK(strlen(buf) == ((size_t)n < buflen ? (size_t)n : buflen - 1));
    }
out:
    free(s);
    free(buf);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor log ring behind XEN_SYSCTL_readconsole: reads, wrap, clear. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "arch.h"
#include "errno.h"
#include "lib.h"

/* What console.c links against instead of the serial line. */
static size_t serial_bytes;

void arch_console_write(const char *s, size_t n)
{
    (void)s;
    serial_bytes += n;
}

void arch_dump_stack(void)
{
}

void arch_machine_exit(unsigned int code)
{
    (void)code;
    abort();
}

static char out[2 * HYP_LOG_SIZE];
static int fail_copy;

static int to_buf(void *ctx, u32 off, const char *s, u32 n)
{
    (void)ctx;
    if (fail_copy)
        return -1;
    memcpy(out + off, s, n);
    return 0;
}

static struct hyp_log_read rd(bool clear, bool incr, u32 index, u32 count)
{
    struct hyp_log_read r = { clear, incr, index, count };

    memset(out, 0, sizeof(out));
    CHECK_EQ(hyp_log_read(&r, to_buf, NULL), 0);
    return r;
}

TEST(log_ring_reads_wraps_and_clears)
{
    struct hyp_log_read r;
    u32 idx;

    printk("hello\n");
    r = rd(false, false, 0, sizeof(out));
    CHECK_EQ(r.count, 12);
    CHECK(!memcmp(out, "(VSP) hello\n", 12));
    CHECK_EQ(serial_bytes, 12);
    idx = r.index;

    /* Incremental from where it stopped: only what came since. */
    printk("x%d\n", 7);
    r = rd(false, true, idx, sizeof(out));
    CHECK_EQ(r.count, 9);
    CHECK(!memcmp(out, "(VSP) x7\n", 9));
    CHECK_EQ(r.index, idx + 9);
    /* Nothing new: nothing read, the index stays. */
    r = rd(false, true, r.index, sizeof(out));
    CHECK_EQ(r.count, 0);
    CHECK_EQ(r.index, idx + 9);

    /* A small buffer takes the oldest bytes; index says where it stopped. */
    r = rd(false, false, 0, 5);
    CHECK_EQ(r.count, 5);
    CHECK(!memcmp(out, "(VSP)", 5));
    CHECK_EQ(r.index, 5);

    /* Clearing marks everything read. */
    r = rd(true, false, 0, sizeof(out));
    CHECK_EQ(r.count, 21);
    r = rd(false, false, 0, sizeof(out));
    CHECK_EQ(r.count, 0);

    /* Past the ring's size only the newest HYP_LOG_SIZE bytes remain. */
    for (int i = 0; i < 2000; i++)
        printk("line %04d\n", i); /* 16 bytes each with the prefix */
    r = rd(false, false, 0, sizeof(out));
    CHECK_EQ(r.count, HYP_LOG_SIZE);
    CHECK(!memcmp(out + HYP_LOG_SIZE - 16, "(VSP) line 1999\n", 16));
    CHECK(!memcmp(out, "(VSP) line 0976\n", 16));
    /* A stale incremental index (overwritten) reads from the oldest held. */
    r = rd(false, true, idx, sizeof(out));
    CHECK_EQ(r.count, HYP_LOG_SIZE);

    /* A failed copy is -EFAULT and consumes nothing. */
    {
        struct hyp_log_read f = { true, false, 0, 64 };

        fail_copy = 1;
        CHECK_EQ(hyp_log_read(&f, to_buf, NULL), -EFAULT);
        fail_copy = 0;
    }
    r = rd(false, false, 0, sizeof(out));
    CHECK_EQ(r.count, HYP_LOG_SIZE);
}

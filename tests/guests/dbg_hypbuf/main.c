/* SPDX-License-Identifier: MIT */
/* A guest breakpoint on a hypercall buffer fires in the hypervisor: tolerated. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>

/*
 * The guest's breakpoints stay armed while the hypervisor works for it,
 * so when it hands a watched buffer to a hypercall, the hypervisor's own
 * copy from (or to) guest memory trips them in ring 0. Xen notes such a
 * #DB and carries on: the call completes normally, the guest gets no #DB
 * and its DR6 is untouched. A hypervisor that panics on an unexpected
 * vector dies here.
 */
static volatile unsigned int hits;
static char msg[64] __attribute__((aligned(64))) = "dbg_hypbuf: console write "
                                                   "through a watched buffer\n";
static char ver[64] __attribute__((aligned(64)));

static int on_db(struct trap_frame *f)
{
    (void)f;
    hits++;
    return 1;
}

static long set_dr(long reg, uint64_t v)
{
    return _hypercall2(__HYPERVISOR_set_debugreg, reg, v);
}

void test_main(void)
{
    long expect_len = HYPERVISOR_xen_version(XENVER_extraversion, ver);
    size_t len = strlen(msg); /* before arming: our own reads would trip */
    char want[16];

    memcpy(want, ver, sizeof(want));
    memset(ver, 0x5a, sizeof(ver));
    trap_set_handler(1, on_db);

    /* DR0: read/write of msg[0..7]; DR1: write of ver[0..7]. */
    TEST_EQ(set_dr(0, (uint64_t)msg), 0);
    TEST_EQ(set_dr(1, (uint64_t)ver), 0);
    TEST_EQ(set_dr(6, 0), 0);
    TEST_EQ(set_dr(7, 0xdb0005UL), 0); /* L0 rw 8 bytes, L1 w 8 bytes */

    TEST_EQ(HYPERVISOR_console_io(CONSOLEIO_write, len, msg), 0);
    TEST_EQ(HYPERVISOR_xen_version(XENVER_extraversion, ver), expect_len);
    TEST_EQ(hits, 0);
    TEST_EQ(_hypercall1(__HYPERVISOR_get_debugreg, 6), 0xffff0ff0);
    TEST_EQ(_hypercall1(__HYPERVISOR_get_debugreg, 7), 0xdb0405);

    TEST_EQ(set_dr(7, 0), 0);
    /* The copy-out did its work despite the breakpoint. */
    TEST_EQ(memcmp(ver, want, sizeof(want)), 0);
    TEST_EQ(hits, 0);
    TEST_EQ(set_dr(0, 0), 0);
    TEST_EQ(set_dr(1, 0), 0);
}

/* SPDX-License-Identifier: MIT */
/* Dom0 side of the HVM tests: watch domain 1 (an HVM guest) halt or crash, from the outside. */
#include <stdbool.h>
#include <guest/cmdline.h>
#include <guest/ctl.h>
#include <guest/test.h>
#include <guest/time.h>

/* The HVM domain being watched: 1, then 2 ... up to domains=. */
static domid_t hvm_domid = 1;
#define WAIT_NS (60ULL * 1000000000ULL)
#define POLL_NS (5ULL * 1000000ULL)

static char logbuf[16384];

/* 1: domain 1 is there (its info in *info), 0: it is not, -1: error. */
static int hvm_domain_info(struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op;
    long rc;

    memset(&op, 0, sizeof(op));
    rc = domctl_op(&op, XEN_DOMCTL_getdomaininfo, hvm_domid);
    if (rc == -XEN_ESRCH || (rc == 0 && op.u.getdomaininfo.domain != hvm_domid))
        return 0;
    if (rc)
        return -1;
    *info = op.u.getdomaininfo;
    return 1;
}

/*
 * Has the hypervisor's log shown text since the last call? Reads on from
 * where the previous read ended (readconsole's incremental mode), keeping
 * a tail so that text split across two reads is found too.
 */
static bool hyp_log_grew(const char *text)
{
    static char buf[4096 + 64];
    static uint32_t index;
    static size_t kept;
    struct xen_sysctl op;
    size_t n = strlen(text);

    for (;;) {
        memset(&op, 0, sizeof(op));
        set_xen_guest_handle(op.u.readconsole.buffer, buf + kept);
        op.u.readconsole.count = 4096;
        op.u.readconsole.incremental = 1;
        op.u.readconsole.index = index;
        if (sysctl_op(&op, XEN_SYSCTL_readconsole) || !op.u.readconsole.count)
            return false;
        index = op.u.readconsole.index;
        kept += op.u.readconsole.count;
        for (size_t i = 0; i + n <= kept; i++)
            if (!memcmp(buf + i, text, n))
                return true;
        if (kept > 64) {
            memmove(buf, buf + kept - 64, 64);
            kept = 64;
        }
    }
}

/* Does the hypervisor's log hold text (its console ring, as xl dmesg)? */
static bool hyp_log_has(const char *text)
{
    struct xen_sysctl op;
    size_t n = strlen(text);

    memset(&op, 0, sizeof(op));
    set_xen_guest_handle(op.u.readconsole.buffer, logbuf);
    op.u.readconsole.count = sizeof(logbuf);
    if (sysctl_op(&op, XEN_SYSCTL_readconsole))
        return false;
    for (uint32_t i = 0; i + n <= op.u.readconsole.count; i++)
        if (!memcmp(logbuf + i, text, n))
            return true;
    return false;
}

/*
 * expect=halt: the guest prints its own verdict on port 0xE9 and halts
 * with interrupts off; seen blocked, it is destroyed and dom0 passes.
 * expect=npf or triple: the guest must be crashed by the hypervisor for
 * that reason (its log says so) and go, while this domain keeps running.
 * expect=run: an unmodified kernel that prints where the test's log can
 * see it: it runs until it ends, until the hypervisor's log shows until=
 * (no spaces), or for linger= seconds, then it is destroyed.
 */
static void watch(void);

/*
 * domains=N (expect=halt only): N HVM domains, 1 to N, run beside this PV
 * one; each must halt with its own verdict and is destroyed in turn.
 */
void test_main(void)
{
    long n = cmdline_long("domains", 1);

    for (long i = 1; i <= n; i++) {
        hvm_domid = (domid_t)i;
        watch();
    }
    /* The hypervisor is alive: this domain still makes hypercalls. */
    TEST_CHECK(HYPERVISOR_xen_version(XENVER_version, NULL) > 0);
}

static void watch(void)
{
    struct xen_domctl_getdomaininfo info;
    char expect[16], why[96], until[32];
    uint64_t deadline = guest_now() + WAIT_NS;
    bool seen = false, done = false;
    /* interleave=1: d1 must be seen between two of its own time slices. */
    bool interleave = cmdline_long("interleave", 0) == 1;
    uint64_t first_time = 0;
    unsigned int slices = 0;
    int r;

    if (cmdline_str("expect", expect, sizeof(expect)) < 0)
        memcpy(expect, "halt", 5);
    if (cmdline_str("until", until, sizeof(until)) < 0)
        until[0] = 0;
    if (!strcmp(expect, "run"))
        deadline =
            guest_now() + (uint64_t)cmdline_long("linger", 20) * 1000000000ULL;
    /* The reason the hypervisor must give for the crash. */
    if (!strcmp(expect, "npf"))
        memcpy(why, "crashed: HVM: nested page fault", 32);
    else if (!strcmp(expect, "triple"))
        memcpy(why, "crashed: HVM: triple fault", 27);
    else
        memcpy(why, "crashed", 8);
    printk("watching d%u, expecting it to %s\n", hvm_domid, expect);
    while (!done && guest_now() < deadline) {
        r = hvm_domain_info(&info);
        if (r < 0) {
            test_fail("getdomaininfo failed");
            return;
        }
        if (!strcmp(expect, "run")) {
            if (!r)
                break;
            seen = true;
            done = (info.flags & XEN_DOMINF_shutdown) ||
                   (until[0] && hyp_log_grew(until));
        } else if (!strcmp(expect, "halt")) {
            if (!r)
                break;
            seen = true;
            /*
             * Running (not blocked) with more CPU time than at our last
             * look: on one CPU that means it was preempted for us and
             * came back, so the timer takes the CPU from an HVM guest.
             */
            if (!(info.flags & XEN_DOMINF_blocked) && info.cpu_time) {
                if (first_time && info.cpu_time != first_time)
                    slices++;
                first_time = info.cpu_time;
            }
            /* Halted for good: blocked, and it has run. */
            done = (info.flags & XEN_DOMINF_blocked) && info.cpu_time &&
                   !(info.flags & XEN_DOMINF_shutdown);
        } else {
            if (r)
                seen = true;
            done = !r || (info.flags & XEN_DOMINF_shutdown);
        }
        if (!done)
            spin_until(guest_now() + POLL_NS);
    }
    if (!strcmp(expect, "run")) {
        struct xen_domctl op;

        printk("d%u %s\n", hvm_domid,
               done ? "ended, or showed what we waited for" : "still running");
        TEST_CHECK(seen);
        memset(&op, 0, sizeof(op));
        TEST_EQ(domctl_op(&op, XEN_DOMCTL_destroydomain, hvm_domid), 0);
    } else if (!strcmp(expect, "halt")) {
        struct xen_domctl op;

        TEST_CHECK(seen);
        TEST_CHECK(done);
        if (interleave) {
            uint32_t lo, hi;

            printk("d%u seen running at %u later slices\n", hvm_domid, slices);
            TEST_CHECK(slices >= 2);
            /*
             * The HVM guest ran on this (only) CPU, so SVM is on here; a
             * PV guest's EFER (emulated rdmsr) must not show SVME.
             */
            __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
            printk("EFER as dom0 reads it: %x:%08x\n", hi, lo);
            TEST_CHECK(!(lo & (1U << 12)));
        }
        memset(&op, 0, sizeof(op));
        TEST_EQ(domctl_op(&op, XEN_DOMCTL_destroydomain, hvm_domid), 0);
    } else {
        printk("d%u %s\n", hvm_domid,
               seen ? "seen, then gone" : "already gone");
        TEST_CHECK(done);
        TEST_CHECK(hyp_log_has(why));
    }
}

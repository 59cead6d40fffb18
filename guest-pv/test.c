/* SPDX-License-Identifier: MIT */
/* Check bookkeeping and the verdict line for in-guest tests. */
#include <guest/test.h>

static unsigned int checks, failed;
static int quiet;

void test_quiet(int on)
{
    quiet = on;
}

static void record(const char *tag, const char *fmt, va_list ap)
{
    char buf[400];

    /* A failure is always shown. */
    if (quiet && tag[0] == 'P')
        return;

    vsnprintf(buf, sizeof(buf), fmt, ap);
    printk("%s: %s\n", tag, buf);
}

void test_pass(const char *fmt, ...)
{
    va_list ap;

    checks++;
    va_start(ap, fmt);
    record("PASS", fmt, ap);
    va_end(ap);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    checks++;
    failed++;
    va_start(ap, fmt);
    record("FAIL", fmt, ap);
    va_end(ap);
}

unsigned int test_checks_failed(void)
{
    return failed;
}

__attribute__((noreturn)) void test_finish(void)
{
    if (checks == 0)
        printk("Test result: FAIL (no checks ran)\n");
    else if (failed == 0)
        printk("Test result: PASS\n");
    else
        printk("Test result: FAIL (%u of %u checks failed)\n", failed, checks);
    guest_shutdown(SHUTDOWN_poweroff);
}

/* Tests supply test_main(); the SDK's entry calls guest_main(). */
void guest_main(void)
{
    test_main();
    test_finish();
}

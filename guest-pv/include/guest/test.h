/* SPDX-License-Identifier: MIT */
/* In-guest test library: checks, a verdict line, then shutdown. */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <guest/guest.h>

/*
 * Each test defines test_main(). When it returns, the library prints
 * exactly one verdict line,
 *     Test result: PASS                          (>= 1 check, none failed)
 *     Test result: FAIL (n of m checks failed)
 * and powers the domain off. tests/run.py looks for that line.
 */
void test_main(void);

/* Record one passing / failing check, printing "PASS: ..." / "FAIL: ...". */
void test_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the verdict and power off; for tests that end early. */
__attribute__((noreturn)) void test_finish(void);

unsigned int test_checks_failed(void);
/* Quiet: passed checks are counted but not printed (long loops). */
void test_quiet(int on);

#define TEST_CHECK(cond)                                        \
    do {                                                        \
        if (cond)                                               \
            test_pass("%s", #cond);                             \
        else                                                    \
            test_fail("%s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)

/* Compares as 64-bit integers and prints both values on mismatch. */
#define TEST_EQ(a, b)                                                    \
    do {                                                                 \
        unsigned long long __a = (unsigned long long)(a);                \
        unsigned long long __b = (unsigned long long)(b);                \
        if (__a == __b)                                                  \
            test_pass("%s == %s (0x%llx)", #a, #b, __a);                 \
        else                                                             \
            test_fail("%s == %s: got 0x%llx (%lld), want 0x%llx (%lld) " \
                      "(%s:%d)",                                         \
                      #a, #b, __a, (long long)__a, __b, (long long)__b,  \
                      __FILE__, __LINE__);                               \
    } while (0)

#endif /* GUEST_TEST_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal host unit-test harness: registry, CHECK macros and main(). */
#ifndef VESPER_UNIT_HARNESS_H
#define VESPER_UNIT_HARNESS_H

/*
 * Include this from exactly one .c file per test binary: it defines main().
 * Tests register themselves through constructors, run in definition order,
 * and a failed CHECK marks the current test failed but lets it continue, so
 * one run reports every broken expectation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_MAX_TESTS 512

struct unit_test {
    const char *name;
    void (*fn)(void);
};

static struct unit_test unit_tests[UNIT_MAX_TESTS];
static int unit_ntests;
static int unit_cur_failed, unit_cur_skipped;
static int unit_argc;
static char **unit_argv;

static inline void unit_register(const char *name, void (*fn)(void))
{
    if (unit_ntests < UNIT_MAX_TESTS) {
        unit_tests[unit_ntests].name = name;
        unit_tests[unit_ntests].fn = fn;
        unit_ntests++;
    }
}

#define TEST(n)                                                 \
    static void unit_test_##n(void);                            \
    __attribute__((constructor)) static void unit_reg_##n(void) \
    {                                                           \
        unit_register(#n, unit_test_##n);                       \
    }                                                           \
    static void unit_test_##n(void)

__attribute__((format(printf, 3, 4))) static inline void
unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stdout, "  %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    unit_cur_failed++;
}

/* Skipped tests count as neither passed nor failed. */
#define SKIP(why)                         \
    do {                                  \
        printf("  skipped: %s\n", (why)); \
        unit_cur_skipped = 1;             \
        return;                           \
    } while (0)

#define CHECK(c)                                                   \
    do {                                                           \
        if (!(c))                                                  \
            unit_fail(__FILE__, __LINE__, "CHECK(%s) failed", #c); \
    } while (0)

#define CHECK_EQ(a, b)                                                      \
    do {                                                                    \
        long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);       \
        if (unit_a_ != unit_b_)                                             \
            unit_fail(__FILE__, __LINE__,                                   \
                      "CHECK_EQ(%s, %s): %lld (%#llx) != %lld (%#llx)", #a, \
                      #b, unit_a_, (unsigned long long)unit_a_, unit_b_,    \
                      (unsigned long long)unit_b_);                         \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *unit_sa_ = (a), *unit_sb_ = (b);                           \
        if (strcmp(unit_sa_, unit_sb_))                                        \
            unit_fail(__FILE__, __LINE__,                                      \
                      "CHECK_STR(%s, %s): \"%s\" != \"%s\"", #a, #b, unit_sa_, \
                      unit_sb_);                                               \
    } while (0)

/* Optional command-line argument i (after the program name), or NULL. */
static inline const char *unit_arg(int i)
{
    return i + 1 < unit_argc ? unit_argv[i + 1] : NULL;
}

/* Test files may define unit_pre_main() by setting this before main runs. */
static int (*unit_pre_main)(int argc, char **argv);

int main(int argc, char **argv)
{
    int i, passed = 0, failed = 0;

    unit_argc = argc;
    unit_argv = argv;
    if (unit_pre_main) {
        int rc = unit_pre_main(argc, argv);

        if (rc >= 0)
            return rc;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (i = 0; i < unit_ntests; i++) {
        unit_cur_failed = 0;
        unit_cur_skipped = 0;
        unit_tests[i].fn();
        if (unit_cur_failed) {
            printf("FAIL %s\n", unit_tests[i].name);
            failed++;
        } else if (unit_cur_skipped) {
            printf("SKIP %s\n", unit_tests[i].name);
        } else {
            printf("PASS %s\n", unit_tests[i].name);
            passed++;
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif

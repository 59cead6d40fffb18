/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/cmdline.c: sizes, booleans, quotes, unknowns. */
#include "harness.h"
#include "host_shim.h"
#include "types.h"
#include "cmdline.h"

static char unknown_seen[512];
static int unknown_calls;

static void on_unknown(const char *tok, size_t len)
{
    size_t n = strlen(unknown_seen);

    snprintf(unknown_seen + n, sizeof(unknown_seen) - n, "[%.*s]", (int)len,
             tok);
    unknown_calls++;
}

static bool b_debug, b_sync, b_noreboot;
static u32 u_loglvl;
static u64 u_big, s_dom0_mem, s_small;
static u32 s_32;
static char str_console[16], str_tiny[4];

static const struct param params[] = {
    PARAM_BOOL_VAR("debug", b_debug),
    PARAM_BOOL_VAR("sync_console", b_sync),
    PARAM_BOOL_VAR("noreboot", b_noreboot),
    PARAM_UINT_VAR("loglvl", u_loglvl),
    PARAM_UINT_VAR("big", u_big),
    PARAM_SIZE_VAR("dom0_mem", s_dom0_mem),
    PARAM_SIZE_VAR("small", s_small),
    PARAM_SIZE_VAR("s32", s_32),
    PARAM_STR_VAR("console", str_console),
    PARAM_STR_VAR("tiny", str_tiny),
};

static int run(const char *cl)
{
    unknown_seen[0] = 0;
    unknown_calls = 0;
    shim_log_reset();
    return cmdline_parse(cl, params, sizeof(params) / sizeof(params[0]),
                         on_unknown);
}

static void reset_vars(void)
{
    b_debug = b_sync = b_noreboot = false;
    u_loglvl = 0;
    u_big = s_dom0_mem = s_small = 0;
    s_32 = 0;
    memset(str_console, 0, sizeof(str_console));
    memset(str_tiny, 0, sizeof(str_tiny));
}

TEST(parse_size_units)
{
    u64 v = 0;
    const char *end;

    CHECK_EQ(parse_size("512M", &end, &v), 0);
    CHECK_EQ(v, 512ull << 20);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(parse_size("1G", NULL, &v), 0);
    CHECK_EQ(v, 1ull << 30);
    CHECK_EQ(parse_size("4096K", NULL, &v), 0);
    CHECK_EQ(v, 4096ull << 10);
    CHECK_EQ(parse_size("123", &end, &v), 0);
    CHECK_EQ(v, 123);
    CHECK_EQ(parse_size("2T", NULL, &v), 0);
    CHECK_EQ(v, 2ull << 40);
    CHECK_EQ(parse_size("7b", &end, &v), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(parse_size("0x10m", NULL, &v), 0);
    CHECK_EQ(v, 16ull << 20);
    CHECK_EQ(parse_size("64k,max:1G", &end, &v), 0);
    CHECK_EQ(v, 64ull << 10);
    CHECK_STR(end, ",max:1G");
}

TEST(parse_size_errors)
{
    u64 v = 99;

    CHECK_EQ(parse_size("", NULL, &v), CMDLINE_EINVAL);
    CHECK_EQ(parse_size("M", NULL, &v), CMDLINE_EINVAL);
    CHECK_EQ(parse_size("-1", NULL, &v), CMDLINE_EINVAL);
    CHECK_EQ(parse_size("0x", NULL, &v), CMDLINE_EINVAL);
    CHECK_EQ(v, 99);
    CHECK_EQ(parse_size("18446744073709551615", NULL, &v), 0);
    CHECK_EQ(v, ~0ull);
    CHECK_EQ(parse_size("18446744073709551616", NULL, &v), CMDLINE_ERANGE);
    CHECK_EQ(parse_size("0x10000000000000000", NULL, &v), CMDLINE_ERANGE);
    CHECK_EQ(parse_size("16777216T", NULL, &v), CMDLINE_ERANGE);
    CHECK_EQ(parse_size("16777215T", NULL, &v), 0);
    CHECK_EQ(parse_size("17179869184G", NULL, &v), CMDLINE_ERANGE);
}

TEST(parse_uint_bases)
{
    u64 v;
    const char *end;

    CHECK_EQ(parse_uint("0x1f", &end, &v), 0);
    CHECK_EQ(v, 31);
    CHECK_EQ(parse_uint("017", &end, &v), 0);
    CHECK_EQ(v, 15);
    CHECK_EQ(parse_uint("0", &end, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(parse_uint("42abc", &end, &v), 0);
    CHECK_EQ(v, 42);
    CHECK_STR(end, "abc");
    CHECK_EQ(parse_uint("0xffffffffffffffff", &end, &v), 0);
    CHECK_EQ(v, ~0ull);
    CHECK_EQ(parse_uint("02000000000000000000000", &end, &v), CMDLINE_ERANGE);
}

TEST(bools_and_no_prefix)
{
    reset_vars();
    CHECK_EQ(run("debug sync-console noreboot"), 0);
    CHECK(b_debug && b_sync && b_noreboot);
    CHECK_EQ(run("no-debug no-sync_console"), 0);
    CHECK(!b_debug && !b_sync && b_noreboot);
    CHECK_EQ(run("debug=yes sync_console=on noreboot=0"), 0);
    CHECK(b_debug && b_sync && !b_noreboot);
    CHECK_EQ(run("debug=false sync_console=disable noreboot=true"), 0);
    CHECK(!b_debug && !b_sync && b_noreboot);
    /* Bad bool value: unchanged, logged, not "unknown". */
    CHECK_EQ(run("noreboot=maybe"), 0);
    CHECK(b_noreboot);
    CHECK(strstr(shim_last_log, "noreboot=maybe") != NULL);
    /* "no-" on a non-boolean is an unknown token. */
    CHECK_EQ(run("no-loglvl"), 1);
    CHECK_STR(unknown_seen, "[no-loglvl]");
}

TEST(numbers_and_sizes)
{
    reset_vars();
    CHECK_EQ(run("loglvl=3 big=0x123456789 dom0_mem=512M small=4096K "
                 "s32=1G"),
             0);
    CHECK_EQ(u_loglvl, 3);
    CHECK_EQ(u_big, 0x123456789ull);
    CHECK_EQ(s_dom0_mem, 512ull << 20);
    CHECK_EQ(s_small, 4096ull << 10);
    CHECK_EQ(s_32, 1u << 30);
    /* Out of range for a u32 variable: unchanged. */
    CHECK_EQ(run("loglvl=4294967296 s32=4G"), 0);
    CHECK_EQ(u_loglvl, 3);
    CHECK_EQ(s_32, 1u << 30);
    CHECK_EQ(shim_log_count, 2);
    CHECK_EQ(run("loglvl=4294967295"), 0);
    CHECK_EQ(u_loglvl, 0xffffffffu);
    /* Overflow, junk suffix, missing value: unchanged. */
    CHECK_EQ(run("big=99999999999999999999 dom0_mem=512Q small= loglvl"), 0);
    CHECK_EQ(u_big, 0x123456789ull);
    CHECK_EQ(s_dom0_mem, 512ull << 20);
    CHECK_EQ(s_small, 4096ull << 10);
    CHECK_EQ(shim_log_count, 4);
    /* Last one wins. */
    CHECK_EQ(run("loglvl=1 loglvl=2"), 0);
    CHECK_EQ(u_loglvl, 2);
}

TEST(strings_quotes_truncation)
{
    reset_vars();
    CHECK_EQ(run("console=com1,vga"), 0);
    CHECK_STR(str_console, "com1,vga");
    CHECK_EQ(run("console=\"a b  c\" debug"), 0);
    CHECK_STR(str_console, "a b  c");
    CHECK(b_debug);
    /* Quotes may also wrap the whole token or part of a value. */
    CHECK_EQ(run("\"console=x y\" con\"sole\"=q"), 0);
    CHECK_STR(str_console, "q");
    CHECK_EQ(run("console=with=equals"), 0);
    CHECK_STR(str_console, "with=equals");
    CHECK_EQ(run("console="), 0);
    CHECK_STR(str_console, "");
    /* Too long: truncated to fit, NUL-terminated, reported. */
    CHECK_EQ(run("tiny=abcdefgh"), 0);
    CHECK_STR(str_tiny, "abc");
    CHECK(strstr(shim_last_log, "truncated") != NULL);
    CHECK_EQ(run("console=0123456789abcdefXYZ"), 0);
    CHECK_STR(str_console, "0123456789abcde");
    /* An unterminated quote runs to the end of the line. */
    CHECK_EQ(run("console=\"open quote debug"), 0);
    CHECK_STR(str_console, "open quote debu");
}

TEST(unknown_tokens)
{
    reset_vars();
    CHECK_EQ(run("  foo debug bar=1   baz=\"x y\"\tloglvl=5 "), 3);
    CHECK_EQ(unknown_calls, 3);
    CHECK_STR(unknown_seen, "[foo][bar=1][baz=\"x y\"]");
    CHECK(b_debug);
    CHECK_EQ(u_loglvl, 5);
    CHECK_EQ(run(""), 0);
    CHECK_EQ(run("   "), 0);
    CHECK_EQ(cmdline_parse(NULL, params, 1, NULL), 0);
    /* Names must match whole: prefixes and extensions are unknown. */
    CHECK_EQ(run("debu debugx =5 ="), 4);
    /* No callback is fine. */
    CHECK_EQ(cmdline_parse("x y", params, 1, NULL), 2);
}

TEST(split_first)
{
    const char *w, *rest;
    size_t wl;

    cmdline_split_first("  /boot/vmlinuz root=/dev/xvda console=hvc0", &w, &wl,
                        &rest);
    CHECK_EQ(wl, 13);
    CHECK(!strncmp(w, "/boot/vmlinuz", wl));
    CHECK_STR(rest, "root=/dev/xvda console=hvc0");
    cmdline_split_first("kernel", &w, &wl, &rest);
    CHECK_EQ(wl, 6);
    CHECK_STR(rest, "");
    cmdline_split_first("", &w, &wl, &rest);
    CHECK_EQ(wl, 0);
    CHECK_STR(rest, "");
    cmdline_split_first("k   \t  ", &w, &wl, &rest);
    CHECK_EQ(wl, 1);
    CHECK_STR(rest, "");
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: hyp/cmdline.c (parameter table, numbers, sizes, splitting). */
#include <string.h>

#include "fuzz_input.h"
#include "cmdline.h"

static void ignore_unknown(const char *tok, size_t len)
{
    volatile char sink = 0;

    /* The token must be readable in full. */
    if (len)
        sink = tok[0] ^ tok[len - 1];
    (void)sink;
}

static bool b1, b2;
static u32 u32v, s32v;
static u64 u64v, s64v;
static char str1[1], str8[8];

static const struct param params[] = {
    PARAM_BOOL_VAR("a", b1),   PARAM_BOOL_VAR("no-b", b2),
    PARAM_UINT_VAR("c", u32v), PARAM_UINT_VAR("d_e", u64v),
    PARAM_SIZE_VAR("f", s32v), PARAM_SIZE_VAR("g", s64v),
    PARAM_STR_VAR("h", str1),  PARAM_STR_VAR("ab", str8),
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    const char *end, *word, *rest;
    size_t wlen;
    u64 v;

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    FZ_CHECK(cmdline_parse(s, params, sizeof(params) / sizeof(params[0]),
                           ignore_unknown) >= 0);
    FZ_CHECK(str1[0] == '\0');
    FZ_CHECK(memchr(str8, 0, sizeof(str8)) != NULL);
    end = NULL;
    if (parse_size(s, &end, &v) == CMDLINE_OK)
        FZ_CHECK(end > s && end <= s + size);
    end = NULL;
    if (parse_uint(s, &end, &v) == CMDLINE_OK)
        FZ_CHECK(end > s && end <= s + size);
    cmdline_split_first(s, &word, &wlen, &rest);
    FZ_CHECK(word >= s && word + wlen <= s + size && rest >= word + wlen &&
             rest <= s + size);
    free(s);
    return 0;
}

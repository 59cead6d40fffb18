/* SPDX-License-Identifier: GPL-2.0-only */
/* Table-driven parser for the hypervisor command line (Xen syntax). */
#include "types.h"
#include "lib.h"
#include "cmdline.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int digit_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

int parse_uint(const char *s, const char **end, u64 *out)
{
    unsigned int base = 10;
    u64 v = 0;
    const char *start;
    int d;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && s[1] >= '0' && s[1] <= '7') {
        base = 8;
        s++;
    }
    start = s;
    while ((d = digit_val(*s)) < (int)base) {
        /* Reject before multiplying so the check itself cannot overflow. */
        if (v > (UINT64_MAX - (u64)d) / base) {
            if (end)
                *end = s;
            return CMDLINE_ERANGE;
        }
        v = v * base + (u64)d;
        s++;
    }
    if (end)
        *end = s;
    if (s == start)
        return CMDLINE_EINVAL;
    *out = v;
    return CMDLINE_OK;
}

int parse_size(const char *s, const char **end, u64 *out)
{
    unsigned int shift = 0;
    const char *p;
    u64 v;
    int rc;

    rc = parse_uint(s, &p, &v);
    if (end)
        *end = p;
    if (rc)
        return rc;
    switch (*p) {
    case 'T':
    case 't':
        shift = 40;
        break;
    case 'G':
    case 'g':
        shift = 30;
        break;
    case 'M':
    case 'm':
        shift = 20;
        break;
    case 'K':
    case 'k':
        shift = 10;
        break;
    case 'B':
    case 'b':
        break;
    default:
        *out = v;
        return CMDLINE_OK;
    }
    p++;
    if (end)
        *end = p;
    if (shift && v > (UINT64_MAX >> shift))
        return CMDLINE_ERANGE;
    *out = v << shift;
    return CMDLINE_OK;
}

/*
 * Compare a token's name against a table name; '-' and '_' are equivalent
 * and quote characters in the token are ignored.
 */
static bool name_eq(const char *tok, size_t len, const char *name)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char a = tok[i] == '-' ? '_' : tok[i];
        char b = *name == '-' ? '_' : *name;

        if (a == '"')
            continue;
        if (b == '\0' || a != b)
            return false;
        name++;
    }
    return *name == '\0';
}

static const struct param *find_param(const struct param *params, size_t n,
                                      const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (name_eq(name, len, params[i].name))
            return &params[i];
    }
    return NULL;
}

/*
 * Copy a value with quotes removed into dst[dstlen]; returns the unquoted
 * length, which exceeds dstlen - 1 when the copy was truncated.
 */
static size_t unquote(char *dst, size_t dstlen, const char *src, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (src[i] == '"')
            continue;
        if (n + 1 < dstlen)
            dst[n] = src[i];
        n++;
    }
    if (dstlen)
        dst[n < dstlen ? n : dstlen - 1] = '\0';
    return n;
}

static int parse_bool_str(const char *v)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(v, yes[i]))
            return 1;
        if (!strcmp(v, no[i]))
            return 0;
    }
    return -1;
}

/* Apply "name=value" (has_val) or bare "name" to p; false on a bad value. */
static bool apply(const struct param *p, bool has_val, const char *val,
                  size_t vlen, const char *tok, size_t tlen)
{
    char num[40];
    const char *end;
    u64 v;
    int rc, b;

    switch (p->type) {
    case PARAM_BOOL:
        b = 1;
        if (has_val) {
            if (unquote(num, sizeof(num), val, vlen) >= sizeof(num))
                return false;
            b = parse_bool_str(num);
            if (b < 0)
                return false;
        }
        *(bool *)p->var = b;
        return true;
    case PARAM_UINT:
    case PARAM_SIZE:
        if (!has_val || unquote(num, sizeof(num), val, vlen) >= sizeof(num))
            return false;
        rc = p->type == PARAM_UINT ? parse_uint(num, &end, &v)
                                   : parse_size(num, &end, &v);
        if (rc || *end)
            return false;
        if (p->len == 4) {
            if (v > UINT32_MAX)
                return false;
            *(u32 *)p->var = (u32)v;
        } else {
            *(u64 *)p->var = v;
        }
        return true;
    case PARAM_STR:
        if (!has_val || p->len == 0)
            return false;
        if (unquote(p->var, p->len, val, vlen) >= p->len)
            printk("cmdline: value of '%.*s' truncated to %lu bytes\n",
                   (int)tlen, tok, (unsigned long)(p->len - 1));
        return true;
    }
    return false;
}

int cmdline_parse(const char *cmdline, const struct param *params,
                  size_t nparams, void (*unknown)(const char *tok, size_t len))
{
    const char *s = cmdline;
    int nunknown = 0;

    if (!s)
        return 0;
    for (;;) {
        const char *tok, *eq = NULL, *val = NULL;
        const struct param *p;
        size_t tlen, nlen, vlen = 0;
        bool quoted = false;

        while (is_blank(*s))
            s++;
        if (!*s)
            break;
        tok = s;
        /* A blank ends the token only outside quotes. */
        for (; *s && (quoted || !is_blank(*s)); s++) {
            if (*s == '"')
                quoted = !quoted;
            else if (*s == '=' && !eq)
                eq = s;
        }
        tlen = (size_t)(s - tok);
        nlen = eq ? (size_t)(eq - tok) : tlen;
        if (eq) {
            val = eq + 1;
            vlen = (size_t)(s - val);
        }

        p = find_param(params, nparams, tok, nlen);
        if (!p && !eq && nlen > 3 && !strncmp(tok, "no-", 3)) {
            /* "no-name" clears a boolean. */
            p = find_param(params, nparams, tok + 3, nlen - 3);
            if (p && p->type == PARAM_BOOL) {
                *(bool *)p->var = false;
                continue;
            }
            p = NULL;
        }
        if (!p) {
            nunknown++;
            if (unknown)
                unknown(tok, tlen);
            continue;
        }
        if (!apply(p, eq != NULL, val, vlen, tok, tlen))
            printk("cmdline: bad value in '%.*s' (ignored)\n", (int)tlen, tok);
    }
    return nunknown;
}

void cmdline_split_first(const char *s, const char **word, size_t *word_len,
                         const char **rest)
{
    const char *w;

    while (is_blank(*s))
        s++;
    w = s;
    while (*s && !is_blank(*s))
        s++;
    *word = w;
    *word_len = (size_t)(s - w);
    while (is_blank(*s))
        s++;
    *rest = s;
}

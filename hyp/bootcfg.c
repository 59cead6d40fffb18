/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time domain descriptions: parsing one multiboot module string. */
#include "types.h"
#include "lib.h"
#include "cmdline.h"
#include "bootcfg.h"

#define BOOTCFG_EINVAL (-22)

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

static size_t word_len(const char *s)
{
    size_t n = 0;

    while (s[n] && !is_blank(s[n]))
        n++;
    return n;
}

static bool word_is(const char *w, size_t len, const char *lit)
{
    return strlen(lit) == len && !memcmp(w, lit, len);
}

/* A file-type suffix: a dot and letters only (".elf", ".gz", ".img"). */
static bool type_suffix_at(const char *p, size_t n)
{
    if (n < 2 || p[0] != '.')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
            return false;
    return true;
}

/*
 * "dir/hello.elf.gz" -> "hello", "vmlinuz-6.1.0-57-amd64" stays whole
 * (its dots are a version's); an empty result becomes "guest".
 */
static void name_from_path(char *dst, size_t size, const char *path, size_t len)
{
    for (size_t i = len; i > 0; i--)
        if (path[i - 1] == '/') {
            len -= i;
            path += i;
            break;
        }
    for (size_t i = len; i > 0; i--) {
        if (path[i - 1] != '.')
            continue;
        if (!type_suffix_at(path + i - 1, len - (i - 1)))
            break;
        len = i - 1;
    }
    if (!len)
        strlcpy(dst, "guest", size);
    else
        snprintf(dst, size, "%.*s", (int)MIN(len, size - 1), path);
}

static bool name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* A number that must fill the whole value and lie in [lo, hi]. */
static bool value_uint(const char *v, size_t len, u64 lo, u64 hi, u64 *out)
{
    const char *end;

    if (!len || parse_uint(v, &end, out) || end != v + len)
        return false;
    return *out >= lo && *out <= hi;
}

static bool parse_cpus(const char *v, size_t len, u64 *mask)
{
    const char *p = v, *e = v + len;

    *mask = 0;
    if (!len)
        return false;
    while (p < e) {
        const char *end;
        u64 a, b;

        if (parse_uint(p, &end, &a) || end > e || a >= BOOTCFG_MAX_CPUS)
            return false;
        b = a;
        p = end;
        if (p < e && *p == '-') {
            p++;
            if (parse_uint(p, &end, &b) || end > e || b >= BOOTCFG_MAX_CPUS ||
                b < a)
                return false;
            p = end;
        }
        for (u64 i = a; i <= b; i++)
            *mask |= 1ULL << i;
        if (p == e)
            break;
        if (*p != ',' || p + 1 == e)
            return false;
        p++;
    }
    return true;
}

int bootcfg_format_cpus(u64 mask, char *buf, size_t len)
{
    int n = 0;

    if (len)
        buf[0] = 0;
    if (!mask)
        return snprintf(buf, len, "none");
    for (unsigned int i = 0; i < BOOTCFG_MAX_CPUS; i++) {
        unsigned int j = i;

        if (!(mask & (1ULL << i)))
            continue;
        while (j + 1 < BOOTCFG_MAX_CPUS && (mask & (1ULL << (j + 1))))
            j++;
        n += snprintf(buf + MIN((size_t)n, len), len - MIN((size_t)n, len),
                      "%s%u", n ? "," : "", i);
        if (j > i)
            n += snprintf(buf + MIN((size_t)n, len), len - MIN((size_t)n, len),
                          "-%u", j);
        i = j;
    }
    return n;
}

/* Bits of struct bootcfg an option sets, to refuse repeats. */
enum {
    SEEN_NAME = 1 << 0,
    SEEN_MEM = 1 << 1,
    SEEN_VCPUS = 1 << 2,
    SEEN_WEIGHT = 1 << 3,
    SEEN_CAP = 1 << 4,
    SEEN_CPUS = 1 << 5,
    SEEN_CONSOLE = 1 << 6,
    SEEN_KIND = 1 << 7,
    SEEN_LOAD = 1 << 8,
    SEEN_PAUSED = 1 << 9,
};
#define SEEN_DOMAIN_OPTS (~SEEN_KIND & 0x3ff)

static const struct {
    const char *name;
    unsigned int bit;
    bool flag; /* takes no value */
} options[] = {
    { "name", SEEN_NAME, false },      { "mem", SEEN_MEM, false },
    { "vcpus", SEEN_VCPUS, false },    { "weight", SEEN_WEIGHT, false },
    { "cap", SEEN_CAP, false },        { "cpus", SEEN_CPUS, false },
    { "console", SEEN_CONSOLE, true }, { "kind", SEEN_KIND, false },
    { "load", SEEN_LOAD, false },      { "paused", SEEN_PAUSED, true },
};

#define FAIL(...)                           \
    do {                                    \
        snprintf(err, errlen, __VA_ARGS__); \
        return BOOTCFG_EINVAL;              \
    } while (0)

/* One option word w[0..len); seen accumulates SEEN_* bits. */
static int parse_option(const char *w, size_t len, struct bootcfg *c,
                        unsigned int *seen, char *err, size_t errlen)
{
    const char *eq = NULL, *v;
    size_t nlen, vlen;
    unsigned int i;
    u64 x;

    for (size_t k = 0; k < len; k++)
        if (w[k] == '=') {
            eq = w + k;
            break;
        }
    nlen = eq ? (size_t)(eq - w) : len;
    v = eq ? eq + 1 : w + len;
    vlen = eq ? len - nlen - 1 : 0;
    for (i = 0; i < ARRAY_SIZE(options); i++)
        if (word_is(w, nlen, options[i].name))
            break;
    if (i == ARRAY_SIZE(options))
        FAIL("unknown option '%.*s' (options end at a standalone '--')",
             (int)len, w);
    if (*seen & options[i].bit)
        FAIL("option '%.*s' given twice", (int)nlen, w);
    *seen |= options[i].bit;
    if (options[i].flag && eq)
        FAIL("'%.*s' is a flag and takes no value", (int)nlen, w);
    if (!options[i].flag && !eq)
        FAIL("option '%.*s' needs a value (%.*s=...)", (int)nlen, w, (int)nlen,
             w);

    switch (options[i].bit) {
    case SEEN_NAME:
        if (!vlen || vlen >= BOOTCFG_NAME_LEN)
            FAIL("name=%.*s: a name has 1 to %d characters", (int)vlen, v,
                 BOOTCFG_NAME_LEN - 1);
        for (size_t k = 0; k < vlen; k++)
            if (!name_char_ok(v[k]))
                FAIL("name=%.*s: only letters, digits, '.', '_' and '-' "
                     "are allowed",
                     (int)vlen, v);
        snprintf(c->name, sizeof(c->name), "%.*s", (int)vlen, v);
        break;
    case SEEN_MEM: {
        const char *end;
        int rc = vlen ? parse_size(v, &end, &x) : BOOTCFG_EINVAL;

        if (rc || end != v + vlen)
            FAIL("mem=%.*s: not a size (examples: 64M, 512K, 1G)", (int)vlen,
                 v);
        if (x < BOOTCFG_MIN_MEM)
            FAIL("mem=%.*s: too small, a domain needs at least 1M", (int)vlen,
                 v);
        c->mem = x;
        break;
    }
    case SEEN_VCPUS:
        if (!value_uint(v, vlen, 1, BOOTCFG_MAX_VCPUS, &x))
            FAIL("vcpus=%.*s: must be a number from 1 to %d", (int)vlen, v,
                 BOOTCFG_MAX_VCPUS);
        c->vcpus = (unsigned int)x;
        c->vcpus_set = true;
        break;
    case SEEN_WEIGHT:
        if (!value_uint(v, vlen, 1, 65535, &x))
            FAIL("weight=%.*s: must be a number from 1 to 65535", (int)vlen, v);
        c->weight = (unsigned int)x;
        break;
    case SEEN_CAP:
        /* The upper bound depends on vcpus=, checked after all options. */
        if (!value_uint(v, vlen, 0, 100 * BOOTCFG_MAX_VCPUS, &x))
            FAIL("cap=%.*s: must be a percentage from 0 (no cap) to "
                 "100 per vCPU",
                 (int)vlen, v);
        c->cap = (unsigned int)x;
        break;
    case SEEN_CPUS:
        if (!parse_cpus(v, vlen, &c->cpus))
            FAIL("cpus=%.*s: not a CPU list of CPUs 0-%d (examples: 0, "
                 "0-1, 0,2)",
                 (int)vlen, v, BOOTCFG_MAX_CPUS - 1);
        break;
    case SEEN_CONSOLE:
        c->console = true;
        break;
    case SEEN_KIND:
        if (word_is(v, vlen, "ramdisk"))
            c->kind = BOOTCFG_KIND_RAMDISK;
        else if (word_is(v, vlen, "kernel"))
            c->kind = BOOTCFG_KIND_KERNEL;
        else if (word_is(v, vlen, "hvm"))
            c->kind = BOOTCFG_KIND_HVM;
        else
            FAIL("kind=%.*s: must be 'kernel' or 'ramdisk' or 'hvm'", (int)vlen,
                 v);
        break;
    case SEEN_LOAD:
        /* Real mode starts there: inside the first MiB, past the IVT. */
        if (!value_uint(v, vlen, BOOTCFG_MIN_LOAD, BOOTCFG_MAX_LOAD, &x))
            FAIL("load=%.*s: must be an address from 0x%x to 0x%x", (int)vlen,
                 v, BOOTCFG_MIN_LOAD, BOOTCFG_MAX_LOAD);
        c->load = x;
        break;
    case SEEN_PAUSED:
        c->paused = true;
        break;
    }
    return 0;
}

int bootcfg_parse(const char *s, struct bootcfg *c, char *err, size_t errlen)
{
    const char *p, *sep = NULL;
    unsigned int seen = 0;
    int rc;

    memset(c, 0, sizeof(*c));
    c->vcpus = 1;
    c->weight = BOOTCFG_DEFAULT_WEIGHT;
    c->load = BOOTCFG_DEFAULT_LOAD;
    if (errlen)
        err[0] = 0;
    s = skip_blanks(s ? s : "");
    c->path = s;
    c->path_len = word_len(s);
    name_from_path(c->name, sizeof(c->name), c->path, c->path_len);
    p = skip_blanks(s + c->path_len);

    /* Options only if a standalone "--" follows somewhere. */
    for (const char *q = p; *q; q = skip_blanks(q + word_len(q)))
        if (word_is(q, word_len(q), "--")) {
            sep = q;
            break;
        }
    if (!sep) {
        c->cmdline = p;
        return 0;
    }
    c->has_options = true;
    c->cmdline = skip_blanks(sep + 2);
    while (p < sep) {
        size_t len = word_len(p);

        rc = parse_option(p, len, c, &seen, err, errlen);
        if (rc)
            return rc;
        p = skip_blanks(p + len);
    }
    if (c->cap > 100 * c->vcpus)
        FAIL("cap=%u: more than 100%% per vCPU (%u vCPU%s)", c->cap, c->vcpus,
             c->vcpus == 1 ? "" : "s");
    if (c->kind == BOOTCFG_KIND_RAMDISK && (seen & SEEN_DOMAIN_OPTS))
        FAIL("kind=ramdisk: a ramdisk takes no domain options");
    if ((seen & SEEN_LOAD) && c->kind != BOOTCFG_KIND_HVM)
        FAIL("load= is for kind=hvm images only");
    if (c->paused && c->kind != BOOTCFG_KIND_HVM)
        FAIL("paused is for kind=hvm images only");
    return 0;
}

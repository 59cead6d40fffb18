/* SPDX-License-Identifier: GPL-2.0-only */
/* Table-driven parser for the hypervisor command line (Xen syntax). */
#ifndef VESPER_CMDLINE_H
#define VESPER_CMDLINE_H

#include "types.h"

enum {
    CMDLINE_OK = 0,
    CMDLINE_ERANGE = -34, /* number does not fit */
    CMDLINE_EINVAL = -22, /* not a number / bad suffix */
};

enum param_type {
    PARAM_BOOL, /* var: bool *; "name", "no-name", "name=yes|no|on|off|..." */
    PARAM_UINT, /* var: u32 * if len == 4, else u64 *; decimal or 0x hex */
    PARAM_SIZE, /* as PARAM_UINT, value via parse_size() */
    PARAM_STR,  /* var: char[len]; always NUL-terminated, truncated if long */
};

struct param {
    const char *name;
    enum param_type type;
    void *var;
    size_t len; /* STR: buffer size; UINT/SIZE: 4 or 8 (0 means 8) */
};

#define PARAM_BOOL_VAR(n, v)             \
    {                                    \
        (n), PARAM_BOOL, &(v), sizeof(v) \
    }
#define PARAM_UINT_VAR(n, v)             \
    {                                    \
        (n), PARAM_UINT, &(v), sizeof(v) \
    }
#define PARAM_SIZE_VAR(n, v)             \
    {                                    \
        (n), PARAM_SIZE, &(v), sizeof(v) \
    }
#define PARAM_STR_VAR(n, v)            \
    {                                  \
        (n), PARAM_STR, (v), sizeof(v) \
    }

/*
 * Tokens are separated by spaces/tabs; '"' toggles quoting, so a quoted
 * value may contain spaces.  Quote characters are dropped wherever they
 * appear, and the first '=' splits name from value, as in Xen.  Names
 * compare with '-' and '_' treated alike.  Unknown names go to unknown()
 * (if non-NULL) as the raw token.  Bad values leave the variable unchanged
 * and are logged; over-long strings are truncated and logged.
 * Returns the number of unknown tokens.
 */
int cmdline_parse(const char *cmdline, const struct param *params,
                  size_t nparams, void (*unknown)(const char *tok, size_t len));

/*
 * Parse "<number>[B|K|M|G|T]" (binary units, either case; no suffix means
 * bytes, unlike Xen which defaults to KiB).  *end (if non-NULL) is set past
 * the suffix.  Returns CMDLINE_OK, CMDLINE_EINVAL or CMDLINE_ERANGE.
 */
int parse_size(const char *s, const char **end, u64 *out);

/* Parse decimal, 0x-hex or 0-octal into *out with overflow detection. */
int parse_uint(const char *s, const char **end, u64 *out);

/*
 * Split a multiboot module string "path args..." into its first word and
 * the rest (leading blanks skipped; *rest points at "" if there is none).
 */
void cmdline_split_first(const char *s, const char **word, size_t *word_len,
                         const char **rest);

#endif

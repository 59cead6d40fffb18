/* SPDX-License-Identifier: MIT */
/* Parsing key=value words of the guest command line. */

#include <guest/cmdline.h>

/* Start of the value of key in the command line, or NULL. */
static const char *find_value(const char *key)
{
    const char *p = start_info->cmd_line;
    size_t klen = strlen(key);

    while (*p) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, key, klen) && p[klen] == '=')
            return p + klen + 1;
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

int cmdline_str(const char *key, char *buf, size_t size)
{
    const char *v = find_value(key);
    size_t n = 0;

    if (!v || size == 0)
        return -1;
    while (v[n] && v[n] != ' ' && n + 1 < size) {
        buf[n] = v[n];
        n++;
    }
    buf[n] = '\0';
    return 0;
}

long cmdline_long(const char *key, long def)
{
    const char *v = find_value(key);
    long n = 0;

    if (!v || *v < '0' || *v > '9')
        return def;
    while (*v >= '0' && *v <= '9')
        n = n * 10 + (*v++ - '0');
    return n;
}

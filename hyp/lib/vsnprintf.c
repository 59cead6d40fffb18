/* SPDX-License-Identifier: GPL-2.0-only */
/* printf-style formatting: %d %i %u %x %X %o %p %s %c %%, flags 0 - and l/ll/z. */
#include "lib.h"

struct out {
    char *buf;
    size_t size, pos;
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base,
                    bool neg, int width, bool zero, bool left, bool upper)
{
    char tmp[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0, len;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + neg;
    if (neg && zero)
        put(o, '-');
    if (!left)
        for (; width > len; width--)
            put(o, zero ? '0' : ' ');
    if (neg && !zero)
        put(o, '-');
    while (n)
        put(o, tmp[--n]);
    for (; left && width > len; width--)
        put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        bool zero = false, left = false;
        int width = 0, lng = 0, prec = -1;
        unsigned long long v;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = true;
            else if (*fmt == '-')
                left = true;
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                prec = prec * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long s = lng ? va_arg(ap, long long) : va_arg(ap, int);

            put_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
                    10, s < 0, width, zero, left, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            put_num(&o, v,
                    *fmt == 'u'   ? 10
                    : *fmt == 'o' ? 8
                                  : 16,
                    false, width, zero, left, *fmt == 'X');
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (unsigned long long)(uintptr_t)va_arg(ap, void *), 16,
                    false, width ? width : 16, true, false, false);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int len;

            if (!s)
                s = "(null)";
            len = (int)strnlen(s, prec < 0 ? (size_t)-1 : (size_t)prec);
            for (; !left && width > len; width--)
                put(&o, ' ');
            for (int i = 0; i < len; i++)
                put(&o, s[i]);
            for (; left && width > len; width--)
                put(&o, ' ');
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '%');
            if (!*fmt)
                goto done;
            put(&o, *fmt);
        }
    }
done:
    if (size)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

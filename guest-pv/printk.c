/* SPDX-License-Identifier: MIT */
/* A small vsnprintf and printk on console_io, or the console ring. */
#include <guest/guest.h>
#include <guest/mm.h>
#include <public/io/console.h>
#include <stdbool.h>

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far, even past size */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* Emit a number with width and padding; neg adds a leading minus. */
static void number(struct out *o, unsigned long long v, unsigned int base,
                   int upper, int neg, int width, int zero, int left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + (neg ? 1 : 0);
    if (!left && !zero)
        pad(o, ' ', width - len);
    if (neg)
        put(o, '-');
    if (!left && zero)
        pad(o, '0', width - len);
    while (n)
        put(o, tmp[--n]);
    if (left)
        pad(o, ' ', width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        int zero = 0, left = 0, width = 0, lng = 0, prec = -1;
        unsigned long long u;
        long long s;
        const char *str;
        size_t slen;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = 1;
            else if (*fmt == '-')
                left = 1;
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
            /* Precision: honoured for %s only (bounded strings). */
            prec = 0;
            for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
                prec = prec * 10 + (*fmt - '0');
        }
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }

        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng ? va_arg(ap, long long) : va_arg(ap, int);
            u = s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s;
            number(&o, u, 10, 0, s < 0, width, zero, left);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            /* long and long long are both 64 bits on x86-64. */
            u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            number(&o, u,
                   *fmt == 'u'   ? 10
                   : *fmt == 'o' ? 8
                                 : 16,
                   *fmt == 'X', 0, width, zero, left);
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            number(&o, (unsigned long)va_arg(ap, void *), 16, 0, 0, width, zero,
                   left);
            break;
        case 'c':
            if (!left)
                pad(&o, ' ', width - 1);
            put(&o, (char)va_arg(ap, int));
            if (left)
                pad(&o, ' ', width - 1);
            break;
        case 's':
            str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            slen = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
            if (!left)
                pad(&o, ' ', width - (int)slen);
            for (size_t i = 0; i < slen; i++)
                put(&o, str[i]);
            if (left)
                pad(&o, ' ', width - (int)slen);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--; /* a lone '%' at the end: stop at the terminator */
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
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

/*
 * Xen lets only the console domain use console_io (-EPERM for the rest,
 * Vesper too unless domu_console_io is set), so a domU that is refused
 * falls back to its console ring, as Linux's hvc_xen and Mini-OS do.
 */
static volatile struct xencons_interface *con_ring;
static bool con_refused;
static int con_lock;

static void ring_notify(void)
{
    struct evtchn_send send = { .port = start_info->console.domU.evtchn };

    if (send.port)
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    else
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL); /* the poll timer reads */
}

static bool ring_find(void)
{
    unsigned long mfn = start_info->console.domU.mfn, pfn;

    if (!mfn)
        return false;
    pfn = MM_M2P[mfn];
    if (pfn >= start_info->nr_pages)
        return false;
    con_ring = (volatile void *)(MM_VIRT_BASE + (pfn << 12));
    return true;
}

/* Copy out and wait until the back end has read it all (like console_io). */
static void ring_write(const char *s, size_t n)
{
    volatile struct xencons_interface *r = con_ring;
    unsigned long spins = 0;

    while (__atomic_exchange_n(&con_lock, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
    while (n || r->out_cons != r->out_prod) {
        XENCONS_RING_IDX cons = r->out_cons, prod = r->out_prod;
        size_t space = sizeof(r->out) - (prod - cons);

        while (space && n) {
            r->out[MASK_XENCONS_IDX(prod++, r->out)] = *s++;
            space--;
            n--;
        }
        __asm__ volatile("" ::: "memory"); /* bytes before the index */
        r->out_prod = prod;
        ring_notify();
        if (++spins > 1000000)
            break; /* no back end: give up rather than hang */
    }
    __atomic_store_n(&con_lock, 0, __ATOMIC_RELEASE);
}

long console_write(const char *s, size_t len)
{
    long rc;

    if (!con_refused) {
        rc = HYPERVISOR_console_io(CONSOLEIO_write, (int)len, s);
        if (rc != -XEN_EPERM || !ring_find())
            return rc;
        con_refused = true;
    }
    ring_write(s, len);
    return 0;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    console_write(buf, (size_t)n);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

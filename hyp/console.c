/* SPDX-License-Identifier: GPL-2.0-only */
/* printk, log levels, panic, and guest console output. */
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"

int console_loglvl = LOG_INFO;
static bool at_line_start = true;

/*
 * The hypervisor's log, as the serial line saw it, for the control
 * domain's XEN_SYSCTL_readconsole (Xen's conring). Indices run free; the
 * ring keeps the last HYP_LOG_SIZE bytes.
 */
static char hyp_log[HYP_LOG_SIZE];
static u32 hyp_log_prod, hyp_log_cons;

static void log_put(const char *s, size_t n)
{
    u32 p = __atomic_fetch_add(&hyp_log_prod, (u32)n, __ATOMIC_RELAXED);

    for (size_t i = 0; i < n; i++)
        hyp_log[(p + i) & (HYP_LOG_SIZE - 1)] = s[i];
}

int hyp_log_read(struct hyp_log_read *r,
                 int (*copy)(void *ctx, u32 off, const char *s, u32 n),
                 void *ctx)
{
    u32 c = hyp_log_cons, p = __atomic_load_n(&hyp_log_prod, __ATOMIC_RELAXED);
    u32 sofar = 0;

    /* Bytes the ring has overwritten are gone. */
    if (p - c > HYP_LOG_SIZE)
        c = p - HYP_LOG_SIZE;
    /* An incremental read resumes where it left off, if that is held. */
    if (r->incremental && r->index - c <= p - c && r->index != c)
        c = r->index;
    while (c != p && sofar < r->count) {
        u32 idx = c & (HYP_LOG_SIZE - 1), len = p - c;

        if (idx + len > HYP_LOG_SIZE)
            len = HYP_LOG_SIZE - idx;
        if (len > r->count - sofar)
            len = r->count - sofar;
        if (copy(ctx, sofar, &hyp_log[idx], len))
            return -EFAULT;
        sofar += len;
        c += len;
    }
    if (r->clear)
        hyp_log_cons = c;
    r->count = sofar;
    r->index = c;
    return 0;
}

static const char *find_char(const char *s, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c)
            return s + i;
    return NULL;
}

static void emit(const char *s, size_t n)
{
    /* Prefix every hypervisor line, as Xen does with "(XEN) ". */
    while (n) {
        const char *nl = find_char(s, '\n', n);
        size_t len = nl ? (size_t)(nl - s) + 1 : n;

        if (at_line_start) {
            arch_console_write("(VSP) ", 6);
            log_put("(VSP) ", 6);
        }
        arch_console_write(s, len);
        log_put(s, len);
        at_line_start = nl != NULL;
        s += len;
        n -= len;
    }
}

static void vprintk_lvl(int lvl, const char *fmt, va_list ap)
{
    char buf[512];
    int n;

    if (lvl > console_loglvl)
        return;
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    emit(buf, (size_t)n);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk_lvl(LOG_INFO, fmt, ap);
    va_end(ap);
}

void printk_lvl(int lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk_lvl(lvl, fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    static bool in_panic;

    if (in_panic)
        arch_machine_exit(ARCH_EXIT_PANIC);
    in_panic = true;
    console_loglvl = LOG_DEBUG;
    printk("\n**************************************************\n");
    printk("Panic: ");
    va_start(ap, fmt);
    vprintk_lvl(LOG_ERR, fmt, ap);
    va_end(ap);
    printk("\n");
    arch_dump_stack();
    printk("**************************************************\n");
    printk("Vesper halted.\n");
    arch_machine_exit(ARCH_EXIT_PANIC);
}

void guest_console_write(struct domain *d, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];

        if (c == '\r')
            continue;
        if (c != '\n' && d->conlen < CONSOLE_LINE - 1) {
            /* Keep the console readable: no raw control characters. */
            d->conbuf[d->conlen++] =
                (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '.';
            continue;
        }
        /* End of line (or full buffer): emit "(dN) line". */
        char pre[16];
        int n = snprintf(pre, sizeof(pre), "(d%u) ", d->domain_id);

        arch_console_write(pre, (size_t)n);
        arch_console_write(d->conbuf, d->conlen);
        arch_console_write("\n", 1);
        /*
         * As on Xen, other domains' lines join the log readconsole reads;
         * the hardware domain's only with console_to_ring, which Vesper
         * does not have.
         */
        if (d->domain_id != 0) {
            log_put(pre, (size_t)n);
            log_put(d->conbuf, d->conlen);
            log_put("\n", 1);
        }
        d->conlen = 0;
        if (c != '\n')
            d->conbuf[d->conlen++] = c;
    }
}

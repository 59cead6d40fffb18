/* SPDX-License-Identifier: GPL-2.0-only */
/* printk, log levels, panic, and guest console output. */
#include "arch.h"
#include "lib.h"
#include "sched.h"

int console_loglvl = LOG_INFO;
static bool at_line_start = true;

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

        if (at_line_start)
            arch_console_write("(VSP) ", 6);
        arch_console_write(s, len);
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
        d->conlen = 0;
        if (c != '\n')
            d->conbuf[d->conlen++] = c;
    }
}

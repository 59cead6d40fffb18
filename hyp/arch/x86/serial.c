/* SPDX-License-Identifier: GPL-2.0-only */
/* 16550 UART console on COM1 (or none, with console=none). */
#include "arch.h"
#include "lib.h"
#include "asm/cpu.h"
#include "asm/x86.h"

#define COM1 0x3f8
#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

static u16 uart_base = COM1;
static bool uart_on;

void serial_init(const char *console);
void serial_init(const char *console)
{
    if (console && !strcmp(console, "none")) {
        uart_on = false;
        return;
    }
    if (console && !strcmp(console, "com2"))
        uart_base = 0x2f8;
    outb(uart_base + UART_IER, 0);
    outb(uart_base + UART_LCR, 0x80); /* DLAB: divisor 1 = 115200 baud */
    outb(uart_base + 0, 1);
    outb(uart_base + 1, 0);
    outb(uart_base + UART_LCR, 0x03); /* 8N1 */
    outb(uart_base + UART_FCR, 0x07); /* FIFOs on and cleared */
    outb(uart_base + UART_MCR, 0x03);
    uart_on = true;
}

static void uart_putc(char c)
{
    /* Bounded wait: a missing UART must not hang the hypervisor. */
    for (int i = 0; i < 100000 && !(inb(uart_base + UART_LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(uart_base + UART_THR, (u8)c);
}

void arch_console_write(const char *s, size_t n)
{
    if (!uart_on)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

/* The UART's first port while Vesper drives it, else 0 (console=none). */
u16 serial_io_base(void)
{
    return uart_on ? uart_base : 0;
}

int arch_console_getc(void)
{
    if (!uart_on || !(inb(uart_base + UART_LSR) & LSR_DR))
        return -1;
    return inb(uart_base + UART_RBR);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Ending the machine: QEMU debug-exit, ACPI soft-off, keyboard reset. */
#include "arch.h"
#include "lib.h"
#include "asm/x86.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_BASE 0x10

void arch_machine_exit(unsigned int code)
{
    local_irq_disable();
    /* QEMU exits with ((value << 1) | 1) when isa-debug-exit is present. */
    outl(DEBUG_EXIT_PORT, DEBUG_EXIT_BASE + code);
    if (code == 1) {
        outb(0x64, 0xfe); /* reboot: pulse the reset line */
    } else {
        /* QEMU's PIIX4/ICH9 PM1a control block: SLP_TYP 0 | SLP_EN. */
        outw(0x604, 0x2000);
        outw(0xb004, 0x2000);
    }
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* SPDX-License-Identifier: MIT */
/* Sub-commands of HYPERVISOR_console_io (the hypervisor's own console). */
#ifndef VESPER_PUBLIC_CONSOLE_IO_H
#define VESPER_PUBLIC_CONSOLE_IO_H

/*
 * HYPERVISOR_console_io(cmd, count, buffer). This is the emergency console
 * (Linux's earlyprintk=xen and dom0's hvc), not the ring-based PV console
 * a domU normally uses.
 *
 * CONSOLEIO_write: copy count bytes from buffer to the hypervisor log.
 *   Returns 0, or -EFAULT if the buffer cannot be read.
 * CONSOLEIO_read: copy up to count pending input bytes into buffer and
 *   return how many were copied; only the control domain may use it.
 */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

#endif /* VESPER_PUBLIC_CONSOLE_IO_H */

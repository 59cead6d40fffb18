/* SPDX-License-Identifier: GPL-2.0-only */
/* Test-side view of the host shim: captured printk output. */
#ifndef VESPER_UNIT_HOST_SHIM_H
#define VESPER_UNIT_HOST_SHIM_H

extern char shim_last_log[512];
extern unsigned int shim_log_count;
void shim_log_reset(void);

#endif

/* SPDX-License-Identifier: MIT */
/* key=value words of the guest command line (start_info.cmd_line). */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H

#include <guest/guest.h>

/* The value of key as a decimal number, or def when absent or not a number. */
long cmdline_long(const char *key, long def);
/* Copy the value of key into buf (NUL-terminated); 0 if found, -1 if not. */
int cmdline_str(const char *key, char *buf, size_t size);

#endif /* GUEST_CMDLINE_H */

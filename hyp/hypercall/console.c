/* SPDX-License-Identifier: GPL-2.0-only */
/* console_io: guest writes to, and reads from, the hypervisor console. */
#include "arch.h"
#include "conring.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"

#define CHUNK 128

static long console_write(struct domain *d, unsigned int count, u64 buf)
{
    char tmp[CHUNK];

    /* Validate the whole (remaining) buffer before printing any of it. */
    if (count == 0)
        return 0;
    if (!guest_range_ok(buf, count))
        return -EFAULT;
    for (unsigned int done = 0; done < count;) {
        unsigned int n = MIN(count - done, (unsigned int)CHUNK);

        /* Like Xen: continue with what is left, chunk by chunk. */
        if (done && hypercall_preempt_check())
            return hypercall_continue(__HYPERVISOR_console_io, CONSOLEIO_write,
                                      count - done, buf + done, 0, 0);

        if (copy_from_guest(tmp, buf + done, n))
            return -EFAULT;
        guest_console_write(d, tmp, n);
        done += n;
    }
    return 0;
}

/*
 * Serial input routed to the control domain (see conring.c); other
 * domains read theirs from their console ring.
 */
static long console_read(struct domain *d, unsigned int count, u64 buf)
{
    char tmp[CHUNK];
    unsigned int n;

    if (count == 0)
        return 0;
    if (!guest_range_ok(buf, MIN(count, (unsigned int)CHUNK)))
        return -EFAULT;
    /* Input leaves the buffer only once the guest has it. */
    n = conring_peek_input(tmp, MIN(count, (unsigned int)CHUNK));
    if (n && copy_to_guest(buf, tmp, n))
        return -EFAULT;
    conring_consume_input(n);
    return n;
}

/*
 * domu_console_io: let every domain write through console_io, as a Xen
 * built with CONFIG_VERBOSE_DEBUG does; off by default, like a release
 * build of Xen 4.17, so other domains write their console ring instead.
 */
bool opt_domu_console_io;

/*
 * Xen's default policy lets only the console (here: privileged) domain
 * use console_io, and checks that before it looks at cmd.
 */
HYPERCALL3(console_io, unsigned int, cmd, unsigned int, count, u64, buffer)
{
    struct domain *d = current_domain();

    if (!d->is_privileged && !(cmd == CONSOLEIO_write && opt_domu_console_io))
        return -EPERM;
    switch (cmd) {
    case CONSOLEIO_write:
        return console_write(d, count, buffer);
    case CONSOLEIO_read:
        return console_read(d, count, buffer);
    default:
        return -ENOSYS;
    }
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Console rings of boot-time domains, and serial input routing. */
#ifndef VESPER_CONRING_H
#define VESPER_CONRING_H

#include "types.h"
#include <public/event_channel.h>
#include <public/io/console.h>

struct domain;

/*
 * Until dom0 tools exist the hypervisor is the back end of every
 * boot-time domU's console: it drains out[] to the serial console with
 * the domain's "(dN) " prefix and feeds serial input into in[]. d->conring
 * points at one of these.
 */
struct conring {
    struct domain *d;
    volatile struct xencons_interface *intf; /* the guest's page, direct map */
    evtchn_port_t port;                      /* 0 = none (poll only) */
    bool broken; /* the guest corrupted the indices; ignored from then on */
    /* Gives up the hypervisor's hold on the page (arch code, at teardown). */
    void (*release)(struct domain *d, void *page);
};

/*
 * Make page (one frame of d's memory, with the caller's reference that
 * release drops) d's console ring, and try to get a hypervisor-served
 * event channel for it. Returns 0 or -ENOMEM; *port is 0 when there is no
 * channel (the ring then works by polling alone).
 */
int conring_attach(struct domain *d, void *page,
                   void (*release)(struct domain *d, void *page),
                   evtchn_port_t *port);

/* Copy everything the guest has written so far to the serial console. */
void conring_drain(struct domain *d);

/* Domain teardown: drain the ring one last time and release it. */
void conring_domain_destroy(struct domain *d);

/*
 * Serial input: the domain that receives it (domain 0 unless a boot
 * module says `console`), and the periodic timer that drains rings and
 * polls the UART; started once the boot domains exist.
 */
void conring_set_input(domid_t id);
void conring_start(void);

/* Poll the UART now (also done by the timer). */
void conring_poll_input(void);

/*
 * CONSOLEIO_read for the control domain: copy up to n buffered input
 * bytes without removing them; conring_consume_input(k) removes the first
 * k once the guest has them (a failed copy loses nothing).
 */
unsigned int conring_peek_input(char *buf, unsigned int n);
void conring_consume_input(unsigned int n);

#endif

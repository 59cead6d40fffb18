/* SPDX-License-Identifier: MIT */
/* ctl_build: what the toolstack (dom0) and the domU it builds share. */
#ifndef CB_H
#define CB_H

#include <guest/cmdline.h>
#include <guest/ctl.h>
#include <guest/events.h>
#include <guest/grant.h>
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/time.h>

#define MS 1000000ULL

/* The domU's memory: 4 MiB, all of it mapped by the builder. */
#define DOMU_PAGES 1024

/*
 * No xenstored runs here, so the xenstore page is a mailbox: the domU
 * fills in its grants and sets magic; dom0 sets step when it has used
 * them. Both signal over the xenstore event channel.
 */
#define MBOX_MAGIC 0x6d626f78u
struct mbox {
    uint32_t magic;
    uint32_t step;
    uint32_t gref_rw; /* page P, read-write: dom0 writes its first half */
    uint32_t gref_ro; /* page R, read-only: dom0 copies it out */
};

#define GREF_RW 10
#define GREF_RO 11
#define FILL_P 0x5a    /* P as granted */
#define FILL_R 0xa5    /* R, never changed */
#define FILL_MAP 0xc3  /* dom0's writes through its mapping of P */
#define FILL_COPY 0x3c /* dom0's grant copy into P's second half */

void domu_main(void);
void dom0_main(void);

#endif /* CB_H */

/* SPDX-License-Identifier: MIT */
/* priv_domid: what the victim (dom0) and the hostile domU share. */
#ifndef PRIV_H
#define PRIV_H

#include <guest/test.h>
#include <guest/cmdline.h>
#include <guest/events.h>
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/time.h>

/*
 * The domains have no shared memory, so each tells the other the machine
 * frames it wants attacked (or read) through the M2P, which every domain
 * can read: it sets the M2P entry of a spare page of its own ("carrier")
 * to MARK | key << 40 | mfn.
 */
#define MARK 0x7e57000000000000UL
#define MARK_MASK 0xffff000000000000UL
#define KEY_PATTERN 1 /* dom0's pattern page */
#define KEY_L1 2      /* dom0's L1 table that maps it */
#define KEY_L4 3      /* dom0's L4 */
#define KEY_DOMU 8    /* the domU's own pattern page, for dom0 to map */

#define HOSTILE 1     /* the domU's id */
#define NOBODY 9      /* no such domain */
#define NOBODY_PORT 7 /* dom0 offers one port to this absent domain */

/* The word at index i of a pattern page. */
static inline uint64_t pattern(uint64_t seed, unsigned int i)
{
    return seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
}
#define SEED_DOM0 0xd0d0d0d0a5a5a5a5ULL
#define SEED_DOMU 0x1111222233334444ULL

/* Mark mfn under key in a new carrier; returns the carrier. */
unsigned long mark(unsigned int key, unsigned long mfn);
/* A marked frame that is not ours; 0 if none is marked (yet). */
unsigned long find_mark(unsigned int key);
long current_reservation(domid_t dom, unsigned int cmd);
/* Event bookkeeping both sides use: wait for *count >= want. */
void timer_events_init(void);
int wait_count(volatile uint32_t *count, uint32_t want, uint64_t timeout_ns);
void count_event(evtchn_port_t port, void *data);

void victim_main(void);
void hostile_main(void);

#endif

/* SPDX-License-Identifier: MIT */
/* gnt_xdom: what dom0 (the privileged side) and the domU agree on. */
#ifndef GX_H
#define GX_H

#include <guest/cmdline.h>
#include <guest/grant.h>
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/time.h>

#define DOMU 1   /* the domU's id */
#define NOBODY 9 /* no such domain */
#define ELSE 5   /* a grantee that is neither of us */

/*
 * Grant references. Each side keeps the same numbering in its own table.
 * dom0's (granted to the domU): */
#define D0_RW 8    /* page A, read-write */
#define D0_RO 9    /* page B, read-only */
#define D0_ELSE 10 /* page A, to someone else */
#define D0_XEN 11  /* a frame of the hypervisor's (the M2P), not ours */
#define D0_PT 12   /* one of dom0's L1 tables */
/* The domU's (granted to dom0): */
#define U_MBOX 8    /* page P: mailbox and data, read-write */
#define U_RO 9      /* page R, read-only */
#define U_ELSE 10   /* page P, to someone else */
#define U_COPY 11   /* page Q, read-write: copies land here */
#define U_ZOMBIE 14 /* page Z, mapped by dom0 while the domU dies */

/* Mailbox words: P[0] dom0 -> domU, P[2] domU -> dom0; Q[0], Q[1]; Z[0]. */
#define ACK1 0xac1ac1ac1ac1ac1ULL /* P[0]: dom0 maps P */
#define ACK1B 0xac1bac1bac1bULL   /* P[2]: domU saw the flags */
#define ACK2 0xac2ac2ac2ac2ac2ULL /* Q[0] by copy: dom0 unmapped all */
#define READY3 0x3ead93ead9ULL    /* Q[1]: Z is granted */
#define ACK3 0xac3ac3ac3ac3ac3ULL /* Z[0]: dom0 maps Z */

static inline uint64_t gx_pattern(uint64_t seed, unsigned int i)
{
    return seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
}
#define SEED_A 0xa0a0a0a0a0a0a0a0ULL
#define SEED_B 0xb0b0b0b0b0b0b0b0ULL
#define SEED_R 0x1010101010101010ULL
#define SEED_Z 0x2020202020202020ULL
#define SEED_P 0x3030303030303030ULL

static inline void gx_fill(volatile uint64_t *p, uint64_t seed)
{
    for (unsigned int i = 0; i < 512; i++)
        p[i] = gx_pattern(seed, i);
}

static inline unsigned int gx_bad_words(const volatile uint64_t *p,
                                        uint64_t seed, unsigned int from)
{
    unsigned int bad = 0;

    for (unsigned int i = from; i < 512; i++)
        bad += p[i] != gx_pattern(seed, i);
    return bad;
}

/*
 * The domU was built by dom0 at run time (gnt_xdom_built), not at boot:
 * dom0 then relays its console ring while it waits, and destroys it.
 */
extern int gx_built;
extern void (*gx_idle)(void);
void gx_domu_gone(void);

/* Yield until cond holds or 30 s pass; cond is evaluated once per try. */
#define GX_WAIT(cond)                                            \
    ({                                                           \
        uint64_t gx_deadline = guest_now() + 30000000000ULL;     \
        int gx_ok;                                               \
        while (!(gx_ok = (cond)) && guest_now() < gx_deadline) { \
            if (gx_idle)                                         \
                gx_idle();                                       \
            sched_yield();                                       \
        }                                                        \
        gx_ok;                                                   \
    })

/* Our table's frame 0, mapped writable at a spare page's address. */
volatile struct grant_entry_v1 *gx_map_table(void);

void mapper_main(void);
void granter_main(void);

#endif

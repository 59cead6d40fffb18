/* SPDX-License-Identifier: GPL-2.0-only */
/* A small fixed-size set of inclusive ranges: a domain's I/O rights. */
#ifndef RANGESET_H
#define RANGESET_H

#include "errno.h"
#include "lib.h"

#define RANGESET_MAX 32

/* Sorted, disjoint, non-adjacent ranges [s, e]. */
struct rangeset {
    unsigned int nr;
    struct {
        u64 s, e;
    } r[RANGESET_MAX];
};

/* Is every value in [s, e] in the set? */
static inline bool rangeset_contains(const struct rangeset *rs, u64 s, u64 e)
{
    for (unsigned int i = 0; i < rs->nr; i++)
        if (rs->r[i].s <= s && e <= rs->r[i].e)
            return true;
    return false;
}

static inline void rangeset_cut(struct rangeset *rs, unsigned int i,
                                unsigned int n)
{
    for (unsigned int j = i; j + n < rs->nr; j++)
        rs->r[j] = rs->r[j + n];
    rs->nr -= n;
}

/* Add [s, e], merging with what it touches; -ENOMEM when full, as Xen's. */
static inline int rangeset_add(struct rangeset *rs, u64 s, u64 e)
{
    unsigned int i = 0, j;

    while (i < rs->nr && rs->r[i].e < s && rs->r[i].e + 1 < s)
        i++;
    /* r[i..j) overlap or touch [s, e]. */
    for (j = i; j < rs->nr && (e == ~0ULL || rs->r[j].s <= e + 1); j++) {
        s = MIN(s, rs->r[j].s);
        e = MAX(e, rs->r[j].e);
    }
    if (j == i) {
        if (rs->nr == RANGESET_MAX)
            return -ENOMEM;
        for (j = rs->nr; j > i; j--)
            rs->r[j] = rs->r[j - 1];
        rs->nr++;
    } else {
        rangeset_cut(rs, i + 1, j - i - 1);
    }
    rs->r[i].s = s;
    rs->r[i].e = e;
    return 0;
}

/* Take [s, e] out; -ENOMEM if splitting a range needs a slot there is not. */
static inline int rangeset_remove(struct rangeset *rs, u64 s, u64 e)
{
    for (unsigned int i = 0; i < rs->nr; i++) {
        u64 rs_s = rs->r[i].s, rs_e = rs->r[i].e;

        if (rs_e < s || rs_s > e)
            continue;
        if (rs_s < s && rs_e > e) {
            if (rs->nr == RANGESET_MAX)
                return -ENOMEM;
            for (unsigned int j = rs->nr; j > i + 1; j--)
                rs->r[j] = rs->r[j - 1];
            rs->nr++;
            rs->r[i].e = s - 1;
            rs->r[i + 1].s = e + 1;
            rs->r[i + 1].e = rs_e;
            return 0;
        }
        if (rs_s < s) {
            rs->r[i].e = s - 1;
        } else if (rs_e > e) {
            rs->r[i].s = e + 1;
        } else {
            rangeset_cut(rs, i, 1);
            i--;
        }
    }
    return 0;
}

#endif

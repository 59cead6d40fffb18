/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/page_alloc.c: the buddy allocator over a fake frame table. */
#include "harness.h"
#include "host_shim.h"
#include "types.h"
#include "mm.h"

#define FRAMES 4096

static struct page_info table[FRAMES];
static unsigned char owned[FRAMES];

static void setup(mfn_t start, mfn_t end)
{
    page_alloc_init(table, FRAMES);
    page_alloc_free_range(start, end);
    memset(owned, 0, sizeof(owned));
}

/* Mark a block as handed out; fail on overlap, misalignment or reserved. */
static int take(struct page_info *pg, unsigned int order)
{
    mfn_t m = page_to_mfn(pg);

    if (m & ((1UL << order) - 1))
        return 0;
    for (u64 i = 0; i < (1UL << order); i++) {
        if (m + i >= FRAMES || owned[m + i])
            return 0;
        owned[m + i] = 1;
    }
    return 1;
}

static void give_back(struct page_info *pg, unsigned int order)
{
    for (u64 i = 0; i < (1UL << order); i++)
        owned[page_to_mfn(pg) + i] = 0;
    free_pages(pg, order);
}

TEST(counts_match_the_range)
{
    setup(3, 1000);
    CHECK_EQ(free_frame_count(), 997);
    CHECK_EQ(total_frame_count(), 997);
}

TEST(reserved_frames_are_never_returned)
{
    struct page_info *pg;

    setup(100, 200);
    while ((pg = alloc_pages(0)))
        CHECK(page_to_mfn(pg) >= 100 && page_to_mfn(pg) < 200 && take(pg, 0));
    CHECK_EQ(free_frame_count(), 0);
    for (mfn_t m = 100; m < 200; m++)
        CHECK(owned[m]);
}

TEST(blocks_are_aligned_and_disjoint)
{
    struct page_info *pg;
    unsigned int got = 0;

    setup(0, FRAMES);
    for (unsigned int order = 0; order <= 6; order++)
        for (int i = 0; i < 8; i++) {
            pg = alloc_pages(order);
            CHECK(pg != NULL);
            if (pg) {
                CHECK(take(pg, order));
                got += 1u << order;
            }
        }
    CHECK_EQ(free_frame_count(), FRAMES - got);
}

TEST(freeing_everything_coalesces)
{
    struct page_info *pgs[FRAMES + 1];
    unsigned int n = 0;

    setup(0, FRAMES);
    while ((pgs[n] = alloc_pages(0)))
        n++;
    CHECK_EQ(n, FRAMES);
    CHECK(alloc_pages(0) == NULL);
    /* Free in an interleaved order so merging has to cascade. */
    for (unsigned int i = 0; i < n; i += 2)
        free_pages(pgs[i], 0);
    for (unsigned int i = 1; i < n; i += 2)
        free_pages(pgs[i], 0);
    CHECK_EQ(free_frame_count(), FRAMES);
    /* Only a fully merged 4096-frame block satisfies this. */
    CHECK(alloc_pages(12) != NULL);
    CHECK_EQ(free_frame_count(), 0);
}

TEST(too_large_requests_fail_cleanly)
{
    setup(0, 64);
    CHECK(alloc_pages(7) == NULL);
    CHECK(alloc_pages(MAX_ORDER + 1) == NULL);
    CHECK_EQ(free_frame_count(), 64);
    CHECK(alloc_pages(6) != NULL);
}

TEST(random_churn_returns_every_frame)
{
    struct {
        struct page_info *pg;
        unsigned int order;
    } live[512];
    unsigned int nlive = 0, seed = 12345;

    setup(7, FRAMES - 5);
    u64 before = free_frame_count();
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245 + 12345;
        if ((seed >> 16) % 3 && nlive < 512) {
            unsigned int order = (seed >> 8) % 5;
            struct page_info *pg = alloc_pages(order);

            if (pg) {
                CHECK(take(pg, order));
                live[nlive].pg = pg;
                live[nlive++].order = order;
            }
        } else if (nlive) {
            unsigned int i = (seed >> 4) % nlive;

            give_back(live[i].pg, live[i].order);
            live[i] = live[--nlive];
        }
    }
    while (nlive) {
        nlive--;
        give_back(live[nlive].pg, live[nlive].order);
    }
    CHECK_EQ(free_frame_count(), before);
    for (mfn_t m = 0; m < FRAMES; m++)
        CHECK(!owned[m]);
}

TEST(below_limit_takes_the_low_end_of_a_big_block)
{
    struct page_info *pg;

    /* One 4096-frame block: the low frames come from splitting it. */
    setup(0, FRAMES);
    for (mfn_t want = 0; want < 10; want++) {
        pg = alloc_pages_below(0, 10);
        CHECK(pg != NULL && page_to_mfn(pg) == want && take(pg, 0));
    }
    CHECK(alloc_pages_below(0, 10) == NULL);
    CHECK_EQ(free_frame_count(), FRAMES - 10);
    /* The rest is still there for anyone without a limit. */
    pg = alloc_pages(0);
    CHECK(pg != NULL && page_to_mfn(pg) >= 10 && take(pg, 0));
}

TEST(below_limit_skips_blocks_that_reach_above_it)
{
    struct page_info *pg;

    /* Free [1000, 4096): order-10 block 1024..2047 is the only one fully
     * below 2048 at that order; none of order 11 is. */
    setup(1000, FRAMES);
    CHECK(alloc_pages_below(11, 2048) == NULL);
    pg = alloc_pages_below(10, 2048);
    CHECK(pg != NULL && page_to_mfn(pg) == 1024 && take(pg, 10));
    CHECK(alloc_pages_below(9, 2048) == NULL);
    /* Frames 1000..1023 are free, below the limit, in small blocks. */
    pg = alloc_pages_below(3, 2048);
    CHECK(pg != NULL && page_to_mfn(pg) >= 1000 &&
          page_to_mfn(pg) + 8 <= 1024 && take(pg, 3));
    /* A limit no block of the order fits under, and the zero limit. */
    CHECK(alloc_pages_below(5, 1031) == NULL);
    CHECK(alloc_pages_below(0, 0) == NULL);
    CHECK(alloc_pages_below(MAX_ORDER + 1, ~(mfn_t)0) == NULL);
}

TEST(below_limit_churn_stays_below_and_returns_every_frame)
{
    struct page_info *pgs[FRAMES];
    unsigned int n = 0;
    unsigned int seed = 777;

    setup(5, FRAMES);
    u64 before = free_frame_count();
    for (int step = 0; step < 4000 && n < FRAMES; step++) {
        unsigned int order = (seed >> 8) % 4;
        mfn_t limit = 64 + (seed >> 4) % (FRAMES - 64);
        struct page_info *pg;

        seed = seed * 1103515245 + 12345;
        pg = alloc_pages_below(order, limit);
        if (!pg)
            continue;
        CHECK(page_to_mfn(pg) + (1UL << order) <= limit && take(pg, order));
        pg->order = order;
        pgs[n++] = pg;
    }
    while (n) {
        n--;
        give_back(pgs[n], pgs[n]->order);
    }
    CHECK_EQ(free_frame_count(), before);
}

TEST(claimed_frames_are_left_for_the_claimant)
{
    struct page_info *pg;
    unsigned int n = 0;

    setup(0, 64);
    page_claims_adjust(40);
    /* Others get only what is not claimed. */
    while ((pg = alloc_pages(0))) {
        CHECK(take(pg, 0));
        n++;
    }
    CHECK_EQ(n, 24);
    CHECK(!alloc_pages_below(0, 64));
    CHECK(!alloc_pages(3));
    /* The claimant still gets its 40. */
    for (unsigned int i = 0; i < 40; i++) {
        pg = alloc_pages_claimed(0);
        CHECK(pg && take(pg, 0));
    }
    CHECK(!alloc_pages_claimed(0));
    page_claims_adjust(-40);
    CHECK_EQ(page_claims(), 0);
    CHECK_EQ(free_frame_count(), 0);
}

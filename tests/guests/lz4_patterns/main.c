/* SPDX-License-Identifier: MIT */
/* Short-period data (patterns.S) reads back exactly as it was built. */
#include <guest/test.h>

/*
 * Trivial as a plain ELF; its point is lz4_patterns_bzimage, the same
 * image as a bzImage with an lz4 payload, where every pattern after its
 * first repeat is an overlapping match the builder's decoder must expand.
 */
#define PAT_LEN 2048

extern const unsigned char lz4_pat_1[], lz4_pat_2[], lz4_pat_3[], lz4_pat_4[],
    lz4_pat_5[], lz4_pat_6[], lz4_pat_7[], lz4_pat_8[], lz4_pat_9[],
    lz4_pat_15[], lz4_pat_16[], lz4_pat_17[];

static void check(const unsigned char *a, unsigned int p)
{
    unsigned int i, n = PAT_LEN / p * p, bad = 0;

    for (i = 0; i < n; i++)
        if (a[i] != (unsigned char)((i % p) * 29 + p * 7 + 1))
            bad++;
    printk("period %u: %u of %u bytes differ\n", p, bad, n);
    TEST_EQ(bad, 0);
}

void test_main(void)
{
    check(lz4_pat_1, 1);
    check(lz4_pat_2, 2);
    check(lz4_pat_3, 3);
    check(lz4_pat_4, 4);
    check(lz4_pat_5, 5);
    check(lz4_pat_6, 6);
    check(lz4_pat_7, 7);
    check(lz4_pat_8, 8);
    check(lz4_pat_9, 9);
    check(lz4_pat_15, 15);
    check(lz4_pat_16, 16);
    check(lz4_pat_17, 17);
}

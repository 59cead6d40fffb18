/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for hyp/arch/x86/pv/pagetype.c over a fake frame table and fake machine memory. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "host_shim.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/pagetype.h"
#include "asm/pte.h"
#include "asm/x86.h"

#define FRAMES 2048
#define A_FIRST 16   /* domain A owns [16, 1024) */
#define B_FIRST 1024 /* domain B owns [1024, 1536); the rest is free */
#define B_END 1536
#define IO_FIRST 8 /* [8, 16) is non-RAM inside the frame table */

#define TF (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define RO (_PAGE_PRESENT | _PAGE_USER)
#define RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define PTE(m, f) (((u64)(m) << PAGE_SHIFT) | (f))

static struct page_info table[FRAMES];
static u64 (*mem)[512];
static struct domain dA, dB;
static u64 template[PV_HYP_L4_SLOTS];
static struct pv_audit_count scratch[FRAMES];
static struct pv_preempt pre; /* "vCPU" continuation state of the tests */
static unsigned int flush_calls;

void *pv_frame_map(mfn_t mfn)
{
    if (mfn >= FRAMES)
        abort();
    return mem[mfn];
}

static void count_flush(struct pv_mm_ctx *ctx, struct page_info *pg)
{
    (void)ctx;
    (void)pg;
    flush_calls++;
}

static void setup(void)
{
    if (!mem)
        mem = aligned_alloc(PAGE_SIZE, (size_t)FRAMES * PAGE_SIZE);
    memset(mem, 0, (size_t)FRAMES * PAGE_SIZE);
    page_alloc_init(table, FRAMES);
    memset(&dA, 0, sizeof(dA));
    memset(&dB, 0, sizeof(dB));
    dA.domain_id = 1;
    dB.domain_id = 2;
    for (mfn_t m = A_FIRST; m < B_FIRST; m++) {
        pv_assign_page(&table[m], &dA);
        page_list_add(&dA.page_list, &table[m]);
    }
    for (mfn_t m = B_FIRST; m < B_END; m++) {
        pv_assign_page(&table[m], &dB);
        page_list_add(&dB.page_list, &table[m]);
    }
    for (mfn_t m = IO_FIRST; m < A_FIRST; m++)
        table[m].count_info = PGC_io;
    for (unsigned int i = 0; i < PV_HYP_L4_SLOTS; i++)
        template[i] = 0xabc000UL + ((u64)i << PAGE_SHIFT) + 0x63;
    memset(&pre, 0, sizeof(pre));
    flush_calls = 0;
    shim_log_reset();
}

static struct pv_mm_ctx ctx_for(struct pv_preempt *p)
{
    struct pv_mm_ctx c;

    memset(&c, 0, sizeof(c));
    c.hyp_l4_slots = template;
    c.preempt = p;
    c.flush_writable = count_flush;
    return c;
}

/*
 * The full recount, and the quick one over A's and B's page lists run after
 * it: wherever the full one finds nothing, or only owned frames wrong,
 * the quick one must say the same.
 */
static int audit_with(const struct pv_audit_hold *h, unsigned int nh)
{
    static u32 stamp;
    static mfn_t touched[FRAMES];
    const struct page_list *lists[2] = { &dA.page_list, &dB.page_list };
    struct pv_preempt *ps[1] = { &pre };
    struct pv_audit_args a = {
        .holds = h,
        .nr_holds = nh,
        .preempts = ps,
        .nr_preempts = 1,
        .hyp_l4_slots = template,
        .scratch = scratch,
        .stamp = ++stamp,
    };
    int full, quick;

    full = pv_audit(table, FRAMES, &a);
    a.stamp = ++stamp;
    a.lists = lists;
    a.nr_lists = 2;
    a.touched = touched;
    a.scope = NULL; /* both domains listed: nothing is out of reach */
    a.quiet = true;
    quick = pv_audit(table, FRAMES, &a);
    CHECK_EQ(quick, full);
    return full;
}

static int audit(void)
{
    return audit_with(NULL, 0);
}

/* State snapshots: every count word and all of machine memory. */
struct snap {
    u64 c[FRAMES], t[FRAMES];
    u64 m[FRAMES][512];
};
static struct snap snaps[3];

static void take_snap(struct snap *s)
{
    for (mfn_t i = 0; i < FRAMES; i++) {
        s->c[i] = table[i].count_info;
        s->t[i] = table[i].type_info;
    }
    memcpy(s->m, mem, sizeof(s->m));
}

static bool same_as_snap(const struct snap *s)
{
    for (mfn_t i = 0; i < FRAMES; i++)
        if (s->c[i] != table[i].count_info || s->t[i] != table[i].type_info) {
            printf("  frame %llx: count %llx/%llx type %llx/%llx\n",
                   (unsigned long long)i, (unsigned long long)s->c[i],
                   (unsigned long long)table[i].count_info,
                   (unsigned long long)s->t[i],
                   (unsigned long long)table[i].type_info);
            return false;
        }
    return memcmp(s->m, mem, sizeof(s->m)) == 0;
}

static u64 gc(mfn_t m)
{
    return pgc_count(&table[m]);
}
static u64 tc(mfn_t m)
{
    return pgt_count(&table[m]);
}
static u64 ty(mfn_t m)
{
    return pgt_type(&table[m]);
}

/*
 * A 4-level tree of domain A with shared subtrees:
 *   L4 100: [0] L3 101, [1] L3 102, garbage in hypervisor slot 260
 *   L3 101: L2 110, 111, 112      L3 102: [5] L2 112 (shared), [6] L2 113
 *   L2 110: L1 120, 121   L2 111: [0] L1 122, [3] L1 120 (shared)
 *   L2 112: L1 123        L2 113: L1 124..127
 *   each L1 (120+j) maps data 200+8j+i for i < 4, RW when i is even;
 *   L1 120 also maps L1 121 read-only, L1 123 maps the L4 read-only.
 */
#define T_L4 100
static void build_tree(void)
{
    mem[100][0] = PTE(101, TF);
    mem[100][1] = PTE(102, TF);
    mem[100][260] = PTE(600, RW); /* must be overwritten, never referenced */
    mem[101][0] = PTE(110, TF);
    mem[101][1] = PTE(111, TF);
    mem[101][2] = PTE(112, TF);
    mem[102][5] = PTE(112, TF);
    mem[102][6] = PTE(113, TF);
    mem[110][0] = PTE(120, TF);
    mem[110][1] = PTE(121, TF);
    mem[111][0] = PTE(122, TF);
    mem[111][3] = PTE(120, TF);
    mem[112][0] = PTE(123, TF);
    for (unsigned int j = 0; j < 4; j++)
        mem[113][j] = PTE(124 + j, TF);
    for (unsigned int j = 0; j < 8; j++)
        for (unsigned int i = 0; i < 4; i++)
            mem[120 + j][i] = PTE(200 + 8 * j + i, (i & 1) ? RO : RW);
    mem[120][10] = PTE(121, RO);
    mem[123][7] = PTE(T_L4, RO);
}

static int pin_all(mfn_t m, unsigned int level, unsigned int budget,
                   unsigned int *calls)
{
    struct pv_mm_ctx c = ctx_for(&pre);
    int rc;

    *calls = 0;
    do {
        pre.budget = budget;
        rc = pv_pin(&dA, m, level, &c);
        (*calls)++;
        if (audit())
            return -9999;
    } while (rc == -ERESTART && *calls < 10000);
    return rc;
}

static int drain_all(unsigned int budget)
{
    struct pv_mm_ctx c = ctx_for(&pre);
    int rc, n = 0;

    do {
        pre.budget = budget;
        rc = pv_drain_deferred(&c);
        if (audit())
            return -9999;
    } while (rc == -ERESTART && ++n < 10000);
    return rc;
}

static int unpin_all(mfn_t m, unsigned int budget)
{
    struct pv_mm_ctx c = ctx_for(&pre);
    int rc;

    pre.budget = budget;
    rc = pv_unpin(&dA, m, &c);
    if (rc)
        return rc;
    if (audit())
        return -9999;
    return drain_all(budget);
}

/* ================================================================ tests */

TEST(general_references)
{
    pid_t pid;
    int status;

    setup();
    CHECK_EQ(gc(50), 1);
    CHECK(get_page(&table[50], &dA));
    CHECK_EQ(gc(50), 2);
    CHECK(!get_page(&table[50], &dB));       /* not the owner */
    CHECK(!get_page(&table[1600], &dA));     /* free frame */
    CHECK(!get_page(&table[IO_FIRST], &dA)); /* I/O frame */
    put_page(&table[50]);
    CHECK_EQ(gc(50), 1);

    table[51].count_info = PGC_allocated | PGC_COUNT_MAX;
    CHECK(!get_page(&table[51], &dA)); /* would overflow */
    CHECK_EQ(gc(51), PGC_COUNT_MAX);
    table[51].count_info = PGC_allocated | 1;

    /* Balloon-out drops the allocation reference; a free frame is dead. */
    CHECK(pv_release_allocation(&table[52]));
    CHECK_EQ(table[52].count_info, 0);
    CHECK(!get_page(&table[52], &dA));
    CHECK(!pv_release_allocation(&table[52]));

    /* Underflow is a hypervisor bug, never a wrap. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(2);
        put_page(&table[52]);
        _exit(0);
    }
    CHECK(pid > 0);
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK_EQ(audit(), 0);
}

TEST(pin_builds_exact_counts_and_unpin_restores)
{
    struct pv_mm_ctx c;

    setup();
    build_tree();
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, T_L4, 4, &c), 0);

    CHECK_EQ(ty(T_L4), PGT_l4);
    CHECK(table[T_L4].type_info & PGT_pinned);
    CHECK(table[T_L4].type_info & PGT_validated);
    CHECK_EQ(tc(T_L4), 1);
    CHECK_EQ(gc(T_L4), 3); /* allocation, pin, RO map from L1 123 */
    CHECK_EQ(ty(101), PGT_l3);
    CHECK_EQ(gc(101), 2);
    CHECK_EQ(tc(101), 1);
    CHECK_EQ(ty(112), PGT_l2);
    CHECK_EQ(tc(112), 2); /* shared by both L3s */
    CHECK_EQ(gc(112), 3);
    CHECK_EQ(ty(120), PGT_l1);
    CHECK_EQ(tc(120), 2);
    CHECK_EQ(gc(120), 3);
    CHECK_EQ(tc(121), 1);
    CHECK_EQ(gc(121), 3); /* allocation, L2 entry, RO map */
    CHECK_EQ(ty(200), PGT_writable);
    CHECK_EQ(tc(200), 1);
    CHECK_EQ(gc(200), 2);
    CHECK_EQ(tc(201), 0);
    CHECK_EQ(gc(201), 2);
    CHECK_EQ(gc(600), 1); /* hypervisor-slot garbage took no reference */
    for (unsigned int i = 0; i < PV_HYP_L4_SLOTS; i++)
        CHECK_EQ(mem[T_L4][PV_HYP_L4_FIRST + i], template[i]);
    /* Forced bits: A on L4 entries, US everywhere, kernel mappings marked. */
    CHECK_EQ(mem[T_L4][0], PTE(101, TF));
    CHECK_EQ(mem[101][0] & _PAGE_USER, _PAGE_USER);
    CHECK_EQ(c.flush, 0);
    CHECK_EQ(audit(), 0);

    CHECK_EQ(pv_unpin(&dA, T_L4, &c), 0);
    for (mfn_t m = A_FIRST; m < B_FIRST; m++) {
        CHECK_EQ(gc(m), 1);
        CHECK_EQ(tc(m), 0);
        CHECK(!(table[m].type_info & (PGT_validated | PGT_partial)) ||
              ty(m) == PGT_writable);
    }
    CHECK_EQ(audit(), 0);
}

TEST(kernel_and_user_mapping_adjustment)
{
    struct pv_mm_ctx c;

    setup();
    mem[130][0] = PTE(300, _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL);
    mem[130][1] = PTE(301, RW | _PAGE_GLOBAL);
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, 130, 1, &c), 0);
    /* Kernel mapping: US forced, marked, never global. */
    CHECK_EQ(mem[130][0], PTE(300, RW | _PAGE_GUEST_KERNEL));
    /* User mapping: global only when the caller uses global user pages. */
    CHECK_EQ(mem[130][1], PTE(301, RW));
    c.user_global = true;
    CHECK_EQ(pv_mod_entry(&dA, 130, 2, PTE(302, RW), 1, false, &c), 0);
    CHECK_EQ(mem[130][2], PTE(302, RW | _PAGE_GLOBAL));
    CHECK_EQ(c.flush, PV_FLUSH_L1);
    CHECK_EQ(audit(), 0);
}

/* pv-mm.md 9 class 3 / 10.4 suite 2: writable and table types exclude each other. */
TEST(writable_and_table_types_exclude)
{
    struct pv_mm_ctx c;

    setup();
    c = ctx_for(NULL);
    mem[130][0] = PTE(131, RW); /* L1 130 maps frame 131 writable */
    CHECK_EQ(pv_pin(&dA, 130, 1, &c), 0);
    take_snap(&snaps[0]);
    /* RW map then pin: refused, nothing changed. */
    CHECK_EQ(pv_pin(&dA, 131, 1, &c), -EINVAL);
    CHECK(same_as_snap(&snaps[0]));

    /* Pin then RW map: -EBUSY, nothing changed; RO map is fine. */
    CHECK_EQ(pv_pin(&dA, 132, 1, &c), 0);
    take_snap(&snaps[0]);
    CHECK_EQ(pv_mod_entry(&dA, 130, 1, PTE(132, RW), 1, false, &c), -EBUSY);
    CHECK(same_as_snap(&snaps[0]));
    CHECK_EQ(pv_mod_entry(&dA, 130, 1, PTE(132, RO), 1, false, &c), 0);
    CHECK_EQ(gc(132), 3);
    /* XSA-182 shape: adding RW to that RO entry takes the full path. */
    take_snap(&snaps[0]);
    CHECK_EQ(pv_mod_entry(&dA, 130, 1, PTE(132, RW), 1, false, &c), -EBUSY);
    CHECK(same_as_snap(&snaps[0]));

    /* An L1 mapping itself: RW refused, RO accepted. */
    mem[133][4] = PTE(133, RW);
    take_snap(&snaps[0]);
    CHECK_EQ(pv_pin(&dA, 133, 1, &c), -EBUSY);
    CHECK_EQ(tc(133), 0);
    CHECK_EQ(gc(133), 1);
    mem[133][4] = PTE(133, RO);
    CHECK_EQ(pv_pin(&dA, 133, 1, &c), 0);
    CHECK_EQ(gc(133), 3);

    /* Pins do not nest; unpinning twice fails. */
    take_snap(&snaps[0]);
    CHECK_EQ(pv_pin(&dA, 133, 1, &c), -EINVAL);
    CHECK(same_as_snap(&snaps[0]));
    CHECK_EQ(pv_unpin(&dA, 133, &c), 0);
    CHECK_EQ(pv_unpin(&dA, 133, &c), -EINVAL);
    /* Pinning at a different level than the frame's live type. */
    CHECK_EQ(pv_pin(&dA, 132, 2, &c), -EINVAL);
    CHECK_EQ(audit(), 0);
}

TEST(reuse_after_unpin_needs_flush)
{
    struct pv_mm_ctx c;

    setup();
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, 140, 1, &c), 0);
    CHECK_EQ(pv_pin(&dA, 141, 1, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 140, 0, PTE(141, RW), 1, false, &c), -EBUSY);
    CHECK_EQ(pv_unpin(&dA, 141, &c), 0);
    /* Now 141 is plain memory again and may be written... */
    CHECK_EQ(pv_mod_entry(&dA, 140, 0, PTE(141, RW), 1, false, &c), 0);
    CHECK_EQ(ty(141), PGT_writable);
    CHECK_EQ(pv_pin(&dA, 141, 1, &c), -EINVAL);
    /* ...and becoming a table again flushes stale writable TLB entries first. */
    CHECK_EQ(pv_mod_entry(&dA, 140, 0, 0, 1, false, &c), 0);
    CHECK_EQ(flush_calls, 0);
    CHECK_EQ(pv_pin(&dA, 141, 1, &c), 0);
    CHECK_EQ(flush_calls, 1);
    /* Without a hook, the need is reported instead. */
    CHECK_EQ(pv_unpin(&dA, 141, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 140, 0, PTE(141, RW), 1, false, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 140, 0, 0, 1, false, &c), 0);
    c.flush_writable = NULL;
    c.flush = 0;
    CHECK_EQ(pv_pin(&dA, 141, 1, &c), 0);
    CHECK_EQ(c.flush, PV_FLUSH_ALL);
    CHECK_EQ(audit(), 0);
}

TEST(freeing_a_mapped_frame_keeps_it_alive)
{
    struct pv_mm_ctx c;

    setup();
    c = ctx_for(NULL);
    mem[150][0] = PTE(151, RW);
    CHECK_EQ(pv_pin(&dA, 150, 1, &c), 0);
    /* The guest gives 151 back while it is still mapped: it lives on. */
    CHECK(!pv_release_allocation(&table[151]));
    CHECK_EQ(gc(151), 1);
    CHECK_EQ(audit(), 0);
    CHECK_EQ(pv_mod_entry(&dA, 150, 0, 0, 1, false, &c), 0);
    CHECK_EQ(gc(151), 0);
    CHECK_EQ(tc(151), 0);
    /* Once dead it cannot be mapped (or pinned) again. */
    CHECK_EQ(pv_mod_entry(&dA, 150, 0, PTE(151, RO), 1, false, &c), -EBUSY);
    CHECK_EQ(pv_pin(&dA, 151, 1, &c), -EINVAL);
    /* A pinned table given back survives until unpinned. */
    CHECK(!pv_release_allocation(&table[150]));
    CHECK_EQ(gc(150), 1);
    CHECK_EQ(pv_unpin(&dA, 150, &c), 0);
    CHECK_EQ(gc(150), 0);
    CHECK_EQ(audit(), 0);
}

TEST(ownership_foreign_and_io)
{
    struct pv_mm_ctx c;
    u64 e;

    setup();
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, 160, 1, &c), 0);
    CHECK_EQ(pv_pin(&dA, 161, 2, &c), 0);
    CHECK_EQ(pv_pin(&dB, 1100, 1, &c), 0);
    take_snap(&snaps[0]);
    /* Another domain's frame, free frame, hypervisor frame: -EBUSY. */
    CHECK_EQ(pv_mod_entry(&dA, 160, 0, PTE(1200, RW), 1, false, &c), -EBUSY);
    CHECK_EQ(pv_mod_entry(&dA, 160, 0, PTE(1700, RO), 1, false, &c), -EBUSY);
    CHECK_EQ(pv_mod_entry(&dA, 160, 0, PTE(2, RO), 1, false, &c), -EBUSY);
    /* Another domain's table through L2: -EINVAL. */
    CHECK_EQ(pv_mod_entry(&dA, 161, 0, PTE(1100, TF), 2, false, &c), -EINVAL);
    /* Tables of B edited by A, and FD != PFD above L1. */
    CHECK_EQ(pv_mod_entry(&dA, 1100, 0, PTE(1200, RO), 1, false, &c), -EINVAL);
    c.pg_owner = &dB;
    CHECK_EQ(pv_mod_entry(&dA, 161, 0, PTE(1101, TF), 2, false, &c), -EINVAL);
    /* I/O frames without permission: -EPERM. */
    c.pg_owner = NULL;
    CHECK_EQ(pv_mod_entry(&dA, 160, 0, PTE(IO_FIRST, RW), 1, false, &c),
             -EPERM);
    CHECK_EQ(pv_mod_entry(&dA, 160, 0, PTE(FRAMES + 5, RW), 1, false, &c),
             -EPERM);
    CHECK(same_as_snap(&snaps[0]));

    /* Privileged foreign map with FD = B: allowed, takes a writable ref on B's frame. */
    c.pg_owner = &dB;
    CHECK_EQ(pv_mod_entry(&dA, 160, 0, PTE(1200, RW), 1, false, &c), 0);
    CHECK_EQ(gc(1200), 2);
    CHECK_EQ(ty(1200), PGT_writable);
    CHECK_EQ(tc(1200), 1);
    /* Foreign writable maps of a live table are refused too. */
    CHECK_EQ(pv_mod_entry(&dA, 160, 1, PTE(1100, RW), 1, false, &c), -EBUSY);
    CHECK_EQ(pv_mod_entry(&dA, 160, 1, PTE(1100, RO), 1, false, &c), 0);
    /* FD = B but the frame is A's and A is not privileged. */
    CHECK_EQ(pv_mod_entry(&dA, 160, 2, PTE(170, RO), 1, false, &c), -EBUSY);
    c.foreign_ok = true;
    CHECK_EQ(pv_mod_entry(&dA, 160, 2, PTE(170, RO), 1, false, &c), 0);
    c.pg_owner = NULL;
    c.foreign_ok = false;

    /* I/O frames with permission: no references, cacheable forced to UC. */
    c.io_ok = true;
    CHECK_EQ(pv_mod_entry(&dA, 160, 3, PTE(IO_FIRST, RW), 1, false, &c), 0);
    e = mem[160][3];
    CHECK_EQ(e & _PAGE_CACHE_ATTRS, _PAGE_PCD | _PAGE_PWT);
    CHECK_EQ(table[IO_FIRST].count_info, PGC_io);
    /* WC (PAT index 4) needs cache permission and is kept. */
    CHECK_EQ(pv_mod_entry(&dA, 160, 4, PTE(FRAMES + 5, RW | _PAGE_PAT), 1,
                          false, &c),
             -EINVAL);
    c.cache_ok = true;
    CHECK_EQ(pv_mod_entry(&dA, 160, 4, PTE(FRAMES + 5, RW | _PAGE_PAT), 1,
                          false, &c),
             0);
    CHECK_EQ(mem[160][4] & _PAGE_CACHE_ATTRS, _PAGE_PAT);
    /* Denied I/O frames stay refused; read-only ones lose RW. */
    {
        static const u64 deny[1][2] = { { IO_FIRST + 1, IO_FIRST + 2 } };
        static const u64 ro[1][2] = { { IO_FIRST + 2, IO_FIRST + 2 } };

        c.io_deny = deny;
        c.io_ndeny = 1;
        c.io_ro = ro;
        c.io_nro = 1;
        CHECK_EQ(pv_mod_entry(&dA, 160, 6, PTE(IO_FIRST + 1, RO), 1, false, &c),
                 -EPERM);
        CHECK_EQ(mem[160][6], 0);
        CHECK_EQ(pv_mod_entry(&dA, 160, 6, PTE(IO_FIRST + 2, RW), 1, false, &c),
                 0);
        CHECK_EQ(mem[160][6] & _PAGE_RW, 0);
        CHECK_EQ(pv_mod_entry(&dA, 160, 6, 0, 1, false, &c), 0);
        c.io_ndeny = c.io_nro = 0;
    }
    /* Address bits beyond the physical width are never installed. */
    c.max_mfn = 1UL << 20;
    CHECK_EQ(pv_mod_entry(&dA, 160, 5, PTE(1UL << 21, RO), 1, false, &c),
             -EINVAL);
    CHECK_EQ(audit(), 0);

    /* Unmapping gives B's frame back exactly. */
    CHECK_EQ(pv_mod_entry(&dA, 160, 0, 0, 1, false, &c), 0);
    CHECK_EQ(gc(1200), 1);
    CHECK_EQ(tc(1200), 0);
    CHECK_EQ(audit(), 0);
}

/* pv-mm.md 9 classes 1 and 13: every non-whitelisted bit goes through validation. */
TEST(bit_rules_and_fast_path)
{
    struct pv_mm_ctx c;
    static const struct {
        unsigned int level;
        u64 bit;
        int rc;
    } cases[] = {
        { 1, _PAGE_PWT, -EINVAL }, { 1, _PAGE_PCD, -EINVAL },
        { 1, _PAGE_PAT, -EINVAL }, { 1, _PAGE_GLOBAL, 0 },
        { 1, _PAGE_NX, 0 },        { 1, _PAGE_DIRTY, 0 },
        { 1, 1UL << 9, 0 },        { 1, 1UL << 62, 0 },
        { 2, _PAGE_PSE, -EINVAL }, { 2, _PAGE_GLOBAL, -EINVAL },
        { 2, _PAGE_PWT, -EINVAL }, { 2, _PAGE_PCD, -EINVAL },
        { 2, _PAGE_RW, 0 },        { 2, _PAGE_NX, 0 },
        { 2, _PAGE_DIRTY, 0 },     { 2, 1UL << 55, 0 },
        { 3, _PAGE_PSE, -EINVAL }, { 3, _PAGE_GLOBAL, -EINVAL },
        { 3, _PAGE_RW, 0 },        { 4, _PAGE_PSE, -EINVAL },
        { 4, _PAGE_PCD, -EINVAL }, { 4, _PAGE_RW, 0 },
    };

    setup();
    build_tree();
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, T_L4, 4, &c), 0);
    for (unsigned int k = 0; k < ARRAY_SIZE(cases); k++) {
        /* One live entry per level: L1 120[0], L2 110[0], L3 101[0], L4[0]. */
        static const mfn_t tab[5] = { 0, 120, 110, 101, T_L4 };
        unsigned int lvl = cases[k].level;
        u64 old = mem[tab[lvl]][0];
        int rc;

        take_snap(&snaps[0]);
        c.flush = 0;
        rc = pv_mod_entry(&dA, tab[lvl], 0, old ^ cases[k].bit, lvl, false, &c);
        CHECK_EQ(rc, cases[k].rc);
        if (rc) {
            CHECK(same_as_snap(&snaps[0]));
            CHECK_EQ(c.flush, 0);
        } else {
            /* Fast path: references untouched, flush need reported. */
            for (mfn_t m = 0; m < FRAMES; m++)
                if (snaps[0].c[m] != table[m].count_info ||
                    snaps[0].t[m] != table[m].type_info)
                    CHECK(!"fast path changed a count");
            CHECK_EQ(c.flush, lvl == 1 ? PV_FLUSH_L1 : PV_FLUSH_ALL);
            CHECK_EQ(pv_mod_entry(&dA, tab[lvl], 0, old, lvl, false, &c), 0);
        }
        CHECK_EQ(audit(), 0);
    }
    /* Random harmless changes of an L1 entry never change any count. */
    {
        u64 seed = 99, harmless = _PAGE_NX | _PAGE_AVAIL | _PAGE_AVAIL_HIGH |
                                  _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_USER;

        take_snap(&snaps[1]);
        for (int n = 0; n < 2000; n++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            CHECK_EQ(pv_mod_entry(&dA, 120, 2, PTE(202, RW) | (seed & harmless),
                                  1, false, &c),
                     0);
        }
        for (mfn_t m = 0; m < FRAMES; m++)
            CHECK_EQ(table[m].count_info, snaps[1].c[m]);
    }
    /* PRESERVE_AD keeps the accessed/dirty bits already in the entry. */
    mem[120][2] |= _PAGE_DIRTY;
    CHECK_EQ(pv_mod_entry(&dA, 120, 2, PTE(202, RW), 1, true, &c), 0);
    CHECK(mem[120][2] & _PAGE_DIRTY);
    CHECK_EQ(audit(), 0);
}

TEST(l1tf_unsafe_non_present_entries)
{
    struct pv_mm_ctx c;

    setup();
    c = ctx_for(NULL);
    c.l1tf = true;
    mem[170][0] = PTE(300, 0); /* non-present, but points into RAM */
    CHECK_EQ(pv_pin(&dA, 170, 1, &c), -EINVAL);
    mem[170][0] = 0;
    CHECK_EQ(pv_pin(&dA, 170, 1, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 170, 1, PTE(300, 0), 1, false, &c), -EINVAL);
    CHECK_EQ(pv_mod_entry(&dA, 170, 1, PTE(FRAMES + 9, 0), 1, false, &c), 0);
    CHECK_EQ(pv_pin(&dA, 171, 2, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 171, 1, _PAGE_PSE, 2, false, &c), -EINVAL);
    CHECK_EQ(audit(), 0);
}

/* pv-mm.md 2.6 and 9 class 14. */
TEST(hypervisor_l4_slots)
{
    struct pv_mm_ctx c;

    setup();
    build_tree();
    for (unsigned int i = PV_HYP_L4_FIRST; i <= PV_HYP_L4_LAST; i++)
        mem[T_L4][i] = PTE(700 + i, RW);
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, T_L4, 4, &c), 0);
    for (unsigned int i = 0; i < PV_HYP_L4_SLOTS; i++) {
        CHECK_EQ(mem[T_L4][PV_HYP_L4_FIRST + i], template[i]);
        CHECK_EQ(gc(700 + PV_HYP_L4_FIRST + i), 1);
    }
    take_snap(&snaps[0]);
    for (unsigned int i = PV_HYP_L4_FIRST; i <= PV_HYP_L4_LAST; i++) {
        CHECK_EQ(pv_mod_entry(&dA, T_L4, i, 0, 4, false, &c), -EINVAL);
        CHECK_EQ(pv_mod_entry(&dA, T_L4, i, PTE(103, TF), 4, false, &c),
                 -EINVAL);
    }
    CHECK(same_as_snap(&snaps[0]));
    /* The slots next to them are the guest's. */
    CHECK_EQ(pv_mod_entry(&dA, T_L4, 272, PTE(103, TF), 4, false, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, T_L4, 255, PTE(104, TF), 4, false, &c), 0);
    CHECK_EQ(ty(103), PGT_l3);
    CHECK_EQ(audit(), 0);
    /* The auditor notices a clobbered slot. */
    mem[T_L4][258] ^= 2;
    CHECK_EQ(audit(), 1);
    mem[T_L4][258] ^= 2;
    CHECK_EQ(audit(), 0);
}

/* pv-mm.md 2.5 and 9 class 2: no same-level or recursive entries at all. */
TEST(linear_and_recursive_entries_refused)
{
    struct pv_mm_ctx c;

    setup();
    c = ctx_for(NULL);
    mem[180][3] = PTE(180, RO | _PAGE_ACCESSED); /* L4 self-map */
    CHECK_EQ(pv_pin(&dA, 180, 4, &c), -EINVAL);
    CHECK_EQ(tc(180), 0);
    CHECK_EQ(gc(180), 1);
    mem[180][3] = 0;
    CHECK_EQ(pv_pin(&dA, 180, 4, &c), 0);
    take_snap(&snaps[0]);
    CHECK_EQ(pv_mod_entry(&dA, 180, 3, PTE(180, RO), 4, false, &c), -EINVAL);
    CHECK(same_as_snap(&snaps[0]));
    /* L4 -> another live L4, L3 -> L3, L2 -> itself. */
    CHECK_EQ(pv_pin(&dA, 181, 4, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 180, 3, PTE(181, RO), 4, false, &c), -EINVAL);
    CHECK_EQ(pv_pin(&dA, 182, 3, &c), 0);
    CHECK_EQ(pv_pin(&dA, 183, 3, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 182, 0, PTE(183, RO), 3, false, &c), -EINVAL);
    mem[184][9] = PTE(184, RO);
    CHECK_EQ(pv_pin(&dA, 184, 2, &c), -EINVAL);
    /* An L3 whose L2 points back up at the L3 (as an L1). */
    mem[185][0] = PTE(186, TF);
    mem[186][0] = PTE(185, TF);
    CHECK_EQ(pv_pin(&dA, 185, 3, &c), -EINVAL);
    CHECK_EQ(tc(185), 0);
    CHECK_EQ(tc(186), 0);
    CHECK_EQ(gc(185), 1);
    CHECK_EQ(gc(186), 1);
    CHECK_EQ(audit(), 0);
}

TEST(replacing_a_subtree)
{
    struct pv_mm_ctx c;

    setup();
    build_tree();
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, T_L4, 4, &c), 0);
    /* A new L3 with its own L2 and L1 replaces L3 102. */
    mem[190][6] = PTE(191, TF);
    mem[191][0] = PTE(192, TF);
    mem[192][0] = PTE(400, RW);
    c.flush = 0;
    CHECK_EQ(pv_mod_entry(&dA, T_L4, 1, PTE(190, TF), 4, false, &c), 0);
    CHECK_EQ(c.flush, PV_FLUSH_ALL);
    CHECK_EQ(tc(190), 1);
    CHECK_EQ(ty(192), PGT_l1);
    CHECK_EQ(tc(400), 1);
    /* L3 102 and L2 113 (only reachable through it) are devalidated; L2 112 is still shared. */
    CHECK_EQ(tc(102), 0);
    CHECK(!(table[102].type_info & PGT_validated));
    CHECK_EQ(tc(113), 0);
    CHECK_EQ(tc(124), 0);
    CHECK_EQ(tc(112), 1);
    CHECK_EQ(gc(102), 1);
    CHECK_EQ(audit(), 0);
    /* A replacement whose subtree is invalid changes nothing. */
    mem[193][0] = PTE(194, TF | _PAGE_PSE);
    take_snap(&snaps[0]);
    CHECK_EQ(pv_mod_entry(&dA, T_L4, 1, PTE(193, TF), 4, false, &c), -EINVAL);
    CHECK(same_as_snap(&snaps[0]));
    CHECK_EQ(tc(193), 0);
    CHECK_EQ(gc(193), 1);
    CHECK_EQ(mem[T_L4][1], PTE(190, TF));
    CHECK_EQ(audit(), 0);
}

/* pv-mm.md 3.4 and 9 class 4: preemption at every possible point of pin and unpin. */
TEST(preempted_pin_and_unpin_match_unpreempted)
{
    unsigned int calls, max_calls = 0;
    struct pv_mm_ctx c;

    setup();
    build_tree();
    c = ctx_for(NULL);
    CHECK_EQ(pv_pin(&dA, T_L4, 4, &c), 0);
    take_snap(&snaps[0]); /* the reference result of pin */
    CHECK_EQ(pv_unpin(&dA, T_L4, &c), 0);
    take_snap(&snaps[1]); /* ... and of unpin */

    for (unsigned int k = 1; k <= 20; k++) {
        setup();
        build_tree();
        CHECK_EQ(pin_all(T_L4, 4, k, &calls), 0);
        if (calls > max_calls)
            max_calls = calls;
        CHECK(same_as_snap(&snaps[0]));
        CHECK_EQ(unpin_all(T_L4, k), 0);
        CHECK_EQ(pre.nr_deferred, 0);
        CHECK(same_as_snap(&snaps[1]));
    }
    /* Budget 1 really stopped at every one of the 16 upper entries. */
    CHECK(max_calls >= 16);

    /* Pinning an inner frame in the middle takes over its partial state. */
    for (unsigned int k = 1; k <= 16; k++) {
        struct pv_mm_ctx pc = ctx_for(&pre);
        int rc, rc0;

        setup();
        build_tree();
        pre.budget = k;
        rc0 = rc = pv_pin(&dA, T_L4, 4, &pc);
        CHECK(rc == -ERESTART || rc == 0);
        CHECK_EQ(audit(), 0);
        pre.budget = 1;
        do {
            rc = pv_pin(&dA, 111, 2, &pc);
            CHECK_EQ(audit(), 0);
        } while (rc == -ERESTART);
        CHECK_EQ(rc, 0);
        /* Continue the big pin (or find it already done). */
        CHECK_EQ(pin_all(T_L4, 4, 2, &calls), rc0 ? 0 : -EINVAL);
        CHECK_EQ(tc(111), 2);
        CHECK_EQ(unpin_all(111, 1), 0);
        CHECK(same_as_snap(&snaps[0]));
    }
}

TEST(validation_failure_at_every_entry_leaks_nothing)
{
    /* The upper entries in validation order, each made invalid in turn. */
    static const struct {
        mfn_t t;
        unsigned int i;
    } at[] = { { 100, 0 }, { 101, 0 }, { 110, 0 }, { 110, 1 }, { 101, 1 },
               { 111, 0 }, { 111, 3 }, { 101, 2 }, { 112, 0 }, { 100, 1 },
               { 102, 5 }, { 102, 6 }, { 113, 0 }, { 113, 3 } };

    for (unsigned int f = 0; f < ARRAY_SIZE(at); f++) {
        for (unsigned int k = 1; k <= 4; k++) {
            unsigned int calls;

            setup();
            build_tree();
            mem[at[f].t][at[f].i] |= _PAGE_PSE;
            take_snap(&snaps[0]);
            CHECK_EQ(pin_all(T_L4, 4, k, &calls), -EINVAL);
            CHECK_EQ(drain_all(k), 0);
            for (mfn_t m = A_FIRST; m < B_FIRST; m++) {
                CHECK_EQ(gc(m), 1);
                CHECK_EQ(tc(m), 0);
            }
            CHECK_EQ(audit(), 0);
        }
    }
    /* An invalid L1 entry deep down (a foreign frame) is refused with -EBUSY. */
    setup();
    build_tree();
    mem[127][3] = PTE(1300, RO);
    {
        unsigned int calls;

        CHECK_EQ(pin_all(T_L4, 4, 3, &calls), -EBUSY);
    }
    CHECK_EQ(drain_all(3), 0);
    for (mfn_t m = A_FIRST; m < B_FIRST; m++) {
        CHECK_EQ(gc(m), 1);
        CHECK_EQ(tc(m), 0);
    }
}

/* pv-mm.md 4 and 9 class 4: destroying a domain mid-operation releases everything. */
TEST(teardown_releases_everything)
{
    for (unsigned int k = 1; k <= 12; k++) {
        struct pv_mm_ctx c = ctx_for(&pre), bc = ctx_for(NULL);
        struct pv_relinquish r = { 0 };
        int rc, n = 0;
        u64 b_before[B_END - B_FIRST];

        setup();
        build_tree();
        /* B's tables map an A frame; A's map a B frame (both privileged). */
        bc.foreign_ok = true;
        CHECK_EQ(pv_pin(&dB, 1100, 1, &bc), 0);
        CHECK_EQ(pv_mod_entry(&dB, 1100, 0, PTE(500, RW), 1, false, &bc), 0);
        for (mfn_t m = B_FIRST; m < B_END; m++)
            b_before[m - B_FIRST] = table[m].count_info;
        /* A: a second pinned L4 sharing L3 101, one pinned L1, a foreign map. */
        mem[105][0] = PTE(101, TF);
        mem[120][20] = PTE(1200, RW);
        c.foreign_ok = true;
        pre.budget = 1000;
        CHECK_EQ(pv_pin(&dA, 105, 4, &c), 0);
        pre.budget = 1000;
        CHECK_EQ(pv_pin(&dA, 126, 1, &c), 0);
        CHECK_EQ(tc(1200), 1);
        /* Then the big pin is abandoned part way; a partial unpin is left too. */
        pre.budget = k;
        rc = pv_pin(&dA, T_L4, 4, &c);
        CHECK(rc == -ERESTART || rc == 0);
        pre.budget = k;
        CHECK_EQ(pv_unpin(&dA, 105, &c), 0);
        CHECK_EQ(audit(), 0);

        dA.state = DOM_DYING;
        /* A pin racing teardown is dropped again. */
        pre.budget = 1000;
        CHECK_EQ(drain_all(1000), 0);
        CHECK_EQ(pv_pin(&dA, 130, 1, &c), 0);
        CHECK(!(table[130].type_info & PGT_pinned));
        do {
            pre.budget = k;
            rc = pv_relinquish_domain_memory(&dA, &r, &c);
            CHECK_EQ(audit(), 0);
        } while (rc == -ERESTART && ++n < 100000);
        CHECK_EQ(rc, 0);
        CHECK_EQ(r.forced, 0);
        CHECK_EQ(pre.nr_deferred, 0);
        for (mfn_t m = A_FIRST; m < B_FIRST; m++) {
            if (m == 500)
                continue;
            CHECK_EQ(table[m].count_info, 0);
            CHECK_EQ(tc(m), 0);
        }
        /* B still maps 500 (one reference, writable), so it lives on. */
        CHECK_EQ(table[500].count_info, 1);
        CHECK_EQ(tc(500), 1);
        for (mfn_t m = B_FIRST; m < B_END; m++)
            CHECK_EQ(table[m].count_info, b_before[m - B_FIRST]);
        CHECK_EQ(tc(1200), 0);
    }
}

TEST(relinquish_reports_a_leaked_base_pointer)
{
    struct pv_mm_ctx c = ctx_for(NULL);
    struct pv_relinquish r = { 0 };
    struct pv_audit_hold h = { T_L4, 1, 1 };

    setup();
    build_tree();
    /* A vCPU's CR3 reference that the caller forgets to put. */
    CHECK_EQ(get_page_and_type(&table[T_L4], &dA, PGT_l4, &c), 0);
    CHECK_EQ(audit_with(&h, 1), 0);
    CHECK_EQ(audit(), 1);
    dA.state = DOM_DYING;
    CHECK_EQ(pv_relinquish_domain_memory(&dA, &r, &c), 0);
    CHECK_EQ(r.forced, 15); /* the L4 and every table under it */
    CHECK(strstr(shim_last_log, "still typed") != NULL);
    /* Putting it late still tears the tree down completely. */
    put_page_and_type(&table[T_L4], &c);
    for (mfn_t m = A_FIRST; m < B_FIRST; m++)
        CHECK_EQ(table[m].count_info, 0);
}

TEST(auditor_detects_corruption)
{
    struct pv_mm_ctx c = ctx_for(NULL);

    setup();
    build_tree();
    CHECK_EQ(pv_pin(&dA, T_L4, 4, &c), 0);
    CHECK_EQ(audit(), 0);
    table[121].count_info++;
    CHECK_EQ(audit(), 1);
    CHECK(strstr(shim_last_log, "mfn 79") != NULL);
    table[121].count_info--;
    table[112].type_info--;
    CHECK_EQ(audit(), 1);
    table[112].type_info++;
    /* A writable mapping of a live table (I1) shows as a type mix. */
    mem[122][9] = PTE(110, RW);
    table[110].count_info++;
    CHECK_EQ(audit(), 1);
    mem[122][9] = 0;
    table[110].count_info--;
    CHECK_EQ(audit(), 0);
}

/* The recount after each MMU call: one domain's frames and what they reach. */
static int audit_scoped(const struct domain *d, const struct pv_audit_hold *h,
                        unsigned int nh)
{
    static u32 stamp = 1u << 31; /* apart from audit_with's */
    static mfn_t touched[FRAMES];
    const struct page_list *lists[1] = { &d->page_list };
    struct pv_preempt *ps[1] = { &pre };
    struct pv_audit_args a = {
        .holds = h,
        .nr_holds = nh,
        .preempts = ps,
        .nr_preempts = 1,
        .hyp_l4_slots = template,
        .scratch = scratch,
        .stamp = ++stamp,
        .lists = lists,
        .nr_lists = 1,
        .scope = d,
        .touched = touched,
        .quiet = true,
    };

    return pv_audit(table, FRAMES, &a);
}

TEST(quick_audit_of_one_domain)
{
    struct pv_mm_ctx c = ctx_for(NULL);
    struct pv_audit_hold hb = { 1100, 1, 1 }; /* B's base pointer */

    setup();
    build_tree();
    CHECK_EQ(pv_pin(&dA, T_L4, 4, &c), 0);
    CHECK_EQ(pv_pin(&dB, 1100, 1, &c), 0);
    CHECK_EQ(get_page_and_type(&table[1100], &dB, PGT_l1, &c), 0);
    /* B's hold is out of A's recount's reach, not a mismatch of A's. */
    CHECK_EQ(audit_with(&hb, 1), 0);
    CHECK_EQ(audit_scoped(&dA, &hb, 1), 0);
    CHECK_EQ(audit_scoped(&dB, &hb, 1), 0);
    /* A wrong count on a frame of A's, mapped or not, is seen. */
    table[121].count_info++;
    CHECK_EQ(audit_scoped(&dA, &hb, 1), 1);
    table[121].count_info--;
    table[900].count_info++;
    CHECK_EQ(audit_scoped(&dA, &hb, 1), 1);
    CHECK_EQ(audit_scoped(&dB, &hb, 1), 0); /* not B's business */
    table[900].count_info--;
    /* A reference from A's table to a free frame is seen. */
    mem[122][9] = PTE(1800, RO);
    CHECK_EQ(audit_scoped(&dA, &hb, 1), 1);
    mem[122][9] = 0;
    /*
     * A's table mapping B's frame (a privileged foreign map): A's quick
     * recount lacks B's own references and B's lacks A's, so neither can
     * say yes; the full one can, and does.
     */
    c.pg_owner = &dB;
    CHECK_EQ(pv_mod_entry(&dA, 120, 20, PTE(1200, RW), 1, false, &c), 0);
    c.pg_owner = NULL;
    CHECK_EQ(audit_with(&hb, 1), 0);
    CHECK(audit_scoped(&dA, &hb, 1) > 0);
    CHECK(audit_scoped(&dB, &hb, 1) > 0);
    CHECK_EQ(pv_mod_entry(&dA, 120, 20, 0, 1, false, &c), 0);
    CHECK_EQ(audit_scoped(&dA, &hb, 1), 0);
}

/* Issue 10: a page of Vesper's shared with its guest (shared_info). */
TEST(hypervisor_shared_page_stays_the_hypervisors)
{
    struct pv_audit_hold h = { 1600, 1, 1 };
    struct pv_mm_ctx c;
    unsigned int level;

    setup();
    c = ctx_for(NULL);
    pv_share_hyp_page(&table[1600], &dA);
    CHECK_EQ(gc(1600), 2);
    CHECK_EQ(tc(1600), 1);
    CHECK_EQ(audit_with(&h, 1), 0);
    /* Never a table or descriptor page, whoever maps it. */
    for (level = 1; level <= 4; level++)
        CHECK_EQ(pv_pin(&dA, 1600, level, &c), -EINVAL);
    /* The guest may map it writable. */
    mem[150][0] = PTE(1600, RW);
    CHECK_EQ(pv_pin(&dA, 150, 1, &c), 0);
    CHECK_EQ(tc(1600), 2);
    CHECK_EQ(audit_with(&h, 1), 0);
    /* Its release drops only the guest's claim; Vesper's stays. */
    CHECK(!pv_release_allocation(&table[1600]));
    CHECK_EQ(gc(1600), 2);
    CHECK(get_page(&table[1600], &dA));
    put_page(&table[1600]);
    CHECK_EQ(pv_unpin(&dA, 150, &c), 0);
    CHECK_EQ(gc(1600), 1);
    CHECK_EQ(tc(1600), 1);
    /* Nothing of the guest's is left: it cannot take the page back. */
    CHECK(!get_page(&table[1600], &dA));
    CHECK_EQ(pv_pin(&dA, 1600, 1, &c), -EINVAL);
    mem[150][0] = PTE(1600, RO);
    CHECK_EQ(pv_pin(&dA, 150, 1, &c), -EBUSY);
    mem[150][0] = 0;
    CHECK_EQ(audit_with(&h, 1), 0);
    /* Vesper lets go: the page is free for Vesper to free. */
    CHECK(pv_unshare_hyp_page(&table[1600]));
    CHECK_EQ(table[1600].count_info, 0);
    CHECK_EQ(table[1600].type_info, 0);
    table[1600].owner = NULL;
    CHECK_EQ(audit(), 0);
}

/* pv-mm.md 2.10 and 9 class 12. */
TEST(descriptor_pages)
{
    struct pv_mm_ctx c = ctx_for(NULL);
    u64 d;
    const u64 code64 = 0x00209a0000000000UL; /* present DPL0 64-bit code */
    const u64 tss = 0x0000890000000000UL;    /* present 64-bit TSS */
    /* Present 64-bit call gate, DPL 3, target selector sel. */
#define GATE(sel) (0x0000ec0000000000UL | ((u64)(sel) << 16) | 0x1234)

    d = code64;
    CHECK_EQ(pv_check_descriptor(&d), 0);
    CHECK_EQ(d, code64 | SEG_DESC_DPL);
    d = 0;
    CHECK_EQ(pv_check_descriptor(&d), 0);
    d = tss;
    CHECK_EQ(pv_check_descriptor(&d), -EINVAL);
    d = 0x00008e0000000000UL; /* interrupt gate */
    CHECK_EQ(pv_check_descriptor(&d), -EINVAL);
    d = GATE(0xe008); /* hypervisor code selector */
    CHECK_EQ(pv_check_descriptor(&d), -EINVAL);
    d = GATE(0);
    CHECK_EQ(pv_check_descriptor(&d), -EINVAL);
    d = GATE(0x10) | (1UL << 32); /* reserved bits */
    CHECK_EQ(pv_check_descriptor(&d), -EINVAL);
    d = GATE(0xe033);
    CHECK_EQ(pv_check_descriptor(&d), 0);
    /* DPL forced to 0, the guest's DPL (3) kept in the selector RPL. */
    CHECK_EQ(d, (GATE(0xe033) & ~SEG_DESC_DPL) | (3UL << 16));
    d = GATE(0x0c); /* an LDT selector */
    CHECK_EQ(pv_check_descriptor(&d), 0);

    setup();
    mem[210][0] = code64;
    mem[210][1] = GATE(0x10);
    mem[210][2] = 0; /* gate upper half */
    mem[211][5] = tss;
    CHECK(get_page(&table[210], &dA));
    CHECK_EQ(get_page_type(&table[210], PGT_seg_desc, &c), 0);
    CHECK_EQ(mem[210][0], code64 | SEG_DESC_DPL);
    CHECK(get_page(&table[211], &dA));
    CHECK_EQ(get_page_type(&table[211], PGT_seg_desc, &c), -EINVAL);
    CHECK_EQ(mem[211][5], tss);
    CHECK_EQ(tc(211), 0);
    put_page(&table[211]);
    /* A live descriptor page cannot be mapped writable or edited as a table. */
    CHECK_EQ(pv_pin(&dA, 212, 1, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 212, 0, PTE(210, RW), 1, false, &c), -EBUSY);
    CHECK_EQ(pv_mod_entry(&dA, 212, 0, PTE(210, RO), 1, false, &c), 0);
    CHECK_EQ(pv_mod_entry(&dA, 210, 0, 0, 1, false, &c), -EINVAL);
    CHECK_EQ(pv_pin(&dA, 210, 1, &c), -EINVAL);
    /* Dropped, its validity is kept lazily until it is written. */
    put_page_type(&table[210], &c);
    CHECK_EQ(ty(210), PGT_seg_desc);
    CHECK_EQ(get_page_type(&table[210], PGT_seg_desc, &c), 0);
    put_page_and_type(&table[210], &c);
    CHECK_EQ(pv_mod_entry(&dA, 212, 1, PTE(210, RW), 1, false, &c), 0);
    CHECK_EQ(ty(210), PGT_writable);
    CHECK_EQ(audit(), 0);
#undef GATE
}

/*
 * Host fuzzing found (tests/fuzz/host/fuzz_pagetype.c): puts that do not
 * drain first (base pointer swaps, GDT/LDT frames) can park several
 * interrupted devalidations, filling every deferred slot; draining the
 * newest then needs a slot for each frame below it that it stops in, and
 * BUG_ON(p->nr_deferred >= PV_DEFER_MAX) fired. The drain must finish
 * such a chain instead, leaving nothing half done.
 */
TEST(drain_with_full_deferred_slots)
{
    struct pv_mm_ctx c = ctx_for(&pre);
    unsigned int calls = 0;
    int rc;

    setup();
    /* Four chains L4 -> L3 -> L2 -> L1, each L1 mapping one data frame. */
    for (mfn_t k = 0; k < 4; k++) {
        mfn_t t = 300 + 4 * k;

        mem[t][0] = PTE(t + 1, TF);
        mem[t + 1][0] = PTE(t + 2, TF);
        mem[t + 2][0] = PTE(t + 3, TF);
        mem[t + 3][0] = PTE(400 + k, RO);
        pre.budget = 64;
        CHECK_EQ(get_page_and_type(&table[t], &dA, PGT_l4, &c), 0);
    }
    CHECK_EQ(audit_with((const struct pv_audit_hold[]){ { 300, 1, 1 },
                                                        { 304, 1, 1 },
                                                        { 308, 1, 1 },
                                                        { 312, 1, 1 } },
                        4),
             0);
    /* Each put with a one-unit budget parks [L4, L3]: 2, 4, 6, 8 slots. */
    for (mfn_t k = 0; k < 4; k++) {
        c.done = 0;
        pre.budget = 1;
        put_page_and_type(&table[300 + 4 * k], &c);
    }
    CHECK_EQ(pre.nr_deferred, PV_DEFER_MAX);
    CHECK_EQ(audit(), 0);
    /* The newest slot's L3 stops again below it: no slot is left. */
    do {
        c.done = 0;
        pre.budget = 1;
        rc = pv_drain_deferred(&c);
        CHECK_EQ(audit(), 0);
    } while (rc == -ERESTART && ++calls < 100);
    CHECK_EQ(rc, 0);
    CHECK_EQ(pre.nr_deferred, 0);
    for (mfn_t m = 300; m < 316; m++) {
        CHECK_EQ(tc(m), 0);
        CHECK_EQ(gc(m), 1); /* only the allocation reference is left */
    }
    for (mfn_t m = 400; m < 404; m++)
        CHECK_EQ(gc(m), 1);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: the PV page-type state machine driven by decoded operation lists. */
#include <string.h>

#include "fuzz_input.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/pagetype.h"
#include "asm/pte.h"
#include "asm/x86.h"

/*
 * A small machine, so random frame numbers collide often: frames [0, 4)
 * free, [4, 8) non-RAM, A owns [8, 40), B owns [40, 56), [56, 64) free.
 * Frame numbers in entries range a little past the table.
 */
#define FRAMES 64
#define IO_FIRST 4
#define A_FIRST 8
#define B_FIRST 40
#define B_END 56
#define MAX_HOLDS 64
#define MAX_STEPS 20000 /* restart loops: far more than any finish needs */

static struct page_info table[FRAMES];
static u64 (*mem)[512];
static struct domain dA, dB;
static u64 template[PV_HYP_L4_SLOTS];
static struct pv_audit_count scratch[FRAMES];
static struct pv_preempt pre;

/* Type references a "vCPU" holds, like base pointers and LDT frames. */
static struct pv_audit_hold holds[MAX_HOLDS];
static u64 hold_type[MAX_HOLDS];
static unsigned int nr_holds;

void *pv_frame_map(mfn_t mfn)
{
    FZ_CHECK(mfn < FRAMES);
    return mem[mfn];
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
    nr_holds = 0;
}

static void check_audit(void)
{
    struct pv_preempt *ps[1] = { &pre };
    struct pv_audit_args a = {
        .holds = holds,
        .nr_holds = nr_holds,
        .preempts = ps,
        .nr_preempts = 1,
        .hyp_l4_slots = template,
        .scratch = scratch,
    };

    FZ_CHECK(pv_audit(table, FRAMES, &a) == 0);
}

/* A stale writable TLB flush request: only counted. */
static unsigned int flushes;
static void count_flush(struct pv_mm_ctx *ctx, struct page_info *pg)
{
    (void)ctx;
    FZ_CHECK(pg >= table && pg < table + FRAMES);
    flushes++;
}

/* Per-call context: the hypercall's policy bits come from the input. */
static struct pv_mm_ctx make_ctx(struct fz *f)
{
    struct pv_mm_ctx c;
    u8 pol = fz_u8(f);

    memset(&c, 0, sizeof(c));
    c.hyp_l4_slots = template;
    c.preempt = &pre;
    pre.budget = 1 + (pol >> 5);
    c.foreign_ok = pol & 1;
    c.io_ok = pol & 2;
    c.cache_ok = pol & 4;
    c.l1tf = pol & 8;
    c.user_global = pol & 16;
    /* A second policy byte: the flush hook and a narrow address width. */
    pol = fz_u8(f);
    if (pol & 1)
        c.flush_writable = count_flush;
    if (pol & 2)
        c.max_mfn = FRAMES - 8 + (pol >> 5);
    return c;
}

static struct domain *pick_dom(u8 b)
{
    return (b & 0x80) ? &dB : &dA;
}

static mfn_t pick_frame(u8 b)
{
    return b % (FRAMES + 4);
}

static const u64 types[] = { PGT_writable, PGT_seg_desc, PGT_l1,
                             PGT_l2,       PGT_l3,       PGT_l4 };

/*
 * Segment descriptors for seg-desc frames: code/data, 64-bit call gates
 * with assorted selectors and DPLs, empty, or anything.
 */
static u64 pick_descriptor(struct fz *f, u8 how)
{
    u64 lo = fz_u32(f), hi = fz_u32(f);

    switch (how % 4) {
    case 0: /* code/data: S and P set, any type, DPL and base/limit */
        return lo | (hi << 32) | SEG_DESC_S | SEG_DESC_P;
    case 1: /* 64-bit call gate: selector in bits 16-31, no IST bits */
        hi = (hi & ~0xffUL & ~(0x1fUL << 8)) | (0xcUL << 8) | (1UL << 15);
        return (lo & 0xffff) | ((u64)(fz_u16(f) % 0xe040) << 16) | (hi << 32);
    case 2:
        return 0;
    default:
        return lo | (hi << 32);
    }
}

/* Entry values: mostly a frame and flag bits, sometimes anything. */
static u64 pick_entry(struct fz *f)
{
    static const u64 bits[8] = { _PAGE_PRESENT, _PAGE_RW,  _PAGE_USER,
                                 _PAGE_PWT,     _PAGE_PCD, _PAGE_ACCESSED,
                                 _PAGE_DIRTY,   _PAGE_PAT };
    u8 kind = fz_u8(f), fl = fz_u8(f), fr = fz_u8(f);
    u64 e = (u64)pick_frame(fr) << PAGE_SHIFT;

    if (kind % 16 == 0)
        return fz_u64(f);
    if (kind % 16 == 1)
        return pick_descriptor(f, fl);
    for (unsigned int i = 0; i < 8; i++)
        if (fl & (1u << i))
            e |= bits[i];
    if (kind & 0x10)
        e |= _PAGE_GLOBAL;
    if (kind & 0x20)
        e |= _PAGE_NX;
    if (kind & 0x40)
        e |= _PAGE_AVAIL;
    if (kind & 0x80)
        e |= _PAGE_GUEST_KERNEL;
    return e;
}

/*
 * A guest writes a frame directly only through a writable mapping: one it
 * holds (the frame is typed writable), or one it makes for the write,
 * which takes and drops a writable type like any mapping does.
 */
static void guest_write(mfn_t m, unsigned int idx, u64 e)
{
    struct page_info *pg = &table[m];
    struct pv_mm_ctx c;

    if (pg->count_info & PGC_io)
        return;
    if (pgt_count(pg) && pgt_type(pg) == PGT_writable) {
        mem[m][idx] = e;
        return;
    }
    memset(&c, 0, sizeof(c));
    c.hyp_l4_slots = template;
    c.preempt = &pre;
    if (!pg->owner || get_page_and_type(pg, pg->owner, PGT_writable, &c))
        return;
    mem[m][idx] = e;
    put_page_and_type(pg, &c);
}

static void op_get(struct fz *f)
{
    u8 a = fz_u8(f);
    mfn_t m = pick_frame(fz_u8(f));
    u64 type = types[(a & 0x7f) % 6];
    struct pv_mm_ctx c = make_ctx(f);

    if (nr_holds == MAX_HOLDS || !mfn_valid(m))
        return;
    if (get_page_and_type(&table[m], pick_dom(a), type, &c) == 0) {
        holds[nr_holds].mfn = m;
        holds[nr_holds].general = 1;
        holds[nr_holds].type = 1;
        hold_type[nr_holds] = type;
        nr_holds++;
    }
}

static void drop_hold(unsigned int i, struct pv_mm_ctx *c)
{
    FZ_CHECK(pgt_type(&table[holds[i].mfn]) == hold_type[i]);
    put_page_and_type(&table[holds[i].mfn], c);
    holds[i] = holds[nr_holds - 1];
    hold_type[i] = hold_type[nr_holds - 1];
    nr_holds--;
}

static void op_put(struct fz *f)
{
    u8 a = fz_u8(f);
    struct pv_mm_ctx c = make_ctx(f);

    if (nr_holds)
        drop_hold(a % nr_holds, &c);
}

static void op_pin(struct fz *f, bool pin)
{
    u8 a = fz_u8(f);
    mfn_t m = pick_frame(fz_u8(f));
    struct pv_mm_ctx c = make_ctx(f);

    if (pin)
        pv_pin(pick_dom(a), m, 1 + (a & 3), &c);
    else
        pv_unpin(pick_dom(a), m, &c);
}

static void op_mod_entry(struct fz *f)
{
    u8 a = fz_u8(f);
    mfn_t m = pick_frame(fz_u8(f));
    unsigned int idx = fz_u16(f) % 520;
    u64 e = pick_entry(f);
    struct pv_mm_ctx c = make_ctx(f);

    /* The foreign owner named by the request (the ABI's FD). */
    if (a & 0x40)
        c.pg_owner = (a & 0x80) ? &dA : &dB;
    pv_mod_entry(pick_dom(a), m, idx, e, 1 + (a & 3), a & 4, &c);
}

static void op_raw_write(struct fz *f)
{
    mfn_t m = pick_frame(fz_u8(f));
    unsigned int idx = fz_u16(f) % 512;
    u64 e = pick_entry(f);

    if (m < FRAMES)
        guest_write(m, idx, e);
}

static void op_drain(struct fz *f)
{
    struct pv_mm_ctx c = make_ctx(f);

    pv_drain_deferred(&c);
}

/* Balloon out: the owner gives up its allocation reference. */
static void op_release(struct fz *f)
{
    mfn_t m = pick_frame(fz_u8(f));

    if (m < FRAMES && table[m].owner && (table[m].count_info & PGC_allocated))
        pv_release_allocation(&table[m]);
}

static void teardown(void)
{
    struct pv_mm_ctx c;
    struct domain *ds[2] = { &dA, &dB };
    unsigned int steps = 0;

    memset(&c, 0, sizeof(c));
    c.hyp_l4_slots = template;
    c.preempt = &pre;
    while (nr_holds) {
        pre.budget = 4;
        drop_hold(nr_holds - 1, &c);
    }
    for (unsigned int i = 0; i < 2; i++) {
        struct pv_relinquish r;
        int rc;

        memset(&r, 0, sizeof(r));
        ds[i]->state = DOM_DYING;
        do {
            pre.budget = 4;
            rc = pv_relinquish_domain_memory(ds[i], &r, &c);
            check_audit();
        } while (rc == -ERESTART && ++steps < MAX_STEPS);
        FZ_CHECK(rc == 0);
        FZ_CHECK(r.forced == 0);
    }
    FZ_CHECK(pre.nr_deferred == 0);
    /* Nothing may be left holding a reference of any kind. */
    for (mfn_t m = 0; m < FRAMES; m++) {
        if (table[m].count_info & PGC_io)
            continue;
        FZ_CHECK(pgc_count(&table[m]) == 0);
        FZ_CHECK(pgt_count(&table[m]) == 0);
        FZ_CHECK(!(table[m].type_info & (PGT_pinned | PGT_partial)));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };

    setup();
    while (fz_more(&f)) {
        switch (fz_u8(&f) % 9) {
        case 0:
            op_get(&f);
            break;
        case 1:
            op_put(&f);
            break;
        case 2:
            op_pin(&f, true);
            break;
        case 3:
            op_pin(&f, false);
            break;
        case 4:
        case 5:
            op_mod_entry(&f);
            break;
        case 6:
            op_raw_write(&f);
            break;
        case 7:
            op_drain(&f);
            break;
        default:
            op_release(&f);
            break;
        }
        check_audit();
    }
    teardown();
    return 0;
}

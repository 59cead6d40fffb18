/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests of grant-table bookkeeping: pins, status bits, maptrack, copies, teardown. */
#include "harness.h"

#include "arch.h"
#include "errno.h"
#include "grant_table.h"
#include "hypercall.h"
#include "mm.h"
#include "sched.h"
#include <public/grant_table.h>

/*
 * hyp/hypercall/grant_table.c runs unchanged against these stubs: guest
 * addresses are host pointers, frames are host pages with a fake
 * page_info each, and the arch hooks record what they were asked (host
 * mappings live in a small table keyed by address).
 */

/* ------------------------------------------------------------- stubs */

void *xmalloc(size_t size)
{
    return malloc(size);
}

void *xzalloc(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

void *alloc_page_va(void)
{
    void *p = aligned_alloc(4096, 4096);

    if (p)
        memset(p, 0, 4096);
    return p;
}

void free_page_va(void *va)
{
    free(va);
}

struct page_info *frame_table;
u64 nr_frames;

#define NR_DOMS 4
static struct domain *doms[NR_DOMS];
static struct vcpu *cur;

struct domain *domain_by_id(domid_t id)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i] && doms[i]->domain_id == id)
            return doms[i];
    return NULL;
}

/* The unit tests keep no zombies: a destroyed domain is gone. */
struct domain *domain_by_id_or_zombie(domid_t id)
{
    return domain_by_id(id);
}

struct vcpu *current_vcpu(void)
{
    return cur;
}

int copy_from_guest(void *dst, u64 va, size_t len)
{
    memcpy(dst, (const void *)(uintptr_t)va, len);
    return 0;
}

int copy_to_guest(u64 va, const void *src, size_t len)
{
    memcpy((void *)(uintptr_t)va, src, len);
    return 0;
}

#define BAD_VA 0xffff800000000000ULL
bool guest_range_ok(u64 va, size_t len)
{
    return va && va < BAD_VA && len;
}

static unsigned int preempt_every; /* 0: never */
static unsigned int preempt_calls, continuations;
static u64 cont_args[3];

bool hypercall_preempt_check(void)
{
    return preempt_every && ++preempt_calls % preempt_every == 0;
}

long hypercall_continue(unsigned int nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    (void)a4;
    (void)a5;
    continuations++;
    cont_args[0] = a1;
    cont_args[1] = a2;
    cont_args[2] = a3;
    return nr;
}

void domain_reap_zombies(void)
{
}

/* Frames: page_info count_info is a plain reference count here. */
#define NR_FR 64
static struct page_info pages[NR_FR];
static u8 *mem[NR_FR];
static bool is_table[NR_FR]; /* a page table: no writable type */

bool arch_get_page(struct page_info *pg, struct domain *d)
{
    if (pg->owner != d || !pg->count_info)
        return false;
    pg->count_info++;
    return true;
}

static bool zap_pending; /* an entry was cleared, no flush yet */
static unsigned int flushes, early_puts;

void arch_put_page(struct page_info *pg)
{
    CHECK(pg->count_info > 1);
    if (zap_pending)
        early_puts++;
    pg->count_info--;
}

bool arch_gnttab_get_writable(struct page_info *pg)
{
    if (is_table[pg - frame_table])
        return false;
    pg->type_info++;
    return true;
}

void arch_gnttab_put_writable(struct page_info *pg)
{
    CHECK(pg->type_info > 0);
    if (zap_pending)
        early_puts++;
    pg->type_info--;
}

void arch_gnttab_share_frame(void *va, struct domain *d)
{
    (void)va;
    (void)d;
}

bool arch_gnttab_unshare_frame(void *va)
{
    (void)va;
    return true;
}

bool arch_gnttab_frame_mapped(const void *va)
{
    (void)va;
    return false;
}

/* Host mappings: address -> (mfn, flags); 0 = empty slot. */
#define NR_PTES 512
static struct {
    u64 addr;
    mfn_t mfn;
    u32 flags;
} ptes[NR_PTES];
static u64 fail_addr; /* creating a mapping here fails */

static int pte_find(u64 addr)
{
    for (int i = 0; i < NR_PTES; i++)
        if (ptes[i].addr == addr)
            return i;
    return -1;
}

int arch_gnttab_create_host_mapping(struct vcpu *v, u64 addr, mfn_t mfn,
                                    u32 flags)
{
    int i = pte_find(addr);

    (void)v;
    if (addr == fail_addr)
        return GNTST_general_error;
    /* The tests never map over a live entry. */
    CHECK(i < 0);
    i = pte_find(0);
    CHECK(i >= 0);
    ptes[i].addr = addr;
    ptes[i].mfn = mfn;
    ptes[i].flags = flags;
    return GNTST_okay;
}

int arch_gnttab_replace_host_mapping(struct vcpu *v, u64 addr, mfn_t mfn,
                                     u64 new_addr, u32 flags)
{
    int i = pte_find(addr);

    (void)v;
    (void)new_addr;
    if (i < 0 || ptes[i].mfn != mfn ||
        (ptes[i].flags & GNTMAP_readonly) != (flags & GNTMAP_readonly))
        return GNTST_general_error;
    ptes[i].addr = 0;
    zap_pending = true;
    return GNTST_okay;
}

void arch_gnttab_flush(struct domain *d)
{
    (void)d;
    flushes++;
    zap_pending = false;
}

void *arch_gnttab_frame_va(mfn_t mfn)
{
    return mem[mfn];
}

void arch_gnttab_audit(struct domain *d, const char *what)
{
    (void)d;
    (void)what;
}

/* ----------------------------------------------------------- fixture */

static struct domain *mkdom(unsigned int slot, domid_t id, bool priv)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    d->domain_id = id;
    d->is_privileged = priv;
    d->max_vcpus = 1;
    d->vcpu[0] = v;
    v->domain = d;
    CHECK_EQ(gnttab_domain_init(d), 0);
    doms[slot] = d;
    return d;
}

static void rmdom(struct domain *d)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i] == d)
            doms[i] = NULL;
    gnttab_release_mappings(d);
    gnttab_domain_destroy(d);
    free(d->vcpu[0]);
    free(d);
}

/* Frame n owned by d with its allocation reference. */
static mfn_t give(struct domain *d, mfn_t n)
{
    pages[n].owner = d;
    pages[n].count_info = 1;
    pages[n].type_info = 0;
    for (int i = 0; i < 4096; i++)
        mem[n][i] = (u8)(n * 7 + i);
    return n;
}

static struct domain *d0, *d1;
static volatile struct grant_entry_v1 *tab1; /* d1's frame 0 */

static void setup(void)
{
    xen_pfn_t f[1];
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1 };

    frame_table = pages;
    nr_frames = NR_FR;
    for (unsigned int i = 0; i < NR_FR; i++) {
        if (!mem[i])
            mem[i] = alloc_page_va();
        memset(&pages[i], 0, sizeof(pages[i]));
        is_table[i] = false;
    }
    memset(ptes, 0, sizeof(ptes));
    fail_addr = 0;
    preempt_every = preempt_calls = continuations = 0;
    flushes = early_puts = 0;
    zap_pending = false;
    d0 = mkdom(0, 0, true);
    d1 = mkdom(1, 1, false);
    /* d1's table frame 0: reach it the way the hypervisor does. */
    cur = d1->vcpu[0];
    set_xen_guest_handle(s.frame_list, f);
    CHECK_EQ(
        do_grant_table_op(GNTTABOP_setup_table, (u64)(uintptr_t)&s, 1, 0, 0),
        0);
    CHECK_EQ(s.status, GNTST_okay);
    /* virt_to_mfn and mfn_to_virt are inverse: back to the host page. */
    tab1 = mfn_to_virt(f[0]);
}

static void teardown(void)
{
    rmdom(d1);
    rmdom(d0);
    cur = NULL;
}

static s16 map(struct domain *by, u64 addr, u32 flags, domid_t dom,
               grant_ref_t ref, grant_handle_t *h)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = addr, .flags = flags, .ref = ref, .dom = dom
    };

    cur = by->vcpu[0];
    CHECK_EQ(
        do_grant_table_op(GNTTABOP_map_grant_ref, (u64)(uintptr_t)&m, 1, 0, 0),
        0);
    if (h)
        *h = m.handle;
    return m.status;
}

/* An unmap by host address and, for a device mapping, its bus address. */
static s16 unmap_dev(struct domain *by, u64 addr, u64 bus, grant_handle_t h)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = addr,
                                        .dev_bus_addr = bus,
                                        .handle = h };

    cur = by->vcpu[0];
    CHECK_EQ(do_grant_table_op(GNTTABOP_unmap_grant_ref, (u64)(uintptr_t)&u, 1,
                               0, 0),
             0);
    return u.status;
}

static s16 unmap(struct domain *by, u64 addr, grant_handle_t h)
{
    return unmap_dev(by, addr, 0, h);
}

static void grant(unsigned int ref, domid_t to, mfn_t frame, u16 flags)
{
    tab1[ref].domid = to;
    tab1[ref].frame = (u32)frame;
    tab1[ref].flags = flags;
}

/* ------------------------------------------------------------- tests */

TEST(fresh_table)
{
    struct gnttab_query_size q = { .dom = 1 };

    setup();
    cur = d0->vcpu[0];
    CHECK_EQ(
        do_grant_table_op(GNTTABOP_query_size, (u64)(uintptr_t)&q, 1, 0, 0), 0);
    CHECK_EQ(q.status, GNTST_okay);
    CHECK_EQ(q.nr_frames, 1);
    CHECK_EQ(q.max_nr_frames, GNTTAB_MAX_FRAMES);
    for (unsigned int i = 0; i < 512; i++)
        CHECK_EQ(tab1[i].flags, 0);
    CHECK(!gnttab_pinned(d1));
    teardown();
}

TEST(map_pins_refs_and_status)
{
    mfn_t a;
    grant_handle_t h1 = 0, h2 = 0;

    setup();
    a = give(d1, 3);
    grant(8, 0, a, GTF_permit_access);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 8, &h1), GNTST_okay);
    CHECK_EQ(tab1[8].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(pages[a].count_info, 2);
    CHECK_EQ(pages[a].type_info, 1);
    CHECK(gnttab_pinned(d1));
    CHECK_EQ(map(d0, 0x2000, GNTMAP_host_map | GNTMAP_readonly, 1, 8, &h2),
             GNTST_okay);
    CHECK(h1 != h2);
    CHECK_EQ(pages[a].count_info, 3);
    CHECK_EQ(pages[a].type_info, 1);
    /* The writer goes first: GTF_writing with it, GTF_reading stays. */
    CHECK_EQ(unmap(d0, 0x1000, h1), GNTST_okay);
    CHECK_EQ(tab1[8].flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(pages[a].type_info, 0);
    CHECK_EQ(unmap(d0, 0x1000, h1), GNTST_bad_handle);
    CHECK_EQ(unmap(d0, 0x1000, h2), GNTST_general_error); /* wrong address */
    CHECK_EQ(unmap(d0, 0x2000, h2), GNTST_okay);
    CHECK_EQ(tab1[8].flags, GTF_permit_access);
    CHECK_EQ(pages[a].count_info, 1);
    CHECK(!gnttab_pinned(d1));
    /* References only ever went after the flush of their batch. */
    CHECK_EQ(early_puts, 0);
    CHECK(flushes >= 2);
    teardown();
}

TEST(refusals_change_nothing)
{
    mfn_t a, pt;
    grant_handle_t h = 0;

    setup();
    a = give(d1, 3);
    pt = give(d1, 4);
    is_table[pt] = true;
    grant(8, 0, a, GTF_permit_access | GTF_readonly);
    grant(9, 5, a, GTF_permit_access);
    grant(10, 0, pt, GTF_permit_access);
    grant(11, 0, 40, GTF_permit_access); /* a frame d1 does not own */
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 8, &h), GNTST_general_error);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 9, &h), GNTST_general_error);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 10, &h), GNTST_general_error);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map | GNTMAP_readonly, 1, 11, &h),
             GNTST_bad_page);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 512, &h), GNTST_bad_gntref);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 7, 8, &h), GNTST_bad_domain);
    /* A writable device mapping of a read-only grant, or of a table. */
    CHECK_EQ(map(d0, 0, GNTMAP_device_map, 1, 8, &h), GNTST_general_error);
    CHECK_EQ(map(d0, 0, GNTMAP_device_map, 1, 10, &h), GNTST_general_error);
    /* A mapping the arch side refuses leaves no pin, bit or reference. */
    fail_addr = 0x1000;
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map | GNTMAP_readonly, 1, 8, &h),
             GNTST_general_error);
    CHECK_EQ(tab1[8].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(tab1[9].flags, GTF_permit_access);
    CHECK_EQ(tab1[10].flags, GTF_permit_access);
    CHECK_EQ(tab1[11].flags, GTF_permit_access);
    CHECK_EQ(pages[a].count_info, 1);
    CHECK_EQ(pages[pt].count_info, 1);
    CHECK_EQ(pages[a].type_info, 0);
    CHECK(!gnttab_pinned(d1));
    teardown();
}

/*
 * A device mapping's references are the handle's: one for the device side
 * (and a writable type if writable), one more for a host side; each side
 * goes with its own unmap, and the mapper's death gives back what is left.
 */
TEST(device_mappings_hold_their_references)
{
    mfn_t a;
    grant_handle_t h = 0, h2 = 0;

    setup();
    a = give(d1, 3);
    grant(8, 0, a, GTF_permit_access);
    CHECK_EQ(map(d0, 0, GNTMAP_device_map, 1, 8, &h), GNTST_okay);
    CHECK_EQ(pages[a].count_info, 2);
    CHECK_EQ(pages[a].type_info, 1);
    CHECK_EQ(tab1[8].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_device_map | GNTMAP_host_map, 1, 8, &h2),
             GNTST_okay);
    CHECK_EQ(pages[a].count_info, 4);
    CHECK_EQ(pages[a].type_info, 3);
    /* The wrong bus address changes nothing. */
    CHECK_EQ(unmap_dev(d0, 0, (u64)(a + 1) << 12, h), GNTST_bad_dev_addr);
    CHECK_EQ(pages[a].count_info, 4);
    CHECK_EQ(unmap_dev(d0, 0, (u64)a << 12, h), GNTST_okay);
    CHECK_EQ(pages[a].count_info, 3);
    CHECK_EQ(unmap_dev(d0, 0, (u64)a << 12, h), GNTST_bad_handle);
    /* h2's host side alone, then its device side at d0's end. */
    CHECK_EQ(unmap(d0, 0x1000, h2), GNTST_okay);
    CHECK_EQ(pages[a].count_info, 2);
    CHECK_EQ(pages[a].type_info, 1);
    CHECK(gnttab_pinned(d1));
    gnttab_release_mappings(d0);
    CHECK_EQ(pages[a].count_info, 1);
    CHECK_EQ(pages[a].type_info, 0);
    CHECK_EQ(tab1[8].flags, GTF_permit_access);
    CHECK(!gnttab_pinned(d1));
    teardown();
}

TEST(pin_counter_limit)
{
    mfn_t a;
    grant_handle_t h[130];
    unsigned int ok = 0;

    setup();
    a = give(d1, 3);
    grant(8, 0, a, GTF_permit_access);
    for (unsigned int i = 0; i < 130; i++)
        ok += map(d0, 0x1000 * (i + 1), GNTMAP_host_map | GNTMAP_readonly, 1, 8,
                  &h[i]) == GNTST_okay;
    /* An 8-bit counter Xen never lets past 128. */
    CHECK_EQ(ok, 128);
    CHECK_EQ(pages[a].count_info, 129);
    for (unsigned int i = 0; i < 128; i++)
        CHECK_EQ(unmap(d0, 0x1000 * (i + 1), h[i]), GNTST_okay);
    CHECK_EQ(pages[a].count_info, 1);
    CHECK_EQ(tab1[8].flags, GTF_permit_access);
    teardown();
}

TEST(handles_reused_oldest_first)
{
    mfn_t a;
    grant_handle_t h1 = 0, h2 = 0, h3 = 0;

    setup();
    a = give(d1, 3);
    grant(8, 0, a, GTF_permit_access);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 8, &h1), GNTST_okay);
    CHECK_EQ(unmap(d0, 0x1000, h1), GNTST_okay);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 8, &h2), GNTST_okay);
    CHECK(h2 != h1);
    CHECK_EQ(unmap(d0, 0x1000, h1), GNTST_bad_handle); /* stale, not h2 */
    CHECK_EQ(unmap(d0, 0x1000, h2), GNTST_okay);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 8, &h3), GNTST_okay);
    CHECK_EQ(unmap(d0, 0x1000, h3), GNTST_okay);
    CHECK_EQ(pages[a].count_info, 1);
    teardown();
}

TEST(mapper_death_releases_pins_not_refs)
{
    mfn_t a;
    grant_handle_t h = 0;

    setup();
    a = give(d1, 3);
    grant(8, 0, a, GTF_permit_access);
    CHECK_EQ(map(d0, 0x1000, GNTMAP_host_map, 1, 8, &h), GNTST_okay);
    gnttab_release_mappings(d0);
    CHECK_EQ(tab1[8].flags, GTF_permit_access);
    CHECK(!gnttab_pinned(d1));
    /* The mapping's references belong to its page-table entry. */
    CHECK_EQ(pages[a].count_info, 2);
    CHECK_EQ(pages[a].type_info, 1);
    CHECK_EQ(unmap(d0, 0x1000, h), GNTST_bad_handle);
    pages[a].count_info = 1;
    pages[a].type_info = 0;
    teardown();
}

TEST(copy_pins_only_while_copying)
{
    mfn_t a, b;
    struct gnttab_copy c;

    setup();
    a = give(d1, 3);
    b = give(d0, 5);
    grant(8, 0, a, GTF_permit_access);
    memset(&c, 0, sizeof(c));
    c.flags = GNTCOPY_source_gref;
    c.source.u.ref = 8;
    c.source.domid = 1;
    c.source.offset = 100;
    c.dest.u.gmfn = b;
    c.dest.domid = DOMID_SELF;
    c.dest.offset = 200;
    c.len = 300;
    cur = d0->vcpu[0];
    CHECK_EQ(do_grant_table_op(GNTTABOP_copy, (u64)(uintptr_t)&c, 1, 0, 0), 0);
    CHECK_EQ(c.status, GNTST_okay);
    CHECK_EQ(memcmp(mem[b] + 200, mem[a] + 100, 300), 0);
    CHECK_EQ(tab1[8].flags, GTF_permit_access);
    CHECK_EQ(pages[a].count_info, 1);
    CHECK_EQ(pages[b].count_info, 1);
    CHECK_EQ(pages[b].type_info, 0);
    c.len = 3997; /* 100 + 3997 > 4096 */
    CHECK_EQ(do_grant_table_op(GNTTABOP_copy, (u64)(uintptr_t)&c, 1, 0, 0), 0);
    CHECK_EQ(c.status, GNTST_bad_copy_arg);
    CHECK_EQ(tab1[8].flags, GTF_permit_access);
    CHECK_EQ(pages[a].count_info, 1);
    teardown();
}

TEST(batches_continue)
{
    mfn_t a;
    struct gnttab_map_grant_ref m[10];
    long rc;

    setup();
    a = give(d1, 3);
    grant(8, 0, a, GTF_permit_access);
    memset(m, 0, sizeof(m));
    for (unsigned int i = 0; i < 10; i++) {
        m[i].host_addr = 0x1000 * (i + 1);
        m[i].flags = GNTMAP_host_map | GNTMAP_readonly;
        m[i].ref = 8;
        m[i].dom = 1;
        m[i].status = 99;
    }
    preempt_every = 4;
    cur = d0->vcpu[0];
    rc = do_grant_table_op(GNTTABOP_map_grant_ref, (u64)(uintptr_t)m, 10, 0, 0);
    /* Stopped before item 3 (the 4th check): list and count advanced. */
    CHECK_EQ(rc, __HYPERVISOR_grant_table_op);
    CHECK_EQ(continuations, 1);
    CHECK_EQ(cont_args[0], GNTTABOP_map_grant_ref);
    CHECK_EQ(cont_args[1], (u64)(uintptr_t)&m[4]);
    CHECK_EQ(cont_args[2], 6);
    CHECK_EQ(m[3].status, GNTST_okay);
    CHECK_EQ(m[4].status, 99);
    preempt_every = 0;
    rc = do_grant_table_op(GNTTABOP_map_grant_ref, cont_args[1],
                           (unsigned int)cont_args[2], 0, 0);
    CHECK_EQ(rc, 0);
    for (unsigned int i = 0; i < 10; i++) {
        CHECK_EQ(m[i].status, GNTST_okay);
        CHECK_EQ(unmap(d0, m[i].host_addr, m[i].handle), GNTST_okay);
    }
    CHECK_EQ(pages[a].count_info, 1);
    teardown();
}

TEST(bad_calls)
{
    struct gnttab_set_version sv = { .version = 2 };

    setup();
    cur = d1->vcpu[0];
    CHECK_EQ(
        do_grant_table_op(GNTTABOP_map_grant_ref, 0x1000, 0x80000000u, 0, 0),
        -EINVAL);
    CHECK_EQ(
        do_grant_table_op(GNTTABOP_map_grant_ref | 0x1000, 0x1000, 0, 0, 0),
        -EINVAL);
    CHECK_EQ(do_grant_table_op(GNTTABOP_copy, BAD_VA, 1, 0, 0), -EFAULT);
    CHECK_EQ(do_grant_table_op(GNTTABOP_transfer, 0x1000, 1, 0, 0),
             -EOPNOTSUPP);
    CHECK_EQ(
        do_grant_table_op(GNTTABOP_set_version, (u64)(uintptr_t)&sv, 1, 0, 0),
        -ENOSYS);
    CHECK_EQ(sv.version, 1);
    CHECK_EQ(do_grant_table_op(13, 0x1000, 1, 0, 0), -ENOSYS);
    teardown();
}

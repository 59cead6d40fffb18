/* SPDX-License-Identifier: MIT */
/* XENMEM_exchange as Xen 4.17's memory_exchange: trades, limits, refusals. */
#include <guest/mm.h>
#include <guest/test.h>
#include <public/memory.h>

/*
 * Frames are taken from the pfns past the start-of-day mapping: mapped
 * nowhere, so only their allocation holds them, which is what Xen's
 * steal_page insists on. Each check uses pfns of its own.
 */
#define LIMIT_BITS 30 /* the order-9 trade must land below 1 GiB */
#define PATTERN 0x5a

static char window[4096]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static char window2[4096]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static unsigned long window_mfn, next_pfn;
static xen_pfn_t in[1024], out[1024];
static unsigned long old_mfn[1024];

static unsigned long *p2m(void)
{
    return (unsigned long *)start_info->mfn_list;
}

/* Map mfn at the window (writable or not); 0 or the hypercall's error. */
static long window_map(unsigned long mfn, int rw)
{
    return HYPERVISOR_update_va_mapping((unsigned long)window,
                                        ((uint64_t)mfn << 12) | PTE_P | PTE_A |
                                            (rw ? PTE_RW | PTE_D : 0),
                                        UVMF_INVLPG);
}

static void window_restore(void)
{
    TEST_EQ(window_map(window_mfn, 1), 0);
}

/* Fill frame mfn (mapped nowhere) with the pattern, then unmap it again. */
static void scribble(unsigned long mfn)
{
    if (window_map(mfn, 1) == 0)
        memset(window, PATTERN, sizeof(window));
    window_restore();
}

/* 1 if frame mfn reads as all zeroes (0 if it cannot be mapped). */
static int zeroed(unsigned long mfn)
{
    int z = 0;

    if (window_map(mfn, 0) == 0) {
        z = 1;
        for (unsigned int i = 0; i < sizeof(window); i++)
            z &= window[i] == 0;
    }
    window_restore();
    return z;
}

/* n fresh pfns: in[] gets their MFNs, out[] the pfns themselves. */
static unsigned long take(unsigned long n)
{
    unsigned long first = next_pfn;

    for (unsigned long i = 0; i < n; i++) {
        in[i] = p2m()[first + i];
        old_mfn[i] = in[i];
        out[i] = first + i;
    }
    next_pfn += n;
    return first;
}

static void setx(struct xen_memory_exchange *x, unsigned long nin,
                 unsigned int oin, unsigned long nout, unsigned int oout,
                 unsigned int flags)
{
    memset(x, 0, sizeof(*x));
    set_xen_guest_handle(x->in.extent_start, in);
    x->in.nr_extents = nin;
    x->in.extent_order = oin;
    x->in.domid = DOMID_SELF;
    set_xen_guest_handle(x->out.extent_start, out);
    x->out.nr_extents = nout;
    x->out.extent_order = oout;
    x->out.mem_flags = flags;
    x->out.domid = DOMID_SELF;
}

static long exchange(struct xen_memory_exchange *x)
{
    return HYPERVISOR_memory_op(XENMEM_exchange, x);
}

/* Our frame still, with its M2P entry, as before the call. */
static int still_ours(unsigned long pfn)
{
    return MM_M2P[p2m()[pfn]] == pfn;
}

/* The guest's side of a trade: its P2M follows the new frames. */
static void adopt(unsigned long pfn, unsigned long mfn, unsigned long n)
{
    for (unsigned long k = 0; k < n; k++)
        p2m()[pfn + k] = mfn + k;
}

static void check_one_for_one(void)
{
    struct xen_memory_exchange x;
    unsigned long pfn = take(1);

    scribble(in[0]);
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), 0);
    TEST_EQ(x.nr_exchanged, 1);
    TEST_CHECK(out[0] != pfn && out[0] != old_mfn[0]);
    TEST_EQ(MM_M2P[out[0]], pfn);
    /* Xen does not copy: the new frame is clean. */
    TEST_CHECK(zeroed(out[0]));
    adopt(pfn, out[0], 1);
}

static void check_contiguous(void)
{
    struct xen_memory_exchange x;
    unsigned long pfn = take(512), m2p_bad = 0, clash = 0;

    /*
     * Below 2 MiB no 512 frames are free together (the first MiB is
     * firmware's): -ENOMEM, and the frames stay ours.
     */
    setx(&x, 512, 0, 1, 9, XENMEMF_address_bits(21));
    TEST_EQ(exchange(&x), -XEN_ENOMEM);
    TEST_EQ(x.nr_exchanged, 0);
    TEST_CHECK(still_ours(pfn) && still_ours(pfn + 511));
    TEST_EQ(out[0], pfn);
    for (unsigned long i = 0; i < 512; i += 97)
        scribble(in[i]);
    setx(&x, 512, 0, 1, 9, XENMEMF_address_bits(LIMIT_BITS));
    TEST_EQ(exchange(&x), 0);
    TEST_EQ(x.nr_exchanged, 512);
    printk("order-9 extent at mfn 0x%lx\n", (unsigned long)out[0]);
    TEST_EQ(out[0] & 511, 0);
    TEST_CHECK(out[0] + 512 <= (1UL << (LIMIT_BITS - 12)));
    for (unsigned long k = 0; k < 512; k++) {
        m2p_bad += MM_M2P[out[0] + k] != pfn + k;
        for (unsigned long i = 0; i < 512; i++)
            clash += out[0] + k == old_mfn[i];
    }
    TEST_EQ(m2p_bad, 0);
    TEST_EQ(clash, 0);
    TEST_CHECK(zeroed(out[0]) && zeroed(out[0] + 97) && zeroed(out[0] + 511));
    adopt(pfn, out[0], 512);
}

/* Bad arguments: Xen's errno, nr_exchanged written back, nothing traded. */
static void check_bad_args(void)
{
    struct xen_memory_exchange x;
    unsigned long pfn = take(2);

    setx(&x, 1, 0, 1, 0, 0);
    x.out.domid = 0;
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    setx(&x, 2, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    setx(&x, 2, 0, 1, 0, 0);
    x.nr_exchanged = 3;
    x.out.nr_extents = 2;
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    TEST_EQ(x.nr_exchanged, 3);
    /* Orders past the largest Xen allows anyone (20). */
    setx(&x, 1, 21, 1 << 21, 0, 0);
    x.nr_exchanged = 0x77;
    TEST_EQ(exchange(&x), -XEN_EPERM);
    TEST_EQ(x.nr_exchanged, 0x77);
    /* A list whose size in frames does not fit a long. */
    setx(&x, 1UL << 56, 9, 1UL << 56, 9, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    /* Done already: nothing to do, 0. */
    setx(&x, 2, 0, 2, 0, 0);
    x.nr_exchanged = 2;
    TEST_EQ(exchange(&x), 0);
    TEST_EQ(out[0], pfn);
    /* Lists in the hypervisor's range; the struct itself there. */
    setx(&x, 1, 0, 1, 0, 0);
    set_xen_guest_handle(x.in.extent_start, (xen_pfn_t *)0xffff800000001000);
    TEST_EQ(exchange(&x), -XEN_EFAULT);
    setx(&x, 1, 0, 1, 0, 0);
    set_xen_guest_handle(x.out.extent_start, (xen_pfn_t *)0xffff800000001000);
    TEST_EQ(exchange(&x), -XEN_EFAULT);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_exchange, (void *)0xffff800000002000),
            -XEN_EFAULT);
    /* No such domain; not a domain one can name. */
    setx(&x, 1, 0, 1, 0, 0);
    x.in.domid = x.out.domid = 1234;
    TEST_EQ(exchange(&x), -XEN_ESRCH);
    x.in.domid = x.out.domid = DOMID_XEN;
    TEST_EQ(exchange(&x), -XEN_ESRCH);
    /* The command takes no progress bits. */
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_exchange | (1 << 6), &x), -XEN_EINVAL);
    /* Not a frame at all. */
    setx(&x, 1, 0, 1, 0, 0);
    in[0] = 1UL << 40;
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    TEST_EQ(x.nr_exchanged, 0);
    /* 13 or 5 address bits: no frame can be that low (-ENOMEM), ours still. */
    take(1);
    setx(&x, 1, 0, 1, 0, XENMEMF_address_bits(13));
    TEST_EQ(exchange(&x), -XEN_ENOMEM);
    TEST_EQ(x.nr_exchanged, 0);
    setx(&x, 1, 0, 1, 0, XENMEMF_address_bits(5));
    TEST_EQ(exchange(&x), -XEN_ENOMEM);
    TEST_CHECK(still_ours(pfn + 2));
    TEST_CHECK(still_ours(pfn) && still_ours(pfn + 1));
}

/* Frames something else holds are refused and stay as they were. */
static void check_refusals(void)
{
    struct xen_memory_exchange x;
    unsigned long pfn, shinfo = start_info->shared_info >> 12;
    struct mmuext_op op;
    unsigned int done;

    /* Mapped once (a frame mapped at the window), and twice. */
    pfn = take(1);
    TEST_EQ(window_map(in[0], 0), 0);
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    TEST_EQ(HYPERVISOR_update_va_mapping(
                (unsigned long)window2, ((uint64_t)in[0] << 12) | PTE_P | PTE_A,
                UVMF_INVLPG),
            0);
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    TEST_EQ(
        HYPERVISOR_update_va_mapping((unsigned long)window2,
                                     ((uint64_t)mm_virt_to_mfn(window2) << 12) |
                                         PTE_P | PTE_A | PTE_RW | PTE_D,
                                     UVMF_INVLPG),
        0);
    window_restore();
    TEST_CHECK(still_ours(pfn));
    /* Unmapped again, it goes. */
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), 0);
    adopt(pfn, out[0], 1);

    /* Pinned as an L1 table (zeroed first so it validates). */
    pfn = take(1);
    TEST_EQ(window_map(in[0], 1), 0);
    memset(window, 0, sizeof(window));
    window_restore();
    op.cmd = MMUEXT_PIN_L1_TABLE;
    op.arg1.mfn = in[0];
    TEST_EQ(HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF), 0);
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    op.cmd = MMUEXT_UNPIN_TABLE;
    TEST_EQ(HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF), 0);
    /* Unpinned, only its allocation holds it: now it goes. */
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), 0);
    adopt(pfn, out[0], 1);

    /* shared_info: a page of Xen's the domain merely shares. */
    take(1);
    in[0] = shinfo;
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);

    /* The same frame twice in one chunk: all of the chunk stays ours. */
    pfn = take(2);
    in[1] = in[0];
    setx(&x, 2, 0, 1, 1, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    TEST_EQ(x.nr_exchanged, 0);
    TEST_CHECK(still_ours(pfn));
    in[0] = p2m()[pfn];
    setx(&x, 1, 0, 1, 0, 0);
    TEST_EQ(exchange(&x), 0);
    adopt(pfn, out[0], 1);

    /* A refusal part-way: the chunks before it are done, and say so. */
    pfn = take(4);
    in[2] = mm_virt_to_mfn(window);
    setx(&x, 4, 0, 4, 0, 0);
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    TEST_EQ(x.nr_exchanged, 2);
    TEST_CHECK(MM_M2P[out[0]] == pfn && MM_M2P[out[1]] == pfn + 1);
    TEST_EQ(out[2], pfn + 2);
    TEST_EQ(out[3], pfn + 3);
    TEST_CHECK(still_ours(pfn + 3));
    adopt(pfn, out[0], 1);
    adopt(pfn + 1, out[1], 1);
}

/* nr_exchanged is where the work resumes; a long list continues. */
static void check_progress(void)
{
    struct xen_memory_exchange x;
    unsigned long pfn = take(8), bad = 0;

    setx(&x, 8, 0, 8, 0, 0);
    x.nr_exchanged = 4;
    TEST_EQ(exchange(&x), 0);
    TEST_EQ(x.nr_exchanged, 8);
    for (unsigned long i = 0; i < 4; i++) {
        bad += out[i] != pfn + i || !still_ours(pfn + i);
        bad += MM_M2P[out[4 + i]] != pfn + 4 + i;
        adopt(pfn + 4 + i, out[4 + i], 1);
    }
    TEST_EQ(bad, 0);

    /* 1024 frames: more than one call's batch, so it continues. */
    pfn = take(1024);
    bad = 0;
    setx(&x, 1024, 0, 1024, 0, 0);
    TEST_EQ(exchange(&x), 0);
    TEST_EQ(x.nr_exchanged, 1024);
    for (unsigned long i = 0; i < 1024; i++) {
        bad += MM_M2P[out[i]] != pfn + i || out[i] == old_mfn[i];
        adopt(pfn + i, out[i], 1);
    }
    TEST_EQ(bad, 0);
}

/* Whose memory, and which node: the domain's role decides (Xen's rules). */
static void check_role(void)
{
    struct xen_memory_exchange x;
    int dom0 = !!(start_info->flags & SIF_INITDOMAIN);
    unsigned long pfn = take(1);

    setx(&x, 1, 0, 1, 0, XENMEMF_exact_node(0));
    if (dom0) {
        /* The hardware domain may name a node, not one past Xen's 64. */
        x.out.mem_flags = XENMEMF_node(70);
        TEST_EQ(exchange(&x), -XEN_EINVAL);
        /* Insisting on node 1, which has no memory: -ENOMEM; node 0 is fine. */
        x.out.mem_flags = XENMEMF_exact_node(1);
        TEST_EQ(exchange(&x), -XEN_ENOMEM);
        TEST_EQ(x.nr_exchanged, 0);
        TEST_CHECK(still_ours(pfn));
        x.out.mem_flags = XENMEMF_exact_node(0);
        TEST_EQ(exchange(&x), 0);
        TEST_EQ(MM_M2P[out[0]], pfn);
        adopt(pfn, out[0], 1);
        return;
    }
    /* Others may not insist on a node, nor trade another's frames. */
    TEST_EQ(exchange(&x), -XEN_EINVAL);
    setx(&x, 1, 0, 1, 0, 0);
    x.in.domid = x.out.domid = 0;
    TEST_EQ(exchange(&x), -XEN_EPERM);
    /* A domU's largest order is 9. */
    setx(&x, 1, 10, 1, 10, 0);
    TEST_EQ(exchange(&x), -XEN_EPERM);
}

void test_main(void)
{
    long res0;

    mm_init();
    window_mfn = mm_virt_to_mfn(window);
    next_pfn = mm_mapped_end_pfn;
    TEST_CHECK(start_info->nr_pages - next_pfn > 2048);
    res0 = mm_current_reservation();
    /* First, while a domU's dom0 is surely still running. */
    check_role();
    check_one_for_one();
    check_contiguous();
    check_bad_args();
    check_refusals();
    check_progress();
    /* A trade changes no count. */
    TEST_EQ(mm_current_reservation(), res0);
}

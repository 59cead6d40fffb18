/* SPDX-License-Identifier: MIT */
/* Hostile hypercall fuzzer: seeded random calls 0-63 with nasty arguments. */
#include <guest/cmdline.h>
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/time.h>
#include <public/console_io.h>
#include <public/physdev.h>

/*
 * Guest command line (module string after "--"):
 *   seed=N        xorshift seed (default 1); the run is a function of it
 *   calls=N       hypercalls to make (default 100000)
 *   replay=1      print every call before issuing it (and its result)
 *   from=K        with replay=1: only from call index K on
 *   progress=N    a progress line every N calls (default 1000)
 *   audit=N       an MMU no-op every N calls, so the hypervisor's auditor
 *                 (audit) recounts every frame (default 64; 0 = never)
 *   exclude=a+b   sub-op classes not to generate (names in fz_class_names)
 *   enable=a+b    classes that are off by default (self-destructive ones)
 * '+' separates names: QEMU splits -initrd module strings at commas.
 *
 * The fuzzer runs as an unprivileged boot-time domU. Every call is drawn
 * from the xorshift stream alone (never from a hypercall's result), so
 * seed and index name a call; the replay log then shows it. It survives
 * its own damage where it can: faults while a call is being made or
 * prepared return to the main loop (fz_setjmp), the trap table and
 * callbacks are loaded again after calls that may have replaced them, and
 * only frames of a private pool, never its own code, data or stack, are
 * given to calls that write or retype them (unless "own-pt" is enabled).
 */

/* ------------------------------------------------------------ classes */

enum fz_class {
    FZ_IRET_BADSEL,   /* HYPERVISOR_iret with bad CS/SS selectors */
    FZ_IRET_BADRIP,   /* iret to random (canonical) RIPs */
    FZ_IRET_NONCANON, /* iret to a non-canonical RIP: Vesper crashes us */
    FZ_IRET_BADRSP,   /* iret with a bad RSP: we cannot survive it */
    FZ_TIMER_HUGE,    /* periodic timers with huge periods */
    FZ_MEM_HUGE,      /* reservation ops with huge counts/orders */
    FZ_SINFO,         /* the shared_info frame as an argument */
    FZ_DBG,           /* set_debugreg/get_debugreg */
    FZ_FOREIGN,       /* other domains' ids */
    FZ_CONSOLE_HUGE,  /* console writes of huge lengths */
    FZ_VCPU_CTX,      /* VCPUOP_initialise/up with random contexts */
    FZ_SEGBASE,       /* set_segment_base */
    FZ_MULTICALL,     /* multicall batches */
    FZ_MC_IRET,       /* iret inside a multicall */
    FZ_MC_HUGE,       /* multicall counts beyond the entries we wrote */
    FZ_VCPU_INFO,     /* register_vcpu_info/runstate/time areas */
    FZ_BLOCK,         /* SCHEDOP_block/poll (always with a wake-up timer) */
    FZ_SHUTDOWN,      /* SCHEDOP_shutdown of ourselves: ends the run */
    FZ_OWN_PT,        /* writes into our own live page tables */
    FZ_NEWBASE,       /* NEW_BASEPTR to pool frames: fatal when valid */
    FZ_NR_CLASSES
};

static const char *const fz_class_names[FZ_NR_CLASSES] = {
    "iret-badsel", "iret-badrip",  "iret-noncanon", "iret-badrsp",
    "timer-huge",  "mem-huge",     "sinfo",         "dbg",
    "foreign",     "console-huge", "vcpu-ctx",      "segbase",
    "multicall",   "mc-iret",      "mc-huge",       "vcpu-info",
    "block",       "shutdown",     "own-pt",        "newbase",
};

/*
 * Off unless enable= names them: each ends the fuzzer domain. (block is
 * on: every wait gets a wake-up it cannot lose, see wake_ready.)
 */
#define FZ_DEFAULT_OFF                                                         \
    ((1u << FZ_IRET_BADRSP) | (1u << FZ_IRET_NONCANON) | (1u << FZ_SHUTDOWN) | \
     (1u << FZ_OWN_PT) | (1u << FZ_NEWBASE) | (1u << FZ_MC_IRET))

static uint32_t fz_off;

static int on(enum fz_class c)
{
    return !(fz_off & (1u << c));
}

/* Parse "a+b+c" into class bits; unknown names are reported. */
static uint32_t parse_classes(const char *key)
{
    char buf[256], *p, *q;
    uint32_t bits = 0;

    if (cmdline_str(key, buf, sizeof(buf)))
        return 0;
    for (p = buf; *p; p = q) {
        unsigned int c;

        for (q = p; *q && *q != '+'; q++)
            ;
        if (*q)
            *q++ = '\0';
        for (c = 0; c < FZ_NR_CLASSES; c++)
            if (!strcmp(p, fz_class_names[c]))
                break;
        if (c < FZ_NR_CLASSES)
            bits |= 1u << c;
        else if (*p)
            printk("fuzz: %s: unknown class '%s'\n", key, p);
    }
    return bits;
}

/* ---------------------------------------------------------- randomness */

static uint64_t rs;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return rs * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

/* True with probability pct percent. */
static int chance(unsigned int pct)
{
    return below(100) < pct;
}

/* Counts: 0, 1, -1, small, medium, huge, random. */
static uint64_t rnd_count(void)
{
    switch (below(10)) {
    case 0:
        return 0;
    case 1:
        return 1;
    case 2:
        return ~0ULL;
    case 3:
        return 0xffffffffULL;
    case 4:
        return 0x80000000ULL + below(4);
    case 5:
        return 1ULL << below(64);
    case 6:
        return rnd();
    default:
        return 2 + below(15);
    }
}

/* A small count that fits our buffers (n entries of up to max). */
static uint64_t small_count(uint64_t max)
{
    return chance(90) ? 1 + below(max) : rnd_count();
}

/* ------------------------------------------------------------- memory */

#define SCRATCH_PAGES 16
#define POOL_PAGES 48

/* Buffers the hypervisor reads and writes; the last page is unmapped. */
static uint8_t scratch[(SCRATCH_PAGES + 1) * MM_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
#define GUARD_VA ((unsigned long)scratch + SCRATCH_PAGES * MM_PAGE_SIZE)

/*
 * shared_info once more, followed by an unmapped page: the address calls
 * are given. The SDK's own mapping is followed by our variables, and a
 * copy-out or a multicall list that starts in shared_info runs on into
 * them (results written over the loop's state, the wake-up's vcpu_info
 * pointer: seed 14 with enable=block); here it stops at the guard.
 */
static uint8_t sinfo_alias[2 * MM_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static uint8_t *sinfo_va;

/*
 * A secondary vCPU's stack (it runs fz_park, and our trap stubs when it
 * faults). Sized and aligned like the SDK's, whose trap code finds the
 * vCPU id at the stack's base.
 */
static uint8_t vcpu1_stack[GUEST_STACK_SIZE]
    __attribute__((aligned(GUEST_STACK_SIZE), section(".bss.page_aligned")));
#define VCPU1_SP ((uint64_t)vcpu1_stack + GUEST_STACK_SIZE - 64)

/* Pool frames: given to page-table, descriptor and reservation calls. */
static uint64_t *pool_va[POOL_PAGES];
static unsigned long pool_mfn[POOL_PAGES];
static unsigned int pool_nr;

static unsigned long own_l4_mfn, sinfo_mfn, m2p_mfn, max_ram;

extern const uint64_t trap_stubs[TRAP_NR_VECTORS];
extern char hypervisor_callback[], failsafe_callback[];
extern char _image_start[], _data_start[], _image_end[];
void fz_park(void);

/* Random bytes into [p, p + n). */
static void fill(void *p, size_t n)
{
    uint8_t *b = p;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t v = rnd();

        memcpy(b + i, &v, 8);
    }
    for (; i < n; i++)
        b[i] = (uint8_t)rnd();
}

/* A scratch buffer of size bytes at a random (8-aligned) offset. */
static void *scratch_buf(size_t size)
{
    size_t room = SCRATCH_PAGES * MM_PAGE_SIZE;

    if (size >= room)
        return scratch;
    return scratch + (below(room - size) & ~7UL);
}

/*
 * A guest pointer for a buffer of size bytes: mostly our scratch, else
 * every kind of address a hypervisor must refuse or handle carefully.
 * *buf gets the writable scratch address the data should go to, or NULL.
 */
static uint64_t rnd_ptr(size_t size, void **buf)
{
    void *p;

    *buf = NULL;
    switch (below(24)) {
    case 0:
        return 0;
    case 1:
        return 0x1000 + below(0xf000);
    case 2: /* straddles the unmapped guard page */
        return GUARD_VA - (size ? below(size) + 1 : 1);
    case 3:
        return GUARD_VA + below(MM_PAGE_SIZE);
    case 4: /* the hypervisor's own range, M2P first */
        return HYPERVISOR_VIRT_START + (below(2) ? below(1UL << 30) : 0);
    case 5:
        return HYPERVISOR_VIRT_START + (rnd() & ((1UL << 43) - 1));
    case 6: /* non-canonical */
        return 0x0000800000000000ULL + (rnd() & 0x00007fffffffffffULL);
    case 7:
        return 0x00007ffffffff000ULL + below(0x1000);
    case 8:
        return ~0ULL - below(64);
    case 9:  /* our page tables (mapped read-only: writes must fail) */
    case 10: /* (the builder maps our text writable, so not that) */
        return start_info->pt_base + below(MM_PAGE_SIZE);
    case 11:
        return (uint64_t)sinfo_va + below(MM_PAGE_SIZE);
    case 12:
        return (uint64_t)pool_va[below(pool_nr)] + below(MM_PAGE_SIZE);
    case 13:
        return rnd();
    case 14: /* misaligned scratch */
        p = scratch_buf(size + 8);
        *buf = (uint8_t *)p + 1 + below(7);
        return (uint64_t)*buf;
    default:
        *buf = scratch_buf(size);
        return (uint64_t)*buf;
    }
}

/* Machine frames: pool, ours, Xen's, others', nonsense. */
enum { MFN_OWN = 1 }; /* may name our own (live) frames */

static unsigned long rnd_mfn(unsigned int flags)
{
    unsigned int r = below(20);

    if (r < 8)
        return pool_mfn[below(pool_nr)];
    if (r < 10 && (flags & MFN_OWN)) {
        unsigned long pfn = below(start_info->nr_pages);

        /*
         * Not our code, though: a write there (update_descriptor of 0
         * into fill(), seed 50) leaves us looping in code of our own
         * making, a stall that says nothing about the hypervisor. Our
         * data, stacks and tables stay fair game.
         */
        if (pfn >= mm_virt_to_pfn(_image_start) &&
            pfn < mm_virt_to_pfn(_data_start))
            return pool_mfn[below(pool_nr)];
        return mm_pfn_to_mfn(pfn);
    }
    if (r == 10 && on(FZ_SINFO))
        return sinfo_mfn;
    if (r == 11)
        return m2p_mfn;
    if (r < 15) { /* anyone's RAM, the victim's included... */
        unsigned long mfn = below(max_ram + 16), pfn;

        if (flags & MFN_OWN || mfn >= max_ram)
            return mfn;
        /* ...but not ours: a call may write it (vcpu_info, clear_page). */
        pfn = MM_M2P[mfn];
        if (pfn < start_info->nr_pages && mm_pfn_to_mfn(pfn) == mfn)
            return pool_mfn[below(pool_nr)];
        return mfn;
    }
    switch (r) {
    case 15:
        return 0;
    case 16:
        return ~0UL;
    case 17:
        return (1UL << 40) + below(16);
    case 18:
        return own_l4_mfn;
    default:
        return rnd() & ((1UL << 52) - 1);
    }
}

/* PTE flags: plausible mixes, or anything at all. */
static uint64_t rnd_pte_bits(void)
{
    static const uint64_t bits[] = { PTE_P,
                                     PTE_RW,
                                     PTE_US,
                                     PTE_PWT,
                                     PTE_PCD,
                                     PTE_A,
                                     PTE_D,
                                     PTE_PSE,
                                     PTE_G,
                                     PTE_NX,
                                     PTE_XEN_GUEST_KERNEL,
                                     PTE_AVAIL0 };
    uint64_t v = 0;

    if (chance(10))
        return rnd() & ~PTE_ADDR_MASK;
    v = PTE_P;
    for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++)
        if (chance(30))
            v ^= bits[i];
    return v;
}

static uint64_t rnd_pte(void)
{
    if (chance(5))
        return rnd();
    return MFN_PTE(rnd_mfn(0), rnd_pte_bits());
}

/* A domain id: ourselves mostly, sometimes anyone. */
static uint64_t rnd_domid(void)
{
    static const uint64_t ids[] = { DOMID_SELF, DOMID_IO,      DOMID_XEN,
                                    DOMID_COW,  DOMID_INVALID, DOMID_IDLE,
                                    2,          0xffff,        0x7fef };

    if (!on(FZ_FOREIGN) || chance(60))
        return chance(90) ? DOMID_SELF : 1; /* 1: our own id */
    if (chance(40))
        return 0; /* the victim */
    if (chance(50))
        return ids[below(ARRAY_SIZE(ids))];
    return rnd() & 0xffff;
}

/* A selector: flat ones, null, hypervisor, random GDT/LDT entries. */
static uint16_t rnd_sel(void)
{
    static const uint16_t sels[] = {
        FLAT_KERNEL_CS, FLAT_KERNEL_SS, FLAT_USER_CS32, 0,      3,
        0x10,           0x08,           0xdf90,         0xe008, 0xe010,
        0xe030,         0xe02b | 4,     0xfffb,         0xffff
    };

    if (chance(70))
        return sels[below(ARRAY_SIZE(sels))];
    return (uint16_t)rnd();
}

/* A virtual address for mapping calls: pool pages, or places we do not use. */
static uint64_t rnd_va(void)
{
    switch (below(8)) {
    case 0:
        return rnd();
    case 1:
        return HYPERVISOR_VIRT_START + (rnd() & ((1UL << 43) - 1));
    case 2:
        return 0x0000800000000000ULL + below(1UL << 40);
    case 3:
        return below(1UL << 47) & ~0xfffUL;
    case 4: /* just past what the builder mapped */
        return (uint64_t)mm_pfn_to_virt(mm_mapped_end_pfn + below(600));
    default:
        return (uint64_t)pool_va[below(pool_nr)] +
               (chance(10) ? below(4096) : 0);
    }
}

/*
 * System time from the TSC and the scale shared_info's vcpu_info had at
 * boot. Not read afresh from a vcpu_info: ours may move (register_vcpu_info)
 * into a page our own calls fill with random bytes, and a deadline drawn
 * from a garbage clock can lie hours ahead, which leaves SCHEDOP_block
 * asleep for good. Vesper's and Xen's clocks run at the TSC's rate, so
 * the boot sample serves for the whole run.
 */
static uint64_t clk_tsc0, clk_sys0;
static uint32_t clk_mul;
static int8_t clk_shift;

static void clock_init(void)
{
    const volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    uint32_t ver;

    do {
        ver = t->version;
        __asm__ volatile("" ::: "memory");
        clk_tsc0 = t->tsc_timestamp;
        clk_sys0 = t->system_time;
        clk_mul = t->tsc_to_system_mul;
        clk_shift = t->tsc_shift;
        __asm__ volatile("" ::: "memory");
    } while ((ver & 1) || t->version != ver);
}

static uint64_t fz_now(void)
{
    return clk_sys0 +
           pvclock_scale(rdtsc_ordered() - clk_tsc0, clk_mul, clk_shift);
}

/* Time values for timers: past, now, soon, far, huge. */
static uint64_t rnd_time(void)
{
    uint64_t now = fz_now();

    switch (below(8)) {
    case 0:
        return 0;
    case 1:
        return now - below(NS_PER_SEC);
    case 2:
        return ~0ULL - below(NS_PER_SEC);
    case 3:
        return 1ULL << (40 + below(24));
    case 4:
        return rnd();
    default:
        return now + 100 * NS_PER_US + below(20 * NS_PER_MS);
    }
}

/* ---------------------------------------------------------- the calls */

struct fz_call {
    uint64_t nr;
    uint64_t a[5];
    int kind;      /* FZ_K_* */
    int own_list;  /* a multicall whose entries (up to 12) we wrote */
    uint64_t x[4]; /* fz_iret's extra arguments */
};

enum { FZ_K_PLAIN, FZ_K_RAW, FZ_K_IRET };

static struct fz_call cur;

/* Trap table entries: our stubs mostly, with odd vectors, flags and CS. */
static void gen_trap_table(struct trap_info *t, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        t[i].vector = chance(70) ? (uint8_t)below(32) : (uint8_t)rnd();
        t[i].flags = chance(70) ? (uint8_t)below(8) : (uint8_t)rnd();
        t[i].cs = chance(60) ? FLAT_KERNEL_CS : rnd_sel();
        t[i]._pad0 = 0;
        t[i].address = chance(60)   ? trap_stubs[below(TRAP_NR_VECTORS)]
                       : chance(50) ? 0
                                    : rnd_va();
    }
}

static void gen_mmu_updates(struct mmu_update *u, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        unsigned int which = (unsigned int)below(10);
        uint64_t ptr;

        if (which < 5) { /* a pool page's own PTE, or a slot in a pool page */
            unsigned int k = (unsigned int)below(pool_nr);

            ptr = which < 3 ? mm_pte_maddr((unsigned long)pool_va[k], 1)
                            : ((uint64_t)pool_mfn[k] << 12) + 8 * below(512);
        } else if (which < 7 && on(FZ_OWN_PT)) {
            ptr = ((uint64_t)mm_pfn_to_mfn(
                       mm_virt_to_pfn((void *)start_info->pt_base) +
                       below(start_info->nr_pt_frames))
                   << 12) +
                  8 * below(512);
        } else if (which < 8) {
            ptr = ((uint64_t)rnd_mfn(on(FZ_OWN_PT) ? MFN_OWN : 0) << 12) +
                  8 * below(512);
        } else {
            ptr = rnd();
        }
        u[i].ptr = (ptr & ~3ULL) | (chance(80) ? 0 : below(4));
        u[i].val = chance(85) ? rnd_pte() : rnd();
    }
}

static void gen_mmuext(struct mmuext_op *o, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        unsigned int cmd =
            chance(90) ? (unsigned int)below(22) : (unsigned int)rnd();
        unsigned long mfn = rnd_mfn(0);

        memset(&o[i], 0, sizeof(o[i]));
        if (cmd == MMUEXT_NEW_BASEPTR && !on(FZ_NEWBASE) && mfn != own_l4_mfn &&
            below(2))
            mfn = own_l4_mfn;
        else if (cmd == MMUEXT_NEW_BASEPTR && !on(FZ_NEWBASE))
            mfn = chance(50) ? own_l4_mfn : (1UL << 40) + below(4);
        o[i].cmd = cmd;
        if (chance(30))
            o[i].arg1.linear_addr = rnd_va();
        else
            o[i].arg1.mfn = mfn;
        switch (below(4)) {
        case 0:
            o[i].arg2.nr_ents = (unsigned int)rnd_count();
            break;
        case 1: {
            void *b;

            o[i].arg2.vcpumask = (const void *)rnd_ptr(8, &b);
            if (b)
                fill(b, 8);
            break;
        }
        case 2:
            o[i].arg2.src_mfn = rnd_mfn(MFN_OWN);
            break;
        default:
            break;
        }
    }
}

/*
 * Kernel-mode frames carry CS and SS with RPL 0 (the hypervisor makes them
 * 3); an RPL 3 CS would ask for user mode, which we have no tables for.
 */
#define KERNEL_FRAME_CS (FLAT_KERNEL_CS & ~3)
#define KERNEL_FRAME_SS (FLAT_KERNEL_SS & ~3)

static void gen_iret(struct fz_call *c)
{
    uint64_t cs = KERNEL_FRAME_CS, ss = KERNEL_FRAME_SS;
    uint64_t rflags = 0x2, flags = 0, rip = 0, rsp = 0;

    if (on(FZ_IRET_BADSEL) && chance(40)) {
        if (chance(50))
            cs = rnd_sel();
        else
            ss = rnd_sel();
        if (chance(10))
            cs = rnd(), ss = rnd();
        cs &= ~3ULL;
        /*
         * The 32-bit user code segment is a legal return (compat mode),
         * whose first fault lands on a truncated stack: we would not
         * survive it, on Xen either. Every other bad selector we do.
         */
        if ((cs & 0xfffc) == (FLAT_USER_CS32 & 0xfffc))
            cs = 0;
    }
    if (chance(30))
        rflags |= rnd() & 0x3f7fd5; /* arithmetic, TF, DF, IOPL, NT, AC... */
    if (chance(30))
        flags = chance(50) ? VGCF_in_syscall : rnd();
    if (on(FZ_IRET_BADRIP) && chance(20)) {
        rip = rnd_va();
        if (!on(FZ_IRET_NONCANON) &&
            rip - 0x0000800000000000ULL < 0xffff000000000000ULL)
            rip &= 0x00007fffffffffffULL;
    }
    if (on(FZ_IRET_BADRSP) && chance(30))
        rsp = chance(50) ? rnd_va() : 0x0000800000000000ULL;
    c->kind = FZ_K_IRET;
    c->x[0] = rip;
    c->x[1] = rsp;
    c->a[0] = cs;
    c->a[1] = ss;
    c->a[2] = rflags;
    c->a[3] = flags;
}

static void gen_vcpu_context(struct vcpu_guest_context *ctx)
{
    int plausible = chance(70);

    if (!plausible) {
        /*
         * Random bytes; mostly with a stack and entry point that let the
         * vCPU live if the hypervisor accepts the rest (one that faults
         * where no bounce frame fits crashes the whole domain).
         */
        fill(ctx, sizeof(*ctx));
        if (chance(80)) {
            ctx->user_regs.rip = (uint64_t)fz_park;
            ctx->user_regs.rsp = VCPU1_SP;
            ctx->user_regs.rbx = 1;
        }
        return;
    }
    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel | (chance(20) ? rnd() & 0x3f : 0);
    ctx->user_regs.rip = (uint64_t)fz_park;
    ctx->user_regs.rsp = VCPU1_SP;
    ctx->user_regs.rbx = 1;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->user_regs.rflags = 0x2;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = ctx->user_regs.rsp;
    ctx->ctrlreg[3] = (uint64_t)own_l4_mfn << 12;
    for (unsigned int v = 0; v < TRAP_NR_VECTORS; v++) {
        ctx->trap_ctxt[v].vector = (uint8_t)v;
        ctx->trap_ctxt[v].cs = FLAT_KERNEL_CS;
        ctx->trap_ctxt[v].address = trap_stubs[v];
    }
    ctx->event_callback_eip = (uint64_t)hypervisor_callback;
    ctx->failsafe_callback_eip = (uint64_t)failsafe_callback;
    if (on(FZ_VCPU_CTX)) {
        if (chance(30))
            ctx->user_regs.cs = rnd_sel();
        if (chance(30))
            ctx->user_regs.ss = rnd_sel();
        if (chance(20))
            ctx->user_regs.ds = rnd_sel(), ctx->user_regs.es = rnd_sel();
        if (chance(20))
            ctx->user_regs.fs = rnd_sel(), ctx->user_regs.gs = rnd_sel();
        if (chance(20))
            ctx->kernel_ss = rnd_sel();
        if (chance(20))
            ctx->user_regs.rflags = rnd();
        if (chance(15))
            ctx->ldt_base = rnd_va(), ctx->ldt_ents = rnd_count();
        if (chance(15)) {
            ctx->gdt_ents = rnd_count();
            for (unsigned int i = 0; i < 16; i++)
                ctx->gdt_frames[i] = rnd_mfn(0);
        }
        if (chance(15))
            ctx->ctrlreg[3] = (uint64_t)rnd_mfn(0) << 12;
        if (chance(10))
            ctx->ctrlreg[1] = (uint64_t)rnd_mfn(0) << 12;
        if (chance(15) && on(FZ_DBG))
            for (unsigned int i = 0; i < 8; i++)
                ctx->debugreg[i] = chance(50) ? rnd() : 0;
        if (chance(15))
            ctx->fs_base = rnd(), ctx->gs_base_kernel = rnd(),
            ctx->gs_base_user = rnd();
        if (chance(15))
            ctx->event_callback_eip = rnd_va(),
            ctx->failsafe_callback_eip = rnd_va(),
            ctx->syscall_callback_eip = rnd_va();
        if (chance(10))
            gen_trap_table(ctx->trap_ctxt, 256);
        if (chance(10))
            ctx->vm_assist = rnd();
        if (chance(10))
            fill(ctx->fpu_ctxt.x, sizeof(ctx->fpu_ctxt.x)),
                ctx->flags |= VGCF_i387_valid;
    }
}

static void gen_one(struct fz_call *c, int depth);

/* Reservation ops (increase, decrease, populate, exchange). */
static void gen_reservation(void *b, uint64_t *arg)
{
    struct xen_memory_reservation *r = b;
    void *eb;
    unsigned int n;

    fill(r, sizeof(*r));
    n = (unsigned int)small_count(16);
    r->extent_start = (xen_pfn_t *)rnd_ptr(8 * (n < 64 ? n : 64), &eb);
    if (eb) {
        for (unsigned int i = 0; i < n && i < 64; i++)
            ((uint64_t *)eb)[i] = chance(80) ? rnd_mfn(MFN_OWN) : rnd();
    }
    r->nr_extents = n;
    if (on(FZ_MEM_HUGE) && chance(10))
        r->nr_extents = rnd_count();
    r->extent_order =
        chance(80) ? 0 : (unsigned int)below(on(FZ_MEM_HUGE) ? 64 : 4);
    r->mem_flags = chance(70) ? 0 : (unsigned int)rnd();
    r->domid = (domid_t)rnd_domid();
    *arg = (uint64_t)b;
}

static void gen_memory_op(struct fz_call *c)
{
    uint64_t cmd = chance(90) ? below(30) : rnd();
    size_t sz = sizeof(struct xen_memory_exchange) + 64;
    void *b;
    uint64_t p = rnd_ptr(sz, &b);

    if (chance(10)) /* a continuation's start extent in the high bits */
        cmd |= rnd() << 6;
    c->a[0] = cmd;
    c->a[1] = p;
    if (!b)
        return;
    switch (cmd & 63) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        gen_reservation(b, &c->a[1]);
        break;
    case XENMEM_exchange: {
        struct xen_memory_exchange *x = b;
        uint64_t dummy;

        gen_reservation(&x->in, &dummy);
        gen_reservation(&x->out, &dummy);
        x->nr_exchanged = chance(80) ? 0 : rnd();
        break;
    }
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        *(domid_t *)b = (domid_t)rnd_domid();
        break;
    case XENMEM_add_to_physmap: {
        struct xen_add_to_physmap *a = b;

        fill(a, sizeof(*a));
        a->domid = (domid_t)rnd_domid();
        a->space = (unsigned int)below(7);
        a->idx = chance(50) ? below(4) : rnd();
        a->gpfn = chance(50) ? below(start_info->nr_pages) : rnd();
        break;
    }
    case XENMEM_machphys_mfn_list:
    case XENMEM_memory_map:
    case XENMEM_machine_memory_map:
    case XENMEM_set_memory_map: {
        uint64_t *w = b;
        void *ob;

        fill(b, 32);
        w[0] = small_count(64); /* max_extents / nr_entries */
        w[1] = rnd_ptr(64 * 24, &ob);
        if (cmd == XENMEM_set_memory_map) {
            *(domid_t *)b = (domid_t)rnd_domid();
            w[1] = small_count(64);
            w[2] = rnd_ptr(64 * 24, &ob);
        }
        if (ob)
            fill(ob, 64 * 20);
        break;
    }
    default:
        fill(b, sz);
        break;
    }
}

static void gen_vcpu_op(struct fz_call *c)
{
    uint64_t cmd = chance(92) ? below(16) : rnd();
    uint64_t vcpu = chance(70) ? below(2) : chance(50) ? below(64) : rnd();
    size_t sz = sizeof(struct vcpu_guest_context);
    void *b;

    c->a[0] = cmd;
    c->a[1] = vcpu;
    /* Our one running vCPU must not go down (nothing would wake it). */
    if (cmd == VCPUOP_down && (uint32_t)vcpu == 0)
        c->a[1] = 1;
    if (cmd == VCPUOP_initialise && !on(FZ_VCPU_CTX) && chance(50))
        c->a[1] = 1;
    c->a[2] = rnd_ptr(sz, &b);
    if (!b)
        return;
    switch (cmd) {
    case VCPUOP_initialise:
        b = scratch_buf(sz);
        c->a[2] = (uint64_t)b;
        gen_vcpu_context(b);
        break;
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer *t = b;

        t->period_ns = chance(50) ? NS_PER_MS + below(50 * NS_PER_MS)
                                  : below(2 * NS_PER_MS);
        if (on(FZ_TIMER_HUGE) && chance(30))
            t->period_ns = chance(50) ? ~0ULL - below(1000) : rnd();
        break;
    }
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer *t = b;

        t->timeout_abs_ns = rnd_time();
        t->flags = chance(70) ? (uint32_t)below(2) : (uint32_t)rnd();
        break;
    }
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_register_vcpu_time_memory_area: {
        uint64_t *w = b;
        void *ab;

        if (!on(FZ_VCPU_INFO)) {
            c->a[0] = VCPUOP_is_up;
            break;
        }
        w[0] = rnd_ptr(64, &ab);
        break;
    }
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info *r = b;

        if (!on(FZ_VCPU_INFO)) {
            c->a[0] = VCPUOP_is_up;
            break;
        }
        r->mfn =
            chance(50) ? mm_virt_to_mfn(scratch_buf(MM_PAGE_SIZE)) : rnd_mfn(0);
        r->offset = chance(70) ? below(64) * 64 : (uint32_t)rnd();
        r->rsvd = chance(80) ? 0 : (uint32_t)rnd();
        break;
    }
    default:
        fill(b, 64);
        break;
    }
}

static void gen_evtchn(void *b, uint64_t cmd)
{
    uint32_t *w = b;

    fill(b, 64);
    /* Ports: real-looking, boundary or random; domains; vCPUs; VIRQs. */
    for (unsigned int i = 0; i < 4; i++)
        if (chance(70))
            w[i] = chance(70)   ? (uint32_t)below(80)
                   : chance(50) ? (uint32_t)(1u << below(18)) - below(2)
                                : (uint32_t)rnd();
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
    case EVTCHNOP_bind_interdomain:
    case EVTCHNOP_reset:
    case EVTCHNOP_status:
        *(domid_t *)b = (domid_t)rnd_domid();
        if (cmd == EVTCHNOP_alloc_unbound || cmd == EVTCHNOP_bind_interdomain)
            ((domid_t *)b)[1] = (domid_t)rnd_domid();
        break;
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array: {
        uint64_t *q = b;

        q[0] = rnd_mfn(0);
        if (cmd == EVTCHNOP_init_control) {
            w[2] = chance(70) ? (uint32_t)below(64) * 64 : (uint32_t)rnd();
            w[3] = (uint32_t)below(3);
        }
        break;
    }
    default:
        break;
    }
}

static void gen_sched_op(struct fz_call *c)
{
    uint64_t cmd = chance(95) ? below(9) : rnd();
    void *b;

    c->a[0] = cmd;
    c->a[1] = rnd_ptr(64, &b);
    if (cmd == SCHEDOP_shutdown && !on(FZ_SHUTDOWN))
        c->a[0] = cmd = SCHEDOP_shutdown_code;
    if ((cmd == SCHEDOP_block || cmd == SCHEDOP_poll) && !on(FZ_BLOCK))
        c->a[0] = cmd = SCHEDOP_yield;
    if (!b)
        return;
    fill(b, 64);
    switch (cmd) {
    case SCHEDOP_shutdown:
    case SCHEDOP_shutdown_code:
        *(uint32_t *)b = chance(70) ? (uint32_t)below(8) : (uint32_t)rnd();
        if (cmd == SCHEDOP_shutdown_code && chance(70))
            *(uint32_t *)b = SHUTDOWN_poweroff;
        break;
    case SCHEDOP_poll: {
        struct sched_poll *sp = b;
        void *pb;

        sp->nr_ports = (unsigned int)small_count(8);
        sp->ports = (evtchn_port_t *)rnd_ptr(32, &pb);
        if (pb)
            gen_evtchn(pb, EVTCHNOP_send);
        /* A poll must end: a few ms at most (our caller sets a timer too). */
        sp->timeout = fz_now() + 100 * NS_PER_US + below(3 * NS_PER_MS);
        break;
    }
    case SCHEDOP_remote_shutdown:
        ((domid_t *)b)[0] = chance(50) ? 0 : (domid_t)rnd_domid();
        if (((domid_t *)b)[0] == DOMID_SELF || ((domid_t *)b)[0] == 1) {
            if (!on(FZ_SHUTDOWN))
                ((domid_t *)b)[0] = 0x7fef;
        }
        break;
    case SCHEDOP_watchdog:
        /* A running watchdog would shut us down: only ids, no timeouts. */
        ((uint32_t *)b)[1] = 0;
        break;
    default:
        break;
    }
}

/* Calls a multicall entry may hold: whatever gen_one makes, flattened. */
static void gen_multicall(struct fz_call *c, int depth)
{
    unsigned int n = (unsigned int)small_count(12);
    size_t sz;

    /* Beyond 12 the hypervisor runs whatever old junk follows our list. */
    if (n > 12 && !on(FZ_MC_HUGE))
        n = 1 + n % 12;
    sz = sizeof(struct multicall_entry) * (n < 12 ? n : 12);
    void *b;

    c->a[0] = rnd_ptr(sz, &b);
    c->a[1] = n;
    if (!b)
        return;
    c->own_list = 1;
    for (unsigned int i = 0; i < n && i < 12; i++) {
        struct multicall_entry *e = (struct multicall_entry *)b + i;
        struct fz_call sub;

        memset(&sub, 0, sizeof(sub));
        gen_one(&sub, depth + 1);
        e->op = sub.nr;
        e->result = rnd();
        for (unsigned int k = 0; k < 5; k++)
            e->args[k] = sub.a[k];
        e->args[5] = rnd();
        /* Never block or iret inside a batch unless told to. */
        if (sub.kind == FZ_K_IRET && !on(FZ_MC_IRET))
            e->op = __HYPERVISOR_xen_version;
        if (e->op == __HYPERVISOR_sched_op &&
            ((uint32_t)e->args[0] == SCHEDOP_block ||
             (uint32_t)e->args[0] == SCHEDOP_poll))
            e->args[0] = SCHEDOP_yield;
    }
}

/* Hypercall numbers weighted towards the ones that do something. */
static uint64_t pick_nr(void)
{
    static const uint8_t common[] = {
        __HYPERVISOR_mmu_update,
        __HYPERVISOR_mmu_update,
        __HYPERVISOR_mmuext_op,
        __HYPERVISOR_mmuext_op,
        __HYPERVISOR_update_va_mapping,
        __HYPERVISOR_update_va_mapping,
        __HYPERVISOR_memory_op,
        __HYPERVISOR_memory_op,
        __HYPERVISOR_memory_op,
        __HYPERVISOR_event_channel_op,
        __HYPERVISOR_event_channel_op,
        __HYPERVISOR_event_channel_op,
        __HYPERVISOR_vcpu_op,
        __HYPERVISOR_vcpu_op,
        __HYPERVISOR_multicall,
        __HYPERVISOR_iret,
        __HYPERVISOR_iret,
        __HYPERVISOR_sched_op,
        __HYPERVISOR_set_trap_table,
        __HYPERVISOR_set_gdt,
        __HYPERVISOR_update_descriptor,
        __HYPERVISOR_set_segment_base,
        __HYPERVISOR_set_callbacks,
        __HYPERVISOR_callback_op,
        __HYPERVISOR_set_timer_op,
        __HYPERVISOR_xen_version,
        __HYPERVISOR_console_io,
        __HYPERVISOR_vm_assist,
        __HYPERVISOR_stack_switch,
        __HYPERVISOR_fpu_taskswitch,
        __HYPERVISOR_set_debugreg,
        __HYPERVISOR_get_debugreg,
        __HYPERVISOR_update_va_mapping_otherdomain,
        __HYPERVISOR_event_channel_op_compat,
        __HYPERVISOR_physdev_op,
        __HYPERVISOR_grant_table_op,
    };

    if (chance(85))
        return common[below(ARRAY_SIZE(common))];
    if (chance(90))
        return below(64);
    return chance(50) ? 64 + below(64) : rnd();
}

/* One call's number and arguments, and the buffers they point at. */
static void gen_one(struct fz_call *c, int depth)
{
    void *b;
    uint64_t nr;

    for (;;) {
        nr = pick_nr();
        if (nr == __HYPERVISOR_multicall && (depth || !on(FZ_MULTICALL)))
            continue;
        if ((nr == __HYPERVISOR_set_debugreg ||
             nr == __HYPERVISOR_get_debugreg) &&
            !on(FZ_DBG))
            continue;
        if (nr == __HYPERVISOR_set_segment_base && !on(FZ_SEGBASE))
            continue;
        break;
    }
    c->nr = nr;
    c->kind = chance(5) ? FZ_K_RAW : FZ_K_PLAIN;
    for (unsigned int k = 0; k < 5; k++)
        c->a[k] = chance(50) ? rnd_count() : rnd();

    switch (nr) {
    case __HYPERVISOR_set_trap_table: {
        unsigned int n = (unsigned int)below(40);

        c->a[0] = rnd_ptr(16 * (n + 1), &b);
        if (b) {
            gen_trap_table(b, n);
            memset((struct trap_info *)b + n, 0, sizeof(struct trap_info));
        }
        break;
    }
    case __HYPERVISOR_mmu_update:
    case __HYPERVISOR_mmuext_op: {
        unsigned int n = (unsigned int)small_count(16);
        size_t each = nr == __HYPERVISOR_mmu_update ? sizeof(struct mmu_update)
                                                    : sizeof(struct mmuext_op);
        void *db;

        c->a[0] = rnd_ptr(each * (n < 16 ? n : 16), &b);
        c->a[1] = n;
        if (chance(5))
            c->a[1] |= MMU_UPDATE_PREEMPTED;
        c->a[2] = chance(30) ? 0 : rnd_ptr(4, &db);
        c->a[3] = rnd_domid();
        if (b && nr == __HYPERVISOR_mmu_update)
            gen_mmu_updates(b, n < 16 ? n : 16);
        else if (b)
            gen_mmuext(b, n < 16 ? n : 16);
        break;
    }
    case __HYPERVISOR_set_gdt: {
        unsigned int n = (unsigned int)below(17);

        c->a[0] = rnd_ptr(8 * 16, &b);
        c->a[1] = chance(70) ? below(n * 512 + 1) : rnd_count();
        if (b)
            for (unsigned int i = 0; i < 16; i++)
                ((uint64_t *)b)[i] = rnd_mfn(0);
        break;
    }
    case __HYPERVISOR_stack_switch:
        c->a[0] = rnd_sel();
        c->a[1] = chance(50) ? rnd_va() : rnd();
        break;
    case __HYPERVISOR_set_callbacks:
        c->a[0] = chance(50) ? rnd_va() : (uint64_t)trap_stubs[below(20)];
        c->a[1] = rnd_va();
        c->a[2] = rnd_va();
        break;
    case __HYPERVISOR_fpu_taskswitch:
        c->a[0] = below(3);
        break;
    case __HYPERVISOR_set_debugreg:
        c->a[0] = chance(80) ? below(10) : rnd();
        c->a[1] = chance(50) ? rnd_va() : rnd();
        break;
    case __HYPERVISOR_get_debugreg:
        c->a[0] = chance(80) ? below(10) : rnd();
        break;
    case __HYPERVISOR_update_descriptor:
        c->a[0] = ((uint64_t)rnd_mfn(MFN_OWN) << 12) +
                  (chance(80) ? 8 * below(512) : below(4096));
        c->a[1] = chance(30) ? 0 : rnd();
        if (chance(40)) /* flat code/data, call gates, system segments */
            c->a[1] = (rnd() & 0xff0f00ff0000ffffULL) |
                      ((uint64_t)(0x8000 | (below(4) << 13) | (below(32) << 8))
                       << 32);
        break;
    case __HYPERVISOR_memory_op:
        gen_memory_op(c);
        break;
    case __HYPERVISOR_multicall:
        gen_multicall(c, depth);
        break;
    case __HYPERVISOR_update_va_mapping:
    case __HYPERVISOR_update_va_mapping_otherdomain:
        c->a[0] = rnd_va();
        c->a[1] = rnd_pte();
        c->a[2] = chance(70) ? below(8) : rnd();
        if (c->a[2] & 4) { /* UVMF_MULTI: a vcpumask pointer above bit 2 */
            c->a[2] = (rnd_ptr(8, &b) & ~7ULL) | (c->a[2] & 3);
            if (b)
                fill(b, 8);
        }
        c->a[3] = rnd_domid();
        break;
    case __HYPERVISOR_set_timer_op:
        c->a[0] = rnd_time();
        break;
    case __HYPERVISOR_event_channel_op_compat:
        c->a[0] = rnd_ptr(64, &b);
        if (b) {
            ((uint32_t *)b)[0] =
                chance(90) ? (uint32_t)below(16) : (uint32_t)rnd();
            gen_evtchn((uint8_t *)b + 8, ((uint32_t *)b)[0]);
        }
        break;
    case __HYPERVISOR_xen_version:
        c->a[0] = chance(90) ? below(16) : rnd();
        c->a[1] = rnd_ptr(1024, &b);
        break;
    case __HYPERVISOR_console_io:
        c->a[0] = chance(90) ? below(3) : rnd();
        c->a[1] = below(48);
        c->a[2] = rnd_ptr(64, &b);
        if (b) { /* printable junk, so the log stays readable */
            for (unsigned int i = 0; i < 64; i++)
                ((char *)b)[i] = (char)(' ' + below(95));
        } else if (on(FZ_CONSOLE_HUGE) && chance(30)) {
            c->a[1] = rnd_count();
        }
        break;
    case __HYPERVISOR_vm_assist:
        c->a[0] = below(3);
        c->a[1] = chance(80) ? below(40) : rnd();
        break;
    case __HYPERVISOR_iret:
        gen_iret(c);
        break;
    case __HYPERVISOR_vcpu_op:
        gen_vcpu_op(c);
        break;
    case __HYPERVISOR_set_segment_base:
        c->a[0] = chance(90) ? below(5) : rnd();
        c->a[1] = chance(40) ? rnd_sel() : chance(50) ? rnd_va() : rnd();
        break;
    case __HYPERVISOR_sched_op:
        gen_sched_op(c);
        break;
    case __HYPERVISOR_callback_op:
        c->a[0] = below(3);
        c->a[1] = rnd_ptr(32, &b);
        if (b) {
            uint32_t *w = b;

            w[0] = chance(80) ? (uint32_t)below(8) : (uint32_t)rnd();
            w[1] = chance(80) ? (uint32_t)below(2) : (uint32_t)rnd();
            ((uint64_t *)b)[1] =
                chance(50) ? rnd_va() : (uint64_t)trap_stubs[below(20)];
        }
        break;
    case __HYPERVISOR_event_channel_op:
        c->a[0] = chance(92) ? below(16) : rnd();
        c->a[1] = rnd_ptr(64, &b);
        if (b)
            gen_evtchn(b, c->a[0]);
        break;
    case __HYPERVISOR_physdev_op:
        c->a[0] = chance(90) ? below(32) : rnd();
        c->a[1] = rnd_ptr(64, &b);
        if (b)
            fill(b, 64);
        break;
    default:
        /* Unknown or unimplemented: random arguments, some pointing at junk. */
        if (chance(50)) {
            c->a[1] = rnd_ptr(256, &b);
            if (b)
                fill(b, 256);
        }
        break;
    }
}

/* ----------------------------------------------------- staying alive */

struct fz_jmp {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

long fz_setjmp(struct fz_jmp *j) __attribute__((returns_twice));
long fz_iret(uint64_t cs, uint64_t ss, uint64_t rflags, uint64_t flags,
             uint64_t rip, uint64_t rsp);
#define FZ_IRET_LANDED 0x1a4d

static struct fz_jmp jb;
static volatile int armed;
static volatile uint64_t faults, upcalls, idx;
static uint64_t log_from = ~0ULL;

/* Any exception while armed: back to the loop, as if the call failed. */
static int fz_fault(struct trap_frame *f)
{
    unsigned long lo = (unsigned long)vcpu1_stack;

    if (f->rsp >= lo && f->rsp < lo + GUEST_STACK_SIZE) {
        /* The secondary vCPU took a fault: park it again. */
        f->rip = (uint64_t)fz_park;
        f->rsp = VCPU1_SP;
        f->rflags = 0x2;
        f->rbx = 1;
        f->cs = KERNEL_FRAME_CS;
        f->ss = KERNEL_FRAME_SS;
        return 1;
    }
    if (f->vector == 2) /* NMI: nothing to do */
        return 1;
    if (!armed)
        return 0;
    faults++;
    if (idx >= log_from)
        printk("fuzz: #%lu fault vector %lu ec 0x%lx rip 0x%lx cr2 0x%lx\n",
               (unsigned long)idx, (unsigned long)f->vector,
               (unsigned long)f->error_code, (unsigned long)f->rip,
               (unsigned long)f->cr2);
    armed = 0;
    f->rbx = jb.rbx;
    f->rbp = jb.rbp;
    f->r12 = jb.r12;
    f->r13 = jb.r13;
    f->r14 = jb.r14;
    f->r15 = jb.r15;
    f->rsp = jb.rsp;
    f->rip = jb.rip;
    f->rax = 1;
    f->rflags = 0x2; /* no TF, events masked */
    f->cs = KERNEL_FRAME_CS;
    f->ss = KERNEL_FRAME_SS;
    return 1;
}

/* ------------------------------------------------ staying wakeable */

/*
 * Where vCPU 0's vcpu_info lives. It starts in shared_info; one
 * VCPUOP_register_vcpu_info of ours may move it (once: Xen and Vesper
 * refuse a second), to a scratch or pool frame, which we then reach
 * through vi_window, or to the shared_info frame itself. NULL: it moved
 * somewhere we did not see (a call list we could not read), and every
 * wait would be a gamble: blocking calls then become yields.
 *
 * The upcall handler, the masking in rearm() and the wake-up below must
 * all use this one: the slot in shared_info is dead once it moved, and
 * clearing only that one leaves evtchn_pending_sel set in the live copy,
 * so that no later event raises evtchn_upcall_pending and a block never
 * ends, on Xen too.
 */
static volatile struct vcpu_info *vi;
static uintptr_t vi_chk; /* ~vi: a stray write to vi is noticed */
static uint8_t vi_window[MM_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
/* A frame of ours no call is given: where we move it if we lost track. */
static uint8_t vi_spare[MM_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
/*
 * Set while a poll or a multicall over old entries runs: events stay
 * enabled and every upcall arms the next tick (fz_upcall). Even a poll of
 * a struct we wrote may have lost its timeout by then: the hypervisor's
 * runstate and time-area writes and wk_clear's vcpu_info (any of them
 * may sit in scratch) can land on it.
 */
static volatile int in_open_wait;

/* Our own timer and IPI ports on vCPU 0, re-checked before each wait. */
static evtchn_port_t wk_timer, wk_ipi;
static uint64_t wk_lost_at = ~0ULL; /* call index where vi went NULL */
static uint64_t wk_waits, wk_skipped, wk_resets; /* for the last line */

static void vi_set(volatile struct vcpu_info *p)
{
    vi = p;
    vi_chk = ~(uintptr_t)p;
}

static void vi_lose(const char *why)
{
    if (!vi && !~vi_chk)
        return;
    vi_set(NULL);
    wk_lost_at = idx;
    printk("fuzz: #%lu wake-up: lost track of vcpu_info (%s): blocking "
           "calls become yields\n",
           (unsigned long)idx, why);
}

/* vCPU 0's vcpu_info is now at (mfn, offset): find a writable alias. */
static void vi_moved(uint64_t mfn, uint32_t offset)
{
    if (idx >= log_from)
        printk("fuzz: #%lu vcpu_info moved to mfn 0x%lx offset 0x%x\n",
               (unsigned long)idx, (unsigned long)mfn, offset);
    if (offset > MM_PAGE_SIZE - sizeof(struct vcpu_info)) {
        vi_lose("offset out of range");
        return;
    }
    if (mfn == sinfo_mfn) {
        vi_set((volatile struct vcpu_info *)((uint8_t *)shared_info + offset));
        return;
    }
    if (mfn == mm_virt_to_mfn(vi_spare)) {
        vi_set((volatile struct vcpu_info *)(vi_spare + offset));
        return;
    }
    if (HYPERVISOR_update_va_mapping(
            (unsigned long)vi_window,
            MFN_PTE(mfn, PTE_P | PTE_RW | PTE_A | PTE_D), UVMF_INVLPG)) {
        vi_lose("cannot map its frame");
        return;
    }
    vi_set((volatile struct vcpu_info *)(vi_window + offset));
}

/* vi, unless a stray write changed it (then we have lost track). */
static volatile struct vcpu_info *live_vi(void)
{
    if ((uintptr_t)vi != ~vi_chk) {
        vi_chk = 0; /* vi_lose must not take it for lost already */
        vi_lose("its pointer was overwritten");
    }
    return vi;
}

/* Is [p, p + n) inside memory we can read without faulting? */
static int readable(uint64_t p, size_t n)
{
    uint64_t sc = (uint64_t)scratch, sh = (uint64_t)sinfo_va;

    if (p >= sc && p <= GUARD_VA && n <= GUARD_VA - p)
        return 1;
    return p >= sh && p <= sh + MM_PAGE_SIZE && n <= sh + MM_PAGE_SIZE - p;
}

/*
 * A register_vcpu_info for vCPU 0 (the hypervisor takes cmd and vCPU as
 * 32-bit values) as the call or multicall entry args: fills *r with what
 * the hypervisor will read. 0: not one; 1: one, *r valid; -1: one whose
 * argument we cannot read.
 */
static int reg_vi_args(const uint64_t *args, struct vcpu_register_vcpu_info *r)
{
    if ((uint32_t)args[0] != VCPUOP_register_vcpu_info || (uint32_t)args[1])
        return 0;
    if (!readable(args[2], sizeof(*r)))
        return -1;
    memcpy(r, (const void *)args[2], sizeof(*r));
    return 1;
}

/*
 * Multicall entries that may move vcpu_info: remembered before the batch
 * (an entry's own or an earlier entry's output may overwrite the argument)
 * and judged by the result the hypervisor wrote into the entry.
 */
#define MC_TRACK 8
static struct {
    struct multicall_entry *e;
    struct vcpu_register_vcpu_info r;
    int ok;
} mc_reg[MC_TRACK];
static unsigned int mc_nreg;

static void track_before(const struct fz_call *c)
{
    uint64_t n = (uint32_t)c->a[1], p = c->a[0];

    mc_nreg = 0;
    if (c->nr != __HYPERVISOR_multicall || c->kind == FZ_K_IRET)
        return;
    /*
     * The hypervisor reads entries until the count or a fault: lists in
     * scratch end at the guard page. Lists elsewhere (our image, pool
     * pages) we read as far as we can; what lies beyond is checked before
     * the next wait instead (wake_ready).
     */
    for (uint64_t i = 0; i < n; i++, p += sizeof(struct multicall_entry)) {
        struct multicall_entry *e = (struct multicall_entry *)p;
        struct vcpu_register_vcpu_info r;
        int k;

        if (!readable(p, sizeof(*e)))
            break;
        if (e->op != __HYPERVISOR_vcpu_op)
            continue;
        k = reg_vi_args(e->args, &r);
        if (!k)
            continue;
        if (mc_nreg == MC_TRACK)
            break;
        mc_reg[mc_nreg].e = e;
        mc_reg[mc_nreg].r = r;
        mc_reg[mc_nreg].ok = k > 0;
        mc_nreg++;
    }
}

static void track_after(const struct fz_call *c, int reg_kind,
                        const struct vcpu_register_vcpu_info *r, long rc)
{
    if (!live_vi())
        return;
    if (reg_kind && rc == 0) {
        if (reg_kind > 0)
            vi_moved(r->mfn, r->offset);
        else
            vi_lose("moved by an unreadable argument");
        return;
    }
    if (c->nr != __HYPERVISOR_multicall)
        return;
    for (unsigned int i = 0; i < mc_nreg; i++) {
        if (mc_reg[i].e->result != 0)
            continue;
        if (mc_reg[i].ok)
            vi_moved(mc_reg[i].r.mfn, mc_reg[i].r.offset);
        else
            vi_lose("moved by an unreadable multicall argument");
        return;
    }
}

/* Upcalls: forget whatever is pending and go back with events masked. */
static void fz_upcall(struct trap_frame *f)
{
    upcalls++;
    if (live_vi()) {
        vi->evtchn_upcall_pending = 0;
        vi->evtchn_pending_sel = 0;
    }
    shared_info->vcpu_info[0].evtchn_upcall_pending = 0;
    shared_info->vcpu_info[0].evtchn_pending_sel = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(shared_info->evtchn_pending); i++)
        shared_info->evtchn_pending[i] = 0;
    /*
     * A poll that runs with events masked ignores an event that came
     * before it began, and sleeps on (seed 8 while this was built: the
     * tick fired between set_timer_op and a poll of no ports); one that
     * finds an upcall deliverable returns at once. So during such calls
     * events stay enabled and every upcall arms the next tick, for
     * whatever waits next.
     */
    if (in_open_wait) {
        HYPERVISOR_set_timer_op(fz_now() + NS_PER_MS);
        return;
    }
    f->rflags &= ~0x200ULL;
}

/* Load our trap table, callbacks and stack again. */
static void rearm(void)
{
    struct callback_register cb = { .type = CALLBACKTYPE_event,
                                    .address = (uint64_t)hypervisor_callback };

    traps_init();
    HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
    cb.type = CALLBACKTYPE_failsafe;
    cb.address = (uint64_t)failsafe_callback;
    HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
    cb.type = CALLBACKTYPE_nmi;
    cb.address = trap_stubs[2];
    HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
    HYPERVISOR_fpu_taskswitch(0);
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    if (live_vi())
        vi->evtchn_upcall_mask = 1;
}

/* Is port ours on vCPU 0 with this status (and VIRQ)? */
static int port_is(evtchn_port_t port, uint32_t status, uint32_t virq)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    if (!port || HYPERVISOR_event_channel_op(EVTCHNOP_status, &st))
        return 0;
    return st.status == status && st.vcpu == 0 &&
           (status != EVTCHNSTAT_virq || st.u.virq == virq);
}

/* VIRQ_TIMER's port on vCPU 0: ours, a fresh one, or one our calls bound. */
static int find_timer_port(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };

    if (port_is(wk_timer, EVTCHNSTAT_virq, VIRQ_TIMER))
        return 1;
    if (!HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv)) {
        wk_timer = bv.port;
        return 1;
    }
    /* Ports are valid up to the first -EINVAL (a bucket at a time). */
    for (evtchn_port_t p = 1; p < EVTCHN_2L_NR_CHANNELS; p++) {
        struct evtchn_status st = { .dom = DOMID_SELF, .port = p };
        long rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &st);

        if (rc == -XEN_EINVAL)
            break;
        if (!rc && st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER &&
            st.vcpu == 0) {
            wk_timer = p;
            return 1;
        }
    }
    return 0;
}

static int find_ipi_port(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };

    if (port_is(wk_ipi, EVTCHNSTAT_ipi, 0))
        return 1;
    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi))
        return 0;
    wk_ipi = bi.port;
    return 1;
}

static int bit_test(const volatile xen_ulong_t *w, unsigned int bit)
{
    return (w[bit / 64] >> (bit % 64)) & 1;
}

static void bit_clear(volatile xen_ulong_t *w, unsigned int bit)
{
    __atomic_and_fetch(&w[bit / 64], ~(1UL << (bit % 64)), __ATOMIC_SEQ_CST);
}

/*
 * Our two ports not pending and unmasked, nothing selected in vcpu_info:
 * the next event on either raises evtchn_upcall_pending from 0, which is
 * what wakes a blocked or polling vCPU. An event landing while we clear
 * is cleared too, or found pending and cleared again.
 */
static void wk_clear(void)
{
    bit_clear(shared_info->evtchn_mask, wk_timer);
    bit_clear(shared_info->evtchn_mask, wk_ipi);
    do {
        bit_clear(shared_info->evtchn_pending, wk_timer);
        bit_clear(shared_info->evtchn_pending, wk_ipi);
        vi->evtchn_pending_sel = 0;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        vi->evtchn_upcall_pending = 0;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while (bit_test(shared_info->evtchn_pending, wk_timer) ||
             bit_test(shared_info->evtchn_pending, wk_ipi));
}

/* FIFO ABI on? expand_array answers -EOPNOTSUPP only under 2-level. */
static int fifo_on(void)
{
    struct evtchn_expand_array ea = { .array_gfn = ~0ULL };

    return HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea) !=
           -XEN_EOPNOTSUPP;
}

/*
 * Make sure the next timer tick ends a block or poll (the class "block").
 * A blocked vCPU wakes only when evtchn_upcall_pending goes 0 -> 1, and our
 * own calls can stop that for good, on Xen as on Vesper: switching to the
 * FIFO ABI without an event array page (every event is then only noted
 * in Xen's struct evtchn: seeds 2 and 5, #3506 and #2962), closing or
 * masking VIRQ_TIMER's port, leaving its pending bit or its selector bit
 * set, or moving vcpu_info where our upcall handler does not clear it.
 * So: back to 2-level (EVTCHNOP_reset) if need be, a VIRQ_TIMER and an
 * IPI port on vCPU 0, both cleared and unmasked, and a test that a send
 * on the IPI port raises evtchn_upcall_pending in the vcpu_info we think
 * is live. 0: no guarantee (the caller then does not wait).
 */
static int wake_ready(void)
{
    struct evtchn_reset rs = { .dom = DOMID_SELF };
    struct evtchn_send snd;
    int ok;

    if (!live_vi())
        return 0;
    vi->evtchn_upcall_mask = 1;
    if (fifo_on()) {
        long rc = HYPERVISOR_event_channel_op(EVTCHNOP_reset, &rs);

        if (idx >= log_from)
            printk("fuzz: #%lu wake-up: FIFO ABI on, reset %ld\n",
                   (unsigned long)idx, rc);
        wk_resets++;
        if (rc || fifo_on())
            return 0;
    }
    if (!find_timer_port() || !find_ipi_port())
        return 0;
    wk_clear();
    snd.port = wk_ipi;
    if (HYPERVISOR_event_channel_op(EVTCHNOP_send, &snd))
        return 0;
    ok = vi->evtchn_upcall_pending &&
         ((vi->evtchn_pending_sel >> (wk_ipi / 64)) & 1);
    wk_clear();
    if (ok)
        return 1;
    /*
     * The send went to a vcpu_info we do not know. If it never moved
     * after all, move it to a frame of our own; if it did, we cannot
     * find it again (no hypercall tells where it is).
     */
    if (vi == &shared_info->vcpu_info[0]) {
        struct vcpu_register_vcpu_info r = { .mfn = mm_virt_to_mfn(vi_spare),
                                             .offset = 0 };

        if (!HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &r)) {
            vi_moved(r.mfn, 0);
            return wake_ready();
        }
    }
    vi_lose("an event did not arrive where we looked");
    return 0;
}

/* SCHEDOP_block and SCHEDOP_poll (cmd is a 32-bit value to the hypervisor). */
static int is_wait(const struct fz_call *c)
{
    return c->nr == __HYPERVISOR_sched_op &&
           ((uint32_t)c->a[0] == SCHEDOP_block ||
            (uint32_t)c->a[0] == SCHEDOP_poll);
}

/*
 * A multicall longer than the entries we wrote runs whatever follows them
 * (old calls, our own image), as does one whose list is not a buffer we
 * filled (shared_info, a pool page); that can hold a block or a poll of
 * no ports, which sleeps until an event comes, on Xen too, and once our
 * timers and VIRQ_TIMER are gone none ever does (seed 140, #22147: a 2M
 * entry batch over our image blocked vCPU 0 with nothing bound). So such
 * a batch runs with a timer tick armed, re-armed by every upcall until it
 * ends (a periodic timer would not do: Xen stops a vCPU's periodic timer
 * while it is descheduled, so it never wakes a blocked one).
 */
static int may_run_junk(const struct fz_call *c)
{
    return c->nr == __HYPERVISOR_multicall &&
           (!c->own_list || (uint32_t)c->a[1] > 12);
}

static long issue(const struct fz_call *call)
{
    struct fz_call c = *call;
    struct vcpu_register_vcpu_info r;
    int reg_kind = 0, ready = 0, open_wait;
    long rc;

    if (c.kind == FZ_K_IRET)
        return fz_iret(c.a[0], c.a[1], c.a[2], c.a[3], c.x[0], c.x[1]);
    /* Waits always have a timer tick that ends them, or do not wait. */
    if (is_wait(&c) || may_run_junk(&c)) {
        ready = wake_ready();
        if (ready) {
            wk_waits++;
            HYPERVISOR_set_timer_op(fz_now() + 200 * NS_PER_US +
                                    (idx * 7919) % (2 * NS_PER_MS));
        } else if (is_wait(&c)) {
            wk_skipped++;
            c.a[0] = SCHEDOP_yield;
        } else {
            /* Only the entries we wrote (none if it is not our list). */
            wk_skipped++;
            c.a[1] = c.own_list ? 12 : 0;
        }
        if (idx >= log_from && (c.a[0] != call->a[0] || c.a[1] != call->a[1]))
            printk("fuzz: #%lu no wake-up guaranteed: made it %lx %lx\n",
                   (unsigned long)idx, (unsigned long)c.a[0],
                   (unsigned long)c.a[1]);
    }
    if (c.nr == __HYPERVISOR_vcpu_op)
        reg_kind = reg_vi_args(c.a, &r);
    track_before(&c);
    open_wait = ready && (may_run_junk(&c) ||
                          (is_wait(&c) && (uint32_t)c.a[0] == SCHEDOP_poll));
    if (open_wait) {
        in_open_wait = 1;
        vi->evtchn_upcall_mask = 0;
    }
    if (c.kind == FZ_K_RAW)
        rc = hypercall_raw(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
    else
        rc = hypercall6(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
    if (open_wait) {
        in_open_wait = 0;
        if (live_vi())
            vi->evtchn_upcall_mask = 1;
    }
    track_after(&c, reg_kind, &r, rc);
    return rc;
}

/* Calls after which our trap table or callbacks may be gone. */
static int needs_rearm(uint64_t nr)
{
    switch (nr) {
    case __HYPERVISOR_set_trap_table:
    case __HYPERVISOR_set_callbacks:
    case __HYPERVISOR_callback_op:
    case __HYPERVISOR_multicall:
    case __HYPERVISOR_iret:
    case __HYPERVISOR_fpu_taskswitch:
    case __HYPERVISOR_vcpu_op:
    case __HYPERVISOR_event_channel_op:
        return 1;
    default:
        return 0;
    }
}

static void setup_pool(void)
{
    mm_init();
    for (pool_nr = 0; pool_nr < POOL_PAGES; pool_nr++) {
        uint64_t *p = mm_alloc_page();

        if (!p)
            break;
        pool_va[pool_nr] = p;
        pool_mfn[pool_nr] = mm_virt_to_mfn(p);
    }
    own_l4_mfn = mm_virt_to_mfn((void *)start_info->pt_base);
    sinfo_mfn = start_info->shared_info >> 12;
    m2p_mfn = mm_xen_frame();
    max_ram =
        (unsigned long)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    /* The guard page after the scratch buffers. */
    HYPERVISOR_update_va_mapping(GUARD_VA, 0, UVMF_INVLPG);
    /* shared_info with a guard page after it (if we may map it). */
    sinfo_va = (uint8_t *)shared_info;
    if (!HYPERVISOR_update_va_mapping(
            (unsigned long)sinfo_alias,
            MFN_PTE(sinfo_mfn, PTE_P | PTE_RW | PTE_A | PTE_D), UVMF_INVLPG) &&
        !HYPERVISOR_update_va_mapping((unsigned long)sinfo_alias + MM_PAGE_SIZE,
                                      0, UVMF_INVLPG))
        sinfo_va = sinfo_alias;
    else
        printk("fuzz: cannot alias shared_info; calls get the SDK's mapping\n");
}

static void fz_main(void)
{
    uint64_t seed = (uint64_t)cmdline_long("seed", 1);
    uint64_t calls = (uint64_t)cmdline_long("calls", 100000);
    uint64_t progress = (uint64_t)cmdline_long("progress", 1000);
    uint64_t audit_every = (uint64_t)cmdline_long("audit", 64);
    uint64_t start;
    uint64_t enable = parse_classes("enable");

    fz_off = (FZ_DEFAULT_OFF & ~enable) | parse_classes("exclude");
    if (cmdline_long("replay", 0))
        log_from = (uint64_t)cmdline_long("from", 0);
    if (!progress)
        progress = 1000;
    setup_pool();
    clock_init();
    start = fz_now();
    vi_set(&shared_info->vcpu_info[0]);
    ((struct guest_cpu *)vcpu1_stack)->id = 1;
    ((struct guest_cpu *)vcpu1_stack)->magic = GUEST_CPU_MAGIC;
    for (unsigned int v = 0; v < TRAP_NR_VECTORS; v++)
        trap_set_handler(v, fz_fault);
    trap_set_handler(TRAP_VEC_FAILSAFE, fz_fault);
    trap_upcall_hook = fz_upcall;
    rearm();
    printk("fuzz: seed %lu calls %lu pool %u max_ram 0x%lx off 0x%x\n",
           (unsigned long)seed, (unsigned long)calls, pool_nr, max_ram, fz_off);
    /* splitmix64 of the seed, so that small seeds differ everywhere. */
    rs = seed + 0x9e3779b97f4a7c15ULL;
    rs = (rs ^ (rs >> 30)) * 0xbf58476d1ce4e5b9ULL;
    rs = (rs ^ (rs >> 27)) * 0x94d049bb133111ebULL;
    rs ^= rs >> 31;
    if (!rs)
        rs = 1;

    /*
     * Our own calls may aim the hypervisor's writes (runstate, time and
     * vcpu_info areas, copies out) at our data, the global counter
     * included: the loop runs on a volatile local of this frame instead
     * (fz_setjmp returns here, so the frame lives on), and idx only mirrors
     * it for the fault handler's log lines.
     */
    volatile uint64_t n;

    for (n = 0; n < calls; n++) {
        long rc = 0;

        idx = n;

        if (fz_setjmp(&jb) == 0) {
            armed = 1;
            memset(&cur, 0, sizeof(cur));
            gen_one(&cur, 0);
            if (idx >= log_from)
                printk("fuzz: #%lu nr %lu%s %lx %lx %lx %lx %lx | %lx %lx\n",
                       (unsigned long)idx, (unsigned long)cur.nr,
                       cur.kind == FZ_K_RAW ? " raw" : "",
                       (unsigned long)cur.a[0], (unsigned long)cur.a[1],
                       (unsigned long)cur.a[2], (unsigned long)cur.a[3],
                       (unsigned long)cur.a[4], (unsigned long)cur.x[0],
                       (unsigned long)cur.x[1]);
            rc = issue(&cur);
            armed = 0;
            if (idx >= log_from)
                printk("fuzz: #%lu -> %ld\n", (unsigned long)idx, rc);
        }
        armed = 0;
        in_open_wait = 0; /* a fault may have ended the call */
        if (needs_rearm(cur.nr))
            rearm();
        if (audit_every && (n + 1) % audit_every == 0) {
            struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

            HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
        }
        if ((n + 1) % progress == 0 || n + 1 == calls)
            printk("fuzz: progress seed %lu calls %lu faults %lu upcalls %lu "
                   "ms %lu\n",
                   (unsigned long)seed, (unsigned long)(n + 1),
                   (unsigned long)faults, (unsigned long)upcalls,
                   (unsigned long)((fz_now() - start) / NS_PER_MS));
    }
    printk("fuzz: done seed %lu calls %lu faults %lu (waits with a wake-up "
           "%lu, without one made shorter %lu, FIFO resets %lu, vcpu_info "
           "lost at %ld)\n",
           (unsigned long)seed, (unsigned long)n, (unsigned long)faults,
           (unsigned long)wk_waits, (unsigned long)wk_skipped,
           (unsigned long)wk_resets, (long)wk_lost_at);
}

void guest_main(void)
{
    fz_main();
    guest_shutdown(SHUTDOWN_poweroff);
}

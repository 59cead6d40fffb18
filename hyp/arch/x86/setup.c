/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot: multiboot information, memory, CPU, time, then the boot domains. */
#include "arch.h"
#include "cmdline.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/cpu.h"
#include "asm/cpu_policy.h"
#include "asm/hvm.h"
#include "asm/mm.h"
#include "asm/multiboot.h"
#include "asm/ipi.h"
#include "asm/percpu.h"
#include "asm/pv.h"
#include "asm/x86.h"

extern u8 bsp_block[];
extern char _image_start[], _end[];
extern int console_loglvl;

static struct percpu bsp_percpu;
static u64 bsp_gdt[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

/* Command-line options. */
static char opt_console[16] = "com1";
static char opt_loglvl[16] = "info";
static u64 opt_dom0_mem;
/* Build, run and destroy the boot domains this many times (leak test). */
static u64 opt_cycles;
/* Use at most this many CPUs (0: all the firmware lists). */
static u64 opt_maxcpus;
static char hyp_cmdline[512];
/* Deliberate failures, to prove the crash-dump path works (tests). */
static char opt_selftest[16];

static const struct param hyp_params[] = {
    PARAM_STR_VAR("console", opt_console),
    PARAM_STR_VAR("loglvl", opt_loglvl),
    PARAM_SIZE_VAR("dom0_mem", opt_dom0_mem),
    PARAM_STR_VAR("selftest", opt_selftest),
    PARAM_BOOL_VAR("audit", opt_audit),
    PARAM_UINT_VAR("audit_every", opt_audit_every),
    PARAM_UINT_VAR("cycles", opt_cycles),
    PARAM_UINT_VAR("maxcpus", opt_maxcpus),
    PARAM_BOOL_VAR("domu_console_io", opt_domu_console_io),
    PARAM_UINT_VAR("hctrace", opt_hctrace),
};

static bool memchr_eq(const char *s, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c)
            return true;
    return false;
}

static void unknown_option(const char *tok, size_t len)
{
    printk_lvl(LOG_WARN, "ignoring unknown option '%.*s'\n", (int)len, tok);
}

static void set_loglvl(void)
{
    static const char *const names[] = { "error", "warning", "info", "all" };

    for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
        if (!strcmp(opt_loglvl, names[i]))
            console_loglvl = (int)i;
    if (!strcmp(opt_loglvl, "debug"))
        console_loglvl = LOG_DEBUG;
}

/* Ranges that must not be handed to the allocator yet. */
#define MAX_RESERVED 64
static struct {
    u64 start, end;
} reserved[MAX_RESERVED];
static unsigned int nr_reserved;

static void reserve(u64 start, u64 end)
{
    if (nr_reserved == MAX_RESERVED)
        panic("too many reserved boot ranges");
    reserved[nr_reserved].start = ALIGN_DOWN(start, PAGE_SIZE);
    reserved[nr_reserved].end = ALIGN_UP(end, PAGE_SIZE);
    nr_reserved++;
}

/* Hand [start, end) to the allocator, minus the reserved ranges. */
static void free_ram(u64 start, u64 end)
{
    start = ALIGN_UP(start, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    for (unsigned int i = 0; i < nr_reserved && start < end; i++) {
        u64 rs = reserved[i].start, re = reserved[i].end;

        if (re <= start || rs >= end)
            continue;
        if (rs > start)
            free_ram(start, rs);
        start = re;
    }
    if (start < end)
        page_alloc_free_range(start >> PAGE_SHIFT, end >> PAGE_SHIFT);
}

static struct mb_info *mbi;
static struct mb_mmap *mmap_next(struct mb_mmap *e)
{
    return (struct mb_mmap *)((u8 *)e + e->size + 4);
}
#define for_each_mmap(e)                                                   \
    for (e = maddr_to_virt(mbi->mmap_addr);                                \
         (u8 *)e < (u8 *)maddr_to_virt(mbi->mmap_addr) + mbi->mmap_length; \
         e = mmap_next(e))

bool arch_boot_mmap(unsigned int i, u64 *addr, u64 *len, u32 *type)
{
    struct mb_mmap *e;

    for_each_mmap(e)
    {
        if (i--)
            continue;
        *addr = e->addr, *len = e->len, *type = e->type;
        return true;
    }
    return false;
}

/*
 * Xen's I/O frames: the whole first MiB (firmware tables, the VGA window,
 * historically I/O) and every frame below the top of RAM that no RAM or
 * unusable range of the firmware map covers. They belong to no domain, are
 * never reference-counted, and the privileged domain may map them.
 */
static void mark_io_frames(u64 frames)
{
    struct mb_mmap *e;

    for (u64 mfn = 0; mfn < frames; mfn++)
        frame_table[mfn].count_info = PGC_io;
    for_each_mmap(e)
    {
        u64 s = MAX(ALIGN_UP(e->addr, PAGE_SIZE), 0x100000UL) >> PAGE_SHIFT;
        u64 end = MIN((e->addr + e->len) >> PAGE_SHIFT, frames);

        if (e->type != 1 && e->type != 5)
            continue;
        for (u64 mfn = s; mfn < end; mfn++)
            frame_table[mfn].count_info = 0;
    }
}

static void memory_init(void)
{
    struct mb_mmap *e;
    u64 top = 0, ft_bytes, ft_at = 0, frames;
    struct mb_module *mods = maddr_to_virt(mbi->mods_addr);

    if (!(mbi->flags & MBI_MMAP))
        panic("the boot loader gave no memory map");
    for_each_mmap(e)
    {
        if (e->type == 1 && e->addr + e->len > top)
            top = e->addr + e->len;
    }
    frames = top >> PAGE_SHIFT;
    ft_bytes = ALIGN_UP(frames * sizeof(struct page_info), PAGE_SIZE);

    /* Everything the boot loader handed us stays out of the allocator. */
    reserve(0, 0x100000);
    reserve(virt_to_maddr(_image_start), virt_to_maddr(_end));
    reserve((u64)(uintptr_t)mbi - DIRECTMAP_VIRT_START,
            (u64)(uintptr_t)mbi - DIRECTMAP_VIRT_START + sizeof(*mbi));
    reserve(mbi->mmap_addr, mbi->mmap_addr + mbi->mmap_length);
    if (mbi->flags & MBI_CMDLINE)
        reserve(mbi->cmdline, mbi->cmdline + PAGE_SIZE);
    if (mbi->flags & MBI_MODS) {
        reserve(mbi->mods_addr,
                mbi->mods_addr + mbi->mods_count * sizeof(*mods));
        for (u32 i = 0; i < mbi->mods_count; i++) {
            reserve(mods[i].start, mods[i].end);
            if (mods[i].string)
                reserve(mods[i].string, mods[i].string + PAGE_SIZE);
        }
    }

    /* The frame table: first RAM range below 4 GiB with room for it. */
    for_each_mmap(e)
    {
        u64 s = ALIGN_UP(MAX(e->addr, 0x100000UL), PAGE_SIZE);
        u64 end = MIN(e->addr + e->len, 1UL << 32);

        if (e->type != 1)
            continue;
        for (unsigned int i = 0; i < nr_reserved; i++)
            if (reserved[i].start < s + ft_bytes && reserved[i].end > s)
                s = reserved[i].end, i = (unsigned int)-1;
        if (s + ft_bytes <= end) {
            ft_at = s;
            break;
        }
    }
    if (!ft_at)
        panic("no room for the frame table (%llu KiB)",
              (unsigned long long)(ft_bytes >> 10));
    reserve(ft_at, ft_at + ft_bytes);
    page_alloc_init(maddr_to_virt(ft_at), frames);
    mark_io_frames(frames);

    /* Only memory under the boot mapping (4 GiB) until the direct map exists. */
    for_each_mmap(e)
    {
        if (e->type == 1 && e->addr < (1UL << 32))
            free_ram(e->addr, MIN(e->addr + e->len, 1UL << 32));
    }
    mm_init(top, true);
    for_each_mmap(e)
    {
        if (e->type == 1 && e->addr + e->len > (1UL << 32))
            free_ram(MAX(e->addr, 1UL << 32), e->addr + e->len);
    }
    printk("mm: %llu MiB RAM, %llu frames free, frame table %llu KiB\n",
           (unsigned long long)(top >> 20),
           (unsigned long long)free_frame_count(),
           (unsigned long long)(ft_bytes >> 10));
}

/* A free page under 640 KiB for the AP trampoline: none of the boot data. */
static u64 trampoline_page(void)
{
    for (u64 pa = 0x8000; pa < 0x9f000; pa += PAGE_SIZE) {
        bool clash = false;

        /* reserved[0] is the blanket low-memory range itself. */
        for (unsigned int i = 1; i < nr_reserved; i++)
            if (reserved[i].start < pa + PAGE_SIZE && reserved[i].end > pa)
                clash = true;
        if (!clash)
            return pa;
    }
    panic("no free low page for the secondary-CPU trampoline");
}

static void selftest(void)
{
    if (!opt_selftest[0])
        return;
    printk("selftest: %s\n", opt_selftest);
    static volatile u64 unmapped =
        0x10; /* L4 slot 0: empty in Vesper's tables */

    if (!strcmp(opt_selftest, "pf"))
        *(volatile u64 *)(uintptr_t)unmapped = 1;
    else if (!strcmp(opt_selftest, "ud"))
        __asm__ volatile("ud2");
    else if (!strcmp(opt_selftest, "bug"))
        BUG_ON(opt_selftest[0] == 'b');
    printk_lvl(LOG_WARN, "selftest: unknown test '%s'\n", opt_selftest);
}

void start_hyp(u32 magic, u32 mbi_pa);
void start_hyp(u32 magic, u32 mbi_pa)
{
    struct percpu *pc = &bsp_percpu;

    mbi = maddr_to_virt(mbi_pa);
    if (magic == MB_INFO_MAGIC && (mbi->flags & MBI_CMDLINE)) {
        const char *c = maddr_to_virt(mbi->cmdline), *word, *rest;
        size_t wlen;

        /* Boot loaders put the image's path first; it is not an option. */
        cmdline_split_first(c, &word, &wlen, &rest);
        if (wlen && !memchr_eq(word, '=', wlen))
            c = rest;
        strlcpy(hyp_cmdline, c, sizeof(hyp_cmdline));
    }
    /* Options first, so console= takes effect before the first line. */
    cmdline_parse(hyp_cmdline, hyp_params, ARRAY_SIZE(hyp_params), NULL);
    serial_init(opt_console);
    set_loglvl();
    printk("Vesper hypervisor (Xen ABI 4.17 compatible), x86-64\n");
    if (magic != MB_INFO_MAGIC)
        panic("not started by a multiboot loader (magic 0x%x)", magic);
    printk("command line: %s\n", hyp_cmdline);
    cmdline_parse(hyp_cmdline, hyp_params, ARRAY_SIZE(hyp_params),
                  unknown_option);

    pc->cpu_id = 0;
    pc->block = bsp_block;
    pc->info = (struct cpu_info *)(bsp_block + PCPU_STACK_SIZE -
                                   sizeof(struct cpu_info));
    pc->gdt = bsp_gdt;
    pc->info->pcpu = pc;
    pc->info->cpu_id = 0;
    percpu_of[0] = pc;

    memory_init();
    cpu_init(pc);
    cpu_policy_init();
    hvm_init();
    time_init();
    time_wallclock_init();
    /* From here on the boot CPU holds the big lock until it idles. */
    hyp_lock();
    csched_init();
    sched_init_cpu(0);
    pv_init();
    if (opt_maxcpus != 1)
        smp_boot_cpus(trampoline_page(), opt_maxcpus);
    hvm_cpus_init();
    boot_domains_init(mbi, opt_dom0_mem, opt_cycles);
    selftest();
    printk("boot done in %llu ms, %llu frames free; starting domain 0\n",
           (unsigned long long)(arch_now_ns() / 1000000),
           (unsigned long long)free_frame_count());
    schedule();
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Build a 64-bit PV domain from an ELF kernel, the way Xen's dom0 builder does. */
#include "arch.h"
#include "bootcfg.h"
#include "conring.h"
#include "elf.h"
#include "errno.h"
#include "kimage.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/mm.h"
#include <public/platform.h>
#include "asm/pagetype.h"
#include "asm/pv.h"
#include "asm/x86.h"

#define L1_FLAGS \
    (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

/* Slots of the hypercall page Xen writes for 64-bit PV guests. */
#define HYPERCALL_SLOT 32

struct layout {
    u64 vstart, vkern_start, vkern_end, vinitrd_start, vinitrd_end;
    u64 vphysmap_start, vphysmap_end, vstartinfo, vconsole, vpt_start, vpt_end;
    u64 vstack_end, vend;
    u64 nr_pt;
    u64 nr_boot; /* pages of the bootstrap region [vstart, vend) */
    /*
     * MOD_START_PFN: the initrd is not in the bootstrap region but in pfns
     * [initrd_pfn, +PFN_UP(len)) after it, and start_info names its pfn.
     */
    bool initrd_unmapped;
    u64 initrd_pfn;
    /*
     * INIT_P2M: the P2M list is mapped at p2m_va with page tables of its
     * own, outside the bootstrap region. Its data pages and those tables
     * are the pfns [first_p2m_pfn, +nr_p2m), nr_p2m_data of them data.
     */
    bool p2m_separate;
    u64 p2m_va, first_p2m_pfn, nr_p2m, nr_p2m_data;
};

struct builder {
    struct domain *d;
    struct layout l;
};

static void *pfn_va(struct builder *b, u64 pfn)
{
    return mfn_to_virt(b->d->p2m[pfn]);
}

static void *guest_va(struct builder *b, u64 va)
{
    return (u8 *)pfn_va(b, (va - b->l.vstart) >> PAGE_SHIFT) +
           (va & (PAGE_SIZE - 1));
}

/* Slots at the level of the given shift that [s, e) touches. */
static u64 slots(u64 s, u64 e, unsigned int shift)
{
    return ((e - 1) >> shift) - (s >> shift) + 1;
}

/* Of those, the slots [bs, be) touches too (their table is shared). */
static u64 shared_slots(u64 s, u64 e, u64 bs, u64 be, unsigned int shift)
{
    u64 lo = MAX(s >> shift, bs >> shift);
    u64 hi = MIN((e - 1) >> shift, (be - 1) >> shift);

    return lo <= hi ? hi - lo + 1 : 0;
}

/* Tables needed to map [s, e) with 4 KiB pages from one L4. */
static u64 tables_needed(u64 s, u64 e)
{
    return 1 + slots(s, e, 39) + slots(s, e, 30) + slots(s, e, 21);
}

/*
 * The L3, L2 and L1 tables mapping [s, e) needs beyond those the
 * bootstrap region [bs, be) already has, in the same L4.
 */
static u64 extra_tables(u64 s, u64 e, u64 bs, u64 be)
{
    u64 n = 0;

    for (unsigned int shift = 21; shift <= 39; shift += 9)
        n += slots(s, e, shift) - shared_slots(s, e, bs, be, shift);
    return n;
}

/* Smallest order with PAGE_SIZE << order >= bytes (Xen's get_order). */
static unsigned int order_of_bytes(u64 bytes)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/*
 * A separate P2M must lie in one canonical half, outside the hypervisor's
 * L4 slots, and (as Xen's dom0 builder insists, panicking otherwise) clear
 * of the bootstrap region; the toolstack refuses a domU's overlapping map
 * too, but a P2M that merely touches the region is fine there.
 */
static bool p2m_va_ok(const struct layout *l, u64 s, u64 e, bool privileged)
{
    const u64 hole_s = 0xffff800000000000ull, hole_e = 0xffff880000000000ull;

    if (e <= s)
        return false;
    if (!(e <= 0x0000800000000000ull || s >= hole_s))
        return false;
    if (s < hole_e && e > hole_s)
        return false;
    if (privileged)
        return !(l->vstart <= e && s <= l->vend);
    return !(s < l->vend && e > l->vstart);
}

/*
 * The layout of Xen 4.17's builders: the dom0 builder's for the
 * privileged domain (dom0_construct_pv), libxc's for the others
 * (xc_dom_build_image); they agree on the bootstrap region and differ in
 * which pfns follow it. In virtual order: kernel, initrd (unless
 * MOD_START_PFN), P2M (unless INIT_P2M), start_info, the console ring
 * (domUs; Vesper has no xenstore page), page tables, one stack page, then
 * padding to a 4 MiB boundary at least 512 KiB past the stack.
 */
static int plan_layout(struct layout *l, const struct elf_image *img,
                       size_t initrd_len, u64 nr_pages, bool console_ring,
                       bool privileged)
{
    const struct xen_notes *xn = &img->notes;
    u64 ninitrd = ALIGN_UP(initrd_len, PAGE_SIZE) >> PAGE_SHIFT, next;

    l->vstart = img->virt_base;
    l->vkern_start = ALIGN_DOWN(img->virt_kstart, PAGE_SIZE);
    l->vkern_end = ALIGN_UP(img->virt_kend, PAGE_SIZE);
    if (l->vkern_start < l->vstart)
        return -EINVAL;
    l->initrd_unmapped = xn->mod_start_pfn_ok && initrd_len;
    /*
     * The toolstack drops an INIT_P2M at or above VIRT_BASE or not page
     * aligned and puts the P2M in the bootstrap region instead; Xen's dom0
     * builder takes any value (we refuse an unaligned one below).
     */
    l->p2m_separate = xn->has_init_p2m;
    l->p2m_va = xn->init_p2m;
    if (!privileged &&
        (l->p2m_va >= l->vstart || (l->p2m_va & (PAGE_SIZE - 1))))
        l->p2m_separate = false;

    l->vinitrd_start = l->vkern_end;
    l->vinitrd_end =
        l->vinitrd_start + (l->initrd_unmapped ? 0 : ninitrd) * PAGE_SIZE;
    l->vphysmap_start = l->vinitrd_end;
    l->vphysmap_end = l->vphysmap_start;
    if (!l->p2m_separate)
        l->vphysmap_end += ALIGN_UP(nr_pages * 8, PAGE_SIZE);
    l->vstartinfo = l->vphysmap_end;
    l->vconsole = console_ring ? l->vstartinfo + PAGE_SIZE : 0;
    l->vpt_start = l->vstartinfo + (console_ring ? 2 : 1) * PAGE_SIZE;
    for (l->nr_pt = 1;; l->nr_pt++) {
        l->vpt_end = l->vpt_start + l->nr_pt * PAGE_SIZE;
        l->vstack_end = l->vpt_end + PAGE_SIZE;
        /* Linux wants at least 512 KiB of mapped slack, 4 MiB aligned. */
        l->vend = ALIGN_UP(l->vstack_end + (512UL << 10), 4UL << 20);
        if (tables_needed(l->vstart, l->vend) <= l->nr_pt)
            break;
    }
    if (l->vend < l->vstart)
        return -ENOMEM;
    l->nr_boot = (l->vend - l->vstart) >> PAGE_SHIFT;
    if (l->nr_boot > nr_pages)
        return -ENOMEM;

    /*
     * What follows the bootstrap region. Xen's dom0 builder allocates it
     * as one power-of-two block (less a mapped initrd, whose frames are
     * the module's own), so the initrd and then the P2M start at the end
     * of that block; the toolstack puts them right after the region.
     */
    if (privileged) {
        u64 mapped = l->initrd_unmapped ? 0 : ninitrd;

        l->initrd_pfn = 1UL
                        << order_of_bytes((l->nr_boot - mapped) << PAGE_SHIFT);
        l->first_p2m_pfn = l->initrd_pfn + ninitrd;
        if (!l->initrd_unmapped)
            l->initrd_pfn = (l->vinitrd_start - l->vstart) >> PAGE_SHIFT;
    } else {
        l->initrd_pfn = l->initrd_unmapped
                            ? l->nr_boot
                            : (l->vinitrd_start - l->vstart) >> PAGE_SHIFT;
        l->first_p2m_pfn = l->nr_boot + (l->initrd_unmapped ? ninitrd : 0);
    }
    next = l->initrd_unmapped ? l->initrd_pfn + ninitrd : l->nr_boot;
    if (next > nr_pages)
        return -ENOMEM;
    if (!l->p2m_separate) {
        /* Xen's dom0 builder still reports where the P2M would have gone. */
        if (!privileged)
            l->first_p2m_pfn = 0;
        return 0;
    }
    l->nr_p2m_data = ALIGN_UP(nr_pages * 8, PAGE_SIZE) >> PAGE_SHIFT;
    if ((l->p2m_va & (PAGE_SIZE - 1)) ||
        !p2m_va_ok(l, l->p2m_va, l->p2m_va + l->nr_p2m_data * PAGE_SIZE,
                   privileged))
        return -EINVAL;
    l->nr_p2m = l->nr_p2m_data +
                extra_tables(l->p2m_va, l->p2m_va + l->nr_p2m_data * PAGE_SIZE,
                             l->vstart, l->vend);
    if (l->first_p2m_pfn + l->nr_p2m > nr_pages)
        return -ENOMEM;
    return 0;
}

/*
 * The L1 entry for va under l4, making the tables on the way from the
 * pfns *next_pt hands out.
 */
static pte_t *l1_entry(struct builder *b, pte_t *l4, u64 va, u64 *next_pt)
{
    pte_t *t = l4;
    unsigned int idx[3] = { l4_index(va), l3_index(va), l2_index(va) };

    for (int lvl = 0; lvl < 3; lvl++) {
        if (!(t[idx[lvl]] & _PAGE_PRESENT))
            t[idx[lvl]] = (b->d->p2m[(*next_pt)++] << PAGE_SHIFT) | TABLE_FLAGS;
        t = mfn_to_virt(t[idx[lvl]] >> PAGE_SHIFT &
                        (PTE_ADDR_MASK >> PAGE_SHIFT));
    }
    return &t[l1_index(va)];
}

static void build_page_tables(struct builder *b)
{
    struct layout *l = &b->l;
    u64 next_pt = (l->vpt_start - l->vstart) >> PAGE_SHIFT;
    pte_t *l4 = pfn_va(b, next_pt++);

    for (u64 va = l->vstart; va < l->vend; va += PAGE_SIZE) {
        u64 flags = L1_FLAGS;
        pte_t *e = l1_entry(b, l4, va, &next_pt);

        /* The guest may read its page tables, never write them directly. */
        if (va >= l->vpt_start && va < l->vpt_end)
            flags &= ~_PAGE_RW;
        *e = (b->d->p2m[(va - l->vstart) >> PAGE_SHIFT] << PAGE_SHIFT) | flags;
    }
    BUG_ON(next_pt > ((l->vpt_end - l->vstart) >> PAGE_SHIFT));
    install_hyp_l4_slots(l4);
}

/* The P2M entries that live in data page k of the list. */
static void fill_p2m_page(struct builder *b, u64 *page, u64 k)
{
    for (u64 i = 0; i < PAGE_SIZE / 8; i++) {
        u64 pfn = k * (PAGE_SIZE / 8) + i;

        if (pfn < b->d->nr_pfns)
            page[i] = b->d->p2m[pfn];
    }
}

/*
 * Map the separate P2M writable at p2m_va under its own tables. Xen's dom0
 * builder takes each missing table just before the page that needs it,
 * from one run of pfns; the toolstack puts all data pages first and the
 * tables after them. Xen's dom0 builder would use 2 MiB and 1 GiB pages
 * where the list is big enough; Vesper has no PV superpages, so 4 KiB.
 */
static void build_p2m_mapping(struct builder *b, bool privileged)
{
    struct layout *l = &b->l;
    pte_t *l4 = pfn_va(b, (l->vpt_start - l->vstart) >> PAGE_SHIFT);
    u64 data = l->first_p2m_pfn, tables = data + l->nr_p2m_data;
    u64 *next_pt = privileged ? &data : &tables;

    for (u64 k = 0; k < l->nr_p2m_data; k++) {
        pte_t *e = l1_entry(b, l4, l->p2m_va + k * PAGE_SIZE, next_pt);

        BUG_ON(*e & _PAGE_PRESENT);
        fill_p2m_page(b, pfn_va(b, data), k);
        *e = (b->d->p2m[data++] << PAGE_SHIFT) | L1_FLAGS;
    }
    BUG_ON(MAX(data, tables) != l->first_p2m_pfn + l->nr_p2m);
}

static int copy_segment(void *ctx, u64 virt, const void *src, size_t len)
{
    struct builder *b = ctx;

    while (len) {
        size_t n = MIN(len, PAGE_SIZE - (virt & (PAGE_SIZE - 1)));

        if (virt < b->l.vkern_start || virt + n > b->l.vkern_end)
            return -EINVAL;
        if (src) {
            memcpy(guest_va(b, virt), src, n);
            src = (const u8 *)src + n;
        } else {
            memset(guest_va(b, virt), 0, n);
        }
        virt += n;
        len -= n;
    }
    return 0;
}

static void write_hypercall_page(u8 *p)
{
    memset(p, 0xcc, PAGE_SIZE); /* int3 in unused bytes */
    for (unsigned int i = 0; i < PAGE_SIZE / HYPERCALL_SLOT; i++) {
        u8 *s = p + i * HYPERCALL_SLOT;

        if (i == __HYPERVISOR_iret) {
            /* push %rcx; push %r11; push %rax; mov $23,%eax; syscall */
            const u8 iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 0x17,
                                0,    0,    0,    0x0f, 0x05 };

            memcpy(s, iret, sizeof(iret));
            continue;
        }
        /* push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
        s[0] = 0x51, s[1] = 0x41, s[2] = 0x53, s[3] = 0xb8;
        memcpy(&s[4], &i, 4);
        s[8] = 0x0f, s[9] = 0x05, s[10] = 0x41, s[11] = 0x5b, s[12] = 0x59;
        s[13] = 0xc3;
    }
}

/*
 * XEN_DOMCTL_hypercall_init: d's frame mfn becomes a hypercall page, as
 * Xen's: not d's frame -EINVAL, not one it may have writable (a page
 * table, a descriptor page) -EPERM.
 */
long arch_hypercall_init(struct domain *d, u64 mfn)
{
    struct page_info *pg;
    struct pv_mm_ctx c;

    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d))
        return -EINVAL;
    pv_mm_ctx_init(&c, d, NULL);
    if (get_page_type(pg, PGT_writable, &c)) {
        put_page(pg);
        return -EPERM;
    }
    write_hypercall_page(pv_frame_map(mfn));
    put_page_and_type(pg, &c);
    return 0;
}

static void *unpack_kernel(const struct pv_build_args *a,
                           struct kimage_info *ki, size_t *len,
                           unsigned int *order)
{
    struct page_info *pg;
    size_t out_len;
    int rc = kimage_probe(a->kernel, a->kernel_len, ki);

    *order = 0;
    if (rc) {
        printk_lvl(LOG_ERR, "builder: kernel image: %s%s%s (error %d)\n",
                   kimage_format_name(ki->format),
                   ki->comp ? " compressed with " : "",
                   ki->comp ? kimage_comp_name(ki->comp) : "", rc);
        return NULL;
    }
    if (ki->format == KIMG_FMT_ELF) {
        *len = a->kernel_len;
        return (void *)a->kernel;
    }
    while ((PAGE_SIZE << *order) < ki->out_size)
        (*order)++;
    pg = alloc_pages(*order);
    if (!pg) {
        printk_lvl(LOG_ERR, "builder: no memory to unpack %zu-byte kernel\n",
                   ki->out_size);
        return NULL;
    }
    rc = kimage_unpack(ki, mfn_to_virt(page_to_mfn(pg)), PAGE_SIZE << *order,
                       &out_len);
    if (rc) {
        const char *why = kimage_unpack_reason(ki);

        printk_lvl(LOG_ERR,
                   "builder: cannot unpack %s kernel%s%s%s%s (error %d)\n",
                   kimage_format_name(ki->format), why ? ": " : "",
                   why ? kimage_comp_name(ki->comp) : "", why ? ": " : "",
                   why ? why : "", rc);
        free_pages(pg, *order);
        return NULL;
    }
    printk("builder: unpacked %s kernel: %zu -> %zu bytes\n",
           kimage_format_name(ki->format), a->kernel_len, out_len);
    *len = out_len;
    return mfn_to_virt(page_to_mfn(pg));
}

/* Drop the hold attach_console_ring took (conring teardown). */
static void release_console_ring(struct domain *d, void *page)
{
    struct pv_mm_ctx c;

    pv_mm_ctx_init(&c, d, NULL);
    put_page_and_type(mfn_to_page(virt_to_mfn(page)), &c);
}

/*
 * The console page is the guest's own frame, which the hypervisor keeps
 * writing: hold a writable type reference so it can never turn into a
 * page table or be handed back while the ring lives.
 */
static int attach_console_ring(struct builder *b, struct pv_mm_ctx *c,
                               struct start_info *si)
{
    mfn_t mfn = b->d->p2m[(b->l.vconsole - b->l.vstart) >> PAGE_SHIFT];
    struct page_info *pg = mfn_to_page(mfn);
    evtchn_port_t port;
    int rc;

    rc = get_page_and_type(pg, b->d, PGT_writable, c);
    if (rc) {
        printk_lvl(LOG_ERR, "builder: console ring frame refused (%d)\n", rc);
        return rc;
    }
    rc = conring_attach(b->d, mfn_to_virt(mfn), release_console_ring, &port);
    if (rc) {
        put_page_and_type(pg, c);
        return rc;
    }
    si->console.domU.mfn = mfn;
    si->console.domU.evtchn = port;
    return 0;
}

/* The one line per domain the boot log promises, then its layout. */
static void print_boot_line(struct builder *bp, const struct pv_build_args *a,
                            const struct elf_image *img)
{
    struct builder b = *bp;
    struct domain *d = b.d;
    char cpus[64];

    bootcfg_format_cpus(d->vcpu[0]->affinity, cpus, sizeof(cpus));
    printk("d%u: %s, %llu MiB, %u vCPU%s, weight %u, cap %u%%, cpus %s%s\n",
           d->domain_id, d->name, (unsigned long long)(a->mem_bytes >> 20),
           d->max_vcpus, d->max_vcpus == 1 ? "" : "s", d->weight, d->cap, cpus,
           d->is_privileged ? ", privileged" : "");
    printk("  entry       %llx\n", (unsigned long long)img->entry);
    printk("  kernel      %llx-%llx\n", (unsigned long long)b.l.vkern_start,
           (unsigned long long)b.l.vkern_end);
    if (a->initrd_len && b.l.initrd_unmapped)
        printk("  initrd      pfn %llx-%llx (unmapped)\n",
               (unsigned long long)b.l.initrd_pfn,
               (unsigned long long)(b.l.initrd_pfn +
                                    (ALIGN_UP(a->initrd_len, PAGE_SIZE) >>
                                     PAGE_SHIFT)));
    else if (a->initrd_len)
        printk("  initrd      %llx-%llx\n",
               (unsigned long long)b.l.vinitrd_start,
               (unsigned long long)b.l.vinitrd_end);
    if (b.l.p2m_separate)
        printk("  p2m list    %llx-%llx, pfn %llx-%llx (own tables)\n",
               (unsigned long long)b.l.p2m_va,
               (unsigned long long)(b.l.p2m_va + b.l.nr_p2m_data * PAGE_SIZE),
               (unsigned long long)b.l.first_p2m_pfn,
               (unsigned long long)(b.l.first_p2m_pfn + b.l.nr_p2m));
    else
        printk("  p2m list    %llx-%llx\n",
               (unsigned long long)b.l.vphysmap_start,
               (unsigned long long)b.l.vphysmap_end);
    printk("  start info  %llx\n", (unsigned long long)b.l.vstartinfo);
    if (d->conring)
        printk("  console     %llx (pfn %llx), event channel %u%s\n",
               (unsigned long long)b.l.vconsole,
               (unsigned long long)((b.l.vconsole - b.l.vstart) >> PAGE_SHIFT),
               d->conring->port, d->conring->port ? "" : " (none: polled)");
    printk("  page tables %llx-%llx (%llu frames)\n",
           (unsigned long long)b.l.vpt_start, (unsigned long long)b.l.vpt_end,
           (unsigned long long)b.l.nr_pt);
    printk("  boot stack  %llx-%llx, mapped to %llx\n",
           (unsigned long long)(b.l.vstack_end - PAGE_SIZE),
           (unsigned long long)b.l.vstack_end, (unsigned long long)b.l.vend);
}

int pv_build_domain(const struct pv_build_args *a)
{
    struct kimage_info ki;
    struct elf_image img;
    struct builder b;
    struct start_info *si;
    struct vcpu *v;
    struct pv_mm_ctx c;
    mfn_t l4;
    char why[128];
    unsigned int order;
    size_t elf_len;
    u64 nr_pages = a->mem_bytes >> PAGE_SHIFT;
    void *elf = unpack_kernel(a, &ki, &elf_len, &order);
    int rc = -EINVAL;

    if (!elf)
        return -EINVAL;
    memset(&b, 0, sizeof(b));
    rc = elf_parse(&img, elf, elf_len);
    if (rc) {
        printk_lvl(LOG_ERR,
                   "builder: not a valid ELF64 x86-64 kernel (error %d)\n", rc);
        goto out;
    }
    rc = elf_check_xen(&img, why, sizeof(why));
    if (rc) {
        printk_lvl(LOG_ERR, "builder: not a usable PV kernel: %s\n", why);
        goto out;
    }
    rc = elf_check_role(&img, a->privileged, why, sizeof(why));
    if (rc) {
        printk_lvl(LOG_ERR, "builder: %s\n", why);
        goto out;
    }
    rc = plan_layout(&b.l, &img, a->initrd_len, nr_pages, a->console_ring,
                     a->privileged);
    if (rc == -EINVAL) {
        printk_lvl(LOG_ERR,
                   "builder: INIT_P2M %llx is unaligned, non-canonical, in "
                   "the hypervisor's range or overlaps the initial mapping\n",
                   (unsigned long long)img.notes.init_p2m);
        goto out;
    }
    if (rc) {
        printk_lvl(LOG_ERR, "builder: %llu MiB is too small for this kernel\n",
                   (unsigned long long)(a->mem_bytes >> 20));
        rc = -ENOMEM;
        goto out;
    }
    b.d = domain_create(a->domid, a->name[0] ? a->name : "guest",
                        a->vcpus ? a->vcpus : 1);
    if (!b.d) {
        rc = -ENOMEM;
        goto out;
    }
    b.d->is_privileged = a->privileged;
    if (b.d->is_privileged)
        pv_io_caps_init_hwdom(b.d);
    if (a->weight)
        b.d->weight = a->weight;
    b.d->cap = a->cap;
    for (unsigned int i = 0; i < b.d->max_vcpus; i++)
        b.d->vcpu[i]->affinity = a->affinity ? a->affinity : cpu_online_mask;
    if (domain_alloc_pages(b.d, nr_pages)) {
        printk_lvl(LOG_ERR, "builder: cannot allocate %llu pages\n",
                   (unsigned long long)nr_pages);
        domain_destroy(b.d);
        rc = -ENOMEM;
        goto out;
    }
    /*
     * Xen's PV dom0 builder lifts the hardware domain's limit (~0U): dom0
     * may grow into whatever memory is free. Others keep their size.
     */
    if (a->privileged)
        b.d->max_pages = 0xffffffffULL;
    for (u64 pfn = 0; pfn < nr_pages; pfn++) {
        if (!page_is_zero(pfn_va(&b, pfn)))
            memset(pfn_va(&b, pfn), 0, PAGE_SIZE);
        m2p_set(b.d->p2m[pfn], pfn);
        pv_assign_page(mfn_to_page(b.d->p2m[pfn]), b.d);
    }

    rc = elf_load(&img, copy_segment, &b);
    if (rc) {
        domain_destroy(b.d);
        goto out;
    }
    for (u64 off = 0; off < a->initrd_len; off += PAGE_SIZE)
        memcpy(pfn_va(&b, b.l.initrd_pfn + off / PAGE_SIZE),
               (const u8 *)a->initrd + off,
               MIN(PAGE_SIZE, a->initrd_len - off));
    build_page_tables(&b);
    if (b.l.p2m_separate) {
        build_p2m_mapping(&b, a->privileged);
    } else {
        for (u64 k = 0; k < b.l.vphysmap_end - b.l.vphysmap_start;
             k += PAGE_SIZE)
            fill_p2m_page(&b, guest_va(&b, b.l.vphysmap_start + k),
                          k / PAGE_SIZE);
    }
    if (img.notes.has_hypercall_page) {
        u64 hp = img.notes.hypercall_page;

        if (hp < b.l.vkern_start || hp + PAGE_SIZE > b.l.vkern_end ||
            (hp & (PAGE_SIZE - 1))) {
            printk_lvl(LOG_ERR, "builder: bad HYPERCALL_PAGE %llx\n",
                       (unsigned long long)hp);
            domain_destroy(b.d);
            rc = -EINVAL;
            goto out;
        }
        write_hypercall_page(guest_va(&b, hp));
    }

    si = guest_va(&b, b.l.vstartinfo);
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = nr_pages;
    si->shared_info = b.d->shared_info_mfn << PAGE_SHIFT;
    si->flags = a->privileged ? (SIF_PRIVILEGED | SIF_INITDOMAIN) : 0;
    /*
     * Xen 4.17 tells dom0 it does C- and P-state management itself (its
     * default cpuidle and cpufreq), in the byte SIF_PM_MASK reserves.
     */
    if (a->privileged)
        si->flags |= ((XEN_PROCESSOR_PM_CX | XEN_PROCESSOR_PM_PX) << 8) &
                     (unsigned int)SIF_PM_MASK;
    si->pt_base = b.l.vpt_start;
    si->nr_pt_frames = b.l.nr_pt;
    si->mfn_list = b.l.p2m_separate ? b.l.p2m_va : b.l.vphysmap_start;
    si->first_p2m_pfn = b.l.first_p2m_pfn;
    si->nr_p2m_frames = b.l.p2m_separate ? b.l.nr_p2m : 0;
    if (a->initrd_len && b.l.initrd_unmapped) {
        si->flags |= SIF_MOD_START_PFN;
        si->mod_start = b.l.initrd_pfn;
        /* The toolstack hands a domU its module in whole pages. */
        si->mod_len =
            a->privileged ? a->initrd_len : ALIGN_UP(a->initrd_len, PAGE_SIZE);
    } else if (a->initrd_len) {
        si->mod_start = b.l.vinitrd_start;
        si->mod_len = a->initrd_len;
    }
    strlcpy((char *)si->cmd_line, a->cmdline ? a->cmdline : "",
            sizeof(si->cmd_line));

    /*
     * Validate the tables like any guest-built tree: pin the L4 and hold it
     * as the base pointer. Failure here is a builder bug, not the guest's.
     */
    l4 = b.d->p2m[(b.l.vpt_start - b.l.vstart) >> PAGE_SHIFT];
    pv_mm_ctx_init(&c, b.d, NULL);
    rc = pv_pin(b.d, l4, 4, &c);
    if (!rc)
        rc = get_page_and_type(mfn_to_page(l4), b.d, PGT_l4, &c);
    if (rc) {
        printk_lvl(LOG_ERR, "builder: initial page tables refused (%d)\n", rc);
        domain_destroy(b.d);
        goto out;
    }

    if (a->console_ring) {
        rc = attach_console_ring(&b, &c, si);
        if (rc) {
            domain_destroy(b.d);
            goto out;
        }
    }
    print_boot_line(&b, a, &img);

    v = b.d->vcpu[0];
    v->arch.regs.rip = img.entry;
    v->arch.regs.rsp = b.l.vstack_end;
    v->arch.regs.rsi = b.l.vstartinfo;
    v->arch.guest_table = l4;
    v->initialised = true;
    vcpu_unpause_flag(v, VPF_down);
    rc = 0;
out:
    if (elf != a->kernel)
        free_pages(mfn_to_page(virt_to_mfn(elf)), order);
    return rc;
}

void pv_init(void)
{
}

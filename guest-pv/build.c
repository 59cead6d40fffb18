/* SPDX-License-Identifier: MIT */
/* A PV domain builder for control-domain guests (see guest/build.h). */
#include <guest/build.h>
#include <guest/ctl.h>
#include <guest/events.h>
#include <guest/grant.h>
#include <guest/mm.h>
#include <public/elfnote.h>
#include <public/io/console.h>

/* The parts of ELF64 a PV builder reads. */
struct elf_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1
#define PT_NOTE 4
#define EM_X86_64 62

static struct xen_domctl dc;

#define FAIL(b, what, rc) ((b)->step = (what), (long)(rc))

static inline long HYPERVISOR_update_va_mapping_otherdomain(unsigned long va,
                                                            uint64_t pte,
                                                            unsigned long flags,
                                                            domid_t dom)
{
    return _hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte,
                       flags, dom);
}

/* ------------------------------------------------------------ the image */

static const struct elf_phdr *phdrs(const struct pv_build *b, unsigned int *n)
{
    const struct elf_ehdr *eh = (const void *)b->image;

    *n = eh->phnum;
    return (const void *)(b->image + eh->phoff);
}

static uint64_t note_value(const uint8_t *desc, uint32_t size)
{
    uint64_t v = 0;

    memcpy(&v, desc, size < 8 ? size : 8);
    return v;
}

static void read_notes(struct pv_build *b, const struct elf_phdr *ph)
{
    uint64_t off = ph->offset, end = ph->offset + ph->filesz;

    while (off + 12 <= end) {
        uint32_t namesz, descsz, type;
        const uint8_t *n = b->image + off;

        memcpy(&namesz, n, 4);
        memcpy(&descsz, n + 4, 4);
        memcpy(&type, n + 8, 4);
        off += 12;
        if (namesz == 4 && off + 4 <= end &&
            !memcmp(b->image + off, "Xen", 4)) {
            const uint8_t *desc = b->image + off + 4;

            if (type == XEN_ELFNOTE_ENTRY)
                b->entry = note_value(desc, descsz);
            else if (type == XEN_ELFNOTE_HYPERCALL_PAGE)
                b->hypercall_page = note_value(desc, descsz);
            else if (type == XEN_ELFNOTE_VIRT_BASE)
                b->virt_base = note_value(desc, descsz);
        }
        off += ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
    }
}

long pv_build_parse(struct pv_build *b)
{
    const struct elf_ehdr *eh = (const void *)b->image;
    const struct elf_phdr *ph;
    unsigned int n;

    if (!b->image || b->image_len < sizeof(*eh) ||
        memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
        eh->machine != EM_X86_64 || eh->phentsize != sizeof(*ph) ||
        eh->phoff + (uint64_t)eh->phnum * sizeof(*ph) > b->image_len)
        return FAIL(b, "ELF header", -XEN_EINVAL);
    ph = phdrs(b, &n);
    b->entry = b->virt_base = b->hypercall_page = b->virt_end = 0;
    for (unsigned int i = 0; i < n; i++) {
        if (ph[i].offset + ph[i].filesz > b->image_len)
            return FAIL(b, "ELF segment", -XEN_EINVAL);
        if (ph[i].type == PT_NOTE)
            read_notes(b, &ph[i]);
        if (ph[i].type == PT_LOAD && ph[i].vaddr + ph[i].memsz > b->virt_end)
            b->virt_end = ph[i].vaddr + ph[i].memsz;
    }
    if (!b->entry || !b->virt_base || !b->hypercall_page ||
        b->virt_end <= b->virt_base || b->hypercall_page < b->virt_base ||
        b->hypercall_page >= b->virt_end)
        return FAIL(b, "Xen notes", -XEN_EINVAL);
    b->virt_end = (b->virt_end + MM_PAGE_SIZE - 1) & ~(MM_PAGE_SIZE - 1);
    b->kernel_pages = (b->virt_end - b->virt_base) >> MM_PAGE_SHIFT;
    return 0;
}

/* The image's bytes for the page at va: loaded data, else zeroes. */
static void image_page(const struct pv_build *b, uint64_t va, uint8_t *dst)
{
    unsigned int n;
    const struct elf_phdr *ph = phdrs(b, &n);

    memset(dst, 0, MM_PAGE_SIZE);
    for (unsigned int i = 0; i < n; i++) {
        uint64_t from = va > ph[i].vaddr ? va : ph[i].vaddr;
        uint64_t to = ph[i].vaddr + ph[i].filesz;

        if (ph[i].type != PT_LOAD)
            continue;
        if (to > va + MM_PAGE_SIZE)
            to = va + MM_PAGE_SIZE;
        if (from < to)
            memcpy(dst + (from - va),
                   b->image + ph[i].offset + (from - ph[i].vaddr), to - from);
    }
}

/* ------------------------------------------------------------ the domain */

static long populate(struct pv_build *b)
{
    unsigned long done = 0;

    /* Xen hands a PV builder the machine frames back in the list. */
    for (unsigned long k = 0; k < b->nr_pages; k++)
        b->mfn[k] = k;
    while (done < b->nr_pages) {
        struct xen_memory_reservation r;
        long rc;

        memset(&r, 0, sizeof(r));
        set_xen_guest_handle(r.extent_start, &b->mfn[done]);
        r.nr_extents = b->nr_pages - done > 256 ? 256 : b->nr_pages - done;
        r.domid = b->domid;
        rc = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
        if (rc <= 0)
            return rc ? rc : -XEN_ENOMEM;
        done += (unsigned long)rc;
    }
    return 0;
}

long pv_build_create(struct pv_build *b)
{
    long rc;

    if (b->nr_pages < 1024 || b->nr_pages > PV_BUILD_MAX_PAGES ||
        b->nr_pages % 512)
        return FAIL(b, "memory size", -XEN_EINVAL);
    if (!b->win) {
        b->win = mm_alloc_page();
        b->scratch = mm_alloc_page();
        if (!b->win || !b->scratch)
            return FAIL(b, "window pages", -XEN_ENOMEM);
        b->win_pte = mm_read_pte((unsigned long)b->win, 1);
    }
    domctl_pv_config(&dc, 1);
    rc = domctl_op(&dc, XEN_DOMCTL_createdomain, 0);
    if (rc)
        return FAIL(b, "createdomain", rc);
    b->domid = dc.domain;
    memset(&dc, 0, sizeof(dc));
    dc.u.max_vcpus.max = 1;
    rc = domctl_op(&dc, XEN_DOMCTL_max_vcpus, b->domid);
    if (rc)
        return FAIL(b, "max_vcpus", rc);
    memset(&dc, 0, sizeof(dc));
    dc.u.max_mem.max_memkb = b->nr_pages * 4 + 1024;
    rc = domctl_op(&dc, XEN_DOMCTL_max_mem, b->domid);
    if (rc)
        return FAIL(b, "max_mem", rc);
    rc = populate(b);
    if (rc)
        return FAIL(b, "populate_physmap", rc);
    memset(&dc, 0, sizeof(dc));
    rc = domctl_op(&dc, XEN_DOMCTL_getdomaininfo, b->domid);
    if (rc || dc.domain != b->domid)
        return FAIL(b, "getdomaininfo", rc ? rc : -XEN_ESRCH);
    b->shared_info_mfn = dc.u.getdomaininfo.shared_info_frame;
    return 0;
}

static void *map_mfn(struct pv_build *b, uint64_t mfn)
{
    long rc = HYPERVISOR_update_va_mapping_otherdomain(
        (unsigned long)b->win, MFN_PTE(mfn, PTE_KDATA), UVMF_INVLPG, b->domid);

    return rc ? NULL : b->win;
}

void *pv_build_map(struct pv_build *b, unsigned long pfn)
{
    return pfn < b->nr_pages ? map_mfn(b, b->mfn[pfn]) : NULL;
}

long pv_build_unmap(struct pv_build *b)
{
    return mm_update_va((unsigned long)b->win, b->win_pte, UVMF_INVLPG);
}

static long write_pfn(struct pv_build *b, unsigned long pfn, const void *src)
{
    void *p = pv_build_map(b, pfn);

    if (!p)
        return -XEN_EINVAL;
    memcpy(p, src, MM_PAGE_SIZE);
    return 0;
}

/* Many of its pages cleared at once: MMUEXT_CLEAR_PAGE on a foreign owner. */
static long clear_pages(struct pv_build *b, unsigned long from,
                        unsigned long to)
{
    static struct mmuext_op ops[64];
    unsigned int n = 0, done = 0;

    for (unsigned long pfn = from; pfn < to; pfn++) {
        memset(&ops[n], 0, sizeof(ops[n]));
        ops[n].cmd = MMUEXT_CLEAR_PAGE;
        ops[n].arg1.mfn = b->mfn[pfn];
        if (++n == ARRAY_SIZE(ops) || pfn + 1 == to) {
            long rc = HYPERVISOR_mmuext_op(ops, n, &done, b->domid);

            if (rc || done != n)
                return rc ? rc : -XEN_EINVAL;
            n = 0;
        }
    }
    return 0;
}

static long write_tables(struct pv_build *b)
{
    uint64_t *t = (uint64_t *)b->scratch;
    unsigned long nr_l1 = b->nr_pages / 512;
    long rc;

    memset(t, 0, MM_PAGE_SIZE);
    t[mm_index(b->virt_base, 4)] = MFN_PTE(b->mfn[b->pt_pfn + 1], PTE_TABLE);
    rc = write_pfn(b, b->pt_pfn, t);
    memset(t, 0, MM_PAGE_SIZE);
    t[mm_index(b->virt_base, 3)] = MFN_PTE(b->mfn[b->pt_pfn + 2], PTE_TABLE);
    rc = rc ? rc : write_pfn(b, b->pt_pfn + 1, t);
    memset(t, 0, MM_PAGE_SIZE);
    for (unsigned long i = 0; i < nr_l1; i++)
        t[mm_index(b->virt_base, 2) + i] =
            MFN_PTE(b->mfn[b->pt_pfn + 3 + i], PTE_TABLE);
    rc = rc ? rc : write_pfn(b, b->pt_pfn + 2, t);
    for (unsigned long i = 0; !rc && i < nr_l1; i++) {
        for (unsigned int j = 0; j < 512; j++) {
            unsigned long pfn = i * 512 + j;
            uint64_t fl = PTE_P | PTE_US | PTE_A | PTE_D;

            /* Its own page tables only read-only, or the pin is refused. */
            if (pfn < b->pt_pfn || pfn >= b->pt_pfn + b->nr_pt)
                fl |= PTE_RW;
            t[j] = MFN_PTE(b->mfn[pfn], fl);
        }
        rc = write_pfn(b, b->pt_pfn + 3 + i, t);
    }
    return rc;
}

/* A channel allocated in the domU for us, and bound from our side. */
static long channel(struct pv_build *b, evtchn_port_t *remote,
                    evtchn_port_t *local)
{
    struct evtchn_alloc_unbound a = { .dom = b->domid, .remote_dom = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc)
        return rc;
    *remote = a.port;
    return evtchn_bind_interdomain(b->domid, a.port, local);
}

static long write_start_info(struct pv_build *b)
{
    struct start_info *si = (struct start_info *)b->scratch;
    size_t n = b->cmdline ? strlen(b->cmdline) : 0;

    memset(si, 0, MM_PAGE_SIZE);
    memcpy(si->magic, "xen-3.0-x86_64", sizeof("xen-3.0-x86_64"));
    si->nr_pages = b->nr_pages;
    si->shared_info = b->shared_info_mfn << MM_PAGE_SHIFT;
    si->store_mfn = b->mfn[b->store_pfn];
    si->store_evtchn = b->domu_store_port;
    si->console.domU.mfn = b->mfn[b->console_pfn];
    si->console.domU.evtchn = b->domu_console_port;
    si->pt_base = pv_build_va(b, b->pt_pfn);
    si->nr_pt_frames = b->nr_pt;
    si->mfn_list = pv_build_va(b, b->p2m_pfn);
    if (n >= sizeof(si->cmd_line))
        n = sizeof(si->cmd_line) - 1;
    memcpy(si->cmd_line, b->cmdline, n);
    return write_pfn(b, b->start_info_pfn, si);
}

/* The toolstack's reserved grant entries: console and xenstore, to us. */
static long seed_grants(struct pv_build *b)
{
    xen_pfn_t f[1] = { 0 };
    volatile struct grant_entry_v1 *gt;
    int st = gnt_setup(b->domid, 1, f);

    if (st)
        return st < 0 && st > -200 ? st : -XEN_EINVAL;
    gt = map_mfn(b, f[0]);
    if (!gt)
        return -XEN_EINVAL;
    gnt_grant(&gt[GNTTAB_RESERVED_CONSOLE], 0, (uint32_t)b->mfn[b->console_pfn],
              GTF_permit_access);
    gnt_grant(&gt[GNTTAB_RESERVED_XENSTORE], 0, (uint32_t)b->mfn[b->store_pfn],
              GTF_permit_access);
    return 0;
}

/*
 * shared_info as a PV builder leaves it: cleared, every vCPU's upcalls
 * masked until the guest has a callback (Xen starts it unmasked: an early
 * event would find no callback and crash the guest).
 */
static long mask_upcalls(struct pv_build *b)
{
    struct shared_info *sh = map_mfn(b, b->shared_info_mfn);

    if (!sh)
        return -XEN_EINVAL;
    memset(sh, 0, sizeof(*sh));
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        sh->vcpu_info[i].evtchn_upcall_mask = 1;
    return 0;
}

long pv_build_load(struct pv_build *b)
{
    unsigned long pfn;
    long rc;

    b->p2m_pfn = b->kernel_pages;
    b->start_info_pfn =
        b->p2m_pfn + (b->nr_pages * 8 + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;
    b->store_pfn = b->start_info_pfn + 1;
    b->console_pfn = b->store_pfn + 1;
    b->pt_pfn = b->console_pfn + 1;
    b->nr_pt = 3 + b->nr_pages / 512;
    b->stack_pfn = b->pt_pfn + b->nr_pt;
    if (b->stack_pfn + 1 >= b->nr_pages)
        return FAIL(b, "layout", -XEN_ENOMEM);

    rc = clear_pages(b, b->kernel_pages, b->nr_pages);
    if (rc)
        return FAIL(b, "MMUEXT_CLEAR_PAGE", rc);
    for (pfn = 0; pfn < b->kernel_pages; pfn++) {
        image_page(b, pv_build_va(b, pfn), b->scratch);
        if ((rc = write_pfn(b, pfn, b->scratch)))
            return FAIL(b, "loading the image", rc);
    }
    for (unsigned long i = 0; b->p2m_pfn + i < b->start_info_pfn; i++) {
        uint64_t *p = (uint64_t *)b->scratch;

        memset(p, 0, MM_PAGE_SIZE);
        for (unsigned int j = 0; j < 512 && i * 512 + j < b->nr_pages; j++)
            p[j] = b->mfn[i * 512 + j];
        if ((rc = write_pfn(b, b->p2m_pfn + i, p)))
            return FAIL(b, "P2M", rc);
    }
    if ((rc = channel(b, &b->domu_console_port, &b->console_port)))
        return FAIL(b, "console channel", rc);
    if ((rc = channel(b, &b->domu_store_port, &b->store_port)))
        return FAIL(b, "xenstore channel", rc);
    if ((rc = write_start_info(b)))
        return FAIL(b, "start_info", rc);
    if ((rc = write_tables(b)))
        return FAIL(b, "page tables", rc);
    if ((rc = seed_grants(b)))
        return FAIL(b, "reserved grants", rc);
    if ((rc = mask_upcalls(b)))
        return FAIL(b, "shared_info", rc);
    /* No writable mapping of its tables may be left when they are pinned. */
    if ((rc = pv_build_unmap(b)))
        return FAIL(b, "window", rc);
    return 0;
}

void pv_build_context(const struct pv_build *b, struct vcpu_guest_context *c)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.rip = b->entry;
    c->user_regs.rsp = pv_build_va(b, b->stack_pfn + 1);
    c->user_regs.rsi = pv_build_va(b, b->start_info_pfn);
    c->user_regs.rflags = 1u << 9;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_SS;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = c->user_regs.rsp;
    c->ctrlreg[3] = (uint64_t)b->mfn[b->pt_pfn] << MM_PAGE_SHIFT;
}

long pv_build_start(struct pv_build *b)
{
    /* A context is bigger than a page: not from the page pool. */
    static struct vcpu_guest_context ctx;
    struct mmuext_op op;
    unsigned int done = 0;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = MMUEXT_PIN_L4_TABLE;
    op.arg1.mfn = b->mfn[b->pt_pfn];
    rc = HYPERVISOR_mmuext_op(&op, 1, &done, b->domid);
    if (rc)
        return FAIL(b, "pinning its L4", rc);
    memset(&dc, 0, sizeof(dc));
    dc.u.hypercall_init.gmfn =
        b->mfn[(b->hypercall_page - b->virt_base) >> MM_PAGE_SHIFT];
    rc = domctl_op(&dc, XEN_DOMCTL_hypercall_init, b->domid);
    if (rc)
        return FAIL(b, "hypercall_init", rc);
    pv_build_context(b, &ctx);
    memset(&dc, 0, sizeof(dc));
    dc.u.vcpucontext.vcpu = 0;
    dc.u.vcpucontext.ctxt = (uint64_t)(unsigned long)&ctx;
    rc = domctl_op(&dc, XEN_DOMCTL_setvcpucontext, b->domid);
    if (rc)
        return FAIL(b, "setvcpucontext", rc);
    return 0;
}

long pv_build(struct pv_build *b)
{
    long rc = pv_build_parse(b);

    if (!rc)
        rc = pv_build_create(b);
    if (!rc)
        rc = pv_build_load(b);
    if (!rc)
        rc = pv_build_start(b);
    return rc;
}

/* ------------------------------------------------------------ console */

static int contains(const char *s, const char *w)
{
    size_t n = strlen(w);

    for (; *s; s++)
        if (!memcmp(s, w, n))
            return 1;
    return 0;
}

static void console_line(struct pv_console *c)
{
    c->line[c->len] = 0;
    if (!c->quiet || contains(c->line, "FAIL") ||
        contains(c->line, "Test result"))
        printk("d%u| %s\n", c->domid, c->line);
    c->len = 0;
}

void pv_console_relay(struct pv_console *c)
{
    volatile struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons = r->out_cons, prod = r->out_prod;

    __asm__ volatile("" ::: "memory"); /* the index before the bytes */
    while (cons != prod) {
        char ch = r->out[MASK_XENCONS_IDX(cons++, r->out)];

        if (ch == '\n' || c->len == sizeof(c->line) - 1)
            console_line(c);
        else if (ch != '\r')
            c->line[c->len++] = ch;
    }
    __asm__ volatile("" ::: "memory"); /* the bytes before giving them back */
    r->out_cons = cons;
}

void pv_console_flush(struct pv_console *c)
{
    pv_console_relay(c);
    if (c->len)
        console_line(c);
}

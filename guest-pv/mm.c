/* SPDX-License-Identifier: MIT */
/* Page-table helpers for MMU tests: P2M/M2P, walks, spare pages, trees. */
#include <guest/mm.h>

uint64_t *mm_cur_l4;
unsigned long mm_mapped_end_pfn;
unsigned long mm_spare_first_pfn;
volatile struct mm_fault mm_last_fault;

extern const uint64_t mm_probe_rips[];
extern const char mm_probe_fixup[];

/* Spare pages: a stack of free pfns. */
#define MM_POOL_MAX 2048
static unsigned long pool[MM_POOL_MAX];
static unsigned long pool_nr;

unsigned long mm_pfn_to_mfn(unsigned long pfn)
{
    return ((const unsigned long *)start_info->mfn_list)[pfn];
}

unsigned long mm_mfn_to_pfn(unsigned long mfn)
{
    return MM_M2P[mfn];
}

void *mm_pfn_to_virt(unsigned long pfn)
{
    return (void *)(MM_VIRT_BASE + (pfn << MM_PAGE_SHIFT));
}

unsigned long mm_virt_to_pfn(const void *va)
{
    return ((unsigned long)va - MM_VIRT_BASE) >> MM_PAGE_SHIFT;
}

unsigned long mm_virt_to_mfn(const void *va)
{
    return mm_pfn_to_mfn(mm_virt_to_pfn(va));
}

uint64_t mm_virt_to_maddr(const void *va)
{
    return ((uint64_t)mm_virt_to_mfn(va) << MM_PAGE_SHIFT) |
           ((unsigned long)va & (MM_PAGE_SIZE - 1));
}

uint64_t *mm_table_of(uint64_t entry)
{
    unsigned long mfn, pfn;

    if (!(entry & PTE_P))
        return NULL;
    mfn = PTE_MFN(entry);
    pfn = mm_mfn_to_pfn(mfn);
    if (pfn >= start_info->nr_pages || mm_pfn_to_mfn(pfn) != mfn)
        return NULL; /* not one of ours */
    if (mm_mapped_end_pfn && pfn >= mm_mapped_end_pfn)
        return NULL; /* ours, but not mapped at boot */
    return mm_pfn_to_virt(pfn);
}

volatile uint64_t *mm_pte_ptr(unsigned long va, int level)
{
    uint64_t *table = mm_cur_l4 ? mm_cur_l4 : (uint64_t *)start_info->pt_base;
    int l;

    for (l = 4; l > level; l--) {
        table = mm_table_of(table[mm_index(va, l)]);
        if (!table)
            return NULL;
    }
    return &table[mm_index(va, level)];
}

uint64_t mm_read_pte(unsigned long va, int level)
{
    volatile uint64_t *p = mm_pte_ptr(va, level);

    return p ? *p : 0;
}

uint64_t mm_pte_maddr(unsigned long va, int level)
{
    volatile uint64_t *p = mm_pte_ptr(va, level);

    return p ? mm_virt_to_maddr((const void *)p) : 0;
}

/* #PF inside a probe: record it and make the probe return -1. */
static int mm_pf_handler(struct trap_frame *f)
{
    unsigned int i;

    for (i = 0; mm_probe_rips[i]; i++) {
        if (f->rip == mm_probe_rips[i]) {
            mm_last_fault.count++;
            mm_last_fault.cr2 = f->cr2;
            mm_last_fault.error_code = f->error_code;
            mm_last_fault.rip = f->rip;
            f->rip = (uint64_t)mm_probe_fixup;
            return 1;
        }
    }
    return 0;
}

void mm_init(void)
{
    unsigned long pfn, floor, end;
    extern char _image_end[];

    mm_cur_l4 = (uint64_t *)start_info->pt_base;
    trap_set_handler(14, mm_pf_handler);

    /* The start-of-day region: every pfn whose L1 entry is present. */
    pfn = mm_virt_to_pfn((void *)start_info->pt_base);
    while (pfn < start_info->nr_pages &&
           (mm_read_pte((unsigned long)mm_pfn_to_virt(pfn), 1) & PTE_P))
        pfn++;
    mm_mapped_end_pfn = pfn;

    /*
     * Spare pages start past everything the builder put there: the
     * image, the P2M, start_info, the page tables, plus one page for a
     * boot stack that follows the tables.
     */
    floor = mm_virt_to_pfn(_image_end);
    /* An INIT_P2M list lives outside the region and takes no room in it. */
    end = start_info->mfn_list >= MM_VIRT_BASE
              ? mm_virt_to_pfn((void *)(start_info->mfn_list +
                                        start_info->nr_pages * 8 + 4095))
              : 0;
    if (end > floor)
        floor = end;
    end = mm_virt_to_pfn(start_info) + 1;
    if (end > floor)
        floor = end;
    end =
        mm_virt_to_pfn((void *)start_info->pt_base) + start_info->nr_pt_frames;
    if (end > floor)
        floor = end;
    floor += 1;
    mm_spare_first_pfn = floor;

    pool_nr = 0;
    for (pfn = mm_mapped_end_pfn; pfn > floor && pool_nr < MM_POOL_MAX;)
        pool[pool_nr++] = --pfn;

    printk("mm: pt_base 0x%lx (%lu frames), mapped pfns [0, 0x%lx), spare "
           "[0x%lx, 0x%lx): %lu pages, nr_pages %lu\n",
           (unsigned long)start_info->pt_base,
           (unsigned long)start_info->nr_pt_frames, mm_mapped_end_pfn, floor,
           mm_mapped_end_pfn, pool_nr, (unsigned long)start_info->nr_pages);
}

void *mm_alloc_page(void)
{
    void *p;

    if (!pool_nr)
        return NULL;
    p = mm_pfn_to_virt(pool[--pool_nr]);
    memset(p, 0, MM_PAGE_SIZE);
    return p;
}

void mm_free_page(void *page)
{
    if (page && pool_nr < MM_POOL_MAX)
        pool[pool_nr++] = mm_virt_to_pfn(page);
}

unsigned long mm_free_pages(void)
{
    return pool_nr;
}

long mm_update_va(unsigned long va, uint64_t pte, unsigned long flags)
{
    long rc = HYPERVISOR_update_va_mapping(va, pte, flags);

    if (rc)
        printk("mm: update_va_mapping(0x%lx, 0x%llx, 0x%lx) = %ld\n", va,
               (unsigned long long)pte, flags, rc);
    return rc;
}

long mm_mmu_update1(uint64_t ptr, uint64_t val)
{
    struct mmu_update req = { .ptr = ptr, .val = val };
    unsigned int done = 0xdead;
    long rc = HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF);

    if (rc)
        printk("mm: mmu_update(ptr 0x%llx, val 0x%llx) = %ld (done %u)\n",
               (unsigned long long)ptr, (unsigned long long)val, rc, done);
    return rc;
}

long mm_mmuext(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
    struct mmuext_op op;
    unsigned int done = 0xdead;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    rc = HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF);
    if (rc)
        printk("mm: mmuext_op(cmd %u, 0x%lx, 0x%lx) = %ld (done %u)\n", cmd,
               arg1, arg2, rc, done);
    return rc;
}

long mm_pin(int level, unsigned long mfn)
{
    return mm_mmuext(MMUEXT_PIN_L1_TABLE + (level - 1), mfn, 0);
}

long mm_unpin(unsigned long mfn)
{
    return mm_mmuext(MMUEXT_UNPIN_TABLE, mfn, 0);
}

long mm_new_baseptr(unsigned long mfn)
{
    long rc = mm_mmuext(MMUEXT_NEW_BASEPTR, mfn, 0);
    unsigned long pfn = mm_mfn_to_pfn(mfn);

    if (!rc && pfn < mm_mapped_end_pfn && mm_pfn_to_mfn(pfn) == mfn)
        mm_cur_l4 = mm_pfn_to_virt(pfn);
    return rc;
}

long mm_invlpg(unsigned long va)
{
    return mm_mmuext(MMUEXT_INVLPG_LOCAL, va, 0);
}

long mm_flush_tlb(void)
{
    return mm_mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
}

long mm_current_reservation(void)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

long mm_decrease_one(unsigned long mfn)
{
    xen_pfn_t frame = mfn;
    struct xen_memory_reservation r;

    memset(&r, 0, sizeof(r));
    set_xen_guest_handle(r.extent_start, &frame);
    r.nr_extents = 1;
    r.domid = DOMID_SELF;
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

static long set_page_rw(const void *va, uint64_t rw)
{
    unsigned long mfn = mm_virt_to_mfn(va);

    return mm_update_va((unsigned long)va, MFN_PTE(mfn, PTE_P | PTE_A | rw),
                        UVMF_INVLPG);
}

long mm_set_ro(const void *va)
{
    return set_page_rw(va, 0);
}

long mm_set_rw(const void *va)
{
    return set_page_rw(va, PTE_RW | PTE_D);
}

long mm_tree_init(struct mm_tree *t)
{
    memset(t, 0, sizeof(*t));
    t->l4 = mm_alloc_page();
    if (!t->l4)
        return -XEN_ENOMEM;
    t->table[0] = t->l4;
    t->level[0] = 4;
    t->nr = 1;
    return 0;
}

/* The tree's own table an entry points at (NULL if absent). */
static uint64_t *tree_table_of(struct mm_tree *t, uint64_t entry)
{
    unsigned int i;

    if (!(entry & PTE_P))
        return NULL;
    for (i = 0; i < t->nr; i++)
        if (mm_virt_to_mfn(t->table[i]) == PTE_MFN(entry))
            return t->table[i];
    return NULL;
}

uint64_t *mm_tree_entry(struct mm_tree *t, unsigned long va, int level)
{
    uint64_t *table = t->l4;
    int l;

    for (l = 4; l > level; l--) {
        table = tree_table_of(t, table[mm_index(va, l)]);
        if (!table)
            return NULL;
    }
    return &table[mm_index(va, level)];
}

long mm_tree_map(struct mm_tree *t, unsigned long va, uint64_t pte)
{
    uint64_t *table = t->l4;
    int l;

    if (t->sealed)
        return -XEN_EINVAL;
    for (l = 4; l > 1; l--) {
        uint64_t *e = &table[mm_index(va, l)];
        uint64_t *next = tree_table_of(t, *e);

        if (!next) {
            if (t->nr == MM_TREE_MAX)
                return -XEN_ENOMEM;
            next = mm_alloc_page();
            if (!next)
                return -XEN_ENOMEM;
            t->table[t->nr] = next;
            t->level[t->nr] = l - 1;
            t->nr++;
            *e = MFN_PTE(mm_virt_to_mfn(next), PTE_TABLE);
        }
        table = next;
    }
    table[mm_index(va, 1)] = pte;
    return 0;
}

void mm_tree_copy_kernel(struct mm_tree *t)
{
    const uint64_t *cur =
        mm_cur_l4 ? mm_cur_l4 : (const uint64_t *)start_info->pt_base;
    unsigned int i;

    for (i = 272; i < 512; i++)
        if (cur[i] & PTE_P)
            t->l4[i] = cur[i];
}

long mm_tree_seal(struct mm_tree *t)
{
    unsigned int i;
    long rc;

    for (i = 0; i < t->nr; i++) {
        rc = mm_set_ro(t->table[i]);
        if (rc)
            return rc;
    }
    t->sealed = 1;
    return 0;
}

long mm_tree_unseal(struct mm_tree *t)
{
    unsigned int i;
    long rc, first = 0;

    for (i = 0; i < t->nr; i++) {
        rc = mm_set_rw(t->table[i]);
        if (rc && !first)
            first = rc;
    }
    if (!first)
        t->sealed = 0;
    return first;
}

void mm_tree_free(struct mm_tree *t)
{
    unsigned int i;

    if (t->sealed && mm_tree_unseal(t))
        return; /* still typed somewhere: leak rather than reuse */
    for (i = t->nr; i-- > 0;)
        mm_free_page(t->table[i]);
    t->nr = 0;
    t->l4 = NULL;
}

unsigned long mm_tree_l4_mfn(const struct mm_tree *t)
{
    return mm_virt_to_mfn(t->l4);
}

uint64_t mm_kadj(uint64_t pte)
{
    if ((pte & PTE_P) && !(pte & PTE_US))
        pte |= PTE_US | PTE_XEN_GUEST_KERNEL;
    return pte;
}

uint64_t mm_peek(unsigned long va)
{
    uint64_t v = 0;

    if (mm_probe_read64((const void *)va, &v))
        return MM_PEEK_FAULTED;
    return v;
}

unsigned long mm_xen_frame(void)
{
    static xen_pfn_t frames[4];
    struct xen_machphys_mfn_list l;

    memset(&l, 0, sizeof(l));
    l.max_extents = ARRAY_SIZE(frames);
    set_xen_guest_handle(l.extent_start, frames);
    if (HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &l) || !l.nr_extents)
        return 0;
    return frames[0];
}

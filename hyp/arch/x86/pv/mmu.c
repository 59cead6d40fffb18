/* SPDX-License-Identifier: GPL-2.0-only */
/* PV MMU hypercalls: mmu_update, mmuext_op, update_va_mapping, writable page tables. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "conring.h"
#include "grant_table.h"
#include "asm/cpu.h"
#include "asm/guest_frame.h"
#include "asm/ipi.h"
#include "asm/mm.h"
#include "asm/pagetype.h"
#include "asm/percpu.h"
#include "asm/ptwr.h"
#include "asm/pv.h"
#include "asm/x86.h"

/* Units of a long pin per continuation (see pagetype.c's should_stop). */
#define PIN_BUDGET 2048

bool opt_audit;
static cpumask_t domain_cpus(const struct domain *d, const struct vcpu *only);
/* With audit: recount after every Nth MMU hypercall (long fuzz runs). */
u32 opt_audit_every = 1;

void *pv_frame_map(mfn_t mfn)
{
    return mfn_to_virt(mfn);
}

void arch_page_assign(struct page_info *pg, struct domain *d)
{
    pv_assign_page(pg, d);
}

bool arch_page_release(struct page_info *pg)
{
    if (!(pg->count_info & PGC_allocated))
        return false;
    pv_release_allocation(pg);
    return true;
}

bool arch_get_page(struct page_info *pg, struct domain *d)
{
    return get_page(pg, d);
}

void arch_put_page(struct page_info *pg)
{
    put_page(pg);
}

/*
 * Xen's steal_page: take d's frame away (no owner, no references, off d's
 * list; tot_pages is the caller's) while nothing but its allocation holds
 * it. Any mapping, pin, page-table or descriptor use, grant or hold of
 * Vesper's means another reference, and the frame stays.
 */
bool arch_page_steal(struct page_info *pg, struct domain *d)
{
    if (!d || pg->owner != d || pg->count_info != (PGC_allocated | 1))
        return false;
    /* A type reference or pin always comes with a general reference. */
    BUG_ON(pg->type_info & (PGT_COUNT_MASK | PGT_pinned | PGT_partial));
    page_list_del(&d->page_list, pg);
    pg->count_info = 0;
    pg->owner = NULL;
    pg->type_info = 0;
    return true;
}

/*
 * Frames d gave up may still be in its vCPUs' TLBs if it did not flush
 * after unmapping them: flush before anyone else can be given them.
 */
void arch_flush_domain_tlbs(struct domain *d)
{
    flush_tlb_mask(domain_cpus(d, NULL));
}

/* The last reference to a live domain's frame went: free it now. */
void pv_page_released(struct page_info *pg)
{
    struct domain *d = pg->owner;

    /* Teardown frees everything itself; a zombie's frames go one by one. */
    if (!d || (d->state != DOM_RUNNING && !d->zombie) || page_in_use(pg))
        return;
    page_list_del(&d->page_list, pg);
    d->tot_pages--;
    m2p_set(page_to_mfn(pg), M2P_INVALID);
    pg->owner = NULL;
    pg->type_info = 0;
    free_pages(pg, 0);
}

void pv_mm_ctx_init(struct pv_mm_ctx *c, struct domain *d, struct vcpu *v)
{
    memset(c, 0, sizeof(*c));
    /*
     * Like Xen, even the privileged domain maps only frames of the page
     * owner it names (foreign_ok stays false): Xen's one exception, a
     * privileged page owner lending its target's frames, needs the page
     * tables of another domain, which we do not edit.
     */
    c->cache_ok = true;
    /*
     * Xen's I/O rights: the frames in the domain's iomem_caps (for the
     * privileged domain every I/O frame but those Vesper keeps, see
     * arch_io_denied), never Vesper's own, whatever was granted.
     */
    if (d && (d->is_privileged || d->arch.iomem_caps.nr)) {
        static u64 deny[8][2], ro[2][2], limit;
        static unsigned int ndeny, nro;
        static bool have_ranges;

        if (!have_ranges) {
            ndeny = arch_io_denied(deny, 8, &limit);
            nro = arch_io_readonly(ro, 2);
            have_ranges = true;
        }
        c->io_ok = true;
        c->io_ro = (const u64(*)[2])ro;
        c->io_nro = nro;
        c->io_deny = (const u64(*)[2])deny;
        c->io_ndeny = ndeny;
        c->io_limit = limit;
        c->io_caps = &d->arch.iomem_caps;
    }
    /*
     * Like Xen: frames past RAM are I/O (-EPERM for a domain without I/O
     * rights); only the all-ones "invalid" MFN is malformed (-EINVAL).
     */
    c->max_mfn = (1UL << 40) - 1;
    c->hyp_l4_slots = &idle_l4[HYP_FIRST_SLOT];
    if (v) {
        c->preempt = &v->arch.preempt;
        c->preempt->budget = PIN_BUDGET;
    }
}

/*
 * CPUs that may hold TLB entries of d's address spaces: those running one
 * of its vCPUs (switching a vCPU out flushes everything, globals too).
 */
static cpumask_t domain_cpus(const struct domain *d, const struct vcpu *only)
{
    cpumask_t m = 1UL << smp_processor_id();

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        const struct vcpu *v = d->vcpu[i];

        if (v && v->is_running && (!only || v == only))
            m |= 1UL << v->processor;
    }
    return m;
}

/*
 * UVMF_ALL / the _ALL and _MULTI mmuext flushes reach other CPUs; a type
 * change that left old writable mappings does too, whatever the guest
 * asked for.
 */
static void apply_flush(struct domain *d, const struct pv_mm_ctx *c, u64 va,
                        u64 uvmf)
{
    if (c->flush & PV_FLUSH_ALL) {
        flush_tlb_mask(domain_cpus(d, NULL));
        return;
    }
    if (!(c->flush & PV_FLUSH_L1))
        return;
    switch (uvmf & UVMF_FLUSHTYPE_MASK) {
    case UVMF_INVLPG:
        if (uvmf & UVMF_ALL)
            flush_tlb_mask(domain_cpus(d, NULL));
        else
            invlpg((void *)(uintptr_t)va);
        break;
    case UVMF_TLB_FLUSH:
        if (uvmf & UVMF_ALL)
            flush_tlb_mask(domain_cpus(d, NULL));
        else
            write_cr3(read_cr3());
        break;
    default:
        break;
    }
}

/* The CPUs running the vCPUs in a guest's vcpumask (MMUEXT_*_MULTI). */
static int vcpumask_cpus(struct domain *d, u64 mask_va, cpumask_t *out)
{
    u64 bits;

    if (copy_from_guest(&bits, mask_va, sizeof(bits)))
        return -EFAULT;
    *out = 1UL << smp_processor_id();
    for (unsigned int i = 0; i < d->max_vcpus && i < 64; i++)
        if ((bits >> i) & 1 && d->vcpu[i])
            *out |= domain_cpus(d, d->vcpu[i]);
    return 0;
}

static void audit_vcpu_holds(struct vcpu *v, struct pv_audit_hold *holds,
                             unsigned int *nh, struct pv_preempt **pre,
                             unsigned int *np)
{
    if (!v)
        return;
    pre[(*np)++] = &v->arch.preempt;
    if (v->arch.guest_table)
        holds[(*nh)++] = (struct pv_audit_hold){ v->arch.guest_table, 1, 1 };
    if (v->arch.guest_table_user)
        holds[(*nh)++] =
            (struct pv_audit_hold){ v->arch.guest_table_user, 1, 1 };
    for (unsigned int g = 0; g < 14; g++)
        if (v->arch.gdt_frames[g])
            holds[(*nh)++] =
                (struct pv_audit_hold){ v->arch.gdt_frames[g], 1, 1 };
    for (unsigned int g = 0; g < 16; g++)
        if (v->arch.ldt_frames[g])
            holds[(*nh)++] =
                (struct pv_audit_hold){ v->arch.ldt_frames[g], 1, 1 };
}

static bool domain_listed(const struct domain *d)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domain_list[i] == d)
            return true;
    return false;
}

/* A continued batch carries on counting from the guest's done value. */
static int batch_start(unsigned int *count, u64 pdone, unsigned int *done)
{
    if (!(*count & MMU_UPDATE_PREEMPTED))
        return 0;
    *count &= ~MMU_UPDATE_PREEMPTED;
    return pdone && copy_from_guest(done, pdone, sizeof(*done)) ? -EFAULT : 0;
}

/* End of a batch: one flush for all of it, progress to *pdone, audit. */
static int batch_end(struct domain *d, struct pv_mm_ctx *c, u64 pdone,
                     unsigned int done, int rc, const char *what)
{
    apply_flush(d, c, 0, UVMF_TLB_FLUSH);
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)) && !rc)
        rc = -EFAULT;
    pv_audit_after(d, what);
    return rc;
}

/* Xen's owners of I/O memory and of its own pages: they own no frame here. */
static struct domain dom_io = { .domain_id = DOMID_IO };
static struct domain dom_xen = { .domain_id = DOMID_XEN };

/* The page owner a foreign-domain argument names; NULL is -ESRCH. */
static struct domain *pg_owner_of(struct domain *d, domid_t fd)
{
    /* Naming yourself by number is refused, as Xen does. */
    if (fd == d->domain_id)
        return NULL;
    if (fd == DOMID_SELF)
        return d;
    if (fd == DOMID_IO)
        return &dom_io;
    if (fd == DOMID_XEN)
        return &dom_xen;
    return domain_by_id(fd);
}

/*
 * The page owner of new L1 entries. I/O frames are judged by Xen's rule:
 * DOMID_IO stands for the caller, a real foreign domain for itself (and
 * only the caller holds I/O rights here).
 */
static void set_pg_owner(struct pv_mm_ctx *c, struct domain *d,
                         struct domain *pgo)
{
    c->pg_owner = pgo;
    if (pgo != d && pgo != &dom_io)
        c->io_ok = false;
}

static unsigned int table_level(const struct page_info *pg)
{
    u64 t = pgt_type(pg);

    if (!(pg->type_info & PGT_validated))
        return 0;
    if (t == PGT_l1)
        return 1;
    if (t == PGT_l2)
        return 2;
    if (t == PGT_l3)
        return 3;
    if (t == PGT_l4)
        return 4;
    return 0;
}

/* The guest writes an ordinary word of its frame through mmu_update. */
static void store_word(mfn_t mfn, const struct mmu_update *req)
{
    volatile u64 *w = pv_frame_map(mfn);

    w[(req->ptr & (PAGE_SIZE - 1)) / 8] = req->val;
}

/* No type in use: store under a writable type reference of our own. */
static int write_plain(struct domain *d, struct page_info *pg,
                       const struct mmu_update *req, struct pv_mm_ctx *c)
{
    if (get_page_and_type(pg, d, PGT_writable, c))
        return -EINVAL;
    store_word(page_to_mfn(pg), req);
    put_page_and_type(pg, c);
    return 0;
}

static int mmu_update_one(struct domain *d, struct domain *pgo,
                          const struct mmu_update *req, struct pv_mm_ctx *c)
{
    /* Xen takes the command from the low three (alignment) bits. */
    unsigned int cmd = req->ptr & 7;
    mfn_t mfn = req->ptr >> PAGE_SHIFT;
    struct page_info *pg;
    unsigned int level;

    /* No right to act for the named domains (see mmu_update). */
    if (!pgo && cmd <= MMU_PT_UPDATE_NO_TRANSLATE)
        return -EPERM;
    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
    case MMU_PT_UPDATE_NO_TRANSLATE: /* the same as normal for PV, as Xen */
        if (pg->owner != d)
            return -EINVAL;
        /*
         * Xen's rules: a frame in use with a validated type is updated by
         * that type (a table entry, or a plain store into a writable
         * frame; any other type is -EINVAL); otherwise the store goes
         * through a writable type reference, refused if another type is
         * in use. Linux relies on the plain store.
         */
        if (!(pg->type_info & PGT_validated) || !pgt_count(pg))
            return write_plain(d, pg, req, c);
        if (pgt_type(pg) == PGT_writable) {
            store_word(mfn, req);
            return 0;
        }
        level = table_level(pg);
        if (!level)
            return -EINVAL;
        set_pg_owner(c, d, pgo);
        return pv_mod_entry(d, mfn, (req->ptr & (PAGE_SIZE - 1)) / 8, req->val,
                            level, cmd == MMU_PT_UPDATE_PRESERVE_AD, c);
    case MMU_MACHPHYS_UPDATE:
        if (pg->owner != pgo)
            return -EINVAL;
        m2p_set(mfn, req->val);
        return 0;
    default:
        return -ENOSYS;
    }
}

HYPERCALL4(mmu_update, u64, ureqs, unsigned int, count, u64, pdone,
           unsigned int, foreigndom)
{
    struct vcpu *v = current;
    struct domain *d = v->domain, *pgo, *pto = d;
    struct pv_mm_ctx c;
    struct mmu_update req;
    unsigned int done = 0, i;
    int rc = 0;

    if (batch_start(&count, pdone, &done))
        return -EFAULT;
    /* The upper half names the page tables' owner, plus one (Xen's PFD). */
    if (foreigndom >> 16) {
        pto = domain_by_id((domid_t)((foreigndom >> 16) - 1));
        if (!pto)
            return -ESRCH;
    }
    pgo = pg_owner_of(d, (domid_t)foreigndom);
    if (!pgo) {
        if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
            return -EFAULT;
        return -ESRCH;
    }
    /*
     * Xen's default policy: another domain's frames (DOMID_IO's excepted,
     * which are no one's) need privilege; Xen checks it at the first
     * request, so an empty batch passes. Another domain's page tables we
     * do not edit at all.
     */
    if (pto != d || (pgo != &dom_io && pgo != d && !d->is_privileged))
        pgo = NULL;
    pv_mm_ctx_init(&c, d, v);
    for (i = 0; i < count; i++) {
        /* Xen's rule: after one request, stop whenever work is pending. */
        if (i && hypercall_preempt_check()) {
            rc = hypercall_continue(
                __HYPERVISOR_mmu_update, ureqs + i * sizeof(req),
                (count - i) | MMU_UPDATE_PREEMPTED, pdone, foreigndom, 0);
            break;
        }
        if (copy_from_guest(&req, ureqs + i * sizeof(req), sizeof(req))) {
            rc = -EFAULT;
            break;
        }
        rc = mmu_update_one(d, pgo, &req, &c);
        if (rc)
            break;
    }
    return batch_end(d, &c, pdone, done + i, rc, "mmu_update");
}

/* The vCPU's base pointers hold a general and a type reference each. */
static int set_baseptr(struct vcpu *v, mfn_t mfn, bool user,
                       struct pv_mm_ctx *c)
{
    struct domain *d = v->domain;
    mfn_t *slot = user ? &v->arch.guest_table_user : &v->arch.guest_table;
    mfn_t old = *slot;
    int rc;

    if (user && mfn == 0) {
        *slot = 0;
    } else {
        if (!mfn_valid(mfn))
            return -EINVAL;
        rc = get_page_and_type(mfn_to_page(mfn), d, PGT_l4, c);
        if (rc)
            return rc;
        *slot = mfn;
        /*
         * A new kernel base drops the LDT's mapped pages, as Xen's
         * new_guest_cr3: they fault in again through the new tables.
         */
        if (!user && mfn != old)
            pv_unmap_ldt(v, c);
    }
    if (user == !v->arch.kernel_mode)
        write_cr3(*slot << PAGE_SHIFT);
    if (old)
        put_page_and_type(mfn_to_page(old), c);
    return 0;
}

static int page_op(struct domain *d, mfn_t dst, mfn_t src, bool copy,
                   struct pv_mm_ctx *c)
{
    struct page_info *dp, *sp = NULL;
    int rc;

    if (!mfn_valid(dst) || (copy && !mfn_valid(src)))
        return -EINVAL;
    dp = mfn_to_page(dst);
    rc = get_page_and_type(dp, d, PGT_writable, c);
    if (rc)
        return rc;
    if (copy) {
        sp = mfn_to_page(src);
        if (!get_page(sp, d)) {
            put_page_and_type(dp, c);
            return -EINVAL;
        }
        memcpy(mfn_to_virt(dst), mfn_to_virt(src), PAGE_SIZE);
        put_page(sp);
    } else {
        memset(mfn_to_virt(dst), 0, PAGE_SIZE);
    }
    put_page_and_type(dp, c);
    return 0;
}

/*
 * Xen's SET_LDT: only the base and size are checked and recorded; each
 * page becomes a descriptor page when the CPU first uses it (a page the
 * guest has not mapped, or still maps writable, is the guest's #PF then).
 * The same LDT again changes nothing.
 */
static int set_ldt(struct vcpu *v, u64 va, unsigned int ents,
                   struct pv_mm_ctx *c)
{
    u64 base = ents ? va : 0;

    if ((base & (PAGE_SIZE - 1)) || !pv_addr_ok(base) || ents > LDT_MAX_ENTS)
        return -EINVAL;
    if (ents == v->arch.ldt_ents && base == v->arch.ldt_base)
        return 0;
    pv_drop_ldt(v, c);
    v->arch.ldt_base = base;
    v->arch.ldt_ents = ents;
    ldt_load(v->arch.ldt_frames, ents);
    return 0;
}

static int mmuext_one(struct vcpu *v, const struct mmuext_op *op,
                      struct pv_mm_ctx *c)
{
    struct domain *d = v->domain, *pgo = c->pg_owner ? c->pg_owner : d;

    /*
     * A foreign owner (a toolstack building a domain) may have its tables
     * pinned and unpinned and its pages cleared or copied; what acts on
     * the caller's own vCPU or TLBs is Xen's -EPERM then.
     */
    switch (op->cmd) {
    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_SET_LDT:
    case MMUEXT_NEW_USER_BASEPTR:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if (pgo != d)
            return -EPERM;
        break;
    default:
        break;
    }
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        if (!mfn_valid(op->arg1.mfn))
            return -EINVAL;
        return pv_pin(pgo, op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1, c);
    case MMUEXT_UNPIN_TABLE:
        if (!mfn_valid(op->arg1.mfn))
            return -EINVAL;
        return pv_unpin(pgo, op->arg1.mfn, c);
    case MMUEXT_NEW_BASEPTR:
        return set_baseptr(v, op->arg1.mfn, false, c);
    case MMUEXT_NEW_USER_BASEPTR:
        return set_baseptr(v, op->arg1.mfn, true, c);
    case MMUEXT_TLB_FLUSH_LOCAL:
        write_cr3(read_cr3());
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        if (is_canonical(op->arg1.linear_addr))
            invlpg((void *)(uintptr_t)op->arg1.linear_addr);
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI: {
        cpumask_t m;
        int rc = vcpumask_cpus(d, (u64)(uintptr_t)op->arg2.vcpumask, &m);

        if (!rc)
            flush_tlb_mask(m);
        return rc;
    }
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        flush_tlb_mask(domain_cpus(d, NULL));
        return 0;
    case MMUEXT_FLUSH_CACHE:
        /* Xen: only for a domain with I/O access, which only dom0 has. */
        return d->is_privileged ? 0 : -EACCES;
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return d->is_privileged ? 0 : -EINVAL;
    case MMUEXT_SET_LDT:
        return set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents, c);
    case MMUEXT_CLEAR_PAGE:
        return page_op(pgo, op->arg1.mfn, 0, false, c);
    case MMUEXT_COPY_PAGE:
        return page_op(pgo, op->arg1.mfn, op->arg2.src_mfn, true, c);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -ENOSYS; /* no superpages for PV guests */
    default:
        return -ENOSYS;
    }
}

HYPERCALL4(mmuext_op, u64, uops, unsigned int, count, u64, pdone, unsigned int,
           foreigndom)
{
    struct vcpu *v = current;
    struct domain *d = v->domain, *pgo;
    struct pv_mm_ctx c;
    struct mmuext_op op;
    unsigned int done = 0, i;
    int rc = 0;

    if (batch_start(&count, pdone, &done))
        return -EFAULT;
    pgo = pg_owner_of(d, (domid_t)foreigndom);
    if (!pgo)
        return -ESRCH;
    /* Xen's default policy: another owner's pages need privilege. */
    if (pgo != d && !d->is_privileged)
        return -EPERM;
    pv_mm_ctx_init(&c, d, v);
    set_pg_owner(&c, d, pgo);
    for (i = 0; i < count; i++) {
        /* Xen's rule: after one op, stop whenever work is pending. */
        if (i && hypercall_preempt_check()) {
            rc = hypercall_continue(
                __HYPERVISOR_mmuext_op, uops + i * sizeof(op),
                (count - i) | MMU_UPDATE_PREEMPTED, pdone, foreigndom, 0);
            break;
        }
        if (copy_from_guest(&op, uops + i * sizeof(op), sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        rc = mmuext_one(v, &op, &c);
        if (rc == -ERESTART) {
            /* A long pin: come back to this same op and carry on. */
            if (hypercall_preemptible()) {
                rc = hypercall_continue(
                    __HYPERVISOR_mmuext_op, uops + i * sizeof(op),
                    (count - i) | MMU_UPDATE_PREEMPTED, pdone, foreigndom, 0);
                break;
            }
            i--; /* not from a guest: finish it now */
            c.preempt->budget = PIN_BUDGET;
            continue;
        }
        if (rc)
            break;
    }
    return batch_end(d, &c, pdone, done + i, rc, "mmuext_op");
}

/* Find the L1 table (validated, owned by d) that maps va under root. */
static int find_l1_in(struct domain *d, mfn_t root, u64 va, mfn_t *l1_mfn)
{
    mfn_t mfn = root;
    unsigned int idx[3] = { l4_index(va), l3_index(va), l2_index(va) };

    if (!is_canonical(va) ||
        (idx[0] >= HYP_FIRST_SLOT && idx[0] <= HYP_LAST_SLOT))
        return -EINVAL;
    for (int lvl = 0; lvl < 3; lvl++) {
        pte_t e = ((pte_t *)mfn_to_virt(mfn))[idx[lvl]];

        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
            return -EINVAL;
        mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != d)
            return -EINVAL;
    }
    if (table_level(mfn_to_page(mfn)) != 1)
        return -EINVAL;
    *l1_mfn = mfn;
    return 0;
}

/* The same in the tables v runs on now (kernel or user). */
static int find_l1(struct vcpu *v, u64 va, mfn_t *l1_mfn)
{
    return find_l1_in(v->domain,
                      v->arch.kernel_mode ? v->arch.guest_table
                                          : v->arch.guest_table_user,
                      va, l1_mfn);
}

int pv_ldt_fault(struct vcpu *v, u64 addr, u64 *gva, u32 *ec)
{
    u64 win = this_cpu()->ldt_va, off = addr - win, pva;
    unsigned int page = (unsigned int)(off >> PAGE_SHIFT);
    struct pv_mm_ctx c;
    mfn_t l1, mfn;
    pte_t e;

    if (!v || addr < win || off >= LDT_MAX_ENTS * 8UL)
        return 0;
    *gva = v->arch.ldt_base + off;
    *ec = (u32)((off & ~3UL) | 4); /* Xen's #GP(selector): TI set */
    if (!is_canonical(*gva))
        return -2;
    pva = v->arch.ldt_base + ((u64)page << PAGE_SHIFT);
    /*
     * Through the guest kernel's tables whatever mode it runs in, as
     * Xen; a page mapped already did not fault for want of a mapping.
     */
    if (off >= v->arch.ldt_ents * 8UL || v->arch.ldt_frames[page] ||
        find_l1_in(v->domain, v->arch.guest_table, pva, &l1))
        return -1;
    e = ((pte_t *)mfn_to_virt(l1))[l1_index(pva)];
    mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    pv_mm_ctx_init(&c, v->domain, v);
    if (!(e & _PAGE_PRESENT) || !mfn_valid(mfn) ||
        get_page_and_type(mfn_to_page(mfn), v->domain, PGT_seg_desc, &c))
        return -1;
    v->arch.ldt_frames[page] = mfn;
    ldt_map_page(page, mfn);
    return 1;
}

static long do_uvma(struct domain *d, u64 va, u64 val, u64 flags,
                    struct domain *pgo)
{
    struct vcpu *v = current;
    struct pv_mm_ctx c;
    mfn_t l1;
    int rc;

    pv_mm_ctx_init(&c, d, v);
    set_pg_owner(&c, d, pgo);
    rc = find_l1(v, va, &l1);
    if (!rc)
        rc = pv_mod_entry(d, l1, l1_index(va), val, 1, false, &c);
    if (!rc)
        apply_flush(d, &c, va, flags);
    pv_audit_after(d, "update_va_mapping");
    return rc;
}

HYPERCALL3(update_va_mapping, u64, va, u64, val, u64, flags)
{
    return do_uvma(current->domain, va, val, flags, current->domain);
}

HYPERCALL4(update_va_mapping_otherdomain, u64, va, u64, val, u64, flags,
           unsigned int, domid)
{
    struct domain *d = current->domain, *pgo = pg_owner_of(d, (domid_t)domid);

    if (!pgo)
        return -ESRCH;
    /* Xen's default policy, whatever the new entry is. */
    if (pgo != d && !d->is_privileged)
        return -EPERM;
    return do_uvma(d, va, val, flags, pgo);
}

/*
 * Writable page tables: a guest-kernel store to one of its L1 tables,
 * which it maps read-only, is decoded, validated like mmu_update and
 * applied. Returns true if the fault was handled this way.
 */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, u64 addr)
{
    struct domain *d = v->domain;
    struct ptwr_insn in;
    struct pv_mm_ctx c;
    u8 insn[15];
    u64 *table, src, newpte, oldval;
    mfn_t l1, target;
    unsigned int n;
    bool zf;
    pte_t e;

    /* Like Xen 4.17, whether or not the guest enabled the vm_assist. */
    if (!v->arch.kernel_mode ||
        (regs->error_code & (PFEC_PRESENT | PFEC_WRITE)) !=
            (PFEC_PRESENT | PFEC_WRITE))
        return false;
    /* The faulting page must be mapped (read-only) to one of d's L1s. */
    if (find_l1(v, addr, &l1))
        return false;
    e = ((pte_t *)mfn_to_virt(l1))[l1_index(addr)];
    target = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    if (!(e & _PAGE_PRESENT) || !mfn_valid(target) ||
        table_level(mfn_to_page(target)) != 1 ||
        mfn_to_page(target)->owner != d)
        return false;
    for (n = 0; n < sizeof(insn); n++)
        if (copy_from_guest(&insn[n], regs->rip + n, 1))
            break;
    if (ptwr_decode(insn, n, &in))
        return false;
    table = mfn_to_virt(target);
    src = in.src_reg >= 0 ? *pv_gpr(regs, (unsigned int)in.src_reg) : 0;
    if (ptwr_compute(&in, table[(addr & (PAGE_SIZE - 1)) / 8], addr & 7, src,
                     regs->rax, &newpte, &oldval, &zf))
        return false;
    pv_mm_ctx_init(&c, d, v);
    if (pv_mod_entry(d, target, (addr & (PAGE_SIZE - 1)) / 8, newpte, 1, false,
                     &c))
        return false; /* refused: the guest gets its #PF */
    if (in.op == PTWR_XCHG)
        *pv_gpr(regs, (unsigned int)in.src_reg) = oldval;
    if (in.op == PTWR_CMPXCHG) {
        if (!zf)
            regs->rax =
                in.size == 8
                    ? oldval
                    : (regs->rax & ~((1UL << (in.size * 8)) - 1)) | oldval;
        regs->rflags = (regs->rflags & ~0x40UL) | (zf ? 0x40UL : 0);
    }
    if (in.op == PTWR_AND || in.op == PTWR_OR)
        regs->rflags = (regs->rflags & ~0x8d5UL) | (zf ? 0x40UL : 0);
    regs->rip += in.len;
    apply_flush(d, &c, addr, UVMF_INVLPG);
    pv_audit_after(d, "ptwr");
    return true;
}

unsigned int pv_hyp_page_holds(const struct domain *d,
                               struct pv_audit_hold *holds)
{
    unsigned int n = 0;

    /*
     * Vesper's own general and writable type reference on each page it
     * shares with d; add xenstore, grant and status frames here.
     */
    if (d->shared_info &&
        (mfn_to_page(d->shared_info_mfn)->count_info & PGC_xen_heap))
        holds[n++] = (struct pv_audit_hold){ d->shared_info_mfn, 1, 1 };
    BUG_ON(n > PV_HYP_PAGES_MAX);
    return n;
}

/*
 * Every reference frames should hold, recounted from scratch: those of
 * every frame of the machine, or (quick) of d's and the frames they
 * reference. Either way it needs the references held from outside page
 * tables by every domain, not only d.
 */
struct dev_holds {
    struct pv_audit_hold *holds;
    unsigned int n;
};

static void add_dev_hold(void *arg, mfn_t mfn, bool writable)
{
    struct dev_holds *h = arg;

    h->holds[h->n++] = (struct pv_audit_hold){ mfn, 1, writable };
}

static int audit_domains(struct domain *d, bool quick)
{
    static struct pv_audit_hold *holds;
    static unsigned int holds_dev; /* device mappings holds has room for */
    static struct pv_preempt *pre[(MAX_DOMAINS + 1) * MAX_VCPUS];
    static struct pv_audit_count *scratch;
    static mfn_t *touched;
    static u32 stamp;
    const struct page_list *lists[1];
    struct pv_audit_args a;
    unsigned int nh = 0, np = 0, ndev;
    int bad;

    if (!scratch) {
        scratch = xmalloc(nr_frames * sizeof(*scratch));
        if (scratch)
            memset(scratch, 0, nr_frames * sizeof(*scratch));
    }
    /* At the first audit (boot), so that it is not counted as a leak. */
    if (!touched)
        touched = xmalloc(nr_frames * sizeof(*touched));
    if (!d || !touched)
        quick = false;
    /* Grant device mappings have no fixed bound: room grows with them. */
    ndev = gnttab_device_maps(NULL, NULL);
    if (holds && ndev > holds_dev) {
        xfree(holds);
        holds = NULL;
    }
    if (!holds) {
        holds_dev = ndev > holds_dev ? ndev + 64 : holds_dev;
        holds = xmalloc((((2 + 14 + 16) * MAX_VCPUS + 1 + PV_HYP_PAGES_MAX) *
                             (MAX_DOMAINS + 1) +
                         GUEST_FRAME_MAX + GNTTAB_HYP_FRAMES_MAX + holds_dev) *
                        sizeof(*holds));
    }
    if (!scratch || !holds)
        return -ENOMEM;
    /* d may be unlisted: being built, or on its way out. */
    for (unsigned int k = 0; k <= MAX_DOMAINS; k++) {
        struct domain *o = k < MAX_DOMAINS ? domain_list[k] : d;

        if (!o || (k == MAX_DOMAINS && domain_listed(d)))
            continue;
        for (unsigned int i = 0; i < MAX_VCPUS; i++)
            audit_vcpu_holds(o->vcpu[i], holds, &nh, pre, &np);
        /* Vesper's own pages it shares with the domain (shared_info). */
        nh += pv_hyp_page_holds(o, &holds[nh]);
        /* The boot-time console ring page the hypervisor writes into. */
        if (o->conring)
            holds[nh++] = (struct pv_audit_hold){
                virt_to_mfn((const void *)o->conring->intf), 1, 1
            };
    }
    /* Frames the hypervisor maps for itself (FIFO pages, vcpu_info). */
    nh += pv_guest_frame_holds(&holds[nh]);
    /* Shared grant frames of every table, zombies' too: Vesper's hold. */
    {
        static mfn_t gf[GNTTAB_HYP_FRAMES_MAX];
        unsigned int n = gnttab_hyp_frames(gf, GNTTAB_HYP_FRAMES_MAX);

        for (unsigned int i = 0; i < n; i++)
            holds[nh++] = (struct pv_audit_hold){ gf[i], 1, 1 };
    }
    /* Grant device mappings: the handle holds their references. */
    {
        struct dev_holds dh = { &holds[nh], 0 };

        gnttab_device_maps(add_dev_hold, &dh);
        nh += dh.n;
    }
    memset(&a, 0, sizeof(a));
    a.holds = holds;
    a.nr_holds = nh;
    a.preempts = pre;
    a.nr_preempts = np;
    a.hyp_l4_slots = &idle_l4[HYP_FIRST_SLOT];
    a.scratch = scratch;
    if (!++stamp) /* 0 is what a fresh entry holds */
        stamp = 1;
    a.stamp = stamp;
    if (quick) {
        lists[0] = &d->page_list;
        a.lists = lists;
        a.nr_lists = 1;
        a.scope = d;
        a.touched = touched;
        a.quiet = true;
    }
    bad = pv_audit(frame_table, nr_frames, &a);
    return bad;
}

int pv_audit_domain(struct domain *d)
{
    return audit_domains(d, false);
}

/*
 * After each MMU call: with audit_every=N > 1, the quick recount of the
 * caller's frames, and on every Nth call (or where the quick one
 * disagrees: it may lack other owners' references) the full one, which
 * prints what is wrong and decides. Plain `audit`: the full one always.
 */
void pv_audit_after(struct domain *d, const char *what)
{
    static u32 calls; /* under the big lock */
    bool full = opt_audit_every <= 1 || !(++calls % opt_audit_every);
    int bad;

    if (!opt_audit)
        return;
    bad = full ? pv_audit_domain(d) : audit_domains(d, true);
    if (bad && !full)
        bad = pv_audit_domain(d);
    if (bad)
        panic("audit: %d reference-count mismatches after %s", bad, what);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* HVM instruction fetch and emulation: guest page walks, string port I/O, MMIO regions. */
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "asm/x86.h"
#include "vdev.h"
#include "x86_emul.h"

const struct hvm_funcs *hvm_funcs;

#define CR0_PE (1UL << 0)
#define CR0_WP (1UL << 16)
#define CR0_PG (1UL << 31)
#define CR4_PSE (1UL << 4)
#define CR4_PAE (1UL << 5)
#define EFER_LMA_BIT (1UL << 10)
#define EFER_NXE_BIT (1UL << 11)
#define RFLAGS_VM (1UL << 17)
#define PFEC_P 1U
#define PFEC_W 2U
#define PFEC_U 4U
#define PFEC_RSVD 8U
#define PFEC_I 16U

/*
 * GFN to frame through the nested table the back end runs the guest on
 * (NPT or EPT: both are built by hvm_p2m_build with bit 0 set in every
 * entry and 4 KiB leaves), so what the emulator reaches is exactly what
 * the guest reaches.
 */
static bool gfn_to_mfn(struct domain *d, u64 gfn, mfn_t *mfn)
{
    const struct hvm_domain *h = d->arch.hvm;
    u64 e;

    if (!h->npt_root || gfn >= h->ram_pfns)
        return false;
    e = (h->npt_root << PAGE_SHIFT) | 1;
    for (int shift = 27; shift >= 0; shift -= 9) {
        const u64 *t = mfn_to_virt((e & PTE_ADDR_MASK) >> PAGE_SHIFT);

        e = t[(gfn >> shift) & 511];
        if (!(e & 1))
            return false;
    }
    *mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    return true;
}

void *hvm_gpa_map(struct domain *d, u64 gpa)
{
    mfn_t mfn;

    if (!gfn_to_mfn(d, gpa >> PAGE_SHIFT, &mfn))
        return NULL;
    return (u8 *)mfn_to_virt(mfn) + (gpa & (PAGE_SIZE - 1));
}

/*
 * One page-table entry: read it, check it as the CPU does (present,
 * reserved bits, write, user, NX), and set A (and D on a leaf written).
 */
static enum hvm_walk_rc walk_entry(struct domain *d, u64 table_gpa,
                                   unsigned int idx, bool pae, u64 *ent)
{
    void *p = hvm_gpa_map(d, table_gpa + idx * (pae ? 8 : 4));

    if (!p)
        return HVM_WALK_BAD;
    *ent = pae ? *(volatile u64 *)p : *(volatile u32 *)p;
    return HVM_WALK_OK;
}

static void walk_set_ad(struct domain *d, u64 table_gpa, unsigned int idx,
                        bool pae, u64 bits)
{
    void *p = hvm_gpa_map(d, table_gpa + idx * (pae ? 8 : 4));

    if (pae)
        __atomic_or_fetch((u64 *)p, bits, __ATOMIC_SEQ_CST);
    else
        __atomic_or_fetch((u32 *)p, (u32)bits, __ATOMIC_SEQ_CST);
}

enum hvm_walk_rc hvm_gva_to_gpa(struct vcpu *v, const struct hvm_cpu_state *s,
                                u64 va, unsigned int acc, u64 *gpa, u32 *pfec)
{
    struct domain *d = v->domain;
    bool user = s->cpl == 3, write = acc & HVM_ACC_WRITE;
    bool fetch = acc & HVM_ACC_FETCH, nx = s->efer & EFER_NXE_BIT;
    bool lma = s->efer & EFER_LMA_BIT, pae = s->cr4 & CR4_PAE;
    u64 table, ent = 0, rw = 1, us = 1, xd = 0, rsvd;
    unsigned int levels, tidx[4];
    u64 tables[4];
    int level;

    /* The error code's U, W and I bits describe the access. */
    *pfec = (write ? PFEC_W : 0) | (user ? PFEC_U : 0) |
            (fetch && nx && pae ? PFEC_I : 0);
    if (!(s->cr0 & CR0_PG)) {
        *gpa = va & 0xffffffffULL;
        return HVM_WALK_OK;
    }
    /* Reserved: bits above 52 of the address and NX without EFER.NXE. */
    rsvd = 0x000f000000000000ULL | (nx ? 0 : _PAGE_NX);
    if (lma) {
        levels = 4;
        table = s->cr3 & PTE_ADDR_MASK;
    } else if (pae) {
        /* The PDPTE the CPU loaded with CR3 (re-read here). */
        u64 pdpte;

        va &= 0xffffffffULL;
        if (walk_entry(d, s->cr3 & 0xffffffe0ULL, (va >> 30) & 3, true, &pdpte))
            return HVM_WALK_BAD;
        if (!(pdpte & _PAGE_PRESENT))
            return HVM_WALK_PF;
        levels = 2;
        table = pdpte & PTE_ADDR_MASK;
    } else {
        va &= 0xffffffffULL;
        levels = 2;
        table = s->cr3 & 0xfffff000ULL;
    }
    for (level = (int)levels - 1; level >= 0; level--) {
        unsigned int shift = pae ? 12 + 9 * level : 12 + 10 * level;
        unsigned int i = pae ? (va >> shift) & 511 : (va >> shift) & 1023;
        bool large;

        if (walk_entry(d, table, i, pae, &ent))
            return HVM_WALK_BAD;
        tables[level] = table;
        tidx[level] = i;
        if (!(ent & _PAGE_PRESENT))
            return HVM_WALK_PF;
        large = level > 0 && (ent & _PAGE_PSE) && (pae || (s->cr4 & CR4_PSE));
        if (pae && (ent & rsvd)) {
            *pfec |= PFEC_RSVD | PFEC_P;
            return HVM_WALK_PF;
        }
        rw &= !!(ent & _PAGE_RW);
        us &= !!(ent & _PAGE_USER);
        if (pae)
            xd |= !!(ent & _PAGE_NX);
        if (large || level == 0) {
            u64 off_mask = (1ULL << shift) - 1;

            *gpa = pae ? (ent & PTE_ADDR_MASK & ~off_mask) | (va & off_mask)
                       : ((ent & 0xfffff000ULL) & ~off_mask) | (va & off_mask);
            break;
        }
        table = pae ? ent & PTE_ADDR_MASK : ent & 0xfffff000ULL;
    }
    /* Permissions on the whole path; supervisor writes honour CR0.WP. */
    if ((user && !us) || (write && !rw && (user || (s->cr0 & CR0_WP))) ||
        (fetch && xd && nx)) {
        *pfec |= PFEC_P;
        return HVM_WALK_PF;
    }
    for (int l = (int)levels - 1; l >= level; l--)
        walk_set_ad(d, tables[l], tidx[l], pae,
                    _PAGE_ACCESSED | (l == level && write ? _PAGE_DIRTY : 0));
    return HVM_WALK_OK;
}

/* The mode the guest decodes in, from its control state. */
static enum x86_emul_mode mode_of(const struct hvm_cpu_state *s)
{
    return x86_emul_mode_of(s->cr0 & CR0_PE, s->rflags & RFLAGS_VM,
                            s->efer & EFER_LMA_BIT, s->cs_l, s->cs_d);
}

/* One emulation: the vCPU, its state and how a walk last failed. */
struct hvm_emul_ctxt {
    struct x86_emul e;
    struct vcpu *v;
    struct hvm_cpu_state s;
    bool crashed;
};

static void emul_crash(struct hvm_emul_ctxt *c, const char *why)
{
    if (!c->crashed)
        hvm_funcs->crash(c->v, why);
    c->crashed = true;
}

/* Linear bytes of RAM, page by page; MMIO only when the access is whole. */
static int emul_access(struct x86_emul *e, u64 linear, unsigned int size,
                       u64 *val, u64 *gpa_out, bool write)
{
    struct hvm_emul_ctxt *c = e->priv;
    u8 *bytes = (u8 *)val;
    unsigned int done = 0;

    while (done < size) {
        u64 lin = linear + done, gpa;
        unsigned int n = MIN(
            size - done, (unsigned int)(PAGE_SIZE - (lin & (PAGE_SIZE - 1))));
        u32 pfec;
        u8 *p;

        switch (hvm_gva_to_gpa(c->v, &c->s, lin, write ? HVM_ACC_WRITE : 0,
                               &gpa, &pfec)) {
        case HVM_WALK_PF:
            e->event.cr2 = lin;
            return x86_emul_raise(e, TRAP_PF, true, pfec);
        case HVM_WALK_BAD:
            emul_crash(c, "guest page table outside RAM");
            return X86_EMUL_UNHANDLED;
        case HVM_WALK_OK:
            break;
        }
        p = hvm_gpa_map(c->v->domain, gpa);
        if (!p) {
            /* MMIO: the emulator hands it on if it is one whole access. */
            if (done || n != size)
                return X86_EMUL_UNHANDLED;
            *gpa_out = gpa;
            return X86_EMUL_MMIO;
        }
        if (write)
            memcpy(p, bytes + done, n);
        else
            memcpy(bytes + done, p, n);
        done += n;
    }
    return X86_EMUL_OK;
}

static int emul_read(struct x86_emul *e, u64 linear, unsigned int size,
                     u64 *val, u64 *gpa)
{
    *val = 0;
    return emul_access(e, linear, size, val, gpa, false);
}

static int emul_write(struct x86_emul *e, u64 linear, unsigned int size,
                      u64 val, u64 *gpa)
{
    return emul_access(e, linear, size, &val, gpa, true);
}

static struct hvm_mmio_region *mmio_find(struct domain *d, u64 gpa,
                                         unsigned int size)
{
    struct hvm_plat *p = d->arch.hvm->plat;

    for (unsigned int i = 0; p && i < p->nr_mmio; i++) {
        struct hvm_mmio_region *r = &p->mmio[i];

        if (gpa >= r->gpa && gpa - r->gpa < r->size &&
            size <= r->size - (gpa - r->gpa))
            return r;
    }
    return NULL;
}

/*
 * MMIO nothing serves: reads see all ones and writes vanish, as Xen's
 * fallback for an access no emulator claims.
 */
static int emul_mmio_read(struct x86_emul *e, u64 gpa, unsigned int size,
                          u64 *val)
{
    struct hvm_emul_ctxt *c = e->priv;
    struct hvm_mmio_region *r = mmio_find(c->v->domain, gpa, size);

    if (!r) {
        *val = ~0ULL;
        return X86_EMUL_OK;
    }
    return r->ops->read(c->v, gpa, size, val, r->opaque);
}

static int emul_mmio_write(struct x86_emul *e, u64 gpa, unsigned int size,
                           u64 val)
{
    struct hvm_emul_ctxt *c = e->priv;
    struct hvm_mmio_region *r = mmio_find(c->v->domain, gpa, size);

    if (!r)
        return X86_EMUL_OK;
    return r->ops->write(c->v, gpa, size, val, r->opaque);
}

static int emul_io_read(struct x86_emul *e, u16 port, unsigned int size,
                        u32 *val)
{
    struct hvm_emul_ctxt *c = e->priv;

    /* A device model's answer cannot be awaited inside a REP: refuse. */
    return hvm_portio(c->v, port, size, true, val) ? X86_EMUL_UNHANDLED
                                                   : X86_EMUL_OK;
}

static int emul_io_write(struct x86_emul *e, u16 port, unsigned int size,
                         u32 val)
{
    struct hvm_emul_ctxt *c = e->priv;

    return hvm_portio(c->v, port, size, false, &val) ? X86_EMUL_UNHANDLED
                                                     : X86_EMUL_OK;
}

static const struct x86_emul_ops emul_ops = {
    .read = emul_read,
    .write = emul_write,
    .mmio_read = emul_mmio_read,
    .mmio_write = emul_mmio_write,
    .io_read = emul_io_read,
    .io_write = emul_io_write,
};

/*
 * Up to 15 bytes at CS:RIP, stopping at the first page that does not
 * translate (*pf then says why) or is not RAM (*mmio).
 */
static size_t fetch_insn(struct hvm_emul_ctxt *c, u8 *buf, u32 *pfec,
                         u64 *fault_va, bool *bad)
{
    const struct hvm_cpu_state *s = &c->s;
    enum x86_emul_mode mode = mode_of(s);
    u64 base = mode == X86_MODE_64 ? 0 : s->seg_base[X86_SEG_CS];
    size_t got = 0;

    *pfec = 0;
    *bad = false;
    while (got < X86_MAX_INSN_LEN) {
        u64 ip = s->rip + got, lin, gpa;
        const u8 *p;
        size_t n;

        if (mode == X86_MODE_16)
            ip &= 0xffff;
        lin = base + ip;
        if (mode != X86_MODE_64)
            lin &= 0xffffffffULL;
        n = MIN(X86_MAX_INSN_LEN - got,
                (size_t)(PAGE_SIZE - (lin & (PAGE_SIZE - 1))));
        switch (hvm_gva_to_gpa(c->v, s, lin, HVM_ACC_FETCH, &gpa, pfec)) {
        case HVM_WALK_PF:
            *fault_va = lin;
            return got;
        case HVM_WALK_BAD:
            *bad = true;
            return got;
        case HVM_WALK_OK:
            break;
        }
        p = hvm_gpa_map(c->v->domain, gpa);
        if (!p) {
            /* Code in MMIO: nothing Vesper serves executes. */
            *bad = true;
            return got;
        }
        memcpy(buf + got, p, n);
        got += n;
    }
    return got;
}

static void ctxt_init(struct hvm_emul_ctxt *c, struct vcpu *v)
{
    memset(c, 0, sizeof(*c));
    c->v = v;
    hvm_funcs->get_state(v, &c->s);
    c->e.mode = mode_of(&c->s);
    memcpy(c->e.regs.gpr, c->s.gpr, sizeof(c->e.regs.gpr));
    c->e.regs.rip = c->s.rip;
    c->e.regs.rflags = c->s.rflags;
    memcpy(c->e.seg_base, c->s.seg_base, sizeof(c->e.seg_base));
    c->e.ops = &emul_ops;
    c->e.priv = c;
}

/*
 * Fetch and decode (or emulate) at CS:RIP. The faults are the CPU's: a
 * fetch that does not translate is #PF, more than 15 bytes #GP(0), an
 * encoding the decoder does not know (or that the CPU would not have
 * intercepted here) is reported with the bytes and refused as Xen
 * refuses an instruction it cannot emulate: #GP(0) for MMIO and port
 * I/O (Xen's hvm_emulate_one_insn), #UD for an invalid encoding.
 */
static int emulate_at_rip(struct hvm_emul_ctxt *c, bool execute,
                          const char *what)
{
    u8 buf[X86_MAX_INSN_LEN];
    u64 fault_va = 0;
    u32 pfec;
    bool bad;
    size_t got = fetch_insn(c, buf, &pfec, &fault_va, &bad);
    int rc;

    rc = execute ? x86_emulate(&c->e, buf, got)
                 : x86_decode(buf, got, c->e.mode, &c->e.insn);
    if (!execute && rc == X86_EMUL_EXCEPTION)
        x86_emul_raise(&c->e, TRAP_GP, true, 0);
    switch (rc) {
    case X86_EMUL_OK:
        return 0;
    case X86_EMUL_TRUNCATED:
        if (bad) {
            emul_crash(c, "instruction fetch outside RAM");
            return -EFAULT;
        }
        hvm_funcs->inject(c->v, HVM_EV_EXCEPTION, TRAP_PF, (int)pfec, fault_va);
        return -EFAULT;
    case X86_EMUL_EXCEPTION:
        hvm_funcs->inject(c->v, HVM_EV_EXCEPTION, c->e.event.vector,
                          c->e.event.has_error_code ? (int)c->e.event.error_code
                                                    : -1,
                          c->e.event.cr2);
        return -EFAULT;
    default:
        if (c->crashed)
            return -EFAULT;
        printk_lvl(LOG_WARN,
                   "d%u v%u: %s: cannot emulate at %llx (%zu bytes: "
                   "%02x %02x %02x %02x %02x %02x), rc %d\n",
                   c->v->domain->domain_id, c->v->vcpu_id, what,
                   (unsigned long long)c->s.rip, got, got > 0 ? buf[0] : 0,
                   got > 1 ? buf[1] : 0, got > 2 ? buf[2] : 0,
                   got > 3 ? buf[3] : 0, got > 4 ? buf[4] : 0,
                   got > 5 ? buf[5] : 0, rc);
        hvm_funcs->inject(c->v, HVM_EV_EXCEPTION, TRAP_GP, 0, 0);
        return -EINVAL;
    }
}

int hvm_insn_length(struct vcpu *v, unsigned int *len)
{
    struct hvm_emul_ctxt c;

    ctxt_init(&c, v);
    if (emulate_at_rip(&c, false, "instruction length"))
        return -EFAULT;
    if (c.e.insn.kind != X86_K_SYSTEM) {
        /* Not what was intercepted: the guest changed it under us. */
        hvm_funcs->inject(v, HVM_EV_EXCEPTION, TRAP_GP, 0, 0);
        return -EINVAL;
    }
    *len = c.e.insn.len;
    return 0;
}

/* Registers back (what was committed, even on a fault or a partial REP). */
static void ctxt_writeback(struct hvm_emul_ctxt *c)
{
    memcpy(c->s.gpr, c->e.regs.gpr, sizeof(c->s.gpr));
    c->s.rip = c->e.regs.rip;
    c->s.rflags = c->e.regs.rflags;
    hvm_funcs->set_state(c->v, &c->s);
}

void hvm_emulate_string_io(struct vcpu *v)
{
    struct hvm_emul_ctxt c;
    int rc;

    ctxt_init(&c, v);
    if (emulate_at_rip(&c, false, "string port I/O"))
        return;
    if (c.e.insn.kind != X86_K_INS && c.e.insn.kind != X86_K_OUTS) {
        /* The intercept said INS/OUTS; the bytes (changed since) do not. */
        hvm_funcs->inject(v, HVM_EV_EXCEPTION, TRAP_GP, 0, 0);
        return;
    }
    rc = emulate_at_rip(&c, true, "string port I/O");
    if (!c.crashed && rc != -EINVAL)
        ctxt_writeback(&c);
}

bool hvm_mmio_npf(struct vcpu *v, u64 gpa)
{
    struct hvm_emul_ctxt c;
    int rc;

    if (!mmio_find(v->domain, gpa, 1))
        return false;
    ctxt_init(&c, v);
    rc = emulate_at_rip(&c, true, "MMIO");
    if (!c.crashed && rc != -EINVAL)
        ctxt_writeback(&c);
    return true;
}

int hvm_mmio_register(struct domain *d, u64 gpa, u64 size,
                      const struct hvm_mmio_ops *ops, void *opaque)
{
    struct hvm_plat *p = d->arch.hvm->plat;

    if (!p || p->nr_mmio == HVM_MMIO_MAX)
        return -ENOSPC;
    /* Guest RAM stays RAM: the nested table maps it, so no NPF comes. */
    if (gpa < (d->arch.hvm->ram_pfns << PAGE_SHIFT))
        return -EINVAL;
    p->mmio[p->nr_mmio++] = (struct hvm_mmio_region){ gpa, size, ops, opaque };
    return 0;
}

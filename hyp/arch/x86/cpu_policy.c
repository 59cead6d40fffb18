/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID/MSR policies in Xen 4.17's shape: raw, host, PV and per domain. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "lib.h"
#include "asm/cpu_policy.h"
#include "asm/x86.h"
#include <public/domctl.h>
#include <public/sysctl.h>

#define VENDOR_AMD_EBX 0x68747541u   /* "Auth" */
#define VENDOR_HYGON_EBX 0x6f677948u /* "Hygo" */

static struct cpu_policy raw_policy, host_policy, pv_policy;

static u32 max_basic(const struct cpu_policy *p)
{
    return MIN(p->basic[0].a, POL_NR_BASIC - 1);
}

static u32 max_extd(const struct cpu_policy *p)
{
    return MIN(p->extd[0].a & 0xffff, POL_NR_EXTD - 1);
}

static u64 xstates_of(const struct cpu_policy *p)
{
    return ((u64)p->xstate[0].d << 32 | p->xstate[0].a) |
           ((u64)p->xstate[1].d << 32 | p->xstate[1].c);
}

static void native(u32 leaf, u32 sub, struct cpuid_regs *r)
{
    cpuid_count(leaf, sub, &r->a, &r->b, &r->c, &r->d);
}

/* The hardware's leaves, as the boot CPU reports them. */
static void fill_native(struct cpu_policy *p)
{
    memset(p, 0, sizeof(*p));
    native(0, 0, &p->basic[0]);
    for (u32 leaf = 1; leaf <= max_basic(p); leaf++) {
        switch (leaf) {
        case 4:
            for (u32 s = 0; s < POL_NR_CACHE; s++) {
                native(4, s, &p->cache[s]);
                if (!(p->cache[s].a & 0x1f))
                    break;
            }
            break;
        case 7:
            native(7, 0, &p->feat[0]);
            for (u32 s = 1; s <= MIN(p->feat[0].a, POL_NR_FEAT - 1); s++)
                native(7, s, &p->feat[s]);
            break;
        case 0xb:
            for (u32 s = 0; s < POL_NR_TOPO; s++) {
                native(0xb, s, &p->topo[s]);
                if (!((p->topo[s].c >> 8) & 0xff))
                    break;
            }
            break;
        case 0xd: {
            u64 x;
            u32 s;

            native(0xd, 0, &p->xstate[0]);
            native(0xd, 1, &p->xstate[1]);
            for (x = xstates_of(p) >> 2, s = 2; x && s < POL_NR_XSTATE;
                 x >>= 1, s++)
                if (x & 1)
                    native(0xd, s, &p->xstate[s]);
            break;
        }
        default:
            native(leaf, 0, &p->basic[leaf]);
            break;
        }
    }
    native(0x80000000, 0, &p->extd[0]);
    for (u32 i = 1; i <= max_extd(p); i++)
        native(0x80000000 | i, 0, &p->extd[i]);
}

static void zero_from(struct cpuid_regs *r, u32 first, u32 n)
{
    if (first < n)
        memset(&r[first], 0, (n - first) * sizeof(*r));
}

/* Xen's x86_cpu_policy_clear_out_of_range_leaves. */
static void clear_out_of_range(struct cpu_policy *p)
{
    u32 max = p->basic[0].a, i;
    u64 x = xstates_of(p);

    zero_from(p->basic, max + 1, POL_NR_BASIC);
    for (i = 0; i < POL_NR_CACHE && (p->cache[i].a & 0x1f); i++)
        ;
    zero_from(p->cache, max < 4 ? 0 : i, POL_NR_CACHE);
    zero_from(p->feat, max < 7 ? 0 : p->feat[0].a + 1, POL_NR_FEAT);
    for (i = 0; i < POL_NR_TOPO && ((p->topo[i].c >> 8) & 0xff); i++)
        ;
    zero_from(p->topo, max < 0xb ? 0 : i, POL_NR_TOPO);
    if (max < 0xd || !x)
        zero_from(p->xstate, 0, POL_NR_XSTATE);
    else
        zero_from(p->xstate, MAX(2, 64 - (u32)__builtin_clzll(x)),
                  POL_NR_XSTATE);
    zero_from(p->extd, (p->extd[0].a & 0xffff) + 1, POL_NR_EXTD);
}

/* Highest extended leaf a guest policy may hold for this vendor (Xen's). */
static u32 extd_limit(void)
{
    u32 v = raw_policy.basic[0].b;
    bool amd = v == VENDOR_AMD_EBX || v == VENDOR_HYGON_EBX;

    return (amd ? POL_NR_EXTD : POL_NR_EXTD_INTEL) - 1;
}

/*
 * What a PV guest may use of a hardware leaf: Vesper hides what it does
 * not virtualise (no XSAVE/AVX, no PCID, no MONITOR, no APIC frills, no
 * VMX/SVM, no 1 GiB pages) and says it is a hypervisor.
 */
static void pv_filter(u32 leaf, u32 sub, struct cpuid_regs *r)
{
    switch (leaf) {
    case 1:
        /* EBX[31:24]: Xen shows its PV guests initial APIC id 0. */
        r->b &= 0x00ffffffu;
        /* EDX: VME PSE PGE MTRR PSE36 DS ACPI TM PBE, MCE MCA. */
        r->d &= ~((1u << 1) | (1u << 3) | (1u << 13) | (1u << 12) | (1u << 17) |
                  (1u << 21) | (1u << 22) | (1u << 29) | (1u << 31) |
                  (1u << 7) | (1u << 14));
        /* ECX: DTES64 MONITOR DSCPL VMX SMX EIST TM2 PDCM PCID DCA X2APIC
         * TSC_DEADLINE, and XSAVE/OSXSAVE/AVX/FMA/F16C (no XSETBV yet). */
        r->c &= ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) |
                  (1u << 7) | (1u << 8) | (1u << 15) | (1u << 17) | (1u << 18) |
                  (1u << 21) | (1u << 24) | (1u << 26) | (1u << 27) |
                  (1u << 28) | (1u << 12) | (1u << 29));
        r->c |= 1u << 31; /* running on a hypervisor */
        break;
    case 7:
        if (sub == 0) {
            /* FSGSBASE stays when the CPU has it: Xen offers it to PV
             * guests (pv_write_cr4); SMEP, SMAP, AVX2, AVX-512 do not. */
            r->b &= (1u << 0) | (1u << 3) | (1u << 8) | (1u << 9) | (1u << 18) |
                    (1u << 19) | (1u << 23) | (1u << 24) | (1u << 29);
            r->c = 0;
            r->d = 0;
        } else {
            *r = (struct cpuid_regs){ 0 };
        }
        break;
    case 0xd:
        *r = (struct cpuid_regs){ 0 };
        break;
    case 0x80000001:
        /* SVM EXTAPIC CR8_LEGACY OSVW IBS SKINIT WDT LWP NODEID TOPOEXT;
         * 1 GiB pages. */
        r->c &=
            ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 9) | (1u << 10) |
              (1u << 12) | (1u << 13) | (1u << 15) | (1u << 19) | (1u << 22));
        r->d &= ~(1u << 26);
        break;
    default:
        break;
    }
}

void cpu_policy_init(void)
{
    struct cpu_policy *h = &host_policy, *p = &pv_policy;

    fill_native(&raw_policy);
    /* Xen's host policy: the raw one within the leaves a policy holds. */
    *h = raw_policy;
    h->basic[0].a = max_basic(h);
    h->feat[0].a = MIN(h->feat[0].a, POL_NR_FEAT - 1);
    h->extd[0].a = 0x80000000u | MIN(h->extd[0].a & 0xffff, extd_limit());
    clear_out_of_range(h);

    *p = *h;
    for (u32 leaf = 1; leaf <= max_basic(p); leaf++)
        if (leaf != 4 && leaf != 7 && leaf != 0xb && leaf != 0xd)
            pv_filter(leaf, 0, &p->basic[leaf]);
    for (u32 s = 0; s < POL_NR_FEAT; s++)
        pv_filter(7, s, &p->feat[s]);
    for (u32 s = 0; s < POL_NR_XSTATE; s++)
        pv_filter(0xd, s, &p->xstate[s]);
    for (u32 i = 1; i <= max_extd(p); i++)
        pv_filter(0x80000000 | i, 0, &p->extd[i]);
    /* No CPUID faulting, and ARCH_CAPABILITIES stays hidden (7.0 EDX). */
    p->platform_info = 0;
    p->arch_caps = 0;
}

const struct cpu_policy *cpu_policy_system(u32 index, bool *bad)
{
    *bad = false;
    switch (index) {
    case XEN_SYSCTL_cpu_policy_raw:
        return &raw_policy;
    case XEN_SYSCTL_cpu_policy_host:
        return &host_policy;
    case XEN_SYSCTL_cpu_policy_pv_max:
    case XEN_SYSCTL_cpu_policy_pv_default:
        /* Vesper's PV guests get all they may have: max is the default. */
        return &pv_policy;
    case XEN_SYSCTL_cpu_policy_hvm_max:
    case XEN_SYSCTL_cpu_policy_hvm_default:
        return NULL;
    default:
        *bad = true;
        return NULL;
    }
}

void cpu_policy_domain_init(struct cpu_policy *p)
{
    *p = pv_policy;
}

/* ------------------------------------------------------- serialising */

struct leaf_out {
    u64 va;
    u32 nr, cur;
};

static int put_leaf(struct leaf_out *o, u32 leaf, u32 sub,
                    const struct cpuid_regs *r)
{
    struct xen_cpuid_leaf e = { leaf, sub, r->a, r->b, r->c, r->d };

    if (o->cur == o->nr)
        return -ENOBUFS;
    if (copy_to_guest(o->va + o->cur * sizeof(e), &e, sizeof(e)))
        return -EFAULT;
    o->cur++;
    return 0;
}

/* Xen's x86_cpuid_copy_to_buffer order: basic, hypervisor limits, extd. */
int cpu_policy_leaves_out(const struct cpu_policy *p, u64 va, u32 *nr)
{
    struct leaf_out o = { va, *nr, 0 };
    struct cpuid_regs hv = { 0 };
    int rc = 0;

    for (u32 leaf = 0; !rc && leaf <= max_basic(p); leaf++) {
        switch (leaf) {
        case 4:
            for (u32 s = 0; !rc && s < POL_NR_CACHE; s++) {
                rc = put_leaf(&o, 4, s, &p->cache[s]);
                if (!(p->cache[s].a & 0x1f))
                    break;
            }
            break;
        case 7:
            for (u32 s = 0; !rc && s <= MIN(p->feat[0].a, POL_NR_FEAT - 1); s++)
                rc = put_leaf(&o, 7, s, &p->feat[s]);
            break;
        case 0xb:
            for (u32 s = 0; !rc && s < POL_NR_TOPO; s++) {
                rc = put_leaf(&o, 0xb, s, &p->topo[s]);
                if (!((p->topo[s].c >> 8) & 0xff))
                    break;
            }
            break;
        case 0xd: {
            u64 x = xstates_of(p) >> 2;

            rc = put_leaf(&o, 0xd, 0, &p->xstate[0]);
            if (!rc)
                rc = put_leaf(&o, 0xd, 1, &p->xstate[1]);
            for (u32 s = 2; !rc && x && s < POL_NR_XSTATE; x >>= 1, s++)
                rc = put_leaf(&o, 0xd, s, &p->xstate[s]);
            break;
        }
        default:
            rc = put_leaf(&o, leaf, XEN_CPUID_NO_SUBLEAF, &p->basic[leaf]);
            break;
        }
    }
    hv.a = p->hv_limit;
    if (!rc)
        rc = put_leaf(&o, 0x40000000, XEN_CPUID_NO_SUBLEAF, &hv);
    hv.a = p->hv2_limit;
    if (!rc)
        rc = put_leaf(&o, 0x40000100, XEN_CPUID_NO_SUBLEAF, &hv);
    for (u32 i = 0; !rc && i <= max_extd(p); i++)
        rc = put_leaf(&o, 0x80000000 | i, XEN_CPUID_NO_SUBLEAF, &p->extd[i]);
    if (!rc)
        *nr = o.cur;
    return rc;
}

int cpu_policy_msrs_out(const struct cpu_policy *p, u64 va, u32 *nr)
{
    const struct xen_msr_entry e[POL_MAX_MSRS] = {
        { MSR_INTEL_PLATFORM_INFO, 0, p->platform_info },
        { MSR_ARCH_CAPABILITIES, 0, p->arch_caps },
    };

    for (u32 i = 0; i < POL_MAX_MSRS; i++) {
        if (i == *nr)
            return -ENOBUFS;
        if (copy_to_guest(va + i * sizeof(e[0]), &e[i], sizeof(e[0])))
            return -EFAULT;
    }
    *nr = POL_MAX_MSRS;
    return 0;
}

/* --------------------------------------------------------- setting */

/* Where a serialised leaf lives in a policy; NULL if nowhere (-ERANGE). */
static struct cpuid_regs *leaf_slot(struct cpu_policy *p, u32 leaf, u32 sub,
                                    u32 **limit)
{
    *limit = NULL;
    if (leaf < POL_NR_BASIC) {
        switch (leaf) {
        case 4:
            return sub < POL_NR_CACHE ? &p->cache[sub] : NULL;
        case 7:
            return sub < POL_NR_FEAT ? &p->feat[sub] : NULL;
        case 0xb:
            return sub < POL_NR_TOPO ? &p->topo[sub] : NULL;
        case 0xd:
            return sub < POL_NR_XSTATE ? &p->xstate[sub] : NULL;
        default:
            return sub == XEN_CPUID_NO_SUBLEAF ? &p->basic[leaf] : NULL;
        }
    }
    if (sub != XEN_CPUID_NO_SUBLEAF)
        return NULL;
    if (leaf == 0x40000000 || leaf == 0x40000100) {
        *limit = leaf == 0x40000000 ? &p->hv_limit : &p->hv2_limit;
        return NULL;
    }
    if (leaf >= 0x80000000 && leaf < 0x80000000 + POL_NR_EXTD)
        return &p->extd[leaf & 0xffff];
    return NULL;
}

static int leaves_in(struct cpu_policy *p, u64 va, u32 nr,
                     struct cpu_policy_err *err)
{
    if (nr > POL_MAX_LEAVES)
        return -E2BIG;
    for (u32 i = 0; i < nr; i++) {
        struct xen_cpuid_leaf e;
        struct cpuid_regs *slot;
        u32 *limit;

        if (copy_from_guest(&e, va + i * sizeof(e), sizeof(e)))
            return -EFAULT;
        slot = leaf_slot(p, e.leaf, e.subleaf, &limit);
        if (limit) {
            *limit = e.a & 0xff; /* Xen keeps these in a byte */
            continue;
        }
        if (!slot) {
            err->leaf = e.leaf;
            err->subleaf = e.subleaf;
            return -ERANGE;
        }
        *slot = (struct cpuid_regs){ e.a, e.b, e.c, e.d };
    }
    return 0;
}

static int msrs_in(struct cpu_policy *p, u64 va, u32 nr,
                   struct cpu_policy_err *err)
{
    if (nr > POL_MAX_MSRS)
        return -E2BIG;
    for (u32 i = 0; i < nr; i++) {
        struct xen_msr_entry e;

        if (copy_from_guest(&e, va + i * sizeof(e), sizeof(e)))
            return -EFAULT;
        err->msr = e.idx;
        if (e.flags)
            return -EINVAL;
        if (e.idx == MSR_INTEL_PLATFORM_INFO) {
            if (e.val >> 32) /* a 32-bit field in Xen's policy */
                return -EOVERFLOW;
            p->platform_info = e.val;
        } else if (e.idx == MSR_ARCH_CAPABILITIES) {
            p->arch_caps = e.val;
        } else {
            return -ERANGE;
        }
        err->msr = ~0u;
    }
    return 0;
}

/* Xen's x86_cpu_policies_are_compatible, as far as 4.17 audits. */
static int compatible(const struct cpu_policy *max, const struct cpu_policy *p,
                      struct cpu_policy_err *err)
{
    if (p->basic[0].a > max->basic[0].a) {
        err->leaf = 0;
        err->subleaf = XEN_CPUID_NO_SUBLEAF;
    } else if (p->feat[0].a > max->feat[0].a) {
        err->leaf = 7;
        err->subleaf = 0;
    } else if (p->extd[0].a > max->extd[0].a) {
        err->leaf = 0x80000000;
        err->subleaf = XEN_CPUID_NO_SUBLEAF;
    } else if (~max->platform_info & p->platform_info) {
        err->msr = MSR_INTEL_PLATFORM_INFO;
    } else {
        return 0;
    }
    return -EINVAL;
}

/* Feature words, as Xen's featureset: only what the max policy has stays. */
static void mask_features(struct cpu_policy *p, const struct cpu_policy *max)
{
    p->basic[1].c &= max->basic[1].c;
    p->basic[1].d &= max->basic[1].d;
    p->feat[0].b &= max->feat[0].b;
    p->feat[0].c &= max->feat[0].c;
    p->feat[0].d &= max->feat[0].d;
    p->feat[1].a &= max->feat[1].a;
    p->feat[2].d &= max->feat[2].d;
    p->xstate[1].a &= max->xstate[1].a;
    p->extd[1].c &= max->extd[1].c;
    p->extd[1].d &= max->extd[1].d;
    p->extd[7].d &= max->extd[7].d;
    p->extd[8].b &= max->extd[8].b;
    p->extd[0x21].a &= max->extd[0x21].a;
}

int cpu_policy_set(struct cpu_policy *p, u64 leaves, u32 nr_leaves, u64 msrs,
                   u32 nr_msrs, struct cpu_policy_err *err)
{
    static struct cpu_policy new; /* under the big lock */
    const struct cpu_policy *max = &pv_policy;
    int rc;

    *err = (struct cpu_policy_err){ ~0u, ~0u, ~0u };
    new = *p;
    rc = leaves_in(&new, leaves, nr_leaves, err);
    if (!rc)
        rc = msrs_in(&new, msrs, nr_msrs, err);
    if (rc)
        return rc;
    clear_out_of_range(&new);
    rc = compatible(max, &new, err);
    if (rc)
        return rc;
    /* Xen's recalculate_cpuid_policy: narrowed to what the max allows. */
    new.extd[0].a = 0x80000000u | MIN(new.extd[0].a & 0xffff, extd_limit());
    mask_features(&new, max);
    clear_out_of_range(&new);
    *p = new;
    return 0;
}

bool cpuid_xen_leaf(u32 leaf, bool pv, struct cpuid_regs *r)
{
    if ((leaf & 0xffff0000) != 0x40000000)
        return false;
    r->a = r->b = r->c = r->d = 0;
    switch (leaf) {
    case 0x40000000:       /* Linux looks for this signature */
        r->a = 0x40000005; /* leaves 3-5 (time, HVM, ...) read as zero */
        r->b = 0x566e6558; /* "XenV" */
        r->c = 0x65584d4d; /* "MMXe" */
        r->d = 0x4d4d566e; /* "nVMM" */
        break;
    case 0x40000001:
        r->a = (4 << 16) | 17; /* the Xen ABI Vesper speaks */
        break;
    case 0x40000002:
        r->a = 1;          /* hypercall pages */
        r->b = 0x40000000; /* MSR base */
        r->c = pv;         /* MMU_PT_UPDATE_PRESERVE_AD, PV only */
        break;
    }
    return true;
}

void cpu_policy_cpuid(const struct cpu_policy *p, u32 leaf, u32 sub,
                      struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){ 0 };
    if (leaf < POL_NR_BASIC) {
        if (leaf > max_basic(p))
            return;
        switch (leaf) {
        case 4:
            if (sub < POL_NR_CACHE)
                *r = p->cache[sub];
            break;
        case 7:
            if (sub <= MIN(p->feat[0].a, POL_NR_FEAT - 1))
                *r = p->feat[sub];
            break;
        case 0xb:
            if (sub < POL_NR_TOPO)
                *r = p->topo[sub];
            break;
        case 0xd:
            if ((p->basic[1].c & (1u << 26)) && sub < POL_NR_XSTATE)
                *r = p->xstate[sub];
            break;
        default:
            *r = p->basic[leaf];
            break;
        }
    } else if (leaf >= 0x80000000 && leaf < 0x80000000 + POL_NR_EXTD &&
               (leaf & 0xffff) <= max_extd(p)) {
        *r = p->extd[leaf & 0xffff];
    }
}

/* ------------------------------------------------------- topology */

int cpu_topology(unsigned int cpu, u32 *core, u32 *socket)
{
    const struct cpu_policy *h = &host_policy;
    u32 apic, acpi, smt = 0, pkg = 0;

    if (arch_cpu_physid(cpu, &apic, &acpi))
        return -EINVAL;
    /* Leaf 0xb: shifts of the SMT and core levels within an APIC id. */
    if (max_basic(h) >= 0xb && h->topo[0].b) {
        smt = h->topo[0].a & 0x1f;
        pkg = (h->topo[1].c >> 8) & 0xff ? h->topo[1].a & 0x1f : smt;
    } else if (max_basic(h) >= 4 && (h->basic[1].d & (1u << 28))) {
        /* Legacy: logical CPUs per package (leaf 1) over cores (leaf 4). */
        u32 logical = (h->basic[1].b >> 16) & 0xff;
        u32 cores = (h->cache[0].a >> 26) + 1;

        while ((1u << pkg) < logical)
            pkg++;
        while (cores && (1u << smt) < logical / cores)
            smt++;
    }
    if (pkg > 31)
        pkg = 31;
    if (smt > pkg)
        smt = pkg;
    *core = (apic >> smt) & ((1u << (pkg - smt)) - 1);
    *socket = apic >> pkg;
    return 0;
}

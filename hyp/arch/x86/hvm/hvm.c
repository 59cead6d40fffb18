/* SPDX-License-Identifier: GPL-2.0-only */
/* HVM layer: hardware capability detection, HVM domains and the exits every back end shares. */
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"
#include "asm/cpu_policy.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "asm/mm.h"
#include "asm/pagetype.h"
#include "asm/percpu.h"
#include "asm/pv.h"
#include "asm/x86.h"

struct hvm_caps hvm_caps;

#define HVM_DEBUG_PORT 0xe9

void hvm_init(void)
{
    struct hvm_caps *c = &hvm_caps;

    svm_detect(c);
    vmx_detect(c);
    /* Both back ends rely on nested paging; VMX on unrestricted guest too. */
    c->use_svm = c->svm && !c->svm_disabled && c->npt && c->asids > 1;
    if (c->use_svm)
        hvm_funcs = &svm_funcs;
    c->use_vmx = !c->use_svm && c->vmx && !c->vmx_locked_off && c->ept &&
                 c->unrestricted && c->vmx_ctls;
    if (c->use_vmx)
        hvm_funcs = &vmx_funcs;
    if (c->svm && c->svm_disabled)
        printk("HVM: SVM present but disabled by firmware (VM_CR.SVMDIS): "
               "PV only\n");
    else if (c->svm)
        printk("HVM: SVM rev %u%s%s%s%s (ASIDs %u), %s\n", c->svm_rev,
               c->npt ? " with NPT" : " without NPT", c->nrips ? ", NRIPS" : "",
               c->vmcb_clean ? ", VMCB clean" : "",
               c->decode_assists ? ", decode assists" : "", c->asids,
               c->use_svm ? "using it" : "not usable (needs NPT): PV only");
    if (c->vmx && c->vmx_locked_off)
        printk("HVM: VMX present but locked off by firmware "
               "(IA32_FEATURE_CONTROL): not used\n");
    else if (c->vmx)
        printk("HVM: VMX%s%s%s%s%s, %s\n", c->ept || c->vpid ? " with" : "",
               c->ept ? " EPT" : "", c->ept && c->vpid ? " and" : "",
               c->vpid ? " VPID" : "",
               c->unrestricted ? ", unrestricted guest" : "",
               c->use_vmx ? "using it"
                          : "not usable (needs EPT, unrestricted guest, "
                            "EFER/PAT switching): PV only");
    if (!c->svm && !c->vmx)
        printk("HVM: no SVM or VMX: PV only\n");
}

void hvm_cpus_init(void)
{
    if (hvm_caps.use_svm)
        svm_cpus_init(cpu_online_mask);
    if (hvm_caps.use_vmx)
        vmx_cpus_init(cpu_online_mask);
}

/* The registered range holding port, or NULL. */
static const struct hvm_portio_range *hvm_portio_find(struct domain *d,
                                                      u16 port)
{
    const struct hvm_domain *h = d->arch.hvm;

    for (unsigned int i = 0; i < h->nr_portio; i++)
        if (port - h->portio[i].first < h->portio[i].count)
            return &h->portio[i];
    return NULL;
}

/*
 * One table for every port the hypervisor serves (the emulated platform,
 * and any other in-hypervisor device): ranges may not overlap.
 */
int hvm_portio_register(struct domain *d, u16 first, u16 count,
                        hvm_portio_fn fn, void *opaque)
{
    struct hvm_domain *h = d->arch.hvm;

    if (h->nr_portio == HVM_PORTIO_MAX)
        return -ENOSPC;
    for (unsigned int i = 0; i < h->nr_portio; i++)
        if (first < h->portio[i].first + h->portio[i].count &&
            h->portio[i].first < first + count)
            return -EEXIST;
    h->portio[h->nr_portio++] =
        (struct hvm_portio_range){ first, count, fn, opaque };
    return 0;
}

/*
 * A guest's port I/O the platform does not serve. Port 0xE9 is the debug
 * console, as in Xen: its bytes join the hypervisor console line by line.
 * Other ports go to the ioreq server claiming them; if none does, as in
 * Xen, reads see all ones and writes vanish.
 */
int hvm_portio(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val)
{
    const struct hvm_portio_range *r = hvm_portio_find(v->domain, port);

    /* The hypervisor's own devices first. */
    if (r)
        return r->fn(v, port, size, in, val, r->opaque);
    if (port == HVM_DEBUG_PORT && !in) {
        char ch = (char)(*val & 0xff);

        guest_console_write(v->domain, &ch, 1);
        return HVMIO_UNHANDLED;
    }
    {
        ioreq_t p = {
            .addr = port,
            .data = in ? 0 : *val,
            .count = 1,
            .size = size,
            .dir = in ? IOREQ_READ : IOREQ_WRITE,
            .type = IOREQ_TYPE_PIO,
        };

        if (hvm_ioreq_send(v, &p) == HVMIO_RETRY)
            return HVMIO_RETRY;
    }
    if (in)
        *val = size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1;
    return HVMIO_UNHANDLED;
}

u64 hvm_io_merge_rax(u64 rax, unsigned int size, u32 val)
{
    u64 mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;

    return size == 4 ? val : (rax & ~mask) | (val & mask);
}

bool hvm_io_finish(struct vcpu *v, u64 *rax)
{
    ioreq_t p;
    int rc = hvm_io_complete(v, &p);

    if (rc > 0 && p.type == IOREQ_TYPE_PIO && p.dir == IOREQ_READ)
        *rax = hvm_io_merge_rax(*rax, p.size, (u32)p.data);
    return rc < 0;
}

/*
 * Xen's hypervisor leaves for an HVM guest (cpuid_hypervisor_leaves):
 * the signature, the version, one hypercall page and the MSR base; the
 * PV-only feature bit of leaf 2 is not offered. Other leaves come from
 * the domain's policy, minus the virtualization extensions (no nesting)
 * and with the hypervisor bit set, as an HVM guest of Xen sees them.
 */
void hvm_cpuid(struct vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
               u32 *d)
{
    struct cpuid_regs r;

    if (!cpuid_xen_leaf(leaf, false, &r)) {
        cpu_policy_cpuid(&v->domain->arch.cpu_policy, leaf, sub, &r);
        if (leaf == 1) {
            r.c &= ~(1U << 5); /* VMX */
            r.c |= 1U << 31;   /* running under a hypervisor */
        }
        if (leaf == 0x80000001)
            r.c &= ~(1U << 2); /* SVM */
    }
    *a = r.a;
    *b = r.b;
    *c = r.c;
    *d = r.d;
}

/* Guest RAM: the domain's own frames, zeroed, in GPA order. */
static int hvm_alloc_ram(struct domain *d, u64 pfns)
{
    int rc = domain_alloc_pages(d, pfns);

    if (rc)
        return rc;
    for (u64 pfn = 0; pfn < pfns; pfn++) {
        memset(mfn_to_virt(d->p2m[pfn]), 0, PAGE_SIZE);
        m2p_set(d->p2m[pfn], pfn);
        pv_assign_page(mfn_to_page(d->p2m[pfn]), d);
    }
    d->arch.hvm->ram_pfns = pfns;
    return 0;
}

void hvm_copy_to_gpa(struct domain *d, u64 gpa, const void *src, size_t len)
{
    const u8 *s = src;

    while (len) {
        size_t off = gpa & (PAGE_SIZE - 1), n = MIN(len, PAGE_SIZE - off);

        memcpy((u8 *)mfn_to_virt(d->p2m[gpa >> PAGE_SHIFT]) + off, s, n);
        gpa += n;
        s += n;
        len -= n;
    }
}

/* A loader's 32-bit protected-mode entry on the back end that runs it. */
static int hvm_vcpu_enter32(struct vcpu *v, const struct hvm_entry *e)
{
    if (hvm_caps.use_vmx)
        vmx_vcpu_enter32(v, e);
    else
        svm_vcpu_enter32(v, e);
    return 0;
}

int hvm_build_domain(const struct hvm_build_args *a)
{
    u64 pfns = a->mem_bytes >> PAGE_SHIFT;
    struct domain *d;
    struct vcpu *v;
    struct hvm_entry e;
    int rc;

    if (!hvm_caps.use_svm && !hvm_caps.use_vmx) {
        printk_lvl(LOG_ERR,
                   "d%u: kind=hvm needs SVM with NPT or VMX with EPT, which "
                   "this CPU does not offer\n",
                   a->domid);
        return -EOPNOTSUPP;
    }
    d = domain_create(a->domid, a->name, a->vcpus ? a->vcpus : 1);
    if (!d)
        return -ENOMEM;
    d->arch.hvm = xzalloc(sizeof(*d->arch.hvm));
    if (!d->arch.hvm) {
        domain_destroy(d);
        return -ENOMEM;
    }
    if (a->weight)
        d->weight = a->weight;
    d->cap = a->cap;
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        v = d->vcpu[i];
        v->affinity = a->affinity ? a->affinity : cpu_online_mask;
        /* No PV tick: an HVM guest has no event channel upcall. */
        v->periodic_period = 0;
        v->arch.hvm = xzalloc(sizeof(*v->arch.hvm));
        if (!v->arch.hvm) {
            domain_destroy(d);
            return -ENOMEM;
        }
    }
    rc = hvm_alloc_ram(d, pfns);
    if (!rc)
        rc = hvm_caps.use_vmx ? vmx_domain_init(d) : svm_domain_init(d);
    if (!rc)
        rc = hvm_platform_init(d);
    if (rc) {
        domain_destroy(d);
        return rc;
    }
    rc = hvm_load(d, a, &e);
    for (unsigned int i = 0; !rc && i < d->max_vcpus; i++) {
        rc = hvm_caps.use_vmx ? vmx_vcpu_init(d->vcpu[i], e.cs, e.ip)
                              : svm_vcpu_init(d->vcpu[i], e.cs, e.ip);
        if (!rc && e.protected32)
            rc = hvm_vcpu_enter32(d->vcpu[i], &e);
        if (rc) {
            domain_destroy(d);
            return rc;
        }
    }
    if (e.protected32)
        printk("d%u (%s): HVM, %llu MiB, %u vCPU%s, entered in 32-bit "
               "protected mode at %llx\n",
               d->domain_id, d->name, (unsigned long long)(pfns >> 8),
               d->max_vcpus, d->max_vcpus == 1 ? "" : "s",
               (unsigned long long)e.ip);
    else
        printk("d%u (%s): HVM, %llu MiB, %u vCPU%s, %zu-byte image at %llx, "
               "entered in real mode at %04x:%04llx\n",
               d->domain_id, d->name, (unsigned long long)(pfns >> 8),
               d->max_vcpus, d->max_vcpus == 1 ? "" : "s", a->image_len,
               (unsigned long long)a->load_gpa, e.cs, (unsigned long long)e.ip);
    /*
     * paused: as a domain Xen's toolstack builds, it waits for the control
     * domain's unpause (its device model goes first) and stays, shut
     * down, until the control domain destroys it.
     */
    if (a->paused) {
        d->ctrl_pauses = 1;
        d->toolstack_owned = true;
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            vcpu_pause_flag(d->vcpu[i], VPF_paused);
    }
    /* Only the boot vCPU runs; the others wait for an INIT-SIPI later. */
    v = d->vcpu[0];
    v->initialised = true;
    vcpu_unpause_flag(v, VPF_down);
    return 0;
}

void hvm_domain_destroy(struct domain *d)
{
    /* Any domain may be a device model: its servers go with it. */
    ioreq_emulator_gone(d);
    if (!d->arch.hvm)
        return;
    ioreq_domain_destroy(d);
    hvm_platform_destroy(d);
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v && v->arch.hvm) {
            if (hvm_caps.use_vmx)
                vmx_vcpu_destroy(v);
            else
                svm_vcpu_destroy(v);
            xfree(v->arch.hvm);
            v->arch.hvm = NULL;
        }
    }
    if (hvm_caps.use_vmx)
        vmx_domain_destroy(d);
    else
        svm_domain_destroy(d);
    xfree(d->arch.hvm);
    d->arch.hvm = NULL;
}

/* Load v onto this CPU (if it is not there already) and run it. */
void hvm_run_vcpu(struct vcpu *v)
{
    struct cpu_info *ci = get_cpu_info();

    if (ci->cur_vcpu != v) {
        BUG_ON(ci->cur_vcpu || v->is_running);
        v->is_running = true;
        /* Another CPU's TLB may hold its translations, this one stale ones. */
        if (v->processor != ci->cpu_id)
            v->arch.hvm->flush_asid = true;
        v->processor = ci->cpu_id;
        ci->cur_vcpu = v;
        clts();
        fpu_load_guest(v);
        vcpu_update_guest_areas(v);
    }
    if (hvm_caps.use_vmx)
        vmx_run(v);
    svm_run(v);
}

void hvm_save_vcpu(struct vcpu *v)
{
    struct cpu_info *ci = get_cpu_info();

    BUG_ON(ci->cur_vcpu != v);
    if (hvm_caps.use_vmx)
        vmx_save_vcpu(v);
    clts();
    __asm__ volatile("fxsave64 %0" : "=m"(*(u8(*)[512])v->arch.fpu));
    ci->cur_vcpu = NULL;
    smp_wmb();
    v->is_running = false;
}

/* rdmsr with a fix-up: false if the CPU refused the MSR (#GP). */
bool hvm_rdmsr_safe(u32 msr, u64 *val)
{
    u32 lo = 0, hi = 0;
    int fault = 0;

    __asm__ volatile("1: rdmsr\n"
                     "2:\n"
                     ".pushsection .text.fixup, \"ax\"\n"
                     "3: movl $1, %[f]\n"
                     "   jmp 2b\n"
                     ".popsection\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".quad 1b, 3b\n"
                     ".popsection\n"
                     : [f] "+r"(fault), "+a"(lo), "+d"(hi)
                     : "c"(msr));
    *val = ((u64)hi << 32) | lo;
    return !fault;
}

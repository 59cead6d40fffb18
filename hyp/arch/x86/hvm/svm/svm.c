/* SPDX-License-Identifier: GPL-2.0-only */
/* AMD-V back end: per-CPU SVM state, VMCBs, the VMRUN loop and its exit handlers. */
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"
#include "smp.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "asm/percpu.h"
#include "asm/svm.h"
#include "asm/x86.h"

#define MAX_ASIDS 256
#define V_INTR_MASKING (1ULL << 24)
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_TSC 0x10
#define EFER_LMA (1UL << 10)
/* Power-on PAT (write-back, write-through, UC-, UC twice over). */
#define PAT_POWER_ON 0x0007040600070406ULL

/* Entry stubs (entry.S). */
void svm_vmrun(struct cpu_regs *gprs, u64 vmcb_pa, u64 host_vmcb_pa);
__attribute__((noreturn)) void hvm_reset_stack(void (*fn)(void *), void *arg);

/* Per CPU: SVME is on, the host save area and the host's VMSAVE page. */
static struct {
    bool on;
    void *hsave;
    void *host_vmcb;
    u64 host_vmcb_pa;
} svm_cpu[MAX_CPUS];

/* ASID 0 is the host's; each HVM vCPU holds one of the rest. */
static u64 asid_used[MAX_ASIDS / 64];

void svm_detect(struct hvm_caps *c)
{
    u32 a, b, cx, d;
    u64 vmcr;

    cpuid_count(0x80000000, 0, &a, &b, &cx, &d);
    if (a < 0x8000000a)
        return;
    cpuid_count(0x80000001, 0, &a, &b, &cx, &d);
    c->svm = cx & (1U << 2);
    if (!c->svm)
        return;
    if (hvm_rdmsr_safe(MSR_VM_CR, &vmcr) && (vmcr & VM_CR_SVMDIS))
        c->svm_disabled = true;
    cpuid_count(0x8000000a, 0, &a, &b, &cx, &d);
    c->svm_rev = a & 0xff;
    c->asids = b;
    c->npt = d & SVM_FEAT_NPT;
    c->nrips = d & SVM_FEAT_NRIPS;
    c->vmcb_clean = d & SVM_FEAT_VMCB_CLEAN;
    c->flush_asid = d & SVM_FEAT_FLUSH_ASID;
    c->decode_assists = d & SVM_FEAT_DECODE;
}

/*
 * The host save area and VMSAVE page of every online CPU, allocated at
 * boot so that they are no leak to the boot domains' frame accounting.
 */
void svm_cpus_init(cpumask_t online)
{
    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (!(online & (1ULL << cpu)))
            continue;
        svm_cpu[cpu].hsave = alloc_page_va();
        svm_cpu[cpu].host_vmcb = alloc_page_va();
        if (!svm_cpu[cpu].hsave || !svm_cpu[cpu].host_vmcb)
            panic("SVM: no memory for CPU %u's host state", cpu);
        svm_cpu[cpu].host_vmcb_pa = virt_to_maddr(svm_cpu[cpu].host_vmcb);
    }
}

/* SVME and the host save area, the first time this CPU runs an HVM vCPU. */
static void svm_cpu_on(unsigned int cpu)
{
    if (svm_cpu[cpu].on)
        return;
    BUG_ON(!svm_cpu[cpu].hsave);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_maddr(svm_cpu[cpu].hsave));
    svm_cpu[cpu].on = true;
}

static void msrpm_allow(u8 *pm, u32 msr)
{
    u32 base;

    if (msr < 0x2000)
        base = 0;
    else if (msr >= 0xc0000000 && msr < 0xc0002000)
        base = 0x800, msr -= 0xc0000000;
    else
        return;
    /* Two bits per MSR: read intercept, then write intercept. */
    pm[base + msr / 4] &= (u8) ~(3U << ((msr % 4) * 2));
}

int svm_domain_init(struct domain *d)
{
    struct hvm_domain *h = d->arch.hvm;
    /* The maps must be physically contiguous: 12 KiB and 8 KiB. */
    struct page_info *io = alloc_pages(2), *msr = alloc_pages(1);
    static const u32 switched[] = {
        MSR_FS_BASE,      MSR_GS_BASE,      MSR_KERNEL_GS_BASE, MSR_STAR,
        MSR_LSTAR,        MSR_CSTAR,        MSR_FMASK,          MSR_SYSENTER_CS,
        MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
    };
    int rc;

    if (!io || !msr) {
        if (io)
            free_pages(io, 2);
        if (msr)
            free_pages(msr, 1);
        return -ENOMEM;
    }
    h->iopm = mfn_to_virt(page_to_mfn(io));
    h->msrpm = mfn_to_virt(page_to_mfn(msr));
    /* Every port is intercepted: the guest owns no device. */
    memset(h->iopm, 0xff, 4 * PAGE_SIZE);
    memset(h->msrpm, 0xff, 2 * PAGE_SIZE);
    /*
     * What VMLOAD/VMSAVE switch is the guest's own, so it may use those
     * MSRs directly; everything else (EFER, PAT, APIC, MTRRs, the SVM
     * MSRs) is intercepted and emulated or refused.
     */
    for (unsigned int i = 0; i < ARRAY_SIZE(switched); i++)
        msrpm_allow(h->msrpm, switched[i]);
    rc = npt_build(d);
    return rc;
}

void svm_domain_destroy(struct domain *d)
{
    struct hvm_domain *h = d->arch.hvm;

    if (h->iopm)
        free_pages(mfn_to_page(virt_to_mfn(h->iopm)), 2);
    if (h->msrpm)
        free_pages(mfn_to_page(virt_to_mfn(h->msrpm)), 1);
    h->iopm = h->msrpm = NULL;
    npt_destroy(d);
}

static u32 asid_alloc(void)
{
    u32 n = MIN(hvm_caps.asids, (u32)MAX_ASIDS);

    for (u32 a = 1; a < n; a++)
        if (!(asid_used[a / 64] & (1ULL << (a % 64)))) {
            asid_used[a / 64] |= 1ULL << (a % 64);
            return a;
        }
    return 0;
}

static void seg_set(struct vmcb_seg *s, u16 sel, u64 base, u32 limit, u16 attr)
{
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->attr = attr;
}

int svm_vcpu_init(struct vcpu *v, u16 cs_sel, u64 ip)
{
    struct hvm_vcpu *hv = v->arch.hvm;
    struct hvm_domain *hd = v->domain->arch.hvm;
    struct vmcb *vm = alloc_page_va();

    if (!vm)
        return -ENOMEM;
    hv->vmcb = vm;
    hv->vmcb_pa = virt_to_maddr(vm);
    hv->asid = asid_alloc();
    if (!hv->asid) {
        printk_lvl(LOG_ERR, "d%u v%u: no ASID left for an HVM vCPU\n",
                   v->domain->domain_id, v->vcpu_id);
        return -ENOSPC;
    }
    hv->flush_asid = true;

    vm->exc_intercepts = (1U << TRAP_DB) | (1U << TRAP_AC);
    vm->intercepts3 = SVM_INT_INTR | SVM_INT_NMI | SVM_INT_INIT |
                      SVM_INT_CPUID | SVM_INT_INVD | SVM_INT_HLT |
                      SVM_INT_INVLPGA | SVM_INT_IOIO | SVM_INT_MSR |
                      SVM_INT_TASK_SWITCH | SVM_INT_FERR_FREEZE |
                      SVM_INT_SHUTDOWN;
    /* VMRUN must be intercepted, or VMRUN itself refuses the VMCB. */
    vm->intercepts4 = SVM_INT_VMRUN | SVM_INT_VMMCALL | SVM_INT_VMLOAD |
                      SVM_INT_VMSAVE | SVM_INT_STGI | SVM_INT_CLGI |
                      SVM_INT_SKINIT | SVM_INT_WBINVD | SVM_INT_MONITOR |
                      SVM_INT_MWAIT | SVM_INT_XSETBV;
    vm->iopm_base_pa = virt_to_maddr(hd->iopm);
    vm->msrpm_base_pa = virt_to_maddr(hd->msrpm);
    vm->asid = hv->asid;
    /* The guest's IF masks only virtual interrupts; the host's stay live. */
    vm->vintr = V_INTR_MASKING;
    vm->np_enable = 1;
    vm->n_cr3 = (u64)hd->npt_root << PAGE_SHIFT;
    vm->g_pat = PAT_POWER_ON;

    /* Real mode, as a CPU after reset, but at the image's entry point. */
    seg_set(&vm->cs, cs_sel, (u64)cs_sel << 4, 0xffff, 0x9b);
    seg_set(&vm->ds, 0, 0, 0xffff, 0x93);
    seg_set(&vm->es, 0, 0, 0xffff, 0x93);
    seg_set(&vm->fs, 0, 0, 0xffff, 0x93);
    seg_set(&vm->gs, 0, 0, 0xffff, 0x93);
    seg_set(&vm->ss, 0, 0, 0xffff, 0x93);
    seg_set(&vm->gdtr, 0, 0, 0xffff, 0);
    seg_set(&vm->idtr, 0, 0, 0xffff, 0);
    seg_set(&vm->ldtr, 0, 0, 0xffff, 0x82);
    seg_set(&vm->tr, 0, 0, 0xffff, 0x8b);
    vm->cpl = 0;
    vm->cr0 = 0x10; /* ET */
    vm->cr4 = 0;
    vm->efer = EFER_SVME; /* VMRUN insists; the guest never sees it */
    vm->rflags = X86_EFLAGS_MBS;
    vm->rip = ip;
    vm->rsp = 0;
    vm->dr6 = 0xffff0ff0;
    vm->dr7 = 0x400;
    return 0;
}

void svm_vcpu_enter32(struct vcpu *v, const struct hvm_entry *e)
{
    struct vmcb *vm = v->arch.hvm->vmcb;

    /* Flat 4 GiB segments, as the loaded GDT describes them; paging off. */
    seg_set(&vm->cs, e->cs, 0, 0xffffffff, 0xc9b);
    seg_set(&vm->ds, e->ds, 0, 0xffffffff, 0xc93);
    seg_set(&vm->es, e->ds, 0, 0xffffffff, 0xc93);
    seg_set(&vm->fs, e->ds, 0, 0xffffffff, 0xc93);
    seg_set(&vm->gs, e->ds, 0, 0xffffffff, 0xc93);
    seg_set(&vm->ss, e->ds, 0, 0xffffffff, 0xc93);
    seg_set(&vm->gdtr, 0, e->gdt_base, e->gdt_limit, 0);
    vm->cr0 = 0x11; /* PE, ET */
    vm->rip = e->ip;
    vm->rax = e->eax;
    v->arch.hvm->gprs.rbx = e->ebx;
    v->arch.hvm->gprs.rsi = e->esi;
}

void svm_vcpu_destroy(struct vcpu *v)
{
    struct hvm_vcpu *hv = v->arch.hvm;

    if (hv->asid)
        asid_used[hv->asid / 64] &= ~(1ULL << (hv->asid % 64));
    hv->asid = 0;
    if (hv->vmcb)
        free_page_va(hv->vmcb);
    hv->vmcb = NULL;
}

static void seg_dump(const char *name, const struct vmcb_seg *s)
{
    printk("  %-4s %04x base %016llx limit %08x attr %04x\n", name, s->sel,
           (unsigned long long)s->base, s->limit, s->attr);
}

/* The guest's state as the VMCB and the saved GPRs hold it. */
static void svm_dump(const struct vcpu *v)
{
    const struct vmcb *vm = v->arch.hvm->vmcb;
    const struct cpu_regs *r = &v->arch.hvm->gprs;

    printk("d%u v%u HVM state: exit %llx info1 %016llx info2 %016llx "
           "intinfo %016llx\n",
           v->domain->domain_id, v->vcpu_id, (unsigned long long)vm->exitcode,
           (unsigned long long)vm->exitinfo1, (unsigned long long)vm->exitinfo2,
           (unsigned long long)vm->exitintinfo);
    printk("  RIP %04x:%016llx RFLAGS %016llx CPL %u\n", vm->cs.sel,
           (unsigned long long)vm->rip, (unsigned long long)vm->rflags,
           vm->cpl);
    printk("  RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n",
           (unsigned long long)vm->rax, (unsigned long long)r->rbx,
           (unsigned long long)r->rcx, (unsigned long long)r->rdx);
    printk("  RSI %016llx RDI %016llx RBP %016llx RSP %016llx\n",
           (unsigned long long)r->rsi, (unsigned long long)r->rdi,
           (unsigned long long)r->rbp, (unsigned long long)vm->rsp);
    printk("  R8  %016llx R9  %016llx R10 %016llx R11 %016llx\n",
           (unsigned long long)r->r8, (unsigned long long)r->r9,
           (unsigned long long)r->r10, (unsigned long long)r->r11);
    printk("  R12 %016llx R13 %016llx R14 %016llx R15 %016llx\n",
           (unsigned long long)r->r12, (unsigned long long)r->r13,
           (unsigned long long)r->r14, (unsigned long long)r->r15);
    printk("  CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx\n",
           (unsigned long long)vm->cr0, (unsigned long long)vm->cr2,
           (unsigned long long)vm->cr3, (unsigned long long)vm->cr4);
    printk("  EFER %016llx (SVME is Vesper's)\n", (unsigned long long)vm->efer);
    seg_dump("CS", &vm->cs);
    seg_dump("SS", &vm->ss);
    seg_dump("DS", &vm->ds);
    seg_dump("ES", &vm->es);
    seg_dump("GDTR", &vm->gdtr);
    seg_dump("IDTR", &vm->idtr);
}

/* Guest misbehaviour: the register dump, then only this domain stops. */
void svm_crash(struct vcpu *v, const char *why)
{
    printk_lvl(LOG_ERR, "d%u v%u: HVM guest crash: %s\n", v->domain->domain_id,
               v->vcpu_id, why);
    svm_dump(v);
    domain_crash(v->domain, "HVM: %s", why);
}

static void svm_inject(struct vmcb *vm, unsigned int vec, int ec)
{
    vm->eventinj = vec | SVM_EVTINJ_EXCEPTION | SVM_EVTINJ_VALID |
                   (ec >= 0 ? SVM_EVTINJ_EV | ((u64)(u32)ec << 32) : 0);
}

/*
 * Step over the intercepted instruction: NRIPS says where the next one
 * starts; without it (QEMU) the bytes at CS:RIP are decoded, prefixes
 * and all. False if they could not be and a fault is queued instead.
 */
static bool svm_skip(struct vcpu *v, struct vmcb *vm)
{
    unsigned int len;

    if (hvm_caps.nrips && vm->nrip)
        vm->rip = vm->nrip;
    else if (hvm_insn_length(v, &len))
        return false;
    else
        vm->rip += len;
    /* It completed: an STI or MOV SS interrupt shadow ends with it. */
    vm->int_shadow = 0;
    return true;
}

static void svm_exit_ioio(struct vcpu *v, struct vmcb *vm)
{
    u64 info = vm->exitinfo1;
    u16 port = (u16)(info >> SVM_IOIO_PORT_SHIFT);
    unsigned int size = (info >> SVM_IOIO_SIZE_SHIFT) & 7;
    bool in = info & SVM_IOIO_IN;
    u32 val;

    if (info & SVM_IOIO_STR) {
        hvm_emulate_string_io(v);
        return;
    }
    size = size == 4 ? 4 : size == 2 ? 2 : 1;
    val = (u32)vm->rax;
    /* Sent to a device model: svm_loop completes RAX once it answers. */
    if (hvm_portio(v, port, size, in, &val) == HVMIO_UNHANDLED && in)
        vm->rax = hvm_io_merge_rax(vm->rax, size, val);
    /* EXITINFO2 is the next RIP for IOIO exits, with or without NRIPS. */
    vm->rip = vm->exitinfo2;
}

static void svm_exit_msr(struct vcpu *v, struct vmcb *vm)
{
    struct cpu_regs *r = &v->arch.hvm->gprs;
    u32 msr = (u32)r->rcx;
    bool wr = vm->exitinfo1 & 1;
    u64 val = ((r->rdx & 0xffffffff) << 32) | (vm->rax & 0xffffffff);

    if (!wr) {
        switch (msr) {
        case MSR_EFER:
            val = vm->efer & ~EFER_SVME;
            break;
        case MSR_PAT:
            val = vm->g_pat;
            break;
        case MSR_TSC:
            val = rdtsc() + vm->tsc_offset;
            break;
        case MSR_APIC_BASE:
            val = 0xfee00000ULL | (1ULL << 11) | (v->vcpu_id ? 0 : 1ULL << 8);
            break;
        default:
            svm_inject(vm, TRAP_GP, 0);
            return;
        }
        vm->rax = val & 0xffffffff;
        r->rdx = val >> 32;
    } else {
        switch (msr) {
        case MSR_EFER:
            if (val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) {
                svm_inject(vm, TRAP_GP, 0);
                return;
            }
            /* LMA is the CPU's to set; SVME stays on underneath. */
            vm->efer = (val & (EFER_SCE | EFER_LME | EFER_NXE)) |
                       (vm->efer & EFER_LMA) | EFER_SVME;
            break;
        case MSR_PAT:
            vm->g_pat = val;
            break;
        default:
            svm_inject(vm, TRAP_GP, 0);
            return;
        }
    }
    svm_skip(v, vm);
}

static void svm_exit_cpuid(struct vcpu *v, struct vmcb *vm)
{
    struct cpu_regs *r = &v->arch.hvm->gprs;
    u32 a, b, c, d;

    hvm_cpuid(v, (u32)vm->rax, (u32)r->rcx, &a, &b, &c, &d);
    vm->rax = a;
    r->rbx = b;
    r->rcx = c;
    r->rdx = d;
    svm_skip(v, vm);
}

static void svm_exit(struct vcpu *v)
{
    struct vmcb *vm = v->arch.hvm->vmcb;
    u64 code = vm->exitcode;
    char why[96];

    vm->eventinj = 0;
    /* An event the exit interrupted is delivered again on the next entry. */
    if (vm->exitintinfo & SVM_EVTINJ_VALID)
        vm->eventinj = vm->exitintinfo;
    switch (code) {
    case SVM_EXIT_INTR:
    case SVM_EXIT_NMI:
        /*
         * The interrupt waits at the local APIC (GIF was clear): let it in
         * now, so its handler raises the softirq the loop then acts on.
         */
        __asm__ volatile("sti; nop; cli" ::: "memory");
        return;
    case SVM_EXIT_INIT:
        return;
    case SVM_EXIT_EXCP_BASE + TRAP_DB:
        svm_inject(vm, TRAP_DB, -1);
        return;
    case SVM_EXIT_EXCP_BASE + TRAP_AC:
        svm_inject(vm, TRAP_AC, (int)vm->exitinfo1);
        return;
    case SVM_EXIT_CPUID:
        svm_exit_cpuid(v, vm);
        return;
    case SVM_EXIT_HLT:
        if (svm_skip(v, vm))
            hvm_hlt(v, vm->rflags);
        return;
    case SVM_EXIT_VINTR:
        /* The window opened: hvm_intr_assist delivers before the entry. */
        svm_funcs.intr_window(v, false);
        return;
    case SVM_EXIT_IOIO:
        svm_exit_ioio(v, vm);
        return;
    case SVM_EXIT_MSR:
        svm_exit_msr(v, vm);
        return;
    case SVM_EXIT_INVD:
    case SVM_EXIT_WBINVD:
        /* Dropping caches is not the guest's to ask; as Xen, a no-op. */
        svm_skip(v, vm);
        return;
    case SVM_EXIT_VMRUN:
    case SVM_EXIT_VMMCALL:
    case 0x82: /* VMLOAD */
    case 0x83: /* VMSAVE */
    case 0x84: /* STGI */
    case 0x85: /* CLGI */
    case 0x86: /* SKINIT */
    case 0x8a: /* MONITOR */
    case 0x8b: /* MWAIT */
        /* The guest is offered no SVM, hypercalls or MONITOR (yet). */
        svm_inject(vm, TRAP_UD, -1);
        return;
    case SVM_EXIT_SHUTDOWN:
        svm_crash(v, "triple fault (shutdown)");
        return;
    case SVM_EXIT_NPF:
        /* The hypervisor's MMIO devices (the local APIC). */
        if (hvm_mmio_npf(v, vm->exitinfo2))
            return;
        snprintf(why, sizeof(why),
                 "nested page fault at GPA %llx (error %llx), outside its "
                 "%llu KiB of RAM",
                 (unsigned long long)vm->exitinfo2,
                 (unsigned long long)vm->exitinfo1,
                 (unsigned long long)(v->domain->arch.hvm->ram_pfns * 4));
        svm_crash(v, why);
        return;
    case SVM_EXIT_INVALID:
        svm_crash(v, "VMRUN refused the guest state (VMEXIT_INVALID)");
        return;
    default:
        snprintf(why, sizeof(why), "unhandled exit code %llx",
                 (unsigned long long)code);
        svm_crash(v, why);
        return;
    }
}

/*
 * The VMRUN loop, on a fresh stack, big lock held, interrupts off. The
 * guest runs without the lock, as PV guests do; every exit takes it back,
 * and softirqs (the timer's, a schedule request, another CPU's kick) are
 * handled here just as guest_exit handles them for PV: schedule() may
 * switch to another vCPU, PV or HVM, and comes back through
 * arch_run_vcpu and hvm_run_vcpu, which start this loop afresh.
 */
static __attribute__((noreturn)) void svm_loop(void *arg)
{
    struct vcpu *v = arg;
    struct hvm_vcpu *hv = v->arch.hvm;
    struct vmcb *vm = hv->vmcb;
    unsigned int cpu = smp_processor_id();

    svm_cpu_on(cpu);
    for (;;) {
        do_softirqs();
        if (v->domain->state != DOM_RUNNING || !vcpu_runnable(v))
            schedule();
        if (hvm_io_finish(v, &vm->rax))
            continue;
        vm->tlb_control = SVM_TLB_FLUSH_NONE;
        if (hv->flush_asid)
            vm->tlb_control =
                hvm_caps.flush_asid ? SVM_TLB_FLUSH_ASID : SVM_TLB_FLUSH_ALL;
        hv->flush_asid = false;
        /* Vesper caches nothing of the VMCB: the CPU reloads it all. */
        vm->clean = 0;
        hvm_intr_assist(v);
        hyp_unlock();
        svm_vmrun(&hv->gprs, hv->vmcb_pa, svm_cpu[cpu].host_vmcb_pa);
        hyp_lock();
        svm_exit(v);
    }
}

void svm_run(struct vcpu *v)
{
    hvm_reset_stack(svm_loop, v);
}

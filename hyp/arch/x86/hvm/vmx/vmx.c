/* SPDX-License-Identifier: GPL-2.0-only */
/* Intel VT-x back end: VMXON per CPU, a VMCS per vCPU, the VM-entry loop and its exit handlers. */
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"
#include "smp.h"
#include "asm/cpu.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "asm/layout.h"
#include "asm/percpu.h"
#include "asm/vmx.h"
#include "asm/x86.h"

#define MAX_VPIDS 1024
#define MSR_TSC 0x10
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_MISC_ENABLE 0x1a0
#define MISC_ENABLE_BTS_UNAVAIL (1ULL << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ULL << 12)
#define EFER_LMA (1UL << 10)
#define CR0_ET (1UL << 4)
/* Power-on PAT (write-back, write-through, UC-, UC twice over). */
#define PAT_POWER_ON 0x0007040600070406ULL
/* Exceptions that exit: #DB and #AC (no endless-delivery loops), #MC. */
#define VMX_EXCEPTIONS ((1U << TRAP_DB) | (1U << TRAP_AC) | (1U << TRAP_MC))

/* Entry stubs (entry.S; hvm_reset_stack is svm/entry.S's, shared). */
u64 vmx_vmrun(struct cpu_regs *gprs, u64 launched);
void vmx_exit_stub(void);
__attribute__((noreturn)) void hvm_reset_stack(void (*fn)(void *), void *arg);

/*
 * The syscall MSRs VMX does not switch: the guest uses them directly, the
 * CPU loads its values at entry and stores them at exit (the same list),
 * and the host's come back from a second list at exit.
 */
static const u32 vmx_list_msrs[] = {
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK, MSR_KERNEL_GS_BASE,
};
#define VMX_NR_LIST ARRAY_SIZE(vmx_list_msrs)
#define VMX_HOST_LIST 128 /* the host list's entry index in the page */

struct vmx_vcpu {
    void *vmcs;
    u64 vmcs_pa;
    struct vmx_msr_ent *msrs; /* guest list at 0, host list at VMX_HOST_LIST */
    u64 msrs_pa;
    int cpu;       /* where the VMCS is current (active), -1 if clear */
    bool ready;    /* its fields are written */
    bool launched; /* VMRESUME, not VMLAUNCH, enters it */
    u16 vpid;
    u16 cs_sel; /* the real-mode start, written at the first load */
    u64 ip;
    bool pm32; /* a loader's 32-bit protected-mode start instead */
    u16 ds_sel, gdt_limit;
    u64 gdt_base;
    u64 cr2; /* the guest's CR2 (VMX does not switch it) */
};
_Static_assert((VMX_HOST_LIST + ARRAY_SIZE(vmx_list_msrs)) *
                       sizeof(struct vmx_msr_ent) <=
                   PAGE_SIZE,
               "both MSR lists fit in one page");

struct desc_ptr {
    u16 limit;
    u64 base;
} __attribute__((packed));

/* Per CPU: in VMX operation, its VMXON region, the current VMCS. */
static struct {
    bool on;
    void *vmxon;
    struct vmx_vcpu *cur;
    struct desc_ptr gdtr, idtr; /* VM exits cut both limits to 0xffff */
} vmx_cpu[MAX_CPUS];

/* One MSR bitmap for every VMX vCPU: the policy is the same for all. */
static u8 *vmx_msr_bitmap;
static u64 vpid_used[MAX_VPIDS / 64];

static inline u64 vmread(u32 field)
{
    u64 v = 0;

    __asm__ volatile("vmread %q1, %q0" : "+rm"(v) : "r"((u64)field) : "cc");
    return v;
}

/* false on VMfail: a field this CPU lacks, or no current VMCS. */
static inline bool vmwrite(u32 field, u64 val)
{
    bool fail;

    __asm__ volatile("vmwrite %q1, %q2; setna %0"
                     : "=q"(fail)
                     : "rm"(val), "r"((u64)field)
                     : "cc");
    return !fail;
}

static inline bool vmx_insn_pa(const char *op, u64 pa)
{
    bool fail;

    /* The four share one form: a memory operand holding a physical address. */
    if (op[0] == 'x')
        __asm__ volatile("vmxon %1; setna %0"
                         : "=q"(fail)
                         : "m"(pa)
                         : "cc", "memory");
    else if (op[0] == 'c')
        __asm__ volatile("vmclear %1; setna %0"
                         : "=q"(fail)
                         : "m"(pa)
                         : "cc", "memory");
    else
        __asm__ volatile("vmptrld %1; setna %0"
                         : "=q"(fail)
                         : "m"(pa)
                         : "cc", "memory");
    return !fail;
}
#define vmxon(pa) vmx_insn_pa("x", pa)
#define vmclear(pa) vmx_insn_pa("c", pa)
#define vmptrld(pa) vmx_insn_pa("p", pa)

static inline void invept(u64 type, u64 eptp)
{
    struct {
        u64 eptp, rsvd;
    } desc = { eptp, 0 };

    __asm__ volatile("invept %0, %1" ::"m"(desc), "r"(type) : "cc", "memory");
}

static inline void invvpid(u64 type, u16 vpid)
{
    struct {
        u64 vpid, addr;
    } desc = { vpid, 0 };

    __asm__ volatile("invvpid %0, %1" ::"m"(desc), "r"(type) : "cc", "memory");
}

static void msr_bitmap_allow(u8 *bm, u32 msr)
{
    u32 base;

    /* Read bitmaps at 0 (low MSRs) and 1 KiB (high), writes 2 KiB on. */
    if (msr < 0x2000)
        base = 0;
    else if (msr >= 0xc0000000 && msr < 0xc0002000)
        base = 0x400, msr -= 0xc0000000;
    else
        return;
    bm[base + msr / 8] &= (u8) ~(1U << (msr % 8));
    bm[base + 0x800 + msr / 8] &= (u8) ~(1U << (msr % 8));
}

/*
 * The VMXON regions of the online CPUs and the MSR bitmap, allocated at
 * boot so that they are no leak to the boot domains' frame accounting.
 */
void vmx_cpus_init(cpumask_t online)
{
    /*
     * The guest's own without an exit: what the VMCS switches (FS/GS
     * bases, SYSENTER, PAT, which the CPU checks as it loads it) and what
     * the MSR lists do. EFER, APIC, MTRRs, the VMX MSRs are intercepted.
     */
    static const u32 direct[] = {
        MSR_FS_BASE,      MSR_GS_BASE,      MSR_SYSENTER_CS,
        MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_PAT,
    };

    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
        if (!(online & (1ULL << cpu)))
            continue;
        vmx_cpu[cpu].vmxon = alloc_page_va();
        if (!vmx_cpu[cpu].vmxon)
            panic("VMX: no memory for CPU %u's VMXON region", cpu);
    }
    vmx_msr_bitmap = alloc_page_va();
    if (!vmx_msr_bitmap)
        panic("VMX: no memory for the MSR bitmap");
    memset(vmx_msr_bitmap, 0xff, PAGE_SIZE);
    for (unsigned int i = 0; i < ARRAY_SIZE(direct); i++)
        msr_bitmap_allow(vmx_msr_bitmap, direct[i]);
    for (unsigned int i = 0; i < VMX_NR_LIST; i++)
        msr_bitmap_allow(vmx_msr_bitmap, vmx_list_msrs[i]);
    vmx_timer_init();
}

/*
 * VMX operation, the first time this CPU runs an HVM vCPU: the feature
 * control MSR locked with VMXON allowed if firmware left it open, CR0 and
 * CR4 within the fixed bits (CR4.VMXE among them), then VMXON.
 */
static bool vmx_cpu_on(unsigned int cpu)
{
    const struct vmx_conf *k = &vmx_conf;
    u64 fc = rdmsr(MSR_FEATURE_CONTROL);
    u32 *region = vmx_cpu[cpu].vmxon;

    if (vmx_cpu[cpu].on)
        return true;
    BUG_ON(!region);
    if (!(fc & FEATURE_CONTROL_LOCK))
        wrmsr(MSR_FEATURE_CONTROL,
              fc | FEATURE_CONTROL_VMXON | FEATURE_CONTROL_LOCK);
    write_cr0((read_cr0() | k->cr0_fixed0) & k->cr0_fixed1);
    write_cr4((read_cr4() | CR4_VMXE | k->cr4_fixed0) & k->cr4_fixed1);
    region[0] = k->revision;
    if (!vmxon(virt_to_maddr(region))) {
        printk_lvl(LOG_ERR, "VMX: VMXON failed on CPU %u\n", cpu);
        return false;
    }
    vmx_cpu[cpu].on = true;
    return true;
}

int vmx_domain_init(struct domain *d)
{
    return hvm_p2m_build(d, EPT_RWX, EPT_RWX | EPT_MT_WB);
}

void vmx_domain_destroy(struct domain *d)
{
    /*
     * The tables are on the page list. Stale EPT translations of this
     * root on other CPUs are harmless: every vCPU flushes its EPTP and
     * VPID on each CPU it comes to (vmx_flush), before it runs there.
     */
    d->arch.hvm->npt_root = 0;
}

static u16 vpid_alloc(void)
{
    for (u32 n = 1; n < MAX_VPIDS; n++)
        if (!(vpid_used[n / 64] & (1ULL << (n % 64)))) {
            vpid_used[n / 64] |= 1ULL << (n % 64);
            return (u16)n;
        }
    return 0;
}

int vmx_vcpu_init(struct vcpu *v, u16 cs_sel, u64 ip)
{
    struct hvm_vcpu *hv = v->arch.hvm;
    struct vmx_vcpu *vx = xzalloc(sizeof(*vx));

    if (!vx)
        return -ENOMEM;
    hv->vmx = vx;
    vx->cpu = -1;
    vx->vmcs = alloc_page_va();
    vx->msrs = alloc_page_va();
    if (!vx->vmcs || !vx->msrs)
        return -ENOMEM;
    vx->vmcs_pa = virt_to_maddr(vx->vmcs);
    vx->msrs_pa = virt_to_maddr(vx->msrs);
    if (hvm_caps.vpid) {
        vx->vpid = vpid_alloc();
        if (!vx->vpid) {
            printk_lvl(LOG_ERR, "d%u v%u: no VPID left for an HVM vCPU\n",
                       v->domain->domain_id, v->vcpu_id);
            return -ENOSPC;
        }
    }
    /* The VMCS is written at its first load: VMWRITE needs VMX operation. */
    vx->cs_sel = cs_sel;
    vx->ip = ip;
    hv->flush_asid = true;
    return 0;
}

/* Flat 4 GiB segments of the loader's GDT, paging off: set at the first load. */
void vmx_vcpu_enter32(struct vcpu *v, const struct hvm_entry *e)
{
    struct vmx_vcpu *vx = v->arch.hvm->vmx;

    vx->pm32 = true;
    vx->cs_sel = e->cs;
    vx->ds_sel = e->ds;
    vx->ip = e->ip;
    vx->gdt_base = e->gdt_base;
    vx->gdt_limit = e->gdt_limit;
    v->arch.hvm->gprs.rax = e->eax;
    v->arch.hvm->gprs.rbx = e->ebx;
    v->arch.hvm->gprs.rsi = e->esi;
}

void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *vx = v->arch.hvm->vmx;

    if (!vx)
        return;
    /*
     * vmx_save_vcpu normally cleared it. A VMCS still current elsewhere
     * could be written back by that CPU into a reused page: keep it then.
     */
    if (vx->cpu == (int)smp_processor_id())
        vmx_save_vcpu(v);
    if (vx->cpu >= 0) {
        printk_lvl(LOG_WARN,
                   "d%u v%u: VMCS still active on CPU %d, not freed\n",
                   v->domain->domain_id, v->vcpu_id, vx->cpu);
        v->arch.hvm->vmx = NULL;
        return;
    }
    if (vx->vpid)
        vpid_used[vx->vpid / 64] &= ~(1ULL << (vx->vpid % 64));
    if (vx->vmcs)
        free_page_va(vx->vmcs);
    if (vx->msrs)
        free_page_va(vx->msrs);
    xfree(vx);
    v->arch.hvm->vmx = NULL;
}

void vmx_save_vcpu(struct vcpu *v)
{
    struct vmx_vcpu *vx = v->arch.hvm->vmx;
    unsigned int cpu = smp_processor_id();

    if (vx->cpu < 0)
        return;
    BUG_ON(vx->cpu != (int)cpu);
    /* Written back to memory and clear: the next CPU VMLAUNCHes it. */
    vmclear(vx->vmcs_pa);
    vx->cpu = -1;
    vx->launched = false;
    if (vmx_cpu[cpu].cur == vx)
        vmx_cpu[cpu].cur = NULL;
}

static u64 vmx_eptp(const struct vcpu *v)
{
    return ((u64)v->domain->arch.hvm->npt_root << PAGE_SHIFT) | EPTP_WALK4 |
           EPTP_WB;
}

/* Guest CR0/CR4 bits the CPU insists on; unrestricted guest frees PE and PG. */
static u64 cr0_fixed(void)
{
    return vmx_conf.cr0_fixed0 & ~(u64)(CR0_PE | CR0_PG);
}

/*
 * Every field of a fresh vCPU: controls as vmx_detect chose them, the
 * guest in real mode at its entry point as a CPU after reset (but with
 * the image's CS:IP). Host fields are vmx_host_state's.
 */
static bool vmx_vmcs_setup(struct vcpu *v)
{
    const struct vmx_conf *k = &vmx_conf;
    struct vmx_vcpu *vx = v->arch.hvm->vmx;
    struct vmx_msr_ent *g = vx->msrs;
    u64 list = vx->msrs_pa;
    /* The bits the guest may not choose: it sees its own in the shadow. */
    u64 cr0_mask = (cr0_fixed() | ~k->cr0_fixed1) & 0xffffffffULL;
    u64 cr4_mask = (k->cr4_fixed0 | ~k->cr4_fixed1) & 0xffffffffULL;
    bool ok = true;

    for (unsigned int i = 0; i < VMX_NR_LIST; i++) {
        g[i].index = vmx_list_msrs[i];
        g[i].data = 0;
        g[VMX_HOST_LIST + i].index = vmx_list_msrs[i];
    }
    ok &= vmwrite(VMCS_LINK_POINTER, ~0ULL);
    ok &= vmwrite(VMCS_PIN_CTLS, k->pin);
    ok &= vmwrite(VMCS_PROC_CTLS, k->proc);
    ok &= vmwrite(VMCS_PROC_CTLS2, k->proc2);
    ok &= vmwrite(VMCS_EXIT_CTLS, k->exit);
    ok &= vmwrite(VMCS_ENTRY_CTLS, k->entry);
    ok &= vmwrite(VMCS_EXCEPTION_BITMAP, VMX_EXCEPTIONS);
    ok &= vmwrite(VMCS_CR3_TARGET_COUNT, 0);
    ok &= vmwrite(VMCS_MSR_BITMAP, virt_to_maddr(vmx_msr_bitmap));
    ok &= vmwrite(VMCS_ENTRY_MSR_LOAD_ADDR, list);
    ok &= vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, VMX_NR_LIST);
    ok &= vmwrite(VMCS_EXIT_MSR_STORE_ADDR, list);
    ok &= vmwrite(VMCS_EXIT_MSR_STORE_COUNT, VMX_NR_LIST);
    ok &= vmwrite(VMCS_EXIT_MSR_LOAD_ADDR,
                  list + VMX_HOST_LIST * sizeof(struct vmx_msr_ent));
    ok &= vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, VMX_NR_LIST);
    ok &= vmwrite(VMCS_EPT_POINTER, vmx_eptp(v));
    if (vx->vpid)
        ok &= vmwrite(VMCS_VPID, vx->vpid);
    ok &= vmwrite(VMCS_CR0_MASK, cr0_mask);
    ok &= vmwrite(VMCS_CR4_MASK, cr4_mask);
    ok &= vmwrite(VMCS_CR0_SHADOW, CR0_ET);
    ok &= vmwrite(VMCS_CR4_SHADOW, 0);
    ok &= vmwrite(VMCS_GUEST_CR0, (CR0_ET | cr0_fixed()) & k->cr0_fixed1);
    ok &= vmwrite(VMCS_GUEST_CR3, 0);
    ok &= vmwrite(VMCS_GUEST_CR4, k->cr4_fixed0 & k->cr4_fixed1);

    /* Real mode: accessed code and data segments of 64 KiB. */
    for (unsigned int s = VS_ES; s <= VS_GS; s++) {
        u16 sel = s == VS_CS ? vx->cs_sel : 0;

        ok &= vmwrite(VMCS_GUEST_SEL(s), sel);
        ok &= vmwrite(VMCS_GUEST_BASE(s), (u64)sel << 4);
        ok &= vmwrite(VMCS_GUEST_LIMIT(s), 0xffff);
        ok &= vmwrite(VMCS_GUEST_AR(s), s == VS_CS ? 0x9b : 0x93);
    }
    ok &= vmwrite(VMCS_GUEST_SEL(VS_LDTR), 0);
    ok &= vmwrite(VMCS_GUEST_BASE(VS_LDTR), 0);
    ok &= vmwrite(VMCS_GUEST_LIMIT(VS_LDTR), 0xffff);
    ok &= vmwrite(VMCS_GUEST_AR(VS_LDTR), 0x82);
    ok &= vmwrite(VMCS_GUEST_SEL(VS_TR), 0);
    ok &= vmwrite(VMCS_GUEST_BASE(VS_TR), 0);
    ok &= vmwrite(VMCS_GUEST_LIMIT(VS_TR), 0xffff);
    ok &= vmwrite(VMCS_GUEST_AR(VS_TR), 0x8b);
    ok &= vmwrite(VMCS_GUEST_GDTR_BASE, 0);
    ok &= vmwrite(VMCS_GUEST_GDTR_LIMIT, 0xffff);
    ok &= vmwrite(VMCS_GUEST_IDTR_BASE, 0);
    ok &= vmwrite(VMCS_GUEST_IDTR_LIMIT, 0xffff);
    ok &= vmwrite(VMCS_GUEST_DR7, 0x400);
    ok &= vmwrite(VMCS_GUEST_DEBUGCTL, 0);
    ok &= vmwrite(VMCS_GUEST_RSP, 0);
    ok &= vmwrite(VMCS_GUEST_RIP, vx->ip);
    ok &= vmwrite(VMCS_GUEST_RFLAGS, X86_EFLAGS_MBS);
    ok &= vmwrite(VMCS_GUEST_PENDING_DBG, 0);
    ok &= vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
    ok &= vmwrite(VMCS_GUEST_ACTIVITY, 0);
    ok &= vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
    ok &= vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
    ok &= vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
    ok &= vmwrite(VMCS_GUEST_PAT, PAT_POWER_ON);
    if (vx->pm32) {
        /* A loader's start: flat 4 GiB code and data (G, D), PE set. */
        for (unsigned int s = VS_ES; s <= VS_GS; s++) {
            ok &= vmwrite(VMCS_GUEST_SEL(s),
                          s == VS_CS ? vx->cs_sel : vx->ds_sel);
            ok &= vmwrite(VMCS_GUEST_BASE(s), 0);
            ok &= vmwrite(VMCS_GUEST_LIMIT(s), 0xffffffff);
            ok &= vmwrite(VMCS_GUEST_AR(s), s == VS_CS ? 0xc09b : 0xc093);
        }
        ok &= vmwrite(VMCS_GUEST_GDTR_BASE, vx->gdt_base);
        ok &= vmwrite(VMCS_GUEST_GDTR_LIMIT, vx->gdt_limit);
        ok &= vmwrite(VMCS_CR0_SHADOW, CR0_ET | CR0_PE);
        ok &= vmwrite(VMCS_GUEST_CR0,
                      (CR0_ET | CR0_PE | cr0_fixed()) & k->cr0_fixed1);
    }
    ok &= vmwrite(VMCS_GUEST_EFER, 0);
    ok &= vmwrite(VMCS_ENTRY_INTR_INFO, 0);
    return ok;
}

/*
 * The host state a VM exit returns to, rewritten at every loop start:
 * bases differ per CPU, and CR3, the FS/GS bases and the syscall MSRs are
 * whatever the CPU holds now. FS and GS come back as null selectors.
 */
static bool vmx_host_state(struct vmx_vcpu *vx, unsigned int cpu)
{
    struct desc_ptr *gdtr = &vmx_cpu[cpu].gdtr, *idtr = &vmx_cpu[cpu].idtr;
    struct vmx_msr_ent *h = vx->msrs + VMX_HOST_LIST;
    bool ok = true;

    __asm__ volatile("sgdt %0" : "=m"(*gdtr));
    __asm__ volatile("sidt %0" : "=m"(*idtr));
    for (unsigned int i = 0; i < VMX_NR_LIST; i++)
        h[i].data = rdmsr(h[i].index);
    ok &= vmwrite(VMCS_HOST_CR0, read_cr0());
    ok &= vmwrite(VMCS_HOST_CR3, read_cr3());
    ok &= vmwrite(VMCS_HOST_CR4, read_cr4());
    ok &= vmwrite(VMCS_HOST_CS_SEL, HYP_CS);
    ok &= vmwrite(VMCS_HOST_SS_SEL, HYP_DS);
    ok &= vmwrite(VMCS_HOST_DS_SEL, HYP_DS);
    ok &= vmwrite(VMCS_HOST_ES_SEL, HYP_DS);
    ok &= vmwrite(VMCS_HOST_FS_SEL, 0);
    ok &= vmwrite(VMCS_HOST_GS_SEL, 0);
    ok &= vmwrite(VMCS_HOST_TR_SEL, HYP_TSS);
    ok &= vmwrite(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    ok &= vmwrite(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    ok &= vmwrite(VMCS_HOST_TR_BASE, (u64)(uintptr_t)&this_cpu()->tss);
    ok &= vmwrite(VMCS_HOST_GDTR_BASE, gdtr->base);
    ok &= vmwrite(VMCS_HOST_IDTR_BASE, idtr->base);
    ok &= vmwrite(VMCS_HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
    ok &= vmwrite(VMCS_HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
    ok &= vmwrite(VMCS_HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
    ok &= vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
    ok &= vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
    ok &= vmwrite(VMCS_HOST_RIP, (u64)(uintptr_t)vmx_exit_stub);
    return ok;
}

static void seg_dump(const char *name, unsigned int s)
{
    printk("  %-4s %04llx base %016llx limit %08llx attr %05llx\n", name,
           (unsigned long long)vmread(VMCS_GUEST_SEL(s)),
           (unsigned long long)vmread(VMCS_GUEST_BASE(s)),
           (unsigned long long)vmread(VMCS_GUEST_LIMIT(s)),
           (unsigned long long)vmread(VMCS_GUEST_AR(s)));
}

/* The guest's state as the VMCS and the saved GPRs hold it. */
static void vmx_dump(const struct vcpu *v)
{
    const struct cpu_regs *r = &v->arch.hvm->gprs;

    printk("d%u v%u HVM state: exit %llx qualification %016llx intinfo "
           "%08llx vectoring %08llx\n",
           v->domain->domain_id, v->vcpu_id,
           (unsigned long long)(vmread(VMCS_EXIT_REASON) & 0xffff),
           (unsigned long long)vmread(VMCS_EXIT_QUAL),
           (unsigned long long)vmread(VMCS_EXIT_INTR_INFO),
           (unsigned long long)vmread(VMCS_IDT_VEC_INFO));
    printk("  RIP %04llx:%016llx RFLAGS %016llx CPL %llu\n",
           (unsigned long long)vmread(VMCS_GUEST_SEL(VS_CS)),
           (unsigned long long)vmread(VMCS_GUEST_RIP),
           (unsigned long long)vmread(VMCS_GUEST_RFLAGS),
           (unsigned long long)((vmread(VMCS_GUEST_AR(VS_SS)) >> 5) & 3));
    printk("  RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n",
           (unsigned long long)r->rax, (unsigned long long)r->rbx,
           (unsigned long long)r->rcx, (unsigned long long)r->rdx);
    printk("  RSI %016llx RDI %016llx RBP %016llx RSP %016llx\n",
           (unsigned long long)r->rsi, (unsigned long long)r->rdi,
           (unsigned long long)r->rbp,
           (unsigned long long)vmread(VMCS_GUEST_RSP));
    printk("  R8  %016llx R9  %016llx R10 %016llx R11 %016llx\n",
           (unsigned long long)r->r8, (unsigned long long)r->r9,
           (unsigned long long)r->r10, (unsigned long long)r->r11);
    printk("  R12 %016llx R13 %016llx R14 %016llx R15 %016llx\n",
           (unsigned long long)r->r12, (unsigned long long)r->r13,
           (unsigned long long)r->r14, (unsigned long long)r->r15);
    printk("  CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx\n",
           (unsigned long long)vmread(VMCS_GUEST_CR0),
           (unsigned long long)v->arch.hvm->vmx->cr2,
           (unsigned long long)vmread(VMCS_GUEST_CR3),
           (unsigned long long)vmread(VMCS_GUEST_CR4));
    printk("  CR0 shadow %08llx CR4 shadow %08llx EFER %016llx entry "
           "controls %08llx\n",
           (unsigned long long)vmread(VMCS_CR0_SHADOW),
           (unsigned long long)vmread(VMCS_CR4_SHADOW),
           (unsigned long long)vmread(VMCS_GUEST_EFER),
           (unsigned long long)vmread(VMCS_ENTRY_CTLS));
    seg_dump("CS", VS_CS);
    seg_dump("SS", VS_SS);
    seg_dump("DS", VS_DS);
    seg_dump("ES", VS_ES);
    seg_dump("TR", VS_TR);
    printk("  GDTR base %016llx limit %04llx IDTR base %016llx limit %04llx\n",
           (unsigned long long)vmread(VMCS_GUEST_GDTR_BASE),
           (unsigned long long)vmread(VMCS_GUEST_GDTR_LIMIT),
           (unsigned long long)vmread(VMCS_GUEST_IDTR_BASE),
           (unsigned long long)vmread(VMCS_GUEST_IDTR_LIMIT));
}

/* Guest misbehaviour: the register dump, then only this domain stops. */
static void vmx_crash(struct vcpu *v, const char *why)
{
    printk_lvl(LOG_ERR, "d%u v%u: HVM guest crash: %s\n", v->domain->domain_id,
               v->vcpu_id, why);
    if (v->arch.hvm->vmx->cpu >= 0)
        vmx_dump(v);
    domain_crash(v->domain, "HVM: %s", why);
}

/* A hardware exception for the next entry; no error code in real mode. */
static void vmx_inject(unsigned int vec, int ec)
{
    u32 info = vec | (INTR_TYPE_HW_EXC << 8) | INTR_INFO_VALID;

    if (ec >= 0 && (vmread(VMCS_GUEST_CR0) & CR0_PE)) {
        info |= INTR_INFO_ERROR;
        vmwrite(VMCS_ENTRY_EXC_ERROR, (u32)ec);
    }
    vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

/* Step over the instruction that exited, and out of any STI/MOV SS shadow. */
static void vmx_skip(void)
{
    u64 irq = vmread(VMCS_GUEST_INTERRUPTIBILITY);

    vmwrite(VMCS_GUEST_RIP,
            vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSN_LEN));
    if (irq & INTERRUPTIBILITY_SHADOW)
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY, irq & ~INTERRUPTIBILITY_SHADOW);
}

/* The general register an exit qualification names (4 is the VMCS's RSP). */
static u64 *vmx_gpr(struct cpu_regs *r, unsigned int n)
{
    u64 *regs[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL,    &r->rbp, &r->rsi, &r->rdi,
        &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return regs[n & 15];
}

static u64 vmx_gpr_get(struct vcpu *v, unsigned int n)
{
    u64 *p = vmx_gpr(&v->arch.hvm->gprs, n);

    return p ? *p : vmread(VMCS_GUEST_RSP);
}

static void vmx_gpr_set(struct vcpu *v, unsigned int n, u64 val)
{
    u64 *p = vmx_gpr(&v->arch.hvm->gprs, n);

    if (p)
        *p = val;
    else
        vmwrite(VMCS_GUEST_RSP, val);
}

/* ---- the hooks of the common HVM code (hvm/intr.c, hvm/emulate.c) */

static void vmx_get_state(struct vcpu *v, struct hvm_cpu_state *s)
{
    u32 cs_ar = (u32)vmread(VMCS_GUEST_AR(VS_CS));

    for (unsigned int i = 0; i < 16; i++)
        s->gpr[i] = vmx_gpr_get(v, i);
    s->rip = vmread(VMCS_GUEST_RIP);
    s->rflags = vmread(VMCS_GUEST_RFLAGS);
    /* What the CPU runs with (the emulator walks the real tables). */
    s->cr0 = vmread(VMCS_GUEST_CR0);
    s->cr3 = vmread(VMCS_GUEST_CR3);
    s->cr4 = vmread(VMCS_GUEST_CR4);
    s->efer = vmread(VMCS_GUEST_EFER);
    for (unsigned int i = VS_ES; i <= VS_GS; i++)
        s->seg_base[i] = vmread(VMCS_GUEST_BASE(i));
    /* VMX access rights: L is bit 13, D/B bit 14; CPL is SS.DPL. */
    s->cs_l = cs_ar & (1U << 13);
    s->cs_d = cs_ar & (1U << 14);
    s->cpl = (u8)((vmread(VMCS_GUEST_AR(VS_SS)) >> 5) & 3);
}

static void vmx_set_state(struct vcpu *v, const struct hvm_cpu_state *s)
{
    u64 irq = vmread(VMCS_GUEST_INTERRUPTIBILITY);

    for (unsigned int i = 0; i < 16; i++)
        vmx_gpr_set(v, i, s->gpr[i]);
    vmwrite(VMCS_GUEST_RIP, s->rip);
    vmwrite(VMCS_GUEST_RFLAGS, s->rflags);
    if (irq & INTERRUPTIBILITY_SHADOW)
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY, irq & ~INTERRUPTIBILITY_SHADOW);
}

/* Every VM exit clears the valid bit; only vmx_exit's re-injection sets it. */
static bool vmx_event_pending(struct vcpu *v)
{
    (void)v;
    return vmread(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
}

static void vmx_inject_event(struct vcpu *v, unsigned int type,
                             unsigned int vec, int ec, u64 cr2)
{
    u32 info = (vec & 0xff) | ((type & 7) << 8) | INTR_INFO_VALID;

    if (type == HVM_EV_EXCEPTION && vec == TRAP_PF)
        v->arch.hvm->vmx->cr2 = cr2;
    /* An error code is refused by VM entry in real mode (CR0.PE clear). */
    if (ec >= 0 && (vmread(VMCS_GUEST_CR0) & CR0_PE)) {
        info |= INTR_INFO_ERROR;
        vmwrite(VMCS_ENTRY_EXC_ERROR, (u32)ec);
    }
    /* Software events push the address after the instruction that exited. */
    if (type >= INTR_TYPE_SW_INT)
        vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
    vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

static bool vmx_intr_blocked(struct vcpu *v)
{
    (void)v;
    return !(vmread(VMCS_GUEST_RFLAGS) & X86_EFLAGS_IF) ||
           (vmread(VMCS_GUEST_INTERRUPTIBILITY) & INTERRUPTIBILITY_SHADOW);
}

/*
 * Interrupt-window exiting (every VMX CPU may set it): an exit before the
 * first instruction at which RFLAGS.IF is set and no STI/MOV SS blocking
 * is left, the point VM entry may inject an external interrupt at.
 */
static void vmx_intr_window(struct vcpu *v, bool on)
{
    u32 proc = (u32)vmread(VMCS_PROC_CTLS);

    (void)v;
    proc = on ? proc | PROC_INTR_WINDOW : proc & ~PROC_INTR_WINDOW;
    vmwrite(VMCS_PROC_CTLS, proc);
}

const struct hvm_funcs vmx_funcs = {
    .get_state = vmx_get_state,
    .set_state = vmx_set_state,
    .event_pending = vmx_event_pending,
    .inject = vmx_inject_event,
    .intr_blocked = vmx_intr_blocked,
    .intr_window = vmx_intr_window,
    .crash = vmx_crash,
};

/*
 * The entry control "IA-32e mode guest" follows EFER.LMA. The guest turns
 * long mode on itself (CR0.PG with EFER.LME, no exit under unrestricted
 * guest); the CPU sets LMA and the exit saves EFER, so the control is
 * brought in line before each entry, as the next entry checks it.
 */
static void vmx_sync_lma(void)
{
    u64 lma = vmread(VMCS_GUEST_EFER) & EFER_LMA;

    vmwrite(VMCS_ENTRY_CTLS, vmx_conf.entry | (lma ? ENTRY_IA32E : 0));
}

/*
 * MOV to CR0/CR4 that touched a bit the guest/host mask holds (NE, VMXE,
 * reserved ones); CR3 if the CPU forces CR3 exiting. The guest sees its
 * value in the read shadow, the CPU runs with the fixed bits added.
 */
static void vmx_exit_cr(struct vcpu *v)
{
    const struct vmx_conf *k = &vmx_conf;
    u64 q = vmread(VMCS_EXIT_QUAL);
    unsigned int cr = VMX_CR_NUM(q), gpr = VMX_CR_GPR(q);
    u64 val;
    char why[64];

    if (cr == 3 && VMX_CR_TYPE(q) == 1) {
        vmx_gpr_set(v, gpr, vmread(VMCS_GUEST_CR3));
        vmx_skip();
        return;
    }
    if (VMX_CR_TYPE(q) != VMX_CR_MOV_TO || (cr != 0 && cr != 3 && cr != 4)) {
        snprintf(why, sizeof(why), "unhandled CR access (qualification %llx)",
                 (unsigned long long)q);
        vmx_crash(v, why);
        return;
    }
    val = vmx_gpr_get(v, gpr);
    if (cr == 3) {
        vmwrite(VMCS_GUEST_CR3, val);
    } else if (cr == 0) {
        u64 old = vmread(VMCS_GUEST_CR0), efer = vmread(VMCS_GUEST_EFER);

        if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE))) {
            vmx_inject(TRAP_GP, 0);
            return;
        }
        /* Paging on with LME set is long mode, off leaves it. */
        if (!(old & CR0_PG) && (val & CR0_PG) && (efer & EFER_LME)) {
            /*
             * The CPU's CR4, not the shadow: PAE is outside the CR4 mask,
             * so the guest's MOV to CR4 set it without an exit and the
             * shadow never saw it (Linux's startup_32 does just that).
             */
            if (!(vmread(VMCS_GUEST_CR4) & CR4_PAE)) {
                vmx_inject(TRAP_GP, 0);
                return;
            }
            efer |= EFER_LMA;
        }
        if (!(val & CR0_PG))
            efer &= ~EFER_LMA;
        vmwrite(VMCS_GUEST_EFER, efer);
        vmwrite(VMCS_CR0_SHADOW, val);
        vmwrite(VMCS_GUEST_CR0, (val | cr0_fixed()) & k->cr0_fixed1);
    } else {
        /* No nested VMX, nothing the CPU cannot hold. */
        if ((val & CR4_VMXE) || (val & ~k->cr4_fixed1)) {
            vmx_inject(TRAP_GP, 0);
            return;
        }
        vmwrite(VMCS_CR4_SHADOW, val);
        vmwrite(VMCS_GUEST_CR4, (val | k->cr4_fixed0) & k->cr4_fixed1);
    }
    vmx_skip();
}

static void vmx_exit_io(struct vcpu *v)
{
    struct cpu_regs *r = &v->arch.hvm->gprs;
    u64 q = vmread(VMCS_EXIT_QUAL);
    unsigned int size = VMX_IO_SIZE(q);
    bool in = q & VMX_IO_IN;
    u32 val;

    if (q & VMX_IO_STR) {
        /* INS/OUTS: decoded and emulated at CS:RIP, which it advances. */
        hvm_emulate_string_io(v);
        return;
    }
    size = size == 4 ? 4 : size == 2 ? 2 : 1;
    val = (u32)r->rax;
    /* Sent to a device model: vmx_loop completes RAX once it answers. */
    if (hvm_portio(v, VMX_IO_PORT(q), size, in, &val) == HVMIO_UNHANDLED && in)
        r->rax = hvm_io_merge_rax(r->rax, size, val);
    vmx_skip();
}

/* The MSRs the bitmap intercepts: EFER and a few reads, else #GP. */
static void vmx_exit_msr(struct vcpu *v, bool wr)
{
    struct cpu_regs *r = &v->arch.hvm->gprs;
    u32 msr = (u32)r->rcx;
    u64 val = ((r->rdx & 0xffffffff) << 32) | (r->rax & 0xffffffff);
    u64 efer = vmread(VMCS_GUEST_EFER);

    if (!wr) {
        switch (msr) {
        case MSR_EFER:
            val = efer;
            break;
        case MSR_TSC:
            val = rdtsc();
            break;
        case MSR_APIC_BASE:
            val = 0xfee00000ULL | (1ULL << 11) | (v->vcpu_id ? 0 : 1ULL << 8);
            break;
        case MSR_MISC_ENABLE:
            /*
             * Linux's verify_cpu reads it unguarded on Intel CPUs (the
             * vendor VMX guests see) to clear XD disable: a #GP there is
             * a triple fault. Xen's value: BTS and PEBS unavailable,
             * XD disable clear.
             */
            val = MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL;
            break;
        default:
            vmx_inject(TRAP_GP, 0);
            return;
        }
        r->rax = val & 0xffffffff;
        r->rdx = val >> 32;
    } else {
        if (msr != MSR_EFER ||
            (val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))) {
            vmx_inject(TRAP_GP, 0);
            return;
        }
        /* LMA is the CPU's to set. */
        vmwrite(VMCS_GUEST_EFER,
                (val & (EFER_SCE | EFER_LME | EFER_NXE)) | (efer & EFER_LMA));
    }
    vmx_skip();
}

static void vmx_exit_cpuid(struct vcpu *v)
{
    struct cpu_regs *r = &v->arch.hvm->gprs;
    u32 a, b, c, d;

    hvm_cpuid(v, (u32)r->rax, (u32)r->rcx, &a, &b, &c, &d);
    r->rax = a;
    r->rbx = b;
    r->rcx = c;
    r->rdx = d;
    vmx_skip();
}

/* An exception or NMI the exception bitmap or the NMI control caught. */
static void vmx_exit_exception(struct vcpu *v)
{
    u32 info = (u32)vmread(VMCS_EXIT_INTR_INFO);
    unsigned int vec = info & 0xff, type = INTR_INFO_TYPE(info);
    char why[64];

    if (type == INTR_TYPE_NMI) {
        /* The host's NMI: its handler, through the IDT. */
        __asm__ volatile("int $2" ::: "memory");
        return;
    }
    if (vec == TRAP_MC) {
        /* A machine check is the hardware's, not the guest's: the host's. */
        __asm__ volatile("int $18" ::: "memory");
        return;
    }
    if (vec == TRAP_DB || vec == TRAP_AC) {
        /* Delivered as it came, after the exit that breaks the loop. */
        vmwrite(VMCS_ENTRY_INTR_INFO, info & (INTR_INFO_VALID | 0x7ff));
        if (info & INTR_INFO_ERROR)
            vmwrite(VMCS_ENTRY_EXC_ERROR, vmread(VMCS_EXIT_INTR_ERROR));
        if (type >= INTR_TYPE_SW_INT)
            vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
        return;
    }
    snprintf(why, sizeof(why), "unexpected exception exit (vector %u)", vec);
    vmx_crash(v, why);
}

static void vmx_exit(struct vcpu *v)
{
    u32 reason = (u32)vmread(VMCS_EXIT_REASON);
    u32 idt = (u32)vmread(VMCS_IDT_VEC_INFO);
    char why[112];

    /* An event the exit interrupted is delivered again on the next entry. */
    if (idt & INTR_INFO_VALID) {
        vmwrite(VMCS_ENTRY_INTR_INFO, idt & (INTR_INFO_VALID | 0xfff));
        if (idt & INTR_INFO_ERROR)
            vmwrite(VMCS_ENTRY_EXC_ERROR, vmread(VMCS_IDT_VEC_ERROR));
        if (INTR_INFO_TYPE(idt) >= INTR_TYPE_SW_INT)
            vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
    }
    if (reason & VMX_EXIT_FAILED_ENTRY) {
        snprintf(why, sizeof(why),
                 "VM entry refused the guest state (exit %u%s)",
                 reason & 0xffff,
                 (reason & 0xffff) == VMX_EXIT_INVALID_STATE ? ", invalid "
                                                               "guest state"
                 : (reason & 0xffff) == VMX_EXIT_MSR_LOADING ? ", MSR loading"
                                                             : "");
        vmx_crash(v, why);
        return;
    }
    switch (reason & 0xffff) {
    case VMX_EXIT_EXT_INTR:
    case VMX_EXIT_PREEMPT_TIMER:
        /*
         * The interrupt waits at the local APIC (not acknowledged on exit):
         * let it in now, so its handler raises the softirq the loop then
         * acts on. After the preemption timer, one may wait there too.
         */
        __asm__ volatile("sti; nop; cli" ::: "memory");
        return;
    case VMX_EXIT_EXC_NMI:
        vmx_exit_exception(v);
        return;
    case VMX_EXIT_INIT:
    case VMX_EXIT_SIPI:
        return;
    case VMX_EXIT_CPUID:
        vmx_exit_cpuid(v);
        return;
    case VMX_EXIT_HLT:
        vmx_skip();
        hvm_hlt(v, vmread(VMCS_GUEST_RFLAGS));
        return;
    case VMX_EXIT_INTR_WINDOW:
        /* The window opened: hvm_intr_assist delivers before the entry. */
        vmx_intr_window(v, false);
        return;
    case VMX_EXIT_IO:
        vmx_exit_io(v);
        return;
    case VMX_EXIT_RDMSR:
    case VMX_EXIT_WRMSR:
        vmx_exit_msr(v, (reason & 0xffff) == VMX_EXIT_WRMSR);
        return;
    case VMX_EXIT_CR_ACCESS:
        vmx_exit_cr(v);
        return;
    case VMX_EXIT_INVD:
    case VMX_EXIT_WBINVD:
        /* Dropping caches is not the guest's to ask; as Xen, a no-op. */
        vmx_skip();
        return;
    case VMX_EXIT_VMCALL ... VMX_EXIT_VMXON:
    case VMX_EXIT_INVEPT:
    case VMX_EXIT_INVVPID:
    case VMX_EXIT_VMFUNC:
    case VMX_EXIT_MWAIT:
    case VMX_EXIT_MONITOR:
    case VMX_EXIT_GETSEC:
        /* The guest is offered no VMX, hypercalls or MONITOR (yet). */
        vmx_inject(TRAP_UD, -1);
        return;
    case VMX_EXIT_TRIPLE_FAULT:
        vmx_crash(v, "triple fault");
        return;
    case VMX_EXIT_EPT_VIOLATION:
        /* The hypervisor's MMIO devices (the local APIC). */
        if (hvm_mmio_npf(v, vmread(VMCS_GUEST_PHYS_ADDR)))
            return;
        snprintf(why, sizeof(why),
                 "nested page fault at GPA %llx (EPT violation, "
                 "qualification %llx), outside its %llu KiB of RAM",
                 (unsigned long long)vmread(VMCS_GUEST_PHYS_ADDR),
                 (unsigned long long)vmread(VMCS_EXIT_QUAL),
                 (unsigned long long)(v->domain->arch.hvm->ram_pfns * 4));
        vmx_crash(v, why);
        return;
    case VMX_EXIT_EPT_MISCONFIG:
        snprintf(why, sizeof(why), "EPT misconfiguration at GPA %llx",
                 (unsigned long long)vmread(VMCS_GUEST_PHYS_ADDR));
        vmx_crash(v, why);
        return;
    default:
        snprintf(why, sizeof(why), "unhandled exit reason %u", reason & 0xffff);
        vmx_crash(v, why);
        return;
    }
}

/* Its translations on this CPU may be another run's: drop them. */
static void vmx_flush(struct vcpu *v)
{
    u64 cap = vmx_conf.ept_vpid_cap;
    u16 vpid = v->arch.hvm->vmx->vpid;

    if (cap & EPT_CAP_INVEPT_SINGLE)
        invept(INVEPT_SINGLE, vmx_eptp(v));
    else
        invept(INVEPT_ALL, 0);
    if (!vpid)
        return; /* VPID 0: entries and exits flush linear mappings */
    if (cap & VPID_CAP_INVVPID_SINGLE)
        invvpid(INVVPID_SINGLE, vpid);
    else
        invvpid(INVVPID_ALL, 0);
}

/* VMX on, the VMCS current here (written if fresh), host state for this CPU. */
static bool vmx_load(struct vcpu *v, unsigned int cpu)
{
    struct vmx_vcpu *vx = v->arch.hvm->vmx;

    if (!vmx_cpu_on(cpu)) {
        vmx_crash(v, "VMXON failed on this CPU");
        return false;
    }
    if (vmx_cpu[cpu].cur != vx) {
        BUG_ON(vx->cpu >= 0 && vx->cpu != (int)cpu);
        if (!vx->ready) {
            *(u32 *)vx->vmcs = vmx_conf.revision;
            vmclear(vx->vmcs_pa);
        }
        if (!vmptrld(vx->vmcs_pa)) {
            vmx_crash(v, "VMPTRLD refused the VMCS");
            return false;
        }
        vmx_cpu[cpu].cur = vx;
        vx->cpu = (int)cpu;
    }
    if (!vx->ready && !vmx_vmcs_setup(v)) {
        vmx_crash(v, "VMWRITE refused a VMCS field");
        return false;
    }
    vx->ready = true;
    if (!vmx_host_state(vx, cpu)) {
        vmx_crash(v, "VMWRITE refused a host-state field");
        return false;
    }
    return true;
}

static void vmx_entry_failed(struct vcpu *v, u64 rc, bool launched)
{
    char why[96];

    if (rc == 1)
        snprintf(why, sizeof(why), "%s failed: no current VMCS (VMfailInvalid)",
                 launched ? "VMRESUME" : "VMLAUNCH");
    else
        snprintf(why, sizeof(why), "%s failed: VM-instruction error %llu",
                 launched ? "VMRESUME" : "VMLAUNCH",
                 (unsigned long long)vmread(VMCS_INSN_ERROR));
    vmx_crash(v, why);
}

/*
 * The VM-entry loop, on a fresh stack, big lock held, interrupts off, as
 * svm_loop: softirqs are handled as guest_exit handles them for PV, so
 * schedule() may switch to any other vCPU, which comes back through
 * arch_run_vcpu and hvm_run_vcpu and starts this loop afresh. The guest
 * runs without the lock; every external interrupt exits.
 */
static __attribute__((noreturn)) void vmx_loop(void *arg)
{
    struct vcpu *v = arg;
    struct hvm_vcpu *hv = v->arch.hvm;
    struct vmx_vcpu *vx = hv->vmx;
    unsigned int cpu = smp_processor_id();
    bool loaded = vmx_load(v, cpu);
    u64 rc;

    for (;;) {
        do_softirqs();
        if (v->domain->state != DOM_RUNNING || !vcpu_runnable(v))
            schedule();
        if (!loaded) {
            /* Crashed before it could run: only the scheduler is left. */
            schedule();
            continue;
        }
        if (hvm_io_finish(v, &hv->gprs.rax))
            continue;
        if (hv->flush_asid)
            vmx_flush(v);
        hv->flush_asid = false;
        vmx_sync_lma();
        hvm_intr_assist(v);
        if (vmx_conf.pin & PIN_PREEMPT_TIMER)
            vmwrite(VMCS_PREEMPT_TIMER, vmx_conf.preempt_ticks);
        write_cr2(vx->cr2);
        hyp_unlock();
        rc = vmx_vmrun(&hv->gprs, vx->launched);
        vx->cr2 = read_cr2();
        __asm__ volatile("lgdt %0" ::"m"(vmx_cpu[cpu].gdtr));
        __asm__ volatile("lidt %0" ::"m"(vmx_cpu[cpu].idtr));
        hyp_lock();
        if (rc) {
            vmx_entry_failed(v, rc, vx->launched);
            continue;
        }
        vx->launched = true;
        vmx_exit(v);
    }
}

void vmx_run(struct vcpu *v)
{
    hvm_reset_stack(vmx_loop, v);
}

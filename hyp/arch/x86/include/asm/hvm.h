/* SPDX-License-Identifier: GPL-2.0-only */
/* The HVM layer's interface to the rest of x86: capabilities, HVM domains and vCPUs. */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include "types.h"
#include "sched.h"
#include "asm/regs.h"
#include "asm/ioreq.h"

/* What the boot CPU offers (filled once by hvm_init). */
struct hvm_caps {
    bool svm;          /* CPUID 0x80000001 ECX.SVM */
    bool svm_disabled; /* VM_CR.SVMDIS: firmware turned it off */
    bool npt, nrips, vmcb_clean, flush_asid, decode_assists;
    u32 svm_rev;
    u32 asids; /* CPUID 0x8000000A EBX: ASIDs, 0 (the host's) included */
    bool vmx;  /* CPUID 1 ECX.VMX */
    bool vmx_locked_off; /* IA32_FEATURE_CONTROL locked without VMXON */
    bool ept, vpid, unrestricted;
    bool vmx_ctls; /* the VMX controls the back end relies on are offered */
    bool use_svm;  /* the back end Vesper runs HVM guests with */
    bool use_vmx;
};
extern struct hvm_caps hvm_caps;

/* Detection on the boot CPU and the boot line that reports it. */
void hvm_init(void);
/* Per-CPU state of the back end, once the CPUs are up. */
void hvm_cpus_init(void);
/* rdmsr that survives an MSR the CPU lacks (false then). */
bool hvm_rdmsr_safe(u32 msr, u64 *val);
/* VMX back end detection (vmx/vmx_caps.c). */
void vmx_detect(struct hvm_caps *c);

/*
 * A port range served in the hypervisor (hvm_portio_register): fn gets
 * the guest's access (size 1, 2 or 4; *val in or out) and returns what
 * hvm_portio returns: 0 when done.
 */
typedef int (*hvm_portio_fn)(struct vcpu *v, u16 port, unsigned int size,
                             bool in, u32 *val, void *opaque);
struct hvm_portio_range {
    u32 first, count;
    hvm_portio_fn fn;
    void *opaque;
};
#define HVM_PORTIO_MAX 24

struct hvm_plat;
/* Per-domain HVM state; d->arch.hvm is NULL for PV domains. */
struct hvm_domain {
    u64 ram_pfns;   /* guest RAM is GPA [0, ram_pfns << PAGE_SHIFT) */
    mfn_t npt_root; /* nested page table L4 (NPT or EPT) */
    u64 npt_frames; /* frames the nested tables use */
    u8 *iopm;       /* I/O permission map (all ports intercepted) */
    u8 *msrpm;      /* MSR permission map */
    /* Ports the hypervisor serves, looked up before hvm_portio's fallback. */
    struct hvm_portio_range portio[HVM_PORTIO_MAX];
    unsigned int nr_portio;
    struct hvm_plat *plat; /* emulated platform devices (hvm/vdev.h) */
    /* Its device models' ioreq servers (ioreq.c). */
    struct hvm_ioreq_domain ioreq;
};

struct vmcb;
struct vmx_vcpu;
/* Per-vCPU HVM state; v->arch.hvm is NULL for PV vCPUs. */
struct hvm_vcpu {
    struct vmx_vcpu *vmx; /* VT-x state (vmx/vmx.c), NULL on SVM */
    struct vmcb *vmcb;
    u64 vmcb_pa;
    /* GPRs while off the CPU or in the hypervisor; RAX/RSP/RIP are the VMCB's. */
    struct cpu_regs gprs;
    u32 asid;
    bool flush_asid;       /* its TLB entries may be stale on this CPU */
    struct vlapic *vlapic; /* its local APIC (hvm/vlapic.c) */
    bool halted_if_off;    /* HLT with IF clear: no interrupt wakes it */
    /* A request out to a device model (ioreq.c). */
    struct hvm_vcpu_io io;
};

static inline bool is_hvm_domain(const struct domain *d)
{
    return d->arch.hvm != NULL;
}

static inline bool is_hvm_vcpu(const struct vcpu *v)
{
    return v->arch.hvm != NULL;
}

/* A boot-time HVM domain: a flat image entered in real mode. */
struct hvm_build_args {
    domid_t domid;
    const char *name;
    const void *image;
    size_t image_len;
    u64 load_gpa; /* where the image goes and execution starts */
    u64 mem_bytes;
    unsigned int vcpus;
    unsigned int weight, cap;
    cpumask_t affinity;
    /* Held for the control domain (its device model): Xen's toolstack order. */
    bool paused;
    /* Multiboot and Linux kernels: their command line and ramdisk. */
    const char *cmdline;
    const void *ramdisk;
    size_t ramdisk_len;
};
int hvm_build_domain(const struct hvm_build_args *a);

/*
 * Where and how a vCPU starts: real mode at cs:ip (flat images), or 32-bit
 * protected mode with flat segments cs/ds of the GDT at gdt_base, paging
 * off, and the registers a multiboot or Linux loader hands over.
 */
struct hvm_entry {
    bool protected32;
    u16 cs, ds;
    u64 ip;
    u32 eax, ebx, esi;
    u64 gdt_base;
    u16 gdt_limit;
};
/* The image into RAM as a flat image, a multiboot v1 or a Linux bzImage kernel. */
int hvm_load(struct domain *d, const struct hvm_build_args *a,
             struct hvm_entry *e);
void hvm_copy_to_gpa(struct domain *d, u64 gpa, const void *src, size_t len);

/* arch_run_vcpu / arch_save_vcpu / arch_domain_destroy for HVM. */
__attribute__((noreturn)) void hvm_run_vcpu(struct vcpu *v);
void hvm_save_vcpu(struct vcpu *v);
void hvm_domain_destroy(struct domain *d);

/* Exit work common to the back ends (hvm.c). */
/*
 * Port I/O: the ranges registered with hvm_portio_register first (their
 * handler's answer is returned), then 0xE9, the debug console, then the
 * ioreq server claiming the port (HVMIO_RETRY: advance RIP as usual, but
 * let hvm_io_complete() finish an IN before the next entry); other reads
 * see all ones. 0 (HVMIO_UNHANDLED) when done.
 */
int hvm_portio(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val);
/* RAX after an IN of size bytes read val: 32 bits zero-extend, less merges. */
u64 hvm_io_merge_rax(u64 rax, unsigned int size, u32 val);
/*
 * A device model's answer, before the next entry, for either back end: an
 * IN's data into *rax (the VMCB's or the saved GPRs'). True while it is
 * still awaited: do not enter the guest.
 */
bool hvm_io_finish(struct vcpu *v, u64 *rax);
/*
 * A device model drives ISA IRQ line irq (0-15) to level, as Xen's
 * XEN_DMOP_set_isa_irq_level: the 8259 pair's input (no I/O APIC yet).
 */
void hvm_isa_irq_set(struct domain *d, unsigned int irq, bool level);

/* Serve ports [first, first + count) in the hypervisor; -ENOSPC, -EEXIST. */
int hvm_portio_register(struct domain *d, u16 first, u16 count,
                        hvm_portio_fn fn, void *opaque);
/* CPUID as an HVM guest sees it (Xen's leaves at 0x40000000). */
void hvm_cpuid(struct vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
               u32 *d);

/* SVM back end (svm/). */
void svm_detect(struct hvm_caps *c);
void svm_cpus_init(cpumask_t online);
int svm_domain_init(struct domain *d);
void svm_domain_destroy(struct domain *d);
/* A vCPU starting in real mode at cs_sel:ip. */
int svm_vcpu_init(struct vcpu *v, u16 cs_sel, u64 ip);
/* ... then moved to a loader's 32-bit protected-mode entry. */
void svm_vcpu_enter32(struct vcpu *v, const struct hvm_entry *e);
void svm_vcpu_destroy(struct vcpu *v);
__attribute__((noreturn)) void svm_run(struct vcpu *v);
/* The VMCB dump, then domain_crash: guest misbehaviour. */
void svm_crash(struct vcpu *v, const char *why);
/* Nested page tables (svm/npt.c): map GPA [0, ram) onto the domain's frames. */
int npt_build(struct domain *d);
void npt_destroy(struct domain *d);
/* The 4-level GPA tables both back ends use (p2m_pt.c), with their entry bits. */
int hvm_p2m_build(struct domain *d, u64 table_flags, u64 leaf_flags);

/* VMX back end (vmx/), the SVM one's counterpart. */
void vmx_cpus_init(cpumask_t online);
int vmx_domain_init(struct domain *d);
void vmx_domain_destroy(struct domain *d);
int vmx_vcpu_init(struct vcpu *v, u16 cs_sel, u64 ip);
void vmx_vcpu_enter32(struct vcpu *v, const struct hvm_entry *e);
void vmx_vcpu_destroy(struct vcpu *v);
/* Off this CPU: VMCLEAR, so the VMCS may be loaded on another. */
void vmx_save_vcpu(struct vcpu *v);
__attribute__((noreturn)) void vmx_run(struct vcpu *v);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Intel VT-x detection: VMX itself, whether firmware allows it, EPT, VPID, and the controls every VMCS gets. */
#include "lib.h"
#include "asm/cpu.h"
#include "asm/hvm.h"
#include "asm/vmx.h"
#include "asm/x86.h"

struct vmx_conf vmx_conf;

/*
 * A control word from its capability MSR: the low half are the bits that
 * must be 1, the high half those that may be. want are the bits Vesper
 * asks for, need the ones it cannot do without; false if one is missing.
 */
static bool vmx_ctl(u32 msr, u32 want, u32 need, u32 *out)
{
    u64 cap;
    u32 v;

    if (!hvm_rdmsr_safe(msr, &cap))
        return false;
    v = (want | (u32)cap) & (u32)(cap >> 32);
    *out = v;
    return (v & need) == need;
}

void vmx_detect(struct hvm_caps *c)
{
    struct vmx_conf *k = &vmx_conf;
    u32 a, b, cx, d, proc, proc2 = 0;
    u64 fc, basic, cap = 0;
    bool ok, tr;

    cpuid_count(1, 0, &a, &b, &cx, &d);
    c->vmx = cx & (1U << 5);
    if (!c->vmx)
        return;
    /* Locked without the VMXON permission: VMXON would #GP. */
    if (hvm_rdmsr_safe(MSR_FEATURE_CONTROL, &fc) &&
        (fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON))
        c->vmx_locked_off = true;
    if (!hvm_rdmsr_safe(MSR_VMX_BASIC, &basic))
        return;
    k->revision = (u32)(basic & VMX_BASIC_REVISION_MASK);
    /* With bit 55 the TRUE MSRs say which default-1 controls may be 0. */
    tr = basic & VMX_BASIC_TRUE_CTLS;
    if (!vmx_ctl(tr ? MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS,
                 PROC_HLT | PROC_UNCOND_IO | PROC_MSR_BITMAPS | PROC_MWAIT |
                     PROC_MONITOR | PROC_SECONDARY,
                 PROC_SECONDARY, &proc))
        return;
    k->proc = proc;
    if (!vmx_ctl(MSR_VMX_PROCBASED_CTLS2,
                 PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED | PROC2_WBINVD, 0,
                 &proc2))
        return;
    if ((proc2 & (PROC2_EPT | PROC2_VPID)) &&
        !hvm_rdmsr_safe(MSR_VMX_EPT_VPID_CAP, &cap))
        cap = 0;
    k->ept_vpid_cap = cap;
    /* Usable EPT: a 4-level walk with write-back tables. */
    c->ept = (proc2 & PROC2_EPT) && (cap & EPT_CAP_WALK4) && (cap & EPT_CAP_WB);
    c->vpid = (proc2 & PROC2_VPID) && (cap & VPID_CAP_INVVPID) &&
              (cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));
    c->unrestricted = c->ept && (proc2 & PROC2_UNRESTRICTED);
    if (!c->vpid)
        proc2 &= ~PROC2_VPID;
    k->proc2 = proc2;
    /*
     * The back end's minimum: every external interrupt and NMI exits, the
     * guest's own EFER and PAT are switched by the CPU (so long mode needs
     * no CR0 intercept), the host comes back in 64-bit mode, and INVEPT
     * exists, since EPT translations outlive a domain in the TLB.
     */
    ok = c->unrestricted && (cap & EPT_CAP_INVEPT) &&
         (cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL));
    ok &= vmx_ctl(tr ? MSR_VMX_TRUE_PINBASED_CTLS : MSR_VMX_PINBASED_CTLS,
                  PIN_EXT_INTR | PIN_NMI | PIN_PREEMPT_TIMER,
                  PIN_EXT_INTR | PIN_NMI, &k->pin);
    ok &= vmx_ctl(tr ? MSR_VMX_TRUE_EXIT_CTLS : MSR_VMX_EXIT_CTLS,
                  EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
                      EXIT_SAVE_PAT | EXIT_LOAD_PAT,
                  EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
                      EXIT_SAVE_PAT | EXIT_LOAD_PAT,
                  &k->exit);
    /* IA-32e mode guest is set per entry, from the guest's EFER.LMA. */
    ok &= vmx_ctl(tr ? MSR_VMX_TRUE_ENTRY_CTLS : MSR_VMX_ENTRY_CTLS,
                  ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_IA32E,
                  ENTRY_LOAD_EFER | ENTRY_LOAD_PAT | ENTRY_IA32E, &k->entry);
    k->entry &= ~ENTRY_IA32E;
    ok &= (proc & (PROC_HLT | PROC_UNCOND_IO | PROC_MSR_BITMAPS)) ==
          (PROC_HLT | PROC_UNCOND_IO | PROC_MSR_BITMAPS);
    ok &= hvm_rdmsr_safe(MSR_VMX_CR0_FIXED0, &k->cr0_fixed0) &&
          hvm_rdmsr_safe(MSR_VMX_CR0_FIXED1, &k->cr0_fixed1) &&
          hvm_rdmsr_safe(MSR_VMX_CR4_FIXED0, &k->cr4_fixed0) &&
          hvm_rdmsr_safe(MSR_VMX_CR4_FIXED1, &k->cr4_fixed1);
    c->vmx_ctls = ok;
}

/*
 * The preemption timer bounds each guest run to 1 ms, once the TSC is
 * calibrated (hvm_cpus_init). External-interrupt exiting alone should do:
 * it exits whatever the guest's IF. Bochs 2.7 (make test-vmx) holds the
 * host's timer interrupt back while the guest runs with IF clear, so a
 * `cli` guest never gave the CPU back; the timer makes the scheduler's
 * tick independent of that, at one exit per millisecond.
 */
void vmx_timer_init(void)
{
    u64 misc;

    if (!(vmx_conf.pin & PIN_PREEMPT_TIMER))
        return;
    if (!hvm_rdmsr_safe(MSR_VMX_MISC, &misc) || !tsc_khz) {
        vmx_conf.pin &= ~PIN_PREEMPT_TIMER;
        return;
    }
    vmx_conf.preempt_ticks =
        (u32)MAX(tsc_khz >> VMX_MISC_TIMER_SHIFT(misc), (u64)1);
}

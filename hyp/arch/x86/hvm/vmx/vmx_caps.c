/* SPDX-License-Identifier: GPL-2.0-only */
/* Intel VT-x detection: VMX itself, whether firmware allows it, EPT, VPID. */
#include "lib.h"
#include "asm/hvm.h"
#include "asm/x86.h"

#define MSR_FEATURE_CONTROL 0x3a
#define FEATURE_CONTROL_LOCK (1UL << 0)
#define FEATURE_CONTROL_VMXON (1UL << 2) /* outside SMX */
#define MSR_VMX_PROCBASED_CTLS 0x482
#define MSR_VMX_PROCBASED_CTLS2 0x48b
#define MSR_VMX_EPT_VPID_CAP 0x48c
/* Allowed-1 settings are the MSRs' upper halves. */
#define PROC_ACTIVATE_SECONDARY (1ULL << (32 + 31))
#define PROC2_EPT (1ULL << (32 + 1))
#define PROC2_VPID (1ULL << (32 + 5))
#define PROC2_UNRESTRICTED (1ULL << (32 + 7))
#define EPT_CAP_WALK4 (1ULL << 6)
#define EPT_CAP_WB (1ULL << 14)
#define VPID_CAP_INVVPID (1ULL << 32)

void vmx_detect(struct hvm_caps *c)
{
    u32 a, b, cx, d;
    u64 fc, proc, proc2 = 0, cap = 0;

    cpuid_count(1, 0, &a, &b, &cx, &d);
    c->vmx = cx & (1U << 5);
    if (!c->vmx)
        return;
    /* Locked without the VMXON permission: VMXON would #GP. */
    if (hvm_rdmsr_safe(MSR_FEATURE_CONTROL, &fc) &&
        (fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON))
        c->vmx_locked_off = true;
    if (!hvm_rdmsr_safe(MSR_VMX_PROCBASED_CTLS, &proc) ||
        !(proc & PROC_ACTIVATE_SECONDARY) ||
        !hvm_rdmsr_safe(MSR_VMX_PROCBASED_CTLS2, &proc2))
        return;
    if ((proc2 & (PROC2_EPT | PROC2_VPID)) &&
        !hvm_rdmsr_safe(MSR_VMX_EPT_VPID_CAP, &cap))
        cap = 0;
    /* Usable EPT: a 4-level walk with write-back tables. */
    c->ept = (proc2 & PROC2_EPT) && (cap & EPT_CAP_WALK4) && (cap & EPT_CAP_WB);
    c->vpid = (proc2 & PROC2_VPID) && (cap & VPID_CAP_INVVPID);
    c->unrestricted = c->ept && (proc2 & PROC2_UNRESTRICTED);
}

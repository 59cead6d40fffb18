/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID/MSR policies: the machine's, the PV guests' and each domain's. */
#ifndef ASM_CPU_POLICY_H
#define ASM_CPU_POLICY_H

#include "types.h"

/*
 * Xen 4.17's policy shape: which leaves a policy holds, and so how many
 * entries its serialised form has at most (basic leaves 0-0xd, with 4, 7,
 * 0xb and 0xd held by their subleaves; extended leaves up to 0x80000021).
 */
#define POL_NR_BASIC 14
#define POL_NR_CACHE 6   /* leaf 4 */
#define POL_NR_FEAT 3    /* leaf 7 */
#define POL_NR_TOPO 2    /* leaf 0xb */
#define POL_NR_XSTATE 63 /* leaf 0xd */
#define POL_NR_EXTD_INTEL 9
#define POL_NR_EXTD 34
#define POL_MAX_LEAVES                                                     \
    (POL_NR_BASIC + POL_NR_CACHE - 1 + POL_NR_FEAT - 1 + POL_NR_TOPO - 1 + \
     POL_NR_XSTATE - 1 + POL_NR_EXTD + 2)
#define POL_MAX_MSRS 2 /* MSR_INTEL_PLATFORM_INFO, MSR_ARCH_CAPABILITIES */

#define MSR_INTEL_PLATFORM_INFO 0xce
#define MSR_ARCH_CAPABILITIES 0x10a

struct cpuid_regs {
    u32 a, b, c, d;
};

struct cpu_policy {
    struct cpuid_regs basic[POL_NR_BASIC]; /* [0].a: highest basic leaf */
    struct cpuid_regs cache[POL_NR_CACHE];
    struct cpuid_regs feat[POL_NR_FEAT]; /* [0].a: highest subleaf */
    struct cpuid_regs topo[POL_NR_TOPO];
    struct cpuid_regs xstate[POL_NR_XSTATE];
    struct cpuid_regs extd[POL_NR_EXTD]; /* [0].a: highest extended leaf */
    u32 hv_limit, hv2_limit;             /* 0: the default hypervisor leaves */
    u64 platform_info, arch_caps;
};

/* Errors of a refused policy: Xen's err_leaf, err_subleaf, err_msr. */
struct cpu_policy_err {
    u32 leaf, subleaf, msr;
};

/* Built once at boot, on the boot CPU. */
void cpu_policy_init(void);

/*
 * XEN_SYSCTL_cpu_policy_* index to policy: NULL for an index Vesper has
 * no policy for (HVM), sets *bad for one out of range.
 */
const struct cpu_policy *cpu_policy_system(u32 index, bool *bad);

/* What a new PV domain starts with (the PV default). */
void cpu_policy_domain_init(struct cpu_policy *p);

/*
 * Serialised copies to guest arrays of *nr entries; *nr becomes the count
 * written. -ENOBUFS if the array is too short, -EFAULT.
 */
int cpu_policy_leaves_out(const struct cpu_policy *p, u64 va, u32 *nr);
int cpu_policy_msrs_out(const struct cpu_policy *p, u64 va, u32 *nr);

/*
 * XEN_DOMCTL_set_cpu_policy's merge and audit: the entries over *p, then
 * checked against the PV max policy; *p changes only on success. Feature
 * bits beyond the PV max are dropped, not refused, as Xen does.
 */
int cpu_policy_set(struct cpu_policy *p, u64 leaves, u32 nr_leaves, u64 msrs,
                   u32 nr_msrs, struct cpu_policy_err *err);

/*
 * Xen's hypervisor leaves 0x40000000-0x400000ff (cpuid_hypervisor_leaves):
 * the "XenVMMXenVMM" signature, version 4.17, one hypercall page at MSR
 * 0x40000000, and for a PV guest MMU_PT_UPDATE_PRESERVE_AD. False for a
 * leaf outside that range (*r untouched).
 */
bool cpuid_xen_leaf(u32 leaf, bool pv, struct cpuid_regs *r);

/* The CPUID answer of a policy for leaf/subleaf (zeros out of range). */
void cpu_policy_cpuid(const struct cpu_policy *p, u32 leaf, u32 sub,
                      struct cpuid_regs *r);

/* A CPU's core and socket, from its APIC id and CPUID's topology leaf. */
int cpu_topology(unsigned int cpu, u32 *core, u32 *socket);

#endif

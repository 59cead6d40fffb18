/* SPDX-License-Identifier: GPL-2.0-only */
/* PV debug registers: set/get_debugreg, their context switch and #DB. */
#include "arch.h"
#include "errno.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "asm/debugreg.h"
#include "asm/percpu.h"
#include "asm/x86.h"
#include <public/arch-x86_64.h>

/* The register number must be an immediate, hence one case per register. */
static u64 hw_read_dr(unsigned int reg)
{
    u64 v = 0;

    switch (reg) {
    case 0:
        __asm__ volatile("mov %%db0, %0" : "=r"(v));
        break;
    case 1:
        __asm__ volatile("mov %%db1, %0" : "=r"(v));
        break;
    case 2:
        __asm__ volatile("mov %%db2, %0" : "=r"(v));
        break;
    case 3:
        __asm__ volatile("mov %%db3, %0" : "=r"(v));
        break;
    case 6:
        __asm__ volatile("mov %%db6, %0" : "=r"(v));
        break;
    case 7:
        __asm__ volatile("mov %%db7, %0" : "=r"(v));
        break;
    default:
        BUG();
    }
    return v;
}

/* Callers pass only values validated by pv_set_debugreg: no fault here. */
static void hw_write_dr(unsigned int reg, u64 v)
{
    switch (reg) {
    case 0:
        __asm__ volatile("mov %0, %%db0" ::"r"(v));
        break;
    case 1:
        __asm__ volatile("mov %0, %%db1" ::"r"(v));
        break;
    case 2:
        __asm__ volatile("mov %0, %%db2" ::"r"(v));
        break;
    case 3:
        __asm__ volatile("mov %0, %%db3" ::"r"(v));
        break;
    case 6:
        __asm__ volatile("mov %0, %%db6" ::"r"(v));
        break;
    case 7:
        __asm__ volatile("mov %0, %%db7" ::"r"(v));
        break;
    default:
        BUG();
    }
}

/*
 * A breakpoint may watch guest addresses only: the lower canonical half or
 * above the hypervisor's reserved slots (Xen's __addr_ok). That also keeps
 * non-canonical values, which the CPU would refuse, out of DR0-3.
 */
static bool bp_addr_ok(u64 a)
{
    return a < (1UL << 47) || a >= HYPERVISOR_VIRT_END;
}

void pv_debugregs_load(const struct vcpu *v)
{
    const struct arch_vcpu *a = &v->arch;

    /* Inactive breakpoints stay in the vCPU only, as on Xen. */
    if (!(a->dr7 & DR7_ACTIVE))
        return;
    for (unsigned int i = 0; i < 4; i++)
        hw_write_dr(i, a->dr[i]);
    hw_write_dr(6, a->dr6);
    hw_write_dr(7, a->dr7);
}

void pv_debugregs_unload(const struct vcpu *v)
{
    /* Nobody else may run under this vCPU's breakpoints. */
    if (v->arch.dr7 & DR7_ACTIVE)
        hw_write_dr(7, 0);
}

static bool cr4_de(const struct vcpu *v)
{
    return v->arch.vcr4 & CR4_DE;
}

/*
 * Xen's set_debugreg: -ENODEV for a register that does not exist, -EINVAL
 * for a reserved bit, -EPERM for a valid setting the guest may not use.
 * Everything is checked before the first hardware write.
 */
long pv_set_debugreg(struct vcpu *v, unsigned int reg, u64 value)
{
    bool cur = v == current;
    u32 io = 0;

    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        if (!bp_addr_ok(value))
            return -EPERM;
        v->arch.dr[reg] = value;
        if (cur)
            hw_write_dr(reg, value);
        return 0;
    case 4: /* an alias of DR6 unless CR4.DE */
    case 6:
        if (reg == 4 && cr4_de(v))
            return -ENODEV;
        if (value >> 32)
            return -EINVAL;
        value = (value & ~DR6_RSVD_ZERO) | DR6_DEFAULT;
        v->arch.dr6 = value;
        if (cur)
            hw_write_dr(6, value);
        return 0;
    case 5: /* an alias of DR7 unless CR4.DE */
    case 7:
        if (reg == 5 && cr4_de(v))
            return -ENODEV;
        if (value >> 32)
            return -EINVAL;
        value = (value & ~DR7_RSVD_ZERO) | DR7_DEFAULT;
        /* General detect would trap the hypervisor's own DR accesses. */
        if (value & DR7_GD)
            return -EPERM;
        if (value & DR7_ACTIVE) {
            for (unsigned int i = 0; i < 4; i++) {
                if (((value >> (DR7_RW_SHIFT + 4 * i)) & 3) != DR7_RW_IO)
                    continue;
                /* I/O breakpoints exist only with CR4.DE; they are kept
                 * virtual, the CPU never sees them. */
                if (!cr4_de(v))
                    return -EPERM;
                io |= value & (3u << (2 * i));
            }
            value &= ~(u64)io;
            if (cur && !(v->arch.dr7 & DR7_ACTIVE)) {
                /* Not loaded while DR7 was idle: load them now. */
                for (unsigned int i = 0; i < 4; i++)
                    hw_write_dr(i, v->arch.dr[i]);
                hw_write_dr(6, v->arch.dr6);
            }
        }
        v->arch.dr7_emul = io;
        v->arch.dr7 = value;
        if (cur)
            hw_write_dr(7, value);
        return 0;
    default:
        return -ENODEV;
    }
}

bool pv_get_debugreg(const struct vcpu *v, unsigned int reg, u64 *val)
{
    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        *val = v->arch.dr[reg];
        return true;
    case 4:
    case 6:
        if (reg == 4 && cr4_de(v))
            return false;
        *val = v->arch.dr6;
        return true;
    case 5:
    case 7:
        if (reg == 5 && cr4_de(v))
            return false;
        *val = v->arch.dr7 | v->arch.dr7_emul;
        return true;
    default:
        return false;
    }
}

HYPERCALL2(set_debugreg, int, reg, u64, value)
{
    return pv_set_debugreg(current, (unsigned int)reg, value);
}

HYPERCALL1(get_debugreg, int, reg)
{
    u64 val;

    /* Values with the top bit set come back looking negative, as on Xen. */
    if (!pv_get_debugreg(current, (unsigned int)reg, &val))
        return -ENODEV;
    return (long)val;
}

/* Take the hardware status and leave DR6 at its default for the next #DB. */
static u64 take_dr6(void)
{
    u64 dr6 = hw_read_dr(6);

    hw_write_dr(6, DR6_DEFAULT);
    return dr6;
}

void pv_debug_trap(struct vcpu *v)
{
    u64 dr6 = take_dr6();

    /* Bits that differ from the default are news: set or clear them. */
    v->arch.dr6 |= dr6 & ~DR6_DEFAULT;
    v->arch.dr6 &= dr6 | ~DR6_DEFAULT;
}

/*
 * A guest's breakpoints stay armed while Vesper works for it, so a data
 * breakpoint on a buffer it passed to a hypercall fires in ring 0. Xen
 * notes such a #DB and carries on; the guest never sees it.
 */
bool hyp_debug_trap(struct cpu_regs *regs)
{
    static unsigned int reported;
    u64 dr6 = take_dr6();

    /* Single-step cannot reach ring 0 (FMASK clears TF); never loop on it. */
    regs->rflags &= ~X86_EFLAGS_TF;
    /* An instruction breakpoint is a fault and would fire again forever;
     * guests cannot point one at Vesper, but disarm everything if one hits. */
    if (dr6 & DR6_BP_MASK) {
        u64 dr7 = hw_read_dr(7);

        for (unsigned int i = 0; i < 4; i++)
            if ((dr6 & (1u << i)) && (dr7 & (3u << (2 * i))) &&
                ((dr7 >> (DR7_RW_SHIFT + 4 * i)) & 3) == DR7_RW_EXEC) {
                printk_lvl(LOG_ERR, "instruction breakpoint in Vesper\n");
                hw_write_dr(7, 0);
                break;
            }
    }
    /* Guests can cause this at will: keep the log short. */
    if (reported < 10) {
        reported++;
        printk_lvl(LOG_WARN, "#DB in hypervisor context at %016llx, dr6 %llx\n",
                   (unsigned long long)regs->rip, (unsigned long long)dr6);
    }
    return true;
}

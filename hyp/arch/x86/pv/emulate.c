/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulation of the privileged instructions a PV kernel executes in ring 3. */
#include "errno.h"
#include "guest_access.h"
#include "lib.h"
#include "sched.h"
#include "asm/cpu_policy.h"
#include "asm/debugreg.h"
#include "asm/mm.h"
#include "asm/pv.h"
#include "asm/svm.h"
#include "asm/x86.h"

/*
 * CPUID as a PV guest sees it: Vesper's hypervisor leaves, and for the
 * rest the domain's policy (asm/cpu_policy.h), the one the toolstack reads
 * and sets with get/set_cpu_policy; leaves outside it read as zeros.
 */
static void pv_cpuid(struct vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
                     u32 *d)
{
    struct cpuid_regs r;

    if (!cpuid_xen_leaf(leaf, true, &r))
        cpu_policy_cpuid(&v->domain->arch.cpu_policy, leaf, sub, &r);
    *a = r.a;
    *b = r.b;
    *c = r.c;
    *d = r.d;
}

/* ud2; .ascii "xen"; cpuid */
static const u8 forced_prefix[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };

bool pv_emulate_ud(struct vcpu *v, struct cpu_regs *regs)
{
    u8 insn[sizeof(forced_prefix)];
    u32 a, b, c, d;

    if (copy_from_guest(insn, regs->rip, sizeof(insn)) ||
        memcmp(insn, forced_prefix, sizeof(insn)))
        return false;
    pv_cpuid(v, (u32)regs->rax, (u32)regs->rcx, &a, &b, &c, &d);
    regs->rax = a;
    regs->rbx = b;
    regs->rcx = c;
    regs->rdx = d;
    regs->rip += sizeof(forced_prefix);
    return true;
}

static bool read_msr(struct vcpu *v, u32 msr, u64 *val)
{
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
        /* Live in the CPU: with CR4.FSGSBASE the guest may have moved them. */
        *val = rdmsr(msr);
        return true;
    case MSR_KERNEL_GS_BASE:
        *val =
            v->arch.kernel_mode ? v->arch.gs_base_user : v->arch.gs_base_kernel;
        return true;
    case MSR_PAT:
        *val = VESPER_PAT;
        return true;
    case MSR_APIC_BASE:
        *val = 0xfee00900UL;
        return true;
    case MSR_EFER:
        /* SVME is Vesper's (HVM guests ran here): hidden, as Xen does. */
        *val = rdmsr(MSR_EFER) & ~EFER_SVME;
        return true;
    case 0x10: /* TSC */
        *val = rdtsc();
        return true;
    }
    return false;
}

static bool write_msr(struct vcpu *v, u32 msr, u64 val)
{
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE:
        if (!is_canonical(val))
            return false;
        if (msr == MSR_FS_BASE) {
            v->arch.fs_base = val;
            wrmsr(MSR_FS_BASE, val);
        } else if ((msr == MSR_GS_BASE) == v->arch.kernel_mode) {
            v->arch.gs_base_kernel = val;
            if (v->arch.kernel_mode)
                wrmsr(MSR_GS_BASE, val);
        } else {
            v->arch.gs_base_user = val;
            if (!v->arch.kernel_mode)
                wrmsr(MSR_GS_BASE, val);
        }
        return true;
    case MSR_EFER:
        return val == (rdmsr(MSR_EFER) & ~EFER_SVME);
    }
    return false;
}

static bool host_has_fsgsbase(void)
{
    u32 a, b, c, d;

    cpuid_count(0, 0, &a, &b, &c, &d);
    if (a < 7)
        return false;
    cpuid_count(7, 0, &a, &b, &c, &d);
    return b & 1;
}

/*
 * Xen's PV CR4: the guest chooses TSD, DE and (when the CPU has it)
 * FSGSBASE; PAE, MCE, OSFXSR and OSXMMEXCPT mirror the hardware; other
 * bits are dropped silently. FSGSBASE also reaches the hardware, so the
 * guest's rd/wr{fs,gs}base work (arch_run_vcpu reloads it per vCPU).
 */
static void pv_write_cr4(struct vcpu *v, u64 val)
{
    u64 mine = CR4_TSD | CR4_DE | (host_has_fsgsbase() ? CR4_FSGSBASE : 0);
    u64 hw = read_cr4();

    v->arch.vcr4 =
        (val & mine) | (hw & (CR4_PAE | CR4_MCE | CR4_OSFXSR | CR4_OSXMMEXCPT));
    write_cr4((hw & ~CR4_FSGSBASE) | (v->arch.vcr4 & CR4_FSGSBASE));
}

/*
 * mov to/from %dr0-%dr7 as Xen emulates it: a register that does not exist
 * (DR8-15 through REX.R, DR4/5 under CR4.DE) is #UD, a refused value #GP(0)
 * (the caller's false). The r/m operand is always a register here.
 */
static bool pv_emulate_mov_dr(struct vcpu *v, struct cpu_regs *regs,
                              const u8 *op, unsigned int rex, unsigned int ilen)
{
    unsigned int dr = ((op[1] >> 3) & 7) | ((rex & 4) ? 8 : 0);
    u64 *r = pv_gpr(regs, (op[1] & 7) | ((rex & 1) ? 8 : 0));
    long rc = 0;
    u64 val;

    if (op[0] == 0x21) {
        if (!pv_get_debugreg(v, dr, &val))
            rc = -ENODEV;
        else
            *r = val;
    } else {
        rc = pv_set_debugreg(v, dr, *r);
    }
    if (rc == -ENODEV) {
        pv_inject_trap(v, regs, TRAP_UD, -1);
        return true;
    }
    if (rc)
        return false;
    regs->rip += ilen;
    return true;
}

/* Decode one ModRM register operand of mov to/from CR. */
u64 *pv_gpr(struct cpu_regs *regs, unsigned int r)
{
    u64 *map[16] = {
        &regs->rax, &regs->rcx, &regs->rdx, &regs->rbx, &regs->rsp, &regs->rbp,
        &regs->rsi, &regs->rdi, &regs->r8,  &regs->r9,  &regs->r10, &regs->r11,
        &regs->r12, &regs->r13, &regs->r14, &regs->r15,
    };
    return map[r & 15];
}

/*
 * Xen's rule: the guest kernel counts as ring 1 (ring 0 under the
 * architectural_iopl assist) and may do port I/O when that ring is within
 * its virtual IOPL. Only kernel mode gets here.
 */
static bool iopl_ok(const struct vcpu *v)
{
    unsigned int cpl =
        (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl)) ? 0
                                                                         : 1;

    return cpl <= v->arch.iopl;
}

/*
 * in/out with an immediate or %dx port, after the IOPL check: the value
 * comes from (or goes to) pv_io_read/pv_io_write, which decide what the
 * domain may reach. A byte or word read merges into RAX and a dword read
 * zero-extends, as the CPU writes them.
 */
static bool pv_emulate_io(struct vcpu *v, struct cpu_regs *regs, u8 op, u8 imm,
                          bool opsz16, unsigned int len)
{
    unsigned int port = (op & 8) ? (u16)regs->rdx : imm;
    unsigned int size = !(op & 1) ? 1 : opsz16 ? 2 : 4;
    u32 val;

    if (op & 2) {
        pv_io_write(v->domain, port, size, (u32)regs->rax);
    } else {
        val = pv_io_read(v->domain, port, size);
        if (size == 1)
            regs->rax = (regs->rax & ~0xffUL) | (val & 0xff);
        else if (size == 2)
            regs->rax = (regs->rax & ~0xffffUL) | (val & 0xffff);
        else
            regs->rax = val;
    }
    regs->rip += len + ((op & 8) ? 1 : 2);
    return true;
}

/* Iterations of one rep ins/outs done per trap; the guest re-executes. */
#define STRING_IO_BATCH 1024

/* The first byte of [va, va + len) that a copy faults on. */
static u64 fault_byte(u64 va, void *buf, unsigned int len, bool to_guest)
{
    for (unsigned int i = 0; i < len; i++) {
        u8 *b = (u8 *)buf + i;

        if (to_guest ? copy_to_guest(va + i, b, 1)
                     : copy_from_guest(b, va + i, 1))
            return va + i;
    }
    return va;
}

/* A #PF the way Xen's emulator raises one: cr2 and the access kind. */
static void string_io_fault(struct vcpu *v, struct cpu_regs *regs, u64 va,
                            bool write)
{
    v->arch.cr2 = va;
    v->vcpu_info->arch.cr2 = va;
    pv_inject_trap(v, regs, TRAP_PF, write ? PFEC_WRITE : 0);
}

/*
 * ins/outs (with rep, 0x66, 0x67 and segment prefixes), emulated as Xen
 * does: one element at a time through pv_io_read/pv_io_write, memory at
 * ES:RDI (ins) or DS:RSI (outs, FS/GS overrides honoured), stepping by
 * the element size backwards under EFLAGS.DF. A faulting element raises
 * #PF with RCX and the index register at that element, a non-canonical
 * address #GP. A long rep stops after a batch with RIP on the
 * instruction, so the guest traps again and continues. Returns -1 if
 * insn is not a string I/O instruction, else whether it was handled.
 */
static int pv_emulate_string_io(struct vcpu *v, struct cpu_regs *regs,
                                const u8 *insn, unsigned int max)
{
    unsigned int len = 0, size = 4, seg = 0;
    bool rep = false, a32 = false, in;
    u64 base = 0, count, *idx;
    u64 step;

    for (; len < max; len++) {
        u8 b = insn[len];

        if (b == 0x66)
            size = 2;
        else if (b == 0x67)
            a32 = true;
        else if (b == 0xf3 || b == 0xf2)
            rep = true;
        else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
                 b == 0x64 || b == 0x65)
            seg = b;
        else if ((b & 0xf0) != 0x40)
            break;
    }
    if (len >= max || (insn[len] & 0xfc) != 0x6c)
        return -1;
    if (!iopl_ok(v))
        return 0;
    if (!(insn[len] & 1))
        size = 1;
    in = !(insn[len] & 2);
    idx = in ? &regs->rdi : &regs->rsi;
    /* ins always writes ES (base 0); outs reads DS or an override. */
    if (!in && seg == 0x64)
        base = rdmsr(MSR_FS_BASE);
    else if (!in && seg == 0x65)
        base = rdmsr(MSR_GS_BASE);
    count = rep ? (a32 ? (u32)regs->rcx : regs->rcx) : 1;
    step = (regs->rflags & X86_EFLAGS_DF) ? -(u64)size : size;
    for (unsigned int n = 0; count && n < STRING_IO_BATCH; n++) {
        u64 off = a32 ? (u32)*idx : *idx;
        u64 va = base + off;
        u32 val = 0;

        if (!is_canonical(va) || !is_canonical(va + size - 1))
            return 0;
        if (in) {
            val = pv_io_read(v->domain, (u16)regs->rdx, size);
            if (copy_to_guest(va, &val, size)) {
                string_io_fault(v, regs, fault_byte(va, &val, size, true),
                                true);
                return 1;
            }
        } else {
            if (copy_from_guest(&val, va, size)) {
                string_io_fault(v, regs, fault_byte(va, &val, size, false),
                                false);
                return 1;
            }
            pv_io_write(v->domain, (u16)regs->rdx, size, val);
        }
        *idx = a32 ? (u32)(off + step) : off + step;
        count--;
        if (rep)
            regs->rcx = a32 ? (u32)count : count;
    }
    if (!count)
        regs->rip += len + 1;
    return 1;
}

bool pv_emulate_gp(struct vcpu *v, struct cpu_regs *regs)
{
    u8 insn[16];
    unsigned int len = 0, rex = 0;
    bool opsz16 = false;
    u64 val;

    /* int $n through a DPL-0 gate: deliver if the guest's table allows. */
    if ((regs->error_code & 3) == 2) {
        unsigned int vec = regs->error_code >> 3;
        const struct trap_info *ti = &v->arch.trap_ctxt[vec & 255];
        unsigned int need = v->arch.kernel_mode ? 1 : 3;

        if (ti->address && TI_GET_DPL(ti) >= need) {
            regs->rip += 2;
            pv_bounce(v, regs, ti->address, -1, TI_GET_IF(ti));
            return true;
        }
        return false;
    }
    if (regs->error_code || !v->arch.kernel_mode)
        return false;
    /* The CPU fetched it to raise #GP, so what precedes a fault is real. */
    memset(insn, 0, sizeof(insn));
    for (unsigned int i = 0; i < sizeof(insn); i++)
        if (copy_from_guest(&insn[i], regs->rip + i, 1))
            break;
    switch (pv_emulate_string_io(v, regs, insn, sizeof(insn))) {
    case 0:
        return false;
    case 1:
        return true;
    default:
        break;
    }
    /* Operand-size prefixes, then REX (only last counts, as on the CPU). */
    while (len < 4 && (insn[len] == 0x66 || (insn[len] & 0xf0) == 0x40)) {
        if (insn[len] == 0x66)
            opsz16 = true, rex = 0;
        else
            rex = insn[len];
        len++;
    }
    switch (insn[len]) {
    case 0xfa: /* cli / sti: no-ops under virtual IOPL */
    case 0xfb:
        if (!iopl_ok(v))
            return false;
        regs->rip += len + 1;
        return true;
    case 0xe4:
    case 0xe5:
    case 0xec:
    case 0xed: /* in */
        if (!iopl_ok(v))
            return false;
        return pv_emulate_io(v, regs, insn[len], insn[len + 1], opsz16, len);
    case 0xe6:
    case 0xe7:
    case 0xee:
    case 0xef: /* out */
        if (!iopl_ok(v))
            return false;
        return pv_emulate_io(v, regs, insn[len], insn[len + 1], opsz16, len);
    case 0x0f:
        break;
    default:
        return false;
    }
    switch (insn[len + 1]) {
    case 0x30: /* wrmsr */
        if (!write_msr(v, (u32)regs->rcx, (regs->rdx << 32) | (u32)regs->rax))
            return false;
        regs->rip += len + 2;
        return true;
    case 0x32: /* rdmsr */
        if (!read_msr(v, (u32)regs->rcx, &val))
            return false;
        regs->rax = (u32)val;
        regs->rdx = val >> 32;
        regs->rip += len + 2;
        return true;
    case 0x21: /* mov %drN, reg */
    case 0x23: /* mov reg, %drN */
        return pv_emulate_mov_dr(v, regs, &insn[len + 1], rex, len + 3);
    case 0x20:   /* mov %crN, reg */
    case 0x22: { /* mov reg, %crN */
        u8 modrm = insn[len + 2];
        unsigned int cr = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
        u64 *r = pv_gpr(regs, (modrm & 7) | ((rex & 1) ? 8 : 0));

        if ((modrm >> 6) != 3)
            return false;
        if (insn[len + 1] == 0x20) {
            switch (cr) {
            case 0:
                *r = (read_cr0() & ~CR0_TS) | (v->arch.fpu_ts ? CR0_TS : 0);
                break;
            case 2:
                *r = v->arch.cr2;
                break;
            case 3:
                *r = (v->arch.kernel_mode ? v->arch.guest_table
                                          : v->arch.guest_table_user)
                     << PAGE_SHIFT;
                break;
            case 4:
                *r = v->arch.vcr4;
                break;
            default:
                return false;
            }
        } else {
            switch (cr) {
            case 0:
                if ((*r ^ read_cr0()) & ~CR0_TS)
                    return false;
                v->arch.fpu_ts = *r & CR0_TS;
                write_cr0(v->arch.fpu_ts ? read_cr0() | CR0_TS
                                         : read_cr0() & ~CR0_TS);
                break;
            case 2:
                v->arch.cr2 = *r;
                break;
            case 4:
                pv_write_cr4(v, *r);
                break;
            default:
                return false;
            }
        }
        regs->rip += len + 3;
        return true;
    }
    default:
        return false;
    }
}

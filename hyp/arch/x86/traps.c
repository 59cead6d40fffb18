/* SPDX-License-Identifier: GPL-2.0-only */
/* Exceptions and interrupts: from guests (bounce/emulate) and from Vesper (fixup or dump). */
#include "arch.h"
#include "lib.h"
#include "sched.h"
#include "asm/cpu.h"
#include "asm/debugreg.h"
#include "asm/percpu.h"
#include "asm/pv.h"
#include "asm/ipi.h"
#include "asm/x86.h"

struct ex_entry {
    u64 insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];
/* Instructions whose faults are the guest's (its frame on the way out). */
extern const struct ex_entry __ex_guest_table_start[], __ex_guest_table_end[];
extern char _image_start[], _etext[];

static const char *const vec_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static const char *vec_name(unsigned int vec)
{
    if (vec < 32 && vec_names[vec])
        return vec_names[vec];
    return vec == ENTRY_SYSCALL ? "syscall" : "irq";
}

void dump_regs(const struct cpu_regs *r)
{
    printk("RIP: %04llx:%016llx  RFLAGS: %016llx  vector %u (%s) error %08x\n",
           (unsigned long long)r->cs, (unsigned long long)r->rip,
           (unsigned long long)r->rflags, r->entry_vector,
           vec_name(r->entry_vector), r->error_code);
    printk("RAX: %016llx RBX: %016llx RCX: %016llx\n",
           (unsigned long long)r->rax, (unsigned long long)r->rbx,
           (unsigned long long)r->rcx);
    printk("RDX: %016llx RSI: %016llx RDI: %016llx\n",
           (unsigned long long)r->rdx, (unsigned long long)r->rsi,
           (unsigned long long)r->rdi);
    printk("RBP: %016llx RSP: %016llx R8:  %016llx\n",
           (unsigned long long)r->rbp, (unsigned long long)r->rsp,
           (unsigned long long)r->r8);
    printk("R9:  %016llx R10: %016llx R11: %016llx\n",
           (unsigned long long)r->r9, (unsigned long long)r->r10,
           (unsigned long long)r->r11);
    printk("R12: %016llx R13: %016llx R14: %016llx\n",
           (unsigned long long)r->r12, (unsigned long long)r->r13,
           (unsigned long long)r->r14);
    printk("R15: %016llx SS: %04llx CR2: %016llx CR3: %016llx\n",
           (unsigned long long)r->r15, (unsigned long long)r->ss,
           (unsigned long long)read_cr2(), (unsigned long long)read_cr3());
}

/* The embedded symbol table (scripts/gensyms.sh): sorted text symbols. */
extern const struct {
    u64 count;
    struct {
        u64 addr;
        const char *name;
    } sym[];
} vesper_syms;

static void print_addr(u64 a)
{
    u64 lo = 0, hi = vesper_syms.count;

    /* Largest symbol address <= a. */
    while (lo < hi) {
        u64 mid = (lo + hi) / 2;

        if (vesper_syms.sym[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || a >= (u64)(uintptr_t)_etext) {
        printk("  [<%016llx>]\n", (unsigned long long)a);
        return;
    }
    printk("  [<%016llx>] %s+0x%llx\n", (unsigned long long)a,
           vesper_syms.sym[lo - 1].name,
           (unsigned long long)(a - vesper_syms.sym[lo - 1].addr));
}

/* Walk the frame-pointer chain, staying inside this CPU's block. */
static void stack_trace(u64 rbp)
{
    u64 lo = (u64)(uintptr_t)get_cpu_info() & ~(u64)(PCPU_BLOCK_SIZE - 1);
    u64 hi = lo + PCPU_BLOCK_SIZE;

    printk("Stack trace:\n");
    for (int depth = 0; depth < 32 && rbp >= lo && rbp + 16 <= hi && !(rbp & 7);
         depth++) {
        u64 ret = ((u64 *)(uintptr_t)rbp)[1];

        if (!ret)
            break;
        print_addr(ret);
        rbp = ((u64 *)(uintptr_t)rbp)[0];
    }
}

void arch_dump_stack(void)
{
    stack_trace((u64)(uintptr_t)__builtin_frame_address(0));
}

/*
 * Interrupts do the least they can: flushes are answered at once, all else
 * becomes a softirq handled under the big lock.
 */
static void interrupt(unsigned int vec)
{
    switch (vec) {
    case VEC_TIMER:
        this_cpu()->timer_ticks++;
        raise_softirq(SOFTIRQ_TIMER);
        break;
    case VEC_FLUSH:
        flush_ipi_handler();
        break;
    case VEC_SPURIOUS:
        return;
    default:
        break;
    }
    lapic_eoi();
}

/*
 * An instruction that loads guest-supplied state (the iretq to the guest)
 * faulted: what the CPU refused is the guest's selector, RIP or RSP, so
 * the exception is the guest's. Record it and resume at the fix-up, which
 * delivers it as Xen does (the guest's handler sees the frame it asked
 * iret for, with the hardware's error code).
 */
static bool guest_state_fault(struct cpu_regs *regs, bool ldt_pf)
{
    unsigned int vec = regs->entry_vector;
    size_t nr =
        ((uintptr_t)__ex_guest_table_end - (uintptr_t)__ex_guest_table_start) /
        sizeof(struct ex_entry);

    if (vec != TRAP_GP && vec != TRAP_NP && vec != TRAP_SS &&
        !(vec == TRAP_PF && ldt_pf))
        return false;
    for (size_t i = 0; i < nr; i++) {
        const struct ex_entry *e = &__ex_guest_table_start[i];

        if (e->insn == regs->rip) {
            this_cpu()->guest_fault_vec = vec;
            this_cpu()->guest_fault_ec = regs->error_code;
            regs->rip = e->fixup;
            return true;
        }
    }
    return false;
}

/* entry.S's iret_fault_fixup: the guest frame is rebuilt in regs. */
void guest_iret_fault(struct cpu_regs *regs);
void guest_iret_fault(struct cpu_regs *regs)
{
    struct vcpu *v = current;
    struct percpu *pc = this_cpu();

    BUG_ON(regs != guest_cpu_regs());
    clac();
    hyp_lock();
    regs->entry_vector = pc->guest_fault_vec;
    regs->error_code = pc->guest_fault_ec;
    if (regs->entry_vector == TRAP_PF) {
        v->arch.cr2 = pc->guest_fault_cr2;
        v->vcpu_info->arch.cr2 = v->arch.cr2;
    }
    printk_lvl(LOG_DEBUG,
               "d%u v%u: return to guest faulted (%s %x) cs %llx ss %llx "
               "rip %llx rsp %llx\n",
               v->domain->domain_id, v->vcpu_id, vec_name(regs->entry_vector),
               regs->error_code, (unsigned long long)regs->cs,
               (unsigned long long)regs->ss, (unsigned long long)regs->rip,
               (unsigned long long)regs->rsp);
    pv_inject_trap(v, regs, regs->entry_vector, (long)regs->error_code);
}

/*
 * Vesper loading a guest selector (the iretq to the guest, a data segment
 * load) touched an LDT page not mapped yet: map it and retry (1), or, if
 * the guest's page cannot be one, leave the fault to the fix-ups (-1:
 * the guest gets a #PF at the LDT address, as from Xen). 0: not the LDT.
 */
static int hyp_ldt_fault(struct cpu_regs *regs)
{
    struct percpu *pc = this_cpu();
    bool locked = hyp_locked_by_me();
    u64 gva;
    u32 ec;
    int r;

    if (!current)
        return 0;
    /* The exit path has let the big lock go before its iretq. */
    if (!locked)
        hyp_lock();
    r = pv_ldt_fault(current, read_cr2(), &gva, &ec);
    if (!locked)
        hyp_unlock();
    if (r >= 0)
        return r;
    pc->guest_fault_cr2 = gva;
    return -1;
}

/* A fault inside Vesper itself: fix up a guest-memory access, or die. */
void hyp_trap_c(struct cpu_regs *regs);
void hyp_trap_c(struct cpu_regs *regs)
{
    unsigned int vec = regs->entry_vector;
    bool ldt_pf = false;

    if (vec >= 32) {
        interrupt(vec);
        return;
    }
    if (vec == TRAP_NMI) {
        printk_lvl(LOG_WARN, "NMI received; ignoring\n");
        return;
    }
    if (vec == TRAP_DB && hyp_debug_trap(regs))
        return;
    if (vec == TRAP_PF) {
        int r = hyp_ldt_fault(regs);

        if (r > 0)
            return;
        ldt_pf = r < 0;
    }
    if (guest_state_fault(regs, ldt_pf))
        return;
    /* Linker-defined bounds: compare addresses, not unrelated arrays. */
    size_t nr_ex = ((uintptr_t)__ex_table_end - (uintptr_t)__ex_table_start) /
                   sizeof(struct ex_entry);

    for (size_t i = 0; i < nr_ex; i++) {
        const struct ex_entry *e = &__ex_table_start[i];

        /*
         * Selector loads (load_sel_safe) fault with #NP for a not-present
         * descriptor as well as #GP; Xen's fix-ups take every exception.
         */
        if (e->insn == regs->rip && (vec == TRAP_PF || vec == TRAP_GP ||
                                     vec == TRAP_NP || vec == TRAP_SS)) {
            regs->rip = e->fixup;
            return;
        }
    }
    printk("\n*** Vesper fatal %s in hypervisor context ***\n", vec_name(vec));
    dump_regs(regs);
    printk("Faulting instruction:\n");
    print_addr(regs->rip);
    stack_trace(regs->rbp);
    panic("unexpected %s at %016llx", vec_name(vec),
          (unsigned long long)regs->rip);
}

/* entry.S: where a frame from ring 3 belongs (see common_entry). */
struct cpu_regs *guest_frame_home(struct cpu_regs *regs);
struct cpu_regs *guest_frame_home(struct cpu_regs *regs)
{
    struct cpu_regs *home = guest_cpu_regs();

    if (regs != home)
        *home = *regs;
    return home;
}

/* Everything from ring 3 except syscall: guest exceptions and interrupts. */
void guest_trap(struct cpu_regs *regs);
void guest_trap(struct cpu_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vec = regs->entry_vector;

    clac();
    if (vec >= 32)
        interrupt(vec);
    hyp_lock();
    if (vec >= 32)
        return;
    switch (vec) {
    case TRAP_NMI:
        printk_lvl(LOG_WARN, "NMI while a guest ran; ignoring\n");
        return;
    case TRAP_MC:
    case TRAP_DF:
        dump_regs(regs);
        panic("%s while running a guest", vec_name(vec));
    case TRAP_UD:
        if (pv_emulate_ud(v, regs))
            return;
        break;
    case TRAP_GP:
        if (pv_emulate_gp(v, regs))
            return;
        break;
    case TRAP_DB:
        pv_debug_trap(v);
        break;
    case TRAP_NM:
        /* Virtual CR0.TS: the first FPU use after fpu_taskswitch(1). */
        clts();
        if (!v->arch.fpu_ts)
            return;
        v->arch.fpu_ts = false;
        break;
    case TRAP_PF: {
        u64 gva;
        u32 ec;
        int r = pv_ldt_fault(v, read_cr2(), &gva, &ec);

        /* An LDT page on first use (Xen's handle_ldt_mapping_fault). */
        if (r > 0)
            return;
        if (r == -2) {
            pv_inject_trap(v, regs, TRAP_GP, ec);
            return;
        }
        if (r == -1) {
            v->arch.cr2 = gva;
            v->vcpu_info->arch.cr2 = gva;
            pv_inject_trap(v, regs, TRAP_PF, (long)regs->error_code);
            return;
        }
        if (pv_ptwr_fault(v, regs, read_cr2()))
            return;
        v->arch.cr2 = read_cr2();
        v->vcpu_info->arch.cr2 = v->arch.cr2;
        /* U/S means guest user mode, not CPL 3. */
        if (v->arch.kernel_mode)
            regs->error_code &= ~PFEC_USER;
        break;
    }
    default:
        break;
    }
    pv_inject_trap(v, regs, vec,
                   (vec == TRAP_DF || (vec >= TRAP_TS && vec <= TRAP_PF) ||
                    vec == TRAP_AC || vec == TRAP_CP)
                       ? (long)regs->error_code
                       : -1);
}

/*
 * Last C code before returning to ring 3: if the running domain stopped,
 * pick something else. Returns the frame entry.S restores.
 */
struct cpu_regs *guest_exit(struct cpu_regs *regs);
struct cpu_regs *guest_exit(struct cpu_regs *regs)
{
    struct vcpu *v = current;

    do_softirqs();
    if (!v || v->domain->state != DOM_RUNNING || !vcpu_runnable(v))
        schedule();
    pv_deliver_events(v, regs);
    if (v->domain->state != DOM_RUNNING)
        schedule();
    /* Never hand ring 0 privileges or IOPL to a guest. */
    regs->cs |= 3;
    regs->ss |= 3;
    regs->rflags =
        (regs->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT)) |
        X86_EFLAGS_IF | X86_EFLAGS_MBS;
    /*
     * A non-canonical RIP or RSP is the guest's to fault on: iretq refuses
     * the RIP with a #GP that iret_to_guest's fix-up hands to the guest,
     * and the RSP faults at the guest's first stack access (as on Xen).
     */
    hyp_unlock();
    return regs;
}

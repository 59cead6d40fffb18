/* SPDX-License-Identifier: GPL-2.0-only */
/* x86-only PV hypercalls: traps, callbacks, stacks, segment bases, FPU. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "asm/cpu.h"
#include "asm/debugreg.h"
#include "asm/mm.h"
#include "asm/pagetype.h"
#include "asm/percpu.h"
#include "asm/pv.h"
#include "asm/x86.h"
#include <public/callback.h>

static bool guest_code_ok(u64 addr)
{
    return addr == 0 || (is_canonical(addr) && guest_range_ok(addr, 1));
}

/* Copy in the whole table first so a bad entry changes nothing. */
HYPERCALL1(set_trap_table, u64, traps)
{
    struct vcpu *v = current;
    struct trap_info t;
    struct trap_info table[256];
    unsigned int n = 0;

    if (!traps) {
        memset(v->arch.trap_ctxt, 0, sizeof(v->arch.trap_ctxt));
        return 0;
    }
    memcpy(table, v->arch.trap_ctxt, sizeof(table));
    for (;; n++) {
        if (copy_from_guest(&t, traps + n * sizeof(t), sizeof(t)))
            return -EFAULT;
        if (!t.address)
            break;
        if (!guest_code_ok(t.address))
            return -EINVAL;
        table[t.vector] = t;
        if (n > 4096)
            return -EINVAL; /* no terminator */
    }
    memcpy(v->arch.trap_ctxt, table, sizeof(table));
    return 0;
}

static int register_callback(struct vcpu *v, unsigned int type, u64 addr,
                             unsigned int flags)
{
    struct callback *cb;

    if (!guest_code_ok(addr))
        return -EINVAL;
    switch (type) {
    case CALLBACKTYPE_event:
        cb = &v->arch.event_cb;
        break;
    case CALLBACKTYPE_failsafe:
        cb = &v->arch.failsafe_cb;
        break;
    case CALLBACKTYPE_syscall:
        cb = &v->arch.syscall_cb;
        break;
    case CALLBACKTYPE_syscall32:
        cb = &v->arch.syscall32_cb;
        break;
    case CALLBACKTYPE_sysenter:
        cb = &v->arch.sysenter_cb;
        break;
    case CALLBACKTYPE_nmi:
        return addr ? 0 : -EINVAL; /* accepted; no NMIs are forwarded yet */
    default:
        return -EINVAL;
    }
    cb->address = addr;
    cb->flags = flags;
    return 0;
}

HYPERCALL3(set_callbacks, u64, event, u64, failsafe, u64, syscall)
{
    struct vcpu *v = current;

    if (!guest_code_ok(event) || !guest_code_ok(failsafe) ||
        !guest_code_ok(syscall))
        return -EINVAL;
    register_callback(v, CALLBACKTYPE_event, event, 0);
    register_callback(v, CALLBACKTYPE_failsafe, failsafe, 0);
    register_callback(v, CALLBACKTYPE_syscall, syscall, CALLBACKF_mask_events);
    return 0;
}

HYPERCALL2(callback_op, unsigned int, cmd, u64, arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case CALLBACKOP_register: {
        struct callback_register r;

        if (copy_from_guest(&r, arg, sizeof(r)))
            return -EFAULT;
        return register_callback(v, r.type, r.address, r.flags);
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister u;

        if (copy_from_guest(&u, arg, sizeof(u)))
            return -EFAULT;
        if (u.type == CALLBACKTYPE_event || u.type == CALLBACKTYPE_failsafe)
            return -EINVAL; /* Xen refuses these too: no way back */
        return register_callback(v, u.type, 0, 0);
    }
    default:
        return -ENOSYS;
    }
}

HYPERCALL2(stack_switch, u64, ss, u64, sp)
{
    struct vcpu *v = current;

    /*
     * As Xen: the RPL is raised to the guest kernel's (3) and the call never
     * fails. Linux passes __KERNEL_DS (RPL 0). A bad stack pointer is the
     * guest's to fault on when the next bounce frame cannot be written.
     */
    v->arch.kernel_ss = pv_fixup_sel(ss);
    v->arch.kernel_sp = sp;
    return 0;
}

HYPERCALL2(set_segment_base, unsigned int, which, u64, base)
{
    struct vcpu *v = current;

    if (which != SEGBASE_GS_USER_SEL && !is_canonical(base))
        return -EINVAL;
    switch (which) {
    case SEGBASE_FS:
        v->arch.fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_USER:
        v->arch.gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        v->arch.gs_base_kernel = base;
        wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL: {
        /*
         * Load the user GS selector from the guest's GDT/LDT, as Xen does:
         * RPL 3 for a non-null selector, null if the CPU refuses it (the
         * call still answers 0: Linux BUG()s on an error), and the user
         * base becomes the descriptor's. The kernel's base stays active.
         */
        u16 sel = (u16)base;

        if (sel > 3)
            sel |= 3;
        if (!load_sel_safe(3, sel))
            sel = 0;
        v->arch.gs = sel;
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
        wrmsr(MSR_GS_BASE, v->arch.gs_base_kernel);
        return 0;
    }
    default:
        return -EINVAL;
    }
}

HYPERCALL1(fpu_taskswitch, int, set)
{
    struct vcpu *v = current;

    v->arch.fpu_ts = set != 0;
    write_cr0(set ? read_cr0() | CR0_TS : read_cr0() & ~CR0_TS);
    return 0;
}

/* Show v's descriptor frames in this CPU's GDT window (v is running). */
void pv_load_gdt(struct vcpu *v)
{
    for (unsigned int i = 0; i < GUEST_GDT_PAGES; i++)
        gdt_map_page(i, v->arch.gdt_frames[i] ? v->arch.gdt_frames[i]
                                              : gdt_zero_mfn);
    ldt_load(v->arch.ldt_frames, v->arch.ldt_ents);
}

/* Drop the references the vCPU's guest GDT frames hold. */
void pv_destroy_gdt(struct vcpu *v, struct pv_mm_ctx *c)
{
    for (unsigned int i = 0; i < GUEST_GDT_PAGES; i++) {
        if (v->arch.gdt_frames[i])
            put_page_and_type(mfn_to_page(v->arch.gdt_frames[i]), c);
        v->arch.gdt_frames[i] = 0;
    }
    v->arch.gdt_ents = 0;
    pv_drop_ldt(v, c);
}

void pv_unmap_ldt(struct vcpu *v, struct pv_mm_ctx *c)
{
    bool mapped = false;

    for (unsigned int i = 0; i < 16; i++) {
        if (v->arch.ldt_frames[i]) {
            put_page_and_type(mfn_to_page(v->arch.ldt_frames[i]), c);
            mapped = true;
        }
        v->arch.ldt_frames[i] = 0;
    }
    /* The window must not show a frame the vCPU no longer holds. */
    if (mapped && v == current)
        ldt_load(v->arch.ldt_frames, v->arch.ldt_ents);
}

void pv_drop_ldt(struct vcpu *v, struct pv_mm_ctx *c)
{
    pv_unmap_ldt(v, c);
    v->arch.ldt_base = 0;
    v->arch.ldt_ents = 0;
}

/*
 * The guest's descriptor table: up to 14 frames, each typed as a
 * descriptor page (validated: no call gates into Vesper, DPL fixed up),
 * so the guest can no longer write them except through update_descriptor.
 */
static int pv_set_gdt(struct vcpu *v, const mfn_t *frames, unsigned int entries)
{
    struct domain *d = v->domain;
    unsigned int nr = (entries + 511) / 512, i;
    struct pv_mm_ctx c;
    int rc = 0;

    pv_mm_ctx_init(&c, d, NULL);
    for (i = 0; i < nr; i++) {
        if (!mfn_valid(frames[i]) ||
            get_page_and_type(mfn_to_page(frames[i]), d, PGT_seg_desc, &c)) {
            rc = -EINVAL;
            break;
        }
    }
    if (rc) {
        while (i--)
            put_page_and_type(mfn_to_page(frames[i]), &c);
        return rc;
    }
    pv_destroy_gdt(v, &c);
    for (i = 0; i < nr; i++)
        v->arch.gdt_frames[i] = frames[i];
    v->arch.gdt_ents = entries;
    if (v == current)
        pv_load_gdt(v);
    if (c.flush)
        write_cr3(read_cr3());
    return 0;
}

HYPERCALL2(set_gdt, u64, frame_list, unsigned int, entries)
{
    unsigned int nr = (entries + 511) / 512;
    mfn_t frames[GUEST_GDT_PAGES];

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    if (nr && copy_from_guest(frames, frame_list, nr * sizeof(frames[0])))
        return -EFAULT;
    return pv_set_gdt(current, frames, entries);
}

bool pv_addr_ok(u64 va)
{
    return va < (1UL << 47) || va >= HYPERVISOR_VIRT_END;
}

static bool same_tables(const struct arch_vcpu *a,
                        const struct vcpu_guest_context *g)
{
    unsigned int nr = (unsigned int)(g->gdt_ents + 511) / 512;

    if (g->ctrlreg[3] != (u64)a->guest_table << PAGE_SHIFT)
        return false;
    if (a->guest_table_user
            ? g->ctrlreg[1] != (u64)a->guest_table_user << PAGE_SHIFT
            : g->ctrlreg[1] || !(g->flags & VGCF_in_kernel))
        return false;
    if (g->gdt_ents != a->gdt_ents)
        return false;
    for (unsigned int i = 0; i < nr; i++)
        if (g->gdt_frames[i] != a->gdt_frames[i])
            return false;
    if (g->ldt_ents != a->ldt_ents)
        return false;
    return !a->ldt_ents || g->ldt_base == a->ldt_base;
}

/*
 * VCPUOP_initialise: a stopped vCPU gets its whole register context, as
 * Xen's arch_set_info_guest does for 64-bit PV. Checks first; the page
 * references are taken last and only then is anything changed.
 */
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *g)
{
    struct domain *d = v->domain;
    struct arch_vcpu *a = &v->arch;
    mfn_t l4 = g->ctrlreg[3] >> PAGE_SHIFT, ul4 = g->ctrlreg[1] >> PAGE_SHIFT;
    mfn_t frames[GUEST_GDT_PAGES];
    struct pv_mm_ctx c;
    int rc;

    /* Xen's order and answers: every refusal here is -EINVAL. */
    if (!is_canonical(g->user_regs.rip) || !is_canonical(g->user_regs.rsp) ||
        !is_canonical(g->kernel_sp) || !is_canonical(g->fs_base) ||
        !is_canonical(g->gs_base_kernel) || !is_canonical(g->gs_base_user) ||
        !is_canonical(g->event_callback_eip) ||
        !is_canonical(g->syscall_callback_eip) ||
        !is_canonical(g->failsafe_callback_eip))
        return -EINVAL;
    for (unsigned int i = 0; i < 256; i++)
        if (!is_canonical(g->trap_ctxt[i].address))
            return -EINVAL;
    if (!pv_addr_ok(g->ldt_base) || (g->ldt_base & (PAGE_SIZE - 1)) ||
        g->ldt_ents > 8192)
        return -EINVAL;
    if (g->gdt_ents > FIRST_RESERVED_GDT_ENTRY || !mfn_valid(l4) ||
        (g->ctrlreg[1] && !mfn_valid(ul4)))
        return -EINVAL;
    /*
     * A vCPU may start in user mode only with a user page table. One that
     * has a context (XEN_DOMCTL_setvcpucontext again) may change its
     * registers but not its tables, GDT or LDT: Xen's -EOPNOTSUPP.
     */
    if (!v->initialised && !(g->flags & VGCF_in_kernel) && !g->ctrlreg[1])
        return -EINVAL;
    if (v->initialised && !same_tables(a, g))
        return -EOPNOTSUPP;
    for (unsigned int i = 0; i < GUEST_GDT_PAGES; i++)
        frames[i] = g->gdt_frames[i];
    pv_mm_ctx_init(&c, d, NULL);
    rc = get_page_and_type(mfn_to_page(l4), d, PGT_l4, &c);
    if (rc)
        return rc;
    if (ul4 && (rc = get_page_and_type(mfn_to_page(ul4), d, PGT_l4, &c))) {
        put_page_and_type(mfn_to_page(l4), &c);
        return rc;
    }
    rc = pv_set_gdt(v, frames, (unsigned int)g->gdt_ents);
    if (rc) {
        put_page_and_type(mfn_to_page(l4), &c);
        if (ul4)
            put_page_and_type(mfn_to_page(ul4), &c);
        return rc;
    }
    if (a->guest_table)
        put_page_and_type(mfn_to_page(a->guest_table), &c);
    if (a->guest_table_user)
        put_page_and_type(mfn_to_page(a->guest_table_user), &c);
    a->guest_table = l4;
    a->guest_table_user = ul4;
    a->kernel_mode = (g->flags & VGCF_in_kernel) != 0;
    /* Its pages are mapped on first use, as in Xen (pv_ldt_fault). */
    pv_drop_ldt(v, &c);
    a->ldt_base = g->ldt_base;
    a->ldt_ents = (unsigned int)g->ldt_ents;
    memset(&a->regs, 0, sizeof(a->regs));
    a->regs.rip = g->user_regs.rip;
    a->regs.rsp = g->user_regs.rsp;
    /*
     * IOPL is virtual, as in Xen: the context's IOPL becomes the vCPU's
     * (port I/O is then emulated for it) and the guest runs with IOPL 0
     * and, whatever it asked for, with interrupts on.
     */
    a->iopl = (u32)((g->user_regs.rflags & X86_EFLAGS_IOPL) >> 12);
    a->regs.rflags = (g->user_regs.rflags & ~X86_EFLAGS_IOPL) | X86_EFLAGS_IF;
    /* A guest selector never gets an RPL below the guest kernel's, 3. */
    a->regs.cs = pv_fixup_sel(g->user_regs.cs);
    a->regs.ss = pv_fixup_sel(g->user_regs.ss);
    a->regs.rax = g->user_regs.rax, a->regs.rbx = g->user_regs.rbx;
    a->regs.rcx = g->user_regs.rcx, a->regs.rdx = g->user_regs.rdx;
    a->regs.rsi = g->user_regs.rsi, a->regs.rdi = g->user_regs.rdi;
    a->regs.rbp = g->user_regs.rbp, a->regs.r8 = g->user_regs.r8;
    a->regs.r9 = g->user_regs.r9, a->regs.r10 = g->user_regs.r10;
    a->regs.r11 = g->user_regs.r11, a->regs.r12 = g->user_regs.r12;
    a->regs.r13 = g->user_regs.r13, a->regs.r14 = g->user_regs.r14;
    a->regs.r15 = g->user_regs.r15;
    for (unsigned int i = 0; i < 256; i++) {
        a->trap_ctxt[i] = g->trap_ctxt[i];
        a->trap_ctxt[i].cs = (u16)pv_fixup_sel(g->trap_ctxt[i].cs);
    }
    a->kernel_ss = pv_fixup_sel(g->kernel_ss);
    a->kernel_sp = g->kernel_sp;
    a->fs_base = g->fs_base;
    a->gs_base_kernel = g->gs_base_kernel;
    a->gs_base_user = g->gs_base_user;
    /* Loaded on the first entry: a bad one is nulled, failsafe callback. */
    a->ds = g->user_regs.ds;
    a->es = g->user_regs.es;
    a->fs = g->user_regs.fs;
    a->gs = g->user_regs.gs;
    /*
     * Xen's set_debugreg rules, register by register, from the reset
     * state; like Xen, a value it refuses is dropped, not an error.
     */
    memset(a->dr, 0, sizeof(a->dr));
    a->dr6 = DR6_DEFAULT;
    a->dr7 = DR7_DEFAULT;
    a->dr7_emul = 0;
    for (unsigned int i = 0; i < 4; i++)
        (void)pv_set_debugreg(v, i, g->debugreg[i]);
    (void)pv_set_debugreg(v, 6, g->debugreg[6]);
    (void)pv_set_debugreg(v, 7, g->debugreg[7]);
    /* Already checked canonical; a zero address just leaves none set. */
    (void)register_callback(v, CALLBACKTYPE_event, g->event_callback_eip, 0);
    (void)register_callback(
        v, CALLBACKTYPE_failsafe, g->failsafe_callback_eip,
        (g->flags & VGCF_failsafe_disables_events) ? CALLBACKF_mask_events : 0);
    (void)register_callback(
        v, CALLBACKTYPE_syscall, g->syscall_callback_eip,
        (g->flags & VGCF_syscall_disables_events) ? CALLBACKF_mask_events : 0);
    if (g->flags & VGCF_i387_valid)
        memcpy(a->fpu, g->fpu_ctxt.x, sizeof(a->fpu));
    return 0;
}

/*
 * What Xen's arch_get_info_guest gives for a 64-bit PV vCPU: the saved
 * registers with the virtual IOPL merged back, the tables as base pointers
 * (ctrlreg[3] the kernel's whatever mode it is in), the callbacks and
 * their event-masking flags. The FPU image is always whole here, so
 * VGCF_i387_valid is always set.
 */
void arch_get_vcpu_context(const struct vcpu *v, struct vcpu_guest_context *g)
{
    const struct arch_vcpu *a = &v->arch;
    struct cpu_user_regs *r = &g->user_regs;

    memset(g, 0, sizeof(*g));
    memcpy(g->fpu_ctxt.x, a->fpu, sizeof(g->fpu_ctxt.x));
    g->flags = VGCF_i387_valid;
    if (a->failsafe_cb.flags & CALLBACKF_mask_events)
        g->flags |= VGCF_failsafe_disables_events;
    if (a->syscall_cb.flags & CALLBACKF_mask_events)
        g->flags |= VGCF_syscall_disables_events;
    if (!(v->pause_flags & VPF_down))
        g->flags |= VGCF_online;
    if (a->kernel_mode)
        g->flags |= VGCF_in_kernel;
    r->r15 = a->regs.r15, r->r14 = a->regs.r14, r->r13 = a->regs.r13;
    r->r12 = a->regs.r12, r->rbp = a->regs.rbp, r->rbx = a->regs.rbx;
    r->r11 = a->regs.r11, r->r10 = a->regs.r10, r->r9 = a->regs.r9;
    r->r8 = a->regs.r8, r->rax = a->regs.rax, r->rcx = a->regs.rcx;
    r->rdx = a->regs.rdx, r->rsi = a->regs.rsi, r->rdi = a->regs.rdi;
    r->rip = a->regs.rip;
    r->cs = (u16)a->regs.cs;
    r->rflags = a->regs.rflags | (u64)a->iopl << 12;
    r->rsp = a->regs.rsp;
    r->ss = (u16)a->regs.ss;
    r->ds = a->ds, r->es = a->es, r->fs = a->fs, r->gs = a->gs;
    memcpy(g->trap_ctxt, a->trap_ctxt, sizeof(g->trap_ctxt));
    g->ldt_base = a->ldt_ents ? a->ldt_base : 0;
    g->ldt_ents = a->ldt_ents;
    for (unsigned int i = 0; i < GUEST_GDT_PAGES; i++)
        g->gdt_frames[i] = a->gdt_frames[i];
    g->gdt_ents = a->gdt_ents;
    g->kernel_ss = a->kernel_ss;
    g->kernel_sp = a->kernel_sp;
    g->ctrlreg[0] = (read_cr0() & ~CR0_TS) | (a->fpu_ts ? CR0_TS : 0);
    g->ctrlreg[1] = (u64)a->guest_table_user << PAGE_SHIFT;
    g->ctrlreg[2] = a->cr2;
    g->ctrlreg[3] = (u64)a->guest_table << PAGE_SHIFT;
    g->ctrlreg[4] = a->vcr4;
    for (unsigned int i = 0; i < 4; i++)
        g->debugreg[i] = a->dr[i];
    g->debugreg[6] = a->dr6;
    g->debugreg[7] = a->dr7 | a->dr7_emul;
    g->event_callback_eip = a->event_cb.address;
    g->failsafe_callback_eip = a->failsafe_cb.address;
    g->syscall_callback_eip = a->syscall_cb.address;
    g->vm_assist = v->domain->vm_assist;
    g->fs_base = a->fs_base;
    g->gs_base_kernel = a->gs_base_kernel;
    g->gs_base_user = a->gs_base_user;
}

/* Xen's arch_vcpu_reset for PV: the GDT, LDT and base pointers go. */
void arch_vcpu_reset(struct vcpu *v)
{
    struct arch_vcpu *a = &v->arch;
    struct pv_mm_ctx c;

    pv_mm_ctx_init(&c, v->domain, NULL);
    pv_destroy_gdt(v, &c);
    if (a->guest_table_user)
        put_page_and_type(mfn_to_page(a->guest_table_user), &c);
    if (a->guest_table)
        put_page_and_type(mfn_to_page(a->guest_table), &c);
    a->guest_table = a->guest_table_user = 0;
    /* A tree that loses its last type reference is taken apart now. */
    c.preempt = &a->preempt;
    while (pv_drain_deferred(&c) == -ERESTART)
        c.preempt->budget = 4096;
    if (c.flush)
        arch_flush_domain_tlbs(v->domain);
}

HYPERCALL2(update_descriptor, u64, maddr, u64, desc)
{
    struct domain *d = current->domain;
    mfn_t mfn = maddr >> PAGE_SHIFT;
    struct page_info *pg;
    struct pv_mm_ctx c;
    u64 *slot;
    int rc;

    if ((maddr & 7) || !mfn_valid(mfn) || pv_check_descriptor(&desc))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d))
        return -EINVAL;
    pv_mm_ctx_init(&c, d, NULL);
    /* A live descriptor page keeps its type; anything else must be data. */
    if ((pg->type_info & PGT_TYPE_MASK) == PGT_seg_desc &&
        (pg->type_info & PGT_COUNT_MASK))
        rc = get_page_type(pg, PGT_seg_desc, &c);
    else
        rc = get_page_type(pg, PGT_writable, &c);
    if (rc) {
        put_page(pg);
        return -EINVAL;
    }
    slot = (u64 *)mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1)) / 8;
    *slot = desc;
    put_page_and_type(pg, &c);
    return 0;
}

/*
 * Hypercall trace for people porting guests: hctrace=N logs the first N
 * hypercalls a guest makes through syscall, and at loglvl=all every
 * failing one is logged once per call site (domain and caller). The
 * cheap test is pv_hctrace_maybe's, inline in the hypercall path.
 */
u64 opt_hctrace, pv_hctrace_done;

#define HCTRACE_SITES 256
static struct {
    u64 rip;
    domid_t dom;
    bool used;
} hctrace_site[HCTRACE_SITES];
static bool hctrace_sites_full;

static const char *const hypercall_names[VESPER_NR_HYPERCALLS] = {
#define HC_NAME(num, name, nargs) [num] = #name,
    VESPER_HYPERCALL_LIST(HC_NAME)
#undef HC_NAME
};

static const char *hc_name(u64 nr)
{
    if (nr < VESPER_NR_HYPERCALLS && hypercall_names[nr])
        return hypercall_names[nr];
    return "?";
}

/* True the first time (dom, rip) fails; a full table logs no new sites. */
static bool first_failure_at(domid_t dom, u64 rip)
{
    unsigned int h = (unsigned int)((rip ^ (rip >> 12) ^ dom) % HCTRACE_SITES);

    for (unsigned int i = 0; i < HCTRACE_SITES; i++) {
        unsigned int k = (h + i) % HCTRACE_SITES;

        if (!hctrace_site[k].used) {
            hctrace_site[k].used = true;
            hctrace_site[k].rip = rip;
            hctrace_site[k].dom = dom;
            return true;
        }
        if (hctrace_site[k].rip == rip && hctrace_site[k].dom == dom)
            return false;
    }
    if (!hctrace_sites_full)
        printk("hctrace: %u failing call sites seen, no more are logged\n",
               HCTRACE_SITES);
    hctrace_sites_full = true;
    return false;
}

void pv_hctrace(const struct vcpu *v, const struct cpu_regs *regs, long ret,
                bool cont)
{
    bool traced = pv_hctrace_done < opt_hctrace;
    u64 caller = 0;
    /*
     * Guests call through the hypercall page, so the syscall's own RIP
     * names the hypercall, not the caller. Each page entry pushes %rcx
     * and %r11 before its syscall, which puts the caller's return address
     * two words up the guest's stack (0 if it cannot be read).
     */
    if (copy_from_guest(&caller, regs->rsp + 16, sizeof(caller)))
        caller = 0;
    if (traced) {
        pv_hctrace_done++;
    } else if (!first_failure_at(v->domain->domain_id, caller)) {
        return;
    }
    printk("hctrace: d%u v%u %s(%lx, %lx, %lx, %lx, %lx) = %s%ld from %lx\n",
           v->domain->domain_id, v->vcpu_id, hc_name(regs->rax), regs->rdi,
           regs->rsi, regs->rdx, regs->r10, regs->r8, cont ? "continued " : "",
           cont ? 0 : ret, caller);
}

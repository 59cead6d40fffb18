/* SPDX-License-Identifier: GPL-2.0-only */
/* x86-only PV hypercalls: traps, callbacks, stacks, segment bases, FPU. */
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "asm/cpu.h"
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

    if ((ss & 3) != 3 || !is_canonical(sp))
        return -EPERM;
    v->arch.kernel_ss = ss;
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
    case SEGBASE_GS_USER_SEL:
        /* Only the null selector until guest GDTs/LDTs exist. */
        if ((base & 0xfffc) != 0)
            return -EINVAL;
        v->arch.gs_base_user = 0;
        return 0;
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

void pv_drop_ldt(struct vcpu *v, struct pv_mm_ctx *c)
{
    for (unsigned int i = 0; i < 16; i++) {
        if (v->arch.ldt_frames[i])
            put_page_and_type(mfn_to_page(v->arch.ldt_frames[i]), c);
        v->arch.ldt_frames[i] = 0;
    }
    v->arch.ldt_ents = 0;
}

/*
 * The guest's descriptor table: up to 14 frames, each typed as a
 * descriptor page (validated: no call gates into Vesper, DPL fixed up),
 * so the guest can no longer write them except through update_descriptor.
 */
HYPERCALL2(set_gdt, u64, frame_list, unsigned int, entries)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    unsigned int nr = (entries + 511) / 512, i;
    mfn_t frames[GUEST_GDT_PAGES];
    struct pv_mm_ctx c;
    int rc = 0;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    if (nr && copy_from_guest(frames, frame_list, nr * sizeof(frames[0])))
        return -EFAULT;
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
    pv_load_gdt(v);
    if (c.flush)
        write_cr3(read_cr3());
    return 0;
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

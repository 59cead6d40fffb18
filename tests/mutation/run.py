#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Mutation tests: break the hypervisor on purpose and check a guest test notices.

Usage: tests/mutation/run.py [-j N] [--only NAME] [--keep] [--list]

Each entry of MUTATIONS below names a file, an exact snippet of its current
source, a replacement, and the guest test that must FAIL once the snippet is
replaced. For every mutation this script

  1. copies the repository's files (tracked, plus untracked files that are
     not ignored: the working tree as `git status` sees it) and its
     unmutated build into a fresh temporary directory,
  2. replaces the snippet (it must occur exactly once, or the run fails
     with "mutation NAME: pattern not found in FILE"),
  3. rebuilds there (`make hyp guests`; the copied build means only what the
     mutation touched is recompiled),
  4. runs the named test with tests/run.py, which must FAIL.

A mutant whose test fails is "killed" (a pass for this suite); one whose
test still passes "SURVIVED": the test cannot see that breakage, which is a
finding to fix in the test, not here. Before any mutant, the unmutated tree
is built the same way and every named test must PASS on it, so a kill means
the mutation, not a broken tree, made the difference.

The last line is "N passed, N failed", like every other test tier.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name, file, original snippet (exact, must be unique), replacement, test
# expected to FAIL, and why that test must notice.
MUTATIONS = [
    dict(name="bounce-cs-rpl",
         file="hyp/arch/x86/pv/traps.c",
         old="    cs = from_kernel ? (regs->cs & ~3UL) : regs->cs;\n",
         new="    cs = regs->cs;\n",
         test="bounce",
         why="a kernel-mode frame must show CS with RPL 0"),
    dict(name="bounce-rcx-r11-swapped",
         file="hyp/arch/x86/pv/traps.c",
         old="    frame[n++] = regs->rcx;\n    frame[n++] = regs->r11;\n",
         new="    frame[n++] = regs->r11;\n    frame[n++] = regs->rcx;\n",
         test="bounce",
         why="the frame starts with RCX, then R11"),
    dict(name="pf-no-cr2",
         file="hyp/arch/x86/traps.c",
         old="        v->arch.cr2 = read_cr2();\n        v->vcpu_info->arch.cr2 = v->arch.cr2;\n",
         new="        v->arch.cr2 = read_cr2();\n",
         test="bounce",
         why="a #PF handler reads the address from vcpu_info.arch.cr2"),
    dict(name="efault-hypervisor-range-ok",
         file="hyp/arch/x86/guest_access.c",
         old="    if (va >= HYPERVISOR_VIRT_END)\n        return true;\n",
         new="    if (va >= HYPERVISOR_VIRT_START)\n        return true;\n",
         test="efault",
         why="the hypervisor's own range is mapped: only the range check "
             "stops a guest from reading it"),
    dict(name="console-copy-unchecked",
         file="hyp/hypercall/console.c",
         old="        if (copy_from_guest(tmp, buf + done, n))\n"
             "            return -EFAULT;\n",
         new="        if (copy_from_guest(tmp, buf + done, n)) {\n"
             "        }\n",
         test="efault",
         why="a fault while copying a chunk must fail the call"),
    dict(name="table-empty-slot-0",
         file="hyp/hypercall/table.c",
         old="    if (!fn)\n        return -ENOSYS;\n",
         new="    if (!fn)\n        return 0;\n",
         test="enosys",
         why="holes in the table answer -ENOSYS"),
    dict(name="teardown-keeps-baseptr",
         file="hyp/arch/x86/pv/vcpu.c",
         old="        if (v->arch.guest_table)\n"
             "            put_page_and_type(mfn_to_page(v->arch.guest_table), &c);\n",
         new="",
         test="mm_cycles",
         why="domain teardown must drop the base pointer's references"),
    dict(name="mmu-continuation-no-advance",
         file="hyp/arch/x86/pv/mmu.c",
         old="                __HYPERVISOR_mmu_update, ureqs + i * sizeof(req),\n",
         new="                __HYPERVISOR_mmu_update, ureqs,\n",
         test="preempt_mmu_multicall",
         why="a continued mmu_update resumes after the entries already done "
             "(mm_batch's batches are no longer cut at a fixed size)"),
    dict(name="multicall-no-results",
         file="hyp/hypercall/multicall.c",
         old="        if (copy_to_guest(at + offsetof(struct multicall_entry, "
             "result),\n"
             "                          &e.result, sizeof(e.result))) {\n",
         new="        if (0) {\n",
         test="multicall",
         why="each entry's result is written back to the guest"),
    dict(name="cpuid-bad-signature",
         file="hyp/arch/x86/cpu_policy.c",
         old="        r->b = 0x566e6558; /* \"XenV\" */\n",
         new="        r->b = 0x566e6559;\n",
         test="cpuid",
         why="leaf 0x40000000 says \"XenVMMXenVMM\""),
    dict(name="evtchn-unmask-no-redeliver",
         file="hyp/evtchn_2l.c",
         old="    if (test_and_clear_bit(port, s->evtchn_mask) &&\n",
         new="    if (test_and_clear_bit(port, s->evtchn_mask) && 0 &&\n",
         test="evt_mask",
         why="EVTCHNOP_unmask of a pending port must raise the upcall"),
    dict(name="upcall-ignores-mask",
         file="hyp/arch/x86/pv/traps.c",
         old="           !v->vcpu_info->evtchn_upcall_mask && "
             "v->arch.event_cb.address;\n",
         new="           v->arch.event_cb.address;\n",
         test="evt_mask",
         why="evtchn_upcall_mask=1 defers every upcall"),
    dict(name="credit-ignores-weight",
         file="hyp/sched_credit.c",
         old="    return d->weight ? d->weight : 256;\n",
         new="    return 256;\n",
         test="sched_weight",
         why="weights 256:512 must give CPU time 1:2"),
    dict(name="pvclock-wrong-shift",
         file="hyp/time.c",
         old="    t->tsc_shift = shift;\n",
         new="    t->tsc_shift = (s8)(shift + 1);\n",
         test="virq_timer",
         why="the guest's clock must agree with the hypervisor's timers"),
    dict(name="console-read-loses-input",
         file="hyp/hypercall/console.c",
         old="    if (n && copy_to_guest(buf, tmp, n))\n        return -EFAULT;\n"
             "    conring_consume_input(n);\n",
         new="    conring_consume_input(n);\n"
             "    if (n && copy_to_guest(buf, tmp, n))\n        return -EFAULT;\n",
         test="console_in",
         why="a CONSOLEIO_read that faults must leave the input buffered"),
    dict(name="console-switch-ignored",
         file="hyp/conring.c",
         old="#define SWITCH_COUNT 3\n",
         new="#define SWITCH_COUNT 300\n",
         test="console_in_switch",
         why="Ctrl-A three times moves serial input to the next domain"),
    dict(name="pin-override-ignored",
         file="hyp/schedule.c",
         old="        v->affinity = 1ull << cpu;\n",
         new="        v->affinity = v->affinity_saved;\n",
         test="sched_pin",
         why="a pinned vCPU must run only on its CPU"),
    # --- Issue 10, h-preempt: bounded time values, preemptible hypercalls,
    # multicall continuations and HYPERVISOR_iret in a batch.
    dict(name="periodic-no-max",
         file="hyp/hypercall/vcpu.c",
         old="p.period_ns < MIN_PERIOD_NS || p.period_ns > MAX_PERIOD_NS",
         new="p.period_ns < MIN_PERIOD_NS",
         test="hostile_timer",
         why="a period above STIME_DELTA_MAX must get Xen's -EINVAL"),
    dict(name="periodic-no-tick-when-due",
         file="hyp/time.c",
         old="    if (now >= next) {\n",
         new="    if (now >= next && 0) {\n",
         test="hostile_timer",
         why="a periodic tick already due fires once, at once"),
    dict(name="singleshot-negative-deadline-armed",
         file="hyp/hypercall/vcpu.c",
         old="if (s.timeout_abs_ns < now || (s64)s.timeout_abs_ns < 0) {",
         new="if (s.timeout_abs_ns < now) {",
         test="hostile_timer",
         why="Xen reads a singleshot deadline >= 2^63 as past: tick at once"),
    dict(name="set-timer-op-fallback-50ms",
         file="hyp/hypercall/vcpu.c",
         old="#define SET_TIMER_OP_FALLBACK_NS 100000000UL\n",
         new="#define SET_TIMER_OP_FALLBACK_NS 50000000UL\n",
         test="hostile_timer",
         why="Xen takes a far set_timer_op deadline as 100 ms from now"),
    dict(name="poll-negative-deadline-armed",
         file="hyp/hypercall/sched.c",
         old="(s64)p.timeout < 0 ? 1 : p.timeout",
         new="p.timeout",
         test="hostile_timer",
         why="a poll deadline read as negative times out at once"),
    dict(name="console-write-not-preemptible",
         file="hyp/hypercall/console.c",
         old="        if (done && hypercall_preempt_check())\n",
         new="        if (0 && done && hypercall_preempt_check())\n",
         test="preempt_console",
         why="a long CONSOLEIO_write must stop for a pending event"),
    dict(name="mmu-update-not-preemptible",
         file="hyp/arch/x86/pv/mmu.c",
         old="        if (i && hypercall_preempt_check()) {\n"
             "            rc = hypercall_continue(\n"
             "                __HYPERVISOR_mmu_update,",
         new="        if (0 && i && hypercall_preempt_check()) {\n"
             "            rc = hypercall_continue(\n"
             "                __HYPERVISOR_mmu_update,",
         test="preempt_mmu_multicall",
         why="a long mmu_update batch must stop for a pending event"),
    dict(name="mmuext-op-not-preemptible",
         file="hyp/arch/x86/pv/mmu.c",
         old="        if (i && hypercall_preempt_check()) {\n"
             "            rc = hypercall_continue(\n"
             "                __HYPERVISOR_mmuext_op,",
         new="        if (0 && i && hypercall_preempt_check()) {\n"
             "            rc = hypercall_continue(\n"
             "                __HYPERVISOR_mmuext_op,",
         test="preempt_mmu_multicall",
         why="a long mmuext_op batch must stop for a pending event"),
    dict(name="multicall-not-preempted-between-entries",
         file="hyp/hypercall/multicall.c",
         old="        if (i && (hypercall_preempt_check() ||",
         new="        if (i && (0 ||",
         test="preempt_mmu_multicall",
         why="a multicall stops between entries for a pending event"),
    dict(name="multicall-continuation-not-written-back",
         file="hyp/hypercall/multicall.c",
         old="            if (copy_to_guest(at, &e, sizeof(e)))\n"
             "                return -EFAULT;\n",
         new="",
         test="preempt_mmu_multicall",
         why="a preempted entry's new arguments go into the guest's list"),
    dict(name="preempt-check-ignores-events",
         file="hyp/arch/x86/pv/vcpu.c",
         old="           (v && pv_events_deliverable(v));\n",
         new="           (v && pv_events_deliverable(v) && 0);\n",
         test="preempt_console",
         why="a deliverable event is pending work (Xen's rule)"),
    dict(name="preempt-check-ignores-due-timer",
         file="hyp/arch/x86/pv/vcpu.c",
         old="    if (timer_due()) {\n",
         new="    if (timer_due() && 0) {\n",
         test="preempt_console",
         why="with the timer interrupt held off, a due timer is pending work"),
    dict(name="multicall-iret-refused",
         file="hyp/hypercall/multicall.c",
         old="        if (e.op == __HYPERVISOR_iret) {\n",
         new="        if (e.op == __HYPERVISOR_iret && 0) {\n",
         test="multicall_iret",
         why="HYPERVISOR_iret in a batch is performed and ends it"),
    # Issue 10, ring-0 fix-ups: guest state that the CPU refuses on the way
    # out is the guest's fault.
    dict(name="iret-no-fixup",
         file="hyp/arch/x86/entry.S",
         old="    .quad iret_to_guest, iret_fault_fixup\n",
         new="",
         test="hostile_iret_sel",
         why="without the fix-up a bad CS/SS from HYPERVISOR_iret panics "
             "Vesper in its own iretq"),
    dict(name="wrmsr-base-unchecked",
         file="hyp/arch/x86/pv/emulate.c",
         old="        if (!is_canonical(val))\n            return false;\n",
         new="",
         test="hostile_segbase",
         why="a non-canonical FS/GS base reaches wrmsr in ring 0"),
    dict(name="segbase-unchecked",
         file="hyp/arch/x86/pv/hypercalls.c",
         old="    if (which != SEGBASE_GS_USER_SEL && !is_canonical(base))\n"
             "        return -EINVAL;\n",
         new="",
         test="hostile_segbase",
         why="set_segment_base must refuse a non-canonical base with "
             "-EINVAL before wrmsr"),
    # Privilege checks (issue 10): each deletion must turn priv_domid red.
    dict(name="priv-memory-target-domain",
         file="hyp/hypercall/memory.c",
         old="    else if (d != cur && !cur->is_privileged)\n"
             "        *rc = -EPERM;\n",
         new="",
         test="priv_domid",
         why="a domU may not read dom0's reservation (Xen: -EPERM)"),
    dict(name="priv-memory-reservation-foreign",
         file="hyp/hypercall/memory.c",
         old="    *t = cur->is_privileged ? domain_by_id(r->domid) : NULL;\n",
         new="    *t = domain_by_id(r->domid);\n",
         test="priv_domid",
         why="a reservation change naming another domain does nothing (Xen: 0 done)"),
    dict(name="priv-mmu-update-foreign",
         file="hyp/arch/x86/pv/mmu.c",
         old="    if (pto != d || (pgo != &dom_io && pgo != d && !d->is_privileged))\n",
         new="    if (pto != d)\n",
         test="priv_domid",
         why="a domU may not map dom0's frames with FD = 0 (Xen: -EPERM)"),
    dict(name="priv-mmu-update-pfd",
         file="hyp/arch/x86/pv/mmu.c",
         old="    if (pto != d || (pgo != &dom_io && pgo != d && !d->is_privileged))\n",
         new="    if (pgo != &dom_io && pgo != d && !d->is_privileged)\n",
         test="priv_domid",
         why="a domU may not name dom0 as the page tables' owner (Xen: -EPERM)"),
    dict(name="priv-uvma-otherdomain",
         file="hyp/arch/x86/pv/mmu.c",
         old="    if (pgo != d && !d->is_privileged)\n"
             "        return -EPERM;\n"
             "    return do_uvma",
         new="    return do_uvma",
         test="priv_domid",
         why="update_va_mapping_otherdomain naming dom0 is -EPERM"),
    dict(name="priv-mmuext-foreign",
         file="hyp/arch/x86/pv/mmu.c",
         old="    if (pgo != d && !d->is_privileged)\n        return -EPERM;\n    pv_mm_ctx_init(&c, d, v);\n    set_pg_owner(&c, d, pgo);\n",
         new="    pv_mm_ctx_init(&c, d, v);\n    set_pg_owner(&c, d, pgo);\n",
         test="priv_domid",
         why="mmuext_op with foreigndom = dom0 is -EPERM"),
    dict(name="priv-l1-foreign-owner",
         file="hyp/arch/x86/pv/pagetype.c",
         old="    if (!owner || (owner != expected && !ctx->foreign_ok))\n",
         new="    if (!owner)\n",
         test="priv_domid",
         why="an L1 entry may map only the named page owner's frames "
             "(Xen: -EBUSY)"),
    dict(name="priv-machphys-owner",
         file="hyp/arch/x86/pv/mmu.c",
         old="        if (pg->owner != pgo)\n            return -EINVAL;\n",
         new="",
         test="priv_domid",
         why="a domU may not rewrite dom0's M2P entries"),
    dict(name="priv-copy-page-source",
         file="hyp/arch/x86/pv/mmu.c",
         old="        if (!get_page(sp, d)) {\n",
         new="        if (!get_page(sp, sp->owner)) {\n",
         test="priv_domid",
         why="MMUEXT_COPY_PAGE may not read dom0's frame"),
    dict(name="priv-get-page-owner",
         file="hyp/arch/x86/pv/pagetype.c",
         old="    if (!d || pg->owner != d || (c & PGC_io))\n",
         new="    if (!d || (c & PGC_io))\n",
         test="priv_domid",
         why="pins, base pointers and page ops on dom0's frames are -EINVAL"),
    dict(name="priv-flush-cache",
         file="hyp/arch/x86/pv/mmu.c",
         old="        return d->is_privileged ? 0 : -EACCES;\n",
         new="        return 0;\n",
         test="priv_domid",
         why="only a domain with I/O access flushes caches (Xen: -EACCES)"),
    dict(name="priv-evtchn-alloc-unbound",
         file="hyp/evtchn.c",
         old="    /* Checked before a foreign domain grows a bucket on our behalf. */\n"
             "    rc = may_target(cd, d);\n",
         new="    rc = 0;\n",
         test="priv_domid",
         why="a domU may not allocate ports in dom0's table"),
    dict(name="priv-evtchn-status",
         file="hyp/evtchn.c",
         old="        return -EINVAL;\n    rc = may_target(cd, d);\n",
         new="        return -EINVAL;\n    rc = 0;\n",
         test="priv_domid",
         why="a domU may not look at dom0's ports"),
    dict(name="priv-evtchn-reset",
         file="hyp/evtchn.c",
         old="    rc = may_target(cd, d);\n"
             "    if (rc)\n"
             "        return rc;\n"
             "    /* Xen resets another",
         new="    rc = 0;\n"
             "    if (rc)\n"
             "        return rc;\n"
             "    /* Xen resets another",
         test="priv_domid",
         why="a domU may not reset dom0's channels (Xen: -EPERM)"),
    dict(name="priv-evtchn-reset-other",
         file="hyp/evtchn.c",
         old="    if (d != cd)\n        return -EINVAL;\n",
         new="",
         test="priv_domid",
         why="even dom0 may not reset a running domain's channels (Xen: -EINVAL)"),
    dict(name="priv-evtchn-bind-not-offered",
         file="hyp/evtchn.c",
         old="    if (rchn->state != ECS_UNBOUND || rchn->u.remote_domid != ld->domain_id)\n",
         new="    if (rchn->state != ECS_UNBOUND)\n",
         test="priv_domid",
         why="a domU may not bind a port dom0 offered to another domain"),
    dict(name="priv-evtchn-may-target",
         file="hyp/evtchn.c",
         old="    return cd == d || cd->is_privileged ? 0 : -EPERM;\n",
         new="    return 0;\n",
         test="priv_domid",
         why="the XSM_TARGET rule itself"),
    dict(name="priv-console-io",
         file="hyp/hypercall/console.c",
         old="    if (!d->is_privileged && !(cmd == CONSOLEIO_write && opt_domu_console_io))\n"
             "        return -EPERM;\n",
         new="",
         test="priv_domid",
         why="a domU may not read the console (Xen: -EPERM)"),
    dict(name="priv-pin-override",
         file="hyp/hypercall/sched.c",
         old="    if (!v->domain->is_privileged)\n        return -EPERM;\n",
         new="",
         test="priv_domid",
         why="SCHEDOP_pin_override is dom0's only"),
    dict(name="priv-remote-shutdown",
         file="hyp/hypercall/sched.c",
         old="    if (!cur->is_privileged)\n"
             "        return -EPERM;\n"
             "    domain_shutdown",
         new="    domain_shutdown",
         test="priv_domid",
         why="a domU may not shut dom0 down"),
    dict(name="priv-get-physid",
         file="hyp/hypercall/vcpu.c",
         old="    if (!v->domain->is_privileged || !m || (m & (m - 1)))\n",
         new="    if (!m || (m & (m - 1)))\n",
         test="priv_domid",
         why="VCPUOP_get_physid is for dom0's pinned vCPUs only (Xen: -EINVAL)"),
    dict(name="priv-feature-dom0",
         file="hyp/hypercall/version.c",
         old="    if (d->is_privileged)\n        m |= 1u << XENFEAT_dom0;\n",
         new="    m |= 1u << XENFEAT_dom0;\n",
         test="priv_domid",
         why="only dom0 is told XENFEAT_dom0"),
    dict(name="priv-build-id",
         file="hyp/hypercall/version.c",
         old="        if (!d->is_privileged)\n            return -EPERM;\n",
         new="",
         test="priv_domid",
         why="XENVER_build_id is privileged (Xen: -EPERM)"),
    # Issue 10, hypervisor-owned frames (h-frames): shared_info keeps
    # Vesper's own references; reservation ops are preemptible.
    dict(name="sinfo-no-own-ref",
         file="hyp/arch/x86/pv/pagetype.c",
         old="    pg->count_info = PGC_allocated | PGC_xen_heap | 2;\n",
         new="    pg->count_info = PGC_allocated | PGC_xen_heap | 1;\n",
         test="hostile_sinfo",
         why="without Vesper's own reference the guest's release of "
             "shared_info takes it away from Vesper"),
    dict(name="sinfo-no-type-ref",
         file="hyp/arch/x86/pv/pagetype.c",
         old="    pg->type_info = PGT_writable | PGT_validated | 1;\n}\n",
         new="    pg->type_info = 0;\n}\n",
         test="hostile_sinfo",
         why="without Vesper's writable type reference an unmapped "
             "shared_info can be pinned as a page table"),
    dict(name="memop-no-preempt",
         file="hyp/hypercall/memory.c",
         old="#define MEMOP_BATCH 256\n",
         new="#define MEMOP_BATCH (1UL << 40)\n",
         test="hostile_memop_preempt",
         why="a 2^18-extent decrease_reservation must let the other vCPU's "
             "hypercalls through"),
    dict(name="vcpu-info-no-type-ref",
         file="hyp/arch/x86/pv/guest_frame.c",
         old="    if (get_page_and_type(p, d, PGT_writable, &c)) {\n",
         new="    if (!get_page(p, d)) {\n",
         test="hostile_vcpu_info",
         why="a registered vcpu_info frame must never become a page table"),
    # Issue 10, debug registers and FSGSBASE (Xen 4.17's rules).
    dict(name="dr0-any-address",
         file="hyp/arch/x86/pv/debugreg.c",
         old="        if (!bp_addr_ok(value))\n",
         new="        if (!bp_addr_ok(value) && 0)\n",
         test="dbg_setget",
         why="DR0-3 may watch guest addresses only (-EPERM otherwise)"),
    dict(name="dr6-upper-half-accepted",
         file="hyp/arch/x86/pv/debugreg.c",
         old="        if (value >> 32)\n            return -EINVAL;\n"
             "        value = (value & ~DR6_RSVD_ZERO) | DR6_DEFAULT;\n",
         new="        value = (value & ~DR6_RSVD_ZERO) | DR6_DEFAULT;\n",
         test="dbg_setget",
         why="bits 32-63 of DR6 are reserved: -EINVAL"),
    dict(name="dr7-gd-accepted",
         file="hyp/arch/x86/pv/debugreg.c",
         old="        if (value & DR7_GD)\n",
         new="        if (value & DR7_GD && 0)\n",
         test="dbg_setget",
         why="general detect is the hypervisor's: -EPERM"),
    dict(name="dr7-io-without-de",
         file="hyp/arch/x86/pv/debugreg.c",
         old="                if (!cr4_de(v))\n                    return -EPERM;\n",
         new="",
         test="dbg_setget",
         why="I/O breakpoints need CR4.DE: -EPERM without it"),
    dict(name="movdr-enodev-is-gp",
         file="hyp/arch/x86/pv/emulate.c",
         old="    if (rc == -ENODEV) {\n",
         new="    if (rc == -ENODEV && 0) {\n",
         test="dbg_movdr",
         why="a missing debug register is #UD, not #GP"),
    dict(name="db-dr6-not-merged",
         file="hyp/arch/x86/pv/debugreg.c",
         old="    v->arch.dr6 |= dr6 & ~DR6_DEFAULT;\n",
         new="",
         test="dbg_trap",
         why="a guest #DB reports its status in the virtual DR6"),
    dict(name="hyp-db-panics",
         file="hyp/arch/x86/traps.c",
         old="    if (vec == TRAP_DB && hyp_debug_trap(regs))\n",
         new="    if (vec == TRAP_DB && hyp_debug_trap(regs) && 0)\n",
         test="dbg_hypbuf",
         why="a guest data breakpoint hit by copy_from_guest is tolerated"),
    dict(name="cr4-fsgsbase-refused",
         file="hyp/arch/x86/pv/emulate.c",
         old="(host_has_fsgsbase() ? CR4_FSGSBASE : 0)",
         new="(host_has_fsgsbase() && 0 ? CR4_FSGSBASE : 0)",
         test="fsgsbase",
         why="Xen 4.17 lets a PV kernel set CR4.FSGSBASE when the CPU has it"),
    # Guest kernel notes (hostfuzz): Xen 4.17's dom0 and FEATURES rules.
    dict(name="dom0-rule-without-note",
         file="hyp/elf.c",
         old="    if (privileged && xn->has_supported_features &&\n",
         new="    if (privileged &&\n",
         test="hello_feat_nonote",
         why="XENFEAT_dom0 is required only of kernels with the note"),
    dict(name="dom0-rule-bitmap-only",
         file="hyp/elf.c",
         old="        *supported |= 1u << feature_names[i].bit;\n",
         new="",
         test="hello_feat_strdom0",
         why="dom0 in the FEATURES string counts as supported"),
    dict(name="dom0-rule-dropped",
         file="hyp/elf.c",
         old="        !(xn->supported_features & (1u << XENFEAT_dom0)))\n",
         new="        false)\n",
         test="builder_feat_nodom0",
         why="a kernel with the note but no dom0 must not be dom0"),
    dict(name="features-bare-bang-ignored",
         file="hyp/elf.c",
         old="        req = len && tok[0] == '!';\n",
         new="        req = len > 1 && tok[0] == '!';\n",
         test="builder_feat_bang",
         why="Xen refuses a bare '!' as an unknown requirement"),
    dict(name="domu-rule-dropped",
         file="hyp/elf.c",
         old="    if (!privileged && (xn->required_features & (1u << XENFEAT_dom0)))\n",
         new="    if (false)\n",
         test="feat_req_dom0",
         why="a kernel that requires dom0 is no domU"),
    # vCPU context and the virtual IOPL (issue 10 review, issue 11 item 8)
    dict(name="physdev-iopl-range",
         file="hyp/hypercall/physdev.c",
         old="    if (op.iopl > 3)\n        return -EINVAL;\n",
         new="",
         test="pv_iopl",
         why="Xen refuses an IOPL above 3"),
    dict(name="emul-in32-no-zero-extend",
         file="hyp/arch/x86/pv/emulate.c",
         old="        else\n            regs->rax = val;\n",
         new="        else\n            regs->rax = (regs->rax & ~0xffffffffUL) | val;\n",
         test="emul_io_width",
         why="a 32-bit in zero-extends into RAX on the CPU and on Xen"),
    dict(name="emul-no-opsize-prefix",
         file="hyp/arch/x86/pv/emulate.c",
         old="(insn[len] == 0x66 || (insn[len] & 0xf0) == 0x40)",
         new="((insn[len] & 0xf0) == 0x40)",
         test="emul_io_width",
         why="Linux's early PCI probe uses in %dx,%ax (0x66 prefix)"),
    dict(name="ptwr-no-ds-prefix",
         file="hyp/arch/x86/pv/ptwr.c",
         old="b[i] == 0x36 || b[i] == 0x3e ||",
         new="b[i] == 0x36 ||",
         test="mm_ptwr",
         why="Linux on one CPU patches lock into ds; fork() oopses without it"),
    dict(name="gzip-ramdisk-is-kernel",
         file="hyp/kimage.c",
         old="            memcmp(head, \"\\177ELF\", 4))",
         new="            0)",
         test="boot_ramdisk_order",
         why="a gzip'd initramfs after dom0's kernel must stay its ramdisk"),
    # elf notes
    dict(name="string-note-nul-in-descsz",
         file="hyp/elf.c",
         old="        if (!note_str_ok(desc, avail))\n            return ELF_OK;\n",
         new="        if (!note_str_ok(desc, descsz))\n            return ELF_EINVAL;\n",
         test="hello_feat_padnul",
         why="Xen reads string notes to the NUL past n_descsz (Linux's "
             "FEATURES keeps it in the padding)"),
    # fuzz findings
    dict(name="poll-any-port-dropped",
         file="hyp/schedule.c",
         old="        if (v && v->polling && (!v->poll_port || v->poll_port == port))\n",
         new="        if (v && v->polling && v->poll_port == port)\n",
         test="sched_poll_any",
         why="a poll of none or several ports wakes on any port, as on Xen"),
    dict(name="poll-delivery-first-dropped",
         file="hyp/hypercall/sched.c",
         old="        !v->vcpu_info->evtchn_upcall_mask)\n        return 0;\n",
         new="        false)\n        return 0;\n",
         test="sched_poll_any",
         why="Xen's poll ends at once for a deliverable upcall"),
    # vcpu context
    dict(name='vcpuctx-rsp-canonical',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='!is_canonical(g->user_regs.rip) || !is_canonical(g->user_regs.rsp) ||',
         new='!is_canonical(g->user_regs.rip) ||',
         test='hostile_vcpu_ctx',
         why='a non-canonical rsp is -EINVAL'),
    dict(name='vcpuctx-trap-canonical',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='        if (!is_canonical(g->trap_ctxt[i].address))\n',
         new='        if (false)\n',
         test='hostile_vcpu_ctx',
         why='a non-canonical trap entry is -EINVAL'),
    dict(name='vcpuctx-ldt-hole',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='    if (!pv_addr_ok(g->ldt_base) || (g->ldt_base & (PAGE_SIZE - 1)) ||',
         new='    if (!pv_addr_ok(0) || (g->ldt_base & (PAGE_SIZE - 1)) ||',
         test='hostile_vcpu_ctx',
         why='an LDT base in the hypervisor hole is -EINVAL'),
    dict(name='vcpuctx-user-mode-no-ul4',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='    if (!v->initialised && !(g->flags & VGCF_in_kernel) && !g->ctrlreg[1])\n',
         new='    if (false)\n',
         test='hostile_vcpu_ctx',
         why='a user-mode start needs a user L4'),
    dict(name='vcpuctx-iopl-ignored',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='    a->iopl = (u32)((g->user_regs.rflags & X86_EFLAGS_IOPL) >> 12);\n',
         new='',
         test='vcpu_iopl',
         why="the context's IOPL is the vCPU's virtual IOPL"),
    dict(name='vcpuctx-debugregs-dropped',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='        (void)pv_set_debugreg(v, i, g->debugreg[i]);\n',
         new='        (void)i;\n',
         test='hostile_vcpu_ctx',
         why="the context's DR0-3 are loaded"),
    dict(name='vcpuctx-data-sels-dropped',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='    a->ds = g->user_regs.ds;\n    a->es = g->user_regs.es;\n',
         new='    a->ds = a->es = 0;\n',
         test='hostile_vcpu_ctx',
         why='a bad data selector in the context gets the failsafe callback'),
    dict(name='vcpuctx-always-kernel-mode',
         file='hyp/arch/x86/pv/hypercalls.c',
         old='    a->kernel_mode = (g->flags & VGCF_in_kernel) != 0;\n',
         new='    a->kernel_mode = true;\n',
         test='vcpu_user_start',
         why='without VGCF_in_kernel the vCPU starts in user mode'),
    # linux mm: issue 11's memory hypercalls for Linux 6.1
    dict(name="mmu-normal-plain-store-refused",
         file="hyp/arch/x86/pv/mmu.c",
         old="            return write_plain(d, pg, req, c);\n",
         new="            return pgo ? -EINVAL : write_plain(d, pg, req, c);\n",
         test="mm_normal_update",
         why="Xen stores into a frame with no validated type in use"),
    dict(name="mmu-normal-writable-store-refused",
         file="hyp/arch/x86/pv/mmu.c",
         old="            store_word(mfn, req);\n            return 0;\n",
         new="            return -EINVAL;\n",
         test="mm_normal_update",
         why="Xen stores into a frame in use as writable"),
    dict(name="mmu-normal-into-gdt",
         file="hyp/arch/x86/pv/mmu.c",
         old="        if (pgt_type(pg) == PGT_writable) {\n",
         new="        if (pgt_type(pg) == PGT_writable || pgt_type(pg) == PGT_seg_desc) {\n",
         test="mm_normal_update",
         why="the store must not land in a GDT frame in use"),
    dict(name="stack-switch-rpl0-refused",
         file="hyp/arch/x86/pv/hypercalls.c",
         old="    v->arch.kernel_ss = pv_fixup_sel(ss);\n",
         new="    if ((ss & 3) != 3)\n        return -EPERM;\n    v->arch.kernel_ss = ss;\n",
         test="stack_switch_rpl",
         why="Xen raises the RPL to 3 and never fails"),
    # platform_op (issue 11, h-dom0)
    dict(name="platform-op-no-priv-check",
         file="hyp/hypercall/platform.c",
         old="    if (!current_domain()->is_privileged)\n        return -EPERM;\n",
         new="",
         test="priv_platform",
         why="platform_op is the privileged domain's alone"),
    dict(name="platform-op-max-present",
         file="hyp/hypercall/platform.c",
         old="    return nr_cpus - 1;\n",
         new="    return nr_cpus;\n",
         test="platform_op",
         why="max_present is the highest CPU number, as Xen's cpumask_last"),
    # console_io policy (issue 11, h-dom0)
    dict(name="console-domu-write-allowed",
         file="hyp/hypercall/console.c",
         old="!(cmd == CONSOLEIO_write && opt_domu_console_io))",
         new="!(cmd == CONSOLEIO_write))",
         test="console_domu",
         why="a release Xen refuses a domU's console_io writes"),
    # hypercall trace (issue 11, h-dom0)
    dict(name="hctrace-site-every-time",
         file="hyp/arch/x86/pv/hypercalls.c",
         old="        if (hctrace_site[k].rip == rip && hctrace_site[k].dom == dom)\n            return false;\n",
         new="        if (hctrace_site[k].rip == rip && hctrace_site[k].dom == dom)\n            return true;\n",
         test="hctrace",
         why="loglvl=all logs a failing call site once"),

    dict(name="machine-map-no-io-holes",
         file="hyp/hypercall/memory.c",
         old="            rc = mmap_hole(&c, next, s, true, deny, nd, limit);\n",
         new="            rc = 0;\n",
         test="mem_machine_map",
         why="Xen reserves the frames dom0 may not map in the map's holes"),
    dict(name="machine-map-enosys",
         file="hyp/hypercall/memory.c",
         old="        return machine_memory_map(d, arg);\n",
         new="        return arg ? -ENOSYS : machine_memory_map(d, arg);\n",
         test="mem_machine_map",
         why="a Linux dom0 BUGs without the machine map"),

    dict(name="memop-order-refused",
         file="hyp/hypercall/memory.c",
         old="        start >= r.nr_extents || r.extent_order > memop_max_order(cur))\n",
         new="        start >= r.nr_extents || r.extent_order > memop_max_order(cur) / 32)\n",
         test="mem_order",
         why="Xen does extents of orders up to its limit"),
    dict(name="memop-order-unlimited",
         file="hyp/hypercall/memory.c",
         old="    return d->is_privileged ? 18 : 9;\n",
         new="    return d->is_privileged ? 19 : 9;\n",
         test="mem_order",
         why="beyond Xen's largest order no extent is done"),
    dict(name="memop-efault-not-count",
         file="hyp/hypercall/memory.c",
         old="        if (extent_get(r, i, &mfn))\n            break;\n",
         new="        if (extent_get(r, i, &mfn))\n            return i ? (long)i : -EFAULT;\n",
         test="mem_order",
         why="Xen answers a failed copy with the extents done (0)"),

    dict(name="memory-map-dom0",
         file="hyp/hypercall/memory.c",
         old="    if (d->is_privileged)\n        return -ENOSYS;\n",
         new="",
         test="mem_machine_map",
         why="a PV dom0 has no memory_map in Xen"),

    # I/O frames (issue 11)
    dict(name="io-frames-none-for-dom0",
         file="hyp/arch/x86/pv/mmu.c",
         old="        c->io_ok = true;\n",
         new="        c->io_ok = false;\n",
         test="io_frames",
         why="Xen's dom0 maps firmware and MMIO frames"),
    dict(name="io-frames-not-marked",
         file="hyp/arch/x86/setup.c",
         old="        frame_table[mfn].count_info = PGC_io;\n",
         new="        frame_table[mfn].count_info = 0;\n",
         test="io_frames",
         why="the BIOS area is I/O, not an ownerless RAM frame"),
    dict(name="io-frames-deny-ignored",
         file="hyp/arch/x86/pv/pagetype.c",
         old="            if (mfn >= ctx->io_deny[i][0] && mfn <= ctx->io_deny[i][1])\n                return -EPERM;\n",
         new="",
         also=[("hyp/arch/x86/pv/ioport.c",
                "        rangeset_remove(m, deny[i][0], deny[i][1]);\n",
                "        (void)deny;\n")],
         test="io_frames",
         why="the LAPIC page is never dom0's"),
    dict(name="io-frames-ro-writable",
         file="hyp/arch/x86/pv/pagetype.c",
         old="            e &= ~_PAGE_RW;\n",
         new="            e &= ~0UL;\n",
         test="io_frames",
         why="Xen maps the IOAPIC page read-only"),
    dict(name="io-frames-past-paddr",
         file="hyp/arch/x86/pv/pagetype.c",
         old="        if (ctx->io_limit && mfn >= ctx->io_limit)\n",
         new="        if (ctx->io_limit && mfn > (ctx->io_limit << 20))\n",
         also=[("hyp/arch/x86/pv/ioport.c",
                "    rangeset_add(m, 0, limit - 1);\n",
                "    rangeset_add(m, 0, (limit << 20) - 1);\n")],
         test="mm_evil_foreign",
         why="Xen's dom0 has no I/O rights past the physical address width"),
    dict(name="io-frames-domu",
         file="hyp/arch/x86/pv/mmu.c",
         old="    if (d && (d->is_privileged || d->arch.iomem_caps.nr)) {\n        static u64 deny",
         new="    if (d) {\n        static u64 deny",
         also=[("hyp/arch/x86/pv/mmu.c",
                "        c->io_caps = &d->arch.iomem_caps;\n",
                "        c->io_caps = d->is_privileged ? &d->arch.iomem_caps : NULL;\n")],
         test="priv_domid",
         why="an unprivileged domain has no I/O rights"),


    # xz decoder
    dict(name="xz-crc32-skipped",
         file="hyp/xz.c",
         old="        crc32_update(0, d->out + bstart, out) != get_le32(d->in + d->ip))\n",
         new="        !get_le32(d->in + d->ip))\n",
         test="builder_xz_badcheck",
         why="a stored CRC32 that does not match the data is corruption"),
    dict(name="xz-bcj-off",
         file="hyp/xz.c",
         old="        bcj_x86(d->out + bstart, out, f.x86_start);\n",
         new="        bcj_x86(d->out + bstart, 0, f.x86_start);\n",
         test="builder_xz",
         why="Linux's payloads are x86-BCJ filtered: unfiltered calls are wrong"),
    dict(name="xz-rep1-shifts-rep2",
         file="hyp/xz.c",
         old="""                rep2 = rep1;
            }
            rep1 = rep0;
""",
         new="""            }
            rep2 = rep1;
            rep1 = rep0;
""",
         test="builder_xz",
         why="a rep1 match swaps rep0 and rep1 only; rep2 stays"),
    dict(name="xz-size-trailer-in-stream",
         file="hyp/kimage.c",
         old="rc = unxz(ki->payload, ki->payload_len - 4, out, out_cap, out_len);",
         new="rc = unxz(ki->payload, ki->payload_len, out, out_cap, out_len);",
         test="builder_xz",
         why="the bzImage's size word after the stream is no stream padding"),
    # lz4 decoder
    dict(name="lz4-offset-bound",
         file="hyp/lz4.c",
         old="        if (off > op)\n",
         new="        if (0)\n",
         test="builder_lz4_bad_offset",
         why="a match offset reaching before the output's start is corrupt"),
    dict(name="lz4-trailer-in-stream",
         file="hyp/kimage.c",
         old="    rc = unlz4_legacy(ki->payload, ki->payload_len - 4, out, out_cap, out_len);\n",
         new="    rc = unlz4_legacy(ki->payload, ki->payload_len, out, out_cap, out_len);\n",
         test="hello_bzimage_lz4",
         why="the payload's size trailer is not an lz4 block header"),
    dict(name="lz4-length-not-continued",
         file="hyp/lz4.c",
         old="    } while (b == 255);\n",
         new="    } while (0);\n",
         test="hello_bzimage_lz4",
         why="a length byte of 255 is continued by the next byte"),
    dict(name="lz4-size-trailer-unchecked",
         file="hyp/kimage.c",
         old="    if (*out_len != ki->out_size) {\n        printk_lvl(LOG_ERR,\n                   \"kimage: lz4",
         new="    if (0) {\n        printk_lvl(LOG_ERR,\n                   \"kimage: lz4",
         test="builder_lz4_bad_size",
         why="the stream's output must be the size its trailer says, as Xen requires"),
    dict(name="lz4-overlap-as-words",
         file="hyp/lz4.c",
         old="    while (n && (size_t)(dst - src) < 8) {\n",
         new="    while (n && (size_t)(dst - src) < 1) {\n",
         test="lz4_patterns_bzimage",
         why="a match closer than 8 bytes repeats its pattern, it is no word copy"),
    # Port I/O (pv/ioport.c): the privileged domain's deny list, the
    # privilege checks, the mediated PCI configuration and RTC paths.
    dict(name="ioport-pic-allowed",
         file="hyp/arch/x86/pv/ioport.c",
         old="    { 0x20, 0x21 }, { 0x40, 0x43 },",
         new="    { 0x40, 0x43 },",
         test="io_ports",
         why="the PIC is Vesper's: dom0 reads its mask as all ones"),
    dict(name="ioport-uart-allowed",
         file="hyp/arch/x86/pv/ioport.c",
         old="    unsigned int uart = serial_io_base(), pmt = pm_timer_port(), n;\n",
         new="    unsigned int uart = 0, pmt = pm_timer_port(), n;\n",
         test="io_ports",
         why="Vesper's console UART is never dom0's"),
    dict(name="ioport-domu-privileged",
         file="hyp/arch/x86/pv/ioport.c",
         old="           rangeset_contains(&d->arch.ioport_caps, first, last);\n",
         new="           (!d->is_privileged ||\n            rangeset_contains(&d->arch.ioport_caps, first, last));\n",
         test="io_ports_domu",
         why="an unprivileged domain reaches no real port"),
    dict(name="ioport-domu-pci",
         file="hyp/arch/x86/pv/ioport.c",
         old="    return d->is_privileged;\n}\n\n/* Size of the piece",
         new="    return true;\n}\n\n/* Size of the piece",
         test="io_ports_domu",
         why="an unprivileged domain gets no PCI configuration access"),
    dict(name="ioport-cf8-direct",
         file="hyp/arch/x86/pv/ioport.c",
         old="    outl(PCI_CONF_ADDR, d->arch.pci_cf8);\n    return port_in(",
         new="    return port_in(",
         test="io_ports",
         why="a configuration read uses the domain's own latched address"),
    dict(name="ioport-rtc-nolatch",
         file="hyp/arch/x86/pv/ioport.c",
         old="    if (port == RTC_INDEX)\n        return d->arch.cmos_idx;\n",
         new="",
         test="io_ports",
         why="port 0x70 reads back the domain's index latch, as on Xen"),
    dict(name="ioport-pmtimer-allowed",
         file="hyp/arch/x86/pv/ioport.c",
         old="    if (pmt)\n        rangeset_remove(p, pmt, pmt + 3);\n",
         new="    if (!pmt)\n        rangeset_remove(p, pmt, pmt + 3);\n",
         test="io_ports",
         why="the ACPI PM timer (from the FADT) is kept from dom0, as on Xen"),
    dict(name="string-io-df-ignored",
         file="hyp/arch/x86/pv/emulate.c",
         old="    step = (regs->rflags & X86_EFLAGS_DF) ? -(u64)size : size;\n",
         new="    step = size;\n",
         test="io_string",
         why="rep ins/outs step backwards under EFLAGS.DF"),
    dict(name="string-io-fault-advances",
         file="hyp/arch/x86/pv/emulate.c",
         old="                string_io_fault(v, regs, fault_byte(va, &val, size, true),\n                                true);\n                return 1;\n",
         new="                regs->rcx = 0;\n                string_io_fault(v, regs, fault_byte(va, &val, size, true),\n                                true);\n                return 1;\n",
         test="io_string",
         why="a faulting element leaves RCX at the elements still to do"),
    # physdev_op (hypercall/physdev.c): pirq bookkeeping, privilege.
    dict(name="physdev-gsi0-mappable",
         file="hyp/hypercall/physdev.c",
         old="    if (gsi == 0 || (d->arch.gsi_revoked & (1u << gsi)))\n",
         new="    if (d->arch.gsi_revoked & (1u << gsi))\n",
         test="physdev_irq",
         why="GSI 0 (the timer line) is never dom0's"),
    dict(name="physdev-free-pirq-from-0",
         file="hyp/hypercall/physdev.c",
         old="    for (int p = FIRST_DYNAMIC_PIRQ; p < NR_GSIS; p++)\n",
         new="    for (int p = 1; p < NR_GSIS; p++)\n",
         test="physdev_irq",
         why="Xen hands out GSI pirqs from 16 up"),
    dict(name="physdev-setup-gsi-twice",
         file="hyp/hypercall/physdev.c",
         old="    if (gsi_set_up & (1u << op.gsi))\n        return -EEXIST;\n",
         new="",
         test="physdev_irq",
         why="a programmed pin is -EEXIST (Linux: Already setup)"),
    dict(name="physdev-eoi-map-pagetable",
         file="hyp/hypercall/physdev.c",
         old="        (type != PGT_none && type != PGT_writable && pgt_count(pg)))\n",
         new="        (type == ~0UL && pgt_count(pg)))\n",
         test="physdev_irq",
         why="the EOI map must be a writable page, not a page table"),
    dict(name="physdev-map-domu",
         file="hyp/hypercall/physdev.c",
         old="    else if (!cur->is_privileged)\n        rc = -EPERM;\n",
         new="",
         test="physdev_irq_domu",
         why="only the hardware domain maps pirqs"),
    dict(name="physdev-apic-read-domu",
         file="hyp/hypercall/physdev.c",
         old="    if (!cur->is_privileged)\n        return -EPERM;\n    if (op.apic_physbase != IOAPIC_BASE)\n",
         new="    if (op.apic_physbase != IOAPIC_BASE)\n",
         test="physdev_irq_domu",
         why="a domU may not read the IOAPIC"),
    dict(name="physdev-unmap-keeps-irq",
         file="hyp/hypercall/physdev.c",
         old="    cur->arch.gsi_revoked |= 1u << gsi;\n",
         new="",
         test="physdev_irq",
         why="Xen takes the IRQ away from dom0 when it unmaps it"),
    dict(name="evtchn-bind-unmapped-pirq",
         file="hyp/evtchn.c",
         old="    if (!physdev_pirq_mapped(d, b->pirq))\n        return -EPERM;\n",
         new="",
         test="physdev_irq",
         why="only a mapped pirq can be bound"),
    # grant tables (issues 11/12)
    dict(name="gnt-any-grantee",
         file="hyp/hypercall/grant_table.c",
         old="((flags & mask) != GTF_permit_access || dom != ldom))",
         new="((flags & mask) != GTF_permit_access || (dom != ldom && 0)))",
         test="gnt_basic",
         why="a grant names the one domain that may use it"),
    dict(name="gnt-readonly-writable",
         file="hyp/hypercall/grant_table.c",
         old="            if (flags & GTF_readonly)\n                return GNTST_general_error;\n",
         new="",
         test="gnt_basic",
         why="a read-only grant is never mapped or copied into writably"),
    dict(name="gnt-no-writable-type",
         file="hyp/hypercall/grant_table.c",
         old="    if (!ro && !arch_gnttab_get_writable(pg)) {",
         new="    if (0 && !arch_gnttab_get_writable(pg)) {",
         test="gnt_basic",
         why="a page table must never be mapped writable through a grant"),
    dict(name="gnt-unmap-any-pte",
         file="hyp/arch/x86/pv/grant_map.c",
         old="        ((cur & PTE_ADDR_MASK) >> PAGE_SHIFT) != mfn ||\n",
         new="",
         test="gnt_basic",
         why="unmap must find the granted frame at host_addr (XSA-234)"),
    dict(name="gnt-status-kept",
         file="hyp/hypercall/grant_table.c",
         old="    if (clear)\n",
         new="    if (0)\n",
         test="gnt_basic",
         why="GTF_reading/GTF_writing go when the last pin does"),
    dict(name="gnt-copy-past-end",
         file="hyp/hypercall/grant_table.c",
         old="    if (!rc && ((u32)op->source.offset + op->len > PAGE_SIZE ||",
         new="    if (!rc && ((u32)op->source.offset + op->len > 2 * PAGE_SIZE ||",
         test="gnt_basic",
         why="a copy never crosses its source page's end"),
    dict(name="gnt-copy-foreign-frame",
         file="hyp/hypercall/grant_table.c",
         old="    if (id != DOMID_SELF && !is_gref)",
         new="    if (0 && !is_gref)",
         test="gnt_xdom",
         why="frames by number are the caller's own only (DOMID_SELF)"),
    dict(name="gnt-setup-other-domain",
         file="hyp/hypercall/grant_table.c",
         old="    return ld == d || ld->is_privileged;",
         new="    return true;",
         test="gnt_xdom",
         why="only the privileged domain manages another's table"),
    dict(name="gnt-unmap-twice",
         file="hyp/hypercall/grant_table.c",
         old="        m->flags &= ~GNTMAP_host_map;\n",
         new="",
         test="gnt_basic",
         why="a handle unmaps once; the second is GNTST_bad_handle"),
    dict(name="gnt-frames-unaudited",
         file="hyp/arch/x86/pv/mmu.c",
         old="            holds[nh++] = (struct pv_audit_hold){ gf[i], 1, 1 };\n",
         new="            holds[nh++] = (struct pv_audit_hold){ gf[i], 0, 0 };\n",
         test="gnt_basic",
         why="the auditor must know Vesper's hold on every grant frame"),
    dict(name="gnt-mapper-death-keeps-pins",
         file="hyp/domain.c",
         old="    gnttab_release_mappings(d);\n",
         new="",
         test="gnt_xdom",
         why="a mapper's death releases its pins on the granter's entries"),
    dict(name="gnt-no-zombie",
         file="hyp/arch/x86/pv/mmu.c",
         old="(d->state != DOM_RUNNING && !d->zombie)",
         new="(d->state != DOM_RUNNING)",
         test="gnt_xdom",
         why="a zombie goes, and its frames with it, once the last mapping does"),
    # PV builder layout (INIT_P2M, MOD_START_PFN) as Xen's builders.
    dict(name="builder-p2m-ignored",
         file="hyp/arch/x86/pv/dom_build.c",
         old="    l->p2m_separate = xn->has_init_p2m;\n",
         new="    l->p2m_separate = false;\n",
         test="boot_layout",
         why="with INIT_P2M, mfn_list is the note's address"),
    dict(name="builder-initrd-mapped",
         file="hyp/arch/x86/pv/dom_build.c",
         old="    l->initrd_unmapped = xn->mod_start_pfn_ok && initrd_len;\n",
         new="    l->initrd_unmapped = false;\n",
         test="boot_layout",
         why="with MOD_START_PFN the initrd is pfns outside the region"),
    dict(name="builder-dom0-no-pow2",
         file="hyp/arch/x86/pv/dom_build.c",
         old="        l->initrd_pfn = 1UL\n                        << order_of_bytes(",
         new="        l->initrd_pfn = l->nr_boot + 0 *\n                        order_of_bytes(",
         test="boot_layout",
         why="Xen's dom0 builder allocates the region as a power of two"),
    dict(name="builder-no-first-p2m-pfn",
         file="hyp/arch/x86/pv/dom_build.c",
         old="    si->first_p2m_pfn = b.l.first_p2m_pfn;\n",
         new="",
         test="boot_layout_nonote",
         why="Xen's dom0 builder sets first_p2m_pfn even without INIT_P2M"),
    dict(name="builder-no-mod-start-pfn-flag",
         file="hyp/arch/x86/pv/dom_build.c",
         old="        si->flags |= SIF_MOD_START_PFN;\n",
         new="",
         test="boot_layout",
         why="mod_start is a pfn, and the flag says so"),
    dict(name="builder-domu-mod-len-exact",
         file="hyp/arch/x86/pv/dom_build.c",
         old="a->privileged ? a->initrd_len : ALIGN_UP(a->initrd_len, PAGE_SIZE);",
         new="a->initrd_len;",
         test="boot_layout_domu",
         why="the toolstack hands a domU its module in whole pages"),
    dict(name="builder-pad-2m",
         file="hyp/arch/x86/pv/dom_build.c",
         old="        l->vend = ALIGN_UP(l->vstack_end + (512UL << 10), 4UL << 20);\n",
         new="        l->vend = ALIGN_UP(l->vstack_end + (512UL << 10), 2UL << 20);\n",
         test="boot_layout",
         why="the region ends on a 4 MiB boundary"),
    dict(name="builder-p2m-unfilled",
         file="hyp/arch/x86/pv/dom_build.c",
         old="        fill_p2m_page(b, pfn_va(b, data), k);\n",
         new="",
         test="boot_layout",
         why="the separate P2M holds every pfn's frame"),

    # XENMEM_exchange and the address-limited allocator.
    dict(name="exch-limit-ignored",
         file="hyp/page_alloc.c",
         old="        if (page_to_mfn(pg) + (1UL << order) <= limit)\n",
         new="        if (limit)\n",
         test="mem_exchange",
         why="address_bits 30 puts the order-9 extent below 1 GiB"),
    dict(name="exch-steal-mapped",
         file="hyp/arch/x86/pv/mmu.c",
         old="pg->count_info != (PGC_allocated | 1))",
         new="!(pg->count_info & PGC_allocated))",
         test="mem_exchange",
         why="a frame anything else holds is not the guest's to trade"),
    dict(name="exch-not-zeroed",
         file="hyp/hypercall/memory.c",
         old="                memset(mfn_to_virt(page_to_mfn(pg) + k), 0, PAGE_SIZE);\n",
         new="",
         test="mem_exchange",
         why="new frames never carry old contents"),
    dict(name="exch-no-m2p",
         file="hyp/hypercall/memory.c",
         old="            arch_m2p_set(mfn + k, have_gpfn ? gpfn + k : ~0UL);\n",
         new="",
         test="mem_exchange",
         why="the new frames' M2P entries are the out list's gpfns"),
    dict(name="exch-restart-at-0",
         file="hyp/hypercall/memory.c",
         old="    start = x.nr_exchanged >> in_chunk;\n",
         new="    start = 0;\n",
         test="mem_exchange",
         why="work resumes at nr_exchanged"),
    dict(name="exch-no-unsteal",
         file="hyp/hypercall/memory.c",
         old="            exch_unsteal(d, &in);\n",
         new="            (void)exch_unsteal;\n",
         test="mem_exchange",
         why="a failed chunk's frames go back to the guest"),
    dict(name="exch-partial-count",
         file="hyp/hypercall/memory.c",
         old="    x.nr_exchanged = rc ? i << in_chunk : x.in.nr_extents;\n",
         new="    x.nr_exchanged = rc ? 0 : x.in.nr_extents;\n",
         test="mem_exchange",
         why="a refusal part-way reports the chunks already done"),

    # Periodic timer only while the vCPU is on a CPU (h-block)
    dict(name="periodic-runs-while-blocked",
         file="hyp/schedule.c",
         old="            arch_save_vcpu(prev);\n            vcpu_periodic_switch_out(prev);\n            runstate_set(prev, stopped_state(prev), arch_now_ns());\n",
         new="            arch_save_vcpu(prev);\n            runstate_set(prev, stopped_state(prev), arch_now_ns());\n",
         test="sched_periodic_block",
         why="Xen stops a descheduled vCPU's periodic timer: it never ends a block"),

    dict(name="physmap-enosys",
         file="hyp/hypercall/memory.c",
         old="            return -ENOSYS;\n        return -EACCES;\n    case XENMEM_add_to_physmap_batch:\n",
         new="            return -ENOSYS;\n        return -ENOSYS;\n    case XENMEM_add_to_physmap_batch:\n",
         test="mem_physmap",
         why="a PV caller's add_to_physmap is -EACCES in Xen 4.17, not unknown"),

    dict(name="no-default-period",
         file="hyp/domain.c",
         old="        v->periodic_period = VCPU_DEFAULT_PERIOD_NS;\n",
         new="",
         test="timer_default_period",
         why="Xen ticks VIRQ_TIMER at 100 Hz until the guest stops it"),

    dict(name="ldt-no-lazy-map",
         file="hyp/arch/x86/pv/mmu.c",
         old="    v->arch.ldt_frames[page] = mfn;\n    ldt_map_page(page, mfn);\n    return 1;\n",
         new="    put_page_and_type(mfn_to_page(mfn), &c);\n    return -1;\n",
         test="ldt_lazy",
         why="Xen maps an LDT page the guest may use on its first use"),

    dict(name="baseptr-keeps-ldt",
         file="hyp/arch/x86/pv/mmu.c",
         old="        if (!user && mfn != old)\n            pv_unmap_ldt(v, c);\n",
         new="",
         test="ldt_baseptr",
         why="Xen's new_guest_cr3 drops the LDT's mapped pages"),

    dict(name="domctl-no-priv",
         file="hyp/hypercall/domctl.c",
         old="    if (!cur->is_privileged)\n        return -EPERM;\n",
         new="",
         test="ctl_domu",
         why="only the privileged domain may use domctl, as Xen's XSM default"),

    dict(name="sysctl-no-priv",
         file="hyp/hypercall/sysctl.c",
         old="    if (!current_domain()->is_privileged)\n        return -EPERM;\n",
         new="",
         test="ctl_domu",
         why="only the privileged domain may use sysctl"),

    dict(name="dominf-shutdown-code-zero",
         file="hyp/hypercall/domctl.c",
         old="    code = d->state == DOM_SHUTDOWN ? d->shutdown_code : SHUTDOWN_CODE_NONE;\n",
         new="    code = d->shutdown_code;\n",
         test="ctl_query",
         why="Xen reports ~0 as a live domain's shutdown code"),

    dict(name="pause-not-counted",
         file="hyp/hypercall/domctl.c",
         old="    if (--d->ctrl_pauses)\n        return 0;\n",
         new="    d->ctrl_pauses = 0;\n",
         test="ctl_domu",
         why="Xen counts the control domain's pauses"),

    dict(name="destroydomain-noop",
         file="hyp/hypercall/domctl.c",
         old="    d->state = DOM_DYING;\n",
         new="    return 0;\n",
         test="ctl_create",
         why="XEN_DOMCTL_destroydomain takes the domain away"),

    dict(name="createdomain-unpaused",
         file="hyp/hypercall/domctl.c",
         old="    pause_domain(d);\n    op->domain = id;\n",
         new="    op->domain = id;\n",
         test="ctl_create",
         why="Xen creates a domain paused once for the toolstack"),

    dict(name="max-vcpus-hidden",
         file="hyp/hypercall/domctl.c",
         old="        d->vcpus_pending = false;\n",
         new="",
         test="ctl_create",
         why="XEN_DOMCTL_max_vcpus makes a new domain's vCPUs appear"),

    dict(name="foreign-populate-refused",
         file="hyp/hypercall/memory.c",
         old="    *t = cur->is_privileged ? domain_by_id(r->domid) : NULL;\n",
         new="    *t = NULL;\n",
         test="ctl_create",
         why="the privileged domain populates another domain's memory"),

    dict(name="hypercall-init-any-type",
         file="hyp/arch/x86/pv/dom_build.c",
         old="    if (get_page_type(pg, PGT_writable, &c)) {\n        put_page(pg);\n        return -EPERM;\n    }\n    write_hypercall_page(pv_frame_map(mfn));\n    put_page_and_type(pg, &c);\n",
         new="    write_hypercall_page(pv_frame_map(mfn));\n    put_page(pg);\n",
         test="ctl_query",
         why="XEN_DOMCTL_hypercall_init writes only a frame that may be writable"),

    dict(name="hard-affinity-ignored",
         file="hyp/schedule.c",
         old="        return -EBUSY;\n    v->affinity = mask;\n",
         new="        return -EBUSY;\n",
         test="ctl_query",
         why="XEN_DOMCTL_setvcpuaffinity's hard set decides where the vCPU runs"),

    dict(name="evtchn-port-limit-ignored",
         file="hyp/evtchn.c",
         old="        if (port > e->port_limit)\n            break;\n",
         new="",
         test="ctl_create",
         why="createdomain's max_evtchn_port caps the ports a domain gets"),

    dict(name="foreign-pin-refused",
         file="hyp/arch/x86/pv/mmu.c",
         old="    if (pgo != d && !d->is_privileged)\n        return -EPERM;\n    pv_mm_ctx_init(&c, d, v);\n    set_pg_owner(&c, d, pgo);\n",
         new="    if (pgo != d)\n        return -EPERM;\n    pv_mm_ctx_init(&c, d, v);\n    set_pg_owner(&c, d, pgo);\n",
         test="ctl_build",
         why="a toolstack pins a domain's tables with mmuext_op's foreign domain"),

    dict(name="setvcpucontext-tables-swapped",
         file="hyp/arch/x86/pv/hypercalls.c",
         old="    if (v->initialised && !same_tables(a, g))\n",
         new="    if (v->initialised && !same_tables(a, g) && 0)\n",
         test="ctl_build",
         why="a vCPU with a context keeps its page tables (Xen's -EOPNOTSUPP)"),

    dict(name="toolstack-domain-reaped",
         file="hyp/schedule.c",
         old="            (d->state == DOM_SHUTDOWN && d->toolstack_owned && ctl &&\n",
         new="            (d->state == DOM_SHUTDOWN && !d->toolstack_owned && ctl &&\n",
         test="ctl_build",
         why="a domain the toolstack made stays, shut down, until it is destroyed"),

    dict(name="pause-not-waited",
         file="hyp/schedule.c",
         old="        if (!busy)\n            return true;\n",
         new="        if (busy || !busy)\n            return true;\n",
         test="ctl_build",
         why="pausedomain and getvcpucontext wait until the vCPU is off its CPU"),

    dict(name="cputopo-count-ignored",
         file="hyp/hypercall/sysctl.c",
         old="        n = MIN(n, ti->num_cpus);\n",
         new="",
         test="ctl_sysinfo",
         why="cputopoinfo writes no more entries than the caller's array holds"),

    dict(name="cpu-policy-nobufs-ignored",
         file="hyp/arch/x86/cpu_policy.c",
         old="    if (o->cur == o->nr)\n        return -ENOBUFS;\n",
         new="    if (o->cur == o->nr)\n        return 0;\n",
         test="ctl_sysinfo",
         why="a policy that does not fit the caller's array is -ENOBUFS"),

    dict(name="cpu-policy-max-leaf-unchecked",
         file="hyp/arch/x86/cpu_policy.c",
         old="    if (p->basic[0].a > max->basic[0].a) {\n",
         new="    if (p->basic[0].a > max->basic[0].a + 1) {\n",
         test="ctl_sysinfo",
         why="set_cpu_policy refuses a max leaf above the PV max (-EINVAL, err_leaf 0)"),

    dict(name="cpu-policy-features-widened",
         file="hyp/arch/x86/cpu_policy.c",
         old="    p->basic[1].c &= max->basic[1].c;\n",
         new="",
         test="ctl_sysinfo",
         why="feature bits beyond the PV max are dropped from a set policy"),

    dict(name="cpu-policy-set-after-run",
         file="hyp/hypercall/domctl.c",
         old="    if (d->arch.creation_finished)\n        return -EEXIST;\n",
         new="",
         test="ctl_sysinfo",
         why="a domain's policy is fixed once it has been unpaused"),

    dict(name="cpuid-not-from-policy",
         file="hyp/arch/x86/pv/emulate.c",
         old="        cpu_policy_cpuid(&v->domain->arch.cpu_policy, leaf, sub, &r);\n",
         new="        cpuid_count(leaf, sub, &r.a, &r.b, &r.c, &r.d);\n",
         test="ctl_sysinfo",
         why="a PV guest's CPUID is what its policy says"),

    dict(name="tsc-incarnation-not-bumped",
         file="hyp/hypercall/domctl.c",
         old="    d->arch.tsc_incarnation = t->incarnation + 1;\n",
         new="    d->arch.tsc_incarnation = t->incarnation;\n",
         test="ctl_sysinfo",
         why="settscinfo stores incarnation + 1, as Xen's tsc_set_info"),

    dict(name="iomem-caller-rights-unchecked",
         file="hyp/hypercall/domctl.c",
         old="    if (!rangeset_contains(&cur->arch.iomem_caps, first, last))\n        return -EPERM;\n",
         new="",
         test="ctl_sysinfo",
         why="iomem_permission grants only frames the caller holds itself"),

    dict(name="iomem-caps-not-enforced",
         file="hyp/arch/x86/pv/pagetype.c",
         old="        if (ctx->io_caps && !rangeset_contains(ctx->io_caps, mfn, mfn))\n            return -EPERM;\n",
         new="",
         test="ctl_sysinfo",
         why="a revoked I/O frame can no longer be mapped"),

    dict(name="ioport-revoke-ignored",
         file="hyp/hypercall/domctl.c",
         old="               : rangeset_remove(&d->arch.ioport_caps, first, end - 1);\n",
         new="               : 0;\n",
         test="ctl_sysinfo",
         why="a revoked port no longer reaches the hardware"),

    dict(name="createdomain-grant-limits-ignored",
         file="hyp/hypercall/domctl.c",
         old="    gnttab_set_limits(d, op->u.createdomain.max_grant_frames,\n",
         new="    gnttab_set_limits(d, -1,\n",
         test="gnt_xdom_built",
         why="createdomain's max_grant_frames is the table's limit"),

    dict(name="claim-not-consumed",
         file="hyp/hypercall/memory.c",
         old="        if (d->outstanding_pages) {\n            u64 dec",
         new="        if (0) {\n            u64 dec",
         test="ctl_create",
         why="populating a domain uses up its XENMEM_claim_pages claim"),

    dict(name="soft-affinity-ignored",
         file="hyp/sched_credit.c",
         old="    return s == m ? 0 : s;\n",
         new="    return 0 * s;\n",
         test="ctl_query",
         why="the scheduler prefers a vCPU's soft affinity when it can"),

    dict(name="time-record-not-refreshed",
         file="hyp/schedule.c",
         old="                time_vcpu_refresh(next);\n",
         new="",
         test="pvclock",
         why="a vCPU's wiped time record is rewritten when it is scheduled in"),

    dict(name="zombie-grants-unreachable",
         file="hyp/hypercall/grant_table.c",
         old="    rd = domain_by_id_or_zombie(op->dom);\n",
         new="    rd = domain_by_id(op->dom);\n",
         test="gnt_xdom",
         why="a dead domain's grants of frames it still holds map, as on Xen"),

    dict(name="grant-device-ref-kept-at-death",
         file="hyp/hypercall/grant_table.c",
         old="            if (!ro)\n                arch_gnttab_put_writable(pg);\n            arch_put_page(pg);\n        }\n",
         new="            (void)pg;\n        }\n",
         test="gnt_xdom",
         why="a dead mapper's device mappings give their references back"),

    dict(name="grant-device-host-one-ref",
         file="hyp/hypercall/grant_table.c",
         old="    if (dev && host && !arch_get_page(pg, rd)) {\n",
         new="    if (0) {\n",
         test="gnt_basic",
         why="a handle mapped for host and device holds a reference for each"),

    dict(name="hvm-npf-outside-ram-ignored",
         file="hyp/arch/x86/hvm/svm/svm.c",
         old="                 (unsigned long long)(v->domain->arch.hvm->ram_pfns * 4));\n        svm_crash(v, why);\n",
         new="                 (unsigned long long)(v->domain->arch.hvm->ram_pfns * 4));\n",
         test="hvm_npf",
         why="an HVM guest touching GPA outside its RAM is crashed, with a dump"),

    dict(name="hvm-triple-fault-ignored",
         file="hyp/arch/x86/hvm/svm/svm.c",
         old="        svm_crash(v, \"triple fault (shutdown)\");\n",
         new="        (void)svm_skip;\n",
         test="hvm_triple",
         why="a triple fault (SHUTDOWN intercept) crashes only that HVM domain"),

    dict(name="hvm-ioports-open",
         file="hyp/arch/x86/hvm/svm/svm.c",
         old="    memset(h->iopm, 0xff, 4 * PAGE_SIZE);\n",
         new="    memset(h->iopm, 0, 4 * PAGE_SIZE);\n",
         test="hvm_modes",
         why="every port of an HVM guest is intercepted: it reaches no host "
             "device (port 0xE9 then never reaches the console)"),

    dict(name="hvm-msrs-open",
         file="hyp/arch/x86/hvm/svm/svm.c",
         old="    memset(h->msrpm, 0xff, 2 * PAGE_SIZE);\n",
         new="    memset(h->msrpm, 0, 2 * PAGE_SIZE);\n",
         test="hvm_modes",
         why="EFER and the other host MSRs are intercepted: the guest never "
             "sees EFER.SVME"),

    dict(name="hvm-cpuid-not-xen",
         file="hyp/arch/x86/cpu_policy.c",
         old="        r->c = 0x65584d4d; /* \"MMXe\" */\n",
         new="        r->c = 0x65584d4e;\n",
         test="hvm_cpuid",
         why="an HVM guest's CPUID leaf 0x40000000 is Xen's XenVMMXenVMM"),

    dict(name="pv-efer-svme-shown",
         file="hyp/arch/x86/pv/emulate.c",
         old="        *val = rdmsr(MSR_EFER) & ~EFER_SVME;\n",
         new="        *val = rdmsr(MSR_EFER);\n",
         test="hvm_modes",
         why="a PV guest's EFER never shows the SVME that HVM guests need"),

    dict(name="hvm-intr-if-ignored",
         file="hyp/arch/x86/hvm/intr.c",
         old="    if (hvm_funcs->event_pending(v) || hvm_funcs->intr_blocked(v)) {\n",
         new="    if (hvm_funcs->event_pending(v)) {\n",
         test="hvm_lapic_timer",
         why="an interrupt is not injected while RFLAGS.IF is clear: it "
             "waits in IRR until STI"),

    dict(name="vlapic-tpr-ignored",
         file="hyp/arch/x86/hvm/vlapic.c",
         old="    if (irr < 0 || ((u32)irr & 0xf0) <= (ppr(l) & 0xf0))\n        return -1;\n",
         new="    if (irr < 0)\n        return -1;\n",
         test="hvm_lapic_timer",
         why="a vector whose class is not above PPR (TPR) stays in IRR"),

    dict(name="vlapic-divider-ignored",
         file="hyp/arch/x86/hvm/vlapic.c",
         old="    return val == 7 ? 1 : 2U << val;\n",
         new="    return val == 7 ? 1 : 1U + 0 * val;\n",
         test="hvm_lapic_timer",
         why="the timer counts at 100 MHz divided by TDCR's divisor (a "
             "divide-by-2 timer at 50 Hz)"),

    dict(name="vlapic-oneshot-repeats",
         file="hyp/arch/x86/hvm/vlapic.c",
         old="    hvm_pt_start(&l->timer, period, periodic ? period : 0);\n",
         new="    hvm_pt_start(&l->timer, period, period);\n",
         test="hvm_lapic_timer",
         why="a one-shot LVT timer fires once"),

    dict(name="vpit-period-doubled",
         file="hyp/arch/x86/hvm/vpit.c",
         old="    period = (val * NS_PER_S + PIT_HZ / 2) / PIT_HZ;\n",
         new="    period = (2 * val * NS_PER_S + PIT_HZ / 2) / PIT_HZ;\n",
         test="hvm_pit_rtc",
         why="channel 0's IRQ0 period is the reload value at 1.193182 MHz"),

    dict(name="vpit-out2-early",
         file="hyp/arch/x86/hvm/vpit.c",
         old="    default:\n        return d >= c->count;\n",
         new="    default:\n        return d >= c->count / 4;\n",
         test="hvm_pit_rtc",
         why="mode 0's OUT rises when the count runs out, not before"),

    dict(name="vrtc-no-bcd",
         file="hyp/arch/x86/hvm/vrtc.c",
         old="    return (r->cmos[REG_B] & B_BINARY) ? (u8)v : (u8)(((v / 10) << 4) | v % 10);\n",
         new="    return (r->cmos[REG_B] & B_BINARY) ? (u8)v : (u8)v;\n",
         test="hvm_pit_rtc",
         why="with register B's DM bit clear the time registers are BCD"),

    dict(name="vpmtimer-wrong-rate",
         file="hyp/arch/x86/hvm/vpmtimer.c",
         old="#define PMTIMER_HZ 3579545ULL\n",
         new="#define PMTIMER_HZ 1193182ULL\n",
         test="hvm_pit_rtc",
         why="the ACPI PM timer counts at 3.579545 MHz (the guest times "
             "PIT and RTC against it)"),

    dict(name="hvm-in-not-merged",
         file="hyp/arch/x86/hvm/hvm.c",
         old="    return size == 4 ? val : (rax & ~mask) | (val & mask);\n",
         new="    return size == 4 ? val : (rax & ~mask) | (rax & mask);\n",
         test="hvm_pit_rtc",
         why="an IN's value lands in AL/AX/EAX"),

    dict(name="hvm-in-upper-rax-clobbered",
         file="hyp/arch/x86/hvm/hvm.c",
         old="    return size == 4 ? val : (rax & ~mask) | (val & mask);\n",
         new="    return size == 4 ? val : (0 & rax & ~mask) | (val & mask);\n",
         test="hvm_pit_rtc",
         why="IN AL/AX keeps the rest of RAX"),

    dict(name="ioreq-range-end-exclusive",
         file="hyp/arch/x86/hvm/ioreq.c",
         old="            rangeset_contains(&s->range[type], p->addr, p->addr + p->size - 1))\n",
         new="            rangeset_contains(&s->range[type], p->addr, p->addr + p->size))\n",
         test="hvm_uart",
         why="an ioreq server's ranges are inclusive: 0x3f8-0x3ff claims "
             "the scratch register at 0x3ff"),

    dict(name="ioreq-overlap-exclusive",
         file="hyp/arch/x86/hvm/ioreq.c",
         old="        if (rs->r[i].s <= e && s <= rs->r[i].e)\n",
         new="        if (rs->r[i].s < e && s < rs->r[i].e)\n",
         test="hvm_uart",
         why="a range touching a claimed one's inclusive end is -EEXIST"),

    dict(name="ioreq-slot-not-reset",
         file="hyp/arch/x86/hvm/ioreq.c",
         old="        slot->state = STATE_IOREQ_NONE;\n        vcpu_unpause_flag(v, VPF_blocked_in_hyp);\n        return io_done(io, data, done);\n",
         new="        vcpu_unpause_flag(v, VPF_blocked_in_hyp);\n        return io_done(io, data, done);\n",
         test="hvm_uart",
         why="taking the answer returns the slot to STATE_IOREQ_NONE for "
             "the next request"),

    dict(name="ioreq-resume-before-response",
         file="hyp/arch/x86/hvm/ioreq.c",
         old="    case STATE_IOREQ_READY:\n    case STATE_IOREQ_INPROCESS:\n        return -1;\n",
         new="    case STATE_IOREQ_READY:\n    case STATE_IOREQ_INPROCESS:\n        vcpu_unpause_flag(v, VPF_blocked_in_hyp);\n        return io_done(io, ~0ULL, done);\n",
         also=[("hyp/arch/x86/hvm/ioreq.c",
                "    /* Off the CPU before the emulator can see the request. */\n    vcpu_pause_flag(v, VPF_blocked_in_hyp);\n",
                "")],
         test="hvm_uart",
         why="a vCPU waiting on its device model resumes only at "
             "STATE_IORESP_READY, with the model's answer"),

    dict(name="dm-op-unprivileged",
         file="hyp/hypercall/dm_op.c",
         old="    if (!cd->is_privileged)\n        return -EPERM;\n",
         new="",
         test="hvm_uart",
         why="only the control domain may act as a device model (Xen's "
             "XSM_DM_PRIV): domain 2's dm_op is -EPERM"),

    dict(name="dm-op-arg-size-unchecked",
         file="hyp/hypercall/dm_op.c",
         old="    if (size < hdr + op_size[op.op] ||\n",
         new="    if (size < hdr ||\n",
         test="hvm_uart",
         why="a buffer shorter than the op's argument is -EFAULT"),

    dict(name="dm-op-create-pad-unchecked",
         file="hyp/hypercall/dm_op.c",
         old="        if (c->pad[0] || c->pad[1] || c->pad[2])\n",
         new="        if (c->pad[0] || c->pad[2])\n",
         test="hvm_uart",
         why="create_ioreq_server's pad bytes must be zero (-EINVAL)"),

    dict(name="vpic-mask-ignored",
         file="hyp/arch/x86/hvm/vpic.c",
         old="    u8 mask = c->irr & ~c->imr;\n",
         new="    u8 mask = c->irr;\n",
         test="hvm_pit_rtc",
         why="an IRQ masked in the 8259's IMR is held until unmasked"),

    dict(name="multiboot-mem-upper-wrong",
         file="hyp/arch/x86/hvm/hvm_load.c",
         old="    wr32(info + 8, (u32)((a->mem_bytes - HIGH_MEM) >> 10));\n",
         new="    wr32(info + 8, (u32)((a->mem_bytes) >> 10));\n",
         test="hvm_multiboot",
         why="multiboot mem_upper is the KiB of RAM above 1 MiB"),

    dict(name="hvm-vcpu-context-as-pv",
         file="hyp/hypercall/domctl.c",
         old="    if (is_hvm_domain(d))\n        return -EOPNOTSUPP;\n    v = d->vcpu[vc->vcpu];\n    g = vc->ctxt",
         new="    v = d->vcpu[vc->vcpu];\n    g = vc->ctxt",
         test="hvm_uart",
         why="an HVM vCPU is never loaded with a PV context"),

    dict(name="vcpu-ctx-ldt-dropped",
         file="hyp/arch/x86/pv/hypercalls.c",
         old="    a->ldt_ents = (unsigned int)g->ldt_ents;\n",
         new="    a->ldt_ents = 0;\n",
         test="ldt_vcpu_ctx",
         why="VCPUOP_initialise takes the context's LDT, as Xen does"),

    dict(name="sif-pm-missing",
         file="hyp/arch/x86/pv/dom_build.c",
         old="    if (a->privileged)\n        si->flags |= ((XEN_PROCESSOR_PM_CX",
         new="    if (!a)\n        si->flags |= ((XEN_PROCESSOR_PM_CX",
         test="dom0_sif_pm",
         why="Xen 4.17's dom0 start_info carries its C/P-state bits"),

    dict(name="vgcf-online-ignored",
         file="hyp/hypercall/vcpu.c",
         old="    if (online) {\n        vcpu_pause_flag(v, VPF_unwoken);\n",
         new="    if (online && 0) {\n        vcpu_pause_flag(v, VPF_unwoken);\n",
         test="vgcf_online",
         why="Xen marks a VGCF_online context up without waking it"),

    dict(name="extable-no-np",
         file="hyp/arch/x86/traps.c",
         old="                                     vec == TRAP_NP || vec == TRAP_SS)) {\n",
         new="                                     vec == TRAP_SS)) {\n",
         test="segbase_np",
         why="a not-present selector in set_segment_base must not panic Vesper"),
]
print_lock = threading.Lock()


def say(msg):
    with print_lock:
        print(msg, flush=True)


def repo_files():
    out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached",
                          "--others", "--exclude-standard"],
                         stdout=subprocess.PIPE, check=True).stdout
    # A file deleted in the working tree is still listed as cached.
    return sorted({p for p in out.decode().split("\0")
                   if p and os.path.isfile(os.path.join(ROOT, p))})


def copy_tree(files, dst):
    for rel in files:
        target = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        # copy2 keeps mtimes, so make trusts the build copied alongside.
        shutil.copy2(os.path.join(ROOT, rel), target, follow_symlinks=False)


def build(tree, jobs):
    proc = subprocess.run(["make", "-C", tree, "--no-print-directory",
                           "-j%d" % jobs, "hyp", "guests", "BUILD=build"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    return proc.returncode == 0, proc.stdout


def run_tests(tree, tests, timeout):
    """Runs tests/run.py in tree; returns {test: PASS|FAIL|SKIP}, output."""
    cmd = [sys.executable, os.path.join(tree, "tests", "run.py"),
           "--build", os.path.join(tree, "build"), "--timeout", str(timeout),
           "-j", "1"] + list(tests)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    results = {}
    for line in proc.stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("PASS", "FAIL", "SKIP") \
                and words[1] in tests:
            results[words[1]] = words[0]
    return results, proc.stdout


def apply(tree, m):
    """Returns None, or why the mutation cannot be applied.

    m["also"], if there, lists more (file, old, new) edits of the same
    mutation: for a rule Vesper enforces at two places on purpose."""
    edits = [(m["file"], m["old"], m["new"])] + [tuple(e) for e in
                                                  m.get("also", [])]
    texts = {}
    for file, old, new in edits:
        path = os.path.join(tree, file)
        if file not in texts:
            try:
                with open(path, encoding="utf-8") as f:
                    texts[file] = f.read()
            except OSError as e:
                return "cannot read %s: %s" % (file, e.strerror)
        count = texts[file].count(old)
        if count == 0:
            return "pattern not found in %s" % file
        if count > 1:
            return "pattern occurs %d times in %s" % (count, file)
        texts[file] = texts[file].replace(old, new)
    for file, text in texts.items():
        with open(os.path.join(tree, file), "w", encoding="utf-8") as f:
            f.write(text)
    return None


def tail(text, n=25):
    return "\n".join(text.rstrip().splitlines()[-n:])


def first_failure(tree, test, runner_out):
    """The first failed check in the guest's log, else the runner's reason."""
    log = os.path.join(tree, "build", "test-logs", test + ".hyp.log")
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    # A failed check, else the hypervisor's word on a crashed domain.
    for pattern in (r"FAIL: (.*)", r"(domain \d+ crashed: .*)"):
        for line in lines:
            m = re.search(pattern, line)
            if m:
                return m.group(1).strip()
    for line in runner_out.splitlines():
        if line.startswith("FAIL ") and test in line.split():
            return line.split(None, 2)[2].strip()
    return "failed"


def run_mutant(base, work, m, args):
    """Returns (ok, message)."""
    tree = os.path.join(work, m["name"])
    shutil.copytree(base, tree, symlinks=True)
    try:
        err = apply(tree, m)
        if err:
            return False, "mutation %s: %s" % (m["name"], err)
        ok, out = build(tree, 1)
        if not ok:
            return False, ("mutation %s: does not build, so it proves "
                           "nothing\n%s" % (m["name"], tail(out)))
        results, out = run_tests(tree, [m["test"]], args.timeout)
        status = results.get(m["test"])
        if status == "FAIL":
            return True, "mutation %s: killed by %s (%s)" % (
                m["name"], m["test"], first_failure(tree, m["test"], out))
        if status == "PASS":
            return False, ("mutation %s: SURVIVED (%s still passes; it should "
                           "check that %s)" % (m["name"], m["test"], m["why"]))
        return False, ("mutation %s: %s gave no verdict\n%s"
                       % (m["name"], m["test"], tail(out)))
    finally:
        if not args.keep:
            shutil.rmtree(tree, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(
        description="Break the hypervisor on purpose; a guest test must fail.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("-j", "--jobs", type=int, default=2,
                    help="mutants built and run at once (default 2)")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="run only this mutation (repeatable)")
    ap.add_argument("--timeout", type=float, default=20.0,
                    help="seconds per guest test run (default 20)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary trees (paths are printed)")
    ap.add_argument("--list", action="store_true", help="list the mutations")
    args = ap.parse_args()

    mutations = MUTATIONS
    if args.only:
        unknown = set(args.only) - {m["name"] for m in MUTATIONS}
        if unknown:
            ap.error("no such mutation: %s" % ", ".join(sorted(unknown)))
        mutations = [m for m in MUTATIONS if m["name"] in args.only]
    if args.list:
        for m in mutations:
            print("%-28s %-32s -> %s must fail" % (m["name"], m["file"],
                                                   m["test"]))
        return 0

    start = time.monotonic()
    passed = failed = 0
    work = tempfile.mkdtemp(prefix="vesper-mutation-")
    try:
        base = os.path.join(work, "base")
        copy_tree(repo_files(), base)
        ok, out = build(base, max(2, args.jobs))
        if not ok:
            say("baseline: the unmutated tree does not build\n" + tail(out))
            say("0 passed, 1 failed")
            return 1
        tests = sorted({m["test"] for m in mutations})
        results, out = run_tests(base, tests, args.timeout)
        bad = [t for t in tests if results.get(t) != "PASS"]
        if bad:
            # From the first failure on: the runner's log tail follows it.
            lines = out.splitlines()
            first = next((i for i, l in enumerate(lines)
                          if l.startswith("FAIL")), max(0, len(lines) - 40))
            say("baseline: %s must pass unmutated, but did not\n%s"
                % (", ".join(bad), "\n".join(lines[first:first + 45])))
            say("0 passed, 1 failed")
            return 1
        say("baseline: %s pass unmutated (%.1fs)"
            % (", ".join(tests), time.monotonic() - start))

        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
            futs = [ex.submit(run_mutant, base, work, m, args)
                    for m in mutations]
            for fut in futs:
                try:
                    ok, msg = fut.result()
                except Exception as e:  # one broken mutant must not hide others
                    ok, msg = False, "mutation runner error: %s" % e
                say(msg)
                if ok:
                    passed += 1
                else:
                    failed += 1
    finally:
        if args.keep:
            say("trees kept in %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    say("mutation testing took %.1fs" % (time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

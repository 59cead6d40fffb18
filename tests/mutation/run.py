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
         old="        v->vcpu_info->arch.cr2 = v->arch.cr2;\n",
         new="",
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
         test="mm_batch",
         why="a continued mmu_update resumes after the entries already done"),
    dict(name="multicall-no-results",
         file="hyp/hypercall/multicall.c",
         old="        if (copy_to_guest(at + offsetof(struct multicall_entry, "
             "result),\n"
             "                          &e.result, sizeof(e.result))) {\n",
         new="        if (0) {\n",
         test="multicall",
         why="each entry's result is written back to the guest"),
    dict(name="cpuid-bad-signature",
         file="hyp/arch/x86/pv/emulate.c",
         old="            *b = 0x566e6558;\n",
         new="            *b = 0x566e6559;\n",
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
    """Returns None, or why the mutation cannot be applied."""
    path = os.path.join(tree, m["file"])
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        return "cannot read %s: %s" % (m["file"], e.strerror)
    count = text.count(m["old"])
    if count == 0:
        return "pattern not found in %s" % m["file"]
    if count > 1:
        return "pattern occurs %d times in %s" % (count, m["file"])
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(m["old"], m["new"]))
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
            say("baseline: %s must pass unmutated, but did not\n%s"
                % (", ".join(bad), tail(out, 40)))
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

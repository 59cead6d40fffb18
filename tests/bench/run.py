#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run the bench guest on Xen 4.17 and on Vesper in the same QEMU; compare.

Usage:
  tests/bench/run.py [--build build] [--hyp build/vesper.bin]
                     [--xen build/xen/xen-4.17] [--guest build/bench/bench.elf]
                     [--timeout 300] [--no-xen] [--out DIR]
  tests/bench/run.py --smoke [--hyp ...] [--guest ...]

Both hypervisors boot the same bench.elf (as dom0 on Xen, as domain 0 on
Vesper) under `qemu-system-x86_64 -accel tcg -cpu max,-smap -m 512 -smp 1`,
with two vCPUs on that one physical CPU (Xen: dom0_max_vcpus=2; Vesper:
module string "bench.elf vcpus=2 -- <guest args>"), twice:

  icount  -icount shift=0: the TSC advances by one per guest instruction, so
          the per-operation figures count instructions on the path and do
          not depend on the host's load. These are the table's figures.
  plain   no icount: wall-clock timings of the whole system (QEMU start to
          the guest's first line, to "BENCH done", to poweroff).

Hypervisor memory in use:
  Both    top of RAM minus free memory minus the guest's own pages, in KiB
          (so firmware holes under 1 MiB count on both sides alike).
  Vesper  top from "mm: ... for N frames"; free from a "boot done ... N
          frames free" line if the hypervisor prints one, else from the
          shutdown line (then it is the idle figure, without the domain's
          overhead, and the notes say so).
  Xen     top from the e820 map; the guest waits after "BENCH done" (guest
          argument "hold"); we switch Xen's serial input to Xen (Ctrl-A
          three times), press 'm' (memory info), add up the "heap: NkB free"
          lines, then switch back and send the guest a key to power off.

Writes <build>/bench/results.json and results.md and prints the table.
--smoke boots the guest once on Vesper with tiny iteration counts and checks
every supported figure is a positive number and "BENCH done" appears.
"""

import argparse
import datetime
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

QEMU_BASE = ["-accel", "tcg", "-cpu", "max,-smap", "-m", "512", "-smp", "1",
             "-nographic", "-no-reboot", "-monitor", "none", "-display",
             "none", "-serial", "stdio",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
# dom0_mem=256M on both, so the guest gets the same memory everywhere, and
# two vCPUs on the one physical CPU (-smp 1) on both: Xen by
# dom0_max_vcpus=2, Vesper by the module option vcpus=2 (VESPER_DOM_OPTS).
VESPER_CMDLINE = "console=com1 loglvl=info dom0_mem=256M"
VESPER_DOM_OPTS = "vcpus=2"
XEN_CMDLINE = ("console=com1 com1=115200 dom0_mem=256M dom0_max_vcpus=2 "
               "loglvl=all guest_loglvl=all noreboot")

# Figures in table order, with how to read them.
FIGURES = [
    ("null_hypercall", "null hypercall (xen_version 0)"),
    ("multicall_32_null", "multicall of 32 nulls"),
    ("console_write_64", "console_io write, 64 bytes"),
    ("mmu_update_512", "mmu_update, 512 PTEs of a pinned L1"),
    ("update_va_mapping_invlpg", "update_va_mapping + UVMF_INVLPG"),
    ("l4_pin_unpin", "pin + unpin of a 4-table L4 tree"),
    ("page_fault_bounce", "#PF bounced to the guest and back"),
    ("evtchn_self", "event channel send to self + upcall"),
    ("evtchn_loopback_rtt", "interdomain channel, both ends in one domain, round trip"),
    ("evtchn_interdomain_rtt", "interdomain channel, ends on vCPU 0 and 1, "
     "round trip with two wakeups"),
    ("vcpu_switch", "SCHEDOP_yield that switches to the other vCPU"),
    ("grant_map_unmap", "map_grant_ref (host_map) + unmap_grant_ref of a "
     "self-grant"),
    ("grant_copy_4k", "GNTTABOP_copy of 4096 bytes, self-grant to own frame"),
    ("domain_create_destroy", "createdomain, max_vcpus, max_mem, populate "
     "256 pages, destroydomain, poll until gone"),
    ("domain_build_run_destroy", "a 1024-page PV domU built by dom0 "
     "(guest/build.h), run until it shuts down, destroyed, gone"),
]
# HVM figures (Vesper only: Xen 4.17 starts no HVM domain without its
# toolstack), from guest-pv/bench/hvm/hvm_bench.s as domain 1 with
# hvm_uart's dom0 as its device model, and the published reference beside
# them (hardware VT-x, cycles, not instructions).
HVM_FIGURES = [
    ("hvm_cpuid", "CPUID exit round trip (the instruction decoded for its "
     "length: QEMU's SVM has no NRIPS)"),
    ("hvm_pio_hyp", "port-I/O exit served in the hypervisor (inl of the ACPI "
     "PM timer)"),
    ("hvm_pio_dm", "port-I/O exit served by dom0's device model (inb of the "
     "emulated 16550's LSR): ioreq, event to dom0, its answer, the wakeup"),
]
HVM_REFERENCE = ("published VT-x figures: a VM entry about 2,409 cycles and a "
                 "page-fault VM exit about 508 on the first VT-x Pentium 4s, "
                 "937 and 446 on Core")

# What some figures are, for the table's notes.
NOTES = {
    "evtchn_interdomain_rtt":
        "per round trip: interdomain event path between two vCPUs of one "
        "domain (Xen 4.17 cannot start a second domain without its "
        "toolstack); 2 deliveries, 2 block/wake, 2 vCPU switches on 1 pCPU",
    "vcpu_switch":
        "per observed switch: 2 CPU-bound vCPUs on 1 pCPU alternating with "
        "SCHEDOP_yield",
    "domain_build_run_destroy":
        "per domain: 1024 pages, built by dom0 (guest/build.h), run to its "
        "shutdown, destroyed",
    "domain_create_destroy":
        "per domain: PV, 1 vCPU, 256 pages populated by dom0; the wait for "
        "getdomaininfo's -ESRCH included",
}

ANSI_RE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[a-zA-Z])")
BENCH_RE = re.compile(r"BENCH name=(\S+) (.*)$")
KV_RE = re.compile(r"(\w+)=(\S+)")
XEN_DOWN_RE = re.compile(r"Hardware Dom0 (halted|shutdown|crashed)|Panic on CPU")

CTRL_A3 = b"\x01\x01\x01"


class Run:
    """One QEMU boot: serial lines with arrival times, exit status."""

    def __init__(self):
        self.lines = []          # (seconds since start, text)
        self.status = None
        self.killed = False
        self.timed_out = False
        self.stderr = ""

    def first(self, pattern):
        rx = re.compile(pattern)
        for t, line in self.lines:
            if rx.search(line):
                return t, line
        return None, None

    def text(self):
        return "\n".join(line for _, line in self.lines)


def boot(qemu, kernel, cmdline, guest, guest_args, icount, xen, hold,
         timeout, log_path, verbose=False, modules=None):
    module = os.path.abspath(guest)
    if "," in module:
        raise ValueError("guest path must not contain ',': %s" % module)
    if not xen:
        # Vesper's module syntax: options, a standalone --, guest args.
        module += " " + VESPER_DOM_OPTS + " --"
    if guest_args:
        module += " " + guest_args
    # The same image again as dom0's ramdisk: domain_build_run_destroy
    # builds its domUs from it.
    module += "," + os.path.abspath(guest) + ("" if xen else
                                              " kind=ramdisk --")
    if modules:
        module = ",".join(modules)
    cmd = [qemu] + QEMU_BASE
    if icount:
        cmd += ["-icount", "shift=0"]
    cmd += ["-kernel", kernel, "-append", cmdline, "-initrd", module]
    if verbose:
        print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)

    r = Run()
    lock = threading.Lock()
    cond = threading.Condition(lock)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)

    def reader():
        buf = b""
        while True:
            chunk = proc.stdout.read1(65536)
            if not chunk:
                break
            now = time.monotonic() - start
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = ANSI_RE.sub("", raw.decode("utf-8", "replace"))
                line = line.replace("\r", "")
                with cond:
                    r.lines.append((now, line))
                    cond.notify_all()
        if buf:
            with cond:
                r.lines.append((time.monotonic() - start,
                                ANSI_RE.sub("", buf.decode("utf-8", "replace"))))
        with cond:
            cond.notify_all()

    err = []
    t_out = threading.Thread(target=reader)
    t_err = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    t_out.start()
    t_err.start()

    def kill():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        r.killed = True

    def send(data):
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    seen = 0
    state = "run"
    down_at = None
    while True:
        with cond:
            cond.wait(timeout=0.1)
            new = r.lines[seen:]
            seen = len(r.lines)
        if proc.poll() is not None:
            break
        now = time.monotonic() - start
        for _, line in new:
            if xen and hold and state == "run" and "BENCH hold" in line:
                send(CTRL_A3)
                time.sleep(0.2)
                send(b"m")
                state = "mem"
                mem_at = now
            elif state == "mem" and "Dom heap:" in line:
                send(CTRL_A3)
                time.sleep(0.2)
                send(b"q")
                state = "run2"
            if xen and down_at is None and XEN_DOWN_RE.search(line):
                down_at = now
        if state == "mem" and now - mem_at > 10:
            send(CTRL_A3 + b"q")  # no memory info: let the guest go on
            state = "run2"
        # Xen just spins after dom0 has gone (noreboot): give it a moment
        # to flush its last lines, then stop QEMU.
        if down_at is not None and now - down_at > 0.5:
            kill()
            break
        if now > timeout:
            r.timed_out = True
            kill()
            break
    proc.wait()
    t_out.join()
    t_err.join()
    r.status = proc.returncode
    r.stderr = (err[0] if err else b"").decode("utf-8", "replace")
    if log_path:
        with open(log_path, "w", encoding="utf-8") as f:
            for t, line in r.lines:
                f.write("[%9.3f] %s\n" % (t, line))
    return r


def parse_bench(r):
    """{name: {"status": "ok", "iters", "cycles", "cycles_per_op"} or
    {"status": "unsupported", "reason"}}, and the info line's fields."""
    figs, info = {}, {}
    for _, line in r.lines:
        m = BENCH_RE.search(line)
        if m:
            kv = dict(KV_RE.findall(m.group(2)))
            if kv.get("status") == "unsupported":
                figs[m.group(1)] = {"status": "unsupported",
                                    "reason": kv.get("reason", "?")}
            elif "cycles_per_op" in kv:
                try:
                    figs[m.group(1)] = {
                        "status": "ok", "iters": int(kv["iters"]),
                        "cycles": int(kv["cycles"]),
                        "cycles_per_op": float(kv["cycles_per_op"])}
                    # Diagnostics some figures add (vcpu_switch: idle_yields).
                    extra = {k: v for k, v in kv.items() if k not in (
                        "iters", "cycles", "cycles_per_op")}
                    if extra:
                        figs[m.group(1)]["extra"] = extra
                except (KeyError, ValueError):
                    figs[m.group(1)] = {"status": "bad", "reason": line}
            continue
        i = line.find("BENCH info ")
        if i >= 0:
            info.update(KV_RE.findall(line[i:]))
    return figs, info


def system_times(r, xen):
    t_first, _ = r.first(r"BENCH info ")
    t_done, _ = r.first(r"BENCH done")
    if xen:
        t_off, _ = r.first(r"Hardware Dom0 halted")
    else:
        t_off = r.lines[-1][0] if (r.status == 33 and r.lines) else None
    return {"first_guest_line_s": t_first, "bench_done_s": t_done,
            "poweroff_s": t_off}


def vesper_memory(r, guest_pages):
    """RAM top (frames the frame table covers) minus free memory, minus the
    guest's pages. Free memory with the domain running comes from a
    "boot done ... N frames free" line when the hypervisor prints one;
    otherwise from the shutdown line, when no domain is left (idle)."""
    top = boot_free = idle_free = None
    for _, line in r.lines:
        m = re.search(r"mm: direct map .* for (\d+) frames", line)
        if m:
            top = int(m.group(1)) * 4
        m = re.search(r"boot done .*?(\d+) frames free", line)
        if m:
            boot_free = int(m.group(1)) * 4
        m = re.search(r"all domains have shut down .*; (\d+) frames free of "
                      r"(\d+)", line)
        if m:
            idle_free = int(m.group(1)) * 4
    if top is None:
        return None, "no 'mm: ... for N frames' line"
    if boot_free is not None and guest_pages is not None:
        return top - boot_free - guest_pages * 4, (
            "RAM top %d KiB - %d KiB free at boot done - %d KiB of d0 pages "
            "(d0 running)" % (top, boot_free, guest_pages * 4))
    if idle_free is not None:
        return top - idle_free, (
            "RAM top %d KiB - %d KiB free after all domains shut down (idle: "
            "per-domain overhead not counted)" % (top, idle_free))
    return None, "no 'frames free' line after boot"


def xen_memory(r, guest_pages):
    """RAM top (end of the highest usable e820 range) minus the free heap
    (debug key 'm'), minus dom0's pages; dom0 is running."""
    top = None
    free = 0
    have_free = False
    for _, line in r.lines:
        m = re.search(r"\[([0-9a-f]{16}), ([0-9a-f]{16})\] \(usable\)", line)
        if m:
            end = (int(m.group(2), 16) + 1) // 1024
            top = end if top is None else max(top, end)
        m = re.search(r"(Xen|DMA|Dom) heap: (\d+)kB free", line)
        if m:
            free += int(m.group(2))
            have_free = True
    if top is None or not have_free or guest_pages is None:
        return None, "no e820 map in the log or no answer to debug key 'm'"
    used = top - free - guest_pages * 4
    return used, ("RAM top %d KiB - %d KiB free heap - %d KiB of dom0 "
                  "pages (dom0 running)" % (top, free, guest_pages * 4))


def fmt_num(v, digits=1):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return "%.*f" % (digits, v)
    return str(v)


def ratio(v, x):
    if v is None or x is None or x == 0:
        return "n/a"
    return "%.2f" % (v / x)


def figure_value(figs, name):
    f = figs.get(name) if figs else None
    if f and f["status"] == "ok":
        return f["cycles_per_op"]
    return None


def figure_note(figs, name):
    f = figs.get(name) if figs else None
    if f is None:
        return "not run"
    if f["status"] == "unsupported":
        return f["reason"]
    return ""


def build_table(res):
    rows = []
    xf = res["xen"]["icount"]["figures"] if res.get("xen") else {}
    vf = res["vesper"]["icount"]["figures"]
    for name, desc in FIGURES:
        xv, vv = figure_value(xf, name), figure_value(vf, name)
        notes = []
        if xv is None and res.get("xen"):
            notes.append("Xen: " + figure_note(xf, name))
        if vv is None:
            notes.append("Vesper: " + figure_note(vf, name))
        if name in NOTES:
            notes.append(NOTES[name])
        rows.append(("%s (cycles/op)" % name, fmt_num(xv), fmt_num(vv),
                     ratio(vv, xv), "; ".join(notes)))
    hf = res.get("vesper_hvm", {}).get("figures", {})
    for name, desc in HVM_FIGURES:
        vv = figure_value(hf, name)
        notes = [desc, "Xen: no HVM domain without its toolstack",
                 HVM_REFERENCE]
        if vv is None:
            notes.insert(0, "Vesper: " + figure_note(hf, name))
        rows.append(("%s (cycles/op)" % name, "n/a", fmt_num(vv), "n/a",
                     "; ".join(notes)))
    xs = res["xen"]["plain"]["system"] if res.get("xen") else {}
    vs = res["vesper"]["plain"]["system"]
    for key, label in (("first_guest_line_s", "boot to first guest line (s)"),
                       ("bench_done_s", "boot to BENCH done (s)"),
                       ("poweroff_s", "boot to poweroff (s)")):
        xv, vv = xs.get(key), vs.get(key)
        rows.append((label, fmt_num(xv, 2), fmt_num(vv, 2), ratio(vv, xv),
                     "wall time, no icount"))
    xm = res["xen"]["memory_kib"] if res.get("xen") else None
    vm = res["vesper"]["memory_kib"]
    vhow = res["vesper"].get("memory_how", "")
    note = "RAM top - free - guest pages"
    if "idle" in vhow:
        note += "; Vesper's is the idle figure (no free count at boot done)"
    rows.append(("hypervisor memory in use (KiB)", fmt_num(xm), fmt_num(vm),
                 ratio(vm, xm), note))
    return rows


def render_md(res, rows):
    out = ["| figure | Xen 4.17 | Vesper | ratio V/X | notes |",
           "|---|---:|---:|---:|---|"]
    for r in rows:
        out.append("| %s | %s | %s | %s | %s |" % r)
    out.append("")
    out.append("Memory: Xen = %s; Vesper = %s." % (
        res["xen"]["memory_how"] if res.get("xen") else "not run",
        res["vesper"]["memory_how"]))
    return "\n".join(out)


def render_text(rows):
    w = [max(len(r[i]) for r in rows + [("figure", "Xen 4.17", "Vesper",
                                         "ratio", "")]) for i in range(4)]
    head = ("figure", "Xen 4.17", "Vesper", "ratio")
    lines = ["%-*s  %*s  %*s  %*s  %s" % (w[0], head[0], w[1], head[1],
                                          w[2], head[2], w[3], head[3],
                                          "notes")]
    for r in rows:
        lines.append("%-*s  %*s  %*s  %*s  %s" % (w[0], r[0], w[1], r[1],
                                                  w[2], r[2], w[3], r[3],
                                                  r[4]))
    return "\n".join(lines)


def check_run(r, label, xen):
    """A reason the run is unusable, or None."""
    if r.timed_out:
        return "%s: timed out" % label
    if not r.first(r"BENCH done")[0]:
        return "%s: no 'BENCH done' line" % label
    if not xen and r.status != 33:
        return "%s: QEMU exit status %s, not 33 (poweroff)" % (label, r.status)
    return None


def tail(r, n=30):
    return "\n".join(line for _, line in r.lines[-n:])


def smoke(args):
    log = os.path.join(args.out, "smoke.vesper.log")
    start = time.monotonic()
    r = boot(args.qemu, args.hyp, VESPER_CMDLINE, args.guest, "smoke",
             False, False, False, args.timeout, log, args.verbose)
    secs = time.monotonic() - start
    figs, _ = parse_bench(r)
    problems = []
    why = check_run(r, "vesper", False)
    if why:
        problems.append(why)
    for name, _ in FIGURES:
        f = figs.get(name)
        if f is None:
            problems.append("%s: no BENCH line" % name)
        elif f["status"] == "ok" and not f["cycles_per_op"] > 0:
            problems.append("%s: cycles_per_op %s" % (name, f["cycles_per_op"]))
        elif f["status"] == "bad":
            problems.append("%s: unparsable: %s" % (name, f["reason"]))
    if problems:
        print("FAIL  bench-smoke            %s (%.1fs)" % ("; ".join(problems),
                                                          secs))
        print("----- last 30 lines of %s -----" % log)
        print(tail(r))
        print("-----")
        print("0 passed, 1 failed")
        return 1
    ok = sum(1 for f in figs.values() if f["status"] == "ok")
    print("PASS  bench-smoke            (%d figures, %d unsupported, %.1fs)"
          % (ok, len(figs) - ok, secs))
    print("1 passed, 0 failed")
    return 0


def main():
    ap = argparse.ArgumentParser(
        description="Vesper against Xen 4.17: the same bench guest, same QEMU.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--hyp", help="Vesper image (default <build>/vesper.bin)")
    ap.add_argument("--xen", help="Xen image (default <build>/xen/xen-4.17; "
                    "fetched with tests/xen/fetch-xen.sh when missing)")
    ap.add_argument("--no-xen", action="store_true",
                    help="run Vesper only (Xen column n/a)")
    ap.add_argument("--guest", help="bench guest (default "
                    "<build>/bench/bench.elf)")
    ap.add_argument("--qemu", default=os.environ.get("QEMU",
                                                     "qemu-system-x86_64"))
    ap.add_argument("--timeout", type=float, default=240.0,
                    help="seconds per boot")
    ap.add_argument("--out", help="results directory (default <build>/bench)")
    ap.add_argument("--smoke", action="store_true",
                    help="one quick run on Vesper; check the output")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    args.hyp = args.hyp or os.path.join(args.build, "vesper.bin")
    args.guest = args.guest or os.path.join(args.build, "bench", "bench.elf")
    args.out = args.out or os.path.join(args.build, "bench")
    os.makedirs(args.out, exist_ok=True)
    for p in (args.hyp, args.guest):
        if not os.path.isfile(p):
            ap.error("no such file: %s (make hyp bench-guest)" % p)
    if args.smoke:
        return smoke(args)

    if not args.no_xen:
        args.xen = args.xen or os.path.join(args.build, "xen", "xen-4.17")
        if not os.path.isfile(args.xen):
            rc = subprocess.call(["sh", os.path.join(ROOT, "tests", "xen",
                                                     "fetch-xen.sh"),
                                  os.path.dirname(args.xen)])
            if rc or not os.path.isfile(args.xen):
                print("bench: could not fetch Xen; Xen column will be n/a")
                args.xen = None
    else:
        args.xen = None

    res = {"date": datetime.date.today().isoformat(),
           "qemu": " ".join([args.qemu] + QEMU_BASE),
           "vesper_cmdline": VESPER_CMDLINE,
           "vesper_module_opts": VESPER_DOM_OPTS, "xen_cmdline": XEN_CMDLINE}
    try:
        qv = subprocess.run([args.qemu, "--version"], capture_output=True,
                            text=True).stdout.splitlines()
        res["qemu_version"] = qv[0] if qv else "?"
    except OSError:
        res["qemu_version"] = "?"
    vfile = (args.xen or "") + ".version"
    if args.xen and os.path.isfile(vfile):
        with open(vfile) as f:
            res["xen_package_version"] = f.read().strip()

    failures = []
    sides = [("vesper", args.hyp, VESPER_CMDLINE, False)]
    if args.xen:
        sides.append(("xen", args.xen, XEN_CMDLINE, True))
    for side, kernel, cmdline, xen in sides:
        res[side] = {}
        for mode, icount in (("icount", True), ("plain", False)):
            hold = xen and icount
            log = os.path.join(args.out, "%s.%s.log" % (side, mode))
            print("bench: %s, %s ..." % (side, mode), flush=True)
            t0 = time.monotonic()
            r = boot(args.qemu, kernel, cmdline, args.guest,
                     "hold" if hold else "", icount, xen, hold, args.timeout,
                     log, args.verbose)
            print("bench: %s, %s: %.1fs" % (side, mode,
                                            time.monotonic() - t0), flush=True)
            why = check_run(r, "%s/%s" % (side, mode), xen)
            if why:
                failures.append(why)
                print("bench: " + why)
                print(tail(r))
            figs, info = parse_bench(r)
            res[side][mode] = {"figures": figs, "info": info,
                               "system": system_times(r, xen),
                               "qemu_status": r.status, "log": log}
            if xen and "xen_version" not in res:
                t, line = r.first(r"\(XEN\) Xen version ")
                if line:
                    res["xen_version"] = line.split("Xen version ", 1)[1]
            if side == "xen" and hold:
                pages = info.get("nr_pages")
                used, how = xen_memory(r, int(pages) if pages else None)
                res[side]["memory_kib"], res[side]["memory_how"] = used, how
            if side == "vesper" and not icount:
                pages = info.get("nr_pages")
                used, how = vesper_memory(r, int(pages) if pages else None)
                res[side]["memory_kib"], res[side]["memory_how"] = used, how

    # The HVM run: Vesper only, under icount.
    hvm_img = os.path.join(args.build, "bench", "hvm_bench.bin")
    hvm_dm = os.path.join(args.build, "guests", "hvm_uart.elf")
    if os.path.isfile(hvm_img) and os.path.isfile(hvm_dm):
        log = os.path.join(args.out, "vesper.hvm.log")
        print("bench: vesper, HVM, icount ...", flush=True)
        r = boot(args.qemu, args.hyp, VESPER_CMDLINE, hvm_img, "", True,
                 False, False, args.timeout, log, args.verbose,
                 modules=[os.path.abspath(hvm_dm),
                          os.path.abspath(hvm_img) +
                          " kind=hvm name=hvmbench paused --"])
        figs, _ = parse_bench(r)
        res["vesper_hvm"] = {"figures": figs, "log": log,
                             "qemu_status": r.status}
        if not r.first(r"BENCH hvm done")[0]:
            failures.append("vesper/hvm: no 'BENCH hvm done' line")
            print(tail(r))
    else:
        print("bench: no %s or %s: no HVM figures" % (hvm_img, hvm_dm))

    rows = build_table(res)
    res["table"] = [dict(zip(("figure", "xen", "vesper", "ratio", "notes"), r))
                    for r in rows]
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=2, sort_keys=True)
    md = ["# Vesper vs Xen 4.17 (%s)" % res["date"], "",
          "Per-operation figures: guest TSC cycles under `-icount shift=0` "
          "(about one per guest instruction). Ratio < 1: Vesper is faster.",
          "", render_md(res, rows), ""]
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(md))
    print()
    print(render_text(rows))
    print()
    print("bench: wrote %s and results.md" % os.path.join(args.out,
                                                          "results.json"))
    if failures:
        print("bench: %d run(s) had problems: %s" % (len(failures),
                                                     "; ".join(failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

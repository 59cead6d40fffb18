#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Drive the hostile hypercall fuzzer: one QEMU boot of Vesper per seed.

Usage:
  tests/fuzz/run.py [--build build] [--hyp build/vesper.bin]
                    [--seeds 1-20 | --seeds 3,7,9] [--calls 100000]
                    [--exclude a,b] [--enable a,b] [-j 2] [--hang 60]
                    [--replay-from K] [--no-replay] [--smoke] [-v]

Each boot runs two domains under `audit`, on two CPUs:
  d0  victim (tests/fuzz/victim): fills its memory with a pattern and
      checks it every 250 ms, then once more after the fuzzer is gone
  d1  fuzzer (tests/fuzz/guest): unprivileged, 2 vCPUs, `calls` seeded
      random hypercalls with hostile arguments, a progress line every 1000

and is judged from its serial log:
  hypervisor fault    "Vesper fatal", "Panic", "BUG" in the hypervisor's
                      lines, or QEMU's panic exit status
  auditor mismatch    the reference-count auditor's panic ("audit: ...")
  hang                no progress line from either domain for --hang s
  stall               the victim runs on but the fuzzer makes no progress
  victim corruption   "victim: CORRUPT", or the victim did not finish
  leak                frames the hypervisor reports leaked at the
                      fuzzer's teardown or once every domain is gone
The fuzzer crashing itself (its own damage, or a domain_crash Vesper
decided on) ends that seed; it is counted and shown, not a finding. So is
a stall in code the fuzzer overwrote: on every hang or stall the driver
dumps the fuzzer's .text through QEMU's gdbstub and compares it with
fuzz.elf (the hypercall page aside), and names the first changed byte.

Each finding gets a reproducer: the `make fuzz` line for that seed, and
the same with REPLAY_FROM=K, which makes the fuzzer print every call from
index K on (K = the last progress count before the failure). Unless
--no-replay, that replay is run once right away and the last call the
fuzzer printed before the failure is reported with the finding. Findings
are appended to <build>/fuzz/findings.txt.

Class names for --exclude/--enable are the fuzzer's (tests/fuzz/guest/
fuzz.c, fz_class_names), e.g. iret-badsel, timer-huge, mem-huge, sinfo.
--smoke runs one fixed short seed for `make test` and ends with
"N passed, N failed".
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CMDLINE = "console=com1 loglvl=info audit"
PROGRESS_EVERY = 1000

# The smoke: a fixed seed that gets through its calls, and the classes
# other work is still fixing (remove each once its fix has landed).
SMOKE_SEEDS = [1]
SMOKE_CALLS = 6000
SMOKE_EXCLUDE = ""

HYP_LINE = re.compile(r"^\(VSP\) (.*)$", re.M)
FATAL = re.compile(r"Vesper fatal|Panic|\bBUG\b|Vesper halted")
AUDIT = re.compile(r"audit: .*mismatch")
FUZZ_PROGRESS = re.compile(r"fuzz: progress seed \d+ calls (\d+)", re.M)
FUZZ_DONE = re.compile(r"fuzz: done seed \d+ calls (\d+)", re.M)
FUZZ_CALL = re.compile(r"fuzz: #(\d+) nr .*$", re.M)
VICTIM_PROGRESS = re.compile(r"^\(d0\) victim: (?:progress|final) check (\d+)", re.M)
VICTIM_CORRUPT = re.compile(r"^\(d0\) victim: CORRUPT.*$", re.M)
VICTIM_FINAL = re.compile(r"^\(d0\) victim: final check", re.M)
DOM_LEAK = re.compile(r"^\(VSP\) d(\d+): destroyed: \d+ frames freed, (\d+) leaked", re.M)
ALL_LEAK = re.compile(r"^\(VSP\) boot: all domains destroyed, (-?\d+) frames leaked", re.M)
NOT_FREED = re.compile(r"^\(VSP\) d\d+: (?:frame .* not freed|shared_info still mapped.*)$", re.M)
FUZZ_CRASH = re.compile(r"^\(VSP\) domain 1 crashed: (.*)$", re.M)
VICTIM_CRASH = re.compile(r"^\(VSP\) domain 0 crashed: (.*)$", re.M)
PASS_RE = re.compile(r"^\(d0\) Test result: PASS", re.M)

QEMU_PANIC = 63
QEMU_POWEROFF = 33

print_lock = threading.Lock()


def say(msg):
    with print_lock:
        print(msg, flush=True)


def parse_seeds(spec):
    seeds = []
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            lo, hi = part.split("-", 1)
            seeds.extend(range(int(lo), int(hi) + 1))
        else:
            seeds.append(int(part))
    return seeds


def classes_arg(text):
    """Make's comma list to the guest's '+' list (QEMU splits at commas)."""
    return "+".join(w for w in re.split(r"[,+ ]+", text or "") if w)


def read_log(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")
    except OSError:
        return ""


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


# What the driver asks the hypervisor (through QEMU's gdbstub and the
# symbols in vesper.elf) about the fuzzer domain when a boot stops making
# progress, before it is killed: written next to the log as <log>.state.
STATE_GDB = """set pagination off
set confirm off
target remote 127.0.0.1:%(port)d
info threads
thread apply all bt 6
python
import gdb

# Every command runs on its own: one that fails (a field renamed, memory
# not mapped) must not end the dump, as a CLI script would.
def run(cmd):
    try:
        gdb.execute(cmd)
    except gdb.error as e:
        print("(%%s: %%s)" %% (cmd, e))

for c in ("set $d = domain_list[1]", "p $d->state", "p $d->evtchn.ops",
          "p $d->evtchn.valid_ports", "set $v = $d->vcpu[0]",
          "p/x $v->pause_flags", "p $v->polling", "p $v->poll_port",
          "p $v->is_running", "p $v->processor", "p $v->singleshot_timer",
          "p $v->periodic_timer", "p $v->periodic_period",
          "p/x $v->runstate_guest", "p/x $v->time_area_guest",
          "p $v->vcpu_info", "p/x $v->vcpu_info_mfn", "p *$v->vcpu_info",
          "p $v->evtchn.virq_to_port",
          "p/x $d->shared_info->evtchn_pending[0]@4",
          "p/x $d->shared_info->evtchn_mask[0]@4",
          "p/x $v->arch.regs", "p/x $v->arch.guest_table",
          "p/x $d->vcpu[1]->pause_flags", "p arch_now_ns()",
          "p *$d->conring", "p/x $d->conring->intf->out_cons",
          "p/x $d->conring->intf->out_prod"):
    run(c)

# Guest memory through Vesper's direct map, walking vCPU 0's own page
# tables: the CPU may be idle (a blocked vCPU), on other tables.
DM = 0xffff830000000000
ADDR = 0x000ffffffffff000
inf = gdb.selected_inferior()

def phys(pa, n):
    return inf.read_memory(DM + pa, n).tobytes()

def walk(l4, va):
    t = l4 << 12
    for shift in (39, 30, 21, 12):
        e = int.from_bytes(phys(t + ((va >> shift) & 511) * 8, 8), "little")
        if not e & 1:
            return None
        if shift in (30, 21) and e & 0x80:
            return (e & ADDR & ~((1 << shift) - 1)) + (va & ((1 << shift) - 1))
        t = e & ADDR
    return t + (va & 0xfff)

def gread(l4, va, n):
    out, holes = b"", 0
    while n > 0:
        k = min(n, 4096 - (va & 0xfff))
        pa = walk(l4, va)
        if pa is None:
            out, holes = out + bytes(k), holes + 1
        else:
            out += phys(pa, k)
        va, n = va + k, n - k
    return out, holes

def q(b, i):
    return int.from_bytes(b[i * 8:i * 8 + 8], "little")

try:
    v = gdb.parse_and_eval("domain_list[1]->vcpu[0]")
    l4 = int(v["arch"]["guest_table"])
    regs = v["arch"]["regs"]
    rip, rsp = int(regs["rip"]), int(regs["rsp"])
    code, h = gread(l4, rip, 16)
    print("guest code at %%#x%%s: %%s" %% (rip, " (unmapped)" if h else "",
                                       code.hex(" ")))
    stack, h = gread(l4, rsp, 24 * 8)
    print("guest stack at %%#x%%s:" %% (rsp, " (unmapped)" if h else ""))
    for i in range(0, 24, 4):
        print("  %%#x: %%s" %% (rsp + i * 8, " ".join(
            "%%016x" %% q(stack, i + j) for j in range(4))))
    ports = [int(v["evtchn"]["virq_to_port"][0])]
    for name, addr, size in %(syms)s:
        b, h = gread(l4, addr, size)
        val = int.from_bytes(b, "little")
        print("fuzzer %%s = %%#x%%s" %% (name, val, " (unmapped)" if h else ""))
        if name in ("wk_timer", "wk_ipi") and not h:
            ports.append(val)
    for port in ports:
        try:
            b = gdb.parse_and_eval("domain_list[1]->evtchn.buckets[%%d][%%d]"
                                   %% (port // 64, port %% 64))
            print("port %%d: %%s" %% (port, b))
        except gdb.error as e:
            print("(port %%d: %%s)" %% (port, e))
    text, h = gread(l4, %(text_start)d, %(text_end)d - %(text_start)d)
    with open(%(text_path)r, "wb") as f:
        f.write(text)
    print("fuzzer .text dumped%%s" %% (
        " (%%d pages unmapped, read as zeros)" %% h if h else ""))
except gdb.error as e:
    print("(guest memory: %%s)" %% e)
end
detach
"""


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def elf_section(elf, name):
    """(address, file offset, size) of a section, from readelf, or None."""
    try:
        out = subprocess.run(["readelf", "-W", "-S", elf], text=True,
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == name:
            return int(f[3], 16), int(f[4], 16), int(f[5], 16)
    return None


# The fuzzer's variables that say how it meant to be woken (fuzz.c).
STATE_SYMS = ("idx", "vi", "vi_chk", "wk_timer", "wk_ipi", "in_open_wait",
              "wk_lost_at", "wk_waits", "wk_skipped")


def state_args(args, port, path):
    """The dump script's parameters: where the fuzzer's .text and
    variables are, as its vCPU 0 sees them."""
    elf = os.path.join(args.build, "fuzz", "fuzz.elf")
    sec = elf_section(elf, ".text")
    addr, _, size = sec if sec else (0, 0, 0)
    syms = []
    try:
        out = subprocess.run(["nm", "-S", elf], text=True,
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] in STATE_SYMS:
            syms.append((f[3], int(f[0], 16), min(int(f[1], 16), 8)))
    return {"port": port, "text_path": path + ".text", "text_start": addr,
            "text_end": addr + size, "syms": repr(syms)}


def dump_state(args, port, path):
    """The fuzzer domain's state from the stopped-making-progress boot."""
    elf = os.path.join(args.build, "vesper.elf")
    if not port or not os.path.isfile(elf):
        return None
    script = path + ".gdb"
    with open(script, "w", encoding="utf-8") as f:
        f.write(STATE_GDB % state_args(args, port, path))
    try:
        r = subprocess.run(["gdb", "-q", "-batch", "-nx", "-x", script, elf],
                           stdin=subprocess.DEVNULL, text=True,
                           capture_output=True, timeout=90)
        out = r.stdout + r.stderr
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        os.remove(script)
    with open(path, "w", encoding="utf-8") as f:
        f.write(out)
    return path


def elf_symbols(elf):
    """Sorted (address, name) of the ELF's text symbols, from nm."""
    try:
        out = subprocess.run(["nm", "-n", elf], text=True,
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tT":
            syms.append((int(f[0], 16), f[2]))
    return syms


def text_damage(args, state):
    """
    How the fuzzer's code, as gdb dumped it from the stopped boot, differs
    from fuzz.elf (the hypercall page, which the builder fills, aside):
    None when it is intact or was not dumped, else a short description.
    """
    elf = os.path.join(args.build, "fuzz", "fuzz.elf")
    sec = elf_section(elf, ".text")
    try:
        with open(state + ".text", "rb") as f:
            live = f.read()
        with open(elf, "rb") as f:
            f.seek(sec[1])
            want = f.read(sec[2])
    except (OSError, TypeError):
        return None
    if len(live) != len(want):
        return None
    syms = elf_symbols(elf)
    hpage = [a for a, n in syms if n == "hypercall_page"]
    skip = range(hpage[0], hpage[0] + 4096) if hpage else range(0)
    diff = [sec[0] + i for i in range(len(want))
            if live[i] != want[i] and sec[0] + i not in skip]
    if not diff:
        return None
    where = "0x%x" % diff[0]
    for a, n in syms:
        if a <= diff[0]:
            where = "%s+0x%x" % (n, diff[0] - a)
    return "its code differs from fuzz.elf in %d bytes, the first at %s" % (
        len(diff), where)


def qemu_command(args, seed, calls, log, replay_from=None, gdb_port=None):
    fuzz = os.path.join(args.build, "fuzz", "fuzz.elf")
    victim = os.path.join(args.build, "fuzz", "victim.elf")
    gargs = "seed=%d calls=%d" % (seed, calls)
    if classes_arg(args.exclude):
        gargs += " exclude=" + classes_arg(args.exclude)
    if classes_arg(args.enable):
        gargs += " enable=" + classes_arg(args.enable)
    if replay_from is not None:
        gargs += " replay=1 from=%d" % replay_from
    # 4 MiB is ample for the fuzzer (its image is 200 KiB) and keeps the
    # recount of its frames after each call cheap.
    modules = [os.path.abspath(victim) + " name=victim vcpus=1 -- peer=1",
               os.path.abspath(fuzz) + " name=fuzz vcpus=2 mem=4M -- " + gargs]
    return [args.qemu, "-accel", "tcg", "-cpu", "max", "-m", "512M",
            "-smp", "2", "-nographic", "-no-reboot", "-monitor", "none",
            "-serial", "file:" + log, "-display", "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", args.hyp, "-append",
            CMDLINE + (" audit_every=%d" % args.audit_every
                       if args.audit_every > 1 else ""),
            "-initrd", ",".join(modules)] + (
                ["-gdb", "tcp:127.0.0.1:%d" % gdb_port] if gdb_port else [])


def boot(args, seed, calls, log, replay_from=None):
    """Run one boot; returns (exit status or None, hung, stalled, secs)."""
    try:
        os.remove(log)
    except OSError:
        pass
    port = free_port() if args.state_dump else None
    cmd = qemu_command(args, seed, calls, log, replay_from, port)
    if args.verbose:
        say("+ " + " ".join(shlex.quote(c) for c in cmd))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    last_fuzz = last_victim = (None, start)
    hung = stalled = False
    # A backstop only (hangs and stalls are the progress watchdogs'): a
    # boot that still makes progress gets about fifteen times what a call
    # takes on an idle machine (0.13 ms, 2.5 ms with a recount after every
    # call), as other work may share the CPUs; replays print every call.
    per_call = 0.002 if args.audit_every > 1 else 0.04
    if replay_from is not None:
        per_call += 0.05
    limit = 120 + calls * per_call * args.slow
    while True:
        try:
            proc.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        text = read_log(log)
        fz = len(FUZZ_PROGRESS.findall(text)) + len(FUZZ_CALL.findall(text))
        vc = len(VICTIM_PROGRESS.findall(text))
        if fz != last_fuzz[0]:
            last_fuzz = (fz, now)
        if vc != last_victim[0]:
            last_victim = (vc, now)
        fuzz_idle = now - last_fuzz[1]
        victim_idle = now - last_victim[1]
        over = FUZZ_DONE.search(text) or FUZZ_CRASH.search(text)
        if victim_idle > args.hang and (fuzz_idle > args.hang or over):
            hung = True
        elif fuzz_idle > args.hang and not over:
            stalled = True
        if hung or stalled or now - start > limit:
            hung = hung or (now - start > limit and not stalled)
            dump_state(args, port, log + ".state")
            kill_group(proc)
            return None, hung, stalled, now - start
    return proc.returncode, False, False, time.monotonic() - start


def analyse(text, status, hung, stalled):
    """Findings (kind, detail) and facts about one boot's log."""
    findings = []
    hyp = HYP_LINE.findall(text)
    fatal = [l for l in hyp if FATAL.search(l)]
    audit = [l for l in hyp if AUDIT.search(l)]
    if audit:
        findings.append(("auditor mismatch", audit[0]))
    elif fatal or status == QEMU_PANIC:
        # The first fatal line and the faulting instruction, if named.
        where = [l for l in hyp if "[<" in l or "Panic" in l or "BUG" in l]
        detail = fatal[0] if fatal else "QEMU exit status %d" % status
        for l in where[:2]:
            if l not in detail:
                detail += " | " + l.strip()
        findings.append(("hypervisor fault", detail))
    if hung:
        findings.append(("hang", "no progress from either domain"))
    if stalled:
        findings.append(("stall", "victim runs, fuzzer makes no progress"))
    corrupt = VICTIM_CORRUPT.findall(text)
    if corrupt:
        findings.append(("victim corruption", corrupt[0][5:]))
    vcrash = VICTIM_CRASH.findall(text)
    if vcrash:
        findings.append(("victim corruption", "victim crashed: " + vcrash[0]))
    leaked = 0
    for dom, n in DOM_LEAK.findall(text):
        if dom == "1" and int(n):
            leaked += int(n)
    for n in ALL_LEAK.findall(text):
        if int(n):
            leaked = max(leaked, abs(int(n)))
    not_freed = NOT_FREED.findall(text)
    if leaked or not_freed:
        findings.append(("leak", "%d frames%s" % (
            leaked, (" | " + not_freed[0][6:]) if not_freed else "")))
    clean_end = (status == QEMU_POWEROFF and PASS_RE.search(text)
                 and VICTIM_FINAL.search(text))
    if not findings and status is not None and not clean_end:
        findings.append(("victim corruption",
                         "the victim did not finish cleanly (QEMU status %s)"
                         % status))
    calls = 0
    for m in FUZZ_PROGRESS.finditer(text):
        calls = max(calls, int(m.group(1)))
    done = FUZZ_DONE.search(text)
    if done:
        calls = int(done.group(1))
    crash = FUZZ_CRASH.findall(text)
    return findings, calls, crash[0] if crash else None, leaked


def make_line(args, seed, calls, replay_from=None):
    line = "make fuzz SEEDS=%d CALLS=%d" % (seed, calls)
    if args.exclude:
        line += " EXCLUDE=" + ",".join(re.split(r"[,+ ]+", args.exclude))
    if args.enable:
        line += " ENABLE=" + ",".join(re.split(r"[,+ ]+", args.enable))
    if replay_from is not None:
        line += " REPLAY_FROM=%d" % replay_from
    return line


def run_seed(args, seed):
    logdir = os.path.join(args.build, "fuzz", "logs")
    os.makedirs(logdir, exist_ok=True)
    log = os.path.join(logdir, "seed-%d.log" % seed)
    for old in (log + ".state", log + ".state.text"):
        try:
            os.remove(old)
        except OSError:
            pass
    status, hung, stalled, secs = boot(args, seed, args.calls, log,
                                       args.replay_from)
    text = read_log(log)
    findings, calls, crash, leaked = analyse(text, status, hung, stalled)
    damage = text_damage(args, log + ".state") if stalled else None
    if damage:
        # Only the fuzzer stopped, in code it overwrote (its own calls may
        # write its frames, on Xen too): its own end, not a finding.
        findings = [f for f in findings if f[0] != "stall"]
        crash = "stalled in code it overwrote itself: " + damage
    res = {"seed": seed, "calls": calls, "secs": secs, "findings": findings,
           "crash": crash, "log": log, "leaked": leaked, "culprit": None}
    if findings:
        # Up to the failure and one progress interval beyond it.
        upto = min(args.calls, calls + PROGRESS_EVERY)
        res["repro"] = make_line(args, seed, upto)
        res["replay"] = make_line(args, seed, upto, calls)
        if args.replay_from is not None:
            res["culprit"] = last_call(text)
        elif not args.no_replay:
            rlog = os.path.join(logdir, "seed-%d.replay.log" % seed)
            boot(args, seed, upto, rlog, calls)
            res["culprit"] = last_call(read_log(rlog))
            res["replay_log"] = rlog
    state = "ok" if not findings else "FINDING"
    extra = (" (fuzzer crashed: %s)" % crash) if crash else ""
    say("seed %d: %s, %d calls in %.0fs%s" % (seed, state, calls, secs, extra))
    for kind, detail in findings:
        say("  %s: %s" % (kind, detail))
    if findings:
        say("  reproduce: %s" % res["repro"])
        say("  replay:    %s" % res["replay"])
        if res["culprit"]:
            say("  last call: %s" % res["culprit"])
        say("  log:       %s" % log)
        if os.path.isfile(log + ".state"):
            say("  state:     %s.state" % log)
    return res


def last_call(text):
    """The last call the fuzzer printed, with its result line if any."""
    lines = [l[l.index("fuzz: #") + 6:] for l in text.split("\n")
             if l.startswith("(d1)") and "fuzz: #" in l]
    calls = [i for i, l in enumerate(lines) if " nr " in l]
    if not calls:
        return None
    return " / ".join(lines[calls[-1]:calls[-1] + 3])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--hyp", default=None)
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"))
    ap.add_argument("--seeds", default="1-4")
    ap.add_argument("--calls", type=int, default=100000)
    ap.add_argument("--exclude", default="")
    ap.add_argument("--enable", default="")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--hang", type=float, default=60.0,
                    help="seconds without progress that make a hang")
    ap.add_argument("--no-state-dump", dest="state_dump",
                    action="store_false",
                    help="no gdbstub, no hypervisor state dump on a hang")
    ap.add_argument("--slow", type=float, default=1.0,
                    help="scale the per-boot time limit (a loaded machine)")
    ap.add_argument("--replay-from", type=int, default=None)
    ap.add_argument("--no-replay", action="store_true",
                    help="do not rerun a failing seed in replay mode")
    ap.add_argument("--audit-every", type=int, default=1,
                    help="recount every frame's references after every "
                         "Nth MMU or grant hypercall (every one by default) "
                         "and the fuzzer's own frames and all they reach "
                         "after the others; each domain's end always")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.hyp is None:
        args.hyp = os.path.join(args.build, "vesper.bin")
    if args.smoke:
        seeds = SMOKE_SEEDS
        args.calls = SMOKE_CALLS
        if not args.exclude:
            args.exclude = SMOKE_EXCLUDE
        args.no_replay = True
    else:
        seeds = parse_seeds(args.seeds)
    for f in (args.hyp, os.path.join(args.build, "fuzz", "fuzz.elf"),
              os.path.join(args.build, "fuzz", "victim.elf")):
        if not os.path.isfile(f):
            print("no such file: %s (make hyp fuzz-guests)" % f)
            return 1

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        results = list(ex.map(lambda s: run_seed(args, s), seeds))

    kinds = ["hypervisor fault", "hang", "stall", "victim corruption",
             "auditor mismatch", "leak"]
    count = {k: 0 for k in kinds}
    for r in results:
        for kind, _ in r["findings"]:
            count[kind] += 1
    total_calls = sum(r["calls"] for r in results)
    crashes = [r for r in results if r["crash"]]
    leaked = sum(r["leaked"] for r in results)

    findings_file = os.path.join(args.build, "fuzz", "findings.txt")
    with open(findings_file, "a", encoding="utf-8") as f:
        for r in results:
            for kind, detail in r["findings"]:
                f.write("%s | %s | %s | replay: %s | last call: %s | log %s\n"
                        % (kind, r["repro"], detail, r["replay"],
                           r["culprit"], r["log"]))

    print("fuzz: %d seeds, %d calls made in %.0fs" %
          (len(results), total_calls, time.monotonic() - start))
    print("fuzz: %d hypervisor faults, %d hangs, %d stalls, %d victim "
          "corruptions, %d auditor mismatches, %d leaked frames" %
          (count["hypervisor fault"], count["hang"], count["stall"],
           count["victim corruption"], count["auditor mismatch"], leaked))
    if crashes:
        print("fuzz: the fuzzer crashed itself in %d seeds:" % len(crashes))
        for r in crashes:
            print("  seed %d after %d calls: %s" % (r["seed"], r["calls"],
                                                    r["crash"]))
    bad = [r for r in results if r["findings"]]
    if args.smoke:
        # A smoke seed must also get through all its calls.
        bad += [r for r in results if not r["findings"] and
                r["calls"] < args.calls]
    if bad:
        print("fuzz: findings appended to %s" % findings_file)
    if args.smoke:
        # One check per seed: it ran without findings.
        print("%d passed, %d failed" % (len(results) - len(bad), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

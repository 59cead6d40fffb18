#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Boot each in-guest test kernel under QEMU and judge it from its serial log.

Usage:
  tests/run.py [--hyp build/vesper.bin | --xen build/xen/xen-4.17]
               [--timeout 30] [-j N] [--filter SUBSTR] [--qemu-extra ARGS]
               [--hyp-args WORDS] [--cpu MODEL] [--log-dir DIR] [-v] TEST...

TEST is a guest ELF (build/guests/hello.elf) or a bare test name (hello),
which is looked up as <build>/guests/<name>.elf.

Per-test configuration lives in tests/guests/<name>/test.conf (or
guest-pv/<name>/test.conf for the SDK's demo), as `key = value` lines; `#`
starts a comment. Keys:

  expect_exit    = poweroff | reboot | crash | panic | reset  (default poweroff)
  expect_verdict = pass | none       (default pass; none: no verdict line,
                                      but a "Test result: FAIL" still fails)
  hyp_args       = extra hypervisor command line words (Vesper runs)
  xen_args       = extra Xen command line words (Xen runs)
  guest_args     = guest command line (start_info.cmd_line)
  timeout        = seconds (overrides --timeout)
  expect_log     = regex that must appear in the serial log (Vesper runs)
  xen_expect_log = regex that must appear in the serial log (Xen runs)
  xen            = skip [reason...]  (do not run this test on Xen)
  hyp            = skip [reason...]  (do not run this test on Vesper)
  smp            = N                 (QEMU -smp, Vesper and Xen; default 2)
  memory         = SIZE              (QEMU -m, e.g. 512M or 1G; default 512M)
  dom_args       = OPTS              (Vesper boot-domain options of the
                                      test's own domain, e.g. "vcpus=2
                                      mem=32M"; its module string becomes
                                      "path OPTS -- guest_args")
  ramdisk        = PATH              (a module right after the test's own
                                      kernel, on Vesper and Xen alike: the
                                      test domain's initrd; a path as in
                                      extra_modules, e.g.
                                      build/guests/layout_ramdisk.img,
                                      then module options: an ELF image
                                      as a ramdisk needs kind=ramdisk)
  extra_modules  = MOD ; MOD ...     (more boot-time domains after the
                                      test's own, in order; each MOD is a
                                      module string whose first word is a
                                      guest test name, looked up as
                                      <build>/guests/NAME.elf, or a path.
                                      Vesper only: such tests are skipped
                                      on Xen)
  expect_passes  = N                 (at least N "Test result: PASS" lines
                                      are required; default 1. Any "Test
                                      result: FAIL" line fails the test)
  serial_input   = WAIT => SEND ; ...
                                     (typed on the serial line, step by
                                      step: once regex WAIT appears in the
                                      log after the previous step's match,
                                      SEND is written. SEND takes Python
                                      escapes: \n, \x01 (Ctrl-A), \\. A
                                      step whose WAIT never appears fails
                                      the test)

Module strings follow the boot-time domain syntax:
  <path> [<option>=<value> | <flag> ...] [-- <guest command line>]
Without a standalone "--" everything after the path is the guest command
line. QEMU splits -initrd at commas, so no module string may contain one.

How the way the machine stopped is observed:
  Vesper: the hypervisor writes 0x10 + reason to isa-debug-exit (port 0xf4),
          so QEMU exits with ((0x10 + reason) << 1) | 1: poweroff 33,
          reboot 35, crash 39, panic (0x1f) 63. Status 0 means QEMU saw a
          reset (triple fault) or an ACPI poweroff.
  Xen:    Xen knows nothing of that port, so the outcome is read from Xen's
          own "Hardware Dom0 ..." log lines, and QEMU is killed as soon as one
          appears (with noreboot Xen just spins after dom0 has gone).
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

VESPER_CMDLINE = "console=com1 loglvl=info audit"
XEN_CMDLINE = ("console=com1 com1=115200 dom0_mem=64M loglvl=all "
               "guest_loglvl=all noreboot")

# QEMU exit status -> outcome, per the isa-debug-exit contract above.
VESPER_EXIT = {33: "poweroff", 35: "reboot", 39: "crash", 63: "panic",
               0: "reset"}

# Xen 4.17's messages when the hardware domain goes away (common/domain.c,
# hwdom_shutdown) and when Xen itself dies. Order matters: the first pattern
# that matches decides.
XEN_OUTCOMES = [
    (re.compile(r"Hardware Dom0 halted"), "poweroff"),
    (re.compile(r"Hardware Dom0 shutdown: rebooting"), "reboot"),
    (re.compile(r"Hardware Dom0 crashed"), "crash"),
    (re.compile(r"Hardware Dom0 shutdown"), "other"),
    (re.compile(r"Panic on CPU"), "panic"),
]

VALID_EXITS = ("poweroff", "reboot", "crash", "panic", "reset")
PASS_RE = re.compile(r"Test result: PASS")
MEMORY_RE = re.compile(r"^[0-9]+[KMGkmg]?$")
DEFAULT_SMP = "2"
DEFAULT_MEMORY = "512M"
FAIL_RE = re.compile(r"Test result: FAIL")

print_lock = threading.Lock()


class Test:
    def __init__(self, name, elf):
        self.name = name
        self.elf = elf
        self.conf = {}
        self.conf_path = None


def parse_conf(path):
    conf = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if "=" not in line:
                raise ValueError("%s:%d: expected 'key = value'" % (path, lineno))
            key, value = line.split("=", 1)
            conf[key.strip()] = value.strip()
    known = {"expect_exit", "expect_verdict", "hyp_args", "xen_args",
             "guest_args", "timeout", "expect_log", "xen_expect_log", "xen",
             "hyp", "smp", "memory", "dom_args", "extra_modules",
             "expect_passes", "serial_input", "ramdisk"}
    for key in conf:
        if key not in known:
            raise ValueError("%s: unknown key '%s'" % (path, key))
    for key in ("smp", "expect_passes"):
        if key in conf and not (conf[key].isdigit() and int(conf[key]) >= 1):
            raise ValueError("%s: %s must be a positive integer, not '%s'"
                             % (path, key, conf[key]))
    if "memory" in conf and not MEMORY_RE.match(conf["memory"]):
        raise ValueError("%s: bad memory '%s' (e.g. 512M, 1G)"
                         % (path, conf["memory"]))
    if "serial_input" in conf:
        try:
            if not serial_steps(conf):
                raise ValueError("no step")
        except (ValueError, re.error, UnicodeError) as e:
            raise ValueError("%s: bad serial_input: %s" % (path, e))
    if "extra_modules" in conf and not extra_module_list(conf):
        raise ValueError("%s: extra_modules lists no module" % path)
    if conf.get("expect_exit", "poweroff") not in VALID_EXITS:
        raise ValueError("%s: bad expect_exit '%s'" % (path, conf["expect_exit"]))
    if conf.get("expect_verdict", "pass") not in ("pass", "none"):
        raise ValueError("%s: bad expect_verdict '%s'"
                         % (path, conf["expect_verdict"]))
    return conf


def extra_module_list(conf):
    """The extra_modules value split into module strings (empty ones dropped)."""
    return [m.strip() for m in conf.get("extra_modules", "").split(";")
            if m.strip()]


def serial_steps(conf):
    """serial_input as [(compiled WAIT regex, SEND bytes)]."""
    steps = []
    for step in conf.get("serial_input", "").split(";"):
        if not step.strip():
            continue
        if "=>" not in step:
            raise ValueError("step '%s' lacks '=>'" % step.strip())
        wait, send = step.split("=>", 1)
        data = send.strip().encode("latin-1").decode("unicode_escape")
        steps.append((re.compile(wait.strip()), data.encode("latin-1")))
    return steps


def module_path(build, word):
    """A module string's first word: a guest test name or a path."""
    if word.endswith(".elf") or os.sep in word:
        return os.path.abspath(word)
    return os.path.abspath(os.path.join(build, "guests", word + ".elf"))


def find_conf(name):
    for d in (os.path.join(ROOT, "tests", "guests", name),
              os.path.join(ROOT, "guest-pv", name)):
        p = os.path.join(d, "test.conf")
        if os.path.isfile(p):
            return p
    return None


def resolve_tests(args):
    tests = []
    for item in args.tests:
        if item.endswith(".elf") or os.sep in item:
            elf = item
            name = os.path.basename(item)
            if name.endswith(".elf"):
                name = name[:-4]
        else:
            name = item
            elf = os.path.join(args.build, "guests", name + ".elf")
        if args.filter and args.filter not in name:
            continue
        t = Test(name, elf)
        t.conf_path = find_conf(name)
        if t.conf_path:
            t.conf = parse_conf(t.conf_path)
        tests.append(t)
    return tests


# Firmware paints the serial line with terminal escapes; drop them in tails.
ANSI_RE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[a-zA-Z])")


def tail(path, n=40):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return "(no serial log)"
    text = ANSI_RE.sub("", data.decode("utf-8", "replace").replace("\r", ""))
    return "\n".join(text.splitlines()[-n:])


def read_log(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")
    except OSError:
        return ""


def xen_outcome(log):
    for pat, outcome in XEN_OUTCOMES:
        if pat.search(log):
            return outcome
    return None


def boot_spec(args, t):
    """(image, hypervisor command line, module strings) for test t.

    Each module string is "path [options] [-- guest args]"; the path is
    absolute. The QEMU and Bochs runners both boot exactly this."""
    conf = t.conf
    if args.xen:
        kernel = args.xen
        cmdline = XEN_CMDLINE
        extra = conf.get("xen_args", "")
    else:
        kernel = args.hyp
        cmdline = VESPER_CMDLINE
        extra = conf.get("hyp_args", "")
    if extra:
        cmdline += " " + extra
    if args.hyp_args:
        cmdline += " " + args.hyp_args
    module = os.path.abspath(t.elf)
    gargs = conf.get("guest_args", "")
    dom_args = "" if args.xen else conf.get("dom_args", "")
    if dom_args:
        # Boot-domain options, then the guest's own command line.
        module += " " + dom_args + " --"
        if gargs:
            module += " " + gargs
    elif gargs:
        module += " " + gargs
    modules = [module]
    if conf.get("ramdisk"):
        words = conf["ramdisk"].split(None, 1)
        modules.append(module_path(args.build, words[0]) +
                       (" " + words[1] if len(words) > 1 else ""))
    if not args.xen:
        for extra_mod in extra_module_list(conf):
            words = extra_mod.split(None, 1)
            path = module_path(args.build, words[0])
            modules.append(path + (" " + words[1] if len(words) > 1 else ""))
    return kernel, cmdline, modules


def qemu_command(args, t, log):
    conf = t.conf
    kernel, cmdline, modules = boot_spec(args, t)
    cpu = args.cpu or ("max,-smap" if args.xen else "max")
    if "serial_input" in conf:
        # Typed input arrives on QEMU's stdin; the log still gets every
        # byte the machine writes.
        serial = ["-chardev", "stdio,id=ser0,signal=off,logfile=" + log,
                  "-serial", "chardev:ser0"]
    else:
        serial = ["-serial", "file:" + log]
    cmd = [args.qemu, "-accel", "tcg", "-cpu", cpu,
           "-m", conf.get("memory", DEFAULT_MEMORY),
           "-smp", conf.get("smp", DEFAULT_SMP),
           "-nographic", "-no-reboot", "-monitor", "none"] + serial + [
           "-display", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", kernel, "-append", cmdline, "-initrd",
           # QEMU splits -initrd on commas; a doubled one is a literal comma.
           ",".join(m.replace(",", ",,") for m in modules)]
    if args.qemu_extra:
        cmd += shlex.split(args.qemu_extra)
    return cmd


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def precheck(args, t):
    """A SKIP or FAIL result if t cannot run at all, else None."""
    mode = "xen" if args.xen else "hyp"
    skip = t.conf.get(mode, "")
    if skip.startswith("skip"):
        return ("SKIP", skip[4:].strip(" :-") or "marked skip", None, 0.0)
    if args.xen and extra_module_list(t.conf):
        return ("SKIP", "several domains (extra_modules): Vesper only",
                None, 0.0)
    if not os.path.isfile(t.elf):
        return ("FAIL", "no such guest image: %s" % t.elf, None, 0.0)
    if t.conf.get("ramdisk"):
        path = module_path(args.build, t.conf["ramdisk"].split()[0])
        if not os.path.isfile(path):
            return ("FAIL", "no such ramdisk: %s" % path, None, 0.0)
    if not args.xen:
        for extra_mod in extra_module_list(t.conf):
            path = module_path(args.build, extra_mod.split()[0])
            if not os.path.isfile(path):
                return ("FAIL", "no such extra module: %s" % path, None, 0.0)
    return None


def run_one(args, t):
    """Returns (status, reason, log path, seconds); status is PASS/FAIL/SKIP."""
    early = precheck(args, t)
    if early:
        return early
    mode = "xen" if args.xen else "hyp"
    log = os.path.join(args.log_dir, "%s.%s.log" % (t.name, mode))
    try:
        os.remove(log)
    except OSError:
        pass
    timeout = float(t.conf.get("timeout", args.timeout))
    cmd = qemu_command(args, t, log)
    if args.verbose:
        with print_lock:
            print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)

    steps = serial_steps(t.conf)
    step_pos = 0  # where in the log the next step's WAIT is looked for
    start = time.monotonic()
    # Own process group, so a timeout kills QEMU and nothing else.
    if steps:
        # The serial line is QEMU's stdio; its copy on stdout is the log's.
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)
        qemu_pipe = proc.stderr
    else:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
        qemu_pipe = proc.stdout
    # QEMU's own stderr is tiny; drain it in the background so a chatty
    # QEMU cannot block on a full pipe while we poll the serial log.
    qemu_out = []
    drainer = threading.Thread(target=lambda: qemu_out.append(qemu_pipe.read()))
    drainer.start()

    timed_out = False
    xen_seen = None
    while True:
        try:
            proc.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            pass
        while steps:
            m = steps[0][0].search(read_log(log), step_pos)
            if not m:
                break
            step_pos = m.end()
            try:
                proc.stdin.write(steps[0][1])
                proc.stdin.flush()
            except OSError:
                pass  # QEMU is going away; its exit status tells why
            steps.pop(0)
        elapsed = time.monotonic() - start
        if args.xen and xen_seen is None:
            outcome = xen_outcome(read_log(log))
            if outcome is not None:
                xen_seen = time.monotonic()
        if xen_seen is not None and time.monotonic() - xen_seen > 1.0:
            # Give Xen a moment to flush the rest of its messages first.
            kill_group(proc)
            break
        if elapsed > timeout:
            timed_out = True
            kill_group(proc)
            break
    drainer.join()
    secs = time.monotonic() - start
    status = proc.returncode
    text = read_log(log)
    stderr_text = (qemu_out[0] if qemu_out else b"").decode("utf-8", "replace")

    if steps:
        why = "serial input never typed: log lacks /%s/" % steps[0][0].pattern
        if timed_out:
            why += " (timeout after %gs)" % timeout
        return ("FAIL", why, log, secs)
    if timed_out:
        return ("FAIL", "timeout after %gs" % timeout, log, secs)

    if args.xen:
        observed = xen_outcome(text)
        if observed is None:
            if status == 0:
                observed = "reset"
            else:
                return ("FAIL", "QEMU exited with status %d before Xen said "
                        "how dom0 ended%s" % (status, qemu_note(stderr_text)),
                        log, secs)
    else:
        observed = VESPER_EXIT.get(status)
        if observed is None:
            return ("FAIL", "unexpected QEMU exit status %d%s"
                    % (status, qemu_note(stderr_text)), log, secs)

    return verdict(args, t, text, observed) + (log, secs)


def verdict(args, t, text, observed):
    """(status, reason) from the serial log text and how the machine ended
    (one of VALID_EXITS, or "other"), against t's test.conf."""
    expect_exit = t.conf.get("expect_exit", "poweroff")
    expect_verdict = t.conf.get("expect_verdict", "pass")
    m = FAIL_RE.search(text)
    if m:
        line = text[m.start():].split("\n", 1)[0].strip()
        return ("FAIL", "guest reported '%s'" % line)
    want_passes = int(t.conf.get("expect_passes", "1"))
    passes = len(PASS_RE.findall(text))
    if expect_verdict == "pass" and passes < want_passes:
        if want_passes == 1:
            why = "no 'Test result: PASS' line"
        else:
            why = "%d of %d 'Test result: PASS' lines" % (passes, want_passes)
        if observed != expect_exit:
            why += "; " + describe(observed)
        return ("FAIL", why)
    if observed != expect_exit:
        return ("FAIL", "expected %s, got %s" % (expect_exit, describe(observed)))
    key = "xen_expect_log" if args.xen else "expect_log"
    pattern = t.conf.get(key)
    if pattern and not re.search(pattern, text):
        return ("FAIL", "log lacks /%s/" % pattern)
    return ("PASS", observed)


def describe(outcome):
    if outcome == "reset":
        return "machine reset (triple fault?)"
    return outcome


def qemu_note(stderr_text):
    s = stderr_text.strip()
    return (": " + s.splitlines()[-1]) if s else ""


def main():
    ap = argparse.ArgumentParser(
        description="Run Vesper in-guest tests under QEMU.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--hyp", help="Vesper image (default build/vesper.bin)")
    g.add_argument("--xen", help="reference Xen image (tests/xen/fetch-xen.sh)")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--filter", help="only tests whose name contains this")
    ap.add_argument("--qemu-extra", default="", help="extra QEMU arguments")
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"))
    ap.add_argument("--cpu", help="override QEMU -cpu")
    ap.add_argument("--hyp-args", default="",
                    help="extra words for the hypervisor (or Xen) command line")
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"),
                    help="build directory for bare test names")
    ap.add_argument("--log-dir", help="serial logs (default <build>/test-logs)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print each QEMU command line")
    ap.add_argument("tests", nargs="+", metavar="TEST")
    args = ap.parse_args()

    if not args.xen and not args.hyp:
        args.hyp = os.path.join(args.build, "vesper.bin")
    image = args.xen or args.hyp
    if not os.path.isfile(image):
        ap.error("no such image: %s" % image)
    if args.log_dir is None:
        args.log_dir = os.path.join(args.build, "test-logs")
    os.makedirs(args.log_dir, exist_ok=True)

    try:
        tests = resolve_tests(args)
    except ValueError as e:
        ap.error(str(e))

    return run_tests(args, tests, run_one)


def run_tests(args, tests, runner):
    """Run runner(args, t) for each test on args.jobs threads, print each
    result as it comes and the summary line; the exit status."""
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def report(t, result):
        status, reason, log, secs = result
        counts[status] += 1
        with print_lock:
            if status == "PASS":
                print("PASS  %-22s (%s, %.1fs)" % (t.name, reason, secs), flush=True)
            elif status == "SKIP":
                print("SKIP  %-22s (%s)" % (t.name, reason), flush=True)
            else:
                print("FAIL  %-22s %s (%.1fs)" % (t.name, reason, secs))
                if log:
                    print("----- last 40 lines of %s -----" % log)
                    print(tail(log))
                    print("-----")
                sys.stdout.flush()

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = {ex.submit(runner, args, t): t for t in tests}
        for fut in concurrent.futures.as_completed(futs):
            t = futs[fut]
            try:
                result = fut.result()
            except Exception as e:  # a runner bug must not hide other results
                result = ("FAIL", "runner error: %s" % e, None, 0.0)
            report(t, result)

    summary = "%d passed, %d failed" % (counts["PASS"], counts["FAIL"])
    if counts["SKIP"]:
        summary += ", %d skipped" % counts["SKIP"]
    print(summary)
    return 1 if counts["FAIL"] or not tests else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""System tests: Debian's Linux kernels on Vesper (or Xen 4.17), judged from the serial line.

Usage:
  tests/system/run.py [--hyp build/vesper.bin | --xen build/xen/xen-4.17]
                      [--images build/linux] [--timeout SECONDS]
                      [--kernel-override FLAVOUR=PATH ...] [--hyp-args WORDS]
                      [--log-dir DIR] [-v] [TEST ...]

Images come from `make linux-images` (tests/system/mkimages.py): Debian's
vmlinuz-amd64 and vmlinuz-cloud-amd64 as shipped, and initrd.cpio.gz, whose
/init (tests/system/init.sh) prints "vesper-init:" lines and, with
vesper.test=1 on the kernel command line, runs the self-check
(tests/system/selftest.sh): 100 processes forked and exec'd, a 64 MiB tmpfs
file written, read back and checksummed, a program killed by SIGSEGV, then
"vesper-selftest: PASS" and poweroff -f.

Tests (default: all of them; Xen runs skip what needs boot-time domUs):
  domu    (a) the cloud kernel as a boot-time domU (domain 0 is the
              `hello` guest test, which passes and powers off at once):
              /init reached, hypervisor "xen", self-check PASS, the kernel's
              "reboot: Power down", the domain shuts down with poweroff.
  dom0    (b) the amd64 kernel as dom0 (mem=512M; Xen: dom0_mem=512M): the
              same, and dmesg shows the ACPI tables (ACPI: RSDP) and DMI
              (DMI: <machine>) found.
  smp     (c) -smp 2: amd64 dom0 and two cloud domUs with 2 vCPUs each, all
              three pass the self-check; each domU sees 2 CPUs.
  shell   (d) amd64 dom0 without vesper.test: on its shell, over the serial
              line, `sleep 30` is interrupted by Ctrl-C (the shell has a
              controlling tty), `uname -a` answers with the kernel's release,
              and `poweroff -f` ends the machine.

QEMU: -accel tcg -cpu max,-smap -m 1G (-smp 1, or 2 for smp). -smap
because QEMU 7.2's TCG reads a guest's iret frame as a supervisor access
when SMAP is visible, and both Xen 4.17 and Vesper then see Linux die at
its first iretq (issue 11).

--kernel-override FLAVOUR=PATH (FLAVOUR amd64 or cloud-amd64) boots PATH
instead of that vmlinuz, e.g. a hand-extracted ELF while the hypervisor
cannot decode the shipped one yet.

Each test has a timeout (--timeout, seconds); on failure the runner says
which check failed, the last "vesper-" line seen, and prints the serial
log's tail. Full logs: <log-dir>/linux-<test>.<hyp|xen>.log, each line
prefixed with its arrival time. The last line is `N passed, N failed`
(tests/all.py's format).
"""

import argparse
import importlib.util
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _load_guest_runner():
    """tests/run.py, for its exit-status contract and log helpers."""
    spec = importlib.util.spec_from_file_location(
        "vesper_guest_run", os.path.join(ROOT, "tests", "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


guest_run = _load_guest_runner()

QEMU_FLAGS = ["-accel", "tcg", "-cpu", "max,-smap", "-m", "1G",
              "-nographic", "-no-reboot", "-monitor", "none",
              "-display", "none",
              "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
VESPER_CMDLINE = "console=com1 loglvl=info"
XEN_CMDLINE = ("console=com1 com1=115200 dom0_mem=512M loglvl=all "
               "guest_loglvl=all noreboot")
LINUX_CMDLINE = "console=hvc0 earlyprintk=xen"
DOM0_MEM = "512M"
# -m 1G leaves Vesper about 840 MiB for domains: smp's three must fit.
SMP_DOM0_MEM = "320M"
SMP_DOMU_MEM = "192M"
DOMU_MEM = "256M"

# What Linux says when it stops, for the failure message.
LINUX_DEATH_RE = re.compile(r"Kernel panic|BUG: |Oops: |general protection|"
                            r"System is deadlocked|Attempted to kill init")
# Hypervisor lines worth quoting when a test fails.
VESPER_NOTE_RE = re.compile(r"\(VSP\) (Panic|builder:|d\d+: not started|"
                            r"domain \d+ crashed|.*shut down: (?!poweroff))")
XEN_NOTE_RE = re.compile(r"\(XEN\) .*(Panic|crashed|Domain \d+ .*shut down)")
XEN_S5_RE = re.compile(r"\(XEN\) Entering ACPI S5 state")
# A kernel without a power-off method (a domU: no ACPI) turns poweroff
# into halt, and its Xen code shuts the domain down as poweroff either way.
POWER_DOWN_RE = r"(\[ *[0-9.]+\] )?reboot: (Power down|System halted)"


class Machine:
    """One QEMU boot with the serial line on stdio: timed lines, typing."""

    def __init__(self, cmd, log_path, verbose=False):
        self.cmd = cmd
        self.log_path = log_path
        self.verbose = verbose
        self.lines = []   # (seconds since QEMU start, line)
        self.text = ""    # everything so far, \r dropped (prompts included)
        self.status = None
        self.timed_out = False
        self.stderr = ""
        self.cond = threading.Condition()
        self.start = None
        self.proc = None

    def launch(self):
        if self.verbose:
            print("+ " + " ".join(shlex.quote(c) for c in self.cmd), flush=True)
        self.start = time.monotonic()
        # Own process group: a timeout kills this QEMU and nothing else.
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.err = []
        self.t_out = threading.Thread(target=self._reader)
        self.t_err = threading.Thread(
            target=lambda: self.err.append(self.proc.stderr.read()))
        self.t_out.start()
        self.t_err.start()

    def _reader(self):
        buf = ""
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                break
            now = time.monotonic() - self.start
            s = guest_run.ANSI_RE.sub("", chunk.decode("utf-8", "replace"))
            s = s.replace("\r", "")
            with self.cond:
                self.text += s
                buf += s
                while "\n" in buf:
                    line, buf = buf.split("\n", 1)
                    self.lines.append((now, line))
                self.cond.notify_all()
        with self.cond:
            if buf:
                self.lines.append((time.monotonic() - self.start, buf))
            self.cond.notify_all()

    def elapsed(self):
        return time.monotonic() - self.start

    def send(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError:
            pass  # QEMU is going away; its exit status tells why

    def wait_event(self, timeout):
        with self.cond:
            self.cond.wait(timeout=timeout)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def finish(self):
        self.proc.wait()
        self.t_out.join()
        self.t_err.join()
        self.status = self.proc.returncode
        self.stderr = (self.err[0] if self.err else b"").decode("utf-8", "replace")
        with open(self.log_path, "w", encoding="utf-8") as f:
            for t, line in self.lines:
                f.write("[%9.3f] %s\n" % (t, line))

    def first(self, pattern):
        """(time, line) of the first line matching pattern, or (None, None)."""
        rx = re.compile(pattern)
        for t, line in self.lines:
            if rx.search(line):
                return t, line
        return None, None

    def tail(self, n=40):
        return "\n".join(line for _, line in self.lines[-n:])


class Step:
    """Type send once wait matches the output after the previous step."""

    def __init__(self, wait, send, delay=0.0, within=None, what=""):
        self.wait = re.compile(wait)
        self.send = send
        self.delay = delay      # seconds between the match and typing
        self.within = within    # the match must come this soon after the
        self.what = what        # previous step's typing (None: any time)


def drive(m, steps, timeout, xen):
    """Run m to its end; returns a failure string or None."""
    pos = 0
    last_sent = 0.0
    xen_down = None
    m.launch()
    failure = None
    while True:
        if m.proc.poll() is not None:
            break
        m.wait_event(0.1)
        now = m.elapsed()
        if steps:
            st = steps[0]
            with m.cond:
                match = st.wait.search(m.text, pos)
            if match:
                pos = match.end()
                if st.delay:
                    time.sleep(st.delay)
                m.send(st.send)
                last_sent = m.elapsed()
                steps.pop(0)
            elif st.within is not None and now - last_sent > st.within:
                failure = ("%s: no /%s/ within %gs" %
                           (st.what or "serial step", st.wait.pattern, st.within))
                m.kill()
                break
        if xen and xen_down is None:
            with m.cond:
                if guest_run.xen_outcome(m.text):
                    xen_down = now
        # With noreboot Xen spins once dom0 has gone: let it flush, then stop.
        if xen_down is not None and now - xen_down > 1.0:
            m.kill()
            break
        if now > timeout:
            m.timed_out = True
            m.kill()
            break
    m.finish()
    if failure:
        return failure
    if steps:
        why = "%s: output never showed /%s/" % (steps[0].what or "serial step",
                                                 steps[0].wait.pattern)
        if m.timed_out:
            why += " (timeout after %gs)" % timeout
        return why
    if m.timed_out:
        return "timeout after %gs" % timeout
    return None


def outcome(m, xen):
    """How the machine ended: poweroff, reboot, crash, panic, reset, other."""
    if xen:
        # A Linux dom0 powers off through ACPI: Xen enters S5 itself and
        # QEMU exits 0, with no "Hardware Dom0" line.
        if XEN_S5_RE.search(m.text):
            return "poweroff"
        o = guest_run.xen_outcome(m.text)
        if o is None and m.status == 0:
            o = "reset"
        return o or "QEMU status %d before Xen said how dom0 ended" % m.status
    return guest_run.VESPER_EXIT.get(m.status, "QEMU status %d" % m.status)


class Domain:
    """One Linux domain the test boots: where its lines are and what to check."""

    def __init__(self, label, flavour, prefix, domid, checks=()):
        self.label = label        # "dom0", "domU cloud1"
        self.flavour = flavour    # "amd64" or "cloud-amd64"
        self.prefix = prefix      # line prefix: "" (Xen's dom0), "(d0) "
        self.domid = domid
        self.checks = list(checks)  # extra (regex, what) for its lines


class Test:
    def __init__(self, name, title, xen_ok, smp=1, timeout=300):
        self.name = name
        self.title = title
        self.xen_ok = xen_ok
        self.smp = smp
        self.timeout = timeout  # seconds, unless --timeout


# Timeouts: Xen reaches /init in about 10 s and powers off by 30 s on an
# idle host; a shared 2-core host can take five times that, and smp boots
# three kernels on two TCG CPUs.
TESTS = [
    Test("domu", "(a) cloud kernel as a boot-time domU", xen_ok=False),
    Test("dom0", "(b) amd64 kernel as dom0, ACPI and DMI found", xen_ok=True),
    Test("smp", "(c) -smp 2: dom0 + two 2-vCPU domUs", xen_ok=False, smp=2,
         timeout=900),
    Test("shell", "(d) uname -a typed on dom0's shell", xen_ok=True),
]


def linux_args(test_mode):
    return LINUX_CMDLINE + (" vesper.test=1" if test_mode else "")


def vesper_module(path, opts, cmdline):
    """A Vesper module string: path, options, a standalone --, cmdline."""
    return ("%s %s -- %s" % (path, opts, cmdline)).strip()


def plan(t, args):
    """(QEMU -kernel, -append, -initrd modules, [Domain]) for test t."""
    img = args.kernel
    initrd = os.path.join(args.images, "initrd.cpio.gz")
    ramdisk = vesper_module(initrd, "kind=ramdisk", "")
    test_mode = t.name != "shell"
    firmware = [(r"vesper-dmesg: .*ACPI: RSDP ", "ACPI tables found (ACPI: RSDP)"),
                (r"vesper-dmesg: .*DMI: (?!not present)\S",
                 "DMI found (DMI: <machine>)")]
    if args.xen:
        cmdline = XEN_CMDLINE + (" " + args.hyp_args if args.hyp_args else "")
        mods = ["%s %s" % (img["amd64"], linux_args(test_mode)), initrd]
        doms = [Domain("dom0", "amd64", "", 0,
                       firmware if t.name == "dom0" else ())]
        return args.xen, cmdline, mods, doms
    cmdline = VESPER_CMDLINE + (" " + args.hyp_args if args.hyp_args else "")
    if t.name == "domu":
        hello = os.path.join(args.build, "guests", "hello.elf")
        mods = [hello,
                vesper_module(img["cloud-amd64"],
                              "name=cloud mem=%s" % DOMU_MEM, linux_args(True)),
                ramdisk]
        no_fw = [(r"vesper-dmesg: .*DMI not present",
                  "no DMI in a domU (DMI not present)")]
        doms = [Domain("domU cloud", "cloud-amd64", "(d1) ", 1, no_fw)]
    elif t.name == "smp":
        mods = [vesper_module(img["amd64"], "mem=%s" % SMP_DOM0_MEM,
                              linux_args(True)), ramdisk]
        doms = [Domain("dom0", "amd64", "(d0) ", 0,
                       [(r"vesper-init: cpus 2$", "dom0 sees 2 CPUs")])]
        for i in (1, 2):
            mods += [vesper_module(img["cloud-amd64"],
                                   "name=cloud%d mem=%s vcpus=2" % (i, SMP_DOMU_MEM),
                                   linux_args(True)), ramdisk]
            doms.append(Domain("domU cloud%d" % i, "cloud-amd64", "(d%d) " % i,
                               i, [(r"vesper-init: cpus 2$",
                                    "domU sees its 2 vCPUs")]))
    else:
        mods = [vesper_module(img["amd64"], "mem=%s" % DOM0_MEM,
                              linux_args(test_mode)), ramdisk]
        doms = [Domain("dom0", "amd64", "(d0) ", 0,
                       firmware if t.name == "dom0" else ())]
    return args.hyp, cmdline, mods, doms


def shell_steps(release, prefix):
    """Type on dom0's shell. Vesper prints a domain's output a whole line at
    a time, so the prompt (no newline) is never waited for: ash's banner
    is, and every answer is a line of its own."""
    line = r"(?:^|\n)" + re.escape(prefix)
    return [
        Step(r"Enter 'help' for a list of built-in commands\.\n",
             b"sleep 30\n", delay=1.0, what="busybox shell banner"),
        # The typed line's echo; give sleep a moment to start, then Ctrl-C.
        Step(r"sleep 30\n", b"\x03", delay=2.0, within=30,
             what="typed line echoed"),
        Step(r"\^C", b"echo rc=$?\n", within=10, what="Ctrl-C echoed"),
        # sleep must die of SIGINT at once (128 + 2), long before its 30 s:
        # the shell has hvc0 as its controlling terminal.
        Step(line + r"rc=130\n", b"uname -a\n", within=15,
             what="Ctrl-C interrupts sleep (status 130)"),
        Step(line + r"Linux vesper-linux %s #1 SMP [^\n]* x86_64 GNU/Linux\n"
             % re.escape(release), b"poweroff -f\n", within=30,
             what="uname -a answer"),
    ]


def judge_domain(m, d, release, xen):
    """The first failed check of domain d, or None."""
    p = re.escape(d.prefix)
    checks = [
        (r"^%svesper-init: kernel %s$" % (p, re.escape(release)),
         "/init reached (vesper-init: kernel %s)" % release),
        (r"^%svesper-init: hypervisor xen$" % p,
         "/sys/hypervisor/type is xen"),
    ]
    if d.test_mode:
        checks.append((r"^%svesper-selftest: PASS$" % p, "self-check PASS"))
    checks += [(r"^%s%s" % (p, c), what) for c, what in d.checks]
    checks.append((r"^%s%s" % (p, POWER_DOWN_RE),
                   "clean poweroff (reboot: Power down or System halted)"))
    if not xen:
        checks.append((r"domain %d \(\S+\) shut down: poweroff" % d.domid,
                       "the hypervisor saw d%d power off" % d.domid))
    if not xen:
        _, refused = m.first(r"\(VSP\) d%d: not started: " % d.domid)
        if refused:
            return "%s: %s" % (d.label, refused.split(") ", 1)[1])
    _, bad = m.first(r"^%svesper-selftest: FAIL" % p)
    if bad:
        return "%s: %s" % (d.label, bad[len(d.prefix):])
    for rx, what in checks:
        if m.first(rx)[0] is None:
            return "%s: no %s" % (d.label, what)
    return None


def where_stopped(m, d):
    """The last thing domain d said that tells how far it got."""
    p = re.escape(d.prefix)
    last = None
    for _, line in m.lines:
        if re.match(r"^%s(vesper-|.*(%s))" % (p, LINUX_DEATH_RE.pattern), line):
            last = line
    if last is None:
        for _, line in m.lines:
            if line.startswith(d.prefix) and (d.prefix or not line.startswith("(")):
                last = line
    return last


def run_test(t, args):
    """(status, reason, log, seconds, figures)."""
    mode = "xen" if args.xen else "hyp"
    if args.xen and not t.xen_ok:
        return ("SKIP", "needs boot-time domUs (Vesper only)", None, 0.0, {})
    kernel, cmdline, mods, doms = plan(t, args)
    for mod in mods:
        path = mod.split()[0]
        if not os.path.isfile(path):
            return ("FAIL", "no such image: %s (make linux-images)" % path,
                    None, 0.0, {})
        if "," in mod:
            return ("FAIL", "module string has a ',' (QEMU splits -initrd "
                    "there): %s" % mod, None, 0.0, {})
    for d in doms:
        d.test_mode = t.name != "shell"
    release = args.release
    log = os.path.join(args.log_dir, "linux-%s.%s.log" % (t.name, mode))
    cmd = [args.qemu] + QEMU_FLAGS + ["-smp", str(t.smp),
                                      "-chardev", "stdio,id=ser0,signal=off",
                                      "-serial", "chardev:ser0",
                                      "-kernel", kernel, "-append", cmdline,
                                      "-initrd", ",".join(mods)]
    if args.icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    m = Machine(cmd, log, args.verbose)
    steps = (shell_steps(release["amd64"], doms[0].prefix)
             if t.name == "shell" else [])
    why = drive(m, steps, args.timeout or t.timeout, bool(args.xen))
    secs = m.elapsed()
    figures = bench_figures(m, doms[0])
    if why is None:
        end = outcome(m, bool(args.xen))
        for d in doms:
            why = judge_domain(m, d, release[d.flavour], bool(args.xen))
            if why:
                break
        if why is None and end != "poweroff":
            why = "machine ended with %s, expected poweroff" % end
    if why:
        for d in doms:
            last = where_stopped(m, d)
            why += "\n      %s stopped at: %s" % (d.label, last or "(said nothing)")
        hyp_rx = XEN_NOTE_RE if args.xen else VESPER_NOTE_RE
        notes = [line for _, line in m.lines if hyp_rx.search(line)]
        for line in notes[:4]:
            why += "\n      hypervisor: %s" % line
        return ("FAIL", why, log, secs, figures)
    return ("PASS", "poweroff", log, secs, figures)


def bench_figures(m, d):
    """Seconds from QEMU start to /init and to poweroff; uptime at /init."""
    p = re.escape(d.prefix)
    figs = {}
    t, _ = m.first(r"^%svesper-init: kernel " % p)
    if t is not None:
        figs["wall_init"] = t
    t, _ = m.first(r"^%s%s" % (p, POWER_DOWN_RE))
    if t is not None:
        figs["wall_poweroff"] = t
    _, line = m.first(r"^%svesper-init: uptime [0-9.]+$" % p)
    if line:
        figs["uptime_init"] = float(line.rsplit(" ", 1)[1])
    return figs


def read_release(images):
    """uname -r of each flavour, from the images' VERSION file."""
    rel = {}
    try:
        with open(os.path.join(images, "VERSION"), encoding="utf-8") as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k == "release_amd64":
                    rel["amd64"] = v
                elif k == "release_cloud_amd64":
                    rel["cloud-amd64"] = v
    except OSError:
        pass
    return rel


def main():
    ap = argparse.ArgumentParser(
        description="Linux system tests on Vesper or Xen 4.17.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--hyp", help="Vesper image (default <build>/vesper.bin)")
    g.add_argument("--xen", help="reference Xen image (build/xen/xen-4.17)")
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--images", help="make linux-images output "
                    "(default <build>/linux)")
    ap.add_argument("--timeout", type=float,
                    help="seconds per test (default 300, smp 900)")
    ap.add_argument("--kernel-override", action="append", default=[],
                    metavar="FLAVOUR=PATH",
                    help="boot PATH instead of vmlinuz-FLAVOUR")
    ap.add_argument("--hyp-args", default="",
                    help="extra words for the hypervisor (or Xen) command line")
    ap.add_argument("--icount", action="store_true",
                    help="run QEMU with -icount shift=0,sleep=off")
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"))
    ap.add_argument("--log-dir", help="serial logs (default <build>/test-logs)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print each QEMU command line")
    ap.add_argument("tests", nargs="*", metavar="TEST",
                    help="domu, dom0, smp, shell (default: all)")
    args = ap.parse_args()

    if not args.xen and not args.hyp:
        args.hyp = os.path.join(args.build, "vesper.bin")
    image = args.xen or args.hyp
    if not os.path.isfile(image):
        ap.error("no such image: %s" % image)
    args.images = os.path.abspath(args.images or os.path.join(args.build, "linux"))
    args.build = os.path.abspath(args.build)
    args.log_dir = args.log_dir or os.path.join(args.build, "test-logs")
    os.makedirs(args.log_dir, exist_ok=True)
    args.release = read_release(args.images)
    if set(args.release) != {"amd64", "cloud-amd64"}:
        ap.error("%s/VERSION lacks the kernels' releases: run make linux-images"
                 % args.images)
    args.kernel = {f: os.path.join(args.images, "vmlinuz-" + f)
                   for f in ("amd64", "cloud-amd64")}
    for o in args.kernel_override:
        flavour, _, path = o.partition("=")
        if flavour not in args.kernel or not path:
            ap.error("--kernel-override wants amd64=PATH or cloud-amd64=PATH, "
                     "not '%s'" % o)
        args.kernel[flavour] = os.path.abspath(path)
    names = {t.name: t for t in TESTS}
    for n in args.tests:
        if n not in names:
            ap.error("unknown test '%s' (known: %s)" % (n, ", ".join(names)))
    tests = [names[n] for n in args.tests] if args.tests else TESTS

    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for t in tests:
        status, reason, log, secs, figs = run_test(t, args)
        counts[status] += 1
        name = "linux-" + t.name
        timing = ""
        if figs:
            timing = ", " + " ".join("%s=%.2f" % kv for kv in sorted(figs.items()))
        if status == "PASS":
            print("PASS  %-14s %s (%s, %.1fs%s)" % (name, t.title, reason, secs,
                                                     timing), flush=True)
        elif status == "SKIP":
            print("SKIP  %-14s (%s)" % (name, reason), flush=True)
        else:
            print("FAIL  %-14s %s: %s (%.1fs)" % (name, t.title, reason, secs))
            if log:
                print("----- last 40 lines of %s -----" % log)
                print(guest_run.tail(log))
                print("-----", flush=True)
    summary = "%d passed, %d failed" % (counts["PASS"], counts["FAIL"])
    if counts["SKIP"]:
        summary += ", %d skipped" % counts["SKIP"]
    print(summary)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())

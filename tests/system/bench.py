#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Linux bench rows: Debian's amd64 kernel as dom0, Vesper against Xen 4.17.

Usage:
  tests/system/bench.py [--build build] [--hyp build/vesper.bin]
                        [--xen build/xen/xen-4.17] [--no-xen] [--runs N]
                        [--kernel-override FLAVOUR=PATH ...] [--out DIR]

Each side boots the system test `dom0` (tests/system/run.py: same kernel,
initramfs, 512 MiB for dom0, QEMU flags) under -icount shift=0,sleep=off,
N times (default 1), and reports:
  wall to /init      host seconds from QEMU start to "vesper-init: kernel"
  wall to poweroff   host seconds from QEMU start to "reboot: Power down"
  uptime at /init    the kernel's /proc/uptime when /init starts; with icount
                     this counts guest instructions (1 ns each), so it does
                     not depend on the host's load
Wall times do depend on the host's load; with N > 1 the table shows the
smallest of the runs. A side whose boot fails shows its failure instead.
Writes <out>/linux.json and linux.md (default <build>/bench/).
"""

import argparse
import datetime
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_system_runner():
    spec = importlib.util.spec_from_file_location(
        "vesper_system_run", os.path.join(HERE, "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


sysrun = _load_system_runner()

ROWS = [("wall_init", "wall time, QEMU start to /init (s)"),
        ("wall_poweroff", "wall time, QEMU start to poweroff (s)"),
        ("uptime_init", "kernel uptime at /init, icount (s)")]


def side_args(base, xen):
    """A copy of the parsed options for one hypervisor."""
    a = argparse.Namespace(**vars(base))
    a.icount = True
    a.verbose = False
    a.timeout = None
    a.hyp_args = ""
    if xen:
        a.hyp = None
    else:
        a.xen = None
    return a


def measure(args, xen, runs):
    test = [t for t in sysrun.TESTS if t.name == "dom0"][0]
    figs, errors = [], []
    for _ in range(runs):
        status, reason, log, _, f = sysrun.run_test(test, side_args(args, xen))
        if status == "PASS":
            figs.append(f)
        else:
            errors.append("%s (log %s)" % (reason.split("\n")[0], log))
    best = {}
    for key, _ in ROWS:
        vals = [f[key] for f in figs if key in f]
        if vals:
            best[key] = min(vals)
    return {"figures": best, "runs": figs, "errors": errors}


def fmt(side, key):
    if side is None:
        return "-"
    v = side["figures"].get(key)
    if v is None:
        return "fail" if side["errors"] else "-"
    return "%.2f" % v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--hyp")
    ap.add_argument("--xen")
    ap.add_argument("--no-xen", action="store_true")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--kernel-override", action="append", default=[],
                    metavar="FLAVOUR=PATH")
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"))
    ap.add_argument("--out")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.hyp = args.hyp or os.path.join(args.build, "vesper.bin")
    args.xen = None if args.no_xen else (
        args.xen or os.path.join(args.build, "xen", "xen-4.17"))
    args.images = os.path.join(args.build, "linux")
    args.log_dir = os.path.join(args.build, "test-logs", "bench")
    os.makedirs(args.log_dir, exist_ok=True)
    args.release = sysrun.read_release(args.images)
    if set(args.release) != {"amd64", "cloud-amd64"}:
        ap.error("%s/VERSION lacks the kernels' releases: run make linux-images"
                 % args.images)
    args.kernel = {f: os.path.join(args.images, "vmlinuz-" + f)
                   for f in ("amd64", "cloud-amd64")}
    for o in args.kernel_override:
        flavour, _, path = o.partition("=")
        if flavour not in args.kernel or not path:
            ap.error("--kernel-override wants amd64=PATH or cloud-amd64=PATH")
        args.kernel[flavour] = os.path.abspath(path)
    for img in [args.hyp] + ([args.xen] if args.xen else []):
        if not os.path.isfile(img):
            ap.error("no such image: %s" % img)

    res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
           "kernel": args.kernel["amd64"], "runs": args.runs,
           "qemu": sysrun.QEMU_FLAGS + ["-icount", "shift=0,sleep=off"]}
    res["vesper"] = measure(args, False, args.runs)
    res["xen"] = measure(args, True, args.runs) if args.xen else None

    lines = ["| Linux dom0 (%s) | Xen 4.17 | Vesper | Vesper/Xen |"
             % args.release["amd64"], "|---|---|---|---|"]
    for key, label in ROWS:
        x = res["xen"]["figures"].get(key) if res["xen"] else None
        v = res["vesper"]["figures"].get(key)
        ratio = "%.2f" % (v / x) if x and v else "-"
        lines.append("| %s | %s | %s | %s |" % (label, fmt(res["xen"], key),
                                               fmt(res["vesper"], key), ratio))
    for side in ("xen", "vesper"):
        for e in (res[side] or {}).get("errors", []):
            lines.append("")
            lines.append("%s failed: %s" % (side, e))
    table = "\n".join(lines) + "\n"
    out = args.out or os.path.join(args.build, "bench")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "linux.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
    with open(os.path.join(out, "linux.md"), "w", encoding="utf-8") as f:
        f.write(table)
    sys.stdout.write(table)
    return 1 if res["vesper"]["errors"] or (res["xen"] and res["xen"]["errors"]) \
        else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run every test tier (`make test`) and total their `N passed, N failed` lines."""
import re
import subprocess
import sys
import time

TIERS = [
    ("format", ["make", "--no-print-directory", "format-check"]),
    ("cppcheck", ["make", "--no-print-directory", "cppcheck"]),
    ("headers", ["make", "--no-print-directory", "headers-check"]),
    ("abi", ["make", "--no-print-directory", "abi-check"]),
    ("unit", ["make", "--no-print-directory", "test-unit"]),
    # libFuzzer over hyp/ parsers and state machines, a few seconds each.
    ("fuzz-host", ["make", "--no-print-directory", "fuzz-host", "SECONDS=3"]),
    ("guests", ["make", "--no-print-directory", "test-guests"]),
    # Debian's Linux kernels exactly as shipped, as domU and dom0, to a
    # shell (tests/system/run.py; make linux-images downloads them).
    ("system", ["make", "--no-print-directory", "test-system"]),
    ("mutation", ["make", "--no-print-directory", "test-mutation"]),
    # Vesper on Bochs's emulated VT-x: boots, sees VMX with EPT (issue 13).
    ("vmx-smoke", ["make", "--no-print-directory", "test-vmx-smoke"]),
    ("bench-smoke", ["make", "--no-print-directory", "bench-smoke"]),
    ("fuzz-smoke", ["make", "--no-print-directory", "fuzz-smoke"]),
]

SUMMARY = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed", re.M)


def main():
    total_pass = total_fail = 0
    broken = []
    for name, cmd in TIERS:
        start = time.time()
        print(f"=== {name}: {' '.join(cmd)}", flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        sys.stdout.write(proc.stdout)
        found = SUMMARY.findall(proc.stdout)
        if found:
            p, f = map(int, found[-1])
        else:
            # A tier without its own counts is one check: did it succeed?
            p, f = (1, 0) if proc.returncode == 0 else (0, 1)
        if proc.returncode != 0 and f == 0:
            f = 1
        total_pass += p
        total_fail += f
        if f:
            broken.append(name)
        print(f"=== {name}: {p} passed, {f} failed ({time.time() - start:.1f}s)",
              flush=True)
    if broken:
        print("failing tiers: " + ", ".join(broken))
    print(f"{total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())

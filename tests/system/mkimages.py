#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Build the Linux system-test images from Debian's packages (`make linux-images`).

Usage:
  tests/system/mkimages.py [--out build/linux] [--cache DIR] [--cc gcc]

Produces in OUT:
  vmlinuz-amd64        Debian's linux-image-<abi>-amd64 /boot/vmlinuz, as shipped
  vmlinuz-cloud-amd64  the same for linux-image-<abi>-cloud-amd64
  initrd.cpio.gz       busybox-static initramfs: tests/system/init.sh as /init,
                       selftest.sh as /bin/vesper-selftest, probe.c built static
                       as /bin/vesper-probe, /etc/vesper-selftest.env (the md5
                       of the probe's 64 MiB pattern, computed on the host)
  VERSION              key=value lines: package versions, the kernels'
                       `uname -r`, and sha256 of every output

The kernel version is never written down here: it is what the metapackages
linux-image-amd64 and linux-image-cloud-amd64 depend on today (apt-cache
depends), and busybox-static is apt's candidate. Packages are fetched with
`apt-get download` into the cache directory (--cache, else $LINUX_CACHE,
else OUT/cache) and checked against the SHA256 apt's lists give, so a rerun
downloads nothing and a stale or damaged file is fetched again. apt's lists
must exist (`apt-get update`, which scripts/install-deps.sh does).

The initramfs is written here in cpio "newc" format rather than by cpio(1)
from a staging directory: that needs no root for /dev/console, and with
fixed owners, modes and times the same inputs give the same bytes.
"""

import argparse
import gzip
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FLAVOURS = ("amd64", "cloud-amd64")
BUSYBOX = "busybox-static"


class Error(Exception):
    pass


def run(cmd, **kw):
    try:
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, **kw).stdout
    except FileNotFoundError:
        raise Error("%s: command not found" % cmd[0])
    except subprocess.CalledProcessError as e:
        raise Error("%s failed (status %d): %s" % (" ".join(cmd), e.returncode,
                                                    e.stderr.strip()))


def resolve_kernels():
    """{flavour: (linux-image-<abi>-<flavour>, <abi>-<flavour>)}, from what
    the metapackages linux-image-<flavour> depend on."""
    metas = ["linux-image-" + f for f in FLAVOURS]
    out = run(["apt-cache", "depends"] + metas)
    found, meta = {}, None
    for line in out.splitlines():
        if not line.startswith(" "):
            meta = line.strip()
            continue
        line = line.strip()
        flavour = meta[len("linux-image-"):] if meta in metas else None
        if flavour and flavour not in found and line.startswith("Depends:"):
            pkg = line.split(":", 1)[1].strip()
            m = re.match(r"^linux-image-(\d\S*)-%s$" % re.escape(flavour), pkg)
            if m:
                found[flavour] = (pkg, m.group(1) + "-" + flavour)
    for f in FLAVOURS:
        if f not in found:
            raise Error("apt-cache depends linux-image-%s names no "
                        "linux-image-<abi>-%s; are apt's lists there "
                        "(apt-get update)?" % (f, f))
    return found


def download_info(pkgs):
    """{pkg: (file name, size, sha256)} of each candidate, from apt's lists."""
    out = run(["apt-get", "download", "--print-uris"] + pkgs)
    info = {}
    for line in out.splitlines():
        m = re.match(r"^'[^']+' (\S+) (\d+) SHA256:([0-9a-f]{64})$", line)
        if m:
            info[m.group(1).split("_", 1)[0]] = (m.group(1), int(m.group(2)),
                                                 m.group(3))
    for p in pkgs:
        if p not in info:
            raise Error("apt-get download --print-uris gave no SHA256 line "
                        "for %s: %r" % (p, out.strip()))
    return info


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(pkg, want, cache):
    """The .deb of pkg in cache, downloaded unless already good; want is
    its (file name, size, sha256)."""
    name, size, sha = want
    path = os.path.join(cache, name)
    if os.path.isfile(path) and os.path.getsize(path) == size and \
            sha256_file(path) == sha:
        return path, sha
    if os.path.exists(path):
        print("mkimages: %s: cached copy is damaged, fetching again" % name)
        os.remove(path)
    print("mkimages: apt-get download %s" % pkg, flush=True)
    run(["apt-get", "download", "-q", pkg], cwd=cache)
    if not os.path.isfile(path):
        raise Error("apt-get download %s did not produce %s" % (pkg, name))
    got = sha256_file(path)
    if got != sha:
        os.remove(path)
        raise Error("%s: SHA256 %s, apt's lists say %s" % (name, got, sha))
    return path, sha


def package_version(deb):
    return run(["dpkg-deb", "--field", deb, "Version"]).strip()


def extract_member(deb, member, dest):
    """Copy one regular file out of a .deb's data archive."""
    # Stopping at the member breaks dpkg-deb's pipe: its complaint is noise.
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    found = False
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for info in tar:
                if info.name.lstrip("./") == member.lstrip("./") and info.isfile():
                    src = tar.extractfile(info)
                    tmp = dest + ".tmp"
                    with open(tmp, "wb") as out:
                        shutil.copyfileobj(src, out)
                    os.replace(tmp, dest)
                    found = True
                    break
    finally:
        proc.stdout.close()
        proc.wait()
    if not found:
        raise Error("%s has no %s" % (os.path.basename(deb), member))


class Cpio:
    """A cpio newc archive, every entry owned by root with time 0."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name) + 1, 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % v for v in fields)
        self.buf.write(hdr + name.encode() + b"\0")
        self._pad()
        self.buf.write(data)
        self._pad()

    def _pad(self):
        self.buf.write(b"\0" * (-self.buf.tell() % 4))

    def dir(self, name):
        self._entry(name, 0o040755, nlink=2)

    def file(self, name, data, mode=0o644):
        self._entry(name, 0o100000 | mode, data)

    def symlink(self, name, target):
        self._entry(name, 0o120777, target.encode())

    def chardev(self, name, major, minor, mode=0o600):
        self._entry(name, 0o020000 | mode, rdev=(major, minor))

    def finish(self):
        self.ino = 0
        self._entry("TRAILER!!!", 0, nlink=1)
        return self.buf.getvalue()


def busybox_applets(busybox):
    """Applet paths ("bin/sh", "usr/bin/awk") from the binary itself."""
    out = run([busybox, "--list-full"])
    applets = sorted({a.strip().lstrip("/") for a in out.splitlines() if a.strip()})
    if "bin/sh" not in applets:
        raise Error("busybox --list-full has no bin/sh")
    return applets


# The self-check's tmpfs file: its size, and the md5 of what vesper-probe
# writes, computed here by running the same binary on the host.
BIG_MIB = 64


def build_probe(cc, out):
    src = os.path.join(HERE, "probe.c")
    run([cc, "-static", "-nostdlib", "-ffreestanding", "-fno-pie", "-no-pie",
         "-fno-tree-loop-distribute-patterns", "-fno-stack-protector",
         "-fcf-protection=none", "-O2", "-Wall", "-Wextra", "-Werror",
         "-Wl,--build-id=none", "-o", out, src])
    if run([out, "pid"]).strip() == "":
        raise Error("the host-built vesper-probe prints no pid")
    big = out + ".big"
    run([out, "fill", big, str(BIG_MIB)])
    run([out, "check", big, str(BIG_MIB)])
    h = hashlib.md5()
    with open(big, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    os.remove(big)
    return h.hexdigest()


def make_initrd(busybox, probe, big_md5):
    c = Cpio()
    for d in ("bin", "dev", "etc", "mnt", "proc", "root", "sbin", "sys", "tmp",
              "usr", "usr/bin", "usr/sbin", "var"):
        c.dir(d)
    # The kernel opens /dev/console before /init runs, and devtmpfs is not
    # mounted yet then: the node must be in the archive.
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    with open(busybox, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    for applet in busybox_applets(busybox):
        if applet == "bin/busybox":
            continue
        c.symlink(applet, "/bin/busybox")
    with open(probe, "rb") as f:
        c.file("bin/vesper-probe", f.read(), 0o755)
    for src, dst in (("init.sh", "init"), ("selftest.sh", "bin/vesper-selftest")):
        with open(os.path.join(HERE, src), "rb") as f:
            c.file(dst, f.read(), 0o755)
    c.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    c.file("etc/group", b"root:x:0:\n")
    c.file("etc/vesper-selftest.env",
           b"BIG_MIB=%d\nBIG_MD5=%s\n" % (BIG_MIB, big_md5.encode()))
    raw = c.finish()
    out = io.BytesIO()
    # mtime 0 and no file name: the same archive gives the same bytes.
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0,
                       filename="") as gz:
        gz.write(raw)
    return out.getvalue()


def read_version(path):
    info = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    info[k] = v
    except OSError:
        pass
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "linux"))
    ap.add_argument("--cache", default=os.environ.get("LINUX_CACHE"),
                    help="where .debs are kept (default $LINUX_CACHE or OUT/cache)")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    cache = os.path.abspath(args.cache or os.path.join(out, "cache"))
    os.makedirs(out, exist_ok=True)
    os.makedirs(cache, exist_ok=True)
    old = read_version(os.path.join(out, "VERSION"))
    info = {}

    try:
        kernels = resolve_kernels()
        wanted = download_info([kernels[f][0] for f in FLAVOURS] + [BUSYBOX])
        for flavour in FLAVOURS:
            pkg, release = kernels[flavour]
            deb, sha = fetch(pkg, wanted[pkg], cache)
            dest = os.path.join(out, "vmlinuz-" + flavour)
            key = flavour.replace("-", "_")
            # Extracting means decompressing the whole package: skip it when
            # the file already came from this very .deb.
            if not (old.get("deb_sha256_" + key) == sha and os.path.isfile(dest)
                    and sha256_file(dest) == old.get("sha256_vmlinuz_" + key)):
                print("mkimages: extracting vmlinuz-%s from %s"
                      % (release, os.path.basename(deb)), flush=True)
                extract_member(deb, "boot/vmlinuz-" + release, dest)
            info["package_" + key] = pkg
            info["version_" + key] = package_version(deb)
            info["release_" + key] = release
            info["deb_sha256_" + key] = sha
            info["sha256_vmlinuz_" + key] = sha256_file(dest)

        deb, sha = fetch(BUSYBOX, wanted[BUSYBOX], cache)
        info["version_busybox"] = package_version(deb)
        info["deb_sha256_busybox"] = sha
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            busybox = os.path.join(tmp, "busybox")
            extract_member(deb, "bin/busybox", busybox)
            os.chmod(busybox, 0o755)
            probe = os.path.join(tmp, "vesper-probe")
            big_md5 = build_probe(args.cc, probe)
            initrd = make_initrd(busybox, probe, big_md5)
        dest = os.path.join(out, "initrd.cpio.gz")
        with open(dest + ".tmp", "wb") as f:
            f.write(initrd)
        os.replace(dest + ".tmp", dest)
        info["sha256_initrd"] = hashlib.sha256(initrd).hexdigest()
    except Error as e:
        print("mkimages: error: %s" % e, file=sys.stderr)
        return 1

    with open(os.path.join(out, "VERSION.tmp"), "w", encoding="utf-8") as f:
        f.write("# Written by tests/system/mkimages.py; do not edit.\n")
        for k in sorted(info):
            f.write("%s=%s\n" % (k, info[k]))
    os.replace(os.path.join(out, "VERSION.tmp"), os.path.join(out, "VERSION"))
    print("mkimages: %s: vmlinuz-amd64 (%s), vmlinuz-cloud-amd64 (%s), "
          "initrd.cpio.gz (%d bytes), VERSION"
          % (out, info["release_amd64"], info["release_cloud_amd64"], len(initrd)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

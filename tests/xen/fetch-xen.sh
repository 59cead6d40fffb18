#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's Xen 4.17 hypervisor and unpack it as a QEMU -kernel image.
#
# Usage: tests/xen/fetch-xen.sh [OUTDIR]     (default build/xen)
# Result: OUTDIR/xen-4.17 (multiboot ELF32). Idempotent: does nothing when the
# image is already there. The package version is resolved through apt-cache,
# so this follows Debian's security updates rather than pinning a version.
set -eu

pkg=xen-hypervisor-4.17-amd64
out=${1:-build/xen}
img=$out/xen-4.17

if [ -s "$img" ]; then
    echo "fetch-xen: $img already present"
    exit 0
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
img=$out/xen-4.17

ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
    # The package lists may simply never have been downloaded on this machine.
    apt-get update -qq >/dev/null 2>&1 || true
    ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
fi
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
    echo "fetch-xen: apt-cache knows no $pkg" >&2
    exit 1
fi
echo "fetch-xen: $pkg $ver"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# apt-get download writes into the current directory; the _apt sandbox user
# may not be able to write to a root-owned mktemp dir, hence the chmod.
chmod 777 "$tmp"
(cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null)
deb=$(ls "$tmp"/*.deb)
dpkg-deb -x "$deb" "$tmp/root"

# Debian ships the image as /boot/xen-4.17-amd64.gz; accept any xen-*.gz
# there so a renamed file doesn't silently break comparison runs.
gz=$(ls "$tmp"/root/boot/xen-*.gz 2>/dev/null | head -n 1)
if [ -z "$gz" ]; then
    echo "fetch-xen: no /boot/xen-*.gz in $deb" >&2
    exit 1
fi
gunzip -c "$gz" > "$img.tmp"

# QEMU's -kernel only accepts multiboot v1; Xen's image is an ELF32 carrying
# a multiboot header, so refuse anything else rather than fail obscurely later.
if command -v file >/dev/null 2>&1; then
    desc=$(file -b "$img.tmp")
    case $desc in
    *ELF\ 32-bit*) ;;
    *) echo "fetch-xen: unexpected image type: $desc" >&2; rm -f "$img.tmp"; exit 1 ;;
    esac
fi
mv "$img.tmp" "$img"
echo "$ver" > "$out/xen-4.17.version"
echo "fetch-xen: wrote $img"

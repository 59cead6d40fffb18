#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages Vesper's build and tests need, if missing.
# With --apt-lists (make linux-images) also make sure apt's lists know
# Debian's kernels and busybox-static, which are downloaded, not installed.
# With --bochs (make test, make test-vmx) also Bochs, whose emulated VT-x
# (tests/vmx/run.py) stands in for hardware virtualization this machine lacks.
set -e

PKGS="gcc make binutils python3 qemu-system-x86 libxen-dev gzip xz-utils lz4 cpio
      grub-pc-bin grub-common xorriso mtools clang-format cppcheck
      clang-14 libclang-rt-14-dev"
# Debian builds Bochs without its nogui display: bochs-term brings the
# term one (tests/vmx/run.py's display_library), which also keeps apt from
# picking bochs-wx for bochs's GUI dependency. bochsbios and vgabios are
# the BIOS and VGA ROM images.
BOCHS_PKGS="bochs bochs-term bochsbios vgabios"

apt_lists=no
for arg in "$@"; do
    case "$arg" in
    --apt-lists) apt_lists=yes ;;
    --bochs) PKGS="$PKGS $BOCHS_PKGS" ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
    esac
done

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
lists=ok
if [ "$apt_lists" = yes ]; then
    apt-cache show linux-image-amd64 linux-image-cloud-amd64 busybox-static \
        >/dev/null 2>&1 || lists=missing
fi
[ -z "$missing" ] && [ "$lists" = ok ] && exit 0

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
else
    echo "install-deps: apt's lists lack Debian's kernels: apt-get update"
fi
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null || {
        echo "install-deps: need root (or sudo) to install:$missing" \
            "or to run apt-get update" >&2
        exit 1
    }
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages Vesper's build and tests need, if missing.
set -e

PKGS="gcc make binutils python3 qemu-system-x86 libxen-dev gzip xz-utils lz4 cpio
      grub-pc-bin grub-common xorriso mtools clang-format cppcheck
      clang-14 libclang-rt-14-dev"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null || {
        echo "install-deps: need root (or sudo) to install:$missing" >&2
        exit 1
    }
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

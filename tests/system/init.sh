#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of Vesper's Linux test initramfs: report, then a shell or the self-check.
#
# Lines starting "vesper-init:" are what tests/system/run.py looks for;
# keep their wording stable. With vesper.test=1 on the kernel command
# line the self-check (/bin/vesper-selftest) runs and the machine powers
# off; otherwise a shell is offered on the console.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root

mount -t proc proc /proc
# Read first, so the figure is the kernel's time to /init and not ours.
read -r up _ </proc/uptime
mount -t sysfs sysfs /sys
# CONFIG_DEVTMPFS_MOUNT is off in Debian's kernels: mount it ourselves.
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
hostname vesper-linux

echo "vesper-init: kernel $(uname -r)"
if [ -r /sys/hypervisor/type ]; then
    echo "vesper-init: hypervisor $(cat /sys/hypervisor/type)"
else
    echo "vesper-init: hypervisor none (no /sys/hypervisor/type)"
fi
echo "vesper-init: uptime $up"
echo "vesper-init: cpus $(nproc)"
echo "vesper-init: memory $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"

case " $(cat /proc/cmdline) " in
*" vesper.test=1 "*)
    /bin/vesper-selftest
    # Not reached unless poweroff itself failed.
    echo "vesper-selftest: FAIL poweroff returned"
    exec sleep 1000000
    ;;
esac

echo "vesper-init: shell (poweroff -f to stop)"
export PS1='vesper-linux# '
# Never let /init exit: the kernel would panic. setsid + cttyhack give the
# shell hvc0 as its controlling terminal, so Ctrl-C and job control work.
while :; do
    setsid cttyhack sh
    echo "vesper-init: shell exited; starting another"
done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# vesper-selftest: the in-guest self-check /init runs with vesper.test=1.
#
# Prints "vesper-selftest: <step> ok" per step, then "vesper-selftest: PASS"
# and powers off; on the first failure "vesper-selftest: FAIL <what>" and
# powers off too, so a broken guest fails fast instead of timing out.
# Every check compares against a value a broken kernel or hypervisor would
# get wrong (a lost fork, a page read back wrong, a fault not delivered).

NPROC=100

fail() {
    echo "vesper-selftest: FAIL $*"
    poweroff -f
    exit 1
}

step() {
    echo "vesper-selftest: $*"
}

# 1. fork and execve: NPROC processes at once, each a fresh ELF that
# prints its pid; every pid must be there, and all distinct.
rm -f /tmp/pids
i=0
while [ $i -lt $NPROC ]; do
    /bin/vesper-probe pid >>/tmp/pids &
    i=$((i + 1))
done
wait
n=$(sort -u /tmp/pids | wc -l)
lines=$(wc -l </tmp/pids)
if [ "$n" -ne $NPROC ] || [ "$lines" -ne $NPROC ]; then
    # pids are handed out in order and cannot wrap this early: a repeat
    # means a lost or doubled process (or a page that lies).
    dups=$(sort /tmp/pids | uniq -d | tr '\n' ' ')
    fail "fork/exec: $n distinct pids in $lines lines, expected $NPROC" \
        "(repeated: ${dups:-none})"
fi
step "fork/exec $NPROC processes ok"

# 2. tmpfs: vesper-probe writes BIG_MIB MiB of a pattern in which no two
# pages are alike and reads it back word by word; a second read by md5sum
# must give the sum mkimages.py computed on the host for that pattern
# (BIG_MD5 in /etc/vesper-selftest.env). The data never goes through a
# pipe: under TCG every context switch of a PV guest is dear.
# shellcheck disable=SC1091 # written by mkimages.py into the initramfs
. /etc/vesper-selftest.env
want=$((BIG_MIB * 1048576))
/bin/vesper-probe fill /tmp/big "$BIG_MIB" || fail "tmpfs: writing $BIG_MIB MiB failed"
size=$(stat -c %s /tmp/big)
[ "$size" -eq $want ] || fail "tmpfs: file is $size bytes, expected $want"
/bin/vesper-probe check /tmp/big "$BIG_MIB" || fail "tmpfs: read back differs"
sum=$(md5sum /tmp/big)
sum=${sum%% *}
[ "$sum" = "$BIG_MD5" ] || fail "tmpfs: md5 $sum, expected $BIG_MD5"
rm -f /tmp/big
step "tmpfs ${BIG_MIB} MiB write/read/checksum ok ($sum)"

# 3. A user program that stores to address 0 must die of SIGSEGV (status
# 128 + 11), the kernel must say so, and everything must go on working.
/bin/vesper-probe segv
rc=$?
[ $rc -eq 139 ] || fail "segv: status $rc, expected 139 (SIGSEGV)"
dmesg | grep -q 'vesper-probe\[[0-9]*\]: segfault at 0 ' ||
    fail "segv: no 'segfault at 0' report in dmesg"
pid=$(/bin/vesper-probe pid) || fail "segv: no process runs after the fault"
[ -n "$pid" ] || fail "segv: the probe printed no pid after the fault"
step "segv killed by SIGSEGV (status 139), kernel lives on ok"

# 4. What the kernel found of the firmware: ACPI tables and DMI. A dom0
# sees QEMU's; a domU has neither. Printed for the runner to judge.
dmesg | grep -E 'DMI|ACPI: (RSDP|XSDT|RSDT|FACP|DSDT|APIC)' | head -n 20 |
    sed 's/^/vesper-dmesg: /'

read -r up _ </proc/uptime
step "uptime $up"
echo "vesper-selftest: PASS"
poweroff -f

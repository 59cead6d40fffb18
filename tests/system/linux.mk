# SPDX-License-Identifier: GPL-2.0-only
# Linux system tests and `make run GUEST=linux`; included by the root GNUmakefile.
#
#   make linux-images     $(BUILD)/linux/: Debian's vmlinuz-amd64 and
#                         vmlinuz-cloud-amd64 as shipped, initrd.cpio.gz,
#                         VERSION (tests/system/mkimages.py; versions from
#                         the metapackages, .debs kept in LINUX_CACHE)
#   make test-system      the Linux system tests on Vesper
#   make test-system-xen  the same on Xen 4.17 (it skips the tests that need
#                         boot-time domUs)
#   make bench-linux      Linux dom0 rows, Vesper against Xen 4.17, under
#                         -icount (tests/system/bench.py; $(BUILD)/bench/linux.md)
#   make run GUEST=linux  Vesper + Debian's amd64 kernel as dom0 and a
#                         cloud-kernel domU, each with a busybox shell on
#                         the serial line (Ctrl-A three times switches
#                         input between them; Ctrl-] x quits QEMU)
#
# LINUX_CACHE is where the .debs are downloaded to and found again
# (default $(BUILD)/linux/cache). SYSTEM_ARGS passes options to
# tests/system/run.py (e.g. SYSTEM_ARGS="--timeout 600 dom0", or
# "--kernel-override amd64=/path/vmlinux" for a hand-extracted ELF);
# LINUX_DOM0_KERNEL and LINUX_DOMU_KERNEL do that for make run GUEST=linux,
# BENCH_LINUX_ARGS passes options to tests/system/bench.py.

BUILD ?= build
PYTHON ?= python3
QEMU ?= qemu-system-x86_64
HYP_IMG ?= $(BUILD)/vesper.bin
LINUX_DIR := $(BUILD)/linux
LINUX_CACHE ?= $(LINUX_DIR)/cache
SYSTEM_ARGS ?=
# What make run GUEST=linux boots (another vmlinuz, or an extracted ELF).
LINUX_DOM0_KERNEL ?= $(LINUX_DIR)/vmlinuz-amd64
LINUX_DOMU_KERNEL ?= $(LINUX_DIR)/vmlinuz-cloud-amd64
SYSTEM_XEN_IMG := $(BUILD)/xen/xen-4.17

.PHONY: linux-images test-system test-system-xen bench-linux

# Always run: it is quick when nothing changed (no download, no
# extraction) and it notices a new kernel behind the metapackages.
linux-images:
	$(V)sh scripts/install-deps.sh --apt-lists
	$(V)$(PYTHON) tests/system/mkimages.py --out $(LINUX_DIR) \
	    --cache $(LINUX_CACHE)

test-system: $(HYP_IMG) guests linux-images
	$(PYTHON) tests/system/run.py --build $(BUILD) --hyp $(HYP_IMG) \
	    $(SYSTEM_ARGS)

# tests.mk and bench.mk know how to fetch Xen; this is only the target.
test-system-xen: linux-images
	@test -f $(SYSTEM_XEN_IMG) || $(MAKE) --no-print-directory $(SYSTEM_XEN_IMG)
	$(PYTHON) tests/system/run.py --build $(BUILD) --xen $(SYSTEM_XEN_IMG) \
	    $(SYSTEM_ARGS)

bench-linux: $(HYP_IMG) linux-images
	@test -f $(SYSTEM_XEN_IMG) || $(MAKE) --no-print-directory $(SYSTEM_XEN_IMG)
	$(PYTHON) tests/system/bench.py --build $(BUILD) --hyp $(HYP_IMG) \
	    --xen $(SYSTEM_XEN_IMG) $(BENCH_LINUX_ARGS)

# Interactive Linux. QEMU's mux escape moves to Ctrl-] so that Ctrl-A
# reaches Vesper, which switches serial input after three of them. Each
# domain is powered off from its own shell (poweroff -f); QEMU ends when
# the last one has gone.
LINUX_RUN_CMDLINE := console=hvc0 earlyprintk=xen
LINUX_RUN_RAMDISK := $(LINUX_DIR)/initrd.cpio.gz kind=ramdisk --
LINUX_RUN_DOM0 := $(LINUX_DOM0_KERNEL) mem=512M -- $(LINUX_RUN_CMDLINE)
LINUX_RUN_DOMU := $(LINUX_DOMU_KERNEL) name=cloud mem=256M -- \
    $(LINUX_RUN_CMDLINE)
linux_comma := ,
# QEMU splits -initrd at commas: dom0, its ramdisk, the domU, its ramdisk.
LINUX_RUN_MODULES := $(LINUX_RUN_DOM0)$(linux_comma)$(LINUX_RUN_RAMDISK)$(strip \
    )$(linux_comma)$(LINUX_RUN_DOMU)$(linux_comma)$(LINUX_RUN_RAMDISK)

ifeq ($(GUEST),linux)
run: $(HYP_IMG) linux-images
	@echo "run: dom0 (amd64) has the serial line; Ctrl-A three times" \
	    "switches to the cloud domU and back; Ctrl-] x quits QEMU"
	$(QEMU) -accel tcg -cpu max,-smap -m 1G -smp 2 -nographic -no-reboot \
	    -serial mon:stdio -echr 0x1d \
	    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	    -kernel $(HYP_IMG) -append "console=com1 loglvl=info" \
	    -initrd "$(LINUX_RUN_MODULES)"; \
	status=$$?; [ $$status -eq 33 ] || [ $$status -eq 0 ] || \
	    { echo "QEMU exited with status $$status"; exit 1; }
endif

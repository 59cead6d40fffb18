# SPDX-License-Identifier: GPL-2.0-only
# In-guest test targets; included by the root GNUmakefile.
#
#   make test-guests      every tests/guests/* guest on Vesper
#   make test-guests-xen  the same guests on Debian's Xen 4.17 (reference)
#   make run              boot Vesper + the demo guest with serial on stdio
#
# TEST_ARGS passes extra options to tests/run.py (e.g. TEST_ARGS="-j4
# --filter bounce").

BUILD ?= build
PYTHON ?= python3
QEMU ?= qemu-system-x86_64
HYP_IMG ?= $(BUILD)/vesper.bin
TEST_ARGS ?=

TESTS_GUEST_ELFS = $(GUEST_ELFS)
TESTS_XEN_IMG := $(BUILD)/xen/xen-4.17

.PHONY: test-guests test-guests-xen run

test-guests: $(HYP_IMG) guests
	$(PYTHON) tests/run.py --build $(BUILD) --hyp $(HYP_IMG) $(TEST_ARGS) \
	    $(TESTS_GUEST_ELFS)

$(TESTS_XEN_IMG):
	sh tests/xen/fetch-xen.sh $(dir $@)

test-guests-xen: $(TESTS_XEN_IMG) guests
	$(PYTHON) tests/run.py --build $(BUILD) --xen $(TESTS_XEN_IMG) \
	    $(TEST_ARGS) $(TESTS_GUEST_ELFS)

# Interactive: QEMU's monitor is muxed on stdio (Ctrl-A X quits); the
# hypervisor's poweroff ends QEMU through isa-debug-exit.
run: $(HYP_IMG) guests
	$(QEMU) -accel tcg -cpu max -m 256 -smp 1 -nographic -no-reboot \
	    -serial mon:stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	    -kernel $(HYP_IMG) -append "console=com1 loglvl=info" \
	    -initrd "$(BUILD)/guests/demo.elf"; \
	status=$$?; [ $$status -eq 33 ] || [ $$status -eq 0 ] || \
	    { echo "QEMU exited with status $$status"; exit 1; }

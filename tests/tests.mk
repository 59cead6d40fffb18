# SPDX-License-Identifier: GPL-2.0-only
# In-guest test targets; included by the root GNUmakefile.
#
#   make test-guests      every tests/guests/* guest on Vesper
#   make test-guests-xen  the same guests on Debian's Xen 4.17 (reference)
#   make test-mutation    break the hypervisor on purpose; the guest tests
#                         must notice (tests/mutation/run.py)
#   make run              boot Vesper + the demo guest with serial on stdio
#                         (make run GUEST=linux: tests/system/linux.mk)
#
# TEST_ARGS passes extra options to tests/run.py (e.g. TEST_ARGS="-j4
# --filter bounce"). MUTATION_ARGS does the same for tests/mutation/run.py
# (e.g. MUTATION_ARGS="--only cpuid-bad-signature --keep").

BUILD ?= build
PYTHON ?= python3
QEMU ?= qemu-system-x86_64
HYP_IMG ?= $(BUILD)/vesper.bin
TEST_ARGS ?=
MUTATION_ARGS ?=

TESTS_GUEST_ELFS = $(GUEST_ELFS)
TESTS_XEN_IMG := $(BUILD)/xen/xen-4.17

.PHONY: test-guests test-guests-xen test-mutation run

test-guests: $(HYP_IMG) guests
	$(PYTHON) tests/run.py --build $(BUILD) --hyp $(HYP_IMG) $(TEST_ARGS) \
	    $(TESTS_GUEST_ELFS)

# Builds its own copies of the tree in a temporary directory; needs git.
test-mutation:
	$(PYTHON) tests/mutation/run.py $(MUTATION_ARGS)

$(TESTS_XEN_IMG):
	sh tests/xen/fetch-xen.sh $(dir $@)

test-guests-xen: $(TESTS_XEN_IMG) guests
	$(PYTHON) tests/run.py --build $(BUILD) --xen $(TESTS_XEN_IMG) \
	    $(TEST_ARGS) $(TESTS_GUEST_ELFS)

# Interactive: QEMU's monitor is muxed on stdio (Ctrl-A X quits); the
# hypervisor's poweroff ends QEMU through isa-debug-exit.
ifneq ($(GUEST),linux)
run: $(HYP_IMG) guests
	$(QEMU) -accel tcg -cpu max -m 512 -smp 2 -nographic -no-reboot \
	    -serial mon:stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	    -kernel $(HYP_IMG) -append "console=com1 loglvl=info" \
	    -initrd "$(BUILD)/guests/demo.elf"; \
	status=$$?; [ $$status -eq 33 ] || [ $$status -eq 0 ] || \
	    { echo "QEMU exited with status $$status"; exit 1; }
endif

# SPDX-License-Identifier: GPL-2.0-only
# Benchmarks: the bench guest and `make bench` (Vesper against Xen 4.17).
#
#   make bench         build, fetch Xen, run tests/bench/run.py (tables in
#                      $(BUILD)/bench/results.{md,json})
#   make bench-smoke   the bench guest once on Vesper, tiny iteration counts
#
# Included from the root GNUmakefile (it uses GUEST_* and HYP_IMG from
# there); BENCH_ARGS passes extra options to tests/bench/run.py. The guest
# goes to $(BUILD)/bench/, not $(BUILD)/guests/, because tests/run.py
# treats every $(BUILD)/guests/*.elf as a test.

BUILD ?= build
PYTHON ?= python3
HYP_IMG ?= $(BUILD)/vesper.bin
BENCH_ARGS ?=

BENCH_DIR := $(BUILD)/bench
BENCH_ELF := $(BENCH_DIR)/bench.elf
BENCH_XEN_IMG := $(BUILD)/xen/xen-4.17
BENCH_OBJS := $(patsubst %,$(BUILD)/%.o,\
    $(wildcard guest-pv/bench/*.c guest-pv/bench/*.S))

.PHONY: bench bench-guest bench-smoke

bench-guest: $(BENCH_ELF)

$(BUILD)/guest-pv/bench/%.c.o: guest-pv/bench/%.c
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest-pv/bench/%.S.o: guest-pv/bench/%.S
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(BENCH_ELF): $(BENCH_OBJS) $(GUEST_START) $(GUEST_LIB) guest-pv/guest.lds
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_START) $(BENCH_OBJS) $(GUEST_LIB)

-include $(BENCH_OBJS:.o=.d)

# tests.mk has the same rule for the same file; define it only if missing.
ifeq ($(TESTS_XEN_IMG),)
$(BENCH_XEN_IMG):
	sh tests/xen/fetch-xen.sh $(dir $@)
endif

bench: deps $(HYP_IMG) $(BENCH_ELF) $(BENCH_XEN_IMG)
	$(PYTHON) tests/bench/run.py --build $(BUILD) --hyp $(HYP_IMG) \
	    --xen $(BENCH_XEN_IMG) --guest $(BENCH_ELF) $(BENCH_ARGS)
	$(V)$(MAKE) --no-print-directory bench-linux

bench-smoke: $(HYP_IMG) $(BENCH_ELF)
	$(PYTHON) tests/bench/run.py --smoke --build $(BUILD) --hyp $(HYP_IMG) \
	    --guest $(BENCH_ELF) $(BENCH_ARGS)

# The HVM bench image (issue 13): a flat image, domain 1 of an HVM run on
# Vesper with hvm_uart's dom0 as its device model (tests/bench/run.py).
HVM_BENCH := $(BENCH_DIR)/hvm_bench.bin
bench-guest: $(HVM_BENCH)
$(HVM_BENCH): guest-pv/bench/hvm/hvm_bench.s tests/guests/hvm_modes/hvm.inc \
        tests/guests/hvm_modes/hvm.lds
	@mkdir -p $(dir $@)
	$(V)$(CC) -nostdlib -static -no-pie -Wa,-I,tests/guests/hvm_modes \
	    -Wl,-T,tests/guests/hvm_modes/hvm.lds -Wl,--build-id=none \
	    -Wl,-z,noexecstack -o $@.link $<
	$(V)objcopy -O binary $@.link $@
bench: $(HVM_BENCH) guests

# SPDX-License-Identifier: GPL-2.0-only
# The hostile hypercall fuzzer (tests/fuzz/): its two guests and `make fuzz`.
#
#   make fuzz SEEDS=1-20 CALLS=100000 [EXCLUDE=a,b] [ENABLE=a,b] [JOBS=2]
#             [REPLAY_FROM=K] [AUDIT_EVERY=N]
#                      boot Vesper once per seed with the victim (dom0) and
#                      the fuzzer (d1); report hypervisor faults, hangs,
#                      victim corruptions, auditor mismatches and leaks
#                      (tests/fuzz/run.py; findings in $(BUILD)/fuzz/).
#                      The auditor recounts after every MMU and grant
#                      call: the whole machine with AUDIT_EVERY=1, else the
#                      fuzzer's frames and what they reach, and the whole
#                      machine after every Nth.
#   make fuzz-smoke    one short fixed seed, for `make test`
#
# Included from the root GNUmakefile (it uses GUEST_* and HYP_IMG from
# there). The guests go to $(BUILD)/fuzz/, not $(BUILD)/guests/, because
# tests/run.py treats every $(BUILD)/guests/*.elf as a test.

BUILD ?= build
PYTHON ?= python3
HYP_IMG ?= $(BUILD)/vesper.bin
SEEDS ?= 1-4
CALLS ?= 100000
EXCLUDE ?=
ENABLE ?=
JOBS ?= 2
REPLAY_FROM ?=
AUDIT_EVERY ?= 1
FUZZ_ARGS ?=

FUZZ_DIR := $(BUILD)/fuzz
FUZZ_GUESTS := fuzz victim
FUZZ_ELFS := $(patsubst %,$(FUZZ_DIR)/%.elf,$(FUZZ_GUESTS))

.PHONY: fuzz fuzz-guests fuzz-smoke

fuzz-guests: $(FUZZ_ELFS)

$(BUILD)/tests/fuzz/%.c.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/fuzz/%.S.o: tests/fuzz/%.S
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

# Each guest is every .c/.S in tests/fuzz/<dir>/, linked with the SDK.
define FUZZ_GUEST_RULE
FUZZ_OBJS_$(1) := $$(patsubst %,$(BUILD)/%.o,\
    $$(wildcard tests/fuzz/$(2)/*.c tests/fuzz/$(2)/*.S))
$(FUZZ_DIR)/$(1).elf: $$(FUZZ_OBJS_$(1)) $(GUEST_START) $(GUEST_LIB) \
        guest-pv/guest.lds
	@mkdir -p $$(dir $$@)
	$(V)$(CC) $(GUEST_LDFLAGS) -o $$@ $(GUEST_START) $$(FUZZ_OBJS_$(1)) \
	    $(GUEST_LIB)
-include $$(FUZZ_OBJS_$(1):.o=.d)
endef
$(eval $(call FUZZ_GUEST_RULE,fuzz,guest))
$(eval $(call FUZZ_GUEST_RULE,victim,victim))

fuzz: $(HYP_IMG) $(FUZZ_ELFS)
	$(PYTHON) tests/fuzz/run.py --build $(BUILD) --hyp $(HYP_IMG) \
	    --seeds "$(SEEDS)" --calls $(CALLS) --exclude "$(EXCLUDE)" \
	    --enable "$(ENABLE)" -j $(JOBS) --audit-every $(AUDIT_EVERY) \
	    $(if $(REPLAY_FROM),--replay-from $(REPLAY_FROM)) $(FUZZ_ARGS)

fuzz-smoke: $(HYP_IMG) $(FUZZ_ELFS)
	$(PYTHON) tests/fuzz/run.py --smoke --build $(BUILD) --hyp $(HYP_IMG) \
	    $(FUZZ_ARGS)

# SPDX-License-Identifier: GPL-2.0-only
# Host fuzzing: libFuzzer + ASan + UBSan over unchanged hyp/ sources.
#
#   make fuzz-host [SECONDS=N] [FUZZ_TARGETS="elf inflate"]
#
# builds build/fuzz-host/fuzz_<t> for every target and runs each for N
# seconds (default 5) from its committed seed corpus
# (tests/fuzz/host/corpus/<t>/, made by tests/fuzz/host/mkcorpus.py).
# New inputs go to build/fuzz-host/corpus/<t>/, crashes to
# build/fuzz-host/crash/<t>-*; a target passes if libFuzzer found nothing.
# Reproduce a crash: build/fuzz-host/fuzz_<t> FILE.

FUZZ_CC ?= clang-14
SECONDS ?= 5
FUZZ_DIR := $(BUILD)/fuzz-host
FUZZ_SRC := tests/fuzz/host
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
    -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wpointer-arith \
    -Iinclude -Ihyp/include -Ihyp/arch/x86/include -Ihyp -Itests/unit \
    -I$(FUZZ_SRC) -MMD -MP
FUZZ_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

FUZZ_ALL := elf kimage inflate cmdline bootcfg pagetype evtchn
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SRCS_elf := hyp/elf.c
FUZZ_SRCS_kimage := hyp/kimage.c hyp/inflate.c hyp/elf.c
FUZZ_SRCS_inflate := hyp/inflate.c
FUZZ_SRCS_cmdline := hyp/cmdline.c
FUZZ_SRCS_bootcfg := hyp/bootcfg.c hyp/cmdline.c
FUZZ_SRCS_pagetype := hyp/arch/x86/pv/pagetype.c hyp/page_alloc.c
FUZZ_SRCS_evtchn := hyp/evtchn.c hyp/evtchn_2l.c hyp/evtchn_fifo.c

FUZZ_OBJ = $(FUZZ_DIR)/obj/$(1:.c=.o)
FUZZ_OBJS_OF = $(foreach s,$(FUZZ_SRC)/fuzz_$(1).c $(FUZZ_SRCS_$(1)) \
    tests/unit/host_shim.c,$(call FUZZ_OBJ,$(s)))
FUZZ_BINS := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_ALL))

.PHONY: fuzz-host fuzz-host-build
fuzz-host-build: $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(V)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

define FUZZ_LINK_RULE
$(FUZZ_DIR)/fuzz_$(1): $(call FUZZ_OBJS_OF,$(1))
	$$(V)$$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $$@ $$^
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FUZZ_LINK_RULE,$(t))))

# One target at a time (the machine is small); every target runs even
# after a failure, then the tally line.
fuzz-host: $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_TARGETS))
	$(V)p=0; f=0; \
	for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/crash; \
	    log=$(FUZZ_DIR)/$$t.log; \
	    if $(FUZZ_ENV) $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(SECONDS) \
	        -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
	        -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_DIR)/crash/$$t- \
	        $(FUZZ_DIR)/corpus/$$t $(FUZZ_SRC)/corpus/$$t > $$log 2>&1; then \
	        runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	        echo "PASS fuzz_$$t ($$runs runs in $(SECONDS) s)"; p=$$((p + 1)); \
	    else \
	        tail -n 40 $$log; echo "FAIL fuzz_$$t (log: $$log)"; f=$$((f + 1)); \
	    fi; \
	done; \
	echo "hostfuzz: $$p passed, $$f failed"; [ $$f -eq 0 ]

-include $(patsubst %.o,%.d,$(sort $(foreach t,$(FUZZ_ALL), \
    $(call FUZZ_OBJS_OF,$(t)))))

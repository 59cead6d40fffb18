# SPDX-License-Identifier: GPL-2.0-only
# Host fuzzing: libFuzzer + ASan + UBSan over unchanged hyp/ sources.
#
#   make fuzz-host [SECONDS=N] [FUZZ_HOST_TARGETS="elf inflate"]
#
# builds build/fuzz-host/fuzz_<t> for every target and runs each for N
# seconds (default 5) from its committed seed corpus
# (tests/fuzz/host/corpus/<t>/, made by tests/fuzz/host/mkcorpus.py).
# New inputs go to build/fuzz-host/corpus/<t>/, crashes to
# build/fuzz-host/crash/<t>-*; a target passes if libFuzzer found nothing.
# Reproduce a crash: build/fuzz-host/fuzz_<t> FILE.

HFUZZ_CC ?= clang-14
SECONDS ?= 5
HFUZZ_DIR := $(BUILD)/fuzz-host
HFUZZ_SRC := tests/fuzz/host
HFUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
    -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wpointer-arith \
    -Iinclude -Ihyp/include -Ihyp/arch/x86/include -Ihyp -Itests/unit \
    -I$(HFUZZ_SRC) -MMD -MP
HFUZZ_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

HFUZZ_ALL := elf kimage inflate cmdline bootcfg pagetype evtchn xz lz4
FUZZ_HOST_TARGETS ?= $(HFUZZ_ALL)
HFUZZ_SRCS_elf := hyp/elf.c
HFUZZ_SRCS_kimage := hyp/kimage.c hyp/inflate.c hyp/xz.c hyp/lib/crc.c \
    hyp/elf.c hyp/lz4.c
HFUZZ_SRCS_inflate := hyp/inflate.c hyp/lib/crc.c
HFUZZ_SRCS_xz := hyp/xz.c hyp/lib/crc.c
HFUZZ_SRCS_lz4 := hyp/lz4.c
HFUZZ_SRCS_cmdline := hyp/cmdline.c
HFUZZ_SRCS_bootcfg := hyp/bootcfg.c hyp/cmdline.c
HFUZZ_SRCS_pagetype := hyp/arch/x86/pv/pagetype.c hyp/page_alloc.c
HFUZZ_SRCS_evtchn := hyp/evtchn.c hyp/evtchn_2l.c hyp/evtchn_fifo.c

HFUZZ_OBJ = $(HFUZZ_DIR)/obj/$(1:.c=.o)
HFUZZ_OBJS_OF = $(foreach s,$(HFUZZ_SRC)/fuzz_$(1).c $(HFUZZ_SRCS_$(1)) \
    tests/unit/host_shim.c,$(call HFUZZ_OBJ,$(s)))
HFUZZ_BINS := $(patsubst %,$(HFUZZ_DIR)/fuzz_%,$(HFUZZ_ALL))

.PHONY: fuzz-host fuzz-host-build
fuzz-host-build: $(HFUZZ_BINS)

$(HFUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(V)$(HFUZZ_CC) $(HFUZZ_CFLAGS) -c $< -o $@

define HFUZZ_LINK_RULE
$(HFUZZ_DIR)/fuzz_$(1): $(call HFUZZ_OBJS_OF,$(1))
	$$(V)$$(HFUZZ_CC) -fsanitize=fuzzer,address,undefined -o $$@ $$^
endef
$(foreach t,$(HFUZZ_ALL),$(eval $(call HFUZZ_LINK_RULE,$(t))))

# One target at a time (the machine is small); every target runs even
# after a failure, then the tally line.
fuzz-host: $(patsubst %,$(HFUZZ_DIR)/fuzz_%,$(FUZZ_HOST_TARGETS))
	$(V)p=0; f=0; \
	for t in $(FUZZ_HOST_TARGETS); do \
	    mkdir -p $(HFUZZ_DIR)/corpus/$$t $(HFUZZ_DIR)/crash; \
	    log=$(HFUZZ_DIR)/$$t.log; \
	    if $(HFUZZ_ENV) $(HFUZZ_DIR)/fuzz_$$t -max_total_time=$(SECONDS) \
	        -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
	        -print_final_stats=1 \
	        -artifact_prefix=$(HFUZZ_DIR)/crash/$$t- \
	        $(HFUZZ_DIR)/corpus/$$t $(HFUZZ_SRC)/corpus/$$t > $$log 2>&1; then \
	        runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	        echo "PASS fuzz_$$t ($$runs runs in $(SECONDS) s)"; p=$$((p + 1)); \
	    else \
	        tail -n 40 $$log; echo "FAIL fuzz_$$t (log: $$log)"; f=$$((f + 1)); \
	    fi; \
	done; \
	echo "hostfuzz: $$p passed, $$f failed"; [ $$f -eq 0 ]

-include $(patsubst %.o,%.d,$(sort $(foreach t,$(HFUZZ_ALL), \
    $(call HFUZZ_OBJS_OF,$(t)))))

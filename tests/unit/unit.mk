# SPDX-License-Identifier: GPL-2.0-only
# Host unit tests: compile unchanged hyp/ sources with the host compiler.
#
# Included by the root GNUmakefile (which sets BUILD, HOSTCC, V) and usable
# alone:  make -f tests/unit/unit.mk test-unit
#
# Adding a test: create tests/unit/test_foo.c (include "harness.h" once) and
# add one line in the "Tests" block below:
#     UNIT_TESTS += test_foo
#     UNIT_SRCS_test_foo := hyp/foo.c
# Optional: UNIT_ARGS_test_foo (run arguments), UNIT_DEPS_test_foo (files the
# run needs).  Test lists must be complete before the rules at the bottom.

BUILD  ?= build
HOSTCC ?= gcc
V      ?= @

UNIT_DIR := $(BUILD)/unit
UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
    -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wpointer-arith \
    -Wundef -Iinclude -Ihyp/include -Ihyp/arch/x86/include -Itests/unit \
    -MMD -MP
UNIT_LDFLAGS := -fsanitize=address,undefined
UNIT_COMMON_SRCS := tests/unit/host_shim.c
UNIT_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# gzip test vectors: raw data from "test_inflate --gen", compressed by gzip.
UNIT_VEC_DIR := $(UNIT_DIR)/vectors
UNIT_VEC_STAMP := $(UNIT_VEC_DIR)/.stamp
# lz4 legacy-frame vectors: raw data from "test_lz4 --gen", compressed by
# "lz4 -l" as Linux's build does.
UNIT_LZ4_DIR := $(UNIT_DIR)/lz4vectors
UNIT_LZ4_STAMP := $(UNIT_LZ4_DIR)/.stamp

# xz test vectors: raw data from "test_xz --gen", a real x86-64 executable
# (for the BCJ filter), each compressed by xz in the variants test_xz.c lists.
UNIT_XZ_DIR := $(UNIT_DIR)/xzvec
UNIT_XZ_STAMP := $(UNIT_XZ_DIR)/.stamp
UNIT_XZ_CODE ?= /usr/bin/xz
UNIT_XZ_VARIANTS := c0:--check=none c32:--check=crc32 c64:--check=crc64 \
    linux:--check=crc32+--x86+--lzma2=,dict=32MiB \
    x86s:--x86=start=4096+--lzma2 d4k:--lzma2=dict=4KiB \
    lp4:--lzma2=lc=0,lp=4,pb=4 lc4:--lzma2=lc=4,lp=0,pb=0 \
    blk:--check=crc32+--block-size=3000 \
    blkx86:--check=crc32+--x86+--lzma2+--block-size=1501 \
    mt:-T2+--block-size=7000 e:--format=xz+-e $(foreach n,0 1 2 3 4 5 6 7 8 9,L$(n):-$(n))
# Refusals, made from small.bin only.
UNIT_XZ_BAD := sha:--check=sha256 delta:--delta=dist=4+--lzma2 \
    arm:--arm+--lzma2 lzma:--format=lzma

# ------------------------------------------------------------------ Tests
UNIT_TESTS += test_inflate
UNIT_SRCS_test_inflate := hyp/inflate.c hyp/lib/crc.c
UNIT_ARGS_test_inflate := $(UNIT_VEC_DIR)
UNIT_DEPS_test_inflate := $(UNIT_VEC_STAMP)

UNIT_TESTS += test_lz4
UNIT_SRCS_test_lz4 := hyp/lz4.c hyp/kimage.c hyp/inflate.c hyp/xz.c \
    hyp/lib/crc.c
# A Debian cloud-amd64 vmlinuz (lz4), where make linux-images put it.
UNIT_ARGS_test_lz4 := $(UNIT_LZ4_DIR) $(BUILD)/linux/vmlinuz-cloud-amd64
UNIT_DEPS_test_lz4 := $(UNIT_LZ4_STAMP)

UNIT_TESTS += test_xz
UNIT_SRCS_test_xz := hyp/xz.c hyp/lib/crc.c hyp/kimage.c hyp/inflate.c \
    hyp/lz4.c
# Debian's kernel, when make linux-images (or a hand copy) put it there.
UNIT_ARGS_test_xz := $(UNIT_XZ_DIR) $(wildcard $(BUILD)/linux/vmlinuz-amd64)
UNIT_DEPS_test_xz := $(UNIT_XZ_STAMP)

UNIT_TESTS += test_elf
UNIT_SRCS_test_elf := hyp/elf.c

UNIT_TESTS += test_kimage
UNIT_SRCS_test_kimage := hyp/kimage.c hyp/inflate.c hyp/xz.c hyp/lib/crc.c \
    hyp/elf.c hyp/lz4.c
# A cached distribution kernel, if one was downloaded, is tried as well.
UNIT_ARGS_test_kimage := $(UNIT_VEC_DIR) \
    $(firstword $(wildcard $(BUILD)/cache/vmlinuz*))
UNIT_DEPS_test_kimage := $(UNIT_VEC_STAMP)

UNIT_TESTS += test_cmdline
UNIT_SRCS_test_cmdline := hyp/cmdline.c

UNIT_TESTS += test_bootcfg
UNIT_SRCS_test_bootcfg := hyp/bootcfg.c hyp/cmdline.c

UNIT_TESTS += test_fuzz
UNIT_SRCS_test_fuzz := hyp/elf.c hyp/inflate.c hyp/xz.c hyp/lib/crc.c \
    hyp/kimage.c hyp/cmdline.c hyp/lz4.c
UNIT_ARGS_test_fuzz := $(UNIT_VEC_DIR)
UNIT_DEPS_test_fuzz := $(UNIT_VEC_STAMP)

UNIT_TESTS += test_page_alloc
UNIT_SRCS_test_page_alloc := hyp/page_alloc.c

UNIT_TESTS += test_pagetype
UNIT_SRCS_test_pagetype := hyp/arch/x86/pv/pagetype.c hyp/page_alloc.c
# pagetype.c lives under arch/ and uses <asm/...> headers (plain constants).
$(UNIT_DIR)/obj/hyp/arch/x86/pv/pagetype.o \
$(UNIT_DIR)/obj/tests/unit/test_pagetype.o: \
    UNIT_CFLAGS += -Ihyp/arch/x86/include

UNIT_TESTS += test_ptwr
UNIT_SRCS_test_ptwr := hyp/arch/x86/pv/ptwr.c

UNIT_TESTS += test_evtchn
UNIT_SRCS_test_evtchn := hyp/evtchn.c hyp/evtchn_2l.c hyp/evtchn_fifo.c

UNIT_TESTS += test_grant
UNIT_SRCS_test_grant := hyp/hypercall/grant_table.c
$(UNIT_DIR)/obj/hyp/hypercall/grant_table.o \
$(UNIT_DIR)/obj/tests/unit/test_grant.o: \
    UNIT_CFLAGS += -Ihyp/arch/x86/include

UNIT_TESTS += test_sched
UNIT_SRCS_test_sched := hyp/sched_credit.c

UNIT_TESTS += test_timer
UNIT_SRCS_test_timer := hyp/timer.c

UNIT_TESTS += test_console
UNIT_SRCS_test_console := hyp/console.c

UNIT_TESTS += test_string
UNIT_SRCS_test_string := hyp/lib/string.c
# Renamed so that the host C library keeps its own; built as the hypervisor
# builds it (no builtins).
$(UNIT_DIR)/obj/hyp/lib/string.o: UNIT_CFLAGS += -fno-builtin \
    $(foreach f,memcpy memmove memset page_is_zero memcmp strlen strnlen \
    strcmp strncmp strchr strtoull,-D$(f)=vsp_$(f))

UNIT_TESTS += test_x86_emul
UNIT_SRCS_test_x86_emul := hyp/arch/x86/hvm/x86_emul.c
# ------------------------------------------------------------------------

UNIT_BINS := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))
UNIT_OBJ = $(UNIT_DIR)/obj/$(1:.c=.o)
# All objects of test $(1): its own file, the hyp sources, the shim.
UNIT_OBJS_OF = $(foreach s,tests/unit/$(1).c $(UNIT_SRCS_$(1)) \
    $(UNIT_COMMON_SRCS),$(call UNIT_OBJ,$(s)))

.PHONY: unit test-unit

unit: $(UNIT_BINS) $(sort $(foreach t,$(UNIT_TESTS),$(UNIT_DEPS_$(t))))

$(UNIT_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(V)$(HOSTCC) $(UNIT_CFLAGS) -c $< -o $@

define UNIT_LINK_RULE
$(UNIT_DIR)/$(1): $(call UNIT_OBJS_OF,$(1))
	$$(V)$$(HOSTCC) $$(UNIT_LDFLAGS) -o $$@ $$^
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_LINK_RULE,$(t))))

# "-n" variants carry no FNAME; the others do (gzip stores the file name).
$(UNIT_VEC_STAMP): $(UNIT_DIR)/test_inflate
	@mkdir -p $(UNIT_VEC_DIR)
	$(V)$(UNIT_ENV) $(UNIT_DIR)/test_inflate --gen $(UNIT_VEC_DIR)
	$(V)cd $(UNIT_VEC_DIR) && for f in *.bin; do b=$${f%.bin}; \
	    gzip -1 -c $$f > $$b.tmp && mv $$b.tmp $$b.1.gz && \
	    gzip -9 -c $$f > $$b.tmp && mv $$b.tmp $$b.9.gz && \
	    gzip -6 -n -c $$f > $$b.tmp && mv $$b.tmp $$b.6n.gz || exit 1; \
	done
	@touch $@

$(UNIT_LZ4_STAMP): $(UNIT_DIR)/test_lz4
	@mkdir -p $(UNIT_LZ4_DIR)
	$(V)$(UNIT_ENV) $(UNIT_DIR)/test_lz4 --gen $(UNIT_LZ4_DIR)
	$(V)cd $(UNIT_LZ4_DIR) && for f in *.bin; do b=$${f%.bin}; \
	    lz4 -q -l -1 -c $$f > $$b.tmp && mv $$b.tmp $$b.1.lz4 && \
	    lz4 -q -l -9 -c $$f > $$b.tmp && mv $$b.tmp $$b.9.lz4 || exit 1; \
	done
	@touch $@

# Variant words are NAME:OPTIONS with "+" between options.
$(UNIT_XZ_STAMP): $(UNIT_DIR)/test_xz
	@mkdir -p $(UNIT_XZ_DIR)
	$(V)$(UNIT_ENV) $(UNIT_DIR)/test_xz --gen $(UNIT_XZ_DIR)
	$(V)cp $(UNIT_XZ_CODE) $(UNIT_XZ_DIR)/code.bin
	$(V)cd $(UNIT_XZ_DIR) && xzc() { o=$$(printf %s "$$2" | tr + ' '); \
	    xz -c -T1 $$o "$$1.bin" > "$$1.$$3.tmp" && \
	    mv "$$1.$$3.tmp" "$$1.$$3.xz"; }; \
	for f in *.bin; do b=$${f%.bin}; \
	    for v in $(UNIT_XZ_VARIANTS); do \
	        xzc $$b "$${v#*:}" "$${v%%:*}" || exit 1; \
	    done; \
	done; \
	for v in $(UNIT_XZ_BAD); do \
	    xzc small "$${v#*:}" "$${v%%:*}" || exit 1; \
	done
	@touch $@

# Runs every binary even after a failure, then sums their final
# "N passed, N failed" lines; a binary that dies without one counts as
# one failure.
UNIT_SUMMARY_RE := '^[0-9]+ passed, [0-9]+ failed$$'
test-unit: unit
	$(V)p=0; f=0; rc=0; \
	$(foreach t,$(UNIT_TESTS), \
	    log=$(UNIT_DIR)/$(t).log; echo "== $(t)"; \
	    $(UNIT_ENV) $(UNIT_DIR)/$(t) $(UNIT_ARGS_$(t)) > $$log 2>&1 || rc=1; \
	    cat $$log; \
	    line=$$(grep -E $(UNIT_SUMMARY_RE) $$log | tail -n 1); \
	    if [ -n "$$line" ]; then \
	        set -- $$line; p=$$((p + $$1)); f=$$((f + $$3)); \
	    else f=$$((f + 1)); rc=1; fi;) \
	echo "$$p passed, $$f failed"; \
	[ $$rc -eq 0 ] && [ $$f -eq 0 ]

-include $(patsubst %.o,%.d,$(sort $(foreach t,$(UNIT_TESTS), \
    $(call UNIT_OBJS_OF,$(t)))))

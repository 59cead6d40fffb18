# SPDX-License-Identifier: MIT
# Guest SDK and in-guest tests. Included by the root GNUmakefile; also works
# alone: make -f guest-pv/guest.mk guests
#
# Builds $(BUILD)/guests/libguest.a, one $(BUILD)/guests/<name>.elf per
# tests/guests/<name>/ directory, and the demo $(BUILD)/guests/demo.elf.
# Guests are built only against include/public and guest-pv/include.

BUILD ?= build
CC ?= gcc
V ?= @
ifeq ($(origin CC),default)
CC := gcc
endif

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
    -ffreestanding -nostdlib -nostdinc \
    -isystem $(shell $(CC) -print-file-name=include) \
    -mno-red-zone -mcmodel=kernel -fno-pic -fno-pie -mgeneral-regs-only \
    -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
    -fno-omit-frame-pointer -MMD -MP -Iinclude -Iguest-pv/include
GUEST_ASFLAGS := $(filter-out -std=gnu11,$(GUEST_CFLAGS)) -D__ASSEMBLY__
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,guest-pv/guest.lds \
    -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--build-id=none

GUEST_OUT := $(BUILD)/guests
# start.o is linked explicitly: nothing references _start, so an archive
# member would be dropped. Everything else comes from the library on demand.
GUEST_START := $(BUILD)/guest-pv/start.S.o
GUEST_LIB_SRCS := $(filter-out guest-pv/start.S,\
    $(wildcard guest-pv/*.c guest-pv/*.S))
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/%.o,$(GUEST_LIB_SRCS))
GUEST_LIB := $(GUEST_OUT)/libguest.a

GUEST_TESTS := $(patsubst tests/guests/%/main.c,%,\
    $(wildcard tests/guests/*/main.c))
GUEST_ELFS := $(patsubst %,$(GUEST_OUT)/%.elf,$(GUEST_TESTS))
GUEST_DEMO := $(GUEST_OUT)/demo.elf

.PHONY: guests
guests: $(GUEST_LIB) $(GUEST_ELFS) $(GUEST_DEMO)

$(BUILD)/guest-pv/%.c.o: guest-pv/%.c
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest-pv/%.S.o: guest-pv/%.S
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(BUILD)/tests/guests/%.c.o: tests/guests/%.c
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/guests/%.S.o: tests/guests/%.S
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_LIB): $(GUEST_LIB_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(V)ar rcs $@ $^

# Each test is every .c/.S in its directory, linked with the SDK.
define GUEST_TEST_RULE
GUEST_OBJS_$(1) := $$(patsubst %,$(BUILD)/%.o,\
    $$(wildcard tests/guests/$(1)/*.c tests/guests/$(1)/*.S))
$(GUEST_OUT)/$(1).elf: $$(GUEST_OBJS_$(1)) $(GUEST_START) $(GUEST_LIB) \
        guest-pv/guest.lds
	@mkdir -p $$(dir $$@)
	$(V)$(CC) $(GUEST_LDFLAGS) -o $$@ $(GUEST_START) $$(GUEST_OBJS_$(1)) \
	    $(GUEST_LIB)
-include $$(GUEST_OBJS_$(1):.o=.d)
endef
$(foreach t,$(GUEST_TESTS),$(eval $(call GUEST_TEST_RULE,$(t))))

GUEST_DEMO_OBJS := $(patsubst %,$(BUILD)/%.o,$(wildcard guest-pv/demo/*.c))
$(BUILD)/guest-pv/demo/%.c.o: guest-pv/demo/%.c
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DEMO): $(GUEST_DEMO_OBJS) $(GUEST_START) $(GUEST_LIB) guest-pv/guest.lds
	@mkdir -p $(dir $@)
	$(V)$(CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_START) $(GUEST_DEMO_OBJS) \
	    $(GUEST_LIB)

-include $(GUEST_START:.o=.d) $(GUEST_LIB_OBJS:.o=.d) $(GUEST_DEMO_OBJS:.o=.d)

# Derived images: tests whose kernel is made from another test's, not built
# from a main.c of their own. Each has tests/guests/<name>/test.conf only.
#   hello_gz, hello_bzimage    hello in the builder's other accepted formats
#   hello_bzimage_lz4          (the latter also with an lz4 payload)
#   lz4_patterns_bzimage       lz4_patterns (short-period data) as lz4
#   builder_*                  images the builder must refuse (a panic),
#                              but builder_xz: hello as an xz bzImage (boots)
#   hello_feat_*               hello with other FEATURES/SUPPORTED_FEATURES
#                              notes that the dom0 builder must accept
#   selftest_*                 hello again, with a hypervisor selftest= fault
#   sched_crash                evt_pingpong again (its role=crash)
#   smp4_pingpong              evt_pingpong again: two pairs on 4 CPUs
#   console_in_switch          console_in again: input switched d0/d1
#   boot_ramdisk_order         boot_multi again, with ramdisks between kernels
#   boot_layout_domu           boot_layout again, as a domU after a dom0
#   mem_exchange_domu          mem_exchange again, as a domU after a dom0
GUEST_TOOLS := tests/tools
PYTHON ?= python3
GUEST_DERIVED := hello_gz hello_bzimage builder_bad_version builder_xz \
    builder_gz_truncated builder_xz_corrupt builder_xz_badcheck \
    selftest_pf selftest_ud \
    selftest_bug sched_crash \
    smp4_pingpong console_in_switch hello_feat_nonote hello_feat_strdom0 \
    builder_feat_nodom0 builder_feat_bang hello_feat_padnul \
    boot_ramdisk_order hello_bzimage_lz4 builder_lz4_bad_offset \
    builder_lz4_bad_size lz4_patterns_bzimage boot_layout_domu \
    mem_exchange_domu
GUEST_DERIVED_ELFS := $(patsubst %,$(GUEST_OUT)/%.elf,$(GUEST_DERIVED))
# The runner treats every <name>.elf as a test, whatever is inside it.
GUEST_ELFS += $(GUEST_DERIVED_ELFS)
guests: $(GUEST_DERIVED_ELFS) $(GUEST_OUT)/ramdisk_gz.img \
    $(GUEST_OUT)/layout_ramdisk.img

# A gzip'd file that is no ELF: a ramdisk for boot-module ordering tests.
$(GUEST_OUT)/ramdisk_gz.img:
	$(V)mkdir -p $(dir $@) && printf 'a ramdisk, not a kernel\n' | \
	    gzip -9 -n > $@.tmp && mv $@.tmp $@

$(GUEST_OUT)/boot_ramdisk_order.elf: $(GUEST_OUT)/boot_multi.elf
	$(V)cp $< $@

# boot_layout's ramdisk: a magic, its 64-bit length, then byte i is
# (i * 131 + 7) mod 256; 13522 bytes, so its last page is partial
# (tests/guests/boot_layout/layout_check.h checks it byte by byte).
$(GUEST_OUT)/layout_ramdisk.img:
	$(V)mkdir -p $(dir $@) && $(PYTHON) -c 'import struct, sys; n = 13522; \
	    h = b"vesper-layout-rd" + struct.pack("<Q", n); \
	    sys.stdout.buffer.write(h + bytes((i * 131 + 7) & 255 \
	    for i in range(len(h), n)))' > $@.tmp && mv $@.tmp $@

$(GUEST_OUT)/boot_layout_domu.elf: $(GUEST_OUT)/boot_layout.elf
	$(V)cp $< $@

$(GUEST_OUT)/mem_exchange_domu.elf: $(GUEST_OUT)/mem_exchange.elf
	$(V)cp $< $@

$(GUEST_OUT)/hello_gz.elf: $(GUEST_OUT)/hello.elf
	$(V)gzip -9 -n -c $< > $@.tmp && mv $@.tmp $@

$(GUEST_OUT)/hello_bzimage.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbzimage.py $< $@

$(GUEST_OUT)/hello_bzimage_lz4.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbzimage.py --compress lz4 $< $@

$(GUEST_OUT)/lz4_patterns_bzimage.elf: $(GUEST_OUT)/lz4_patterns.elf \
        $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbzimage.py --compress lz4 $< $@

$(GUEST_OUT)/builder_lz4_bad_offset.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbzimage.py --compress lz4 \
	    --lz4-bad-offset $< $@

$(GUEST_OUT)/builder_lz4_bad_size.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbzimage.py --compress lz4 \
	    --lz4-bad-size $< $@

$(GUEST_OUT)/builder_bad_version.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbadimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbadimage.py xen-version $< $@ xen-2.0

$(GUEST_OUT)/builder_xz.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbzimage.py --compress xz $< $@

$(GUEST_OUT)/builder_xz_corrupt.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbadimage.py $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbadimage.py xz-bitflip $< $@

$(GUEST_OUT)/builder_xz_badcheck.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbadimage.py $(GUEST_TOOLS)/mkbzimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbadimage.py xz-badcheck $< $@

$(GUEST_OUT)/builder_gz_truncated.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbadimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbadimage.py gzip-truncated $< $@

# Dom0 feature notes (mkbadimage.py features IN OUT FEATURES SUPPORTED).
FEAT_ARGS_hello_feat_nonote := "" none
FEAT_ARGS_hello_feat_strdom0 := dom0 0
FEAT_ARGS_builder_feat_nodom0 := "" 0
FEAT_ARGS_builder_feat_bang := "!" 0x800
$(patsubst %,$(GUEST_OUT)/%.elf,hello_feat_nonote hello_feat_strdom0 \
        builder_feat_nodom0 builder_feat_bang): $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbadimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbadimage.py features $< $@ \
	    $(FEAT_ARGS_$(basename $(notdir $@)))

# FEATURES "x|dom0" in a 6-byte descriptor: the NUL only in the padding.
$(GUEST_OUT)/hello_feat_padnul.elf: $(GUEST_OUT)/hello.elf \
        $(GUEST_TOOLS)/mkbadimage.py
	$(V)$(PYTHON) $(GUEST_TOOLS)/mkbadimage.py features-padnul $< $@ \
	    "x|dom0" 0

$(GUEST_OUT)/selftest_%.elf: $(GUEST_OUT)/hello.elf
	$(V)cp $< $@

$(GUEST_OUT)/sched_crash.elf $(GUEST_OUT)/smp4_pingpong.elf: \
        $(GUEST_OUT)/evt_pingpong.elf
	$(V)cp $< $@

$(GUEST_OUT)/console_in_switch.elf: $(GUEST_OUT)/console_in.elf
	$(V)cp $< $@

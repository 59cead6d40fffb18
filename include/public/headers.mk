# SPDX-License-Identifier: MIT
# Checks for the public ABI headers: headers-check and abi-check.
#
# Included by the root GNUmakefile, which sets BUILD, CC, HOSTCC and V. It
# also works alone, from the top of the tree:
#   make -f include/public/headers.mk headers-check abi-check
# Paths are relative to the top of the tree, like the rest of the build.

BUILD  ?= build
CC     ?= gcc
HOSTCC ?= gcc
V      ?= @
# make's built-in CC is "cc"; as in the root makefile, prefer gcc.
ifeq ($(origin CC),default)
CC := gcc
endif

# A C++ compiler of the same family as CC, for the C++ modes.
HDR_CXX ?= $(if $(findstring clang,$(CC)),clang++,g++)

HDR_HEADERS := $(wildcard include/public/*.h include/public/io/*.h \
                           include/public/hvm/*.h)
# Names relative to include/public, e.g. "io/console.h" or "hvm/ioreq.h".
HDR_NAMES   := $(patsubst include/public/%,%,$(HDR_HEADERS))
HDR_OUT     := $(BUILD)/headers-check

# -Wpadded turns every implicit hole into an error, which is how we keep
# the "explicit padding only" rule honest.
HDR_WARN   := -Wall -Wextra -Werror -Wpadded -Wundef -Wshadow -Wpointer-arith \
              -Wcast-qual -Wredundant-decls
HDR_CWARN  := $(HDR_WARN) -Wstrict-prototypes -Wmissing-prototypes
HDR_FREESTANDING := -ffreestanding -nostdinc \
                    -isystem $(shell $(CC) -print-file-name=include)

# Every language mode a consumer may use. c11f is how the hypervisor
# itself compiles: freestanding, compiler headers only.
HDR_MODES := c89 c99 c11f cxx98 cxx11 asm
HDR_CC_c89   := $(CC) -x c -ansi -pedantic-errors $(HDR_CWARN)
HDR_CC_c99   := $(CC) -x c -std=c99 -pedantic-errors $(HDR_CWARN)
HDR_CC_c11f  := $(CC) -x c -std=c11 -pedantic-errors $(HDR_CWARN) $(HDR_FREESTANDING)
HDR_CC_cxx98 := $(HDR_CXX) -x c++ -std=c++98 -pedantic-errors $(HDR_WARN)
HDR_CC_cxx11 := $(HDR_CXX) -x c++ -std=c++11 -pedantic-errors $(HDR_WARN)
HDR_CC_asm   := $(CC) -x assembler-with-cpp -D__ASSEMBLY__ -Werror

# The test unit includes the header twice (include guards must work) and
# declares something, since ISO C forbids an empty translation unit.
HDR_TU = printf '\#include <public/%s>\n\#include <public/%s>\n%s\n' \
    $(patsubst include/public/%,%,$<) $(patsubst include/public/%,%,$<) $(1)
HDR_DECL := 'extern int vesper_headers_check;'

HDR_STAMPS := $(foreach m,$(HDR_MODES),$(patsubst %,$(HDR_OUT)/%.$(m).stamp,$(HDR_NAMES))) \
              $(HDR_OUT)/spdx.stamp

define HDR_MODE_RULE
$(HDR_OUT)/%.h.$(1).stamp: include/public/%.h $(HDR_HEADERS) include/public/headers.mk
	@mkdir -p $$(dir $$@)
	$(V)$$(call HDR_TU,$(if $(filter asm,$(1)),'',$(HDR_DECL))) | \
	    $$(HDR_CC_$(1)) -Iinclude $(if $(filter asm,$(1)),-c -o /dev/null,-fsyntax-only) - \
	    || { echo "headers-check: $$(patsubst include/public/%,%,$$<) fails in mode $(1)"; exit 1; }
	@touch $$@
endef
$(foreach m,$(HDR_MODES),$(eval $(call HDR_MODE_RULE,$(m))))

# Public headers are MIT so guests may copy them; each says so up front.
$(HDR_OUT)/spdx.stamp: $(HDR_HEADERS)
	@mkdir -p $(dir $@)
	$(V)for h in $(HDR_HEADERS); do \
	    head -n 1 $$h | grep -q 'SPDX-License-Identifier: MIT' || \
	    { echo "headers-check: $$h lacks an MIT SPDX line"; exit 1; }; \
	done
	@touch $@

.PHONY: headers-check abi-check
headers-check: $(HDR_STAMPS)
	@echo "headers-check: $(words $(HDR_NAMES)) headers x $(words $(HDR_MODES)) modes ($(HDR_MODES)) OK"

# ------------------------------------------------------------- abi-check
# dump.c is built twice, as two programs: against our headers and against
# Xen's (Debian libxen-dev). compare.awk diffs the "kind name value" lines.

ABI_XEN_INCLUDE ?= /usr/include
ABI_SRC    := tests/abi/dump.c
ABI_DEPS   := $(ABI_SRC) tests/abi/layout.def include/public/headers.mk
ABI_OUT    := $(BUILD)/abi
# -Wno-type-limits: the signedness probe compares unsigned values with 0.
ABI_CFLAGS := -std=gnu99 -O0 -Wall -Wextra -Werror -Wno-type-limits

$(ABI_OUT)/dump-vesper: $(ABI_DEPS) $(HDR_HEADERS)
	@mkdir -p $(dir $@)
	$(V)$(HOSTCC) $(ABI_CFLAGS) -Iinclude -o $@ $(ABI_SRC)

$(ABI_OUT)/dump-xen: $(ABI_DEPS)
	@mkdir -p $(dir $@)
	$(V)test -f $(ABI_XEN_INCLUDE)/xen/xen.h || { \
	    echo "abi-check: Xen's public headers not found at $(ABI_XEN_INCLUDE)/xen;"; \
	    echo "abi-check: install them with: apt-get install libxen-dev"; \
	    exit 1; }
	$(V)$(HOSTCC) $(ABI_CFLAGS) -DABI_SIDE_XEN -idirafter $(ABI_XEN_INCLUDE) -o $@ $(ABI_SRC)

abi-check: $(ABI_OUT)/dump-vesper $(ABI_OUT)/dump-xen
	$(V)$(ABI_OUT)/dump-vesper > $(ABI_OUT)/vesper.txt
	$(V)$(ABI_OUT)/dump-xen > $(ABI_OUT)/xen.txt
	$(V)awk -f tests/abi/compare.awk $(ABI_OUT)/vesper.txt $(ABI_OUT)/xen.txt

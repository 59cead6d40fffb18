# SPDX-License-Identifier: GPL-2.0-only
# In-guest test targets; included by the root GNUmakefile.
#
#   make test-guests      every tests/guests/* guest on Vesper
#   make test-guests-xen  the same guests on Debian's Xen 4.17 (reference)
#   make test-mutation    break the hypervisor on purpose; the guest tests
#                         must notice (tests/mutation/run.py)
#   make run              boot Vesper + the demo guest with serial on stdio
#                         (make run GUEST=linux: tests/system/linux.mk)
#   make test-vmx-smoke   Vesper + hello and the HVM guests (hvm_modes,
#                         hvm_cpuid, hvm_npf, hvm_triple) on Bochs's
#                         emulated VT-x CPU (tests/vmx/run.py); Vesper's
#                         "HVM:" boot line must report VMX with EPT in
#                         use (part of make test)
#   make test-vmx         the smoke, then Xen 4.17 + hello on Bochs, whose
#                         log must show VMX with EPT in use: the proof that
#                         the emulated CPU offers what the smoke looks for
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

.PHONY: test-guests test-guests-xen test-mutation run test-vmx test-vmx-smoke

test-guests: $(HYP_IMG) guests linux-images
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

# VT-x on Bochs (issue 13). VMX_ARGS passes extra options to tests/vmx/run.py
# (e.g. VMX_ARGS="--keep -v"). One CPU: a second one doubles Bochs's time
# and adds nothing to what is checked here.
VMX_ARGS ?=
VMX_RUN = $(PYTHON) tests/vmx/run.py --build $(BUILD) --smp 1 $(VMX_ARGS)
# hyp/arch/x86/hvm/hvm.c's detection line, e.g. "HVM: VMX with EPT and
# VPID, unrestricted guest, using it": VMX and EPT in any order, and the
# VMX back end chosen, on Vesper's own line.
VMX_VESPER_LOG := '^\(VSP\) HVM: (?=.*VMX)(?=.*EPT).*using it'
# The HVM guests on the VMX back end (issue 13), as under QEMU on SVM.
VMX_HVM_TESTS := hvm_modes hvm_cpuid hvm_npf hvm_triple
VMX_HVM_ELFS := $(foreach t,$(VMX_HVM_TESTS),\
    $(GUEST_OUT)/$(t).elf $(GUEST_OUT)/$(t)_flat.elf)
# Interrupts, devices and emulation on VMX (issue 13): too slow on Bochs
# for make test's smoke (about 3 minutes with -j2), so only in test-vmx.
VMX_HVM_MORE := hvm_lapic_timer hvm_pit_rtc hvm_string_io hvm_mmio \
    hvm_multiboot hvm_multi hvm_uart
VMX_HVM_MORE_ELFS := $(foreach t,$(VMX_HVM_MORE),$(GUEST_OUT)/$(t).elf) \
    $(foreach t,hvm_lapic_timer hvm_pit_rtc hvm_string_io hvm_mmio \
    hvm_modes hvm_uart,$(GUEST_OUT)/$(t)_flat.elf) \
    $(GUEST_OUT)/hvm_multiboot_mb.elf
# Xen 4.17's start_vmx/vmx_init_vmcs_config and hvm_enable lines.
VMX_XEN_LOGS := --expect-log 'VMX: Supported advanced features' \
    --expect-log 'Extended Page Tables \(EPT\)' --expect-log 'HVM: VMX enabled'

# Only the guests they boot: Bochs is slow enough without building the rest.
# Two Bochs at a time: about 25 s for the five on an idle 2-CPU machine.
test-vmx-smoke: deps-bochs $(HYP_IMG) $(BUILD)/guests/hello.elf $(VMX_HVM_ELFS)
	$(VMX_RUN) -j2 --hyp $(HYP_IMG) --expect-log $(VMX_VESPER_LOG) hello \
	    $(VMX_HVM_TESTS)

test-vmx: test-vmx-smoke $(TESTS_XEN_IMG) $(VMX_HVM_MORE_ELFS)
	$(VMX_RUN) -j2 --hyp $(HYP_IMG) $(VMX_HVM_MORE)
	$(VMX_RUN) --xen $(TESTS_XEN_IMG) $(VMX_XEN_LOGS) hello

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

# HVM test guests (issue 13). Each tests/guests/hvm_<t>/ holds the flat
# image's source (*.s, GNU as, with hvm_modes' hvm.inc) and its test.conf;
# the image becomes $(GUEST_OUT)/hvm_<t>_flat.elf (the runner looks boot
# modules up as <build>/guests/NAME.elf, whatever is inside) and boots as
# domain 1 with kind=hvm. Domain 0 is hvm_modes' main.c, a PV watcher that
# waits for the HVM domain to halt or crash; hvm_<t>.elf are copies of it.
HVM_TESTS := hvm_modes hvm_cpuid hvm_npf hvm_triple hvm_lapic_timer \
    hvm_pit_rtc hvm_string_io hvm_mmio
HVM_FLAT := $(patsubst %,$(GUEST_OUT)/%_flat.elf,$(HVM_TESTS))
HVM_WATCH_COPIES := $(patsubst %,$(GUEST_OUT)/%.elf,\
    $(filter-out hvm_modes,$(HVM_TESTS)))
GUEST_ELFS += $(HVM_WATCH_COPIES)
guests: $(HVM_FLAT) $(HVM_WATCH_COPIES)

define HVM_FLAT_RULE
$(GUEST_OUT)/$(1)_flat.elf: $$(wildcard tests/guests/$(1)/*.s) \
        tests/guests/hvm_modes/hvm.inc tests/guests/hvm_modes/hvm.lds \
        tests/guests/hvm_lapic_timer/hvm_irq.inc
	@mkdir -p $$(dir $$@)
	$(V)$(CC) -nostdlib -static -no-pie -Wa,-I,tests/guests/hvm_modes \
	    -Wl,-T,tests/guests/hvm_modes/hvm.lds -Wl,--build-id=none \
	    -Wl,-z,noexecstack -o $$@.link $$(wildcard tests/guests/$(1)/*.s)
	$(V)objcopy -O binary $$@.link $$@
endef
$(foreach t,$(HVM_TESTS),$(eval $(call HVM_FLAT_RULE,$(t))))

# hvm_uart (issue 13) has a dom0 of its own (main.c, a device model): only
# its flat image is built here.
guests: $(GUEST_OUT)/hvm_uart_flat.elf
$(eval $(call HVM_FLAT_RULE,hvm_uart))

$(HVM_WATCH_COPIES): $(GUEST_OUT)/hvm_modes.elf
	$(V)cp $< $@

# hvm_multiboot (issue 13): an ELF32 multiboot v1 kernel rather than a flat
# image, so the HVM loader's multiboot path is what boots it; dom0 is the
# hvm_modes watcher again.
HVM_MB_KERNEL := $(GUEST_OUT)/hvm_multiboot_mb.elf
GUEST_ELFS += $(GUEST_OUT)/hvm_multiboot.elf
guests: $(HVM_MB_KERNEL) $(GUEST_OUT)/hvm_multiboot.elf
$(HVM_MB_KERNEL): tests/guests/hvm_multiboot/mb.s tests/guests/hvm_multiboot/mb.lds
	@mkdir -p $(dir $@)
	$(V)as --32 -o $@.o $<
	$(V)ld -m elf_i386 -T tests/guests/hvm_multiboot/mb.lds --build-id=none \
	    -z noexecstack -o $@ $@.o
$(GUEST_OUT)/hvm_multiboot.elf: $(GUEST_OUT)/hvm_modes.elf
	$(V)cp $< $@

# hvm_multi (issue 13): two of the flat images at once; dom0 is the watcher.
GUEST_ELFS += $(GUEST_OUT)/hvm_multi.elf
guests: $(GUEST_OUT)/hvm_multi.elf
$(GUEST_OUT)/hvm_multi.elf: $(GUEST_OUT)/hvm_modes.elf
	$(V)cp $< $@

# hvm_linux (issue 13): Debian's vmlinuz as an HVM domain (the watcher is
# dom0); its kernel and initrd are the system tier's, so the guest tier
# fetches them too.
GUEST_ELFS += $(GUEST_OUT)/hvm_linux.elf
guests: $(GUEST_OUT)/hvm_linux.elf
$(GUEST_OUT)/hvm_linux.elf: $(GUEST_OUT)/hvm_modes.elf
	$(V)cp $< $@

# hvm_linux_shell (issue 13): the same kernel and initrd running the system
# tests' self-check to an ACPI poweroff; dom0 is hvm_uart's device model.
GUEST_ELFS += $(GUEST_OUT)/hvm_linux_shell.elf
guests: $(GUEST_OUT)/hvm_linux_shell.elf
$(GUEST_OUT)/hvm_linux_shell.elf: $(GUEST_OUT)/hvm_uart.elf
	$(V)cp $< $@

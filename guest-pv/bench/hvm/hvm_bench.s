# SPDX-License-Identifier: MIT
# The HVM bench image: exit round trips (CPUID, a port the hypervisor serves, one dom0's device model serves).
    .include "hvm.inc"

    .set ITERS, 2000
    .set PMTIMER, 0xb008        # ACPI PM timer: an in-hypervisor device
    .set UART_LSR, 0x3fd        # the 16550 dom0's device model emulates
    .set KBD, 0x64              # 0xFE there: dom0 reboots us, the run ends

# The measured instructions (macros: a ';' would end FIGURE's line).
.macro body_cpuid
    xor %eax, %eax
    cpuid
.endm
.macro body_pio_hyp
    mov $PMTIMER, %dx
    inl %dx, %eax
.endm
.macro body_pio_dm
    mov $UART_LSR, %dx
    inb %dx, %al
.endm

# One figure: \name, measuring ITERS runs of the macro \body.
.macro FIGURE name, body
    .pushsection .rodata
9998: .asciz "BENCH name=\name iters="
    .popsection
    rdtsc
    mov %eax, %ebp
    mov $ITERS, %edi            # CPUID takes EBX, ECX and EDX
1:  \body
    dec %edi
    jnz 1b
    rdtsc
    sub %ebp, %eax              # cycles, wrapping as the TSC's low half
    mov %eax, %ebp
    mov $9998b, %esi
    call puts32
    mov $ITERS, %eax
    call putu32
    PUTS32 " cycles="
    mov %ebp, %eax
    call putu32
    PUTS32 " cycles_per_op="
    mov %ebp, %eax
    xor %edx, %edx
    mov $ITERS, %ecx
    div %ecx
    call putu32
    PUTS32 "\n"
.endm

    HVM_START16
    ENTER_PM32 pm32
    PUTS32 "BENCH info hvm=1\n"
    FIGURE hvm_cpuid, body_cpuid
    FIGURE hvm_pio_hyp, body_pio_hyp
    FIGURE hvm_pio_dm, body_pio_dm
    PUTS32 "BENCH hvm done\n"
    mov $0xfe, %al
    out %al, $KBD
    jmp halt32

# EAX in decimal on port 0xE9.
putu32:
    mov $10, %ecx
    xor %edi, %edi              # digits pushed
1:  xor %edx, %edx
    div %ecx
    push %edx
    inc %edi
    test %eax, %eax
    jnz 1b
2:  pop %eax
    add $'0', %al
    out %al, $0xe9
    dec %edi
    jnz 2b
    ret

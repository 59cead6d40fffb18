# SPDX-License-Identifier: MIT
# hvm_lapic_timer's guest: the local APIC timer's rate against the PM timer, and interrupts held by TPR, IF and one-shot mode.
    .include "hvm.inc"
    .include "tests/guests/hvm_lapic_timer/hvm_irq.inc"

    .set VEC, 0x40
    .set SVR, LAPIC + 0xf0
    .set TPR, LAPIC + 0x80
    .set EOI, LAPIC + 0xb0
    .set LVTT, LAPIC + 0x320
    .set TMICT, LAPIC + 0x380
    .set TMCCT, LAPIC + 0x390
    .set TDCR, LAPIC + 0x3e0

    HVM_START16
    ENTER_PM32 pm32
    call idt_init
    mov $VEC, %ecx
    mov $timer_isr, %eax
    call set_vector

    mov LAPIC + 0x30, %eax
    cmp $0x00050014, %eax
    je 1f
    FAIL32 "LAPIC version is not Xen's 0x00050014"
1:  PUTS32 "PASS: LAPIC version 0x00050014, timer masked at reset\n"
    mov LVTT, %eax
    test $0x10000, %eax
    jnz 1f
    FAIL32 "LVT timer not masked at reset"
1:
    movl $0x1ff, SVR            # software enable, spurious vector 0xff
    /* Divide by 2 at the 100 MHz bus: 1000000 counts are 20 ms. */
    movl $0x0, TDCR
    movl $(0x20000 | VEC), LVTT # periodic
    movl $1000000, TMICT
    movl $0, ticks
    sti
    mov $(500 * PM_MS), %ecx    # 500 ms by the PM timer
    call pm_wait
    mov ticks, %ebx
    PUTS32 "ticks in 500 ms of PM timer (want 25): "
    mov %ebx, %eax
    call puthex32
    CHECK_RANGE %ebx, 19, 28, "LAPIC periodic rate off"
    PUTS32 "PASS: periodic LAPIC timer at 50 Hz measured by the PM timer\n"

    /* The current count runs down from the initial one. */
    mov TMCCT, %eax
    mov TMCCT, %ebx
    cmp $1000000, %eax
    ja 2f
    test %eax, %eax
    jz 2f
    cmp %eax, %ebx
    jb 1f
    /* a reload between the two reads */
    cmp $500000, %ebx
    ja 1f
2:  FAIL32 "current count does not run down"
1:  PUTS32 "PASS: current count runs down\n"

    /* TPR class 5 holds vector 0x40 in IRR ... */
    movl $0x50, TPR
    mov ticks, %esi
    mov $(50 * PM_MS), %ecx
    call pm_wait
    cmp ticks, %esi
    je 1f
    FAIL32 "an interrupt got past TPR"
    /* ... and lowering it delivers the held one at once. */
1:  movl $0, TPR
    mov $(PM_MS / 2), %ecx
    call pm_wait
    mov ticks, %eax
    sub %esi, %eax
    CHECK_RANGE %eax, 1, 3, "the interrupt TPR held was not delivered at once"
    PUTS32 "PASS: TPR holds the timer interrupt, then it comes at once\n"

    /* IF clear holds it the same way. */
    cli
    mov ticks, %esi
    mov $(50 * PM_MS), %ecx
    call pm_wait
    cmp ticks, %esi
    je 1f
    FAIL32 "an interrupt came with IF clear"
1:  sti
    nop
    mov $(PM_MS / 2), %ecx
    call pm_wait
    mov ticks, %eax
    sub %esi, %eax
    CHECK_RANGE %eax, 1, 3, "the interrupt IF held was not delivered after STI"
    PUTS32 "PASS: IF clear holds it, STI delivers it\n"

    /* One-shot, 20 ms: exactly one interrupt in 100 ms. */
    movl $(0x10000 | VEC), LVTT
    movl $0, TMICT
    movl $VEC, LVTT
    mov ticks, %esi
    movl $1000000, TMICT
    mov $(100 * PM_MS), %ecx
    call pm_wait
    mov ticks, %eax
    sub %esi, %eax
    CHECK_RANGE %eax, 1, 1, "one-shot timer did not fire exactly once"
    mov TMCCT, %eax
    test %eax, %eax
    jz 1f
    FAIL32 "one-shot current count not 0 after expiry"
1:  PUTS32 "PASS: one-shot timer fires once, then reads 0\n"

    /* HLT sleeps until the (one-shot) interrupt, not for good. */
    mov ticks, %esi
    call pm_now
    mov %eax, %edi
    movl $1000000, TMICT       # 20 ms
    hlt
    call pm_now
    sub %edi, %eax
    and $0xffffff, %eax
    cmp ticks, %esi
    jne 1f
    FAIL32 "HLT returned without the interrupt"
1:  CHECK_RANGE %eax, (15*PM_MS), (60*PM_MS), "HLT did not sleep until the timer"
    PUTS32 "PASS: HLT sleeps until the timer interrupt\n"

    movl $0, TMICT
    PUTS32 "Test result: PASS\n"
    jmp halt32

timer_isr:
    incl ticks
    movl $0, EOI
    iret

    .data
    .align 4
ticks:
    .long 0

# SPDX-License-Identifier: MIT
# hvm_pit_rtc's guest: PIT channel 0 through the 8259 at its programmed rate, PIC masking, channel 2 via port 0x61, the RTC.
    .include "hvm.inc"
    .include "tests/guests/hvm_lapic_timer/hvm_irq.inc"

    .set PIC_VEC, 0x20
    .set PIT_10MS, 11932        # 1193182 Hz / 100
    .set PIT_20MS, 23864

.macro RTC_READ reg
    mov $\reg, %al
    out %al, $0x70
    in $0x71, %al
.endm

    HVM_START16
    ENTER_PM32 pm32
    call idt_init
    mov $PIC_VEC, %ecx
    mov $pit_isr, %eax
    call set_vector

    /* The 8259 pair as a BIOS leaves it, but at 0x20/0x28; only IRQ0 open. */
    mov $0x11, %al
    out %al, $0x20
    out %al, $0xa0
    mov $PIC_VEC, %al
    out %al, $0x21
    mov $(PIC_VEC + 8), %al
    out %al, $0xa1
    mov $4, %al
    out %al, $0x21
    mov $2, %al
    out %al, $0xa1
    mov $1, %al
    out %al, $0x21
    out %al, $0xa1
    mov $0xfe, %al
    out %al, $0x21
    mov $0xff, %al
    out %al, $0xa1
    /* IN AL replaces AL only: the rest of EAX stays. */
    mov $0x12345600, %eax
    in $0x21, %al
    cmp $0x123456fe, %eax
    je 1f
    FAIL32 "PIC mask does not read back into AL alone"
    /* Virtual wire: the APIC enabled, LINT0 ExtINT. */
1:  movl $0x1ff, LAPIC + 0xf0
    movl $0x700, LAPIC + 0x350

    /* Channel 0, mode 2, 50 Hz. */
    mov $0x34, %al
    out %al, $0x43
    mov $(PIT_20MS & 0xff), %al
    out %al, $0x40
    mov $(PIT_20MS >> 8), %al
    out %al, $0x40
    movl $0, ticks
    sti
    mov $(500 * PM_MS), %ecx
    call pm_wait
    mov ticks, %ebx
    PUTS32 "IRQ0 ticks in 500 ms of PM timer (want 25): "
    mov %ebx, %eax
    call puthex32
    CHECK_RANGE %ebx, 19, 28, "PIT channel 0 rate off"
    PUTS32 "PASS: PIT channel 0 interrupts through the PIC at 50 Hz\n"

    /* The latched count lies inside the period. */
    mov $0x00, %al
    out %al, $0x43
    in $0x40, %al
    mov %al, %bl
    in $0x40, %al
    mov %al, %bh
    movzwl %bx, %eax
    CHECK_RANGE %eax, 1, PIT_20MS, "latched count outside the period"

    /* Masking IRQ0 at the PIC holds the interrupt; unmasking delivers it. */
    mov $0xff, %al
    out %al, $0x21
    mov ticks, %esi
    mov $(50 * PM_MS), %ecx
    call pm_wait
    cmp ticks, %esi
    je 1f
    FAIL32 "IRQ0 got through the PIC mask"
1:  mov $0xfe, %al
    out %al, $0x21
    mov $(PM_MS / 2), %ecx
    call pm_wait
    mov ticks, %eax
    sub %esi, %eax
    CHECK_RANGE %eax, 1, 3, "the masked IRQ0 was not delivered on unmask"
    PUTS32 "PASS: the PIC mask holds IRQ0, unmasking delivers it\n"
    cli
    mov $0xff, %al
    out %al, $0x21

    /*
     * Channel 2, mode 0, gate on via port 0x61: OUT2 rises after 10 ms.
     * The best of three, as a loaded host may not run the polling loop.
     */
    in $0x61, %al
    and $0xfc, %al
    or $1, %al
    out %al, $0x61
    mov $0xffffffff, %ebp
    mov $3, %ecx
4:  push %ecx
    mov $0xb0, %al
    out %al, $0x43
    mov $(PIT_10MS & 0xff), %al
    out %al, $0x42
    mov $(PIT_10MS >> 8), %al
    out %al, $0x42
    call pm_now
    mov %eax, %edi
    in $0x61, %al
    test $0x20, %al
    jz 1f
    FAIL32 "OUT2 high right after the count was loaded"
1:  call pm_now
    sub %edi, %eax
    and $0xffffff, %eax
    cmp $(100 * PM_MS), %eax
    ja 2f
    in $0x61, %al
    test $0x20, %al
    jz 1b
    call pm_now
    sub %edi, %eax
    and $0xffffff, %eax
    cmp %ebp, %eax
    jae 5f
    mov %eax, %ebp
5:  pop %ecx
    loop 4b
    PUTS32 "PM ticks until OUT2 rose, best of 3 (want 10 ms, 8BD8): "
    mov %ebp, %eax
    call puthex32
    CHECK_RANGE %ebp, (9*PM_MS), (30*PM_MS), "OUT2 did not rise after 10 ms"
    PUTS32 "PASS: channel 2 gated by port 0x61, OUT2 after 10 ms\n"
    jmp 3f
2:  FAIL32 "OUT2 never rose"
3:
    /* RTC: Xen's reset registers, plausible BCD time. */
    RTC_READ 0x0b
    cmp $0x02, %al
    jne 2f
    RTC_READ 0x0d
    cmp $0x80, %al
    jne 2f
    RTC_READ 0x32
    cmp $0x20, %al              # the 21st century
    jne 2f
    RTC_READ 0x08
    CHECK_RANGE %al, 1, 0x12, "RTC month"
    RTC_READ 0x04
    CHECK_RANGE %al, 0, 0x23, "RTC hour"
    RTC_READ 0x00
    CHECK_RANGE %al, 0, 0x59, "RTC seconds"
    mov %al, %bl
    and $0x0f, %bl
    cmp $9, %bl
    ja 2f
    PUTS32 "PASS: RTC registers B, D, century and BCD time plausible\n"
    jmp 1f
2:  FAIL32 "RTC reset registers or BCD time"

    /* UIP: the seconds change once per second of PM timer, after UIP. */
1:  call uip_edge
    RTC_READ 0x00
    mov %al, %bl
    call pm_now
    mov %eax, %edi
    call uip_edge
    RTC_READ 0x00
    mov %al, %bh
    call pm_now
    sub %edi, %eax
    and $0xffffff, %eax
    CHECK_RANGE %eax, (900*PM_MS), (1100*PM_MS), "UIP cycles not a second apart"
    /* BCD seconds + 1, wrapping 59 to 0 */
    mov %bl, %al
    add $1, %al
    daa
    cmp $0x60, %al
    jne 1f
    xor %al, %al
1:  cmp %al, %bh
    je 1f
    FAIL32 "seconds did not advance by one across an update"
1:  PUTS32 "PASS: RTC UIP precedes each update, one second apart\n"

    /* Binary mode by register B. */
    mov $0x0b, %al
    out %al, $0x70
    mov $0x06, %al
    out %al, $0x71
    RTC_READ 0x00
    CHECK_RANGE %al, 0, 59, "binary seconds"
    RTC_READ 0x32
    cmp $20, %al
    je 1f
    FAIL32 "binary century"
1:  PUTS32 "PASS: RTC binary mode\n"
    PUTS32 "Test result: PASS\n"
    jmp halt32

# Wait (at most ~1.1 s) for UIP to rise, then to fall: just after an update.
uip_edge:
    call pm_now
    mov %eax, %esi
1:  RTC_READ 0x0a
    test $0x80, %al
    jnz 2f
    call pm_now
    sub %esi, %eax
    and $0xffffff, %eax
    cmp $(1100 * PM_MS), %eax
    jb 1b
    jmp 3f
2:  RTC_READ 0x0a
    test $0x80, %al
    jnz 2b
    ret
3:  FAIL32 "UIP never set within a second"

pit_isr:
    push %eax
    incl ticks
    mov $0x20, %al
    out %al, $0x20
    pop %eax
    iret

    .data
    .align 4
ticks:
    .long 0

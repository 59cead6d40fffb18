# SPDX-License-Identifier: MIT
# HVM guest of hvm_uart, in real mode: checks the 16550 its device model
# (dom0) emulates (LSR, scratch register, divisor latch), reports through
# it, then resets itself through the keyboard controller (0xFE to 0x64).

    .set COM1, 0x3f8
    .set LSR_THRE, 0x20
    .set LSR_TEMT, 0x40

    .code16
    .section .text.entry, "ax"
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %sp

    # An idle transmitter shows THRE and TEMT.
    mov $COM1 + 5, %dx
    in %dx, %al
    and $LSR_THRE | LSR_TEMT, %al
    cmp $LSR_THRE | LSR_TEMT, %al
    jne fail_lsr

    # The scratch register keeps what is written, both patterns.
    mov $COM1 + 7, %dx
    mov $0x5a, %al
    out %al, %dx
    in %dx, %al
    cmp $0x5a, %al
    jne fail_scr
    mov $0xa5, %al
    out %al, %dx
    in %dx, %al
    cmp $0xa5, %al
    jne fail_scr

    # 115200 baud 8N1: divisor 1 behind DLAB, then the line settings.
    mov $COM1 + 3, %dx
    mov $0x80, %al
    out %al, %dx
    mov $COM1, %dx
    mov $0x01, %al
    out %al, %dx
    mov $COM1 + 1, %dx
    mov $0x00, %al
    out %al, %dx
    # Read back while DLAB is set: the latch, not RBR/IER.
    mov $COM1, %dx
    in %dx, %al
    cmp $0x01, %al
    jne fail_dll
    mov $COM1 + 1, %dx
    in %dx, %al
    cmp $0x00, %al
    jne fail_dll
    mov $COM1 + 3, %dx
    mov $0x03, %al
    out %al, %dx
    in %dx, %al
    cmp $0x03, %al
    jne fail_dll
    # With DLAB clear, offset 1 is IER again (written 0x05, 4 bits wide).
    mov $COM1 + 1, %dx
    mov $0xf5, %al
    out %al, %dx
    in %dx, %al
    cmp $0x05, %al
    jne fail_dll
    xor %al, %al
    out %al, %dx

    mov $msg_hello, %si
    call puts
    mov $msg_pass, %si
    call puts
    jmp reset

fail_lsr:
    mov $msg_lsr, %si
    jmp fail
fail_scr:
    mov $msg_scr, %si
    jmp fail
fail_dll:
    mov $msg_dll, %si
fail:
    call puts
reset:
    # The keyboard controller's pulse on the reset line.
    mov $0xfe, %al
    out %al, $0x64
1:  cli
    hlt
    jmp 1b

# Print the string at DS:SI, each byte once THR is free.
puts:
    lodsb
    test %al, %al
    jz 2f
    mov %al, %ah
    mov $COM1 + 5, %dx
1:  in %dx, %al
    test $LSR_THRE, %al
    jz 1b
    mov $COM1, %dx
    mov %ah, %al
    out %al, %dx
    jmp puts
2:  ret

    .section .rodata
msg_hello:
    .asciz "hvm_uart: LSR, scratch register and divisor latch as expected\r\n"
msg_pass:
    .asciz "Test result: PASS\r\n"
msg_lsr:
    .asciz "Test result: FAIL (LSR lacks THRE|TEMT)\r\n"
msg_scr:
    .asciz "Test result: FAIL (scratch register lost a value)\r\n"
msg_dll:
    .asciz "Test result: FAIL (divisor latch, LCR or IER read back wrong)\r\n"

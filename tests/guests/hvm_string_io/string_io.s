# SPDX-License-Identifier: MIT
# hvm_string_io's guest: INS/OUTS, with and without REP, emulated by the hypervisor in real and protected mode.
    .include "hvm.inc"
    .include "tests/guests/hvm_lapic_timer/hvm_irq.inc"

    .set BUF, 0x8ff8            # 16 bytes across the page boundary at 0x9000
    .set BIG, 3000              # more than one exit's worth of REP

    HVM_START16
    cld
    mov $msg16, %si
    mov $(msg16_end - msg16), %cx
    mov $0xe9, %dx
    rep outsb
    test %cx, %cx
    jz 1f
    PUTS16 "Test result: FAIL (16-bit REP OUTSB left CX)\n"
    jmp halt16
1:
    ENTER_PM32 pm32
    cld
    mov $msg32, %esi
    mov $(msg32_end - msg32), %ecx
    mov $0xe9, %dx
    rep outsb
    cmp $msg32_end, %esi
    je 1f
    FAIL32 "REP OUTSB left ESI short"
    /* A single OUTSB and an OUTSW with a segment override. */
1:  mov $msg_one, %esi
    outsb
    cs outsb
    mov $0xe9, %dx
    mov $nl, %esi
    outsb

    /* REP INSB from the PIC's mask register (0xA5 written) across a page. */
    mov $0xa5, %al
    out %al, $0x21
    mov $BUF, %edi
    mov $16, %ecx
    mov $0x21, %dx
    rep insb
    test %ecx, %ecx
    jnz 2f
    cmp $(BUF + 16), %edi
    jne 2f
    cmpl $0xa5a5a5a5, BUF
    jne 2f
    cmpl $0xa5a5a5a5, BUF + 12
    jne 2f
    cmpb $0, BUF + 16
    je 1f
2:  FAIL32 "REP INSB from port 0x21"
1:  PUTS32 "PASS: REP INSB across a page boundary\n"

    /* Backwards (DF set), 32-bit elements from a port nothing serves. */
    std
    mov $(BUF + 12), %edi
    mov $4, %ecx
    mov $0x2f0, %dx
    rep insl
    cld
    cmp $(BUF - 4), %edi
    jne 2f
    cmpl $0xffffffff, BUF
    jne 2f
    cmpl $0xffffffff, BUF + 12
    je 1f
2:  FAIL32 "REP INSL with DF set"
1:  PUTS32 "PASS: REP INSL backwards reads all ones from an unserved port\n"

    /* Zero count: nothing moves. */
    xor %ecx, %ecx
    mov $BUF, %edi
    movb $0x11, BUF
    mov $0x21, %dx
    rep insb
    cmpb $0x11, BUF
    jne 2f
    cmp $BUF, %edi
    je 1f
2:  FAIL32 "REP INSB with ECX 0 moved data"
1:
    /* Many iterations: the hypervisor resumes the REP where it stopped. */
    mov $0x1000, %esi
    mov $BIG, %ecx
    mov $0x21, %dx
    rep outsb
    test %ecx, %ecx
    jnz 2f
    cmp $(0x1000 + BIG), %esi
    je 1f
2:  FAIL32 "a long REP OUTSB did not finish"
1:  PUTS32 "PASS: a 3000-byte REP OUTSB completes\n"
    PUTS32 "Test result: PASS\n"
    jmp halt32

    .section .rodata
msg16:
    .ascii "hvm_string_io: REP OUTSB from real mode\n"
msg16_end:
msg32:
    .ascii "hvm_string_io: REP OUTSB from protected mode\n"
msg32_end:
msg_one:
    .ascii "ok"
nl:
    .ascii "\n"

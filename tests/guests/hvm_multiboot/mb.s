# SPDX-License-Identifier: MIT
# hvm_multiboot's kernel: an ELF32 multiboot v1 kernel checks what the HVM loader handed over.
    .set MB_MAGIC, 0x1badb002
    .set MB_FLAGS, 0x00000003          # page-aligned modules, memory info
    .set RAM, 16 << 20                 # bootcfg's default mem= for kind=hvm

    .macro PUTS s
    .pushsection .rodata
9999: .asciz "\s"
    .popsection
    mov $9999b, %esi
    call puts
    .endm

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .text
    .code32
    .globl _start
_start:
    mov $stack_top, %esp
    mov %eax, %edi                     # the loader's magic, before printing
    mov %ebx, %ebp                     # its information structure
    PUTS "hvm_multiboot: entered at _start\n"
    cmp $0x2badb002, %edi
    jne fail
    PUTS "PASS: EAX is the multiboot loader magic\n"
    /* 32-bit protected mode with flat segments, paging off. */
    mov %cr0, %eax
    test $1, %eax
    jz fail
    test $0x80000000, %eax
    jnz fail
    mov %cs, %ax
    cmp $0x10, %ax
    jne fail
    mov %ds, %ax
    cmp $0x18, %ax
    jne fail
    PUTS "PASS: protected mode, paging off, CS 0x10 DS 0x18\n"
    /* flags: memory (0), command line (2), modules (3), memory map (6). */
    mov (%ebp), %eax
    and $0x4d, %eax
    cmp $0x4d, %eax
    jne fail
    PUTS "PASS: flags give memory, cmdline, modules and the map\n"
    cmpl $639, 4(%ebp)                 # mem_lower: below the EBDA
    jne fail
    cmpl $(RAM - 0x100000) >> 10, 8(%ebp)
    jne fail
    PUTS "PASS: mem_lower 639 KiB, mem_upper 15 MiB\n"
    /* The command line, as the module string gave it. */
    mov 16(%ebp), %esi
    mov $want_cmdline, %edi
    mov $want_cmdline_end - want_cmdline, %ecx
    repe cmpsb
    jne fail
    PUTS "PASS: the command line is the module's\n"
    /* One module: the ramdisk, an ELF file, page aligned, past our end. */
    cmpl $1, 20(%ebp)
    jne fail
    mov 24(%ebp), %ebx
    mov (%ebx), %eax                   # mod_start
    test $0xfff, %eax
    jnz fail
    cmp $_end, %eax
    jb fail
    cmpl $0x464c457f, (%eax)
    jne fail
    mov 4(%ebx), %ecx                  # mod_end
    sub %eax, %ecx
    cmp $4096, %ecx
    jb fail
    cmpl $RAM, 4(%ebx)
    ja fail
    PUTS "PASS: one module, page aligned above the kernel, an ELF image\n"
    /* The map: its RAM adds up to all of RAM less the firmware's holes. */
    mov 48(%ebp), %esi                 # mmap_addr
    mov 44(%ebp), %ecx                 # mmap_length
    add %esi, %ecx
    xor %edx, %edx                     # RAM bytes seen (below 4 GiB)
    xor %ebx, %ebx                     # entries
1:  cmp %ecx, %esi
    jae 2f
    cmpl $1, 20(%esi)                  # type (after size, addr, len)
    jne 3f
    add 12(%esi), %edx                 # low half of len
3:  inc %ebx
    add (%esi), %esi
    add $4, %esi
    jmp 1b
2:  cmp $0x9fc00 + RAM - 0x100000, %edx
    jne fail
    cmp $4, %ebx
    jne fail
    PUTS "PASS: the memory map: 4 entries, RAM as configured\n"
    /* The BSS is zero, as loading an ELF must leave it. */
    mov $bss_start, %edi
    mov $(bss_end - bss_start) / 4, %ecx
    xor %eax, %eax
    repe scasl
    jne fail
    PUTS "PASS: the BSS is zero\n"
    PUTS "Test result: PASS\n"
    jmp halt
fail:
    PUTS "Test result: FAIL\n"
halt:
    cli
    hlt
    jmp halt

puts:
    lodsb
    test %al, %al
    jz 1f
    out %al, $0xe9
    jmp puts
1:  ret

    .section .rodata
want_cmdline:
    .asciz "one=1 two=zwei"
want_cmdline_end:

    .bss
    .align 16
bss_start:
    .skip 8192
bss_end:
    .skip 4096
stack_top:

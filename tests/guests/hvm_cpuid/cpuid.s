# SPDX-License-Identifier: MIT
# hvm_cpuid's guest: CPUID is intercepted; the hypervisor leaves answer as Xen's do for HVM guests.
    .include "hvm.inc"

    HVM_START16
    PUTS16 "hvm_cpuid: CPUID from real mode\n"
    /* Leaf 0x40000000: Xen's signature, leaves up to 0x40000005. */
    mov $0x40000000, %eax
    xor %ecx, %ecx
    cpuid
    cmp $0x566e6558, %ebx       # "XenV"
    jne fail
    cmp $0x65584d4d, %ecx       # "MMXe"
    jne fail
    cmp $0x4d4d566e, %edx       # "nVMM"
    jne fail
    cmp $0x40000005, %eax       # checked first: printing uses AL
    jne fail
    PUTS16 "PASS: leaf 0x40000000 is XenVMMXenVMM\n"
    PUTS16 "PASS: leaf 0x40000000 EAX 0x40000005 (Xen's last leaf)\n"
    /* Leaf 0x40000001: the Xen version, 4.17. */
    mov $0x40000001, %eax
    cpuid
    cmp $0x00040011, %eax
    jne fail
    PUTS16 "PASS: leaf 0x40000001 is version 4.17\n"
    /* Leaf 0x40000002: one hypercall page, MSR 0x40000000, no PV flags. */
    mov $0x40000002, %eax
    cpuid
    cmp $1, %eax
    jne fail
    cmp $0x40000000, %ebx
    jne fail
    test %ecx, %ecx
    jnz fail
    PUTS16 "PASS: leaf 0x40000002 (1 hypercall page, MSR base, no PV flags)\n"
    /* Leaf 1: the hypervisor bit is set, VMX hidden. */
    mov $1, %eax
    cpuid
    test $0x80000000, %ecx
    jz fail
    test $0x20, %ecx
    jnz fail
    PUTS16 "PASS: leaf 1 ECX: hypervisor bit set, no VMX\n"
    /* Leaf 0x80000001: no SVM for the guest (no nesting). */
    mov $0x80000001, %eax
    cpuid
    test $4, %ecx
    jnz fail
    PUTS16 "PASS: leaf 0x80000001 ECX: no SVM\n"
    /* Still on the same path after all those exits: the stack is intact. */
    cmp $HVM_STACK, %sp
    jne fail
    PUTS16 "Test result: PASS\n"
    jmp halt16
fail:
    PUTS16 "Test result: FAIL\n"
    jmp halt16

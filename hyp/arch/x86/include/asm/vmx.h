/* SPDX-License-Identifier: GPL-2.0-only */
/* Intel VT-x: capability MSRs, VMCS field encodings, control bits, exit reasons (SDM vol. 3C, appendices A-C). */
#ifndef ASM_VMX_H
#define ASM_VMX_H

#define CR4_VMXE (1UL << 13)

/* Capability and control MSRs (appendix A). */
#define MSR_FEATURE_CONTROL 0x3a
#define FEATURE_CONTROL_LOCK (1ULL << 0)
#define FEATURE_CONTROL_VMXON (1ULL << 2) /* outside SMX */
#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED_CTLS 0x481
#define MSR_VMX_PROCBASED_CTLS 0x482
#define MSR_VMX_EXIT_CTLS 0x483
#define MSR_VMX_ENTRY_CTLS 0x484
#define MSR_VMX_MISC 0x485
#define VMX_MISC_TIMER_SHIFT(m) ((m)&31) /* preemption timer: TSC >> this */
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_VMX_PROCBASED_CTLS2 0x48b
#define MSR_VMX_EPT_VPID_CAP 0x48c
#define MSR_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_VMX_TRUE_ENTRY_CTLS 0x490
#define VMX_BASIC_REVISION_MASK 0x7fffffffULL
#define VMX_BASIC_TRUE_CTLS (1ULL << 55)

/* IA32_VMX_EPT_VPID_CAP. */
#define EPT_CAP_WALK4 (1ULL << 6)
#define EPT_CAP_WB (1ULL << 14)
#define EPT_CAP_INVEPT (1ULL << 20)
#define EPT_CAP_INVEPT_SINGLE (1ULL << 25)
#define EPT_CAP_INVEPT_ALL (1ULL << 26)
#define VPID_CAP_INVVPID (1ULL << 32)
#define VPID_CAP_INVVPID_SINGLE (1ULL << 41)
#define VPID_CAP_INVVPID_ALL (1ULL << 42)

/* INVEPT / INVVPID types. */
#define INVEPT_SINGLE 1
#define INVEPT_ALL 2
#define INVVPID_SINGLE 1
#define INVVPID_ALL 2

/* Pin-based controls. */
#define PIN_EXT_INTR (1U << 0)
#define PIN_NMI (1U << 3)
#define PIN_PREEMPT_TIMER (1U << 6)
/* Primary processor-based controls. */
#define PROC_INTR_WINDOW (1U << 2)
#define PROC_HLT (1U << 7)
#define PROC_INVLPG (1U << 9)
#define PROC_MWAIT (1U << 10)
#define PROC_RDPMC (1U << 11)
#define PROC_CR3_LOAD (1U << 15)
#define PROC_CR3_STORE (1U << 16)
#define PROC_UNCOND_IO (1U << 24)
#define PROC_IO_BITMAPS (1U << 25)
#define PROC_MSR_BITMAPS (1U << 28)
#define PROC_MONITOR (1U << 29)
#define PROC_SECONDARY (1U << 31)
/* Secondary processor-based controls. */
#define PROC2_EPT (1U << 1)
#define PROC2_VPID (1U << 5)
#define PROC2_WBINVD (1U << 6)
#define PROC2_UNRESTRICTED (1U << 7)
/* VM-exit controls. */
#define EXIT_HOST_64 (1U << 9)
#define EXIT_SAVE_PAT (1U << 18)
#define EXIT_LOAD_PAT (1U << 19)
#define EXIT_SAVE_EFER (1U << 20)
#define EXIT_LOAD_EFER (1U << 21)
/* VM-entry controls. */
#define ENTRY_IA32E (1U << 9)
#define ENTRY_LOAD_PAT (1U << 14)
#define ENTRY_LOAD_EFER (1U << 15)

/*
 * VMCS field encodings (appendix B). An encoding is built from its width
 * (bits 14:13), its type (bits 11:10) and an index (bits 9:1); the asserts
 * below hold each named field to the width its accessor assumes.
 */
#define VMCS_W16 0
#define VMCS_W64 1
#define VMCS_W32 2
#define VMCS_WNAT 3
#define VMCS_WIDTH(f) (((f) >> 13) & 3)
#define VMCS_TYPE(f) (((f) >> 10) & 3)

/* 16-bit. */
#define VMCS_VPID 0x0000
#define VMCS_GUEST_ES_SEL 0x0800 /* ES CS SS DS FS GS LDTR TR, 2 apart */
#define VMCS_GUEST_CS_SEL 0x0802
#define VMCS_GUEST_SS_SEL 0x0804
#define VMCS_GUEST_DS_SEL 0x0806
#define VMCS_GUEST_FS_SEL 0x0808
#define VMCS_GUEST_GS_SEL 0x080a
#define VMCS_GUEST_LDTR_SEL 0x080c
#define VMCS_GUEST_TR_SEL 0x080e
#define VMCS_HOST_ES_SEL 0x0c00
#define VMCS_HOST_CS_SEL 0x0c02
#define VMCS_HOST_SS_SEL 0x0c04
#define VMCS_HOST_DS_SEL 0x0c06
#define VMCS_HOST_FS_SEL 0x0c08
#define VMCS_HOST_GS_SEL 0x0c0a
#define VMCS_HOST_TR_SEL 0x0c0c
/* 64-bit. */
#define VMCS_MSR_BITMAP 0x2004
#define VMCS_EXIT_MSR_STORE_ADDR 0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR 0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR 0x200a
#define VMCS_EPT_POINTER 0x201a
#define VMCS_GUEST_PHYS_ADDR 0x2400
#define VMCS_LINK_POINTER 0x2800
#define VMCS_GUEST_DEBUGCTL 0x2802
#define VMCS_GUEST_PAT 0x2804
#define VMCS_GUEST_EFER 0x2806
#define VMCS_HOST_PAT 0x2c00
#define VMCS_HOST_EFER 0x2c02
/* 32-bit. */
#define VMCS_PIN_CTLS 0x4000
#define VMCS_PROC_CTLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_CR3_TARGET_COUNT 0x400a
#define VMCS_EXIT_CTLS 0x400c
#define VMCS_EXIT_MSR_STORE_COUNT 0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CTLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_ENTRY_EXC_ERROR 0x4018
#define VMCS_ENTRY_INSN_LEN 0x401a
#define VMCS_PROC_CTLS2 0x401e
#define VMCS_INSN_ERROR 0x4400
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INTR_INFO 0x4404
#define VMCS_EXIT_INTR_ERROR 0x4406
#define VMCS_IDT_VEC_INFO 0x4408
#define VMCS_IDT_VEC_ERROR 0x440a
#define VMCS_EXIT_INSN_LEN 0x440c
#define VMCS_GUEST_ES_LIMIT 0x4800 /* then CS SS DS FS GS LDTR TR GDTR IDTR */
#define VMCS_GUEST_ES_AR 0x4814    /* then CS SS DS FS GS LDTR TR */
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY 0x4826
#define VMCS_GUEST_SYSENTER_CS 0x482a
#define VMCS_PREEMPT_TIMER 0x482e
#define VMCS_HOST_SYSENTER_CS 0x4c00
/* Natural width. */
#define VMCS_CR0_MASK 0x6000
#define VMCS_CR4_MASK 0x6002
#define VMCS_CR0_SHADOW 0x6004
#define VMCS_CR4_SHADOW 0x6006
#define VMCS_EXIT_QUAL 0x6400
#define VMCS_GUEST_LINEAR_ADDR 0x640a
#define VMCS_GUEST_CR0 0x6800
#define VMCS_GUEST_CR3 0x6802
#define VMCS_GUEST_CR4 0x6804
#define VMCS_GUEST_ES_BASE 0x6806 /* then CS SS DS FS GS LDTR TR GDTR IDTR */
#define VMCS_GUEST_DR7 0x681a
#define VMCS_GUEST_RSP 0x681c
#define VMCS_GUEST_RIP 0x681e
#define VMCS_GUEST_RFLAGS 0x6820
#define VMCS_GUEST_PENDING_DBG 0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
#define VMCS_HOST_CR0 0x6c00
#define VMCS_HOST_CR3 0x6c02
#define VMCS_HOST_CR4 0x6c04
#define VMCS_HOST_FS_BASE 0x6c06
#define VMCS_HOST_GS_BASE 0x6c08
#define VMCS_HOST_TR_BASE 0x6c0a
#define VMCS_HOST_GDTR_BASE 0x6c0c
#define VMCS_HOST_IDTR_BASE 0x6c0e
#define VMCS_HOST_SYSENTER_ESP 0x6c10
#define VMCS_HOST_SYSENTER_EIP 0x6c12
#define VMCS_HOST_RSP 0x6c14
#define VMCS_HOST_RIP 0x6c16

#ifndef __ASSEMBLY__
#include "types.h"

/* The guest segment registers in the order their fields come. */
enum vmx_seg { VS_ES, VS_CS, VS_SS, VS_DS, VS_FS, VS_GS, VS_LDTR, VS_TR };
#define VMCS_GUEST_SEL(s) (VMCS_GUEST_ES_SEL + 2 * (s))
#define VMCS_GUEST_LIMIT(s) (VMCS_GUEST_ES_LIMIT + 2 * (s))
#define VMCS_GUEST_AR(s) (VMCS_GUEST_ES_AR + 2 * (s))
#define VMCS_GUEST_BASE(s) (VMCS_GUEST_ES_BASE + 2 * (s))
#define VMCS_GUEST_GDTR_LIMIT VMCS_GUEST_LIMIT(8)
#define VMCS_GUEST_IDTR_LIMIT VMCS_GUEST_LIMIT(9)
#define VMCS_GUEST_GDTR_BASE VMCS_GUEST_BASE(8)
#define VMCS_GUEST_IDTR_BASE VMCS_GUEST_BASE(9)

_Static_assert(VMCS_WIDTH(VMCS_GUEST_TR_SEL) == VMCS_W16 &&
                   VMCS_WIDTH(VMCS_HOST_TR_SEL) == VMCS_W16,
               "16-bit VMCS fields");
_Static_assert(VMCS_WIDTH(VMCS_EPT_POINTER) == VMCS_W64 &&
                   VMCS_WIDTH(VMCS_GUEST_EFER) == VMCS_W64 &&
                   VMCS_WIDTH(VMCS_HOST_EFER) == VMCS_W64,
               "64-bit VMCS fields");
_Static_assert(VMCS_WIDTH(VMCS_EXIT_REASON) == VMCS_W32 &&
                   VMCS_WIDTH(VMCS_PREEMPT_TIMER) == VMCS_W32 &&
                   VMCS_WIDTH(VMCS_GUEST_AR(VS_TR)) == VMCS_W32 &&
                   VMCS_WIDTH(VMCS_GUEST_IDTR_LIMIT) == VMCS_W32,
               "32-bit VMCS fields");
_Static_assert(VMCS_WIDTH(VMCS_GUEST_IDTR_BASE) == VMCS_WNAT &&
                   VMCS_WIDTH(VMCS_HOST_RIP) == VMCS_WNAT,
               "natural-width VMCS fields");
/* Guest fields are type 2, host fields type 3, exit information type 1. */
_Static_assert(VMCS_TYPE(VMCS_GUEST_RIP) == 2 &&
                   VMCS_TYPE(VMCS_HOST_RIP) == 3 &&
                   VMCS_TYPE(VMCS_EXIT_QUAL) == 1 &&
                   VMCS_TYPE(VMCS_PROC_CTLS2) == 0,
               "VMCS field types");
/* The last of each segment group ends where the SDM's next field starts. */
_Static_assert(VMCS_GUEST_AR(VS_TR) + 2 == VMCS_GUEST_INTERRUPTIBILITY &&
                   VMCS_GUEST_IDTR_BASE + 2 == VMCS_GUEST_DR7 &&
                   VMCS_GUEST_IDTR_LIMIT + 2 == VMCS_GUEST_ES_AR,
               "VMCS guest segment fields");

#endif

/* Segment access rights as the VMCS holds them. */
#define VMX_AR_UNUSABLE (1U << 16)

/* Interruption information (exit, IDT vectoring, entry). */
#define INTR_INFO_VALID (1U << 31)
#define INTR_INFO_ERROR (1U << 11)
#define INTR_INFO_TYPE(i) (((i) >> 8) & 7)
#define INTR_TYPE_EXT 0
#define INTR_TYPE_NMI 2
#define INTR_TYPE_HW_EXC 3
#define INTR_TYPE_SW_INT 4
#define INTR_TYPE_PRIV_SW 5
#define INTR_TYPE_SW_EXC 6

/* Guest interruptibility state: STI and MOV SS blocking. */
#define INTERRUPTIBILITY_SHADOW 3U

/* Basic exit reasons (appendix C); bit 31 marks a failed VM entry. */
#define VMX_EXIT_FAILED_ENTRY (1U << 31)
#define VMX_EXIT_EXC_NMI 0
#define VMX_EXIT_EXT_INTR 1
#define VMX_EXIT_TRIPLE_FAULT 2
#define VMX_EXIT_INIT 3
#define VMX_EXIT_SIPI 4
#define VMX_EXIT_INTR_WINDOW 7
#define VMX_EXIT_TASK_SWITCH 9
#define VMX_EXIT_CPUID 10
#define VMX_EXIT_GETSEC 11
#define VMX_EXIT_HLT 12
#define VMX_EXIT_INVD 13
#define VMX_EXIT_VMCALL 18
#define VMX_EXIT_VMXON 27 /* 18-27: VMCALL to VMXON */
#define VMX_EXIT_CR_ACCESS 28
#define VMX_EXIT_IO 30
#define VMX_EXIT_RDMSR 31
#define VMX_EXIT_WRMSR 32
#define VMX_EXIT_INVALID_STATE 33
#define VMX_EXIT_MSR_LOADING 34
#define VMX_EXIT_MWAIT 36
#define VMX_EXIT_MONITOR 39
#define VMX_EXIT_MCE_ENTRY 41
#define VMX_EXIT_EPT_VIOLATION 48
#define VMX_EXIT_EPT_MISCONFIG 49
#define VMX_EXIT_PREEMPT_TIMER 52
#define VMX_EXIT_INVEPT 50
#define VMX_EXIT_INVVPID 53
#define VMX_EXIT_WBINVD 54
#define VMX_EXIT_VMFUNC 59

/* I/O exit qualification. */
#define VMX_IO_SIZE(q) (((q)&7) + 1)
#define VMX_IO_IN (1U << 3)
#define VMX_IO_STR (1U << 4)
#define VMX_IO_PORT(q) ((u16)((q) >> 16))

/* CR access exit qualification. */
#define VMX_CR_NUM(q) ((q)&15)
#define VMX_CR_TYPE(q) (((q) >> 4) & 3)
#define VMX_CR_GPR(q) (((q) >> 8) & 15)
#define VMX_CR_MOV_TO 0

/* EPT entries: read, write, execute; leaves carry the memory type. */
#define EPT_RWX 7ULL
#define EPT_MT_WB (6ULL << 3)
#define EPTP_WB 6ULL
#define EPTP_WALK4 (3ULL << 3)

#ifndef __ASSEMBLY__
/* One entry of a VM-entry/exit MSR list. */
struct vmx_msr_ent {
    u32 index;
    u32 rsvd;
    u64 data;
};
_Static_assert(sizeof(struct vmx_msr_ent) == 16, "VMX MSR list entry");

/* What vmx_detect chose for every VMCS (vmx/vmx_caps.c). */
struct vmx_conf {
    u32 revision; /* VMCS revision identifier, for VMXON and VMCS regions */
    u32 pin, proc, proc2, exit, entry;
    u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    u64 ept_vpid_cap;
    u32 preempt_ticks; /* the preemption timer's count for one guest run */
};
extern struct vmx_conf vmx_conf;
/* The preemption timer's period, once the TSC is calibrated. */
void vmx_timer_init(void);
#endif

#endif

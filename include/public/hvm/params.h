/* SPDX-License-Identifier: MIT */
/* HVM_PARAM_*: the per-domain values HVMOP_set_param/get_param index. */
#ifndef VESPER_PUBLIC_HVM_PARAMS_H
#define VESPER_PUBLIC_HVM_PARAMS_H

#include "hvm_op.h"

/*
 * Each HVM domain has HVM_NR_PARAMS 64-bit parameters, set by the
 * toolstack while building the domain and read by the guest (where its
 * xenstore ring is) or by device models (where the ioreq pages are). The
 * indexes are Xen's; a gap is a number Xen retired.
 */

/*
 * How vCPU 0's event-channel upcall is delivered. 0 means not at all;
 * otherwise bits 63:56 hold HVM_PARAM_CALLBACK_TYPE_* and the rest its
 * argument. A plain unsigned long is 64 bits on x86-64 and, unlike a
 * long long constant, is valid C89.
 */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK xen_mk_ulong(0xFF00000000000000)
/* bits 55:0 are a GSI, never 0 (that would read as "disabled"). */
#define HVM_PARAM_CALLBACK_TYPE_GSI 0
/* bits 47:32 PCI segment, 31:16 bus, 15:8 devfn, 1:0 INTx pin. */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1
/* bits 7:0 are an IDT vector (XENFEAT_hvm_callback_vector). */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2

/*
 * The xenstore ring's frame and event channel. The hypervisor only stores
 * them, for the guest's xenbus driver to find.
 */
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2

/* The default ioreq server's pages; reading either creates the server. */
#define HVM_PARAM_IOREQ_PFN 5
#define HVM_PARAM_BUFIOREQ_PFN 6

/* Hyper-V enlightenments offered to the guest: a set of HVMPV_* bits. */
#define HVM_PARAM_VIRIDIAN 9

#define _HVMPV_base_freq 0 /* base set plus the frequency MSRs */
#define HVMPV_base_freq (1 << _HVMPV_base_freq)
#define _HVMPV_no_freq 1 /* ...but without the frequency MSRs */
#define HVMPV_no_freq (1 << _HVMPV_no_freq)
#define _HVMPV_time_ref_count 2 /* partition reference counter MSR */
#define HVMPV_time_ref_count (1 << _HVMPV_time_ref_count)
#define _HVMPV_reference_tsc 3 /* reference TSC page */
#define HVMPV_reference_tsc (1 << _HVMPV_reference_tsc)
#define _HVMPV_hcall_remote_tlb_flush 4 /* remote TLB flush hypercall */
#define HVMPV_hcall_remote_tlb_flush (1 << _HVMPV_hcall_remote_tlb_flush)
#define _HVMPV_apic_assist 5 /* APIC assist page */
#define HVMPV_apic_assist (1 << _HVMPV_apic_assist)
#define _HVMPV_crash_ctl 6 /* crash notification MSRs */
#define HVMPV_crash_ctl (1 << _HVMPV_crash_ctl)
#define _HVMPV_synic 7 /* synthetic interrupt controller */
#define HVMPV_synic (1 << _HVMPV_synic)
#define _HVMPV_stimer 8 /* synthetic timers */
#define HVMPV_stimer (1 << _HVMPV_stimer)
#define _HVMPV_hcall_ipi 9 /* synthetic cluster IPI hypercall */
#define HVMPV_hcall_ipi (1 << _HVMPV_hcall_ipi)
#define _HVMPV_ex_processor_masks 10 /* sparse vCPU sets in hypercalls */
#define HVMPV_ex_processor_masks (1 << _HVMPV_ex_processor_masks)
#define _HVMPV_no_vp_limit 11 /* more than 64 virtual processors */
#define HVMPV_no_vp_limit (1 << _HVMPV_no_vp_limit)
#define _HVMPV_cpu_hotplug 12 /* vCPU hot-add */
#define HVMPV_cpu_hotplug (1 << _HVMPV_cpu_hotplug)

/* Every bit above; anything else in HVM_PARAM_VIRIDIAN is refused. */
#define HVMPV_feature_mask                                                    \
    (HVMPV_base_freq | HVMPV_no_freq | HVMPV_time_ref_count |                 \
     HVMPV_reference_tsc | HVMPV_hcall_remote_tlb_flush | HVMPV_apic_assist | \
     HVMPV_crash_ctl | HVMPV_synic | HVMPV_stimer | HVMPV_hcall_ipi |         \
     HVMPV_ex_processor_masks | HVMPV_no_vp_limit | HVMPV_cpu_hotplug)

/*
 * What a virtual timer does about ticks the guest missed while it was
 * not running (HVMPTM_*): deliver all of them late, with guest time
 * stepping through each or following real time; keep none; or fold them
 * into one late tick.
 */
#define HVM_PARAM_TIMER_MODE 10
#define HVMPTM_delay_for_missed_ticks 0    /* all, late; time steps */
#define HVMPTM_no_delay_for_missed_ticks 1 /* all, late; real time */
#define HVMPTM_no_missed_ticks_pending 2   /* none are kept */
#define HVMPTM_one_missed_tick_pending 3   /* one late tick for all */

#define HVM_PARAM_HPET_ENABLED 11 /* 0/1: emulate an HPET */

/*
 * Guest physical address of a 32-bit page directory of 4 MiB pages that
 * identity-maps the low 4 GiB. Intel EPT without unrestricted guest
 * cannot run a guest with paging off, so the hypervisor runs it paged
 * through this table instead.
 */
#define HVM_PARAM_IDENT_PT 12

#define HVM_PARAM_ACPI_S_STATE 14 /* current ACPI sleep state: 0 or 3 */

/*
 * Guest address of a TSS used to run real mode as virtual-8086 mode on
 * Intel CPUs without unrestricted guest. HVM_PARAM_VM86_TSS_SIZED
 * supersedes it: address in bits 31:0, size in bits 63:32.
 */
#define HVM_PARAM_VM86_TSS 15

#define HVM_PARAM_VPT_ALIGN 16 /* 0/1: align periodic timers' deadlines */

/* The guest's PV console ring frame and event channel, stored only. */
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18

/* Which ACPI I/O port layout, 0 or 1, as ACPI_*_V0/_V1 in ioreq.h. */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19

/* Guest frames of the vm_event rings: paging, monitor, sharing. */
#define HVM_PARAM_PAGING_RING_PFN 27
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_PARAM_SHARING_RING_PFN 29

/* The SHUTDOWN_* reason a triple fault shuts the domain down with. */
#define HVM_PARAM_TRIPLE_FAULT_REASON 31

/* Guest frames set aside for ioreq servers' pages: first and count. */
#define HVM_PARAM_IOREQ_SERVER_PFN 32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES 33

/* Guest physical address of the VM Generation ID (for Windows guests). */
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34

/* Who may use the alternate p2m views: XEN_ALTP2M_*. */
#define HVM_PARAM_ALTP2M 35
#define XEN_ALTP2M_disabled 0 /* nobody */
#define XEN_ALTP2M_mixed 1    /* the guest and external tools */
#define XEN_ALTP2M_external 2 /* external tools only */
#define XEN_ALTP2M_limited 3  /* the guest only through VMFUNC and #VE */

/*
 * How the x87 FIP/FDP registers are saved and restored: 8 as 64-bit
 * values with FCS/FDS cleared (the default on CPUs that no longer save
 * FCS/FDS), 4 as 32-bit values with FCS/FDS, 0 as the hypervisor sees
 * fit at each save (the default elsewhere).
 */
#define HVM_PARAM_X87_FIP_WIDTH 36

#define HVM_PARAM_VM86_TSS_SIZED 37 /* see HVM_PARAM_VM86_TSS */

/* Machine-check features offered: XEN_HVM_MCA_CAP_*. */
#define HVM_PARAM_MCA_CAP 38
#define XEN_HVM_MCA_CAP_LMCE (xen_mk_ulong(1) << 0) /* local machine checks */
#define XEN_HVM_MCA_CAP_MASK XEN_HVM_MCA_CAP_LMCE

/*
 * Numbers Xen 4.17 still defines for its toolstack but gives no meaning
 * to any more (the mem-event ones went to vm_event, nested HVM to a
 * createdomain flag), except BUFIOREQ_EVTCHN, which still reports the
 * default ioreq server's buffered event channel. The others are kept so
 * that old toolstack code still compiles.
 */
#define HVM_PARAM_PAE_ENABLED 4
#define HVM_PARAM_DM_DOMAIN 13
#define HVM_PARAM_MEMORY_EVENT_CR0 20
#define HVM_PARAM_MEMORY_EVENT_CR3 21
#define HVM_PARAM_MEMORY_EVENT_CR4 22
#define HVM_PARAM_MEMORY_EVENT_INT3 23
#define HVM_PARAM_NESTEDHVM 24
#define HVM_PARAM_MEMORY_EVENT_SINGLE_STEP 25
#define HVM_PARAM_BUFIOREQ_EVTCHN 26
#define HVM_PARAM_MEMORY_EVENT_MSR 30

/* One more than the highest index; a domain's parameter array size. */
#define HVM_NR_PARAMS 39

#endif /* VESPER_PUBLIC_HVM_PARAMS_H */

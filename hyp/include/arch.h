/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between common code and the architecture: every hook that
 * the C files of hyp/ and hyp/hypercall/ may call. Only arch code includes <asm/...>
 * headers beyond the ones listed here.
 */
#ifndef VESPER_ARCH_H
#define VESPER_ARCH_H

#include "types.h"
#include "asm/page.h"

struct domain;
struct page_info;
struct vcpu;

/* Console: write bytes to the hypervisor console; read one, or -1. */
void arch_console_write(const char *s, size_t n);
int arch_console_getc(void);

/*
 * End the machine. code: 0 poweroff, 1 reboot, 3 crash (SHUTDOWN_*), or
 * ARCH_EXIT_PANIC. Under QEMU with isa-debug-exit this becomes the exit
 * status ((0x10 + code) << 1) | 1.
 */
#define ARCH_EXIT_PANIC 0xf
__attribute__((noreturn)) void arch_machine_exit(unsigned int code);

/* Monotonic time since boot in nanoseconds (TSC based). */
u64 arch_now_ns(void);
/* The pvclock scale behind arch_now_ns(): ns = scale(tsc - epoch). */
void arch_time_scale(u64 *tsc_epoch, u32 *mul, s8 *shift);
/* Wall-clock seconds since 1970 now (from the RTC). */
u64 arch_wallclock_sec(void);

/* Idle the physical CPU until an interrupt. */
void arch_idle(void);
/* Interrupt this CPU at deadline (arch_now_ns() time); 0 = no deadline. */
void arch_timer_program(u64 deadline);
/* Take v's state off this CPU (it stops being current there). */
void arch_save_vcpu(struct vcpu *v);

/* Per-vCPU and per-domain arch setup and teardown. */
int arch_vcpu_init(struct vcpu *v);
int arch_domain_init(struct domain *d);
void arch_domain_destroy(struct domain *d);

/* Load v's state onto this CPU and return to it; never returns. */
__attribute__((noreturn)) void arch_run_vcpu(struct vcpu *v);

/* The vCPU running on this CPU, and its domain. */
struct vcpu *current_vcpu(void);
struct domain *current_domain(void);

/* Frame ownership for PV memory (the refcount model lives in arch). */
void arch_page_assign(struct page_info *pg, struct domain *d);
/* Drop the allocation reference; false if the frame was not allocated. */
bool arch_page_release(struct page_info *pg);
/*
 * A transient general reference on d's frame, as the guest may take one:
 * false for a frame d does not own, a free one, or a page of Vesper's d
 * gave up.
 */
bool arch_get_page(struct page_info *pg, struct domain *d);
void arch_put_page(struct page_info *pg);
void arch_m2p_set(mfn_t mfn, u64 pfn);
/*
 * Xen's steal_page: take d's frame from it if only its allocation holds it
 * (owner cleared, off d's page list, no references; tot_pages untouched);
 * false and no change otherwise. arch_page_assign gives it back.
 */
bool arch_page_steal(struct page_info *pg, struct domain *d);
/* Flush every TLB that may hold d's translations (frames it gave up). */
void arch_flush_domain_tlbs(struct domain *d);
/* The n-th 2 MiB chunk of the M2P table, as an MFN; false past the end. */
bool arch_m2p_chunk(unsigned int n, u64 *mfn);

/* Map a frame of d's for hypervisor use, holding a writable-type reference; NULL if d may not. */
void *arch_map_guest_frame(struct domain *d, u64 gfn, struct page_info **pg);
void arch_unmap_guest_frame(struct page_info *pg);

/* The CPU's physical address width in bits (CPUID 0x80000008). */
unsigned int arch_paddr_bits(void);
/* The CPU clock (TSC) in kHz. */
u64 arch_cpu_khz(void);
/*
 * The boot CPU's feature words in Xen's featureset order (1 EDX, 1 ECX,
 * 0x80000001 EDX and ECX, 0xd:1 EAX, 7:0 EBX and ECX, 0x80000007 EDX);
 * fills n of them.
 */
void arch_cpu_words(u32 *w, unsigned int n);
/* XEN_SYSCTL_PHYSCAP_hvm and _hap when HVM guests can run (physinfo). */
u32 arch_hvm_physcaps(void);

/* XEN_DOMCTL_hypercall_init: write a hypercall page into d's frame. */
long arch_hypercall_init(struct domain *d, u64 gfn);

/* Highest machine frame number. */
u64 arch_max_mfn(void);
/* Entry i of the boot loader's memory map; false past the end. */
bool arch_boot_mmap(unsigned int i, u64 *addr, u64 *len, u32 *type);
/*
 * The MMIO frames the privileged domain may not map (Vesper's LAPIC and
 * IOAPIC, the MSI window), as sorted [first, last] frame ranges; returns
 * how many (at most max). *limit: first frame past the physical width.
 */
unsigned int arch_io_denied(u64 (*r)[2], unsigned int max, u64 *limit);
/*
 * Of those, the ones the privileged domain may map read-only (Xen's
 * mmio_ro_ranges: the IOAPIC page); returns how many (at most max).
 */
unsigned int arch_io_readonly(u64 (*r)[2], unsigned int max);
/* The guest-visible M2P window (XENMEM_machphys_mapping). */
void arch_machphys_mapping(u64 *v_start, u64 *v_end, u64 *max_mfn);

struct vcpu_guest_context;
/* VCPUOP_initialise: load a stopped vCPU's context (0 or -errno). */
int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *g);
/* The context of a vCPU off its CPU, as XEN_DOMCTL_getvcpucontext gives. */
void arch_get_vcpu_context(const struct vcpu *v, struct vcpu_guest_context *g);
/* Drop a stopped vCPU's context (tables, GDT, LDT, registers): reset. */
void arch_vcpu_reset(struct vcpu *v);

/* The local APIC and ACPI processor ids of an online CPU (or -EINVAL). */
int arch_cpu_physid(unsigned int cpu, u32 *apic_id, u32 *acpi_id);

/*
 * multicall's arch hooks: HYPERVISOR_iret as a batch entry (performed on
 * the multicall's own guest frame; returns what the guest's rax becomes),
 * and taking a sub-call's continuation, which inside a batch goes back
 * into the guest's entry instead of its registers (true if there was one;
 * *op and args[0..4] get the call to re-issue, and it is cleared).
 */
long arch_multicall_iret(void);
bool arch_take_continuation(u64 *op, u64 args[5]);
void arch_cancel_continuation(void);

/* Print the current stack trace (used by panic). */
void arch_dump_stack(void);

#endif

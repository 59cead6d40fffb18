/* SPDX-License-Identifier: GPL-2.0-only */
/* Vesper's x86-64 virtual memory layout; see docs/architecture.md. */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

/*
 * 64-bit PV guests own every L4 slot except 256-271
 * (0xffff800000000000-0xffff87ffffffffff), which Xen's ABI reserves for the
 * hypervisor. Vesper uses:
 *   slot 256  0xffff800000000000  read-only machine-to-phys table (guest-visible)
 *   slot 257  0xffff808000000000  per-CPU and other hypervisor mappings
 *   slot 262  0xffff830000000000  direct map of all machine memory; the
 *                                 hypervisor image is linked inside it at
 *                                 its load address (1 MiB)
 * Slots are copied into every guest L4 so the hypervisor keeps running on
 * the guest's page tables; all of them are supervisor-only except 256.
 */
#define L4_SLOT_SHIFT 39
#define HYP_FIRST_SLOT 256
#define HYP_LAST_SLOT 271
#define M2P_SLOT 256
#define DIRECTMAP_SLOT 262

/* Literal addresses: usable from C, assembly and the linker script. */
#define M2P_VIRT_START 0xffff800000000000
#define M2P_VIRT_END (M2P_VIRT_START + 0x4000000000) /* 256 GiB of MFNs */
#define DIRECTMAP_VIRT_START 0xffff830000000000
#define DIRECTMAP_SIZE (5 * 0x8000000000) /* slots 262-266 */

#define HYP_LOAD_PADDR 0x100000
#define HYP_VIRT_START (DIRECTMAP_VIRT_START + HYP_LOAD_PADDR)

/* Per-CPU block: 64 KiB aligned, found from any of its stacks in O(1). */
#define PCPU_BLOCK_ORDER 4
#define PCPU_BLOCK_SIZE (4096 << PCPU_BLOCK_ORDER)
#define PCPU_STACK_SIZE 0x8000  /* main stack; struct cpu_info at its top */
#define PCPU_STUB_OFFSET 0x8000 /* syscall entry stub page */
#define PCPU_IST_OFFSET 0x9000  /* 3 IST stacks of 8 KiB: #DF, NMI, #MC */
#define PCPU_IST_SIZE 0x2000
#define PCPU_SCRATCH_OFFSET 0xf000           /* syscall stub's writable page */
#define PERCPU_VIRT_START 0xffff808000000000 /* slot 257: per-CPU stubs */

#define GUEST_GDT_ENTRIES 7168 /* 14 pages of guest descriptors */
#define GUEST_GDT_PAGES 14
/*
 * Each CPU's GDT is a 16-page window in slot 257: pages 0-13 show the
 * running vCPU's descriptor frames (set_gdt) or a zero page, page 14 holds
 * Vesper's own descriptors (selectors 0xe000-0xe05f).
 */
#define GDT_VIRT_START (PERCPU_VIRT_START + 0x40000000)
#define GDT_VIRT(cpu) (GDT_VIRT_START + (u64)(cpu)*0x10000)
/* The running vCPU's LDT frames (MMUEXT_SET_LDT), 16 pages per CPU. */
#define LDT_VIRT_START (PERCPU_VIRT_START + 0x80000000)
#define LDT_VIRT(cpu) (LDT_VIRT_START + (u64)(cpu)*0x10000)
#define LDT_MAX_ENTS 8192
#define HYP_LDT 0xe050
#define HYP_GDT_BYTES 0xe060

/* Hypervisor selectors, in the reserved GDT page (Xen's values). */
#define HYP_CS 0xe008
#define HYP_DS 0xe010
#define HYP_TSS 0xe040
#define FLAT_RING3_CS32_VAL 0xe023
#define FLAT_RING3_SS64_VAL 0xe02b
#define FLAT_RING3_CS64_VAL 0xe033

#endif

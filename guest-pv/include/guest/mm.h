/* SPDX-License-Identifier: MIT */
/* Page-table helpers for MMU tests: P2M/M2P, walks, spare pages, trees. */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <guest/guest.h>

/*
 * Nothing here runs unless a test calls it: mm_init() first (it finds the
 * initial mapping and the spare pages in it), then any of the rest.
 *
 * Addresses: the builder maps pseudo-physical frame 0 at MM_VIRT_BASE
 * (guest.lds, the VIRT_BASE note), and the start-of-day region is mapped
 * contiguously from there. "pfn" is a pseudo-physical frame, "mfn" a
 * machine frame, "maddr" a machine address.
 */
#define MM_PAGE_SHIFT 12
#define MM_PAGE_SIZE 4096UL
#define MM_VIRT_BASE 0xffffffff80000000UL

/* PTE bits (all levels unless noted). */
#define PTE_P 0x001ULL
#define PTE_RW 0x002ULL
#define PTE_US 0x004ULL
#define PTE_PWT 0x008ULL
#define PTE_PCD 0x010ULL
#define PTE_A 0x020ULL
#define PTE_D 0x040ULL
#define PTE_PSE 0x080ULL /* L2/L3; PAT in an L1 entry */
#define PTE_PAT 0x080ULL
#define PTE_G 0x100ULL
#define PTE_AVAIL0 0x200ULL
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
/* Set by Xen (not the guest) in kernel-mode L1 entries of 64-bit PV. */
#define PTE_XEN_GUEST_KERNEL (1ULL << 52)

/* A kernel data mapping, and an intermediate table entry. */
#define PTE_KDATA (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PTE_TABLE (PTE_P | PTE_RW | PTE_US | PTE_A)

#define PTE_MFN(e) (((e)&PTE_ADDR_MASK) >> MM_PAGE_SHIFT)
#define MFN_PTE(mfn, flags) (((uint64_t)(mfn) << MM_PAGE_SHIFT) | (flags))

/* Index of va in the table at level (1 = L1 ... 4 = L4). */
static inline unsigned int mm_index(unsigned long va, int level)
{
    return (va >> (MM_PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/* The read-only M2P every PV L4 maps at MACH2PHYS_VIRT_START. */
#define MM_M2P ((const volatile unsigned long *)MACH2PHYS_VIRT_START)
#define MM_M2P_INVALID (~0UL)

/* Translations. pfn_to_mfn uses our P2M (start_info->mfn_list). */
unsigned long mm_pfn_to_mfn(unsigned long pfn);
unsigned long mm_mfn_to_pfn(unsigned long mfn); /* M2P; only our frames */
void *mm_pfn_to_virt(unsigned long pfn);
unsigned long mm_virt_to_pfn(const void *va);
unsigned long mm_virt_to_mfn(const void *va);
/* Machine address of the byte at va (which must be in our image/region). */
uint64_t mm_virt_to_maddr(const void *va);

/*
 * Walk the tables rooted at the current L4 (mm_cur_l4, initially
 * start_info->pt_base). Returns a pointer (through the read-only mapping
 * of the table) to the level-`level` entry for va, or NULL if an upper
 * entry is not present or a table is outside our mapped region.
 */
extern uint64_t *mm_cur_l4;
volatile uint64_t *mm_pte_ptr(unsigned long va, int level);
/* The entry's value (0 when the walk fails) and its machine address. */
uint64_t mm_read_pte(unsigned long va, int level);
uint64_t mm_pte_maddr(unsigned long va, int level);
/* The table an entry points at, as a pointer into our region (or NULL). */
uint64_t *mm_table_of(uint64_t entry);

/* Filled by mm_init(). */
extern unsigned long mm_mapped_end_pfn;  /* first pfn not mapped at boot */
extern unsigned long mm_spare_first_pfn; /* first spare (unused) pfn */

/* Find the mapped region and the spare pages; prints a summary. */
void mm_init(void);

/*
 * Spare pages: mapped writable in the start-of-day region and used by
 * nothing else. mm_alloc_page() zeroes the page; NULL when none are left.
 */
void *mm_alloc_page(void);
void mm_free_page(void *page);
unsigned long mm_free_pages(void);

/* Hypercall wrappers; each prints the call and the error when rc != 0. */
long mm_update_va(unsigned long va, uint64_t pte, unsigned long flags);
long mm_mmu_update1(uint64_t ptr, uint64_t val);
long mm_mmuext(unsigned int cmd, unsigned long arg1, unsigned long arg2);
long mm_pin(int level, unsigned long mfn);
long mm_unpin(unsigned long mfn);
long mm_new_baseptr(unsigned long mfn); /* also updates mm_cur_l4 if known */
long mm_invlpg(unsigned long va);
long mm_flush_tlb(void);
/* XENMEM_current_reservation of DOMID_SELF. */
long mm_current_reservation(void);
/* decrease_reservation of one frame (a machine frame for PV). */
long mm_decrease_one(unsigned long mfn);

/* Remap one of our own pages (by its region address) RO or RW. */
long mm_set_ro(const void *va);
long mm_set_rw(const void *va);

/*
 * Guarded accesses: 0 on success, -1 if they raised #PF (mm_last_fault
 * then says where and why). mm_probe_cmpxchg64 returns 1 when the value
 * did not match. The #PF handler is installed by mm_init().
 */
struct mm_fault {
    unsigned long count;
    uint64_t cr2, error_code, rip;
};
extern volatile struct mm_fault mm_last_fault;
long mm_probe_read64(const volatile void *p, uint64_t *out);
long mm_probe_write64(volatile void *p, uint64_t val);
long mm_probe_xchg64(volatile void *p, uint64_t val, uint64_t *old);
long mm_probe_cmpxchg64(volatile void *p, uint64_t old, uint64_t val);
long mm_probe_andb(volatile void *p, uint8_t mask);
long mm_probe_orb(volatile void *p, uint8_t mask);
long mm_probe_ds_andb(volatile void *p, uint8_t mask);

/*
 * A page-table tree built from spare pages: add mappings while it is
 * writable, seal (remap every table read-only), pin the root, use it,
 * then unpin, unseal and free. Intermediate entries are PTE_TABLE.
 */
#define MM_TREE_MAX 32
struct mm_tree {
    uint64_t *l4;
    unsigned int nr;
    uint64_t *table[MM_TREE_MAX]; /* table[0] is l4 */
    int level[MM_TREE_MAX];
    int sealed;
};

long mm_tree_init(struct mm_tree *t);
/* Map va -> pte, allocating tables below the L4 as needed. */
long mm_tree_map(struct mm_tree *t, unsigned long va, uint64_t pte);
/* The tree's entry for va at level, or NULL. */
uint64_t *mm_tree_entry(struct mm_tree *t, unsigned long va, int level);
/* Copy the current L4's present guest entries in slots 272..511. */
void mm_tree_copy_kernel(struct mm_tree *t);
long mm_tree_seal(struct mm_tree *t);
long mm_tree_unseal(struct mm_tree *t);
void mm_tree_free(struct mm_tree *t); /* unseals first if needed */
unsigned long mm_tree_l4_mfn(const struct mm_tree *t);

/* Small conveniences shared by the MMU tests. */
/* A present kernel (US=0) L1 entry as Xen stores it: US + bit 52 added. */
uint64_t mm_kadj(uint64_t pte);
/* Read a qword; MM_PEEK_FAULTED if that raised #PF. */
#define MM_PEEK_FAULTED 0xfa017fa017fa017ULL
uint64_t mm_peek(unsigned long va);
/* One frame of the M2P table (owned by the hypervisor, not us); 0 if none. */
unsigned long mm_xen_frame(void);

#endif /* GUEST_MM_H */

/* SPDX-License-Identifier: MIT */
/* Feature bits reported by XENVER_get_features and named in ELF notes. */
#ifndef VESPER_PUBLIC_FEATURES_H
#define VESPER_PUBLIC_FEATURES_H

/*
 * Bit numbers within the feature bitmap. Submap n of XENVER_get_features
 * holds bits 32n..32n+31; XENFEAT_NR_SUBMAPS submaps exist. A kernel
 * lists the ones it supports or requires in XEN_ELFNOTE_FEATURES.
 */
#define XENFEAT_writable_page_tables 0       /* PTE writes are emulated */
#define XENFEAT_writable_descriptor_tables 1 /* GDT/LDT writes are emulated */
#define XENFEAT_auto_translated_physmap 2    /* guest sees PFNs, not MFNs */
#define XENFEAT_supervisor_mode_kernel 3     /* kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb 4        /* 32-bit PAE only */
#define XENFEAT_mmu_pt_update_preserve_ad 5  /* MMU_PT_UPDATE_PRESERVE_AD ok */
#define XENFEAT_highmem_assist 6             /* 32-bit only */
#define XENFEAT_gnttab_map_avail_bits 7      /* grant maps keep avail bits */
#define XENFEAT_hvm_callback_vector 8        /* HVM only */
#define XENFEAT_hvm_safe_pvclock 9           /* HVM only */
#define XENFEAT_hvm_pirqs 10                 /* HVM only */
#define XENFEAT_dom0 11                      /* may boot as control domain */
#define XENFEAT_grant_map_identity 12        /* ARM only */
#define XENFEAT_memory_op_vnode_supported 13 /* XENMEMF_vnode understood */
#define XENFEAT_ARM_SMCCC_supported 14       /* ARM only */
#define XENFEAT_linux_rsdp_unrestricted 15   /* PVH only */
#define XENFEAT_not_direct_mapped 16         /* ARM only */
#define XENFEAT_direct_mapped 17             /* ARM only */

#define XENFEAT_NR_SUBMAPS 1

#endif /* VESPER_PUBLIC_FEATURES_H */

/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_memory_op: reservations, the M2P mapping and memory maps. */
#ifndef VESPER_PUBLIC_MEMORY_H
#define VESPER_PUBLIC_MEMORY_H

#include "vesper.h"

/*
 * HYPERVISOR_memory_op(cmd, arg). Commands that take a struct name it
 * below; the reservation queries take a pointer to a domid_t and return
 * a page count.
 */
#define XENMEM_increase_reservation 0 /* xen_memory_reservation */
#define XENMEM_decrease_reservation 1 /* xen_memory_reservation */
#define XENMEM_maximum_ram_page 2     /* none: highest machine frame */
#define XENMEM_current_reservation 3  /* domid_t */
#define XENMEM_maximum_reservation 4  /* domid_t */
#define XENMEM_machphys_mfn_list 5    /* xen_machphys_mfn_list */
#define XENMEM_populate_physmap 6     /* xen_memory_reservation */
#define XENMEM_add_to_physmap 7       /* xen_add_to_physmap */
#define XENMEM_memory_map 9           /* xen_memory_map: the domain's */
#define XENMEM_machine_memory_map 10  /* xen_memory_map: the host's */
#define XENMEM_exchange 11            /* xen_memory_exchange */
#define XENMEM_machphys_mapping 12    /* xen_machphys_mapping (out) */
#define XENMEM_set_memory_map 13      /* xen_foreign_memory_map */
#define XENMEM_maximum_gpfn 14        /* domid_t */
#define XENMEM_remove_from_physmap 15 /* xen_remove_from_physmap */
#define XENMEM_set_pod_target 16
#define XENMEM_get_pod_target 17
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_claim_pages 24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo 26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource 28

/*
 * xen_memory_reservation.mem_flags: the low byte limits the address width
 * of allocated frames (0 = no limit); the next byte is a NUMA node + 1.
 */
#define XENMEMF_address_bits(x) (x)
#define XENMEMF_get_address_bits(x) ((x)&0xffu)
#define XENMEMF_node(x) (((x) + 1) << 8)
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode (1 << 18)

/* xen_add_to_physmap.space */
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5
#define XENMAPIDX_grant_table_status 0x80000000

/*
 * XENMEM_memory_map fills buffer with E820-style entries, packed with no
 * padding: u64 address, u64 size, u32 type (E820 RAM = 1, reserved = 2).
 * Packed layout cannot be written portably in C89, hence only its size.
 */
#define VESPER_E820_ENTRY_SIZE 20

#ifndef __ASSEMBLY__

/*
 * Increase, decrease or populate a reservation: extent_start lists
 * nr_extents frames (each 2^extent_order pages) to release, or receives
 * the frames allocated. Returns the number of extents processed.
 */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags; /* XENMEMF_* */
    domid_t domid;      /* DOMID_SELF unless privileged */
    uint16_t _pad0[3];
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

/* Trade the in frames for newly allocated out frames, atomically. */
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged; /* in/out: progress, for continuations */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;

struct xen_memory_domain {
    domid_t domid;
};

/* Machine frames that back the M2P table, for mapping it elsewhere. */
struct xen_machphys_mfn_list {
    uint32_t max_extents; /* in: room in extent_start */
    uint32_t _pad0;
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* out: one frame per 2 MiB */
    uint32_t nr_extents;                      /* out */
    uint32_t _pad1;
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;

/* Where the read-only M2P table is mapped, and how far it reaches. */
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end; /* virtual range */
    xen_ulong_t max_mfn;        /* highest frame it covers */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;  /* pages, for XENMAPSPACE_gmfn_range */
    uint32_t space; /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_pfn_t gpfn; /* where it should appear */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

struct xen_remove_from_physmap {
    domid_t domid;
    uint16_t _pad0[3];
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;

/* size frames at once; errs[i] gets each one's result. */
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space; /* XENMAPSPACE_* */
    uint16_t size;
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid; /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;         /* 0 for the other spaces */
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;

/* nr_entries is in: room in buffer, out: entries written. */
struct xen_memory_map {
    uint32_t nr_entries;
    uint32_t _pad0;
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;

struct xen_foreign_memory_map {
    domid_t domid;
    uint16_t _pad0[3];
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;

/*
 * XENMEM_acquire_resource: the frames of another domain's resource, for
 * a caller the resource's domain allows (a device model: the control
 * domain). A PV caller gets their MFNs in frame_list and maps them with
 * mmu_update naming domid as the page owner. A null frame_list with
 * nr_frames 0 asks for the resource's size (written to nr_frames).
 * frame and frame + nr_frames must stay below 2^32; pad must be 0.
 */
struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type; /* XENMEM_resource_* */
    uint32_t id;   /* ioreq_server: the server's id */
    uint32_t nr_frames;
    uint32_t pad;
    uint64_t frame; /* the first frame wanted */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;

#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table 1
#define XENMEM_resource_vmtrace_buf 2
/* ioreq_server frames: the buffered ring, then the synchronous page(s). */
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1

VESPER_ABI_SIZE(xen_memory_reservation, 32);
VESPER_ABI_OFFSET(xen_memory_reservation, extent_start, 0);
VESPER_ABI_OFFSET(xen_memory_reservation, nr_extents, 8);
VESPER_ABI_OFFSET(xen_memory_reservation, extent_order, 16);
VESPER_ABI_OFFSET(xen_memory_reservation, mem_flags, 20);
VESPER_ABI_OFFSET(xen_memory_reservation, domid, 24);
VESPER_ABI_SIZE(xen_memory_exchange, 72);
VESPER_ABI_OFFSET(xen_memory_exchange, out, 32);
VESPER_ABI_OFFSET(xen_memory_exchange, nr_exchanged, 64);
VESPER_ABI_SIZE(xen_memory_domain, 2);
VESPER_ABI_SIZE(xen_machphys_mfn_list, 24);
VESPER_ABI_OFFSET(xen_machphys_mfn_list, extent_start, 8);
VESPER_ABI_OFFSET(xen_machphys_mfn_list, nr_extents, 16);
VESPER_ABI_SIZE(xen_machphys_mapping, 24);
VESPER_ABI_OFFSET(xen_machphys_mapping, v_end, 8);
VESPER_ABI_OFFSET(xen_machphys_mapping, max_mfn, 16);
VESPER_ABI_SIZE(xen_add_to_physmap, 24);
VESPER_ABI_OFFSET(xen_add_to_physmap, size, 2);
VESPER_ABI_OFFSET(xen_add_to_physmap, space, 4);
VESPER_ABI_OFFSET(xen_add_to_physmap, idx, 8);
VESPER_ABI_OFFSET(xen_add_to_physmap, gpfn, 16);
VESPER_ABI_SIZE(xen_remove_from_physmap, 16);
VESPER_ABI_OFFSET(xen_remove_from_physmap, gpfn, 8);
VESPER_ABI_SIZE(xen_add_to_physmap_batch, 32);
VESPER_ABI_OFFSET(xen_add_to_physmap_batch, size, 4);
VESPER_ABI_OFFSET(xen_add_to_physmap_batch, u, 6);
VESPER_ABI_OFFSET(xen_add_to_physmap_batch, idxs, 8);
VESPER_ABI_OFFSET(xen_add_to_physmap_batch, gpfns, 16);
VESPER_ABI_OFFSET(xen_add_to_physmap_batch, errs, 24);
VESPER_ABI_SIZE(xen_memory_map, 16);
VESPER_ABI_OFFSET(xen_memory_map, buffer, 8);
VESPER_ABI_SIZE(xen_foreign_memory_map, 24);
VESPER_ABI_OFFSET(xen_foreign_memory_map, map, 8);
VESPER_ABI_SIZE(xen_mem_acquire_resource, 32);
VESPER_ABI_OFFSET(xen_mem_acquire_resource, type, 2);
VESPER_ABI_OFFSET(xen_mem_acquire_resource, id, 4);
VESPER_ABI_OFFSET(xen_mem_acquire_resource, nr_frames, 8);
VESPER_ABI_OFFSET(xen_mem_acquire_resource, pad, 12);
VESPER_ABI_OFFSET(xen_mem_acquire_resource, frame, 16);
VESPER_ABI_OFFSET(xen_mem_acquire_resource, frame_list, 24);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_MEMORY_H */

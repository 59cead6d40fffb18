/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_grant_table_op: sharing pages between domains by grant reference. */
#ifndef VESPER_PUBLIC_GRANT_TABLE_H
#define VESPER_PUBLIC_GRANT_TABLE_H

#include "vesper.h"

/*
 * A domain (the granter) publishes entries in its grant table, a set of
 * frames the hypervisor shares with it (GNTTABOP_setup_table names them).
 * An entry says which domain (the grantee) may use which of the granter's
 * frames and how; the grantee names it by (granter, reference). Only the
 * version-1 layout is described here: 8 bytes per entry, 512 per frame.
 *
 * The granter fills domid and frame first, then (after a write barrier)
 * flags. The hypervisor sets GTF_reading / GTF_writing while the grant is
 * mapped or being copied; a granter ends a grant by changing flags to 0
 * with a compare-and-swap that expects neither bit set.
 */
#define GNTTAB_NR_RESERVED_ENTRIES 8 /* entries the toolstack may use */
#define GNTTAB_RESERVED_CONSOLE 0    /* the console ring, to its backend */
#define GNTTAB_RESERVED_XENSTORE 1   /* the xenstore ring, to xenstored */

/* grant_entry_v1.flags: the type in bits 0-1. */
#define GTF_invalid 0u
#define GTF_permit_access 1u   /* domid may map or copy frame */
#define GTF_accept_transfer 2u /* domid may transfer a frame here */
#define GTF_transitive 3u      /* version 2 only */
#define GTF_type_mask 3u
/* ... and subflags. */
#define _GTF_readonly 2
#define GTF_readonly (1u << _GTF_readonly) /* granter: no writes */
#define _GTF_reading 3
#define GTF_reading (1u << _GTF_reading) /* hypervisor: in use */
#define _GTF_writing 4
#define GTF_writing (1u << _GTF_writing) /* hypervisor: in use writably */
#define _GTF_PWT 5
#define GTF_PWT (1u << _GTF_PWT) /* cache attributes of I/O grants */
#define _GTF_PCD 6
#define GTF_PCD (1u << _GTF_PCD)
#define _GTF_PAT 7
#define GTF_PAT (1u << _GTF_PAT)
#define _GTF_sub_page 8
#define GTF_sub_page (1u << _GTF_sub_page) /* version 2 only */
/* Transfer entries reuse bits 2 and 3. */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed (1u << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed (1u << _GTF_transfer_completed)

/* HYPERVISOR_grant_table_op(cmd, uop, count) commands. */
#define GNTTABOP_map_grant_ref 0     /* gnttab_map_grant_ref[count] */
#define GNTTABOP_unmap_grant_ref 1   /* gnttab_unmap_grant_ref[count] */
#define GNTTABOP_setup_table 2       /* gnttab_setup_table, count 1 */
#define GNTTABOP_dump_table 3        /* gnttab_dump_table (debug) */
#define GNTTABOP_transfer 4          /* gnttab_transfer[count] */
#define GNTTABOP_copy 5              /* gnttab_copy[count] */
#define GNTTABOP_query_size 6        /* gnttab_query_size, count 1 */
#define GNTTABOP_unmap_and_replace 7 /* gnttab_unmap_and_replace[count] */
#define GNTTABOP_set_version 8       /* gnttab_set_version */
#define GNTTABOP_get_status_frames 9 /* gnttab_get_status_frames, count 1 */
#define GNTTABOP_get_version 10      /* gnttab_get_version */
#define GNTTABOP_swap_grant_ref 11   /* gnttab_swap_grant_ref[count] */
#define GNTTABOP_cache_flush 12      /* gnttab_cache_flush[count] */

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map 0
#define GNTMAP_device_map (1 << _GNTMAP_device_map) /* for device DMA */
#define _GNTMAP_host_map 1
#define GNTMAP_host_map (1 << _GNTMAP_host_map) /* into the CPU's tables */
#define _GNTMAP_readonly 2
#define GNTMAP_readonly (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map (1 << _GNTMAP_application_map) /* user */
/* host_addr is the machine address of the L1 entry to write, not a VA. */
#define _GNTMAP_contains_pte 4
#define GNTMAP_contains_pte (1 << _GNTMAP_contains_pte)
/* Bits 16 up: guest-available PTE bits (XENFEAT_gnttab_map_avail_bits). */
#define _GNTMAP_guest_avail0 16
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* gnttab_copy.flags: which sides name a grant reference. */
#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref 1
#define GNTCOPY_dest_gref (1 << _GNTCOPY_dest_gref)

/* gnttab_cache_flush.op */
#define GNTTAB_CACHE_CLEAN (1u << 0)
#define GNTTAB_CACHE_INVAL (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)

/* Per-operation status codes (the status fields), never errno values. */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

#ifndef __ASSEMBLY__

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t; /* a mapping, in the mapper's maptrack */

/* One version-1 entry of the shared table. */
struct grant_entry_v1 {
    uint16_t flags; /* GTF_* */
    domid_t domid;  /* the grantee */
    uint32_t frame; /* the granted frame (an MFN for PV) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* The first word of every entry, in either layout. */
struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
typedef struct grant_entry_header grant_entry_header_t;

/* Version-2 status frames hold one of these per entry. */
typedef uint16_t grant_status_t;

/*
 * Map (dom, ref) at host_addr (a VA of the caller, or with
 * GNTMAP_contains_pte the machine address of one of its L1 entries).
 * handle names the mapping for unmap; dev_bus_addr is the frame's machine
 * address.
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;    /* in */
    uint32_t flags;        /* in: GNTMAP_* */
    grant_ref_t ref;       /* in */
    domid_t dom;           /* in: the granter */
    int16_t status;        /* out: GNTST_* */
    grant_handle_t handle; /* out */
    uint64_t dev_bus_addr; /* out */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;

/* Undo a mapping; a zero address field leaves that kind of mapping alone. */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;    /* in */
    uint64_t dev_bus_addr; /* in */
    grant_handle_t handle; /* in */
    int16_t status;        /* out */
    uint16_t _pad0;
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;

/* Grow dom's table to nr_frames frames and list them in frame_list. */
struct gnttab_setup_table {
    domid_t dom; /* in: DOMID_SELF, or another with privilege */
    uint16_t _pad0;
    uint32_t nr_frames; /* in */
    int16_t status;     /* out */
    uint16_t _pad1[3];
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* out: nr_frames entries */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;

struct gnttab_dump_table {
    domid_t dom;    /* in */
    int16_t status; /* out */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;

/* Give frame mfn away to the domain that offered (domid, ref). */
struct gnttab_transfer {
    xen_pfn_t mfn; /* in */
    domid_t domid; /* in */
    uint16_t _pad0;
    grant_ref_t ref; /* in */
    int16_t status;  /* out */
    uint16_t _pad1[3];
};
typedef struct gnttab_transfer gnttab_transfer_t;

/*
 * Copy len bytes between two frames, each named by a grant reference (of
 * domid) or, for the caller's own frames (domid DOMID_SELF), by frame
 * number. Neither side may cross its page end.
 */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
    uint32_t _pad0;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest; /* in */
    uint16_t len;                        /* in */
    uint16_t flags;                      /* in: GNTCOPY_* */
    int16_t status;                      /* out */
    uint16_t _pad0;
};
typedef struct gnttab_copy gnttab_copy_t;

/* The size of dom's table now and at most. */
struct gnttab_query_size {
    domid_t dom; /* in */
    uint16_t _pad0;
    uint32_t nr_frames;     /* out */
    uint32_t max_nr_frames; /* out */
    int16_t status;         /* out */
    uint16_t _pad1;
};
typedef struct gnttab_query_size gnttab_query_size_t;

/*
 * Unmap the host mapping at host_addr and move the caller's own mapping
 * at new_addr there (new_addr's entry is cleared); new_addr 0: just unmap.
 */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;    /* in */
    uint64_t new_addr;     /* in */
    grant_handle_t handle; /* in */
    int16_t status;        /* out */
    uint16_t _pad0;
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;

/* Choose the layout of the caller's table; the result comes back. */
struct gnttab_set_version {
    uint32_t version; /* in/out */
};
typedef struct gnttab_set_version gnttab_set_version_t;

struct gnttab_get_status_frames {
    uint32_t nr_frames;                    /* in */
    domid_t dom;                           /* in */
    int16_t status;                        /* out */
    XEN_GUEST_HANDLE(uint64_t) frame_list; /* out */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;

struct gnttab_get_version {
    domid_t dom; /* in */
    uint16_t pad;
    uint32_t version; /* out */
};
typedef struct gnttab_get_version gnttab_get_version_t;

/* Exchange two entries of the caller's table (neither may be in use). */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a; /* in */
    grant_ref_t ref_b; /* in */
    int16_t status;    /* out */
    uint16_t _pad0;
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;

struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op; /* GNTTAB_CACHE_* */
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;

#endif /* __ASSEMBLY__ */

#endif /* VESPER_PUBLIC_GRANT_TABLE_H */

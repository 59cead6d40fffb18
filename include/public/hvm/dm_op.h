/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_dm_op: a device model's operations on the HVM domain it serves. */
#ifndef VESPER_PUBLIC_HVM_DM_OP_H
#define VESPER_PUBLIC_HVM_DM_OP_H

#include "../vesper.h"
#include "../event_channel.h"

/*
 * HYPERVISOR_dm_op(domid, nr_bufs, bufs): bufs is an array of nr_bufs
 * struct xen_dm_op_buf. bufs[0] holds a struct xen_dm_op naming the
 * operation; some operations take or return further data in bufs[1..].
 * Passing sizes with every buffer lets the hypervisor copy exactly what the
 * caller owns, and lets a kernel (Linux's privcmd) check and pin each
 * buffer, and restrict the call to one target domain, without having to
 * understand the operation.
 *
 * Most of the operations drive ioreq servers. An ioreq server is an
 * emulator that asks for port, MMIO or PCI config ranges of the target
 * and is handed the matching accesses through the pages of ioreq.h and
 * an event channel per vCPU. A domain may also have one "default" server,
 * created implicitly when the toolstack reads HVM_PARAM_IOREQ_PFN,
 * HVM_PARAM_BUFIOREQ_PFN or HVM_PARAM_BUFIOREQ_EVTCHN.
 *
 * xen_dm_op.op. Each operation's argument is the xen_dm_op.u member of
 * the same name; map_io_range_to_ioreq_server and its unmap twin share
 * struct xen_dm_op_ioreq_server_range. track_dirty_vram and
 * modified_memory also use bufs[1].
 */
#define XEN_DMOP_create_ioreq_server 1
#define XEN_DMOP_get_ioreq_server_info 2
#define XEN_DMOP_map_io_range_to_ioreq_server 3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4
#define XEN_DMOP_set_ioreq_server_state 5
#define XEN_DMOP_destroy_ioreq_server 6
#define XEN_DMOP_track_dirty_vram 7
#define XEN_DMOP_set_pci_intx_level 8
#define XEN_DMOP_set_isa_irq_level 9
#define XEN_DMOP_set_pci_link_route 10
#define XEN_DMOP_modified_memory 11
#define XEN_DMOP_set_mem_type 12
#define XEN_DMOP_inject_event 13
#define XEN_DMOP_inject_msi 14
#define XEN_DMOP_map_mem_type_to_ioreq_server 15
#define XEN_DMOP_remote_shutdown 16
#define XEN_DMOP_relocate_memory 17
#define XEN_DMOP_pin_memory_cacheattr 18
#define XEN_DMOP_set_irq_level 19
#define XEN_DMOP_nr_vcpus 20

/*
 * get_ioreq_server_info.flags: the caller will map the server's pages
 * with XENMEM_acquire_resource, so the hypervisor need not put them in
 * the guest's physical address space and the gfns stay unset.
 */
#define _XEN_DMOP_no_gfns 0
#define XEN_DMOP_no_gfns (1U << _XEN_DMOP_no_gfns)

/* ioreq_server_range.type */
#define XEN_DMOP_IO_RANGE_PORT 0   /* I/O ports */
#define XEN_DMOP_IO_RANGE_MEMORY 1 /* guest physical addresses (MMIO) */
#define XEN_DMOP_IO_RANGE_PCI 2    /* PCI functions, as XEN_DMOP_PCI_SBDF */

/* A PCI function as one number, for XEN_DMOP_IO_RANGE_PCI bounds. */
#define XEN_DMOP_PCI_SBDF(s, b, d, f) \
    ((((s)&0xffff) << 16) | (((b)&0xff) << 8) | (((d)&0x1f) << 3) | ((f)&0x07))

/*
 * inject_event.type. The values are the VMX/SVM event-injection types,
 * so the hypervisor can hand them to the hardware unchanged.
 */
#define XEN_DMOP_EVENT_ext_int 0    /* external interrupt */
#define XEN_DMOP_EVENT_nmi 2        /* NMI */
#define XEN_DMOP_EVENT_hw_exc 3     /* hardware exception */
#define XEN_DMOP_EVENT_sw_int 4     /* INT n */
#define XEN_DMOP_EVENT_pri_sw_exc 5 /* ICEBP (F1) */
#define XEN_DMOP_EVENT_sw_exc 6     /* INT3, INTO */

/* map_mem_type_to_ioreq_server.flags: which accesses go to the server. */
#define XEN_DMOP_IOREQ_MEM_ACCESS_READ (1U << 0)
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE (1U << 1)

/* pin_memory_cacheattr.type: the MTRR/PAT memory type encodings. */
#define XEN_DMOP_MEM_CACHEATTR_UC 0
#define XEN_DMOP_MEM_CACHEATTR_WC 1
#define XEN_DMOP_MEM_CACHEATTR_WT 4
#define XEN_DMOP_MEM_CACHEATTR_WP 5
#define XEN_DMOP_MEM_CACHEATTR_WB 6
#define XEN_DMOP_MEM_CACHEATTR_UCM 7
/* Not a type: removes the pin covering [start, end]. */
#define XEN_DMOP_DELETE_MEM_CACHEATTR (~(uint32_t)0)

#ifndef __ASSEMBLY__

/* Names an ioreq server, unique within its target domain. */
typedef uint16_t ioservid_t;

/*
 * Make a new ioreq server. handle_bufioreq is HVM_IOREQSRV_BUFIOREQ_*
 * (hvm_op.h); with _OFF the server gets no buffered ring and every request
 * is synchronous.
 */
struct xen_dm_op_create_ioreq_server {
    uint8_t handle_bufioreq; /* in */
    uint8_t pad[3];
    ioservid_t id; /* out */
};
typedef struct xen_dm_op_create_ioreq_server xen_dm_op_create_ioreq_server_t;

/*
 * What an emulator needs to serve requests: the event channel buffered
 * requests are signalled on (synchronous ones use each ioreq's vp_eport)
 * and, unless XEN_DMOP_no_gfns, the guest frames of the ioreq page and
 * of the buffered ring (the latter only if the server has one).
 */
struct xen_dm_op_get_ioreq_server_info {
    ioservid_t id;               /* in */
    uint16_t flags;              /* in: XEN_DMOP_no_gfns */
    evtchn_port_t bufioreq_port; /* out */
    uint64_t ioreq_gfn;          /* out */
    uint64_t bufioreq_gfn;       /* out */
};
typedef struct xen_dm_op_get_ioreq_server_info
    xen_dm_op_get_ioreq_server_info_t;

/*
 * Claim (map_io_range_to_ioreq_server) or release (unmap_...) the
 * inclusive range [start, end] of one kind for server id.
 */
struct xen_dm_op_ioreq_server_range {
    ioservid_t id; /* in */
    uint16_t pad;
    uint32_t type;  /* in: XEN_DMOP_IO_RANGE_* */
    uint64_t start; /* in */
    uint64_t end;   /* in: inclusive */
};
typedef struct xen_dm_op_ioreq_server_range xen_dm_op_ioreq_server_range_t;

/*
 * A server receives no requests until it is enabled. While enabled its
 * pages are out of the guest's physical address space, so the guest
 * cannot scribble on the requests being served.
 */
struct xen_dm_op_set_ioreq_server_state {
    ioservid_t id;   /* in */
    uint8_t enabled; /* in: 0 or 1 */
    uint8_t pad;
};
typedef struct xen_dm_op_set_ioreq_server_state
    xen_dm_op_set_ioreq_server_state_t;

/* Remove a server, its ranges and its pages. */
struct xen_dm_op_destroy_ioreq_server {
    ioservid_t id; /* in */
    uint16_t pad;
};
typedef struct xen_dm_op_destroy_ioreq_server xen_dm_op_destroy_ioreq_server_t;

/*
 * Track writes to nr frames from first_pfn (an emulated framebuffer);
 * bufs[1] receives one bit per frame written since the last call.
 */
struct xen_dm_op_track_dirty_vram {
    uint32_t nr; /* in */
    uint32_t pad;
    uint64_t first_pfn; /* in */
};
typedef struct xen_dm_op_track_dirty_vram xen_dm_op_track_dirty_vram_t;

/* Drive one emulated PCI INTx line (domain:bus:device, intx 0-3). */
struct xen_dm_op_set_pci_intx_level {
    uint16_t domain; /* in */
    uint8_t bus;     /* in */
    uint8_t device;  /* in */
    uint8_t intx;    /* in */
    uint8_t level;   /* in: 1 asserted, 0 deasserted */
};
typedef struct xen_dm_op_set_pci_intx_level xen_dm_op_set_pci_intx_level_t;

/* Drive one emulated ISA IRQ line (0-15). */
struct xen_dm_op_set_isa_irq_level {
    uint8_t isa_irq; /* in */
    uint8_t level;   /* in: 1 asserted, 0 deasserted */
};
typedef struct xen_dm_op_set_isa_irq_level xen_dm_op_set_isa_irq_level_t;

/* Route PCI link 0-3 to ISA IRQ 1-15; 0 disconnects it. */
struct xen_dm_op_set_pci_link_route {
    uint8_t link;    /* in */
    uint8_t isa_irq; /* in */
};
typedef struct xen_dm_op_set_pci_link_route xen_dm_op_set_pci_link_route_t;

/*
 * Mark guest frames dirty after the emulator wrote them through its own
 * mapping (for live migration). bufs[1] holds nr_extents
 * struct xen_dm_op_modified_memory_extent. On failure nr_extents comes
 * back as the failing extent's index plus one; opaque carries progress
 * across continuations and must be 0 on the first call.
 */
struct xen_dm_op_modified_memory {
    uint32_t nr_extents; /* in/out */
    uint32_t opaque;     /* in/out: 0 */
};
typedef struct xen_dm_op_modified_memory xen_dm_op_modified_memory_t;

struct xen_dm_op_modified_memory_extent {
    uint32_t nr; /* in: frames */
    uint32_t pad;
    uint64_t first_pfn; /* in */
};

/* Change the p2m type of nr frames from first_pfn to an hvmmem_type_t. */
struct xen_dm_op_set_mem_type {
    uint32_t nr;       /* in */
    uint16_t mem_type; /* in: hvmmem_type_t */
    uint16_t pad;
    uint64_t first_pfn; /* in */
};
typedef struct xen_dm_op_set_mem_type xen_dm_op_set_mem_type_t;

/*
 * Inject an event into vCPU vcpuid on its next entry. error_code ~0 means
 * none; cr2 is the fault address for #PF and the pending debug state for
 * #DB, and ignored otherwise.
 */
struct xen_dm_op_inject_event {
    uint32_t vcpuid;  /* in */
    uint8_t vector;   /* in */
    uint8_t type;     /* in: XEN_DMOP_EVENT_* */
    uint8_t insn_len; /* in: for software interrupts and exceptions */
    uint8_t pad0;
    uint32_t error_code; /* in */
    uint32_t pad1;
    uint64_t cr2; /* in */
};
typedef struct xen_dm_op_inject_event xen_dm_op_inject_event_t;

/* Deliver an MSI as an emulated device would write it. */
struct xen_dm_op_inject_msi {
    uint32_t data; /* in */
    uint32_t pad;
    uint64_t addr; /* in: 0xfeexxxxx */
};
typedef struct xen_dm_op_inject_msi xen_dm_op_inject_msi_t;

/*
 * Send accesses to frames of p2m type HVMMEM_ioreq_server to server id;
 * flags 0 detaches it. opaque is for continuations and must start at 0.
 */
struct xen_dm_op_map_mem_type_to_ioreq_server {
    ioservid_t id;   /* in */
    uint16_t type;   /* in: hvmmem_type_t */
    uint32_t flags;  /* in: XEN_DMOP_IOREQ_MEM_ACCESS_* */
    uint64_t opaque; /* in/out */
};
typedef struct xen_dm_op_map_mem_type_to_ioreq_server
    xen_dm_op_map_mem_type_to_ioreq_server_t;

/* Shut the target down as if it had called SCHEDOP_shutdown itself. */
struct xen_dm_op_remote_shutdown {
    uint32_t reason; /* in: SHUTDOWN_* */
};
typedef struct xen_dm_op_remote_shutdown xen_dm_op_remote_shutdown_t;

/*
 * Move size frames from src_gfn to dst_gfn. All three fields are updated
 * as frames move, so a continuation (or a retry) picks up the rest.
 */
struct xen_dm_op_relocate_memory {
    uint32_t size; /* in/out */
    uint32_t pad;
    uint64_t src_gfn; /* in/out */
    uint64_t dst_gfn; /* in/out */
};
typedef struct xen_dm_op_relocate_memory xen_dm_op_relocate_memory_t;

/* Force a cache attribute on the guest frames [start, end]. */
struct xen_dm_op_pin_memory_cacheattr {
    uint64_t start; /* in: gfn */
    uint64_t end;   /* in: gfn, inclusive */
    uint32_t type;  /* in: XEN_DMOP_MEM_CACHEATTR_* or _DELETE_ */
    uint32_t pad;
};
typedef struct xen_dm_op_pin_memory_cacheattr xen_dm_op_pin_memory_cacheattr_t;

/* Drive an emulated interrupt line by its global number (GSI). */
struct xen_dm_op_set_irq_level {
    uint32_t irq;  /* in */
    uint8_t level; /* in: 1 asserted, 0 deasserted */
    uint8_t pad[3];
};
typedef struct xen_dm_op_set_irq_level xen_dm_op_set_irq_level_t;

/* How many vCPUs the target has, so an emulator can size its tables. */
struct xen_dm_op_nr_vcpus {
    uint32_t vcpus; /* out */
};
typedef struct xen_dm_op_nr_vcpus xen_dm_op_nr_vcpus_t;

/* bufs[0] of every call. */
struct xen_dm_op {
    uint32_t op; /* XEN_DMOP_* */
    uint32_t pad;
    union {
        xen_dm_op_create_ioreq_server_t create_ioreq_server;
        xen_dm_op_get_ioreq_server_info_t get_ioreq_server_info;
        xen_dm_op_ioreq_server_range_t map_io_range_to_ioreq_server;
        xen_dm_op_ioreq_server_range_t unmap_io_range_from_ioreq_server;
        xen_dm_op_set_ioreq_server_state_t set_ioreq_server_state;
        xen_dm_op_destroy_ioreq_server_t destroy_ioreq_server;
        xen_dm_op_track_dirty_vram_t track_dirty_vram;
        xen_dm_op_set_pci_intx_level_t set_pci_intx_level;
        xen_dm_op_set_isa_irq_level_t set_isa_irq_level;
        xen_dm_op_set_irq_level_t set_irq_level;
        xen_dm_op_set_pci_link_route_t set_pci_link_route;
        xen_dm_op_modified_memory_t modified_memory;
        xen_dm_op_set_mem_type_t set_mem_type;
        xen_dm_op_inject_event_t inject_event;
        xen_dm_op_inject_msi_t inject_msi;
        xen_dm_op_map_mem_type_to_ioreq_server_t map_mem_type_to_ioreq_server;
        xen_dm_op_remote_shutdown_t remote_shutdown;
        xen_dm_op_relocate_memory_t relocate_memory;
        xen_dm_op_pin_memory_cacheattr_t pin_memory_cacheattr;
        xen_dm_op_nr_vcpus_t nr_vcpus;
    } u;
};

/* One caller buffer: a guest virtual address and its length in bytes. */
struct xen_dm_op_buf {
    XEN_GUEST_HANDLE(void) h;
    xen_ulong_t size;
};
typedef struct xen_dm_op_buf xen_dm_op_buf_t;

/* ---------------------------------------------------------- layout pins */

VESPER_ABI_SIZE(xen_dm_op_create_ioreq_server, 6);
VESPER_ABI_OFFSET(xen_dm_op_create_ioreq_server, id, 4);

VESPER_ABI_SIZE(xen_dm_op_get_ioreq_server_info, 24);
VESPER_ABI_OFFSET(xen_dm_op_get_ioreq_server_info, flags, 2);
VESPER_ABI_OFFSET(xen_dm_op_get_ioreq_server_info, bufioreq_port, 4);
VESPER_ABI_OFFSET(xen_dm_op_get_ioreq_server_info, ioreq_gfn, 8);
VESPER_ABI_OFFSET(xen_dm_op_get_ioreq_server_info, bufioreq_gfn, 16);

VESPER_ABI_SIZE(xen_dm_op_ioreq_server_range, 24);
VESPER_ABI_OFFSET(xen_dm_op_ioreq_server_range, type, 4);
VESPER_ABI_OFFSET(xen_dm_op_ioreq_server_range, start, 8);
VESPER_ABI_OFFSET(xen_dm_op_ioreq_server_range, end, 16);

VESPER_ABI_SIZE(xen_dm_op_set_ioreq_server_state, 4);
VESPER_ABI_OFFSET(xen_dm_op_set_ioreq_server_state, enabled, 2);

VESPER_ABI_SIZE(xen_dm_op_destroy_ioreq_server, 4);

VESPER_ABI_SIZE(xen_dm_op_track_dirty_vram, 16);
VESPER_ABI_OFFSET(xen_dm_op_track_dirty_vram, first_pfn, 8);

VESPER_ABI_SIZE(xen_dm_op_set_pci_intx_level, 6);
VESPER_ABI_OFFSET(xen_dm_op_set_pci_intx_level, bus, 2);
VESPER_ABI_OFFSET(xen_dm_op_set_pci_intx_level, device, 3);
VESPER_ABI_OFFSET(xen_dm_op_set_pci_intx_level, intx, 4);
VESPER_ABI_OFFSET(xen_dm_op_set_pci_intx_level, level, 5);

VESPER_ABI_SIZE(xen_dm_op_set_isa_irq_level, 2);
VESPER_ABI_OFFSET(xen_dm_op_set_isa_irq_level, level, 1);

VESPER_ABI_SIZE(xen_dm_op_set_pci_link_route, 2);
VESPER_ABI_OFFSET(xen_dm_op_set_pci_link_route, isa_irq, 1);

VESPER_ABI_SIZE(xen_dm_op_modified_memory, 8);
VESPER_ABI_OFFSET(xen_dm_op_modified_memory, opaque, 4);
VESPER_ABI_SIZE(xen_dm_op_modified_memory_extent, 16);
VESPER_ABI_OFFSET(xen_dm_op_modified_memory_extent, first_pfn, 8);

VESPER_ABI_SIZE(xen_dm_op_set_mem_type, 16);
VESPER_ABI_OFFSET(xen_dm_op_set_mem_type, mem_type, 4);
VESPER_ABI_OFFSET(xen_dm_op_set_mem_type, first_pfn, 8);

VESPER_ABI_SIZE(xen_dm_op_inject_event, 24);
VESPER_ABI_OFFSET(xen_dm_op_inject_event, vector, 4);
VESPER_ABI_OFFSET(xen_dm_op_inject_event, type, 5);
VESPER_ABI_OFFSET(xen_dm_op_inject_event, insn_len, 6);
VESPER_ABI_OFFSET(xen_dm_op_inject_event, error_code, 8);
VESPER_ABI_OFFSET(xen_dm_op_inject_event, cr2, 16);

VESPER_ABI_SIZE(xen_dm_op_inject_msi, 16);
VESPER_ABI_OFFSET(xen_dm_op_inject_msi, addr, 8);

VESPER_ABI_SIZE(xen_dm_op_map_mem_type_to_ioreq_server, 16);
VESPER_ABI_OFFSET(xen_dm_op_map_mem_type_to_ioreq_server, type, 2);
VESPER_ABI_OFFSET(xen_dm_op_map_mem_type_to_ioreq_server, flags, 4);
VESPER_ABI_OFFSET(xen_dm_op_map_mem_type_to_ioreq_server, opaque, 8);

VESPER_ABI_SIZE(xen_dm_op_remote_shutdown, 4);

VESPER_ABI_SIZE(xen_dm_op_relocate_memory, 24);
VESPER_ABI_OFFSET(xen_dm_op_relocate_memory, src_gfn, 8);
VESPER_ABI_OFFSET(xen_dm_op_relocate_memory, dst_gfn, 16);

VESPER_ABI_SIZE(xen_dm_op_pin_memory_cacheattr, 24);
VESPER_ABI_OFFSET(xen_dm_op_pin_memory_cacheattr, end, 8);
VESPER_ABI_OFFSET(xen_dm_op_pin_memory_cacheattr, type, 16);

VESPER_ABI_SIZE(xen_dm_op_set_irq_level, 8);
VESPER_ABI_OFFSET(xen_dm_op_set_irq_level, level, 4);

VESPER_ABI_SIZE(xen_dm_op_nr_vcpus, 4);

/* The union is 8-aligned by its 64-bit members, after op and pad. */
VESPER_ABI_SIZE(xen_dm_op, 32);
VESPER_ABI_OFFSET(xen_dm_op, u, 8);

VESPER_ABI_SIZE(xen_dm_op_buf, 16);
VESPER_ABI_OFFSET(xen_dm_op_buf, size, 8);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_HVM_DM_OP_H */

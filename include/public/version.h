/* SPDX-License-Identifier: MIT */
/* HYPERVISOR_xen_version: version strings, parameters and feature bits. */
#ifndef VESPER_PUBLIC_VERSION_H
#define VESPER_PUBLIC_VERSION_H

#include "vesper.h"
#include "features.h"

/*
 * HYPERVISOR_xen_version(cmd, arg). XENVER_version with a NULL arg is also
 * the cheapest hypercall there is; Linux issues it just to get pending
 * events delivered on the way back, so it must stay fast.
 */
#define XENVER_version 0      /* returns (major << 16) | minor; arg unused */
#define XENVER_extraversion 1 /* xen_extraversion_t, e.g. "-vesper" */
#define XENVER_compile_info 2 /* struct xen_compile_info */
#define XENVER_capabilities 3 /* xen_capabilities_info_t */
#define XENVER_changeset 4    /* xen_changeset_info_t */
#define XENVER_platform_parameters 5 /* struct xen_platform_parameters */
#define XENVER_get_features 6        /* struct xen_feature_info */
#define XENVER_pagesize 7            /* returns the page size; arg unused */
#define XENVER_guest_handle 8        /* xen_domain_handle_t of the caller */
#define XENVER_commandline 9         /* xen_commandline_t (privileged) */
#define XENVER_build_id 10           /* struct xen_build_id (privileged) */

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

/* Space-separated ABI names, e.g. "xen-3.0-x86_64". */
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* Lowest virtual address the hypervisor reserves in the guest. */
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

struct xen_feature_info {
    uint32_t submap_idx; /* in: which 32-bit word of XENFEAT_* bits */
    uint32_t submap;     /* out */
};
typedef struct xen_feature_info xen_feature_info_t;

typedef uint8_t xen_domain_handle_t[16];

typedef char xen_commandline_t[1024];

/*
 * XENVER_build_id: len bytes of build id follow len directly (offset 4).
 * Xen declares that buffer as a flexible array member, which C89 and C++
 * lack, so it is left out here; the structure is its fixed header.
 */
struct xen_build_id {
    uint32_t len; /* in: buffer size; out: bytes written */
};
typedef struct xen_build_id xen_build_id_t;

VESPER_ABI_SIZE(xen_compile_info, 144);
VESPER_ABI_OFFSET(xen_compile_info, compile_by, 64);
VESPER_ABI_OFFSET(xen_compile_info, compile_domain, 80);
VESPER_ABI_OFFSET(xen_compile_info, compile_date, 112);
VESPER_ABI_SIZE(xen_platform_parameters, 8);
VESPER_ABI_SIZE(xen_feature_info, 8);
VESPER_ABI_OFFSET(xen_feature_info, submap, 4);
VESPER_ABI_SIZE(xen_build_id, 4);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_VERSION_H */

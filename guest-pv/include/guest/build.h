/* SPDX-License-Identifier: MIT */
/* A PV domain builder for a control-domain guest: the toolstack's way. */
#ifndef GUEST_BUILD_H
#define GUEST_BUILD_H

#include <guest/guest.h>
#include <public/event_channel.h>

/*
 * Builds a 64-bit PV domU from an ELF image with Xen notes, the way a
 * toolstack does it (libxc's order): createdomain, max_vcpus, max_mem,
 * populate_physmap, then through foreign mappings the image, the P2M,
 * start_info, page tables (all of its memory mapped from the image's
 * base), the xenstore and console pages with event channels to us, the
 * reserved grant entries and a masked shared_info; then the foreign L4
 * pin, hypercall_init and the boot vCPU's setvcpucontext. The domain is
 * left paused: unpause it to start it.
 *
 * Each step is a function so a test may look in between; pv_build() runs
 * them all. They return 0 or a negative Xen errno, with b->step naming
 * the step that failed.
 */

#define PV_BUILD_MAX_PAGES 4096

struct pv_build {
    /* In. */
    const uint8_t *image;
    uint64_t image_len;
    unsigned long nr_pages; /* at most PV_BUILD_MAX_PAGES, >= 1024 */
    const char *cmdline;
    /* Out. */
    domid_t domid;
    uint64_t entry, virt_base, virt_end, hypercall_page;
    uint64_t shared_info_mfn;
    xen_pfn_t mfn[PV_BUILD_MAX_PAGES]; /* the P2M */
    unsigned long kernel_pages;        /* pfns [0, kernel_pages): the image */
    unsigned long p2m_pfn, start_info_pfn, store_pfn, console_pfn;
    unsigned long pt_pfn, nr_pt, stack_pfn;
    evtchn_port_t store_port, console_port; /* ours, bound to the domU's */
    evtchn_port_t domu_store_port, domu_console_port;
    const char *step; /* the step that failed, for messages */
    /* Private. */
    uint8_t *win, *scratch;
    uint64_t win_pte;
};

/* ELF and notes: entry, hypercall page, virtual base. -EINVAL if absent. */
long pv_build_parse(struct pv_build *b);
/* createdomain (paused), max_vcpus 1, max_mem, populate_physmap. */
long pv_build_create(struct pv_build *b);
/* Memory, tables, start_info, channels, grants, shared_info. */
long pv_build_load(struct pv_build *b);
/* Foreign L4 pin, hypercall_init, the boot vCPU's context. */
long pv_build_start(struct pv_build *b);
/* All of the above; the domain stays paused. */
long pv_build(struct pv_build *b);
/* The boot vCPU's context as pv_build_start sets it. */
struct vcpu_guest_context;
void pv_build_context(const struct pv_build *b, struct vcpu_guest_context *c);
/* Map one of the domU's frames (by pfn) at our window page. */
void *pv_build_map(struct pv_build *b, unsigned long pfn);
/* Give the window page its own frame back. */
long pv_build_unmap(struct pv_build *b);
/* The domU's virtual address of one of its pfns. */
static inline uint64_t pv_build_va(const struct pv_build *b, unsigned long pfn)
{
    return b->virt_base + pfn * 4096;
}

/*
 * The toolstack's console daemon, as xenconsoled: the domU's console ring
 * (mapped by the caller, e.g. through GNTTAB_RESERVED_CONSOLE) copied to
 * ours a line at a time as "d<id>| line". quiet shows only the lines that
 * carry a verdict ("FAIL", "Test result").
 */
struct xencons_interface;
struct pv_console {
    volatile struct xencons_interface *ring;
    domid_t domid;
    int quiet;
    unsigned int len;
    char line[256];
};
void pv_console_relay(struct pv_console *c);
/* Relay what is left, a last line without its newline too. */
void pv_console_flush(struct pv_console *c);

#endif /* GUEST_BUILD_H */

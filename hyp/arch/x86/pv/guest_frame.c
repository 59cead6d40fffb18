/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest frames mapped for the hypervisor's own use (FIFO event pages, vcpu_info). */
#include "arch.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/guest_frame.h"
#include "asm/pagetype.h"
#include "asm/pv.h"

/*
 * Every mapping is recorded so the auditor can account for the
 * references it holds; there are few (a handful per vCPU plus FIFO array
 * pages), so one list serves all domains.
 */
struct guest_frame {
    struct guest_frame *next;
    struct domain *d;
    struct page_info *pg;
};

static struct guest_frame *frames;
static unsigned int nr_frames_mapped;

unsigned int pv_guest_frame_count(const struct domain *d)
{
    unsigned int n = 0;

    for (struct guest_frame *f = frames; f; f = f->next)
        if (f->d == d)
            n++;
    return n;
}

void *arch_map_guest_frame(struct domain *d, u64 gfn, struct page_info **pg)
{
    struct guest_frame *f;
    struct pv_mm_ctx c;
    struct page_info *p;

    /* PV: the guest names machine frames directly. */
    if (!mfn_valid(gfn) || nr_frames_mapped >= GUEST_FRAME_MAX ||
        pv_guest_frame_count(d) >= GUEST_FRAME_MAX_PER_DOMAIN)
        return NULL;
    p = mfn_to_page(gfn);
    f = xmalloc(sizeof(*f));
    if (!f)
        return NULL;
    pv_mm_ctx_init(&c, d, NULL);
    /* Refused unless d owns it and it is not a page table or descriptor. */
    if (get_page_and_type(p, d, PGT_writable, &c)) {
        xfree(f);
        return NULL;
    }
    f->d = d;
    f->pg = p;
    f->next = frames;
    frames = f;
    nr_frames_mapped++;
    *pg = p;
    return pv_frame_map(gfn);
}

void arch_unmap_guest_frame(struct page_info *pg)
{
    struct guest_frame **pp, *f;
    struct pv_mm_ctx c;

    for (pp = &frames; (f = *pp); pp = &f->next)
        if (f->pg == pg)
            break;
    BUG_ON(!f);
    *pp = f->next;
    nr_frames_mapped--;
    pv_mm_ctx_init(&c, f->d, NULL);
    put_page_and_type(pg, &c);
    xfree(f);
}

unsigned int pv_guest_frame_holds(struct pv_audit_hold *holds)
{
    unsigned int n = 0;

    for (struct guest_frame *f = frames; f && n < GUEST_FRAME_MAX; f = f->next)
        holds[n++] = (struct pv_audit_hold){ page_to_mfn(f->pg), 1, 1 };
    return n;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Nested page tables: guest-physical RAM onto the domain's own frames, from GPA 0. */
#include "sched.h"
#include "asm/hvm.h"
#include "asm/x86.h"

/*
 * The walker treats every guest access as a user access, so each level
 * needs U as well as P and RW. The tables are built by hvm/p2m_pt.c.
 */
#define NPT_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define NPT_RAM (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

int npt_build(struct domain *d)
{
    return hvm_p2m_build(d, NPT_TABLE, NPT_RAM);
}

void npt_destroy(struct domain *d)
{
    /* The table frames are on the page list: domain_free_pages frees them. */
    d->arch.hvm->npt_root = 0;
}

/* SPDX-License-Identifier: MIT */
/* MMUEXT_SET_LDT maps lazily: faults on first use are the guest's, as on Xen. */
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/traps.h>

#define DATA_DPL3 0x00cff2000000ffffULL /* flat data, DPL 3, present */
#define HOLE 0x100000000000UL           /* nothing mapped at 16 TiB */
#define TOP 0x7ffffffff000UL            /* the last canonical low page */

extern char probe_insn[], probe_done[];
static volatile unsigned long pf_count, gp_count;
static volatile uint64_t pf_cr2, pf_ec, gp_ec;

static long set_ldt(unsigned long va, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    op.arg1.linear_addr = va;
    op.arg2.nr_ents = ents;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Load sel into %fs; a fault skips the load. Returns %fs afterwards. */
__attribute__((noinline)) static unsigned int probe_fs(unsigned int sel)
{
    unsigned int out;

    __asm__ volatile(".globl probe_insn, probe_done\n"
                     "probe_insn: mov %w1, %%fs\n"
                     "probe_done: mov %%fs, %w0"
                     : "=&r"(out)
                     : "r"(sel)
                     : "memory");
    return out;
}

static int on_fault(struct trap_frame *f)
{
    if (f->rip != (uint64_t)probe_insn)
        return 0;
    if (f->vector == 14) {
        pf_count++;
        pf_cr2 = f->cr2;
        pf_ec = f->error_code;
    } else {
        gp_count++;
        gp_ec = f->error_code;
    }
    f->rip = (uint64_t)probe_done;
    return 1;
}

void test_main(void)
{
    uint64_t *p;

    mm_init();
    p = mm_alloc_page();
    TEST_CHECK(p != NULL);
    if (!p)
        return;
    p[1] = DATA_DPL3;
    trap_set_handler(14, on_fault);
    trap_set_handler(13, on_fault);

    /* Nothing mapped there: accepted; the load faults at base + 8. */
    TEST_EQ(set_ldt(HOLE, 2), 0);
    TEST_EQ(probe_fs(0xf), 0);
    TEST_EQ(pf_count, 1);
    TEST_EQ(pf_cr2, HOLE + 8);
    TEST_EQ(pf_ec, 0); /* not present, an implicit supervisor read */

    /* Still mapped writable: accepted, and the load faults the same way. */
    TEST_EQ(set_ldt((unsigned long)p, 2), 0);
    TEST_EQ(probe_fs(0xf), 0);
    TEST_EQ(pf_count, 2);
    TEST_EQ(pf_cr2, (uint64_t)p + 8);
    /* Read-only now: the next use maps it, and the selector loads. */
    TEST_EQ(mm_set_ro(p), 0);
    TEST_EQ(probe_fs(0xf), 0xf);
    TEST_EQ(pf_count, 2);
    TEST_EQ(probe_fs(0), 0);

    /*
     * A selector load in the hypervisor (set_segment_base's user %gs)
     * from an LDT page not used yet maps it there and then: the page is
     * then typed as the LDT's and cannot become writable. From a page
     * that cannot be mapped the load fails quietly (a null selector, 0).
     */
    TEST_EQ(set_ldt(0, 0), 0);
    TEST_EQ(set_ldt((unsigned long)p, 2), 0);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xf), 0);
    TEST_EQ(mm_set_rw(p), -XEN_EBUSY);
    TEST_EQ(set_ldt(HOLE, 2), 0);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xf), 0);
    TEST_EQ(pf_count, 2);
    TEST_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);

    /*
     * An LDT that runs past the canonical range: its first page faults
     * as not mapped, an entry past 2^47 is #GP with Xen's error code
     * (the offset, TI set).
     */
    TEST_EQ(set_ldt(TOP, 8192), 0);
    TEST_EQ(probe_fs(0xf), 0);
    TEST_EQ(pf_count, 3);
    TEST_EQ(pf_cr2, TOP + 8);
    TEST_EQ(probe_fs((512 << 3) | 7), 0);
    TEST_EQ(gp_count, 1);
    TEST_EQ(gp_ec, 0x1004);

    /* Dropped: the page is the guest's to write again. */
    TEST_EQ(set_ldt(0, 0), 0);
    TEST_EQ(mm_set_rw(p), 0);
    p[1] = 0;
    TEST_EQ(pf_count, 3);
}

/* SPDX-License-Identifier: MIT */
/* A vcpu_info frame stays Xen's to write: no pin, retype or free under it. */
#include <guest/events.h>
#include <guest/mm.h>
#include <guest/test.h>

#define VI_OFFSET 128

static long register_vi(unsigned long mfn, unsigned int offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset };

    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
}

/*
 * With upcalls masked, an event on port must still reach the registered
 * vcpu_info: Xen sets its selector bit and upcall-pending flag there.
 */
static void check_written(volatile struct vcpu_info *vi, evtchn_port_t port,
                          const char *when)
{
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    __atomic_and_fetch(&shared_info->evtchn_pending[port / 64],
                       ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
    TEST_EQ(evtchn_send(port), 0);
    if (vi->evtchn_upcall_pending == 1 &&
        (vi->evtchn_pending_sel & (1UL << (port / 64))))
        test_pass("vcpu_info written %s", when);
    else
        test_fail("vcpu_info %s: upcall_pending %u, sel %lx", when,
                  vi->evtchn_upcall_pending, vi->evtchn_pending_sel);
}

void test_main(void)
{
    unsigned long mfn, l1_mfn;
    volatile struct vcpu_info *vi;
    uint8_t *page;
    uint64_t *l1, orig;
    evtchn_port_t port;
    long res0;
    int level;

    mm_init();
    page = mm_alloc_page();
    l1 = mm_alloc_page();
    mfn = mm_virt_to_mfn(page);
    l1_mfn = mm_virt_to_mfn(l1);
    vi = (volatile struct vcpu_info *)(page + VI_OFFSET);
    TEST_EQ(mm_set_ro(l1), 0);
    TEST_EQ(mm_pin(1, l1_mfn), 0);

    /* Refused: a page table, a frame not ours, a record past the page. */
    TEST_EQ(register_vi(l1_mfn, 0), -XEN_EINVAL);
    TEST_EQ(register_vi(mm_xen_frame(), 0), -XEN_EINVAL);
    TEST_EQ(register_vi(mfn, 4096 - 32), -XEN_ENXIO);
    TEST_EQ(register_vi(mfn, 4), -XEN_ENXIO);
    TEST_EQ(register_vi(mfn, VI_OFFSET), 0);
    TEST_EQ(register_vi(mfn, VI_OFFSET), -XEN_EINVAL);
    /* The record moved with its mask (set) and everything marked pending. */
    TEST_EQ(vi->evtchn_upcall_mask, 1);
    TEST_EQ(vi->evtchn_upcall_pending, 1);
    TEST_EQ(evtchn_bind_ipi(0, &port), 0);
    check_written(vi, port, "after registration");

    /* Mapped by us or not, it never becomes a table or a base pointer. */
    for (level = 1; level <= 4; level++)
        TEST_EQ(mm_pin(level, mfn), -XEN_EINVAL);
    orig = mm_read_pte((unsigned long)page, 1);
    TEST_EQ(mm_update_va((unsigned long)page, 0, UVMF_INVLPG), 0);
    for (level = 1; level <= 4; level++)
        TEST_EQ(mm_pin(level, mfn), -XEN_EINVAL);
    TEST_EQ(mm_new_baseptr(mfn), -XEN_EINVAL);

    /*
     * Released: the allocation goes, the frame does not (Xen holds it), so
     * the reservation stays, it can be mapped again and Xen still writes it.
     */
    res0 = mm_current_reservation();
    TEST_EQ(mm_decrease_one(mfn), 1);
    TEST_EQ(mm_current_reservation(), res0);
    TEST_EQ(mm_decrease_one(mfn), 1);
    for (level = 1; level <= 4; level++)
        TEST_EQ(mm_pin(level, mfn), -XEN_EINVAL);
    TEST_EQ(mm_update_va((unsigned long)page, orig, UVMF_INVLPG), 0);
    check_written(vi, port, "after decrease_reservation");
    /* Still an ordinary L1 of ours next to it. */
    TEST_EQ(mm_unpin(l1_mfn), 0);
    TEST_EQ(mm_set_rw(l1), 0);
    l1[0] = 0x1234;
    TEST_EQ(l1[0], 0x1234);
}

/* SPDX-License-Identifier: MIT */
/* Long mmu_update and mmuext_op batches, alone and in multicalls, stop for pending events. */

#include <guest/test.h>
#include <guest/events.h>
#include <guest/mm.h>
#include <guest/smp.h>
#include <guest/time.h>
#include <guest/traps.h>

#define M 1000  /* mmu_update requests */
#define BAD 700 /* a refused one, in the error case */
#define K 64    /* mmuext_op copies */
#define POISON 0xdeadbeefdeadbeefULL

static struct mmu_update req[M];
static struct mmuext_op ops[K];
static struct multicall_entry calls[2];
static evtchn_port_t ipi;
static volatile unsigned int done;

/* As in preempt_console: an upcall at a syscall interrupted a hypercall. */
static void (*sdk_upcall)(struct trap_frame *f);
static volatile uint32_t mid_call, after_call;
static volatile unsigned long mid_slot;
static volatile uint64_t snap_result[2], snap_args[3];
static volatile unsigned int snap_done;

static void hook(struct trap_frame *f)
{
    const uint8_t *ip = (const uint8_t *)f->rip;

    if (ip[0] == 0x0f && ip[1] == 0x05) {
        mid_call++;
        mid_slot = (f->rip - (uint64_t)hypercall_page) / 32;
        snap_result[0] = calls[0].result;
        snap_result[1] = calls[1].result;
        for (unsigned int i = 0; i < 3; i++)
            snap_args[i] = calls[0].args[i];
        snap_done = done;
    } else {
        after_call++;
    }
    sdk_upcall(f);
}

static void on_ipi(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
}

/* One event pending, upcalls unmasked without a hypercall (see preempt_console). */
static void pend_event(void)
{
    events_disable();
    TEST_EQ(evtchn_send(ipi), 0);
    mid_call = after_call = 0;
    snap_result[0] = snap_result[1] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    guest_vcpu_info(0)->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * A timer interrupt between pend_event() and the hypercall may deliver the
 * upcall first, on Xen as on Vesper (seen once on a loaded host), and then
 * none comes inside the call. Such a try is made again (every step below
 * can be repeated); a hypervisor that never stops for the event fails
 * every try. setup runs before each try.
 */
#define TRIES 4
#define PREEMPTED_CALL(setup, call)                                  \
    ({                                                               \
        long rc_ = 0;                                                \
        for (unsigned int t_ = 0; t_ < TRIES; t_++) {                \
            setup;                                                   \
            pend_event();                                            \
            rc_ = (call);                                            \
            if (mid_call || !after_call)                             \
                break;                                               \
            printk("the upcall came outside the call: once more\n"); \
        }                                                            \
        rc_;                                                         \
    })

static void one_upcall_mid(unsigned long slot)
{
    TEST_EQ(mid_call, 1);
    TEST_EQ(after_call, 0);
    TEST_EQ(mid_slot, slot);
}

static void set_entry(struct multicall_entry *e, unsigned long op,
                      unsigned long a0, unsigned long a1, unsigned long a2,
                      unsigned long a3)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
    e->args[3] = a3;
    e->result = POISON;
}

static void flush(void)
{
    HYPERVISOR_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL },
                         1, NULL, DOMID_SELF);
}

void test_main(void)
{
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    uint64_t *a, *b, *w, *d, orig, want_b;
    unsigned long mfn_a, mfn_b;
    volatile uint64_t *pte;
    uint64_t pte_ma;
    unsigned int i;

    mm_init();
    a = mm_alloc_page();
    b = mm_alloc_page();
    w = mm_alloc_page();
    d = mm_alloc_page();
    TEST_CHECK(a && b && w && d);
    if (!a || !b || !w || !d)
        return;
    for (i = 0; i < 512; i++) {
        a[i] = 0xaaaa0000 + i;
        b[i] = 0xbbbb0000 + i;
    }
    mfn_a = mm_virt_to_mfn(a);
    mfn_b = mm_virt_to_mfn(b);
    pte = mm_pte_ptr((unsigned long)w, 1);
    pte_ma = mm_pte_maddr((unsigned long)w, 1);
    orig = *pte;
    want_b = mm_kadj(MFN_PTE(mfn_b, PTE_KDATA));
    /* Alternate w's mapping between a and b; the last (b) wins. */
    for (i = 0; i < M; i++) {
        req[i].ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
        req[i].val = MFN_PTE(i & 1 ? mfn_b : mfn_a, PTE_KDATA);
    }
    /* Copy a, then b, into d, K times; the last (b) wins. */
    for (i = 0; i < K; i++) {
        ops[i].cmd = MMUEXT_COPY_PAGE;
        ops[i].arg1.mfn = mm_virt_to_mfn(d);
        ops[i].arg2.src_mfn = i & 1 ? mfn_b : mfn_a;
    }

    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_ipi(0, &ipi), 0);
    evtchn_set_handler(ipi, on_ipi, NULL);
    sdk_upcall = trap_upcall_hook;
    trap_upcall_hook = hook;

    /* mmu_update alone: progress is in *pdone when the upcall comes. */
    TEST_EQ(PREEMPTED_CALL(done = 12345,
                           HYPERVISOR_mmu_update(req, M, (unsigned int *)&done,
                                                 DOMID_SELF)),
            0);
    one_upcall_mid(__HYPERVISOR_mmu_update);
    TEST_CHECK(snap_done >= 1 && snap_done < M);
    TEST_EQ(done, M);
    TEST_EQ(*pte, want_b);
    TEST_EQ(mm_update_va((unsigned long)w, orig, UVMF_INVLPG), 0);

    /* mmu_update in a multicall: the entry carries Xen's encoding. */
    TEST_EQ(PREEMPTED_CALL((done = 0,
                            set_entry(&calls[0], __HYPERVISOR_mmu_update,
                                      (unsigned long)req, M,
                                      (unsigned long)&done, DOMID_SELF),
                            set_entry(&calls[1], __HYPERVISOR_xen_version,
                                      XENVER_version, 0, 0, 0)),
                           HYPERVISOR_multicall(calls, 2)),
            0);
    one_upcall_mid(__HYPERVISOR_multicall);
    TEST_EQ(snap_result[0], __HYPERVISOR_mmu_update);
    TEST_EQ(snap_result[1], POISON);
    TEST_CHECK(snap_done >= 1 && snap_done < M);
    TEST_EQ(snap_args[0], (uint64_t)&req[snap_done]);
    TEST_EQ(snap_args[1], (M - snap_done) | MMU_UPDATE_PREEMPTED);
    TEST_EQ(snap_args[2], (uint64_t)&done);
    TEST_EQ(calls[0].result, 0);
    TEST_EQ(calls[1].result, version);
    TEST_EQ(done, M);
    TEST_EQ(*pte, want_b);
    flush();
    TEST_EQ(w[5], 0xbbbb0005);

    /* A refusal after the continuation ends the entry with its error. */
    req[BAD].val = MFN_PTE(mm_virt_to_mfn((void *)start_info->pt_base),
                           PTE_KDATA); /* the live L4, writable */
    TEST_EQ(PREEMPTED_CALL((done = 0,
                            set_entry(&calls[0], __HYPERVISOR_mmu_update,
                                      (unsigned long)req, M,
                                      (unsigned long)&done, DOMID_SELF),
                            set_entry(&calls[1], __HYPERVISOR_xen_version,
                                      XENVER_version, 0, 0, 0)),
                           HYPERVISOR_multicall(calls, 2)),
            0);
    one_upcall_mid(__HYPERVISOR_multicall);
    TEST_EQ(calls[0].result, -XEN_EBUSY);
    TEST_EQ(calls[1].result, version);
    TEST_EQ(done, BAD);
    TEST_EQ(*pte, want_b); /* entry BAD - 1 (odd: b) was the last applied */
    req[BAD].val = MFN_PTE(mfn_a, PTE_KDATA);

    /* mmuext_op in a multicall. */
    TEST_EQ(PREEMPTED_CALL((done = 0,
                            set_entry(&calls[0], __HYPERVISOR_mmuext_op,
                                      (unsigned long)ops, K,
                                      (unsigned long)&done, DOMID_SELF),
                            set_entry(&calls[1], __HYPERVISOR_xen_version,
                                      XENVER_version, 0, 0, 0)),
                           HYPERVISOR_multicall(calls, 2)),
            0);
    one_upcall_mid(__HYPERVISOR_multicall);
    TEST_EQ(snap_result[0], __HYPERVISOR_mmuext_op);
    TEST_EQ(snap_result[1], POISON);
    TEST_CHECK(snap_done >= 1 && snap_done < K);
    TEST_EQ(snap_args[0], (uint64_t)&ops[snap_done]);
    TEST_EQ(snap_args[1], (K - snap_done) | MMU_UPDATE_PREEMPTED);
    TEST_EQ(calls[0].result, 0);
    TEST_EQ(calls[1].result, version);
    TEST_EQ(done, K);
    TEST_EQ(d[0], 0xbbbb0000);
    TEST_EQ(d[511], 0xbbbb01ff);

    /* Preempted between entries: the batch resumes at the second. */
    TEST_EQ(PREEMPTED_CALL((done = 0,
                            set_entry(&calls[0], __HYPERVISOR_xen_version,
                                      XENVER_version, 0, 0, 0),
                            set_entry(&calls[1], __HYPERVISOR_mmu_update,
                                      (unsigned long)req, M,
                                      (unsigned long)&done, DOMID_SELF)),
                           HYPERVISOR_multicall(calls, 2)),
            0);
    one_upcall_mid(__HYPERVISOR_multicall);
    TEST_EQ(snap_result[0], version);
    TEST_EQ(snap_result[1], POISON);
    TEST_EQ(calls[0].result, version);
    TEST_EQ(calls[1].result, 0);
    TEST_EQ(done, M);
    TEST_EQ(*pte, want_b);

    TEST_EQ(mm_update_va((unsigned long)w, orig, UVMF_INVLPG), 0);
    events_disable();
}

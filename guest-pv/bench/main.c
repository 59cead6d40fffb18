/* SPDX-License-Identifier: MIT */
/* Benchmark guest: times hypervisor paths with rdtsc, one BENCH line each. */
#include <guest/mm.h>

#include "bench.h"

/*
 * Output, one line per figure (tests/bench/run.py parses these):
 *   BENCH info key=value ...
 *   BENCH name=<figure> iters=<n> cycles=<total> cycles_per_op=<x.y>
 *   BENCH name=<figure> status=unsupported reason=<word>
 *   BENCH done
 * Command line words (start_info->cmd_line): "smoke" divides every
 * iteration count by 100; "hold" waits after "BENCH done" for one byte of
 * console input (CONSOLEIO_read) before powering off, so the driver can
 * ask the hypervisor for its memory figures first.
 * The domain should have two vCPUs (vcpus.c measures the figures that
 * need the second); with one, those two figures are reported unsupported.
 */

#define UNMAPPED_VA 0x0000100000000000UL /* L4 slot 32: never mapped */
#define TREE_VA 0x0000200000000000UL     /* L4 slot 64: our small tree */
#define HOLD_TICKS 4000000000ULL         /* safety net for "hold" */
#define NR_PTES 512
#define MC_NR 32

int smoke;
static int hold;

static int has_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    const char *p = line;

    while (*p) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
            return 1;
        while (*p && *p != ' ')
            p++;
    }
    return 0;
}

unsigned long iters_for(unsigned long full)
{
    unsigned long n = smoke ? full / 100 : full;

    return n < 4 ? 4 : n;
}

void unsupported(const char *name, const char *reason, long rc)
{
    printk("BENCH name=%s status=unsupported reason=%s(%ld)\n", name, reason,
           rc);
}

/*
 * Run op(k) for a warm-up of iters/10 + 1, then iters times under rdtsc.
 * op returns 0 on success; the first failure aborts the figure.
 */
void run(const char *name, unsigned long full, bench_op_t op)
{
    unsigned long iters = iters_for(full), warm = iters / 10 + 1, k;
    uint64_t t0, t1;
    long rc;

    for (k = 0; k < warm; k++) {
        rc = op(k);
        if (rc) {
            unsupported(name, "warmup-error", rc);
            return;
        }
    }
    /* k keeps counting, so ops that alternate never repeat themselves. */
    t0 = tsc();
    for (k = warm; k < warm + iters; k++) {
        rc = op(k);
        if (rc) {
            unsupported(name, "error", rc);
            return;
        }
    }
    t1 = tsc();
    report(name, iters, t1 - t0, "");
}

void report(const char *name, unsigned long iters, uint64_t cycles,
            const char *extra)
{
    uint64_t tenths = (cycles * 10 + iters / 2) / iters;

    printk("BENCH name=%s iters=%lu cycles=%llu cycles_per_op=%llu.%llu%s\n",
           name, iters, (unsigned long long)cycles,
           (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10),
           extra);
}

/* ---------------------------------------------------------- hypercalls */

static long op_null(unsigned long k __attribute__((unused)))
{
    return HYPERVISOR_xen_version(XENVER_version, NULL) > 0 ? 0 : -1;
}

static struct multicall_entry mc[MC_NR];

static long op_multicall(unsigned long k __attribute__((unused)))
{
    unsigned int i;
    long rc;

    for (i = 0; i < MC_NR; i++) {
        mc[i].op = __HYPERVISOR_xen_version;
        mc[i].args[0] = XENVER_version;
        mc[i].args[1] = 0;
    }
    rc = HYPERVISOR_multicall(mc, MC_NR);
    if (rc)
        return rc;
    for (i = 0; i < MC_NR; i++)
        if ((long)mc[i].result <= 0)
            return (long)mc[i].result ? (long)mc[i].result : -1;
    return 0;
}

static const char console_line[] =
    "bench: a 64-byte console_io write .............................\n";
_Static_assert(sizeof(console_line) == 65, "64 bytes plus the NUL");

static long op_console(unsigned long k __attribute__((unused)))
{
    long rc = HYPERVISOR_console_io(CONSOLEIO_write, 64, console_line);

    /* Xen answers 0, Vesper the byte count; both mean success. */
    return rc >= 0 ? 0 : rc;
}

/* ---------------------------------------------------------------- MMU */

static struct mmu_update pte_req[2][NR_PTES];

static long op_mmu_update(unsigned long k)
{
    unsigned int done = 0;
    long rc = HYPERVISOR_mmu_update(pte_req[k & 1], NR_PTES, &done, DOMID_SELF);

    return rc ? rc : (done == NR_PTES ? 0 : -1);
}

static unsigned long uvma_va, uvma_mfn;

static long op_uvma(unsigned long k)
{
    uint64_t flags = PTE_P | PTE_A | ((k & 1) ? 0 : PTE_RW | PTE_D);

    return HYPERVISOR_update_va_mapping(uvma_va, MFN_PTE(uvma_mfn, flags),
                                        UVMF_INVLPG);
}

static unsigned long tree_l4_mfn;

static long op_pin_unpin(unsigned long k __attribute__((unused)))
{
    struct mmuext_op op[2];
    unsigned int done = 0;

    memset(op, 0, sizeof(op));
    op[0].cmd = MMUEXT_PIN_L4_TABLE;
    op[0].arg1.mfn = tree_l4_mfn;
    op[1].cmd = MMUEXT_UNPIN_TABLE;
    op[1].arg1.mfn = tree_l4_mfn;
    /* Two calls, not one batch: each is what a kernel does alone. */
    if (HYPERVISOR_mmuext_op(&op[0], 1, &done, DOMID_SELF) || done != 1)
        return -1;
    return HYPERVISOR_mmuext_op(&op[1], 1, &done, DOMID_SELF);
}

static void bench_mmu(void)
{
    uint64_t *l1, *data[2], *spare;
    unsigned long l1_mfn;
    struct mm_tree t;
    unsigned int i, j;
    long rc;

    l1 = mm_alloc_page();
    data[0] = mm_alloc_page();
    data[1] = mm_alloc_page();
    spare = mm_alloc_page();
    if (!l1 || !data[0] || !data[1] || !spare) {
        unsupported("mmu_update_512", "no-spare-pages", 0);
        return;
    }

    /*
     * mmu_update: a spare L1, filled with read-only mappings of data[0],
     * made read-only and pinned; each call rewrites all 512 entries to
     * the other data frame, so every update changes a reference.
     */
    for (i = 0; i < NR_PTES; i++)
        l1[i] = MFN_PTE(mm_virt_to_mfn(data[0]), PTE_P | PTE_A);
    l1_mfn = mm_virt_to_mfn(l1);
    rc = mm_set_ro(l1);
    if (!rc)
        rc = mm_pin(1, l1_mfn);
    if (rc) {
        unsupported("mmu_update_512", "pin-l1", rc);
    } else {
        for (j = 0; j < 2; j++)
            for (i = 0; i < NR_PTES; i++) {
                pte_req[j][i].ptr =
                    (mm_virt_to_maddr(&l1[i])) | MMU_NORMAL_PT_UPDATE;
                pte_req[j][i].val =
                    MFN_PTE(mm_virt_to_mfn(data[(j + 1) & 1]), PTE_P | PTE_A);
            }
        run("mmu_update_512", 2000, op_mmu_update);
        mm_unpin(l1_mfn);
    }
    mm_set_rw(l1);

    /* update_va_mapping: flip one of our pages between RW and RO. */
    uvma_va = (unsigned long)spare;
    uvma_mfn = mm_virt_to_mfn(spare);
    run("update_va_mapping_invlpg", 20000, op_uvma);
    mm_set_rw(spare); /* whatever parity the loop ended on */

    /* Pin and unpin a four-table tree mapping one page. */
    rc = mm_tree_init(&t);
    if (!rc)
        rc = mm_tree_map(&t, TREE_VA,
                         MFN_PTE(mm_virt_to_mfn(data[1]), PTE_KDATA));
    if (!rc)
        rc = mm_tree_seal(&t);
    if (rc) {
        unsupported("l4_pin_unpin", "tree-setup", rc);
        return;
    }
    tree_l4_mfn = mm_tree_l4_mfn(&t);
    run("l4_pin_unpin", 5000, op_pin_unpin);
    mm_tree_free(&t);
}

/* --------------------------------------------------------- page fault */

extern char bench_pf_insn[], bench_pf_resume[];
uint64_t bench_pf_touch(unsigned long va);
static volatile unsigned long pf_count;

static int pf_handler(struct trap_frame *f)
{
    if (f->rip != (uint64_t)bench_pf_insn)
        return 0;
    f->rip = (uint64_t)bench_pf_resume;
    pf_count++;
    return 1;
}

static long op_pf(unsigned long k __attribute__((unused)))
{
    unsigned long before = pf_count;

    bench_pf_touch(UNMAPPED_VA);
    return pf_count == before + 1 ? 0 : -1;
}

/* ------------------------------------------------------ event channels */

void bench_upcall_entry(void);
void bench_upcall(void);

static volatile unsigned long ev_count;
static evtchn_port_t port_ipi, port_a, port_b;
static volatile int bounce_b; /* loopback: answer b by sending on b */

static long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* The 2-level event ABI: pending_sel says which words to look at. */
void bench_upcall(void)
{
    struct vcpu_info *vi = &shared_info->vcpu_info[0];
    unsigned long sel, pend, w, b;

    vi->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        w = __builtin_ctzl(sel);
        sel &= sel - 1;
        pend = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
        while (pend) {
            b = __builtin_ctzl(pend);
            pend &= pend - 1;
            __atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1UL << b),
                               __ATOMIC_SEQ_CST);
            ev_count++;
            if (bounce_b && w * 64 + b == port_b)
                evtchn_send(port_b);
        }
    }
}

static void unmask_port(evtchn_port_t p)
{
    __atomic_fetch_and(&shared_info->evtchn_mask[p / 64], ~(1UL << (p % 64)),
                       __ATOMIC_SEQ_CST);
}

/* Wait (bounded) for the upcall count to reach want. */
static long wait_events(unsigned long want)
{
    unsigned long spins = 0;

    while (ev_count < want)
        if (++spins > 1000000)
            return -1;
    return 0;
}

static long op_evtchn_self(unsigned long k __attribute__((unused)))
{
    unsigned long want = ev_count + 1;
    long rc = evtchn_send(port_ipi);

    return rc ? rc : wait_events(want);
}

static long op_evtchn_loopback(unsigned long k __attribute__((unused)))
{
    unsigned long want = ev_count + 2;
    long rc = evtchn_send(port_a);

    return rc ? rc : wait_events(want);
}

static void bench_events(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_event,
        .address = (unsigned long)bench_upcall_entry,
    };
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF,
                                       .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    long rc;

    if (!shared_info) {
        unsupported("evtchn_self", "no-shared-info", 0);
        unsupported("evtchn_loopback_rtt", "no-shared-info", 0);
        return;
    }
    rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
    if (rc) {
        unsupported("evtchn_self", "CALLBACKOP_register", rc);
        unsupported("evtchn_loopback_rtt", "CALLBACKOP_register", rc);
        goto alone;
    }
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi);
    if (rc) {
        unsupported("evtchn_self", "EVTCHNOP_bind_ipi", rc);
    } else {
        port_ipi = ipi.port;
        unmask_port(port_ipi);
        __atomic_store_n(&shared_info->vcpu_info[0].evtchn_upcall_mask, 0,
                         __ATOMIC_SEQ_CST);
        run("evtchn_self", 20000, op_evtchn_self);
    }

    /*
     * An interdomain channel whose both ends are ours (Xen's loopback):
     * send on a, the upcall for b sends on b, the upcall for a ends the
     * round trip. Same event path as two domains, without the switch.
     */
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);
    if (!rc) {
        bi.remote_port = au.port;
        rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
    }
    if (rc) {
        unsupported("evtchn_loopback_rtt", "EVTCHNOP_alloc_unbound/bind", rc);
    } else {
        port_a = au.port;
        port_b = bi.local_port;
        unmask_port(port_a);
        unmask_port(port_b);
        __atomic_store_n(&shared_info->vcpu_info[0].evtchn_upcall_mask, 0,
                         __ATOMIC_SEQ_CST);
        bounce_b = 1;
        run("evtchn_loopback_rtt", 10000, op_evtchn_loopback);
        bounce_b = 0;
    }
alone:
    __atomic_store_n(&shared_info->vcpu_info[0].evtchn_upcall_mask, 1,
                     __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------ the run */

static void hold_for_input(void)
{
    uint64_t t0 = tsc();
    char c;

    printk("BENCH hold\n");
    while (tsc() - t0 < HOLD_TICKS) {
        if (HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) > 0)
            return;
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

void guest_main(void)
{
    long ver;

    /* Started by our own domain_build_run_destroy: end at once, silently. */
    if (has_word(start_info->cmd_line, "domu"))
        guest_shutdown(SHUTDOWN_poweroff);
    ver = HYPERVISOR_xen_version(XENVER_version, NULL);

    smoke = has_word(start_info->cmd_line, "smoke");
    hold = has_word(start_info->cmd_line, "hold");
    printk("BENCH info abi_version=%ld.%ld nr_pages=%lu smoke=%d\n", ver >> 16,
           ver & 0xffff, (unsigned long)start_info->nr_pages, smoke);

    run("null_hypercall", 100000, op_null);
    run("multicall_32_null", 5000, op_multicall);
    run("console_write_64", 500, op_console);

    mm_init();
    trap_set_handler(14, pf_handler);
    bench_mmu();
    run("page_fault_bounce", 20000, op_pf);

    bench_events();
    bench_vcpus();
    /* After the existing figures, so those run as they always have. */
    bench_grant();
    bench_domains();
    bench_build_run();

    printk("BENCH done\n");
    if (hold)
        hold_for_input();
    guest_shutdown(SHUTDOWN_poweroff);
}

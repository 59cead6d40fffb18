/* SPDX-License-Identifier: MIT */
/* Event channels: upcall dispatch (2-level and FIFO) and EVTCHNOP wrappers. */

#include <guest/events.h>
#include <guest/smp.h>
#include <guest/time.h>

/* traps.S entry points for the two callbacks. */
extern char hypervisor_callback[], failsafe_callback[];

struct port_slot {
    evtchn_handler_t fn;
    void *data;
    uint32_t cpu; /* vCPU the port notifies, as far as we bound it */
};

static struct port_slot ports[EVTCHN_SDK_PORTS];
volatile uint32_t evtchn_deliveries[EVTCHN_SDK_PORTS];
volatile uint32_t evtchn_upcalls[GUEST_MAX_CPUS];
volatile uint32_t evtchn_spurious;

/* FIFO state: per-vCPU control blocks and one page of event words. */
#define FIFO_WORDS_PER_PAGE (4096 / sizeof(event_word_t))
static char fifo_control[GUEST_MAX_CPUS][4096]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static volatile event_word_t fifo_array[FIFO_WORDS_PER_PAGE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
static int fifo_on;
static uint32_t fifo_head[GUEST_MAX_CPUS][EVTCHN_FIFO_MAX_QUEUES];
uint8_t evtchn_fifo_link_bits;

/* Locked bit operations: the hypervisor writes these words concurrently. */
static inline int sync_test_and_clear_bit(unsigned int nr,
                                          volatile xen_ulong_t *addr)
{
    unsigned char old;

    __asm__ volatile("lock btrq %2, %1; setc %0"
                     : "=q"(old), "+m"(*addr)
                     : "r"((xen_ulong_t)nr)
                     : "memory", "cc");
    return old;
}

static inline int sync_test_and_set_bit(unsigned int nr,
                                        volatile xen_ulong_t *addr)
{
    unsigned char old;

    __asm__ volatile("lock btsq %2, %1; setc %0"
                     : "=q"(old), "+m"(*addr)
                     : "r"((xen_ulong_t)nr)
                     : "memory", "cc");
    return old;
}

static inline void sync_set_bit(unsigned int nr, volatile xen_ulong_t *addr)
{
    (void)sync_test_and_set_bit(nr, addr);
}

static inline int test_bit64(unsigned int nr, const volatile xen_ulong_t *addr)
{
    return (addr[nr / 64] >> (nr % 64)) & 1;
}

static inline void barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

static inline void fifo_word_set(evtchn_port_t port, unsigned int bit)
{
    __atomic_fetch_or(&fifo_array[port], 1u << bit, __ATOMIC_SEQ_CST);
}

static inline void fifo_word_clear(evtchn_port_t port, unsigned int bit)
{
    __atomic_fetch_and(&fifo_array[port], ~(1u << bit), __ATOMIC_SEQ_CST);
}

static inline int fifo_word_test(evtchn_port_t port, unsigned int bit)
{
    return (fifo_array[port] >> bit) & 1;
}

static void deliver(evtchn_port_t port)
{
    struct port_slot *s = &ports[port];

    if (!s->fn) {
        evtchn_spurious++;
        return;
    }
    evtchn_deliveries[port]++;
    s->fn(port, s->data);
}

/* 2-level: words named by our selector, pending & ~mask, ports of ours. */
static void scan_2l(unsigned int cpu, struct vcpu_info *vi)
{
    xen_ulong_t sel =
        __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

    while (sel) {
        unsigned int w = __builtin_ctzl(sel);
        xen_ulong_t bits;

        sel &= sel - 1;
        bits = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
        while (bits) {
            unsigned int b = __builtin_ctzl(bits);
            evtchn_port_t port = w * 64 + b;

            bits &= bits - 1;
            if (ports[port].cpu != cpu)
                continue;
            if (sync_test_and_clear_bit(port, shared_info->evtchn_pending))
                deliver(port);
        }
    }
}

/*
 * FIFO: take the head of queue q, unlink it (clear LINKED and the link in
 * one atomic step, keeping PENDING/MASKED), remember the next event as our
 * local head, and deliver the port if it is still pending and unmasked.
 */
static void fifo_consume_one(unsigned int cpu,
                             volatile struct evtchn_fifo_control_block *cb,
                             unsigned int q, uint32_t *ready)
{
    uint32_t head = fifo_head[cpu][q];
    event_word_t old, new;
    evtchn_port_t port;

    if (head == 0) {
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        head = cb->head[q];
    }
    port = head;
    if (port == 0 || port >= FIFO_WORDS_PER_PAGE) {
        /* An empty or out-of-range head: nothing we can consume. */
        *ready &= ~(1u << q);
        fifo_head[cpu][q] = 0;
        return;
    }
    old = fifo_array[port];
    do {
        new = old & ~((1u << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK);
    } while (!__atomic_compare_exchange_n(&fifo_array[port], &old, new, 0,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    head = old & EVTCHN_FIFO_LINK_MASK;
    if (head == 0)
        *ready &= ~(1u << q);
    fifo_head[cpu][q] = head;

    if (fifo_word_test(port, EVTCHN_FIFO_PENDING) &&
        !fifo_word_test(port, EVTCHN_FIFO_MASKED)) {
        fifo_word_clear(port, EVTCHN_FIFO_PENDING);
        deliver(port);
    }
}

static void scan_fifo(unsigned int cpu)
{
    volatile struct evtchn_fifo_control_block *cb =
        (volatile struct evtchn_fifo_control_block *)fifo_control[cpu];
    uint32_t ready = __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);

    while (ready) {
        /* Lowest queue number is the highest priority. */
        unsigned int q = __builtin_ctz(ready);

        fifo_consume_one(cpu, cb, q, &ready);
        ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
    }
}

/* Called by trap_dispatch for the event callback, events masked. */
static void evtchn_do_upcall(struct trap_frame *f)
{
    unsigned int cpu = smp_cpu_id();
    struct vcpu_info *vi = guest_vcpu_info(cpu);

    (void)f;
    if (cpu < GUEST_MAX_CPUS)
        evtchn_upcalls[cpu]++;
    do {
        vi->evtchn_upcall_pending = 0;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (fifo_on)
            scan_fifo(cpu);
        else
            scan_2l(cpu, vi);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while (vi->evtchn_upcall_pending);
}

static long register_callbacks(void)
{
    struct callback_register ev = {
        .type = CALLBACKTYPE_event,
        .address = (xen_callback_t)hypervisor_callback,
    };
    struct callback_register fs = {
        .type = CALLBACKTYPE_failsafe,
        .flags = CALLBACKF_mask_events,
        .address = (xen_callback_t)failsafe_callback,
    };
    long rc;

    trap_upcall_hook = evtchn_do_upcall;
    rc = HYPERVISOR_callback_op(CALLBACKOP_register, &ev);
    if (rc) {
        printk("events: registering the event callback failed: %ld\n", rc);
        return rc;
    }
    rc = HYPERVISOR_callback_op(CALLBACKOP_register, &fs);
    if (rc)
        printk("events: registering the failsafe callback failed: %ld\n", rc);
    return rc;
}

long events_init(void)
{
    if (!shared_info)
        return -XEN_EFAULT;
    return register_callbacks();
}

long events_init_cpu(void)
{
    return register_callbacks();
}

void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *data)
{
    if (port >= EVTCHN_SDK_PORTS)
        return;
    ports[port].data = data;
    barrier();
    ports[port].fn = fn;
}

static void note_port(evtchn_port_t port, uint32_t cpu)
{
    if (port < EVTCHN_SDK_PORTS)
        ports[port].cpu = cpu;
}

long evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF,
                                       .remote_dom = remote_dom };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

    if (rc == 0) {
        note_port(op.port, 0);
        *port = op.port;
    }
    return rc;
}

long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
                             evtchn_port_t *local_port)
{
    struct evtchn_bind_interdomain op = { .remote_dom = remote_dom,
                                          .remote_port = remote_port };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);

    if (rc == 0) {
        note_port(op.local_port, 0);
        *local_port = op.local_port;
    }
    return rc;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);

    if (rc == 0) {
        note_port(op.port, vcpu);
        *port = op.port;
    }
    return rc;
}

long evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi op = { .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);

    if (rc == 0) {
        note_port(op.port, vcpu);
        *port = op.port;
    }
    return rc;
}

long evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu op = { .port = port, .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op);

    if (rc == 0)
        note_port(port, vcpu);
    return rc;
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

long evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

long evtchn_unmask_op(evtchn_port_t port)
{
    struct evtchn_unmask op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

long evtchn_reset(domid_t dom)
{
    struct evtchn_reset op = { .dom = dom };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_reset, &op);

    /* A reset of ourselves also drops the FIFO ABI (back to 2-level). */
    if (rc == 0 && dom == DOMID_SELF)
        fifo_on = 0;
    return rc;
}

long evtchn_set_priority(evtchn_port_t port, uint32_t priority)
{
    struct evtchn_set_priority op = { .port = port, .priority = priority };

    return HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &op);
}

static int fifo_port_ok(evtchn_port_t port)
{
    return port < FIFO_WORDS_PER_PAGE;
}

void evtchn_mask(evtchn_port_t port)
{
    if (fifo_on) {
        if (fifo_port_ok(port))
            fifo_word_set(port, EVTCHN_FIFO_MASKED);
    } else if (port < EVTCHN_2L_NR_CHANNELS) {
        sync_set_bit(port, shared_info->evtchn_mask);
    }
}

int evtchn_is_pending(evtchn_port_t port)
{
    if (fifo_on)
        return fifo_port_ok(port) && fifo_word_test(port, EVTCHN_FIFO_PENDING);
    return port < EVTCHN_2L_NR_CHANNELS &&
           test_bit64(port, shared_info->evtchn_pending);
}

int evtchn_is_masked(evtchn_port_t port)
{
    if (fifo_on)
        return fifo_port_ok(port) && fifo_word_test(port, EVTCHN_FIFO_MASKED);
    return port < EVTCHN_2L_NR_CHANNELS &&
           test_bit64(port, shared_info->evtchn_mask);
}

void evtchn_clear_pending(evtchn_port_t port)
{
    if (fifo_on) {
        if (fifo_port_ok(port))
            fifo_word_clear(port, EVTCHN_FIFO_PENDING);
    } else if (port < EVTCHN_2L_NR_CHANNELS) {
        sync_test_and_clear_bit(port, shared_info->evtchn_pending);
    }
}

void evtchn_force_upcall(void)
{
    /* Any hypercall will do: the upcall is delivered on its way back. */
    HYPERVISOR_xen_version(XENVER_version, NULL);
}

void evtchn_unmask(evtchn_port_t port)
{
    unsigned int cpu = smp_cpu_id();
    struct vcpu_info *vi = guest_vcpu_info(cpu);
    int was_masked = events_disabled();

    if (fifo_on) {
        if (!fifo_port_ok(port))
            return;
        fifo_word_clear(port, EVTCHN_FIFO_MASKED);
        if (fifo_word_test(port, EVTCHN_FIFO_PENDING))
            evtchn_unmask_op(port);
        return;
    }
    if (port >= EVTCHN_2L_NR_CHANNELS)
        return;
    /* Another vCPU's port: only the hypervisor can notify that vCPU. */
    if (port < EVTCHN_SDK_PORTS && ports[port].cpu != cpu) {
        sync_test_and_clear_bit(port, shared_info->evtchn_mask);
        evtchn_unmask_op(port);
        return;
    }
    vi->evtchn_upcall_mask = 1;
    barrier();
    sync_test_and_clear_bit(port, shared_info->evtchn_mask);
    if (test_bit64(port, shared_info->evtchn_pending) &&
        !sync_test_and_set_bit(port / 64, &vi->evtchn_pending_sel))
        vi->evtchn_upcall_pending = 1;
    barrier();
    if (!was_masked)
        events_enable();
}

void events_disable(void)
{
    guest_vcpu_info(smp_cpu_id())->evtchn_upcall_mask = 1;
    barrier();
}

void events_enable(void)
{
    struct vcpu_info *vi = guest_vcpu_info(smp_cpu_id());

    barrier();
    vi->evtchn_upcall_mask = 0;
    /* Clear the mask before looking, or an event could slip in between. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (vi->evtchn_upcall_pending)
        evtchn_force_upcall();
}

int events_disabled(void)
{
    return guest_vcpu_info(smp_cpu_id())->evtchn_upcall_mask != 0;
}

int evtchn_fifo_active(void)
{
    return fifo_on;
}

long evtchn_fifo_init_vcpu(unsigned int cpu)
{
    struct evtchn_init_control op = {
        .control_gfn = guest_virt_to_mfn(fifo_control[cpu]),
        .offset = 0,
        .vcpu = cpu,
    };
    long rc;

    if (cpu >= GUEST_MAX_CPUS)
        return -XEN_EINVAL;
    memset(fifo_control[cpu], 0, sizeof(fifo_control[cpu]));
    memset(fifo_head[cpu], 0, sizeof(fifo_head[cpu]));
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &op);
    if (rc == 0)
        evtchn_fifo_link_bits = op.link_bits;
    return rc;
}

long evtchn_fifo_init(void)
{
    struct evtchn_expand_array ex;
    long rc;

    rc = evtchn_fifo_init_vcpu(0);
    if (rc)
        return rc;
    /* From here on the control block says what is pending. */
    fifo_on = 1;
    memset((void *)fifo_array, 0, sizeof(fifo_array));
    ex.array_gfn = guest_virt_to_mfn((const void *)fifo_array);
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ex);
    if (rc)
        printk("events: EVTCHNOP_expand_array failed: %ld\n", rc);
    return rc;
}

uint32_t events_settle(const volatile uint32_t *count, uint32_t want)
{
    uint64_t end = guest_now() + 100 * NS_PER_MS;

    while (*count < want && guest_now() < end)
        cpu_relax();
    spin_until(guest_now() + 20 * NS_PER_MS);
    return *count;
}

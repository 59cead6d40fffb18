/* SPDX-License-Identifier: MIT */
/* Secondary vCPUs (VCPUOP_initialise/up/down) and sched_op wrappers. */

#include <guest/smp.h>
#include <guest/events.h>

extern char ap_entry[];
extern char hypervisor_callback[], failsafe_callback[];
extern const uint64_t trap_stubs[TRAP_NR_VECTORS];

/* Stack 0 is the boot stack (start.S); the others live here. */
static char ap_stacks[GUEST_MAX_CPUS - 1][GUEST_STACK_SIZE]
    __attribute__((aligned(GUEST_STACK_SIZE), section(".bss.page_aligned")));

struct ap_boot {
    vcpu_entry_t fn;
    void *arg;
};
static struct ap_boot ap_boot[GUEST_MAX_CPUS];
volatile uint32_t vcpu_running[GUEST_MAX_CPUS];

/* 5 KiB: one context at a time is enough, so not on the stack. */
static struct vcpu_guest_context ap_ctxt;

unsigned long guest_virt_to_mfn(const void *va)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
    unsigned long pfn = ((unsigned long)va - 0xffffffff80000000UL) >> 12;

    return p2m[pfn];
}

void ap_start(unsigned int cpu);
void ap_start(unsigned int cpu)
{
    struct ap_boot *b = &ap_boot[cpu];
    long rc;

    /* The trap table and the callbacks are per vCPU: load our own. */
    rc = traps_init();
    if (rc)
        printk("vcpu%u: set_trap_table failed: %ld\n", cpu, rc);
    if (trap_upcall_hook) {
        rc = events_init_cpu();
        if (rc == 0)
            events_enable();
    }
    vcpu_running[cpu] = 1;
    b->fn(cpu, b->arg);
    vcpu_running[cpu] = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    HYPERVISOR_vcpu_op(VCPUOP_down, cpu, NULL);
    /* Brought up again without a new context: just stay down. */
    for (;;)
        HYPERVISOR_vcpu_op(VCPUOP_down, cpu, NULL);
}

void (*vcpu_context_hook)(unsigned int cpu, struct vcpu_guest_context *c);

long vcpu_initialise(unsigned int cpu, vcpu_entry_t fn, void *arg)
{
    struct vcpu_guest_context *c = &ap_ctxt;
    char *stack;
    struct guest_cpu *area;
    unsigned int v;

    if (cpu == 0 || cpu >= GUEST_MAX_CPUS)
        return -XEN_EINVAL;
    stack = ap_stacks[cpu - 1];
    area = (struct guest_cpu *)stack;
    area->id = cpu;
    area->magic = GUEST_CPU_MAGIC;
    ap_boot[cpu].fn = fn;
    ap_boot[cpu].arg = arg;
    /* Its events stay masked until it has its own callbacks. */
    guest_vcpu_info(cpu)->evtchn_upcall_mask = 1;
    if (evtchn_fifo_active()) {
        long rc = evtchn_fifo_init_vcpu(cpu);

        if (rc)
            return rc;
    }

    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel; /* not VGCF_online: VCPUOP_up starts it */
    c->user_regs.rip = (uint64_t)ap_entry;
    c->user_regs.rsp = (uint64_t)(stack + GUEST_STACK_SIZE);
    c->user_regs.rdi = cpu;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.rflags = 0x202; /* IF, and the always-one bit */
    for (v = 0; v < TRAP_NR_VECTORS; v++) {
        c->trap_ctxt[v].vector = (uint8_t)v;
        c->trap_ctxt[v].flags = (v == 3 || v == 4) ? 3 : 0;
        c->trap_ctxt[v].cs = FLAT_KERNEL_CS;
        c->trap_ctxt[v].address = trap_stubs[v];
    }
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = c->user_regs.rsp;
    c->ctrlreg[3] =
        xen_pfn_to_cr3(guest_virt_to_mfn((const void *)start_info->pt_base));
    if (trap_upcall_hook) {
        c->event_callback_eip = (uint64_t)hypervisor_callback;
        c->failsafe_callback_eip = (uint64_t)failsafe_callback;
    }
    if (vcpu_context_hook)
        vcpu_context_hook(cpu, c);
    return HYPERVISOR_vcpu_op(VCPUOP_initialise, cpu, c);
}

long vcpu_start(unsigned int cpu, vcpu_entry_t fn, void *arg)
{
    long rc = vcpu_initialise(cpu, fn, arg);

    if (rc)
        return rc;
    return vcpu_up(cpu);
}

long vcpu_up(unsigned int cpu)
{
    return HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);
}

long vcpu_down(unsigned int cpu)
{
    return HYPERVISOR_vcpu_op(VCPUOP_down, cpu, NULL);
}

long vcpu_is_up(unsigned int cpu)
{
    return HYPERVISOR_vcpu_op(VCPUOP_is_up, cpu, NULL);
}

long sched_pin_override(int pcpu)
{
    struct sched_pin_override p = { .pcpu = pcpu };

    return HYPERVISOR_sched_op(SCHEDOP_pin_override, &p);
}

long vcpu_get_physid(unsigned int cpu, uint64_t *phys_id)
{
    struct vcpu_get_physid id = { 0 };
    long rc = HYPERVISOR_vcpu_op(VCPUOP_get_physid, cpu, &id);

    if (!rc)
        *phys_id = id.phys_id;
    return rc;
}

long sched_yield(void)
{
    return HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

long sched_block(void)
{
    return HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

long sched_poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout_abs)
{
    struct sched_poll p = { .nr_ports = nr, .timeout = timeout_abs };

    set_xen_guest_handle(p.ports, ports);
    return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

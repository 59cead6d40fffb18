/* SPDX-License-Identifier: MIT */
/* Secondary vCPUs, per-vCPU identity and the sched_op wrappers. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <guest/guest.h>

/*
 * Every vCPU runs on its own GUEST_STACK_SIZE stack aligned to its size
 * (vCPU 0 on the boot stack of start.S). Exceptions and upcalls arrive on
 * the current stack, since the guest kernel never leaves kernel mode, so
 * the stack pointer alone says which vCPU is running: the lowest bytes of
 * each stack hold its struct guest_cpu.
 */
#define GUEST_MAX_CPUS 4
#define GUEST_STACK_SIZE 16384

struct guest_cpu {
    uint32_t id;
    uint32_t magic; /* GUEST_CPU_MAGIC once set up: catches a stray stack */
};
#define GUEST_CPU_MAGIC 0x43505553u

static inline struct guest_cpu *guest_cpu_self(void)
{
    unsigned long sp;

    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    return (struct guest_cpu *)(sp & ~(unsigned long)(GUEST_STACK_SIZE - 1));
}

/* The calling vCPU's id (0 on the boot vCPU). */
static inline unsigned int smp_cpu_id(void)
{
    return guest_cpu_self()->id;
}

/* The vcpu_info of vCPU cpu inside shared_info. */
static inline struct vcpu_info *guest_vcpu_info(unsigned int cpu)
{
    return &shared_info->vcpu_info[cpu];
}

/* Machine frame of a page of our image (start_info's P2M, no mm_init). */
unsigned long guest_virt_to_mfn(const void *va);

/*
 * Bring up vCPU cpu (1..GUEST_MAX_CPUS-1): VCPUOP_initialise with a fresh
 * stack, our kernel L4, the flat kernel selectors, our trap table and
 * callbacks, then VCPUOP_up. The new vCPU loads its own trap table and
 * registers its own callbacks (both are per-vCPU), unmasks events when
 * events_init() has run on vCPU 0, and calls fn(cpu, arg). When fn
 * returns the vCPU takes itself down.
 */
typedef void (*vcpu_entry_t)(unsigned int cpu, void *arg);
long vcpu_initialise(unsigned int cpu, vcpu_entry_t fn, void *arg);
/* If set, edits the context just before VCPUOP_initialise (tests). */
extern void (*vcpu_context_hook)(unsigned int cpu,
                                 struct vcpu_guest_context *c);
long vcpu_start(unsigned int cpu, vcpu_entry_t fn, void *arg);

/* Set by a secondary vCPU once its setup is done and fn is about to run. */
extern volatile uint32_t vcpu_running[GUEST_MAX_CPUS];

/* Plain VCPUOP wrappers (return the hypercall's result). */
long vcpu_up(unsigned int cpu);
long vcpu_down(unsigned int cpu);
long vcpu_is_up(unsigned int cpu);

/* SCHEDOP_yield / SCHEDOP_block (re-enables events, see sched.h). */
long sched_yield(void);
long sched_block(void);
/* SCHEDOP_poll on ports; timeout_abs is system time in ns, 0 = none. */
long sched_poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout_abs);

/*
 * SCHEDOP_pin_override (control domain only): run the calling vCPU on
 * physical CPU pcpu until called again with -1.
 */
long sched_pin_override(int pcpu);
/* VCPUOP_get_physid: APIC id (low half) and ACPI id (high half). */
long vcpu_get_physid(unsigned int cpu, uint64_t *phys_id);

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

#endif /* GUEST_SMP_H */

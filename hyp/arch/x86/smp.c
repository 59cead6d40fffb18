/* SPDX-License-Identifier: GPL-2.0-only */
/* Physical CPUs: the big lock, softirqs, inter-processor interrupts. */
#include "arch.h"
#include "atomic.h"
#include "errno.h"
#include "lib.h"
#include "mm.h"
#include "sched.h"
#include "asm/acpi.h"
#include "asm/cpu.h"
#include "asm/mm.h"
#include "smp.h"
#include "asm/percpu.h"
#include "asm/ipi.h"
#include "asm/x86.h"

unsigned int nr_cpus = 1;
cpumask_t cpu_online_mask = 1;
struct percpu *percpu_of[MAX_CPUS];

static volatile u32 big_lock;
static volatile u32 big_lock_owner = ~0u;
static volatile u32 big_lock_waiters; /* CPUs spinning in hyp_lock */

unsigned int smp_processor_id(void)
{
    return get_cpu_info()->cpu_id;
}

void hyp_lock(void)
{
    unsigned int me = smp_processor_id();

    BUG_ON(big_lock_owner == me);
    if (cmpxchg32(&big_lock, 0, 1) == 0) {
        big_lock_owner = me;
        return;
    }
    /*
     * Spin with interrupts on: a CPU holding the lock may be waiting for
     * this one to answer a TLB-flush IPI. The waiter count tells a long
     * hypercall on the holder to stop at its next preemption point.
     */
    __atomic_add_fetch(&big_lock_waiters, 1, __ATOMIC_SEQ_CST);
    while (cmpxchg32(&big_lock, 0, 1) != 0) {
        local_irq_enable();
        while (READ_ONCE(big_lock))
            cpu_relax();
        local_irq_disable();
    }
    __atomic_sub_fetch(&big_lock_waiters, 1, __ATOMIC_SEQ_CST);
    big_lock_owner = me;
}

bool hyp_lock_contended(void)
{
    return READ_ONCE(big_lock_waiters) != 0;
}

void hyp_unlock(void)
{
    BUG_ON(big_lock_owner != smp_processor_id());
    big_lock_owner = ~0u;
    smp_wmb();
    WRITE_ONCE(big_lock, 0);
}

void hyp_lock_yield(void)
{
    hyp_unlock();
    local_irq_enable();
    for (unsigned int k = 0; k < 256; k++)
        cpu_relax();
    local_irq_disable();
    hyp_lock();
}

bool hyp_locked_by_me(void)
{
    return big_lock_owner == smp_processor_id();
}

void raise_softirq(unsigned int nr)
{
    set_bit(nr, &this_cpu()->softirq_pending);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    struct percpu *pc = percpu_of[cpu];

    if (!pc)
        return;
    if (test_and_set_bit(nr, &pc->softirq_pending) || cpu == smp_processor_id())
        return;
    send_ipi(pc->apic_id, VEC_EVENT_CHECK);
}

bool softirq_pending(void)
{
    return READ_ONCE(this_cpu()->softirq_pending) != 0;
}

bool softirq_test_and_clear(unsigned int nr)
{
    return test_and_clear_bit(nr, &this_cpu()->softirq_pending);
}

void softirq_clear(unsigned int nr)
{
    clear_bit(nr, &this_cpu()->softirq_pending);
}

/* CPUs that still owe an answer to the current flush request. */
static volatile u64 flush_waiting;

static void flush_local_all(void)
{
    u64 cr4 = read_cr4();

    /* Toggling PGE drops global entries as well. */
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4);
}

void flush_ipi_handler(void)
{
    flush_local_all();
    clear_bit(smp_processor_id(), &flush_waiting);
}

void flush_tlb_mask(cpumask_t mask)
{
    unsigned int me = smp_processor_id();

    mask &= cpu_online_mask;
    if (mask & (1UL << me))
        flush_local_all();
    mask &= ~(1UL << me);
    if (!mask)
        return;
    /* The big lock serialises requesters; answers come from interrupts. */
    BUG_ON(!hyp_locked_by_me());
    flush_waiting = mask;
    for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
        if (mask & (1UL << cpu))
            send_ipi(percpu_of[cpu]->apic_id, VEC_FLUSH);
    while (READ_ONCE(flush_waiting))
        cpu_relax();
}

/* ------------------------------------------------------------ bring-up */

extern const char trampoline_start[], trampoline_end[];
extern u64 tramp_boot_cr3, tramp_cr3, tramp_stack, tramp_entry;
extern pte_t boot_l4[];
extern const char ap_high_entry[];

static u32 ap_apic_ids[MAX_CPUS];
static u32 ap_acpi_ids[MAX_CPUS]; /* ACPI processor UIDs, same order */
static unsigned int nr_apic_ids;
static volatile u32 ap_started;

/* Local APIC ids of the enabled CPUs in the ACPI MADT, boot CPU first. */
static void madt_scan(u32 self)
{
    const u8 *rsdp = acpi_rsdp(), *rsdt, *madt = NULL;
    u32 len;

    ap_apic_ids[nr_apic_ids++] = self;
    if (!rsdp) {
        printk_lvl(LOG_WARN, "smp: no ACPI tables; one CPU only\n");
        return;
    }
    rsdt = maddr_to_virt(*(const u32 *)(rsdp + 16));
    len = *(const u32 *)(rsdt + 4);
    for (u32 off = 36; off + 4 <= len && !madt; off += 4) {
        const u8 *t = maddr_to_virt(*(const u32 *)(rsdt + off));

        if (!memcmp(t, "APIC", 4))
            madt = t;
    }
    if (!madt) {
        printk_lvl(LOG_WARN, "smp: no MADT; one CPU only\n");
        return;
    }
    len = *(const u32 *)(madt + 4);
    for (u32 off = 44; off + 2 <= len; off += madt[off + 1]) {
        const u8 *e = madt + off;

        if (e[1] < 2)
            break;
        /* Type 0: processor local APIC; bit 0 of flags = enabled. */
        if (e[0] != 0 || !(*(const u32 *)(e + 4) & 1))
            continue;
        if (e[3] == self) {
            ap_acpi_ids[0] = e[2];
            continue;
        }
        if (nr_apic_ids == MAX_CPUS) {
            printk_lvl(LOG_WARN, "smp: more than %u CPUs; using %u\n", MAX_CPUS,
                       MAX_CPUS);
            break;
        }
        ap_acpi_ids[nr_apic_ids] = e[2];
        ap_apic_ids[nr_apic_ids++] = e[3];
    }
}

static void udelay(u64 us)
{
    u64 end = arch_now_ns() + us * 1000;

    while (arch_now_ns() < end)
        cpu_relax();
}

void start_secondary(void);
void start_secondary(void)
{
    struct percpu *pc = get_cpu_info()->pcpu;

    cpu_init(pc);
    time_init_cpu();
    sched_init_cpu(pc->cpu_id);
    set_bit(pc->cpu_id, &cpu_online_mask);
    smp_wmb();
    ap_started = pc->cpu_id;
    hyp_lock();
    schedule();
}

/* A per-CPU block (stacks, stub, GDT page) like the boot CPU's. */
static struct percpu *percpu_alloc(unsigned int cpu)
{
    struct page_info *pg = alloc_pages(PCPU_BLOCK_ORDER);
    struct percpu *pc = xzalloc(sizeof(*pc));

    if (!pg || !pc)
        panic("smp: no memory for CPU %u", cpu);
    pc->cpu_id = cpu;
    pc->block = maddr_to_virt(page_to_mfn(pg) << PAGE_SHIFT);
    memset(pc->block, 0, PCPU_BLOCK_SIZE);
    pc->info = (struct cpu_info *)(pc->block + PCPU_STACK_SIZE -
                                   sizeof(struct cpu_info));
    pc->info->pcpu = pc;
    pc->info->cpu_id = cpu;
    pc->gdt = alloc_page_va();
    if (!pc->gdt)
        panic("smp: no memory for CPU %u's GDT", cpu);
    return pc;
}

int arch_cpu_physid(unsigned int cpu, u32 *apic_id, u32 *acpi_id)
{
    if (cpu >= MAX_CPUS || !(cpu_online_mask & (1ull << cpu)) ||
        !percpu_of[cpu])
        return -EINVAL;
    *apic_id = percpu_of[cpu]->apic_id;
    *acpi_id = percpu_of[cpu]->acpi_id;
    return 0;
}

unsigned int smp_boot_cpus(u64 tramp_pa, unsigned int max)
{
    u8 *tramp = maddr_to_virt(tramp_pa);
    size_t off_boot = (uintptr_t)&tramp_boot_cr3 - (uintptr_t)trampoline_start;
    size_t off_cr3 = (uintptr_t)&tramp_cr3 - (uintptr_t)trampoline_start;
    size_t off_stack = (uintptr_t)&tramp_stack - (uintptr_t)trampoline_start;
    size_t off_entry = (uintptr_t)&tramp_entry - (uintptr_t)trampoline_start;

    madt_scan(lapic_id());
    percpu_of[0]->apic_id = lapic_id();
    percpu_of[0]->acpi_id = ap_acpi_ids[0];
    /* Linker symbols: compare addresses, not unrelated objects. */
    memcpy(tramp, trampoline_start,
           (uintptr_t)trampoline_end - (uintptr_t)trampoline_start);
    *(u64 *)(tramp + off_boot) = virt_to_maddr(boot_l4);
    *(u64 *)(tramp + off_cr3) = virt_to_maddr(idle_l4);
    *(u64 *)(tramp + off_entry) = (u64)(uintptr_t)ap_high_entry;

    for (unsigned int i = 1; i < nr_apic_ids && (!max || nr_cpus < max); i++) {
        unsigned int cpu = nr_cpus;
        struct percpu *pc = percpu_alloc(cpu);
        u64 deadline;

        percpu_of[cpu] = pc;
        pc->acpi_id = ap_acpi_ids[i];
        /* The stack starts just below struct cpu_info, 16-byte aligned. */
        *(u64 *)(tramp + off_stack) = (u64)(uintptr_t)pc->info;
        ap_started = 0;
        smp_wmb();
        lapic_send_init_sipi(ap_apic_ids[i], tramp_pa >> PAGE_SHIFT, false);
        udelay(10000);
        lapic_send_init_sipi(ap_apic_ids[i], tramp_pa >> PAGE_SHIFT, true);
        udelay(200);
        if (READ_ONCE(ap_started) != cpu)
            lapic_send_init_sipi(ap_apic_ids[i], tramp_pa >> PAGE_SHIFT, true);
        deadline = arch_now_ns() + 1000000000;
        while (READ_ONCE(ap_started) != cpu && arch_now_ns() < deadline)
            cpu_relax();
        if (READ_ONCE(ap_started) != cpu) {
            printk_lvl(LOG_WARN, "smp: CPU with APIC id %u did not start\n",
                       ap_apic_ids[i]);
            percpu_of[cpu] = NULL;
            continue;
        }
        nr_cpus++;
    }
    printk("smp: %u CPU%s online\n", nr_cpus, nr_cpus == 1 ? "" : "s");
    return nr_cpus;
}

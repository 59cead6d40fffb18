/* SPDX-License-Identifier: GPL-2.0-only */
/* TSC and local APIC timer, both calibrated against the PIT. */
#include "arch.h"
#include "lib.h"
#include "asm/percpu.h"
#include "asm/ipi.h"
#include "asm/x86.h"

#define PIT_HZ 1193182
#define CALIBRATE_MS 10

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_PERIODIC (1u << 17)
#define LVT_MASKED (1u << 16)

u64 tsc_khz;
static u64 lapic_ticks_per_ms;
static u64 tsc_at_boot;
static volatile u32 *lapic;

static u32 lapic_read(u32 reg)
{
    return lapic[reg / 4];
}
static void lapic_write(u32 reg, u32 v)
{
    lapic[reg / 4] = v;
}

void lapic_eoi(void);
void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_BUSY (1u << 12)

u32 lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

static void icr_wait(void)
{
    while (lapic_read(LAPIC_ICR_LO) & ICR_BUSY)
        cpu_relax();
}

void send_ipi(u32 apic_id, unsigned int vector)
{
    icr_wait();
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, vector); /* fixed, physical, edge */
}

/* AP bring-up: INIT, or STARTUP at the real-mode page `page`. */
void lapic_send_init_sipi(u32 apic_id, unsigned int page, bool sipi)
{
    icr_wait();
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, sipi ? 0x4600 | page : 0x4500);
    icr_wait();
}

/* Run PIT channel 2 for CALIBRATE_MS with the speaker gate, polling OUT2. */
static void pit_wait_start(void)
{
    u16 count = PIT_HZ * CALIBRATE_MS / 1000;

    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(0x43, 0xb0);                       /* ch2, lo/hi, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
}

static bool pit_wait_done(void)
{
    return inb(0x61) & 0x20;
}

/*
 * The BIOS leaves the 8259s delivering the PIT on vector 8, which would
 * look like #DF. Move them out of the exception range and mask them all:
 * Vesper uses the local APIC only.
 */
static void pic_disable(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11); /* ICW1: init, expect ICW4 */
    outb(0x21, 0x20);
    outb(0xa1, 0x28); /* ICW2: vectors 0x20 / 0x28 */
    outb(0x21, 0x04);
    outb(0xa1, 0x02); /* ICW3: cascade on IRQ2 */
    outb(0x21, 0x01);
    outb(0xa1, 0x01); /* ICW4: 8086 mode */
    outb(0x21, 0xff);
    outb(0xa1, 0xff); /* mask everything */
}

void time_init(void);
void time_init(void)
{
    u64 t0, t1, spins = 0;
    u32 l0, l1;

    pic_disable();
    lapic = maddr_to_virt(rdmsr(MSR_APIC_BASE) & PTE_ADDR_MASK);
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
    lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);

    pit_wait_start();
    t0 = rdtsc();
    l0 = lapic_read(LAPIC_TIMER_CUR);
    while (!pit_wait_done() && spins < 100000000)
        spins++;
    t1 = rdtsc();
    l1 = lapic_read(LAPIC_TIMER_CUR);
    if (spins >= 100000000)
        printk_lvl(LOG_WARN, "time: PIT did not count; assuming 1 GHz TSC\n");
    tsc_khz = spins >= 100000000 ? 1000000 : (t1 - t0) / CALIBRATE_MS;
    if (!tsc_khz)
        tsc_khz = 1000000;
    this_cpu()->lapic_ticks_per_ms = (l0 - l1) / CALIBRATE_MS;
    tsc_at_boot = t0;
    printk("time: TSC %llu.%03llu MHz, LAPIC timer %llu ticks/ms\n",
           (unsigned long long)tsc_khz / 1000,
           (unsigned long long)tsc_khz % 1000,
           (unsigned long long)this_cpu()->lapic_ticks_per_ms);
    lapic_ticks_per_ms = this_cpu()->lapic_ticks_per_ms;
    time_init_cpu();
}

/* Each CPU: APIC on, one-shot timer interrupts on VEC_TIMER. */
void time_init_cpu(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
    this_cpu()->lapic_ticks_per_ms = lapic_ticks_per_ms;
    this_cpu()->apic_id = lapic_id();
    arch_timer_program(0);
}

/*
 * One-shot LAPIC countdown to the deadline. With no deadline the CPU still
 * wakes every 100 ms, a backstop against a lost wake-up.
 */
void arch_timer_program(u64 deadline)
{
    u64 now = arch_now_ns(), ns = 100000000, ticks;

    if (deadline && deadline < now + ns)
        ns = deadline > now ? deadline - now : 0;
    ticks = ns * lapic_ticks_per_ms / 1000000;
    lapic_write(LAPIC_TIMER_INIT, (u32)MIN(MAX(ticks, 1), 0xffffffffUL));
}

u64 arch_now_ns(void)
{
    u64 d = rdtsc() - tsc_at_boot;

    /* ns = ticks * 1e6 / kHz, split to avoid overflow. */
    return (d / tsc_khz) * 1000000 + (d % tsc_khz) * 1000000 / tsc_khz;
}

void arch_idle(void)
{
    safe_halt();
    local_irq_disable();
}

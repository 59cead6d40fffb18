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
static void time_scale_init(void);
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
    time_scale_init();
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

/*
 * TSC ticks to nanoseconds the pvclock way, (ticks << shift) * mul >> 32,
 * from one epoch for the whole run: the hypervisor and every guest compute
 * exactly the same time from the same TSC value, on every CPU.
 */
static u32 scale_mul = 1u << 31;
static s8 scale_shift = 1;

static void time_scale_init(void)
{
    u64 mul = (1000000UL << 32) / tsc_khz; /* ns per tick, 32.32 */
    int shift = 0;

    while (mul >= (1UL << 32))
        mul >>= 1, shift++;
    while (mul < (1UL << 31))
        mul <<= 1, shift--;
    scale_mul = (u32)mul;
    scale_shift = (s8)shift;
}

static u64 scale_delta(u64 d)
{
    if (scale_shift >= 0)
        d <<= scale_shift;
    else
        d >>= -scale_shift;
    return (u64)(((unsigned __int128)d * scale_mul) >> 32);
}

u64 arch_now_ns(void)
{
    return scale_delta(rdtsc() - tsc_at_boot);
}

void arch_time_scale(u64 *tsc_epoch, u32 *mul, s8 *shift)
{
    *tsc_epoch = tsc_at_boot;
    *mul = scale_mul;
    *shift = scale_shift;
}

/* CMOS RTC, BCD or binary, read twice until stable. */
static u8 cmos(u8 reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static u8 bcd(u8 x)
{
    return (x & 15) + (x >> 4) * 10;
}

static u64 days_from_civil(u64 y, unsigned int m, unsigned int d)
{
    /* Days since 1970-01-01 of a Gregorian date (March-based years). */
    u64 yy = m <= 2 ? y - 1 : y;
    u64 era = yy / 400, yoe = yy - era * 400;
    u64 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    u64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

u64 arch_wallclock_sec(void)
{
    u8 s, mi, h, d, mo, y, b, s2;
    unsigned int Y;

    do {
        while (cmos(0x0a) & 0x80)
            cpu_relax();
        s = cmos(0), mi = cmos(2), h = cmos(4), d = cmos(7), mo = cmos(8);
        y = cmos(9);
        s2 = cmos(0);
    } while (s != s2);
    b = cmos(0x0b);
    if (!(b & 0x04)) {
        s = bcd(s), mi = bcd(mi), h = bcd(h & 0x7f) | (h & 0x80);
        d = bcd(d), mo = bcd(mo), y = bcd(y);
    }
    if (!(b & 0x02) && (h & 0x80))
        h = (h & 0x7f) % 12 + 12;
    Y = 2000 + y;
    return days_from_civil(Y, mo, d) * 86400 + h * 3600UL + mi * 60UL + s;
}

void arch_idle(void)
{
    safe_halt();
    local_irq_disable();
}

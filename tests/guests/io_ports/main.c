/* SPDX-License-Identifier: MIT */
/* dom0's emulated port I/O reaches real ports, except those the hypervisor keeps. */
#include <guest/events.h>
#include <guest/hypercall.h>
#include <guest/smp.h>
#include <guest/test.h>
#include <guest/time.h>
#include <guest/traps.h>
#include <public/physdev.h>

/* QEMU's i440FX host bridge, 00:00.0, as its config dword 0 reads. */
#define HOST_BRIDGE_ID 0x12378086u
#define CF8(bus, dev, fn, reg) \
    (0x80000000u | ((bus) << 16) | ((dev) << 11) | ((fn) << 8) | (reg))
#define RTC_STATUS_D 0x0d
#define RTC_VRT 0x80 /* status D: valid RAM and time, always set */
#define COM1 0x3f8
#define PM_TIMER 0x608 /* SeaBIOS's PIIX4 PM base 0x600 + 8, in QEMU's FADT */

static volatile int faulted;
static volatile uint32_t fired;

static int gp_fail(struct trap_frame *f)
{
    printk("unexpected #GP at %lx\n", (unsigned long)f->rip);
    faulted = 1;
    return 0;
}

static void on_timer(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    fired++;
}

static uint8_t in8(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static uint16_t in16(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static uint32_t in32(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void out8(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static void out32(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

/* PCI configuration through the 0xcf8 latch and the 0xcfc window. */
static void pci_config(void)
{
    uint8_t line;

    out32(0xcf8, CF8(0, 0, 0, 0));
    TEST_EQ(in32(0xcf8), CF8(0, 0, 0, 0)); /* the latch reads back */
    TEST_EQ(in32(0xcfc), HOST_BRIDGE_ID);
    TEST_EQ(in16(0xcfe), HOST_BRIDGE_ID >> 16);
    TEST_EQ(in8(0xcfd), (HOST_BRIDGE_ID >> 8) & 0xff);
    /* An empty slot reads all ones. */
    out32(0xcf8, CF8(0, 31, 0, 0));
    TEST_EQ(in32(0xcfc), 0xffffffffu);
    /*
     * A write reaches the device: the interrupt line register is
     * software's scratch byte on every PCI function.
     */
    out32(0xcf8, CF8(0, 0, 0, 0x3c));
    line = in8(0xcfc);
    out8(0xcfc, 0x5a);
    TEST_EQ(in8(0xcfc), 0x5a);
    out8(0xcfc, line);
    TEST_EQ(in8(0xcfc), line);
}

/* The RTC: a per-domain index latch, the data port reaches the chip. */
static void rtc(void)
{
    out8(0x70, RTC_STATUS_D);
    TEST_EQ(in8(0x70), RTC_STATUS_D); /* the chip's index is write-only */
    TEST_EQ(in8(0x71) & RTC_VRT, RTC_VRT);
}

/* Ports the hypervisor keeps read all ones; writes do nothing to it. */
static void denied(void)
{
    evtchn_port_t tport;
    uint64_t t0, t1;

    TEST_EQ(in8(0x40), 0xff);             /* PIT channel 0 */
    TEST_EQ(in8(0x21), 0xff);             /* master PIC mask */
    TEST_EQ(in8(0xa1), 0xff);             /* slave PIC mask */
    TEST_EQ(in8(COM1 + 5), 0xff);         /* the console UART's LSR */
    TEST_EQ(in32(PM_TIMER), 0xffffffffu); /* the hypervisor's clock */
    TEST_EQ(in8(0x43), 0);                /* PIT mode: Xen's vPIT says 0 */

    /*
     * Unmask every PIC line, start PIT channel 0 fast, and set DLAB on
     * the console UART: had any of these reached the hardware, the
     * hypervisor would take stray interrupts or print garbage from now
     * on, and this test's verdict line would not come out.
     */
    out8(0x21, 0x00);
    out8(0xa1, 0x00);
    out8(0x43, 0x34);
    out8(0x40, 0x10);
    out8(0x40, 0x00);
    out8(COM1 + 3, 0x80);
    out8(COM1 + 1, 0x0f);
    TEST_EQ(in8(0x21), 0xff);

    /* The hypervisor's timer still ticks: a 100 ms singleshot fires. */
    TEST_EQ(events_init(), 0);
    TEST_EQ(timer_stop_periodic(), 0);
    TEST_EQ(evtchn_bind_virq(VIRQ_TIMER, 0, &tport), 0);
    evtchn_set_handler(tport, on_timer, NULL);
    events_disable();
    t0 = guest_now();
    TEST_EQ(timer_set_singleshot(t0 + 100 * NS_PER_MS, 0), 0);
    TEST_EQ(sched_block(), 0);
    t1 = guest_now();
    TEST_EQ(fired, 1);
    TEST_CHECK(t1 >= t0 + 100 * NS_PER_MS);
    TEST_CHECK(t1 - t0 < 2 * NS_PER_SEC);
}

void test_main(void)
{
    struct physdev_set_iopl op = { .iopl = 1 };

    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op), 0);
    trap_set_handler(13, gp_fail);
    pci_config();
    rtc();
    denied();
    trap_set_handler(13, NULL);
    TEST_CHECK(!faulted);
}

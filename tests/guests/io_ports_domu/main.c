/* SPDX-License-Identifier: MIT */
/* An unprivileged domain's port reads see all ones; its writes reach nothing. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <public/physdev.h>

#define HOST_BRIDGE_ID 0x12378086u
#define CF8_HOST_BRIDGE 0x80000000u
#define CF8_LINE 0x8000003cu /* 00:00.0 interrupt line register */
#define RTC_STATUS_D 0x0d

static volatile int faulted;

static int gp_fail(struct trap_frame *f)
{
    printk("unexpected #GP at %lx\n", (unsigned long)f->rip);
    faulted = 1;
    return 0;
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

/*
 * role=domu: the ports dom0 reaches answer all ones here. As in Xen, the
 * 0xcf8 and RTC index latches are every PV domain's own and read back;
 * the data behind them does not, and a configuration write is dropped.
 */
static void domu(void)
{
    TEST_CHECK(!(start_info->flags & SIF_PRIVILEGED));
    out32(0xcf8, CF8_HOST_BRIDGE);
    TEST_EQ(in32(0xcf8), CF8_HOST_BRIDGE);
    TEST_EQ(in32(0xcfc), 0xffffffffu);
    TEST_EQ(in16(0xcfe), 0xffff);
    out32(0xcf8, CF8_LINE);
    out8(0xcfc, 0xa5);
    TEST_EQ(in8(0xcfc), 0xff);
    out8(0x70, RTC_STATUS_D);
    TEST_EQ(in8(0x70), RTC_STATUS_D);
    TEST_EQ(in8(0x71), 0xff);
    TEST_EQ(in8(0x40), 0xff);
    TEST_EQ(in8(0x43), 0xff); /* no virtual PIT for a domU */
    TEST_EQ(in8(0x61), 0xff);
    TEST_EQ(in8(0x64), 0xff); /* keyboard controller status */
    TEST_EQ(in16(0x64), 0xffff);
    TEST_EQ(in32(0x80), 0xffffffffu);
}

/* dom0: the same ports give real values. */
static void dom0(void)
{
    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    out32(0xcf8, CF8_HOST_BRIDGE);
    TEST_EQ(in32(0xcfc), HOST_BRIDGE_ID);
    TEST_CHECK(in8(0x64) != 0xff);
}

void test_main(void)
{
    struct physdev_set_iopl op = { .iopl = 1 };

    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op), 0);
    trap_set_handler(13, gp_fail);
    if (!strcmp(start_info->cmd_line, "role=domu"))
        domu();
    else
        dom0();
    trap_set_handler(13, NULL);
    TEST_CHECK(!faulted);
}

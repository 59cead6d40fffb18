/* SPDX-License-Identifier: MIT */
/* Emulated `in` honours the operand-size prefix and zero-extends dwords. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <public/physdev.h>

#define SEED 0x1122334455667788ull

static volatile int faulted;

static int gp_fail(struct trap_frame *f)
{
    printk("unexpected #GP at %lx\n", (unsigned long)f->rip);
    faulted = 1;
    return 0;
}

void test_main(void)
{
    struct physdev_set_iopl op = { .iopl = 1 };
    uint64_t b = SEED, w = SEED, d = SEED, dx = SEED, wdx = SEED;

    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op), 0);
    trap_set_handler(13, gp_fail);
    /* Port 0x80 is harmless to read; what it returns is not asserted. */
    __asm__ volatile("inb $0x80, %%al" : "+a"(b));
    __asm__ volatile("inw $0x80, %%ax" : "+a"(w));
    __asm__ volatile("inl $0x80, %%eax" : "+a"(d));
    __asm__ volatile("inl %%dx, %%eax" : "+a"(dx) : "d"(0x80));
    __asm__ volatile("inw %%dx, %%ax" : "+a"(wdx) : "d"(0x80));
    trap_set_handler(13, NULL);
    printk("in: b %lx w %lx d %lx dx %lx wdx %lx\n", (unsigned long)b,
           (unsigned long)w, (unsigned long)d, (unsigned long)dx,
           (unsigned long)wdx);
    TEST_CHECK(!faulted);
    TEST_EQ(b >> 8, SEED >> 8);
    TEST_EQ(w >> 16, SEED >> 16);
    TEST_EQ(wdx >> 16, SEED >> 16);
    TEST_EQ(d >> 32, 0);
    TEST_EQ(dx >> 32, 0);
}

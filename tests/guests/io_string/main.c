/* SPDX-License-Identifier: MIT */
/* dom0's ins/outs (rep, sizes, DF, faults) are emulated through the real ports. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <public/physdev.h>

#define HOST_BRIDGE_ID 0x12378086u
#define CF8_ID 0x80000000u
#define CF8_LINE 0x8000003cu /* 00:00.0 interrupt line register */
#define RTC_STATUS_D 0x0d
#define RTC_VRT 0x80
#define SENTINEL 0xdeadbeefu
#define UNMAPPED 0x1000ul /* the guest maps nothing this low */

static volatile unsigned int pf_count, gp_count;
static volatile uint64_t pf_cr2, pf_err, pf_rcx, pf_rdi;
static uint32_t dwords[4];

/* #PF from the emulated store: note it, point RDI at dwords, retry. */
static int on_pf(struct trap_frame *f)
{
    pf_count++;
    pf_cr2 = f->cr2;
    pf_err = f->error_code;
    pf_rcx = f->rcx;
    pf_rdi = f->rdi;
    f->rdi = (uint64_t)(uintptr_t)dwords;
    return 1;
}

/* #GP from a non-canonical address: skip the 2-byte rep insb. */
static int on_gp(struct trap_frame *f)
{
    gp_count++;
    TEST_EQ(f->error_code, 0);
    f->rip += 2;
    return 1;
}

static void out8(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static void out32(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static uint8_t in8(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void ins_dwords(void)
{
    uint32_t *p = dwords;
    uint64_t n = 3;
    uint16_t w[2] = { 0, 0 };
    uint16_t *q = w;

    for (int i = 0; i < 4; i++)
        dwords[i] = SENTINEL;
    out32(0xcf8, CF8_ID);
    __asm__ volatile("rep insl" : "+D"(p), "+c"(n) : "d"(0xcfc) : "memory");
    TEST_EQ(n, 0);
    TEST_EQ((uintptr_t)p, (uintptr_t)&dwords[3]);
    TEST_EQ(dwords[0], HOST_BRIDGE_ID);
    TEST_EQ(dwords[2], HOST_BRIDGE_ID);
    TEST_EQ(dwords[3], SENTINEL);
    /* One word, no rep: RDI moves by 2, RCX is not touched. */
    n = 77;
    __asm__ volatile("insw" : "+D"(q), "+c"(n) : "d"(0xcfe) : "memory");
    TEST_EQ(w[0], HOST_BRIDGE_ID >> 16);
    TEST_EQ(w[1], 0);
    TEST_EQ((uintptr_t)q, (uintptr_t)&w[1]);
    TEST_EQ(n, 77);
}

static void ins_backwards(void)
{
    uint8_t b[4] = { 0, 0, 0, 0 };
    uint8_t *p = &b[2];
    uint64_t n = 2;

    out8(0x70, RTC_STATUS_D);
    __asm__ volatile("std; rep insb; cld"
                     : "+D"(p), "+c"(n)
                     : "d"(0x71)
                     : "memory", "cc");
    TEST_EQ((uintptr_t)p, (uintptr_t)&b[0]);
    TEST_EQ(b[2] & RTC_VRT, RTC_VRT);
    TEST_EQ(b[1] & RTC_VRT, RTC_VRT);
    TEST_EQ(b[0], 0);
    TEST_EQ(b[3], 0);
}

static void outs_and_denied(void)
{
    static const uint8_t seq[2] = { 0x11, 0x5a };
    const uint8_t *s = seq;
    uint8_t pit[4] = { 0, 0, 0, 0 };
    uint8_t *p = pit;
    uint64_t n = 2;
    uint8_t line;

    out32(0xcf8, CF8_LINE);
    line = in8(0xcfc);
    __asm__ volatile("rep outsb" : "+S"(s), "+c"(n) : "d"(0xcfc) : "memory");
    TEST_EQ((uintptr_t)s, (uintptr_t)&seq[2]);
    TEST_EQ(in8(0xcfc), 0x5a);
    out8(0xcfc, line);
    /* A port the hypervisor keeps: all ones land in memory. */
    n = 4;
    __asm__ volatile("rep insb" : "+D"(p), "+c"(n) : "d"(0x40) : "memory");
    TEST_EQ(pit[0], 0xff);
    TEST_EQ(pit[3], 0xff);
}

static void faults(void)
{
    uint32_t *p = (uint32_t *)UNMAPPED;
    uint64_t n = 3;
    uint8_t *bad = (uint8_t *)0x8000000000000000ul;

    for (int i = 0; i < 4; i++)
        dwords[i] = SENTINEL;
    out32(0xcf8, CF8_ID);
    trap_set_handler(14, on_pf);
    __asm__ volatile("rep insl" : "+D"(p), "+c"(n) : "d"(0xcfc) : "memory");
    trap_set_handler(14, NULL);
    TEST_EQ(pf_count, 1);
    TEST_EQ(pf_cr2, UNMAPPED);
    TEST_EQ(pf_err & 7, 2); /* a write, to a page not present */
    TEST_EQ(pf_rcx, 3);     /* no element was done */
    TEST_EQ(pf_rdi, UNMAPPED);
    TEST_EQ(n, 0); /* the retry finished the rest */
    TEST_EQ(dwords[2], HOST_BRIDGE_ID);
    TEST_EQ(dwords[3], SENTINEL);

    trap_set_handler(13, on_gp);
    n = 1;
    __asm__ volatile("rep insb" : "+D"(bad), "+c"(n) : "d"(0x71) : "memory");
    trap_set_handler(13, NULL);
    TEST_EQ(gp_count, 1);
    TEST_EQ(n, 1);
}

void test_main(void)
{
    struct physdev_set_iopl op = { .iopl = 1 };

    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &op), 0);
    ins_dwords();
    ins_backwards();
    outs_and_denied();
    faults();
}

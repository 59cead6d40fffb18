/* SPDX-License-Identifier: MIT */
/* HVM I/O requests: the pages shared between the hypervisor and an emulator. */
#ifndef VESPER_PUBLIC_HVM_IOREQ_H
#define VESPER_PUBLIC_HVM_IOREQ_H

#include "../vesper.h"

/*
 * When an HVM guest touches a port or an MMIO range that an ioreq server
 * (a device model such as QEMU, see dm_op.h) has claimed, the hypervisor
 * fills in the faulting vCPU's struct ioreq, marks it READY and signals
 * the server on vp_eport. The server moves it to INPROCESS, emulates,
 * writes back data for reads and sets IORESP_READY; the hypervisor then
 * completes the instruction and resets the slot to NONE. Both sides only
 * ever advance state, so the other side can poll it without a lock.
 */

/* ioreq.dir: which way data flows, seen from the guest. */
#define IOREQ_READ 1
#define IOREQ_WRITE 0

/* ioreq.state */
#define STATE_IOREQ_NONE 0      /* slot free */
#define STATE_IOREQ_READY 1     /* filled in, waiting for the emulator */
#define STATE_IOREQ_INPROCESS 2 /* the emulator has taken it */
#define STATE_IORESP_READY 3    /* emulated; result in data */

/* ioreq.type and buf_ioreq.type */
#define IOREQ_TYPE_PIO 0        /* port I/O; addr is the port */
#define IOREQ_TYPE_COPY 1       /* MMIO; addr is a guest physical address */
#define IOREQ_TYPE_PCI_CONFIG 2 /* config space; addr as described below */
#define IOREQ_TYPE_TIMEOFFSET 7 /* guest RTC moved; data is the delta */
#define IOREQ_TYPE_INVALIDATE 8 /* drop cached guest mappings (mapcache) */

/*
 * For IOREQ_TYPE_PCI_CONFIG, addr packs the target and the register:
 * segment in bits 63:48, bus 47:40, device 39:35, function 34:32 and the
 * byte offset into config space in bits 31:0.
 */

/*
 * Buffered requests: 511 slots of 8 bytes after two 4-byte ring indexes
 * fill exactly one page.
 */
#define IOREQ_BUFFER_SLOT_NUM 511

/*
 * Where the emulated ACPI PM1a event/control blocks, PM timer and GPE0
 * block live in I/O space. HVM_PARAM_ACPI_IOPORTS_LOCATION picks one of
 * the two layouts; version 0 is the default, version 1 is where current
 * QEMU expects them.
 */
#define ACPI_PM1A_EVT_BLK_ADDRESS_V0 0x1f40
#define ACPI_PM1A_CNT_BLK_ADDRESS_V0 (ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x04)
#define ACPI_PM_TMR_BLK_ADDRESS_V0 (ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x08)
#define ACPI_GPE0_BLK_ADDRESS_V0 (ACPI_PM_TMR_BLK_ADDRESS_V0 + 0x20)
#define ACPI_GPE0_BLK_LEN_V0 0x08

#define ACPI_PM1A_EVT_BLK_ADDRESS_V1 0xb000
#define ACPI_PM1A_CNT_BLK_ADDRESS_V1 (ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x04)
#define ACPI_PM_TMR_BLK_ADDRESS_V1 (ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x08)
#define ACPI_GPE0_BLK_ADDRESS_V1 0xafe0
#define ACPI_GPE0_BLK_LEN_V1 0x04

/* Unversioned names mean the default layout. */
#define ACPI_PM1A_EVT_BLK_ADDRESS ACPI_PM1A_EVT_BLK_ADDRESS_V0
#define ACPI_PM1A_CNT_BLK_ADDRESS ACPI_PM1A_CNT_BLK_ADDRESS_V0
#define ACPI_PM_TMR_BLK_ADDRESS ACPI_PM_TMR_BLK_ADDRESS_V0
#define ACPI_GPE0_BLK_ADDRESS ACPI_GPE0_BLK_ADDRESS_V0
#define ACPI_GPE0_BLK_LEN ACPI_GPE0_BLK_LEN_V0

#ifndef __ASSEMBLY__

/*
 * One synchronous request, one per vCPU in the shared ioreq page.
 *
 * Xen declares the bit-fields as uint8_t, which ISO C89/C99 reject; we
 * declare them unsigned int. On the x86-64 psABI a bit-field's declared
 * type only decides which aligned unit it may not straddle and the
 * structure's alignment, and here neither changes: the five fields share
 * byte 30 and the structure is 8-aligned by addr anyway. The bit
 * positions are compared with Xen's by abi-check (BITS lines).
 */
struct ioreq {
    uint64_t addr;     /* port, guest physical address, or PCI target */
    uint64_t data;     /* the value, or its guest address if data_is_ptr */
    uint32_t count;    /* repetitions for REP string instructions */
    uint32_t size;     /* bytes per access: 1, 2, 4 or 8 */
    uint32_t vp_eport; /* event channel between this vCPU and the server */
    uint16_t _pad0;
    unsigned int state : 4;       /* STATE_IOREQ_* */
    unsigned int data_is_ptr : 1; /* data is a guest physical address */
    unsigned int dir : 1;         /* IOREQ_READ or IOREQ_WRITE */
    unsigned int df : 1;          /* guest EFLAGS.DF: REP walks downwards */
    unsigned int _pad1 : 1;
    uint8_t type; /* IOREQ_TYPE_* */
};
typedef struct ioreq ioreq_t;

/*
 * The synchronous ioreq page: vCPU n's slot is vcpu_ioreq[n]. The array is
 * declared with one element (C89 has no flexible arrays); the page holds
 * as many slots as fit, 128 of 32 bytes.
 */
struct shared_iopage {
    struct ioreq vcpu_ioreq[1];
};
typedef struct shared_iopage shared_iopage_t;

/*
 * A posted write the guest need not wait for (VGA memory, for instance).
 * Only the low 20 bits of the address fit; an 8-byte access takes two
 * consecutive slots, the second carrying the upper 32 data bits. Plain
 * uint8_t for type; unsigned int bit-fields, as in struct ioreq, for the
 * rest, which pack into bits 8..31 of the first word exactly as Xen's.
 */
struct buf_ioreq {
    uint8_t type; /* IOREQ_TYPE_* */
    unsigned int pad : 1;
    unsigned int dir : 1;   /* IOREQ_READ or IOREQ_WRITE */
    unsigned int size : 2;  /* log2 of the access size in bytes */
    unsigned int addr : 20; /* low 20 bits of the address */
    uint32_t data;
};
typedef struct buf_ioreq buf_ioreq_t;

/*
 * The buffered ioreq ring. The hypervisor produces at write_pointer, the
 * emulator consumes at read_pointer, and a slot is its pointer modulo
 * IOREQ_BUFFER_SLOT_NUM. The two indexes are adjacent and 8-byte aligned
 * in the page, so with HVM_IOREQSRV_BUFIOREQ_ATOMIC both sides can treat
 * them as one 64-bit word. Xen wraps them in a union for its own build
 * only; guests and emulators see the two names.
 */
struct buffered_iopage {
    uint32_t read_pointer;
    uint32_t write_pointer;
    buf_ioreq_t buf_ioreq[IOREQ_BUFFER_SLOT_NUM];
};
typedef struct buffered_iopage buffered_iopage_t;

/* ---------------------------------------------------------- layout pins */

VESPER_ABI_SIZE(ioreq, 32);
VESPER_ABI_OFFSET(ioreq, addr, 0);
VESPER_ABI_OFFSET(ioreq, data, 8);
VESPER_ABI_OFFSET(ioreq, count, 16);
VESPER_ABI_OFFSET(ioreq, size, 20);
VESPER_ABI_OFFSET(ioreq, vp_eport, 24);
VESPER_ABI_OFFSET(ioreq, _pad0, 28);
/* The bit-fields fill byte 30, so type must follow at 31. */
VESPER_ABI_OFFSET(ioreq, type, 31);

VESPER_ABI_SIZE(shared_iopage, 32);

VESPER_ABI_SIZE(buf_ioreq, 8);
VESPER_ABI_OFFSET(buf_ioreq, type, 0);
VESPER_ABI_OFFSET(buf_ioreq, data, 4);

VESPER_ABI_SIZE(buffered_iopage, 4096);
VESPER_ABI_OFFSET(buffered_iopage, read_pointer, 0);
VESPER_ABI_OFFSET(buffered_iopage, write_pointer, 4);
VESPER_ABI_OFFSET(buffered_iopage, buf_ioreq, 8);

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_HVM_IOREQ_H */

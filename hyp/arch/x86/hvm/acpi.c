/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal ACPI tables for HVM guests: RSDP, RSDT/XSDT, FADT, FACS and a DSDT naming S5. */
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include <public/hvm/ioreq.h>
#include "vdev.h"

/*
 * What hvmloader gives Xen's HVM guests, cut to what an unmodified kernel
 * needs to find the PM timer, its interrupt model and how to power off:
 * the fixed-hardware PM registers at Xen's version-1 ports, SCI on IRQ 9,
 * and \_S5. Layouts follow the ACPI 5.0 specification.
 *
 * No MADT yet. Linux takes any MADT as an SMP configuration (symmetric
 * I/O mode) and, finding no I/O APIC in it, leaves LINT0 masked as
 * vlapic.c's reset has it, so the 8259's interrupts (the PIT's IRQ 0)
 * never reach the CPU. Without one it keeps virtual wire mode (LINT0 as
 * ExtINT), as it did before these tables. A MADT waits for a vIOAPIC.
 */

struct acpi_hdr {
    char sig[4];
    u32 length;
    u8 revision, checksum;
    char oem_id[6], oem_table_id[8];
    u32 oem_revision;
    char creator_id[4];
    u32 creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_hdr) == 36, "ACPI table header is 36 bytes");

struct acpi_rsdp {
    char sig[8];
    u8 checksum; /* over the first 20 bytes (the ACPI 1.0 part) */
    char oem_id[6];
    u8 revision;
    u32 rsdt;
    u32 length;
    u64 xsdt;
    u8 ext_checksum; /* over all 36 */
    u8 reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes");

/* Generic address structure. */
struct acpi_gas {
    u8 space, bit_width, bit_offset, access_size;
    u64 address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

struct acpi_fadt {
    struct acpi_hdr h;
    u32 firmware_ctrl, dsdt;
    u8 reserved0, pm_profile;
    u16 sci_int;
    u32 smi_cmd;
    u8 acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
    u32 pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
    u32 pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
    u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
    u8 gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
    u16 p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
    u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
    u16 iapc_boot_arch;
    u8 reserved1;
    u32 flags;
    struct acpi_gas reset_reg;
    u8 reset_value;
    u16 arm_boot_arch;
    u8 minor_version;
    u64 x_firmware_ctrl, x_dsdt;
    struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk;
    struct acpi_gas x_pm1b_cnt_blk, x_pm2_cnt_blk, x_pm_tmr_blk;
    struct acpi_gas x_gpe0_blk, x_gpe1_blk, sleep_control, sleep_status;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt) == 268, "FADT revision 5 is 268 bytes");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112,
               "FADT flags at 112");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140,
               "FADT X_DSDT at 140");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208,
               "FADT X_PM_TMR_BLK at 208");

struct acpi_facs {
    char sig[4];
    u32 length;
    u32 hw_signature, waking_vector, global_lock, flags;
    u64 x_waking_vector;
    u8 version, reserved[3];
    u32 ospm_flags;
    u8 reserved2[24];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS is 64 bytes");

#define GAS_IO 1
#define FADT_WBINVD (1u << 0)
#define FADT_C1 (1u << 2)
#define FADT_PWR_BUTTON (1u << 4) /* set: no fixed-feature power button */
#define FADT_SLP_BUTTON (1u << 5) /* set: no fixed-feature sleep button */
#define FADT_FIX_RTC (1u << 6)    /* set: no RTC wake status */
#define FADT_TMR_VAL_EXT (1u << 8)
#define BOOT_ARCH_NO_VGA (1u << 2)

/*
 * The DSDT's body, AML by hand: Name (\_S5, Package (4) { S5, S5, 0, 0 })
 * with S5 the SLP_TYP value vpmtimer.c's PM1a control register acts on.
 */
static const u8 dsdt_aml[] = {
    0x08, /* NameOp */
    '\\', '_',
    'S',  '5',
    '_',                       /* \_S5_ */
    0x12,                      /* PackageOp */
    0x08,                      /* PkgLength: these 8 bytes */
    0x04,                      /* NumElements */
    0x0a, HVM_ACPI_S5_SLP_TYP, /* BytePrefix: PM1a SLP_TYP */
    0x0a, HVM_ACPI_S5_SLP_TYP, /* BytePrefix: PM1b SLP_TYP */
    0x00, 0x00,                /* ZeroOp x2: reserved */
};
_Static_assert(sizeof(dsdt_aml) == 15, "the _S5 package's length byte");

/* The area's layout from its base (in the reserved BIOS area). */
#define OFF_RSDP 0x000
#define OFF_FACS 0x040 /* 64-byte aligned, as the FACS must be */
#define OFF_DSDT 0x080
#define OFF_FADT 0x100
#define OFF_XSDT 0x600
#define OFF_RSDT 0x640
#define AREA_LEN 0x680
_Static_assert(OFF_FADT - OFF_DSDT >=
                   sizeof(struct acpi_hdr) + sizeof(dsdt_aml),
               "DSDT fits");
_Static_assert(OFF_XSDT - OFF_FADT >= sizeof(struct acpi_fadt), "FADT fits");
_Static_assert(OFF_RSDT - OFF_XSDT >= 36 + 1 * 8, "XSDT fits");
_Static_assert(AREA_LEN - OFF_RSDT >= 36 + 1 * 4, "RSDT fits");
_Static_assert(AREA_LEN <= HVM_ACPI_MAX, "the tables fit their area");

static u8 sum(const void *p, size_t len)
{
    const u8 *b = p;
    u8 s = 0;

    while (len--)
        s += *b++;
    return s;
}

static void header(struct acpi_hdr *h, const char *sig, u32 len, u8 rev)
{
    memcpy(h->sig, sig, 4);
    h->length = len;
    h->revision = rev;
    memcpy(h->oem_id, "VESPER", 6);
    memcpy(h->oem_table_id, "VESPERHV", 8);
    h->oem_revision = 1;
    memcpy(h->creator_id, "VSPR", 4);
    h->creator_revision = 1;
}

/* The checksum byte last, once the table is complete. */
static void seal(struct acpi_hdr *h)
{
    h->checksum = 0;
    h->checksum = (u8)-sum(h, h->length);
}

static struct acpi_gas io_gas(u64 port, u8 bits)
{
    /* Access size 1-3 is byte, word, dword. */
    return (struct acpi_gas){ GAS_IO, bits, 0, bits == 32 ? 3 : 2, port };
}

static void build_fadt(struct acpi_fadt *f, u64 base)
{
    header(&f->h, "FACP", sizeof(*f), 5);
    /* X_FIRMWARE_CTRL alone: with both set, Linux installs the FACS twice. */
    f->dsdt = (u32)(base + OFF_DSDT);
    f->sci_int = 9;
    /* No SMI command port: the platform is in ACPI mode from the start. */
    f->pm1a_evt_blk = ACPI_PM1A_EVT_BLK_ADDRESS_V1;
    f->pm1a_cnt_blk = ACPI_PM1A_CNT_BLK_ADDRESS_V1;
    f->pm_tmr_blk = ACPI_PM_TMR_BLK_ADDRESS_V1;
    f->pm1_evt_len = 4;
    f->pm1_cnt_len = 2;
    f->pm_tmr_len = 4;
    /* Latencies above 100 and 1000 us: no C2 or C3. */
    f->p_lvl2_lat = 101;
    f->p_lvl3_lat = 1001;
    /* No 8042 bit: Linux then does not probe a keyboard controller. */
    f->iapc_boot_arch = BOOT_ARCH_NO_VGA;
    f->flags = FADT_WBINVD | FADT_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
               FADT_FIX_RTC | FADT_TMR_VAL_EXT;
    f->x_firmware_ctrl = base + OFF_FACS;
    f->x_dsdt = base + OFF_DSDT;
    f->x_pm1a_evt_blk = io_gas(ACPI_PM1A_EVT_BLK_ADDRESS_V1, 32);
    f->x_pm1a_cnt_blk = io_gas(ACPI_PM1A_CNT_BLK_ADDRESS_V1, 16);
    f->x_pm_tmr_blk = io_gas(ACPI_PM_TMR_BLK_ADDRESS_V1, 32);
    seal(&f->h);
}

u64 hvm_acpi_build(struct domain *d, u64 base)
{
    static u8 area[AREA_LEN] __attribute__((aligned(16)));
    struct acpi_rsdp *rsdp = (void *)(area + OFF_RSDP);
    struct acpi_facs *facs = (void *)(area + OFF_FACS);
    struct acpi_hdr *dsdt = (void *)(area + OFF_DSDT);
    struct acpi_hdr *xsdt = (void *)(area + OFF_XSDT);
    struct acpi_hdr *rsdt = (void *)(area + OFF_RSDT);
    u64 x[1] = { base + OFF_FADT };
    u32 r[1] = { (u32)x[0] };

    memset(area, 0, sizeof(area));
    memcpy(facs->sig, "FACS", 4);
    facs->length = sizeof(*facs);
    facs->version = 2;
    header(dsdt, "DSDT", sizeof(*dsdt) + sizeof(dsdt_aml), 2);
    memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
    seal(dsdt);
    build_fadt((void *)(area + OFF_FADT), base);
    header(xsdt, "XSDT", sizeof(*xsdt) + sizeof(x), 1);
    memcpy(xsdt + 1, x, sizeof(x));
    seal(xsdt);
    header(rsdt, "RSDT", sizeof(*rsdt) + sizeof(r), 1);
    memcpy(rsdt + 1, r, sizeof(r));
    seal(rsdt);
    memcpy(rsdp->sig, "RSD PTR ", 8);
    memcpy(rsdp->oem_id, "VESPER", 6);
    rsdp->revision = 2;
    rsdp->rsdt = (u32)(base + OFF_RSDT);
    rsdp->length = sizeof(*rsdp);
    rsdp->xsdt = base + OFF_XSDT;
    rsdp->checksum = (u8)-sum(rsdp, 20);
    rsdp->ext_checksum = (u8)-sum(rsdp, sizeof(*rsdp));
    hvm_copy_to_gpa(d, base, area, sizeof(area));
    return base + OFF_RSDP;
}

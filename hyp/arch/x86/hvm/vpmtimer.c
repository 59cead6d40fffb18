/* SPDX-License-Identifier: GPL-2.0-only */
/* Virtual ACPI fixed hardware for HVM guests: PM timer (3.579545 MHz) and PM1a event/control at Xen's 0xb000. */
#include "arch.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include <public/hvm/ioreq.h>
#include <public/sched.h>
#include "vdev.h"

#define PMTIMER_HZ 3579545ULL

/*
 * Counted from the domain's creation on the hypervisor's one clock, so it
 * runs at the same rate as the guest's TSC and the local APIC timer.
 * Xen's counter is 32 bits wide (TMR_VAL_EXT in its FADT); a guest that
 * knows only the 24 bits of the ACPI minimum masks the rest.
 */
u32 vpmtimer_value(struct domain *d)
{
    u64 ns = arch_now_ns() - d->arch.hvm->plat->created_ns;

    return (u32)hvm_ns_to_ticks(ns, PMTIMER_HZ);
}

static int pmtimer_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                      u32 *val, void *opaque)
{
    u32 t = vpmtimer_value(v->domain);

    (void)opaque;
    /* Read-only; narrower reads see the low bytes at their offset. */
    if (in) {
        unsigned int sh = (port - ACPI_PM_TMR_BLK_ADDRESS_V1) * 8;

        *val = sh < 32 ? t >> sh : 0;
        if (size < 4)
            *val &= (1U << (size * 8)) - 1;
    }
    return 0;
}

#define PM1_CNT_SCI_EN (1u << 0)
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN (1u << 13) /* write-only: reads as 0 */

/*
 * PM1a status (0xb000, write 1 to clear) and enable (0xb002) registers,
 * byte by byte so any width and offset works. Nothing here raises the
 * SCI yet: no event (timer carry, buttons) is modelled as a source.
 */
static int pm1_evt_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                      u32 *val, void *opaque)
{
    struct vpm1 *pm = &v->domain->arch.hvm->plat->vpm1;
    unsigned int off = port - ACPI_PM1A_EVT_BLK_ADDRESS_V1;

    (void)opaque;
    if (in)
        *val = 0;
    for (unsigned int i = 0; i < size && off + i < 4; i++) {
        unsigned int b = off + i, sh = (b & 1) * 8;
        u16 *reg = b < 2 ? &pm->sts : &pm->en;

        if (in) {
            *val |= (u32)((*reg >> sh) & 0xff) << (8 * i);
        } else {
            u16 x = (u16)(((*val >> (8 * i)) & 0xff) << sh);

            if (b < 2)
                *reg &= (u16)~x;
            else
                *reg = (u16)((*reg & ~(0xff << sh)) | x);
        }
    }
    return 0;
}

/*
 * PM1a control (0xb004). SCI_EN reads as set: there is no SMI command
 * port, so the platform is in ACPI mode from reset. SLP_EN with the
 * SLP_TYP the DSDT names for S5 powers the domain off, as the ACPI PM
 * device Xen's HVM guests see does; other sleep types are not offered.
 */
static int pm1_cnt_io(struct vcpu *v, u16 port, unsigned int size, bool in,
                      u32 *val, void *opaque)
{
    struct vpm1 *pm = &v->domain->arch.hvm->plat->vpm1;
    unsigned int sh = (port - ACPI_PM1A_CNT_BLK_ADDRESS_V1) * 8;
    u32 mask = size >= 2 ? 0xffffu : 0xffu;
    u16 cnt;

    (void)opaque;
    if (in) {
        *val = ((pm->cnt | PM1_CNT_SCI_EN) >> sh) & mask;
        return 0;
    }
    cnt = (u16)((pm->cnt & ~(mask << sh)) | ((*val & mask) << sh));
    pm->cnt = cnt & (u16)~PM1_CNT_SLP_EN;
    if ((cnt & PM1_CNT_SLP_EN) &&
        (cnt & PM1_CNT_SLP_TYP_MASK) >> PM1_CNT_SLP_TYP_SHIFT ==
            HVM_ACPI_S5_SLP_TYP)
        domain_shutdown(v->domain, SHUTDOWN_poweroff);
    return 0;
}

/*
 * Version 1 of Xen's ACPI port layout (HVM_PARAM_ACPI_IOPORTS_LOCATION
 * 1, where hvmloader's tables and ours put it): PM1a events at 0xb000,
 * control at 0xb004, the timer at 0xb008.
 */
void vpmtimer_init(struct domain *d)
{
    hvm_portio_register(d, ACPI_PM1A_EVT_BLK_ADDRESS_V1, 4, pm1_evt_io, NULL);
    hvm_portio_register(d, ACPI_PM1A_CNT_BLK_ADDRESS_V1, 2, pm1_cnt_io, NULL);
    hvm_portio_register(d, ACPI_PM_TMR_BLK_ADDRESS_V1, 4, pmtimer_io, NULL);
}

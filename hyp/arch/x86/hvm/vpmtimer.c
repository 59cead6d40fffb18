/* SPDX-License-Identifier: GPL-2.0-only */
/* Virtual ACPI PM timer for HVM guests: 3.579545 MHz at Xen's PM_TMR_BLK (0xb008). */
#include "arch.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include <public/hvm/ioreq.h>
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

/*
 * Version 1 of Xen's ACPI port layout (HVM_PARAM_ACPI_IOPORTS_LOCATION
 * 1, where hvmloader's tables put it): the timer at 0xb008.
 */
void vpmtimer_init(struct domain *d)
{
    hvm_portio_register(d, ACPI_PM_TMR_BLK_ADDRESS_V1, 4, pmtimer_io, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* physdev_op: virtual IOPL, pirq bookkeeping for dom0's GSIs, PCI device notes. */
#include "arch.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "mm.h"
#include "sched.h"
#include "asm/page.h"
#include "asm/pagetype.h"
#include <public/physdev.h>

/*
 * What Vesper models of physical interrupts: one IOAPIC at its
 * architectural address with QEMU's 24 pins (Vesper's MADT scan in smp.c
 * takes only the CPUs), and per domain a table of which pirq each GSI is
 * mapped to. Vesper has no IOAPIC driver, so no pirq is ever delivered:
 * EVTCHNOP_bind_pirq binds a port that never fires. The map, unmap, EOI
 * and status answers are the ones Xen gives on the same machine, so a
 * dom0 kernel sets its interrupts up as there and its drivers load; they
 * just get no interrupts.
 */
#define IOAPIC_BASE 0xfec00000UL
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
/* Xen 4.17 on QEMU's machine: 24 GSIs, dom0 416 pirqs, a PV domU 24+32. */
#define NR_PIRQS_DOM0 416
#define NR_PIRQS_DOMU (NR_GSIS + 32)
#define FIRST_DYNAMIC_PIRQ 16 /* Xen hands out GSI pirqs from here */

static u32 gsi_set_up; /* GSIs PHYSDEVOP_setup_gsi has programmed */
/* PCI functions (segment 0) dom0 has reported, as Xen's device list. */
static u64 pci_known[65536 / 64];

static unsigned int nr_pirqs(const struct domain *d)
{
    return d->is_privileged ? NR_PIRQS_DOM0 : NR_PIRQS_DOMU;
}

unsigned int physdev_nr_pirqs(const struct domain *d)
{
    return nr_pirqs(d);
}

/*
 * Any domain may raise its own virtual IOPL (as on Xen): it only decides
 * whether port I/O is emulated instead of raising #GP, and the emulation
 * answers an unprivileged domain's reads with all ones.
 */
static long physdev_set_iopl(u64 arg)
{
    struct physdev_set_iopl op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.iopl > 3)
        return -EINVAL;
    current_vcpu()->arch.iopl = op.iopl;
    return 0;
}

/* The pirq a GSI is mapped to in d, or -1. */
static int gsi_to_pirq(const struct domain *d, unsigned int gsi)
{
    return (int)d->arch.gsi_pirq[gsi] - 1;
}

/* The GSI pirq is mapped to in d, or -1. */
static int pirq_to_gsi(const struct domain *d, int pirq)
{
    for (unsigned int gsi = 0; gsi < NR_GSIS; gsi++)
        if (gsi_to_pirq(d, gsi) == pirq)
            return (int)gsi;
    return -1;
}

bool physdev_pirq_mapped(const struct domain *d, unsigned int pirq)
{
    return pirq < nr_pirqs(d) && pirq_to_gsi(d, (int)pirq) >= 0;
}

/* Xen's get_free_pirq for a GSI: 16 up to the GSIs, then from the top. */
static int free_pirq(const struct domain *d)
{
    for (int p = FIRST_DYNAMIC_PIRQ; p < NR_GSIS; p++)
        if (pirq_to_gsi(d, p) < 0)
            return p;
    for (int p = (int)nr_pirqs(d) - 1; p >= NR_GSIS; p--)
        if (pirq_to_gsi(d, p) < 0)
            return p;
    return -ENOSPC;
}

/*
 * Xen's allocate_and_map_gsi_pirq for the hardware domain: the GSI is
 * the IRQ; pirq < 0 picks one (the GSI's current one if mapped), a GSI
 * mapped to another pirq is -EEXIST. GSI 0 (the timer line) is not
 * dom0's, nor is a GSI it has unmapped (Xen revokes the IRQ then): -EPERM.
 * A pirq already taken by another GSI is left as it is and the call
 * still answers 0, as Xen's map_domain_pirq does.
 */
static long map_gsi(struct domain *d, int gsi, int *pirq)
{
    int cur, p = *pirq, old_gsi;

    if (gsi < 0 || gsi >= NR_GSIS)
        return -EINVAL;
    cur = gsi_to_pirq(d, (unsigned int)gsi);
    if (p < 0) {
        p = cur >= 0 ? cur : free_pirq(d);
        if (p < 0)
            return p;
    } else if (cur >= 0 && p != cur) {
        return -EEXIST;
    }
    if (gsi == 0 || (d->arch.gsi_revoked & (1u << gsi)))
        return -EPERM;
    if (p >= (int)nr_pirqs(d))
        return -EINVAL;
    old_gsi = pirq_to_gsi(d, p);
    if (old_gsi < 0)
        d->arch.gsi_pirq[gsi] = (u16)(p + 1);
    *pirq = p;
    return 0;
}

/*
 * map_pirq: only the hardware domain, for itself (Vesper passes no
 * device through, so mapping into another domain is refused). MSI needs
 * Vesper to program the device's message, which it does not: -ENODEV,
 * after which Linux falls back to the GSI.
 */
static long physdev_map_pirq(struct domain *cur, u64 arg)
{
    struct physdev_map_pirq op;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.type == MAP_PIRQ_TYPE_MULTI_MSI && op.table_base)
        return -EINVAL;
    if (op.domid != DOMID_SELF && op.domid != cur->domain_id)
        rc = domain_by_id(op.domid) ? -EPERM : -ESRCH;
    else if (!cur->is_privileged)
        rc = -EPERM;
    else if (op.type == MAP_PIRQ_TYPE_GSI)
        rc = map_gsi(cur, op.index, &op.pirq);
    else if (op.type == MAP_PIRQ_TYPE_MSI || op.type == MAP_PIRQ_TYPE_MSI_SEG ||
             op.type == MAP_PIRQ_TYPE_MULTI_MSI)
        rc = -ENODEV;
    else
        rc = -EINVAL;
    /* Xen writes the structure back whatever the outcome. */
    if (copy_to_guest(arg, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}

static long physdev_unmap_pirq(struct domain *cur, u64 arg)
{
    struct physdev_unmap_pirq op;
    int gsi;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.domid != DOMID_SELF && op.domid != cur->domain_id)
        return domain_by_id(op.domid) ? -EPERM : -ESRCH;
    if (!cur->is_privileged)
        return -EPERM;
    if (op.pirq < 0 || op.pirq >= (int)nr_pirqs(cur))
        return -EINVAL;
    gsi = pirq_to_gsi(cur, op.pirq);
    if (gsi < 0)
        return -EINVAL;
    cur->arch.gsi_pirq[gsi] = 0;
    cur->arch.gsi_revoked |= 1u << gsi;
    return 0;
}

/*
 * setup_gsi: trigger mode and polarity would go into the IOAPIC pin when
 * a driver programs it; Xen refuses a pin that is already programmed
 * (-EEXIST, which Linux reports as "Already setup"). Vesper's console
 * UART is polled, so unlike Xen's it holds no pin.
 */
static long physdev_setup_gsi(struct domain *cur, u64 arg)
{
    struct physdev_setup_gsi op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.gsi < 0 || op.gsi >= NR_GSIS)
        return -EINVAL;
    if (!cur->is_privileged)
        return -EPERM;
    if (gsi_set_up & (1u << op.gsi))
        return -EEXIST;
    gsi_set_up |= 1u << op.gsi;
    return 0;
}

/* irq_status_query: Xen always asks a PV guest to EOI. */
static long physdev_irq_status_query(struct domain *cur, u64 arg)
{
    struct physdev_irq_status_query op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.irq >= nr_pirqs(cur))
        return -EINVAL;
    op.flags = XENIRQSTAT_needs_eoi;
    return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

/* eoi: of a pirq the domain has; nothing is in service to unmask. */
static long physdev_eoi(struct domain *cur, u64 arg)
{
    struct physdev_eoi op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.irq >= nr_pirqs(cur) || pirq_to_gsi(cur, (int)op.irq) < 0)
        return -EINVAL;
    return 0;
}

/*
 * pirq_eoi_gmfn: the domain's page of "needs EOI" bits. Xen takes a
 * writable reference to it; -EINVAL for a frame that is not the
 * domain's or is typed otherwise, -EBUSY the second time. Vesper
 * remembers the frame but never writes it (no pirq ever needs EOI), so it
 * holds no reference.
 */
static long physdev_pirq_eoi_gmfn(struct domain *cur, u64 arg)
{
    struct physdev_pirq_eoi_gmfn op;
    const struct page_info *pg;
    u64 type;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (!mfn_valid(op.gmfn))
        return -EINVAL;
    pg = mfn_to_page(op.gmfn);
    type = pgt_type(pg);
    if (pg->owner != cur || !(pg->count_info & PGC_allocated) ||
        (pg->count_info & (PGC_io | PGC_xen_heap)) ||
        (type != PGT_none && type != PGT_writable && pgt_count(pg)))
        return -EINVAL;
    if (cur->arch.pirq_eoi_mfn)
        return -EBUSY;
    cur->arch.pirq_eoi_mfn = op.gmfn;
    return 0;
}

/*
 * apic_read: the privileged domain reads a register of the IOAPIC (Xen's
 * ioapic_guest_read); another address is -EINVAL. Vesper does not drive
 * the IOAPIC, so reading it disturbs nothing.
 */
static long physdev_apic_read(struct domain *cur, u64 arg)
{
    struct physdev_apic op;
    volatile u32 *io = maddr_to_virt(IOAPIC_BASE);

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (!cur->is_privileged)
        return -EPERM;
    if (op.apic_physbase != IOAPIC_BASE)
        return -EINVAL;
    io[IOAPIC_REGSEL / 4] = op.reg;
    op.value = io[IOAPIC_WIN / 4];
    return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

/*
 * alloc_irq_vector: a leftover Xen keeps answering for the IOAPIC's
 * owner (the vector is the hypervisor's business, so it echoes the IRQ).
 */
static long physdev_alloc_irq_vector(struct domain *cur, u64 arg)
{
    struct physdev_irq op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (!cur->is_privileged)
        return -EPERM;
    op.vector = op.irq;
    return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
}

/*
 * PCI devices dom0 reports. Xen lists them for passthrough and MSI,
 * neither of which Vesper has; it keeps the same list so that add and
 * remove answer as Xen's do (remove of a function never added is
 * -ENODEV). Only segment 0, the one Vesper's configuration access reaches.
 */
static long pci_note(struct domain *cur, u16 seg, u8 bus, u8 devfn, bool add)
{
    unsigned int bdf = ((unsigned int)bus << 8) | devfn;

    if (!cur->is_privileged)
        return -EPERM;
    if (seg)
        return -ENODEV;
    if (add) {
        pci_known[bdf / 64] |= 1UL << (bdf % 64);
        return 0;
    }
    if (!(pci_known[bdf / 64] & (1UL << (bdf % 64))))
        return -ENODEV;
    pci_known[bdf / 64] &= ~(1UL << (bdf % 64));
    return 0;
}

static long physdev_pci_device_add(struct domain *cur, u64 arg)
{
    struct physdev_pci_device_add op;
    u32 pxm;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if ((op.flags & XEN_PCI_DEV_PXM) &&
        copy_from_guest(&pxm, arg + sizeof(op), sizeof(pxm)))
        return -EFAULT;
    return pci_note(cur, op.seg, op.bus, op.devfn, true);
}

static long physdev_pci_device_remove(struct domain *cur, u64 arg)
{
    struct physdev_pci_device op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    return pci_note(cur, op.seg, op.bus, op.devfn, false);
}

static long physdev_manage_pci(struct domain *cur, u64 arg, bool add)
{
    struct physdev_manage_pci op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    return pci_note(cur, 0, op.bus, op.devfn, add);
}

static long physdev_manage_pci_add_ext(struct domain *cur, u64 arg)
{
    struct physdev_manage_pci_ext op;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.is_extfn > 1 || op.is_virtfn > 1)
        return -EINVAL;
    return pci_note(cur, 0, op.bus, op.devfn, true);
}

HYPERCALL2(physdev_op, unsigned int, cmd, u64, arg)
{
    struct domain *cur = current_domain();

    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        return physdev_set_iopl(arg);
    case PHYSDEVOP_map_pirq:
        return physdev_map_pirq(cur, arg);
    case PHYSDEVOP_unmap_pirq:
        return physdev_unmap_pirq(cur, arg);
    case PHYSDEVOP_setup_gsi:
        return physdev_setup_gsi(cur, arg);
    case PHYSDEVOP_irq_status_query:
        return physdev_irq_status_query(cur, arg);
    case PHYSDEVOP_eoi:
        return physdev_eoi(cur, arg);
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
        return physdev_pirq_eoi_gmfn(cur, arg);
    case PHYSDEVOP_apic_read:
        return physdev_apic_read(cur, arg);
    case PHYSDEVOP_alloc_irq_vector:
        return physdev_alloc_irq_vector(cur, arg);
    case PHYSDEVOP_pci_device_add:
        return physdev_pci_device_add(cur, arg);
    case PHYSDEVOP_pci_device_remove:
        return physdev_pci_device_remove(cur, arg);
    case PHYSDEVOP_manage_pci_add:
        return physdev_manage_pci(cur, arg, true);
    case PHYSDEVOP_manage_pci_remove:
        return physdev_manage_pci(cur, arg, false);
    case PHYSDEVOP_manage_pci_add_ext:
        return physdev_manage_pci_add_ext(cur, arg);
    default:
        return -ENOSYS;
    }
}

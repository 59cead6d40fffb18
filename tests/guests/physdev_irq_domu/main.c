/* SPDX-License-Identifier: MIT */
/* A domU's physdev_op interrupt and PCI sub-ops are refused; dom0's still work. */
#include <guest/hypercall.h>
#include <guest/test.h>
#include <public/physdev.h>

#define IOAPIC_BASE 0xfec00000ul

static long map(domid_t dom, int gsi, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = dom,
        .type = MAP_PIRQ_TYPE_GSI,
        .index = gsi,
        .pirq = *pirq,
    };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

/*
 * role=domu: every sub-op that touches interrupts or devices is the
 * hardware domain's (Xen's XSM_PRIV / XSM_DM_PRIV checks): -EPERM (a
 * domain id that does not exist: -ESRCH first). Status queries of its
 * own pirq range answer. (Aiming at dom0 is not checked: dom0 may have
 * finished by then.)
 */
static void domu(void)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = 16 };
    struct physdev_setup_gsi g = { .gsi = 10 };
    struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = 1 };
    struct physdev_irq v = { .irq = 5 };
    struct physdev_pci_device_add add = { .seg = 0 };
    struct physdev_manage_pci mp = { .bus = 0 };
    struct physdev_irq_status_query q = { .irq = 16 };
    int p;

    TEST_CHECK(!(start_info->flags & SIF_PRIVILEGED));
    p = -1;
    TEST_EQ(map(DOMID_SELF, 10, &p), -XEN_EPERM);
    p = -1;
    TEST_EQ(map(0x7000, 10, &p), -XEN_ESRCH);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u), -XEN_EPERM);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &g), -XEN_EPERM);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_apic_read, &a), -XEN_EPERM);
    TEST_EQ(a.value, 0);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_alloc_irq_vector, &v), -XEN_EPERM);
    TEST_EQ(v.vector, 0);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &add), -XEN_EPERM);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add, &mp), -XEN_EPERM);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_irq_status_query, &q), 0);
    TEST_EQ(q.flags, XENIRQSTAT_needs_eoi);
}

/* dom0 maps, reads the IOAPIC, and sets a GSI up as usual. */
static void dom0(void)
{
    struct physdev_setup_gsi g = { .gsi = 11 };
    struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = 1 };
    int p = -1;

    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    TEST_EQ(map(DOMID_SELF, 10, &p), 0);
    TEST_EQ(p, 16);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_apic_read, &a), 0);
    TEST_EQ(a.value, 0x00170020u);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &g), 0);
}

void test_main(void)
{
    if (!strcmp(start_info->cmd_line, "role=domu"))
        domu();
    else
        dom0();
}

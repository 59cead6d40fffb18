/* SPDX-License-Identifier: MIT */
/* dom0's physdev_op interrupt and PCI sub-ops answer as Xen 4.17's on QEMU's machine. */
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/test.h>
#include <public/event_channel.h>
#include <public/physdev.h>

#define IOAPIC_BASE 0xfec00000ul
#define GSI 10        /* a PCI link line nothing maps in this test's machine */
#define BIND_GSI 13   /* the old FPU line: no device on QEMU's machine */
#define NR_PIRQS 416  /* Xen 4.17's dom0 on QEMU with 2 CPUs */
#define FIRST_PIRQ 16 /* where Xen starts handing out GSI pirqs */
#define IOAPIC_VER 0x00170020u /* version 0x20, 24 redirection entries */

static char eoi_page[4096] __attribute__((aligned(4096)));

static long map_gsi(int gsi, int *pirq)
{
    struct physdev_map_pirq m = {
        .domid = DOMID_SELF,
        .type = MAP_PIRQ_TYPE_GSI,
        .index = gsi,
        .pirq = *pirq,
    };
    long rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

static long unmap(int pirq)
{
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u);
}

static long eoi(uint32_t pirq)
{
    struct physdev_eoi e = { .irq = pirq };

    return HYPERVISOR_physdev_op(PHYSDEVOP_eoi, &e);
}

static void pirqs(void)
{
    struct physdev_irq_status_query q = { .irq = FIRST_PIRQ };
    struct physdev_map_pirq m;
    int p;

    /* Unmapped: an EOI has nothing to act on. */
    TEST_EQ(eoi(100), -XEN_EINVAL);
    p = -1;
    TEST_EQ(map_gsi(GSI, &p), 0);
    TEST_EQ(p, FIRST_PIRQ);
    p = -1; /* asked again: the same pirq */
    TEST_EQ(map_gsi(GSI, &p), 0);
    TEST_EQ(p, FIRST_PIRQ);
    p = FIRST_PIRQ + 1; /* the GSI is another pirq's */
    TEST_EQ(map_gsi(GSI, &p), -XEN_EEXIST);
    /* The pirq is another GSI's: Xen says 0 and leaves both alone. */
    p = FIRST_PIRQ;
    TEST_EQ(map_gsi(GSI + 1, &p), 0);
    TEST_EQ(p, FIRST_PIRQ);
    p = -1;
    TEST_EQ(map_gsi(0, &p), -XEN_EPERM); /* the timer line */
    p = -1;
    TEST_EQ(map_gsi(24, &p), -XEN_EINVAL);
    p = NR_PIRQS;
    TEST_EQ(map_gsi(GSI + 2, &p), -XEN_EINVAL);
    p = NR_PIRQS - 1;
    TEST_EQ(map_gsi(GSI + 2, &p), 0);
    TEST_EQ(unmap(NR_PIRQS - 1), 0);
    memset(&m, 0, sizeof(m));
    m.domid = DOMID_SELF;
    m.type = MAP_PIRQ_TYPE_UNKNOWN;
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL);

    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_irq_status_query, &q), 0);
    TEST_EQ(q.flags, XENIRQSTAT_needs_eoi);
    q.irq = NR_PIRQS;
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL);
    TEST_EQ(eoi(FIRST_PIRQ), 0);
    TEST_EQ(eoi(NR_PIRQS), -XEN_EINVAL);

    TEST_EQ(unmap(FIRST_PIRQ), 0);
    TEST_EQ(unmap(FIRST_PIRQ), -XEN_EINVAL);
    TEST_EQ(unmap(NR_PIRQS), -XEN_EINVAL);
    /* Unmapping took the IRQ away from dom0 for good. */
    p = -1;
    TEST_EQ(map_gsi(GSI, &p), -XEN_EPERM);
    /* GSI + 1 never got pirq 16: asking for any pirq now gets 16. */
    p = -1;
    TEST_EQ(map_gsi(GSI + 1, &p), 0);
    TEST_EQ(p, FIRST_PIRQ);
    TEST_EQ(unmap(FIRST_PIRQ), 0);
}

/* EVTCHNOP_bind_pirq takes a mapped pirq once. */
static void bind(void)
{
    struct evtchn_bind_pirq b = { .pirq = FIRST_PIRQ, .flags = 0 };
    struct evtchn_status st;
    struct evtchn_close c;
    int p = -1;

    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b), -XEN_EPERM);
    b.pirq = NR_PIRQS;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b), -XEN_EINVAL);
    TEST_EQ(map_gsi(BIND_GSI, &p), 0);
    TEST_EQ(p, FIRST_PIRQ);
    b.pirq = FIRST_PIRQ;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b), 0);
    TEST_CHECK(b.port != 0);
    memset(&st, 0, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = b.port;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    TEST_EQ(st.status, EVTCHNSTAT_pirq);
    TEST_EQ(st.u.pirq, FIRST_PIRQ);
    TEST_EQ(st.vcpu, 0);
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b), -XEN_EEXIST);
    c.port = b.port;
    TEST_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_close, &c), 0);
    TEST_EQ(unmap(FIRST_PIRQ), 0);
}

static void gsi_and_apic(void)
{
    struct physdev_setup_gsi g = { .gsi = GSI, .triggering = 1, .polarity = 1 };
    struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = 1 };
    struct physdev_irq v = { .irq = 5, .vector = 0 };

    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &g), 0);
    /* The pin is programmed now: Linux says "Already setup". */
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &g), -XEN_EEXIST);
    g.gsi = 24;
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_setup_gsi, &g), -XEN_EINVAL);

    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_apic_read, &a), 0);
    TEST_EQ(a.value, IOAPIC_VER);
    a.apic_physbase = IOAPIC_BASE + 0x1000;
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_apic_read, &a), -XEN_EINVAL);

    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_alloc_irq_vector, &v), 0);
    TEST_EQ(v.vector, 5);
}

static void eoi_map(void)
{
    struct physdev_pirq_eoi_gmfn g;

    /* The L4 is a page table, not a writable page. */
    g.gmfn = mm_virt_to_mfn((void *)start_info->pt_base);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -XEN_EINVAL);
    g.gmfn = mm_virt_to_mfn(eoi_page);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), 0);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -XEN_EBUSY);
}

static void pci(void)
{
    struct physdev_pci_device_add add = { .seg = 0, .bus = 0, .devfn = 0 };
    struct physdev_pci_device gone = { .seg = 0, .bus = 0, .devfn = 0xff };
    struct physdev_manage_pci_ext ext = { .bus = 0, .devfn = 0, .is_extfn = 2 };

    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &add), 0);
    /* 00:1f.7 does not exist and was never reported. */
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_remove, &gone),
            -XEN_ENODEV);
    TEST_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_manage_pci_add_ext, &ext),
            -XEN_EINVAL);
}

void test_main(void)
{
    TEST_CHECK(start_info->flags & SIF_PRIVILEGED);
    pirqs();
    bind();
    gsi_and_apic();
    eoi_map();
    pci();
}

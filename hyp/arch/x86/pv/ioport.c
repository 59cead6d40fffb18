/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulated port I/O: the privileged domain reaches the ports Vesper keeps not. */
#include "arch.h"
#include "lib.h"
#include "sched.h"
#include "asm/acpi.h"
#include "asm/cpu.h"
#include "asm/page.h"
#include "asm/pv.h"
#include "asm/x86.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PORT_B 0x61 /* PIT channel 2 gate and speaker */
#define PCI_CONF_ADDR 0xcf8
#define PCI_CONF_DATA 0xcfc
#define UART_PORTS 8
#define LAST_PORT 0xffff

struct port_range {
    u16 first, last;
};

/*
 * Ports the privileged domain never reaches as they are: the ones Xen
 * 4.17 takes from its dom0 (master and slave PIC, PIT, port B, PCI
 * configuration data) and QEMU's debug-exit port, which Vesper drives to
 * end a test run. The UART Vesper prints on and the ACPI PM timer (which
 * Xen keeps as its clock source) are added in port_denied().
 */
static const struct port_range denied_ports[] = {
    { 0x20, 0x21 }, { 0x40, 0x43 },   { 0x61, 0x61 },
    { 0xa0, 0xa1 }, { 0xcfc, 0xcff }, { 0xf4, 0xf7 },
};

/* ---------------------------------------------------- ACPI PM timer */

#define FADT_PM_TMR_BLK 76
#define FADT_X_PM_TMR_BLK 208 /* generic address structure, FADT rev >= 3 */
#define GAS_SYSTEM_IO 1

/* PM_TMR_BLK of the FADT, preferring X_PM_TMR_BLK as Xen does; 0 if none. */
static unsigned int fadt_pm_timer(const u8 *f)
{
    u32 len = acpi_rd32(f + 4);
    const u8 *gas = f + FADT_X_PM_TMR_BLK;
    u64 port = 0;

    if (f[8] >= 3 && len >= FADT_X_PM_TMR_BLK + 12 && gas[0] == GAS_SYSTEM_IO)
        port = acpi_rd64(gas + 4);
    if (!port && len >= FADT_PM_TMR_BLK + 4)
        port = acpi_rd32(f + FADT_PM_TMR_BLK);
    return port <= LAST_PORT - 3 ? (unsigned int)port : 0;
}

/*
 * The ACPI PM timer's port, found once from the firmware's tables (Xen
 * reads it from the FADT at boot and keeps it from dom0); 0 if there is
 * none or the tables do not check out.
 */
static unsigned int pm_timer_port(void)
{
    static bool looked;
    static unsigned int port;
    const u8 *rsdp, *sdt;
    unsigned int esz;

    if (looked)
        return port;
    looked = true;
    rsdp = acpi_rsdp();
    if (!rsdp)
        return 0;
    if (rsdp[15] >= 2 && acpi_rd64(rsdp + 24) && acpi_sum_ok(rsdp, 36)) {
        sdt = acpi_table(acpi_rd64(rsdp + 24), "XSDT");
        esz = 8;
    } else {
        sdt = acpi_table(acpi_rd32(rsdp + 16), "RSDT");
        esz = 4;
    }
    if (!sdt)
        return 0;
    for (u32 off = ACPI_HDR_LEN; off + esz <= acpi_rd32(sdt + 4); off += esz) {
        u64 pa = esz == 8 ? acpi_rd64(sdt + off) : acpi_rd32(sdt + off);
        const u8 *f = acpi_table(pa, "FACP");

        if (f) {
            port = fadt_pm_timer(f);
            break;
        }
    }
    return port;
}

/*
 * Xen's dom0_setup_permissions for the hardware domain: every port but
 * the ones above, and every frame outside RAM below the physical address
 * width but the ones Vesper keeps (arch_io_denied). Both sets hold a
 * handful of ranges, well within a rangeset.
 */
void pv_io_caps_init_hwdom(struct domain *d)
{
    unsigned int uart = serial_io_base(), pmt = pm_timer_port(), n;
    struct rangeset *p = &d->arch.ioport_caps, *m = &d->arch.iomem_caps;
    u64 deny[8][2], limit;

    rangeset_add(p, 0, LAST_PORT);
    for (unsigned int i = 0; i < ARRAY_SIZE(denied_ports); i++)
        rangeset_remove(p, denied_ports[i].first, denied_ports[i].last);
    if (pmt)
        rangeset_remove(p, pmt, pmt + 3);
    if (uart)
        rangeset_remove(p, uart, uart + UART_PORTS - 1);
    n = arch_io_denied(deny, 8, &limit);
    rangeset_add(m, 0, limit - 1);
    for (unsigned int i = 0; i < n; i++)
        rangeset_remove(m, deny[i][0], deny[i][1]);
}

/* Xen's ioports_access_permitted: is every port in [first, last] d's? */
bool pv_ports_permitted(const struct domain *d, unsigned int first,
                        unsigned int last)
{
    return last <= LAST_PORT &&
           rangeset_contains(&d->arch.ioport_caps, first, last);
}

/*
 * Xen's admin_io_okay: may the access reach the hardware as it is? Never
 * a dword at 0xcf8 (the per-domain latch) nor the RTC ports (mediated).
 */
static bool direct_ok(const struct domain *d, unsigned int port,
                      unsigned int size)
{
    if (port == PCI_CONF_ADDR && size == 4)
        return false;
    if (port <= RTC_DATA && port + size > RTC_INDEX)
        return false;
    return pv_ports_permitted(d, port, port + size - 1);
}

static u32 port_in(unsigned int port, unsigned int size)
{
    switch (size) {
    case 1:
        return inb((u16)port);
    case 2:
        return inw((u16)port);
    default:
        return inl((u16)port);
    }
}

static void port_out(unsigned int port, unsigned int size, u32 val)
{
    switch (size) {
    case 1:
        outb((u16)port, (u8)val);
        break;
    case 2:
        outw((u16)port, (u16)val);
        break;
    default:
        outl((u16)port, val);
        break;
    }
}

/*
 * A configuration access on d's behalf, with d's latched address, as
 * Xen's pci_conf_read/write. The big lock serialises guest entries, and
 * Vesper makes no configuration access of its own, so nothing else
 * changes the hardware latch between the two port accesses.
 */
static u32 pci_conf_read(const struct domain *d, unsigned int off,
                         unsigned int size)
{
    outl(PCI_CONF_ADDR, d->arch.pci_cf8);
    return port_in(PCI_CONF_DATA + off, size);
}

static void pci_conf_write(const struct domain *d, unsigned int off,
                           unsigned int size, u32 val)
{
    outl(PCI_CONF_ADDR, d->arch.pci_cf8);
    port_out(PCI_CONF_DATA + off, size, val);
}

/*
 * Xen's pci_cfg_ok on a machine without an IOMMU: only the hardware
 * domain, and no register is read-only to it. Xen's MSI/MSI-X write
 * intercept acts only on devices whose MSI Xen set up or whose MSI-X
 * table it tracks; Vesper sets up none, so nothing is filtered.
 */
static bool pci_cfg_ok(const struct domain *d)
{
    return d->is_privileged;
}

/* Size of the piece of a 0xcfc-0xcff access at port (Xen splits 3 to 2). */
static unsigned int pci_piece(unsigned int port, unsigned int size)
{
    unsigned int n = MIN(size, 4 - (port & 3));

    return n == 3 ? 2 : n;
}

/*
 * The RTC as Xen's rtc_guest_read/write: every PV domain has its own
 * index latch at 0x70; the data port reaches the chip only for a domain
 * that has both ports, with its latched index (NMI-mask bit cleared).
 */
static u32 rtc_read(struct domain *d, unsigned int port)
{
    if (port == RTC_INDEX)
        return d->arch.cmos_idx;
    if (!pv_ports_permitted(d, RTC_INDEX, RTC_DATA))
        return ~0u;
    outb(RTC_INDEX, d->arch.cmos_idx & 0x7f);
    return inb(RTC_DATA);
}

static void rtc_write(struct domain *d, unsigned int port, u8 val)
{
    if (port == RTC_INDEX) {
        d->arch.cmos_idx = val;
        return;
    }
    if (!pv_ports_permitted(d, RTC_INDEX, RTC_DATA))
        return;
    outb(RTC_INDEX, d->arch.cmos_idx & 0x7f);
    outb(RTC_DATA, val);
}

/*
 * PIT channel 2 and port B as Xen gives them to the hardware domain when
 * Xen's own clock is not the PIT (Vesper used channel 2 only to calibrate
 * at boot): channel 2's counter and mode selection reach the chip, port B
 * only its gate and speaker bits. Xen sends the rest (channel 0/1 mode
 * words) to a virtual PIT that nothing can read back through a port
 * dom0 has, so dropping them looks the same; a mode-port read answers 0
 * there, as Xen's virtual PIT leaves it. Other domains: all ones.
 */
static u32 pit_read(const struct domain *d, unsigned int port)
{
    if (!d->is_privileged)
        return ~0u;
    switch (port) {
    case PIT_CH2:
        return inb(PIT_CH2);
    case PORT_B:
        return inb(PORT_B);
    default:
        return 0;
    }
}

static void pit_write(const struct domain *d, unsigned int port, u8 val)
{
    if (!d->is_privileged)
        return;
    switch (port) {
    case PIT_CH2:
        outb(PIT_CH2, val);
        break;
    case PORT_B:
        outb(PORT_B, (inb(PORT_B) & ~3) | (val & 3));
        break;
    default:
        if ((val & 0xc0) == 0x80) /* counter 2 */
            outb(PIT_MODE, val);
        else if ((val & 0xc8) == 0xc8) /* read-back naming counter 2 */
            outb(PIT_MODE, val & 0xf8);
        break;
    }
}

static bool is_pit_port(unsigned int port)
{
    return port == PIT_CH2 || port == PIT_MODE || port == PORT_B;
}

/* Xen's guest_io_read: whole if allowed, else piece by piece. */
u32 pv_io_read(struct domain *d, unsigned int port, unsigned int size)
{
    u32 data = 0;
    unsigned int shift = 0;

    if (direct_ok(d, port, size))
        return port_in(port, size);
    while (size) {
        unsigned int n = 1;
        u32 sub = ~0u;

        if (is_pit_port(port)) {
            sub = pit_read(d, port);
        } else if (port == RTC_INDEX || port == RTC_DATA) {
            sub = rtc_read(d, port);
        } else if (port == PCI_CONF_ADDR && size == 4) {
            return d->arch.pci_cf8;
        } else if ((port & ~3u) == PCI_CONF_DATA) {
            n = pci_piece(port, size);
            if (pci_cfg_ok(d))
                sub = pci_conf_read(d, port & 3, n);
            if (n == 4)
                return sub;
        } else if (pv_ports_permitted(d, port, port)) {
            if (size > 1 && !(port & 1) &&
                pv_ports_permitted(d, port, port + 1))
                n = 2;
            sub = port_in(port, n);
        }
        /* A dword piece returned above: this one is a byte or a word. */
        data |= (sub & (n == 1 ? 0xffu : 0xffffu)) << shift;
        shift += n * 8;
        port += n;
        size -= n;
    }
    return data;
}

/* Xen's guest_io_write, the same way. */
void pv_io_write(struct domain *d, unsigned int port, unsigned int size,
                 u32 val)
{
    if (direct_ok(d, port, size)) {
        port_out(port, size, val);
        return;
    }
    while (size) {
        unsigned int n = 1;

        if (is_pit_port(port)) {
            pit_write(d, port, (u8)val);
        } else if (port == RTC_INDEX || port == RTC_DATA) {
            rtc_write(d, port, (u8)val);
        } else if (port == PCI_CONF_ADDR && size == 4) {
            d->arch.pci_cf8 = val;
            return;
        } else if ((port & ~3u) == PCI_CONF_DATA) {
            n = pci_piece(port, size);
            if (pci_cfg_ok(d))
                pci_conf_write(d, port & 3, n, val);
        } else if (pv_ports_permitted(d, port, port)) {
            if (size > 1 && !(port & 1) &&
                pv_ports_permitted(d, port, port + 1))
                n = 2;
            port_out(port, n, val);
        }
        port += n;
        size -= n;
        val = n == 4 ? 0 : val >> (n * 8);
    }
}

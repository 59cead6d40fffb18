/* SPDX-License-Identifier: MIT */
/* Dom0 as the device model of HVM domain 1 (a 16550 UART and the keyboard controller's reset), or an unprivileged domain refused. */
#include <stdbool.h>
#include <guest/cmdline.h>
#include <guest/ctl.h>
#include <guest/ioreq.h>
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/time.h>
#include <public/sched.h>

#define HVM_DOMID 1
#define DOMU_DOMID 2
#define SEC 1000000000ULL
#define UART_BASE 0x3f8
#define KBD_STATUS 0x64
#define KBD_RESET 0xfe

#define OP_SIZE(m) \
    (offsetof(struct xen_dm_op, u) + sizeof(((struct xen_dm_op *)0)->u.m))

/* 1: the domain is there (info filled), 0: it is not, -1: error. */
static int dom_info(domid_t dom, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op;
    long rc;

    memset(&op, 0, sizeof(op));
    rc = domctl_op(&op, XEN_DOMCTL_getdomaininfo, dom);
    if (rc == -XEN_ESRCH || (rc == 0 && op.u.getdomaininfo.domain != dom))
        return 0;
    if (rc)
        return -1;
    *info = op.u.getdomaininfo;
    return 1;
}

/* --------------------------------------------------------- the devices */

/*
 * A 16550 without FIFOs, with the transmitter-empty interrupt on ISA
 * IRQ 4 (what Linux's 8250 driver waits for before it sends userspace's
 * bytes); nothing is ever received.
 */
#define UART_IRQ 4
#define IER_THRI 0x02
#define MCR_OUT2 0x08 /* gates the UART's interrupt onto the ISA line on a PC */
struct uart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    bool thre_int; /* THR empty, not yet reported by an IIR read */
    bool irq;      /* the level last driven on IRQ 4 */
    char line[120];
    unsigned int len;
    unsigned int lines;
    bool reset; /* 0xFE reached the keyboard controller */
};

static void uart_put(struct uart *u, char ch)
{
    if (ch == '\n' || u->len + 1 == sizeof(u->line)) {
        u->line[u->len] = 0;
        printk("(d%u) %s\n", HVM_DOMID, u->line);
        u->len = 0;
        u->lines++;
        if (ch == '\n')
            return;
    }
    if (ch != '\r')
        u->line[u->len++] = ch;
}

static uint8_t uart_read(struct uart *u, unsigned int reg)
{
    bool dlab = u->lcr & 0x80;

    switch (reg) {
    case 0:
        return dlab ? u->dll : 0; /* RBR: nothing ever arrives */
    case 1:
        return dlab ? u->dlm : u->ier;
    case 2:
        /* IIR: reading it reports, and so clears, the THRE interrupt. */
        if ((u->ier & IER_THRI) && u->thre_int) {
            u->thre_int = false;
            return 0x02;
        }
        return 0x01;
    case 3:
        return u->lcr;
    case 4:
        return u->mcr;
    case 5:
        return 0x60; /* LSR: THRE | TEMT, the line is always free */
    case 6:
        return 0xb0; /* MSR: DCD, DSR, CTS */
    default:
        return u->scr;
    }
}

static void uart_write(struct uart *u, unsigned int reg, uint8_t v)
{
    bool dlab = u->lcr & 0x80;

    switch (reg) {
    case 0:
        if (dlab)
            u->dll = v;
        else
            uart_put(u, (char)v);
        /* The byte leaves at once: THR is empty again. */
        u->thre_int = true;
        break;
    case 1:
        if (dlab)
            u->dlm = v;
        else
            u->ier = v & 0x0f;
        /* Enabling it with THR empty (always, here) raises it. */
        if (!dlab && (u->ier & IER_THRI))
            u->thre_int = true;
        break;
    case 2:
        break; /* FCR: no FIFOs */
    case 3:
        u->lcr = v;
        break;
    case 4:
        u->mcr = v & 0x1f;
        break;
    case 5:
    case 6:
        break; /* read-only */
    default:
        u->scr = v;
        break;
    }
}

/* IRQ 4 follows the pending interrupt, as Xen's device models drive it. */
static void uart_irq_update(struct uart *u)
{
    bool level = (u->ier & IER_THRI) && u->thre_int && (u->mcr & MCR_OUT2);
    struct xen_dm_op op;

    if (level == u->irq)
        return;
    u->irq = level;
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_set_isa_irq_level;
    op.u.set_isa_irq_level.isa_irq = UART_IRQ;
    op.u.set_isa_irq_level.level = level;
    TEST_EQ(ioreq_dm_op(HVM_DOMID, &op, OP_SIZE(set_isa_irq_level)), 0);
}

static void serve(void *ctx, ioreq_t *req)
{
    struct uart *u = ctx;
    bool rd = req->dir == IOREQ_READ;

    if (req->type != IOREQ_TYPE_PIO) {
        req->data = ~0ULL;
        return;
    }
    if (req->addr >= UART_BASE && req->addr < UART_BASE + 8) {
        unsigned int reg = (unsigned int)(req->addr - UART_BASE);

        if (rd)
            req->data = uart_read(u, reg);
        else
            uart_write(u, reg, (uint8_t)req->data);
        uart_irq_update(u);
        return;
    }
    if (req->addr == KBD_STATUS) {
        if (rd) {
            req->data = 0x1c; /* input and output buffers empty */
        } else if ((uint8_t)req->data == KBD_RESET && !u->reset) {
            /* Xen's device model (QEMU) resets the guest this way. */
            struct xen_dm_op op;

            u->reset = true;
            memset(&op, 0, sizeof(op));
            op.op = XEN_DMOP_remote_shutdown;
            op.u.remote_shutdown.reason = SHUTDOWN_reboot;
            TEST_EQ(ioreq_dm_op(HVM_DOMID, &op, OP_SIZE(remote_shutdown)), 0);
        }
        return;
    }
    req->data = ~0ULL;
}

/* ------------------------------------------------- refusals, and ABI */

static long create_raw(const struct xen_dm_op *op, size_t size)
{
    struct xen_dm_op copy = *op;

    return ioreq_dm_op(HVM_DOMID, &copy, size);
}

/* Malformed dm_op calls get Xen's errnos and create nothing. */
static void check_malformed(void)
{
    struct xen_dm_op op;
    struct xen_dm_op_buf b[3];

    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_create_ioreq_server;
    for (unsigned int i = 0; i < 3; i++) {
        set_xen_guest_handle(b[i].h, &op);
        b[i].size = sizeof(op);
    }
    TEST_EQ(ioreq_dm_op_bufs(HVM_DOMID, 3, b), -XEN_E2BIG);
    TEST_EQ(ioreq_dm_op_bufs(HVM_DOMID, 0, b), -XEN_EFAULT);
    TEST_EQ(ioreq_dm_op_bufs(77, 1, b), -XEN_ESRCH);
    /* Oneself, even the control domain; a PV domain is not HVM. */
    TEST_EQ(ioreq_dm_op_bufs(0, 1, b), -XEN_EPERM);
    b[0].size = 4;
    TEST_EQ(ioreq_dm_op_bufs(HVM_DOMID, 1, b), -XEN_EFAULT);
    TEST_EQ(create_raw(&op, offsetof(struct xen_dm_op, u)), -XEN_EFAULT);
    TEST_EQ(create_raw(&op, OP_SIZE(create_ioreq_server) - 1), -XEN_EFAULT);
    op.pad = 1;
    TEST_EQ(create_raw(&op, OP_SIZE(create_ioreq_server)), -XEN_EINVAL);
    op.pad = 0;
    op.u.create_ioreq_server.pad[1] = 1;
    TEST_EQ(create_raw(&op, OP_SIZE(create_ioreq_server)), -XEN_EINVAL);
    op.u.create_ioreq_server.pad[1] = 0;
    op.u.create_ioreq_server.handle_bufioreq = 3;
    TEST_EQ(create_raw(&op, OP_SIZE(create_ioreq_server)), -XEN_EINVAL);
    op.op = 21; /* past Xen's table */
    TEST_EQ(create_raw(&op, sizeof(op)), -XEN_EOPNOTSUPP);
    op.op = XEN_DMOP_track_dirty_vram;
    TEST_EQ(create_raw(&op, OP_SIZE(track_dirty_vram)), -XEN_EOPNOTSUPP);
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_get_ioreq_server_info;
    op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
    TEST_EQ(create_raw(&op, OP_SIZE(get_ioreq_server_info)), -XEN_ENOENT);
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_nr_vcpus;
    TEST_EQ(ioreq_dm_op(HVM_DOMID, &op, OP_SIZE(nr_vcpus)), 0);
    TEST_EQ(op.u.nr_vcpus.vcpus, 1);
}

static void check_acquire(const struct ioreq_client *c)
{
    struct xen_mem_acquire_resource r;
    uint64_t mfn;

    memset(&r, 0, sizeof(r));
    r.domid = HVM_DOMID;
    r.type = XENMEM_resource_ioreq_server;
    r.id = c->id;
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), 0);
    TEST_EQ(r.nr_frames, 2); /* the buffered ring's slot, and the page */
    r.pad = 1;
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), -XEN_EINVAL);
    r.pad = 0;
    r.domid = 0;
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), -XEN_EPERM);
    /* No buffered ring was asked for. */
    TEST_EQ(ioreq_acquire_frame(HVM_DOMID, c->id,
                                XENMEM_resource_ioreq_server_frame_bufioreq,
                                &mfn),
            -XEN_ENOENT);
    TEST_EQ(ioreq_acquire_frame(HVM_DOMID, c->id, 2, &mfn), -XEN_EINVAL);
    TEST_EQ(ioreq_acquire_frame(HVM_DOMID, 5, 1, &mfn), -XEN_ENOENT);
    TEST_EQ(ioreq_acquire_frame(HVM_DOMID, c->id, 1, &mfn), 0);
    TEST_EQ(mfn, c->iopage_mfn);
}

static void check_ranges(struct ioreq_client *c)
{
    struct xen_dm_op op;

    /* Inclusive ends: 0x3ff is taken, so is anything overlapping. */
    TEST_EQ(ioreq_client_map(c, XEN_DMOP_IO_RANGE_PORT, 0x3ff, 0x400),
            -XEN_EEXIST);
    TEST_EQ(ioreq_client_map(c, XEN_DMOP_IO_RANGE_PORT, 0x3f0, 0x3f8),
            -XEN_EEXIST);
    TEST_EQ(ioreq_client_map(c, XEN_DMOP_IO_RANGE_PORT, 0x500, 0x4ff),
            -XEN_EINVAL);
    TEST_EQ(ioreq_client_map(c, 3, 0x500, 0x500), -XEN_EINVAL);
    /* A memory range is kept (no MMIO path reaches it yet). */
    TEST_EQ(
        ioreq_client_map(c, XEN_DMOP_IO_RANGE_MEMORY, 0xfed00000, 0xfed003ff),
        0);
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_unmap_io_range_from_ioreq_server;
    op.u.unmap_io_range_from_ioreq_server.id = c->id;
    op.u.unmap_io_range_from_ioreq_server.type = XEN_DMOP_IO_RANGE_PORT;
    op.u.unmap_io_range_from_ioreq_server.start = 0x500;
    op.u.unmap_io_range_from_ioreq_server.end = 0x501;
    TEST_EQ(create_raw(&op, OP_SIZE(unmap_io_range_from_ioreq_server)),
            -XEN_ENOENT);
    op.u.unmap_io_range_from_ioreq_server.type = XEN_DMOP_IO_RANGE_MEMORY;
    op.u.unmap_io_range_from_ioreq_server.start = 0xfed00000;
    op.u.unmap_io_range_from_ioreq_server.end = 0xfed003ff;
    TEST_EQ(create_raw(&op, OP_SIZE(unmap_io_range_from_ioreq_server)), 0);
    /* Legacy gfns: none set aside, and the pages are resources now. */
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_get_ioreq_server_info;
    op.u.get_ioreq_server_info.id = c->id;
    TEST_EQ(create_raw(&op, OP_SIZE(get_ioreq_server_info)), -XEN_EPERM);
    op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
    TEST_EQ(create_raw(&op, OP_SIZE(get_ioreq_server_info)), 0);
}

/* An unprivileged domain may not act as anyone's device model. */
static void domu_main(void)
{
    struct xen_dm_op op;
    struct xen_mem_acquire_resource r;

    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_create_ioreq_server;
    TEST_EQ(ioreq_dm_op(HVM_DOMID, &op, OP_SIZE(create_ioreq_server)),
            -XEN_EPERM);
    memset(&op, 0, sizeof(op));
    op.op = XEN_DMOP_remote_shutdown;
    op.u.remote_shutdown.reason = SHUTDOWN_poweroff;
    TEST_EQ(ioreq_dm_op(HVM_DOMID, &op, OP_SIZE(remote_shutdown)), -XEN_EPERM);
    memset(&r, 0, sizeof(r));
    r.domid = HVM_DOMID;
    r.type = XENMEM_resource_ioreq_server;
    TEST_EQ(HYPERVISOR_memory_op(XENMEM_acquire_resource, &r), -XEN_EPERM);
}

void test_main(void)
{
    static struct ioreq_client c;
    static struct uart u;
    struct xen_domctl_getdomaininfo info;
    struct xen_domctl op;
    struct xen_dm_op dm;
    char role[8], guest[8];
    uint64_t deadline;
    bool linux_guest;
    int r;

    if (cmdline_str("role", role, sizeof(role)) >= 0 && !strcmp(role, "domu")) {
        domu_main();
        return;
    }
    /*
     * guest=linux (hvm_linux_shell): domain 1 is Debian's kernel with its
     * console on this UART; it runs its self-check and powers itself off
     * through ACPI, so it needs longer and ends in poweroff, not reboot.
     */
    linux_guest = cmdline_str("guest", guest, sizeof(guest)) >= 0 &&
                  !strcmp(guest, "linux");
    mm_init();
    TEST_EQ(dom_info(HVM_DOMID, &info), 1);
    /* Built paused for us, and an HVM guest; we are not. */
    TEST_CHECK(info.flags & XEN_DOMINF_paused);
    TEST_CHECK(info.flags & XEN_DOMINF_hvm_guest);
    TEST_CHECK(!(info.cpu_time));
    check_malformed();
    /* Its vCPU state is no PV context: refused both ways, it stays paused. */
    {
        static struct vcpu_guest_context ctx;

        memset(&op, 0, sizeof(op));
        op.u.vcpucontext.ctxt = (uint64_t)(unsigned long)&ctx;
        TEST_EQ(domctl_op(&op, XEN_DOMCTL_getvcpucontext, HVM_DOMID),
                -XEN_EOPNOTSUPP);
        ctx.fpu_ctxt.x[24] = 0xff; /* MXCSR with reserved bits */
        ctx.fpu_ctxt.x[26] = 0xff;
        ctx.flags = VGCF_i387_valid | VGCF_online;
        memset(&op, 0, sizeof(op));
        op.u.vcpucontext.ctxt = (uint64_t)(unsigned long)&ctx;
        TEST_EQ(domctl_op(&op, XEN_DOMCTL_setvcpucontext, HVM_DOMID),
                -XEN_EOPNOTSUPP);
        /* Nor reset as a PV vCPU would be (a null context). */
        memset(&op, 0, sizeof(op));
        TEST_EQ(domctl_op(&op, XEN_DOMCTL_setvcpucontext, HVM_DOMID),
                -XEN_EOPNOTSUPP);
        TEST_EQ(dom_info(HVM_DOMID, &info), 1);
        TEST_CHECK(info.flags & XEN_DOMINF_paused);
    }
    if (ioreq_client_open(&c, HVM_DOMID, 1)) {
        test_fail("no ioreq server");
        return;
    }
    /* Nothing the malformed calls did left a server behind. */
    TEST_EQ(c.id, 0);
    TEST_EQ(
        ioreq_client_map(&c, XEN_DMOP_IO_RANGE_PORT, UART_BASE, UART_BASE + 7),
        0);
    TEST_EQ(
        ioreq_client_map(&c, XEN_DMOP_IO_RANGE_PORT, KBD_STATUS, KBD_STATUS),
        0);
    check_acquire(&c);
    check_ranges(&c);
    /* ISA lines are 0-15 and levels 0 or 1, as Xen checks. */
    memset(&dm, 0, sizeof(dm));
    dm.op = XEN_DMOP_set_isa_irq_level;
    dm.u.set_isa_irq_level.isa_irq = 16;
    TEST_EQ(ioreq_dm_op(HVM_DOMID, &dm, OP_SIZE(set_isa_irq_level)),
            -XEN_EINVAL);
    dm.u.set_isa_irq_level.isa_irq = UART_IRQ;
    dm.u.set_isa_irq_level.level = 2;
    TEST_EQ(ioreq_dm_op(HVM_DOMID, &dm, OP_SIZE(set_isa_irq_level)),
            -XEN_EINVAL);
    TEST_EQ(dom_info(0, &info), 1);
    TEST_CHECK(!(info.flags & XEN_DOMINF_hvm_guest));
    memset(&op, 0, sizeof(op));
    TEST_EQ(domctl_op(&op, XEN_DOMCTL_unpausedomain, HVM_DOMID), 0);
    printk("serving d%u's UART and keyboard controller\n", HVM_DOMID);
    deadline = guest_now() + (linux_guest ? 120 : 60) * SEC;
    test_quiet(1);
    while (guest_now() < deadline) {
        ioreq_client_serve(&c, serve, &u, 10000000ULL);
        r = dom_info(HVM_DOMID, &info);
        if (r != 1 || (info.flags & XEN_DOMINF_shutdown))
            break;
    }
    test_quiet(0);
    TEST_EQ(r, 1);
    TEST_CHECK(linux_guest || u.reset);
    TEST_CHECK(u.lines >= 2);
    TEST_CHECK(info.flags & XEN_DOMINF_shutdown);
    TEST_EQ((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
            linux_guest ? SHUTDOWN_poweroff : SHUTDOWN_reboot);
    /* The unprivileged domain's refusals need domain 1 still there. */
    deadline = guest_now() + 30 * SEC;
    while (dom_info(DOMU_DOMID, &info) == 1 &&
           !(info.flags & XEN_DOMINF_shutdown) && guest_now() < deadline)
        spin_until(guest_now() + 5000000ULL);
    TEST_EQ(ioreq_client_close(&c), 0);
    memset(&op, 0, sizeof(op));
    TEST_EQ(domctl_op(&op, XEN_DOMCTL_destroydomain, HVM_DOMID), 0);
    TEST_EQ(dom_info(HVM_DOMID, &info), 0);
}

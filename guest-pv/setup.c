/* SPDX-License-Identifier: MIT */
/* C entry of every SDK guest: map shared_info, load traps, run main. */
#include <guest/guest.h>
#include <guest/smp.h>

struct start_info *start_info;
struct shared_info *shared_info;

/* A page of our own image whose mapping we replace with shared_info. */
static char shared_info_window[4096]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

/* PTE bits for the window: present, writable, user, accessed, dirty. */
#define WINDOW_PTE_FLAGS 0x67ULL

void guest_start(struct start_info *si);

__attribute__((noreturn)) void guest_shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    /* Only a broken hypervisor gets here: try the raw path, then spin. */
    hypercall_raw(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd,
                  0, 0, 0);
    for (;;)
        __asm__ volatile("pause");
}

uint64_t guest_cr2(void)
{
    if (!shared_info)
        return 0;
    return shared_info->vcpu_info[smp_cpu_id()].arch.cr2;
}

static void raw_puts(const char *s)
{
    hypercall_raw(__HYPERVISOR_console_io, CONSOLEIO_write, strlen(s),
                  (unsigned long)s, 0, 0);
}

void guest_start(struct start_info *si)
{
    long rc;

    start_info = si;

    /*
     * start.S fills the page with int3; if it is still there nobody
     * wrote the stubs, and every wrapper call would trap with no trap
     * table to catch it. Say so by raw syscall and give up.
     */
    if ((unsigned char)hypercall_page[0] == 0xcc) {
        raw_puts("guest: hypercall page was not filled in\n"
                 "Test result: FAIL (no hypercall page)\n");
        hypercall_raw(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
                      (unsigned long)&(struct sched_shutdown){ SHUTDOWN_crash },
                      0, 0, 0);
        for (;;)
            ;
    }

    rc = traps_init();
    if (rc)
        printk("guest: set_trap_table failed: %ld\n", rc);

    /* start_info.shared_info is a machine address: map it by frame. */
    rc = HYPERVISOR_update_va_mapping(
        (unsigned long)shared_info_window,
        (si->shared_info & ~0xfffULL) | WINDOW_PTE_FLAGS, UVMF_INVLPG);
    if (rc)
        printk("guest: mapping shared_info (maddr 0x%lx) failed: %ld\n",
               (unsigned long)si->shared_info, rc);
    else
        shared_info = (struct shared_info *)shared_info_window;

    guest_main();
    guest_shutdown(SHUTDOWN_poweroff);
}

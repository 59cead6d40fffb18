/* SPDX-License-Identifier: MIT */
/* Demo guest for `make run`: a friendly banner, the boot facts, power off. */
#include <guest/guest.h>

void guest_main(void)
{
    const struct start_info *si = start_info;
    xen_extraversion_t extra = { 0 };
    long ver = HYPERVISOR_xen_version(XENVER_version, NULL);

    if (HYPERVISOR_xen_version(XENVER_extraversion, extra) < 0)
        extra[0] = '\0';
    extra[sizeof(extra) - 1] = '\0';

    printk("\n");
    printk("  *  Vesper demo guest: hello from a 64-bit PV kernel  *\n\n");
    printk("  hypervisor version  %ld.%ld%s\n", ver >> 16, ver & 0xffff, extra);
    printk("  start_info          %p  magic \"%.32s\"\n", (void *)si,
           si->magic);
    printk("  nr_pages            %lu (%lu MiB)\n", (unsigned long)si->nr_pages,
           (unsigned long)si->nr_pages >> 8);
    printk("  shared_info maddr   0x%lx\n", (unsigned long)si->shared_info);
    printk("  flags               0x%x%s%s\n", si->flags,
           (si->flags & SIF_PRIVILEGED) ? " privileged" : "",
           (si->flags & SIF_INITDOMAIN) ? " initdomain" : "");
    printk("  store mfn/evtchn    0x%lx / %u\n", (unsigned long)si->store_mfn,
           si->store_evtchn);
    printk("  pt_base             0x%lx (%lu frames)\n",
           (unsigned long)si->pt_base, (unsigned long)si->nr_pt_frames);
    printk("  mfn_list            0x%lx\n", (unsigned long)si->mfn_list);
    printk("  mod_start/len       0x%lx / %lu\n", (unsigned long)si->mod_start,
           (unsigned long)si->mod_len);
    printk("  cmd_line            \"%s\"\n", si->cmd_line);
    printk("\n  powering off. bye!\n");
    guest_shutdown(SHUTDOWN_poweroff);
}

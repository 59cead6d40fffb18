/* SPDX-License-Identifier: GPL-2.0-only */
/* Run the next runnable vCPU; end the machine when no domain is left. */
#include "arch.h"
#include "lib.h"
#include "sched.h"

static unsigned int last_exit_code;

void schedule(void)
{
    for (;;) {
        bool any = false;

        for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
            struct domain *d = domain_list[i];

            if (!d)
                continue;
            if (d->state != DOM_RUNNING) {
                last_exit_code = d->shutdown_code;
                domain_destroy(d);
                continue;
            }
            any = true;
            for (unsigned int j = 0; j < d->max_vcpus; j++) {
                struct vcpu *v = d->vcpu[j];

                if (v && v->running && !v->blocked)
                    arch_run_vcpu(v);
            }
        }
        if (!any && boot_next_cycle())
            continue;
        if (!any) {
            printk("all domains have shut down (last: %s); %llu frames free of "
                   "%llu\n",
                   last_exit_code == 1   ? "reboot"
                   : last_exit_code == 3 ? "crash"
                                         : "poweroff",
                   (unsigned long long)free_frame_count(),
                   (unsigned long long)total_frame_count());
            arch_machine_exit(last_exit_code == 0 || last_exit_code == 1 ||
                                      last_exit_code == 3
                                  ? last_exit_code
                                  : 3);
        }
        arch_idle();
    }
}

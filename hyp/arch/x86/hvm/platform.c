/* SPDX-License-Identifier: GPL-2.0-only */
/* An HVM domain's emulated platform: local APICs, 8259 pair, PIT, RTC and PM timer, made and torn down together. */
#include "arch.h"
#include "errno.h"
#include "lib.h"
#include "sched.h"
#include "asm/hvm.h"
#include "asm/hvm_io.h"
#include "vdev.h"

int hvm_platform_init(struct domain *d)
{
    struct hvm_plat *p = xzalloc(sizeof(*p));
    int rc = 0;

    if (!p)
        return -ENOMEM;
    p->d = d;
    p->created_ns = arch_now_ns();
    d->arch.hvm->plat = p;
    for (unsigned int i = 0; !rc && i < d->max_vcpus; i++)
        rc = vlapic_init(d->vcpu[i]);
    if (rc)
        return rc;
    vpic_init(d);
    vpit_init(d);
    vrtc_init(d);
    vpmtimer_init(d);
    return 0;
}

/* Every device timer stops before the state goes. */
void hvm_platform_destroy(struct domain *d)
{
    struct hvm_plat *p = d->arch.hvm ? d->arch.hvm->plat : NULL;

    for (unsigned int i = 0; i < MAX_VCPUS; i++)
        if (d->vcpu[i] && d->vcpu[i]->arch.hvm)
            vlapic_destroy(d->vcpu[i]);
    if (!p)
        return;
    hvm_pt_stop(&p->vpit.timer);
    xfree(p);
    d->arch.hvm->plat = NULL;
}

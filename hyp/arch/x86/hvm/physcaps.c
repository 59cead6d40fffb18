/* SPDX-License-Identifier: GPL-2.0-only */
/* What physinfo says of HVM: the back end's capabilities in Xen's terms. */
#include "arch.h"
#include "asm/hvm.h"
#include <public/sysctl.h>

/*
 * Xen reports PHYSCAP_hvm once an HVM back end is enabled and PHYSCAP_hap
 * when it pages guests with nested tables; Vesper's back ends need them.
 */
u32 arch_hvm_physcaps(void)
{
    if (!hvm_caps.use_svm)
        return 0;
    return XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
}

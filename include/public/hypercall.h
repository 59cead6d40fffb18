/* SPDX-License-Identifier: MIT */
/* The one list of hypercall numbers; everything else is derived from it. */
#ifndef VESPER_PUBLIC_HYPERCALL_H
#define VESPER_PUBLIC_HYPERCALL_H

#include "defs.h"

/*
 * VESPER_HYPERCALL_LIST(X) expands X(number, name, nargs) once per
 * hypercall of the x86-64 PV ABI. This is the only place a number is
 * assigned. The hypervisor expands it into its do_* prototypes and its
 * dispatch table; the guest SDK into its stubs. nargs counts the register
 * arguments (RDI, RSI, RDX, R10, R8) the 64-bit handler takes, so debug
 * builds know which registers they may scribble on after a call.
 *
 * Numbers are the Xen ABI: a guest built for Xen issues them unchanged.
 * Several (platform_op, xsm_op, xenoprof_op, hvm_op, kexec_op, tmem_op,
 * argo_op, xenpmu_op, dm_op, hypfs_op, ...) are listed only so the table
 * is complete; the hypervisor answers -ENOSYS until it implements them.
 * The "_compat" entries are the pre-3.2 argument formats some old guests
 * still use.
 */
#define VESPER_HYPERCALL_LIST(X)            \
    X(0, set_trap_table, 1)                 \
    X(1, mmu_update, 4)                     \
    X(2, set_gdt, 2)                        \
    X(3, stack_switch, 2)                   \
    X(4, set_callbacks, 3)                  \
    X(5, fpu_taskswitch, 1)                 \
    X(6, sched_op_compat, 2)                \
    X(7, platform_op, 1)                    \
    X(8, set_debugreg, 2)                   \
    X(9, get_debugreg, 1)                   \
    X(10, update_descriptor, 2)             \
    X(12, memory_op, 2)                     \
    X(13, multicall, 2)                     \
    X(14, update_va_mapping, 3)             \
    X(15, set_timer_op, 1)                  \
    X(16, event_channel_op_compat, 1)       \
    X(17, xen_version, 2)                   \
    X(18, console_io, 3)                    \
    X(19, physdev_op_compat, 1)             \
    X(20, grant_table_op, 3)                \
    X(21, vm_assist, 2)                     \
    X(22, update_va_mapping_otherdomain, 4) \
    X(23, iret, 0)                          \
    X(24, vcpu_op, 3)                       \
    X(25, set_segment_base, 2)              \
    X(26, mmuext_op, 4)                     \
    X(27, xsm_op, 1)                        \
    X(28, nmi_op, 2)                        \
    X(29, sched_op, 2)                      \
    X(30, callback_op, 2)                   \
    X(31, xenoprof_op, 2)                   \
    X(32, event_channel_op, 2)              \
    X(33, physdev_op, 2)                    \
    X(34, hvm_op, 2)                        \
    X(35, sysctl, 1)                        \
    X(36, domctl, 1)                        \
    X(37, kexec_op, 2)                      \
    X(38, tmem_op, 1)                       \
    X(39, argo_op, 5)                       \
    X(40, xenpmu_op, 2)                     \
    X(41, dm_op, 3)                         \
    X(42, hypfs_op, 5)                      \
    X(48, mca, 1)

/*
 * Dispatch tables are indexed by the hypercall number after one bounds
 * check, so they are sized to a power of two that covers every number,
 * including Xen's arch-specific range 48..55. Unused slots return -ENOSYS.
 */
#define VESPER_NR_HYPERCALLS 64

/*
 * The same numbers as plain macros, because .S files (the hypercall page,
 * the iret stub) need them and the preprocessor cannot define macros from
 * a list. The checks at the end of this file keep the two in step.
 */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_kexec_op 37
#define __HYPERVISOR_tmem_op 38
#define __HYPERVISOR_argo_op 39
#define __HYPERVISOR_xenpmu_op 40
#define __HYPERVISOR_dm_op 41
#define __HYPERVISOR_hypfs_op 42

/* Xen reserves 48..55 for architecture-specific calls; x86 uses 48. */
#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_1 49
#define __HYPERVISOR_arch_2 50
#define __HYPERVISOR_arch_3 51
#define __HYPERVISOR_arch_4 52
#define __HYPERVISOR_arch_5 53
#define __HYPERVISOR_arch_6 54
#define __HYPERVISOR_arch_7 55
#define __HYPERVISOR_mca __HYPERVISOR_arch_0

#ifndef __ASSEMBLY__

/* The list as C constants, handy in debuggers and switch statements. */
#define VESPER_HC_ENUM_(nr, name, nargs) VESPER_HC_##name = (nr),
enum vesper_hypercall {
    VESPER_HYPERCALL_LIST(VESPER_HC_ENUM_) VESPER_HC_TABLE_SIZE =
        VESPER_NR_HYPERCALLS
};
#undef VESPER_HC_ENUM_

/* Each macro above must equal its list entry, and take at most 5 args. */
#define VESPER_HC_CHECK_(nr, name, nargs)                           \
    VESPER_ABI_ASSERT(__HYPERVISOR_##name == (nr) &&                \
                          VESPER_HC_##name == (nr) && (nargs) <= 5, \
                      hypercall_##name);
VESPER_HYPERCALL_LIST(VESPER_HC_CHECK_)
#undef VESPER_HC_CHECK_

/*
 * No number may appear twice, and every number must fit the table. Adding
 * 1 << nr over the list equals OR-ing the same bits only when all numbers
 * are distinct; shifting by nr >= 64 is caught by the range check first.
 */
#define VESPER_HC_RANGE_(nr, name, nargs) &&(nr) < VESPER_NR_HYPERCALLS
#define VESPER_HC_SUM_(nr, name, nargs) +(1UL << ((nr)&63))
#define VESPER_HC_OR_(nr, name, nargs) | (1UL << ((nr)&63))
VESPER_ABI_ASSERT(1 VESPER_HYPERCALL_LIST(VESPER_HC_RANGE_),
                  hypercall_numbers_fit_table);
VESPER_ABI_ASSERT((0UL VESPER_HYPERCALL_LIST(VESPER_HC_SUM_)) ==
                      (0UL VESPER_HYPERCALL_LIST(VESPER_HC_OR_)),
                  hypercall_numbers_unique);
VESPER_ABI_ASSERT((VESPER_NR_HYPERCALLS & (VESPER_NR_HYPERCALLS - 1)) == 0,
                  hypercall_table_power_of_two);
#undef VESPER_HC_RANGE_
#undef VESPER_HC_SUM_
#undef VESPER_HC_OR_

#endif /* !__ASSEMBLY__ */

#endif /* VESPER_PUBLIC_HYPERCALL_H */

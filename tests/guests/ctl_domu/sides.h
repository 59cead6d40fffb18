/* SPDX-License-Identifier: MIT */
/* ctl_domu's two sides, shared with ctl_domu_built. */
#ifndef CTL_DOMU_SIDES_H
#define CTL_DOMU_SIDES_H

/* The domU: every control call refused; then busy for 1.5 s. */
void ctl_domu_side(void);
/* dom0: lists, pauses, unpauses and names domain 1 while it is busy. */
void ctl_dom0_side(void);

#endif

/* SPDX-License-Identifier: MIT */
/* ctl_build's toolstack, 1,000 times over: nothing may leak. */

/*
 * The same sources as ctl_build (a guest test is the .c files of its
 * directory), built again as this image so that it can be its own boot
 * module; only the command line differs.
 */
#include "../ctl_build/main.c"
#include "../ctl_build/dom0.c"
#include "../ctl_build/domu.c"

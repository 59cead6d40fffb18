/* SPDX-License-Identifier: MIT */
/* The public Vesper/Xen ABI as the guest SDK sees it. */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#include <public/vesper.h>
#include <public/callback.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <guest/abi-missing.h>

#endif /* GUEST_ABI_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal errno names, from the public list: hypercalls return -Exxx. */
#ifndef VESPER_ERRNO_H
#define VESPER_ERRNO_H

#include <public/errno.h>

enum {
#define VESPER_ERRNO_ENUM(name, val) name = (val),
    VESPER_ERRNO_LIST(VESPER_ERRNO_ENUM)
#undef VESPER_ERRNO_ENUM
};

#endif

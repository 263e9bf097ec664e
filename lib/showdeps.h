/* SPDX-License-Identifier: MIT */
/* showdeps.h: one load-list entry as modprobe --show-depends prints it. */
#ifndef EARLYMOD_SHOWDEPS_H
#define EARLYMOD_SHOWDEPS_H

#include <stddef.h>

#include "blob.h"
#include "resolve.h"

/* "insmod MODDIR/PATH OPTIONS\n", "install COMMAND OPTIONS\n", "builtin NAME\n" or
 * "" (nothing); returns the length, or -E2BIG when buf is too small */
int showdeps_line(const struct blob *b, const struct res_entry *e, char *buf, size_t len);

#endif

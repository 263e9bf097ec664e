/* SPDX-License-Identifier: MIT */
/* modname.h: kmod's three name normalizers (kmod-semantics.md section 1).
 *
 *   modname_normalize  a module name from a path or argv: copy up to the first '.',
 *                      '-' becomes '_' ("crc32c-intel.ko.zst" -> "crc32c_intel")
 *   alias_normalize    every lookup string (names, aliases, modaliases) and every alias
 *                      pattern: '-' becomes '_' except inside "[...]"; does not stop at
 *                      '.'; a ']' without '[' or an unterminated '[' is invalid
 *   underscores        the same rule in place, for the words of modprobe.d lines
 *
 * No allocation: these run in PID 1 too. */
#ifndef EARLYMOD_MODNAME_H
#define EARLYMOD_MODNAME_H

#include <stddef.h>

/* the length written (out is NUL-terminated), or -ENAMETOOLONG when out (outlen
 * bytes, the NUL included) is too small */
int modname_normalize(const char *in, char *out, size_t outlen);
/* the length written, -EINVAL for unbalanced brackets, -ENAMETOOLONG */
int alias_normalize(const char *in, char *out, size_t outlen);
/* 0 or -EINVAL (s is then unspecified) */
int underscores(char *s);

#endif

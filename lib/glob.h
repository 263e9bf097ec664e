/* SPDX-License-Identifier: MIT */
/* glob.h: fnmatch(3) with flags 0, as kmod calls it under glibc, for plain bytes.
 *
 * "*" matches any run of bytes ('/' and a leading '.' included), "?" one byte,
 * "[...]" one byte of a set: ranges "a-z", classes "[:alpha:]" (ASCII), "!" or "^"
 * first to negate, "]" first to be literal, "\x" quoting inside too; a "[" with no
 * closing "]" is a literal "[". Elsewhere "\x" matches x; a trailing "\" matches
 * nothing. Our own because musl's fnmatch drags in 17 KB of wide-character
 * tables, and the loader and mkinitfs must decide identically; tests compare it
 * with glibc's fnmatch on generated patterns. */
#ifndef EARLYMOD_GLOB_H
#define EARLYMOD_GLOB_H

/* 1 when str matches pattern, else 0 */
int glob_match(const char *pattern, const char *str);

#endif

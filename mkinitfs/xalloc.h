/* SPDX-License-Identifier: MIT */
/* xalloc.h: allocation that cannot fail in mkinitfs (out of memory is fatal there). */
#ifndef EARLYMOD_XALLOC_H
#define EARLYMOD_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* *ret is malloc()ed; returns its length */
int xasprintf(char **ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

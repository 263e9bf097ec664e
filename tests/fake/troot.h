/* SPDX-License-Identifier: MIT */
/* troot.h: building a fake root directory for the loader's tests, and looking at text. */
#ifndef EARLYMOD_TROOT_H
#define EARLYMOD_TROOT_H

#include <string.h>

/* A fresh empty directory in root (char[256]) named /tmp/NAME.XXXXXX, the previous one
 * (if root is not empty) removed first; then fake_init() over it. */
void troot_fresh(char *root, const char *name);
/* removes the fake root, if one was made: 0, or -1 when rm failed */
int troot_remove(const char *root);
/* ROOT/REL with DATA, parent directories made; REL ending in '/' only makes dirs */
void troot_put(const char *root, const char *rel, const char *data);
/* whether ROOT/REL exists (links not followed) */
int troot_exists(const char *root, const char *rel);
/* ROOT/REL's first 4 KiB, NUL-terminated, in a static buffer; NULL if unreadable */
char *troot_slurp(const char *root, const char *rel);

static inline int has(const char *text, const char *s)
{
	return strstr(text, s) != NULL;
}

static inline int count(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

#endif

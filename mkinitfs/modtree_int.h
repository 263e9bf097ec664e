/* SPDX-License-Identifier: MIT */
/* modtree_int.h: what the modtree_*.c files share and nobody else needs. */
#ifndef EARLYMOD_MODTREE_INT_H
#define EARLYMOD_MODTREE_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "modtree.h"

/* error text for modtree_load; returns r so that callers can `return mt_err(...)` */
int mt_err(char *err, size_t errlen, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* kmod's name for a module path: basename up to the first '.', '-' -> '_' */
char *mt_modname(const char *path);

/* string-keyed hash over indices 0..n-1; fold makes '-' and '_' the same.
 * A key already present keeps its first index. */
typedef const char *(*mt_key_fn)(const void *ctx, size_t i);
void mt_hash_build(struct mt_hash *h, size_t n, mt_key_fn key, const void *ctx, int fold);
ssize_t mt_hash_find(const struct mt_hash *h, const char *s, mt_key_fn key,
		     const void *ctx, int fold);
void mt_hash_free(struct mt_hash *h);

/* a text file of the module directory, NUL-terminated; -ENOENT when absent */
int mt_read_text(int dfd, const char *name, char **ret_text, size_t *ret_len);
/* the next line (its '\n' replaced by NUL) or NULL at the end */
char *mt_next_line(char **pos, char *end);

/* a module's symbol names, for computing dependencies as depmod does: exports first,
 * then the undefined ones in symbol table order; off[] indexes names */
struct mt_syms {
	char *names;
	size_t len, cap;
	size_t *off;
	size_t nexp, nund;
};
int mt_syms_read(const struct ko_elf *e, struct mt_syms *ret);
void mt_syms_free(struct mt_syms *s);

/* the steps of modtree_load, in order; each fills in part of t. mt_read_moddep returns
 * 0 when there is no modules.dep (then mt_scan and mt_compute_deps run), 1 when it
 * filled in the modules and their dependencies; *ret_lines maps a module to its line. */
int mt_read_moddep(struct modtree *t, int dfd, unsigned **ret_lines, char *err,
		   size_t errlen);
int mt_scan(struct modtree *t, int dfd, char *err, size_t errlen);
/* syms, when not NULL, has room for every module's symbols */
int mt_read_info(struct modtree *t, int dfd, const unsigned *lines, struct mt_syms *syms,
		 char *err, size_t errlen);
int mt_compute_deps(struct modtree *t, const struct mt_syms *syms, char *err,
		    size_t errlen);
int mt_read_builtin(struct modtree *t, int dfd, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
/* modtree_builtin.c: the built-in modules, from modules.builtin and
 * modules.builtin.modinfo. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modtree_int.h"
#include "xalloc.h"

static const char *builtin_key(const void *ctx, size_t i)
{
	return ((const struct mt_builtin *)ctx)[i].name;
}

static void add_kv(struct modinfo *mi, const char *key, size_t keylen, const char *value)
{
	/* powers of two: grow when n reaches one */
	if (!(mi->n & (mi->n - 1)) || !mi->n)
		mi->kv = xrealloc(mi->kv, (mi->n ? mi->n * 2 : 1) * sizeof(*mi->kv));
	mi->kv[mi->n].key = xstrndup(key, keylen);
	mi->kv[mi->n].value = xstrdup(value);
	mi->n++;
}

static int read_list(struct modtree *t, int dfd, char *err, size_t errlen)
{
	char *text, *pos, *end, *line;
	struct mt_hash h;
	size_t len, cap = 1, n = 0;
	int r;

	r = mt_read_text(dfd, "modules.builtin", &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return mt_err(err, errlen, r, "%s/modules.builtin: %s", t->moddir,
			      strerror(-r));
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	t->builtins = xcalloc(cap, sizeof(*t->builtins));
	pos = text;
	end = text + len;
	while ((line = mt_next_line(&pos, end)))
		/* depmod skips, with an error, a line not starting with a letter */
		if (isalpha((unsigned char)line[0]))
			t->builtins[t->nbuiltins++].name = mt_modname(line);
	free(text);
	/* a name listed twice is kept where it first appears */
	mt_hash_build(&h, t->nbuiltins, builtin_key, t->builtins, 1);
	for (size_t i = 0; i < t->nbuiltins; i++) {
		if (mt_hash_find(&h, t->builtins[i].name, builtin_key, t->builtins, 1) ==
		    (ssize_t)i)
			t->builtins[n++] = t->builtins[i];
		else
			free(t->builtins[i].name);
	}
	mt_hash_free(&h);
	t->nbuiltins = n;
	return 0;
}

int mt_read_builtin(struct modtree *t, int dfd, char *err, size_t errlen)
{
	char *text, *p, *end;
	struct mt_hash h;
	struct modinfo *last = NULL;
	const char *lastname = NULL;
	size_t len, lastlen = 0, cap = 0;
	int r;

	r = read_list(t, dfd, err, errlen);
	if (r < 0)
		return r;
	r = mt_read_text(dfd, "modules.builtin.modinfo", &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return mt_err(err, errlen, r, "%s/modules.builtin.modinfo: %s", t->moddir,
			      strerror(-r));
	mt_hash_build(&h, t->nbuiltins, builtin_key, t->builtins, 1);
	for (p = text, end = text + len; p < end; p += strlen(p) + 1) {
		const char *dot = strchr(p, '.'), *eq;
		size_t namelen;

		if (!dot || dot == p)
			continue;
		namelen = (size_t)(dot - p);
		/* records come grouped by module: most go where the last one went */
		if (!last || namelen != lastlen || memcmp(p, lastname, namelen)) {
			char *name = xstrndup(p, namelen);
			ssize_t i = mt_hash_find(&h, name, builtin_key, t->builtins, 1);
			size_t k;

			if (i >= 0) {
				last = &t->builtins[i].mi;
				lastname = t->builtins[i].name;
				free(name);
			} else {
				for (k = 0; k < t->nalias_builtins; k++)
					if (!strcmp(t->alias_builtins[k].name, name))
						break;
				if (k == t->nalias_builtins) {
					if (k == cap) {
						cap = cap ? cap * 2 : 16;
						t->alias_builtins = xrealloc(
							t->alias_builtins,
							cap * sizeof(*t->alias_builtins));
					}
					t->alias_builtins[k] =
						(struct mt_builtin){ name, { 0 } };
					t->nalias_builtins++;
				} else {
					free(name);
				}
				last = &t->alias_builtins[k].mi;
				lastname = t->alias_builtins[k].name;
			}
			lastlen = namelen;
		}
		eq = strchr(dot + 1, '=');
		if (eq)
			add_kv(last, dot + 1, (size_t)(eq - dot - 1), eq + 1);
		else
			add_kv(last, dot + 1, strlen(dot + 1), "");
	}
	mt_hash_free(&h);
	free(text);
	return 0;
}

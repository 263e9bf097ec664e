/* SPDX-License-Identifier: MIT */
/* modtree.c: loads a module directory (modtree_load) and answers questions about it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "modtree_int.h"
#include "xalloc.h"

int mt_err(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

char *mt_modname(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	name = xstrndup(base, n);
	for (size_t i = 0; i < n; i++)
		if (name[i] == '-')
			name[i] = '_';
	return name;
}

static size_t fold_char(char c, int fold)
{
	return fold && c == '-' ? '_' : (unsigned char)c;
}

static size_t hash_str(const char *s, int fold)
{
	size_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ fold_char(*s, fold)) * 1099511628211ULL;
	return h;
}

static int str_eq(const char *a, const char *b, int fold)
{
	for (; *a && *b; a++, b++)
		if (fold_char(*a, fold) != fold_char(*b, fold))
			return 0;
	return *a == *b;
}

void mt_hash_build(struct mt_hash *h, size_t n, mt_key_fn key, const void *ctx, int fold)
{
	size_t size = 16;

	/* at most half full, so that probe runs stay short */
	while (size < n * 2)
		size *= 2;
	h->slot = xcalloc(size, sizeof(*h->slot));
	h->mask = size - 1;
	for (size_t i = 0; i < n; i++) {
		const char *k = key(ctx, i);
		size_t s = hash_str(k, fold) & h->mask;

		for (; h->slot[s]; s = (s + 1) & h->mask)
			if (str_eq(key(ctx, h->slot[s] - 1), k, fold))
				break;
		if (!h->slot[s])
			h->slot[s] = i + 1;
	}
}

ssize_t mt_hash_find(const struct mt_hash *h, const char *k, mt_key_fn key,
		     const void *ctx, int fold)
{
	if (!h->slot)
		return -1;
	for (size_t s = hash_str(k, fold) & h->mask; h->slot[s]; s = (s + 1) & h->mask)
		if (str_eq(key(ctx, h->slot[s] - 1), k, fold))
			return (ssize_t)h->slot[s] - 1;
	return -1;
}

void mt_hash_free(struct mt_hash *h)
{
	free(h->slot);
	h->slot = NULL;
}

int mt_read_text(int dfd, const char *name, char **ret_text, size_t *ret_len)
{
	uint8_t *data;
	size_t len;
	int fd, r;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = ko_slurp_fd(fd, &data, &len);
	close(fd);
	if (r < 0)
		return r;
	data = xrealloc(data, len + 1);
	data[len] = '\0';
	*ret_text = (char *)data;
	*ret_len = len;
	return 0;
}

char *mt_next_line(char **pos, char *end)
{
	char *line = *pos, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl) {
		*nl = '\0';
		*pos = nl + 1;
	} else {
		*pos = end;
	}
	return line;
}

static const char *mod_key(const void *ctx, size_t i)
{
	return ((const struct modtree *)ctx)->mods[i].name;
}

static const char *builtin_key(const void *ctx, size_t i)
{
	return ((const struct modtree *)ctx)->builtins[i].name;
}

int modtree_load(const char *root, const char *kver, struct modtree **ret, char *err,
		 size_t errlen)
{
	struct modtree *t = xcalloc(1, sizeof(*t));
	struct mt_syms *syms = NULL;
	size_t nsyms = 0;
	unsigned *lines = NULL;
	struct utsname u;
	size_t rootlen = root ? strlen(root) : 0;
	int dfd = -1, r;

	if (!kver) {
		if (uname(&u) < 0) {
			r = mt_err(err, errlen, -errno, "uname: %s", strerror(errno));
			goto out;
		}
		kver = u.release;
	}
	while (rootlen && root[rootlen - 1] == '/')
		rootlen--;
	t->kver = xstrdup(kver);
	t->moddir = xmalloc(rootlen + strlen(kver) + sizeof("/lib/modules/"));
	sprintf(t->moddir, "%.*s/lib/modules/%s", (int)rootlen, rootlen ? root : "",
		kver);
	dfd = open(t->moddir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		r = mt_err(err, errlen, -errno, "%s: %s", t->moddir, strerror(errno));
		goto out;
	}
	r = mt_read_moddep(t, dfd, &lines, err, errlen);
	if (r < 0)
		goto out;
	t->had_depmod = r;
	if (!t->had_depmod) {
		r = mt_scan(t, dfd, err, errlen);
		if (r < 0)
			goto out;
	}
	/* only depmod's own computation needs the symbol tables */
	if (!t->had_depmod) {
		nsyms = t->nmods;
		syms = xcalloc(nsyms, sizeof(*syms));
	}
	r = mt_read_info(t, dfd, lines, syms, err, errlen);
	if (r < 0)
		goto out;
	mt_hash_build(&t->byname, t->nmods, mod_key, t, 1);
	if (!t->had_depmod) {
		r = mt_compute_deps(t, syms, err, errlen);
		if (r < 0)
			goto out;
	}
	r = mt_read_builtin(t, dfd, err, errlen);
	if (r < 0)
		goto out;
	mt_hash_build(&t->bybuiltin, t->nbuiltins, builtin_key, t, 1);
	*ret = t;
	t = NULL;
	r = 0;
out:
	if (dfd >= 0)
		close(dfd);
	for (size_t i = 0; i < nsyms; i++)
		mt_syms_free(&syms[i]);
	free(syms);
	free(lines);
	modtree_free(t);
	return r;
}

ssize_t modtree_find(const struct modtree *t, const char *name)
{
	return mt_hash_find(&t->byname, name, mod_key, t, 1);
}

ssize_t modtree_find_builtin(const struct modtree *t, const char *name)
{
	return mt_hash_find(&t->bybuiltin, name, builtin_key, t, 1);
}

char *modtree_module_path(const struct modtree *t, size_t idx)
{
	const char *rel = t->mods[idx].relpath;
	char *path;

	if (rel[0] == '/')
		return xstrdup(rel);
	path = xmalloc(strlen(t->moddir) + strlen(rel) + 2);
	sprintf(path, "%s/%s", t->moddir, rel);
	return path;
}

int modtree_read_module(const struct modtree *t, size_t idx, uint8_t **ret_data,
			size_t *ret_len)
{
	char *path;
	int r;

	if (idx >= t->nmods)
		return -EINVAL;
	path = modtree_module_path(t, idx);
	r = ko_read(path, ret_data, ret_len, NULL);
	free(path);
	return r;
}

static void free_builtins(struct mt_builtin *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(b[i].name);
		modinfo_free(&b[i].mi);
	}
	free(b);
}

void modtree_free(struct modtree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nmods; i++) {
		free(t->mods[i].name);
		free(t->mods[i].relpath);
		modinfo_free(&t->mods[i].mi);
		free(t->mods[i].deps);
	}
	free(t->mods);
	free_builtins(t->builtins, t->nbuiltins);
	free_builtins(t->alias_builtins, t->nalias_builtins);
	mt_hash_free(&t->byname);
	mt_hash_free(&t->bybuiltin);
	free(t->moddir);
	free(t->kver);
	free(t);
}

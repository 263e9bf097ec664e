/* SPDX-License-Identifier: MIT */
/* modtree_scan.c: without modules.dep, finds the module files as depmod 30 does, keeps
 * one per name and puts them in modules.order order. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modtree_int.h"
#include "xalloc.h"

struct cand {
	char *relpath;
	char *name;
	unsigned pos;   /* modules.order line, UINT_MAX when not listed */
	int updates;    /* under updates/, which depmod searches first */
};

struct scan {
	struct cand *c;
	size_t n, cap;
	/* the directories being walked, to stop at a symlink loop */
	struct { dev_t dev; ino_t ino; } *stack;
	size_t depth, stackcap;
	char *err;
	size_t errlen;
	const char *moddir;
};

static int is_module_file(const char *name)
{
	static const char *const ext[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);

		if (n >= e && !strcmp(name + n - e, ext[i]))
			return 1;
	}
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = xmalloc(a + b + 2);

	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + (a ? 1 : 0), name, b + 1);
	return p;
}

static int walk(struct scan *s, int dfd, const char *rel)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (fstat(dfd, &st) < 0) {
		close(dfd);
		return mt_err(s->err, s->errlen, -errno, "%s/%s: %s", s->moddir, rel,
			      strerror(errno));
	}
	/* depmod follows symlinked directories; a loop it would only end at PATH_MAX */
	for (size_t i = 0; i < s->depth; i++)
		if (s->stack[i].dev == st.st_dev && s->stack[i].ino == st.st_ino) {
			close(dfd);
			return 0;
		}
	if (s->depth == s->stackcap) {
		s->stackcap = s->stackcap ? s->stackcap * 2 : 16;
		s->stack = xrealloc(s->stack, s->stackcap * sizeof(*s->stack));
	}
	s->stack[s->depth].dev = st.st_dev;
	s->stack[s->depth].ino = st.st_ino;
	s->depth++;
	d = fdopendir(dfd);
	if (!d) {
		r = mt_err(s->err, s->errlen, -errno, "%s/%s: %s", s->moddir, rel,
			   strerror(errno));
		close(dfd);
		goto out;
	}
	while ((errno = 0, de = readdir(d))) {
		const char *name = de->d_name;
		int is_dir;
		char *path;

		/* depmod 30 skips these at every depth; other dot entries are scanned */
		if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "build") ||
		    !strcmp(name, "source"))
			continue;
		if (de->d_type == DT_REG) {
			is_dir = 0;
		} else if (de->d_type == DT_DIR) {
			is_dir = 1;
		} else {
			if (fstatat(dirfd(d), name, &st, 0) < 0) {
				if (errno == ENOENT || errno == ELOOP)
					continue; /* a dangling symlink is no module */
				r = mt_err(s->err, s->errlen, -errno, "%s/%s%s%s: %s",
					   s->moddir, rel, *rel ? "/" : "", name,
					   strerror(errno));
				goto out;
			}
			if (S_ISREG(st.st_mode))
				is_dir = 0;
			else if (S_ISDIR(st.st_mode))
				is_dir = 1;
			else
				continue;
		}
		if (!is_dir && !is_module_file(name))
			continue;
		path = join(rel, name);
		if (is_dir) {
			int fd = openat(dirfd(d), name,
					O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (fd < 0) {
				r = mt_err(s->err, s->errlen, -errno, "%s/%s: %s",
					   s->moddir, path, strerror(errno));
				free(path);
				goto out;
			}
			r = walk(s, fd, path);
			free(path);
			if (r < 0)
				goto out;
			continue;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->c = xrealloc(s->c, s->cap * sizeof(*s->c));
		}
		s->c[s->n++] = (struct cand){ path, mt_modname(path), UINT_MAX,
					      !strncmp(path, "updates/", 8) };
	}
	if (errno)
		r = mt_err(s->err, s->errlen, -errno, "%s/%s: %s", s->moddir, rel,
			   strerror(errno));
out:
	if (d)
		closedir(d);
	s->depth--;
	return r;
}

static const char *cand_uncrel_key(const void *ctx, size_t i)
{
	return ((const char *const *)ctx)[i];
}

/* modules.order positions. depmod matches a line against the module's path cut after
 * its directory, name length and ".ko" (so "x.ko.zst" matches "x.ko"); a line seen
 * twice counts where it last appears. */
static int read_order(struct scan *s, int dfd)
{
	char **uncrel = xcalloc(s->n, sizeof(*uncrel));
	/* index + 1 of the next file with the same cut path */
	size_t *same = xcalloc(s->n, sizeof(*same));
	struct mt_hash h;
	char *text, *pos, *end, *line;
	size_t len;
	unsigned lineno = 0;
	int r;

	r = mt_read_text(dfd, "modules.order", &text, &len);
	if (r == -ENOENT) {
		free(uncrel);
		free(same);
		return 0;
	}
	if (r < 0) {
		free(uncrel);
		free(same);
		return mt_err(s->err, s->errlen, r, "%s/modules.order: %s", s->moddir,
			      strerror(-r));
	}
	for (size_t i = 0; i < s->n; i++) {
		const char *base = strrchr(s->c[i].relpath, '/');
		size_t cut = (size_t)(base ? base + 1 - s->c[i].relpath : 0) +
			     strlen(s->c[i].name) + 3;

		uncrel[i] = xstrndup(s->c[i].relpath, cut);
	}
	mt_hash_build(&h, s->n, cand_uncrel_key, uncrel, 0);
	/* several files can share a cut path (x.ko and x.ko.zst): chain them */
	for (size_t i = s->n; i-- > 0;) {
		ssize_t f = mt_hash_find(&h, uncrel[i], cand_uncrel_key, uncrel, 0);

		if ((size_t)f != i) {
			same[i] = same[f];
			same[f] = i + 1;
		}
	}
	pos = text;
	end = text + len;
	while ((line = mt_next_line(&pos, end))) {
		ssize_t i = mt_hash_find(&h, line, cand_uncrel_key, uncrel, 0);

		lineno++;
		for (; i >= 0; i = (ssize_t)same[i] - 1)
			s->c[i].pos = lineno;
	}
	mt_hash_free(&h);
	for (size_t i = 0; i < s->n; i++)
		free(uncrel[i]);
	free(uncrel);
	free(same);
	free(text);
	return 0;
}

/* among files of one name: updates/ first, then modules.order, then path */
static int cmp_dup(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	if (a->updates != b->updates)
		return b->updates - a->updates;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return strcmp(a->relpath, b->relpath);
}

static int cmp_prio(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return strcmp(a->relpath, b->relpath);
}

int mt_scan(struct modtree *t, int dfd, char *err, size_t errlen)
{
	struct scan s = { .err = err, .errlen = errlen, .moddir = t->moddir };
	size_t n = 0;
	int fd, r;

	fd = dup(dfd);
	if (fd < 0)
		return mt_err(err, errlen, -errno, "%s: %s", t->moddir, strerror(errno));
	r = walk(&s, fd, "");
	if (r < 0)
		goto out;
	r = read_order(&s, dfd);
	if (r < 0)
		goto out;
	qsort(s.c, s.n, sizeof(*s.c), cmp_dup);
	for (size_t i = 0; i < s.n; i++) {
		if (n && !strcmp(s.c[n - 1].name, s.c[i].name)) {
			free(s.c[i].relpath);
			free(s.c[i].name);
			continue;
		}
		s.c[n++] = s.c[i];
	}
	s.n = n;
	qsort(s.c, s.n, sizeof(*s.c), cmp_prio);
	t->mods = xcalloc(s.n, sizeof(*t->mods));
	for (size_t i = 0; i < s.n; i++) {
		t->mods[i].name = s.c[i].name;
		t->mods[i].relpath = s.c[i].relpath;
		t->mods[i].order = (unsigned)i;
	}
	t->nmods = s.n;
	s.n = 0;
	r = 0;
out:
	for (size_t i = 0; i < s.n; i++) {
		free(s.c[i].relpath);
		free(s.c[i].name);
	}
	free(s.c);
	free(s.stack);
	return r;
}

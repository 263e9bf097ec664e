/* SPDX-License-Identifier: MIT */
/* modtree_dep.c: dependency closures, from modules.dep or computed the way depmod 30
 * orders them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modtree_int.h"
#include "xalloc.h"

static const char *mod_relpath_key(const void *ctx, size_t i)
{
	return ((const struct modtree *)ctx)->mods[i].relpath;
}

int mt_read_moddep(struct modtree *t, int dfd, unsigned **ret_lines, char *err,
		   size_t errlen)
{
	char *text, *pos, *end, *line, **rest = NULL;
	unsigned *lines = NULL, lineno = 0;
	struct mt_hash h = { 0 };
	size_t len, cap = 0;
	int r;

	r = mt_read_text(dfd, "modules.dep", &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return mt_err(err, errlen, r, "%s/modules.dep: %s", t->moddir,
			      strerror(-r));
	pos = text;
	end = text + len;
	while ((line = mt_next_line(&pos, end))) {
		char *colon, *path;

		lineno++;
		path = line + strspn(line, " \t");
		if (!*path)
			continue;
		colon = strchr(path, ':');
		if (!colon) {
			r = mt_err(err, errlen, -EINVAL, "%s/modules.dep:%u: missing ':'",
				   t->moddir, lineno);
			goto out;
		}
		*colon = '\0';
		if (t->nmods == cap) {
			cap = cap ? cap * 2 : 1024;
			t->mods = xrealloc(t->mods, cap * sizeof(*t->mods));
			lines = xrealloc(lines, cap * sizeof(*lines));
			rest = xrealloc(rest, cap * sizeof(*rest));
		}
		t->mods[t->nmods] = (struct mt_module){ .name = mt_modname(path),
							.relpath = xstrdup(path),
							.order = (unsigned)t->nmods };
		lines[t->nmods] = lineno;
		rest[t->nmods] = colon + 1;
		t->nmods++;
	}
	mt_hash_build(&h, t->nmods, mod_relpath_key, t, 0);
	for (size_t i = 0; i < t->nmods; i++) {
		struct mt_module *m = &t->mods[i];
		size_t n = 0;
		char *tok, *save;

		for (tok = strtok_r(rest[i], " \t\r", &save); tok;
		     tok = strtok_r(NULL, " \t\r", &save))
			n++;
		m->deps = xcalloc(n, sizeof(*m->deps));
		/* strtok_r left NULs between the words: walk them again */
		tok = rest[i];
		for (size_t k = 0; k < n; k++) {
			ssize_t d;

			tok += strspn(tok, " \t\r");
			d = mt_hash_find(&h, tok, mod_relpath_key, t, 0);
			if (d < 0) {
				r = mt_err(err, errlen, -ENOENT,
					   "%s/modules.dep:%u: %s: no line for it",
					   t->moddir, lines[i], tok);
				goto out;
			}
			/* the line lists users first: load order is the reverse */
			m->deps[n - 1 - k] = (size_t)d;
			tok += strlen(tok) + 1;
		}
		m->ndeps = n;
	}
	*ret_lines = lines;
	lines = NULL;
	r = 1;
out:
	mt_hash_free(&h);
	free(lines);
	free(rest);
	free(text);
	return r;
}

/* one edge list per module: direct hard dependencies, unique, in the order of the
 * first undefined symbol that each provides */
struct graph {
	size_t **dep;
	size_t *ndep;
};

struct export {
	const char *name;
	size_t mod;
};

static const char *export_key(const void *ctx, size_t i)
{
	return ((const struct export *)ctx)[i].name;
}

/* depends= (what modpost saw) must name modules that are here */
static int check_depends(const struct modtree *t, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->nmods; i++) {
		const struct modinfo *mi = &t->mods[i].mi;

		for (size_t k = 0; k < mi->n; k++) {
			const char *v = mi->kv[k].value;

			if (strcmp(mi->kv[k].key, "depends"))
				continue;
			while (*v) {
				size_t n = strcspn(v, ",");
				char *name = xstrndup(v, n);
				int missing = n && modtree_find(t, name) < 0;

				v += n + (v[n] == ',');
				if (missing) {
					int r = mt_err(err, errlen, -ENOENT,
						       "%s/%s: module %s depends on %s, "
						       "which is not in the module "
						       "directory",
						       t->moddir, t->mods[i].relpath,
						       t->mods[i].name, name);
					free(name);
					return r;
				}
				free(name);
			}
		}
	}
	return 0;
}

/* depmod: every export goes into one table in module order, a later module taking a
 * name over; each undefined symbol found there makes its owner a dependency (weak ones
 * too); the rest are the kernel's or nobody's */
static void direct_deps(const struct modtree *t, const struct mt_syms *syms,
			struct graph *g)
{
	struct export *ex;
	struct mt_hash h;
	size_t nex = 0, *seen = xcalloc(t->nmods, sizeof(*seen));

	for (size_t i = 0; i < t->nmods; i++)
		nex += syms[i].nexp;
	ex = xcalloc(nex, sizeof(*ex));
	nex = 0;
	/* backwards, as the hash keeps the first index it sees for a name */
	for (size_t i = t->nmods; i-- > 0;)
		for (size_t k = 0; k < syms[i].nexp; k++)
			ex[nex++] = (struct export){ syms[i].names + syms[i].off[k], i };
	mt_hash_build(&h, nex, export_key, ex, 0);
	for (size_t i = 0; i < t->nmods; i++) {
		const struct mt_syms *s = &syms[i];
		size_t cap = 0;

		for (size_t k = s->nexp; k < s->nexp + s->nund; k++) {
			const char *name = s->names + s->off[k];
			ssize_t x;
			size_t d;

			if (name[0] == '.') /* ppc64 function descriptors */
				name++;
			x = mt_hash_find(&h, name, export_key, ex, 0);
			if (x < 0)
				continue;
			d = ex[x].mod;
			if (seen[d] == i + 1)
				continue;
			seen[d] = i + 1;
			if (g->ndep[i] == cap) {
				cap = cap ? cap * 2 : 4;
				g->dep[i] = xrealloc(g->dep[i], cap * sizeof(**g->dep));
			}
			g->dep[i][g->ndep[i]++] = d;
		}
	}
	mt_hash_free(&h);
	free(ex);
	free(seen);
}

/* Every module left over by the sort is in a cycle or below one, and all its
 * dependencies are left over too: following first dependencies from the first one
 * left must come back to a module already on the path. */
static int report_cycle(struct modtree *t, const struct graph *g, const size_t *users,
			char *err, size_t errlen)
{
	size_t *onpath = xcalloc(t->nmods, sizeof(*onpath)), *path, n = 0, i = 0;
	char *msg = NULL;
	size_t msglen = 0;
	FILE *f;

	path = xcalloc(t->nmods + 1, sizeof(*path));
	while (users[i] == 0)
		i++;
	for (;;) {
		onpath[i] = n + 1;
		path[n++] = i;
		for (size_t k = 0; k < g->ndep[i]; k++)
			if (users[g->dep[i][k]]) {
				i = g->dep[i][k];
				break;
			}
		if (onpath[i])
			break;
	}
	f = open_memstream(&msg, &msglen);
	if (f) {
		for (size_t k = onpath[i] - 1; k < n; k++)
			fprintf(f, "%s -> ", t->mods[path[k]].name);
		fprintf(f, "%s", t->mods[i].name);
		fclose(f);
	}
	mt_err(err, errlen, -ELOOP, "%s: dependency cycle: %s", t->moddir,
	       msg ? msg : "?");
	free(msg);
	free(path);
	free(onpath);
	return -ELOOP;
}

static int cmp_rank_desc(const void *pa, const void *pb, void *ctx)
{
	const size_t *rank = ctx;
	size_t a = rank[*(const size_t *)pa], b = rank[*(const size_t *)pb];

	return a < b ? 1 : a > b ? -1 : 0;
}

/* depmod 30: Kahn's algorithm over all modules. The modules nobody uses are pushed in
 * array order, then a module is popped from the top of the stack, numbered, and its
 * direct dependencies whose last user this was are pushed in their list order. Each
 * closure is sorted by that number (users first); load order is the reverse. */
int mt_compute_deps(struct modtree *t, const struct mt_syms *syms, char *err,
		    size_t errlen)
{
	struct graph g = { xcalloc(t->nmods, sizeof(*g.dep)),
			   xcalloc(t->nmods, sizeof(*g.ndep)) };
	size_t *users = xcalloc(t->nmods, sizeof(*users));
	size_t *stack = xcalloc(t->nmods, sizeof(*stack));
	size_t *rank = xcalloc(t->nmods, sizeof(*rank));
	size_t *mark = xcalloc(t->nmods, sizeof(*mark));
	size_t *todo = xcalloc(t->nmods, sizeof(*todo));
	size_t nstack = 0, nsorted = 0;
	int r;

	r = check_depends(t, err, errlen);
	if (r < 0)
		goto out;
	direct_deps(t, syms, &g);
	for (size_t i = 0; i < t->nmods; i++)
		for (size_t k = 0; k < g.ndep[i]; k++)
			users[g.dep[i][k]]++;
	for (size_t i = 0; i < t->nmods; i++)
		if (!users[i])
			stack[nstack++] = i;
	while (nstack) {
		size_t m = stack[--nstack];

		rank[m] = nsorted++;
		for (size_t k = 0; k < g.ndep[m]; k++)
			if (--users[g.dep[m][k]] == 0)
				stack[nstack++] = g.dep[m][k];
	}
	if (nsorted < t->nmods) {
		r = report_cycle(t, &g, users, err, errlen);
		goto out;
	}
	for (size_t i = 0; i < t->nmods; i++) {
		struct mt_module *m = &t->mods[i];
		size_t ntodo = 0, n = 0, cap = 0;

		/* the closure, by a walk that marks each module once per root */
		mark[i] = i + 1;
		todo[ntodo++] = i;
		while (ntodo) {
			size_t x = todo[--ntodo];

			for (size_t k = 0; k < g.ndep[x]; k++) {
				size_t d = g.dep[x][k];

				if (mark[d] == i + 1)
					continue;
				mark[d] = i + 1;
				todo[ntodo++] = d;
				if (n == cap) {
					cap = cap ? cap * 2 : 8;
					m->deps = xrealloc(m->deps,
							   cap * sizeof(*m->deps));
				}
				m->deps[n++] = d;
			}
		}
		if (n > 1)
			qsort_r(m->deps, n, sizeof(*m->deps), cmp_rank_desc, rank);
		m->ndeps = n;
	}
	r = 0;
out:
	for (size_t i = 0; i < t->nmods; i++)
		free(g.dep[i]);
	free(g.dep);
	free(g.ndep);
	free(users);
	free(stack);
	free(rank);
	free(mark);
	free(todo);
	return r;
}

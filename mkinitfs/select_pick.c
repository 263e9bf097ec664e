/* SPDX-License-Identifier: MIT */
/* select_pick.c: picking modules through the loader's resolver, with provenance
 * (see select.h), and --explain.
 *
 * The resolver says what one query loads but not who asked for what, so after each
 * query the new modules get their reasons by a walk from the query's results: a
 * module's direct dependencies (its closure less what its other dependencies already
 * need), then its softdep targets, as the resolver builds the load list. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mkinitfs.h"
#include "resolve.h"
#include "xalloc.h"

/* a chain longer than this is cut short with "..." (it cannot loop: a parent always
 * had its reason first) */
#define REASON_DEPTH 32

char *root_path(const char *root, const char *path)
{
	size_t n = root ? strlen(root) : 0;
	char *p;

	while (n && root[n - 1] == '/')
		n--;
	p = xmalloc(n + strlen(path) + 1);
	memcpy(p, root, n);
	strcpy(p + n, path);
	return p;
}

void sel_init(struct selection *sel, struct session *s)
{
	size_t n = s->tree->nmods + 1;

	memset(sel, 0, sizeof(*sel));
	sel->s = s;
	sel->include = xcalloc(n, 1);
	sel->why = xcalloc(n, sizeof(*sel->why));
	sel->skipped = xcalloc(n, sizeof(char *));
	sel->cls = xmalloc(n);
	memset(sel->cls, -1, n);
}

void sel_free(struct selection *sel)
{
	for (size_t i = 0; sel->why && i < sel->s->tree->nmods; i++) {
		free(sel->why[i].text);
		free(sel->skipped[i]);
	}
	free(sel->include);
	free(sel->why);
	free(sel->skipped);
	free(sel->cls);
	memset(sel, 0, sizeof(*sel));
}

void sel_skip(struct selection *sel, size_t mod, const char *fmt, ...)
{
	va_list ap;

	if (mod >= sel->s->tree->nmods || sel->skipped[mod])
		return;
	va_start(ap, fmt);
	if (vasprintf(&sel->skipped[mod], fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
}

static int is_builtin_install(const char *cmd)
{
	static const char *const simple[] = { "/bin/true", "true", ":", "/bin/false", "false" };

	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (!strcmp(cmd, simple[i]))
			return 1;
	return !strncmp(cmd, "/sbin/modprobe --ignore-install ", 32) ||
	       !strncmp(cmd, "modprobe --ignore-install ", 26);
}

struct query {
	struct selection *sel;
	const char *query;
	size_t *tops;    /* the modules the query itself resolved to */
	size_t ntops;
	size_t *fresh;   /* modules this query brought in */
	size_t nfresh;
};

static int pick_entry(const struct res_entry *e, void *ctx)
{
	struct query *q = ctx;
	struct selection *sel = q->sel;
	size_t nmods = sel->s->tree->nmods;

	if (e->action == RES_INSTALL && !is_builtin_install(e->command) && !sel->s->opt->shell) {
		warn("module %s has the install command '%s', which needs a shell: the image "
		     "has none (see --shell), so the loader will load the module itself",
		     e->name, e->command);
		sel->shell_needed = 1;
	}
	if (e->top && (e->mod == BLOB_NONE || e->mod >= nmods) && sel->s->opt->verbose)
		fprintf(stderr, "mkinitfs: %s: %s (for %s)\n", e->name,
			e->action == RES_BUILTIN ? "built into the kernel" : "no module",
			q->query);
	if (e->mod == BLOB_NONE || e->mod >= nmods)
		return 0;
	if (e->top) {
		q->tops = xrealloc(q->tops, (q->ntops + 1) * sizeof(size_t));
		q->tops[q->ntops++] = e->mod;
	}
	if (!sel->include[e->mod]) {
		sel->include[e->mod] = 1;
		sel->count++;
		q->fresh = xrealloc(q->fresh, (q->nfresh + 1) * sizeof(size_t));
		q->fresh[q->nfresh++] = e->mod;
	}
	return 0;
}

struct walk {
	const struct selection *sel;
	size_t *queue;
	size_t n, cap;
	uint8_t *seen;
};

static void walk_push(struct walk *w, size_t mod)
{
	if (w->seen[mod])
		return;
	w->seen[mod] = 1;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->queue = xrealloc(w->queue, w->cap * sizeof(size_t));
	}
	w->queue[w->n++] = mod;
}

static void give(struct selection *sel, size_t mod, enum why_kind kind, size_t parent)
{
	if (sel->why[mod].kind != WHY_NONE || !sel->include[mod])
		return;
	sel->why[mod].kind = kind;
	sel->why[mod].parent = parent;
}

/* is y needed by another module of x's closure (then it is not x's own dependency) */
static int indirect(const struct modtree *t, size_t x, size_t y)
{
	const struct mt_module *m = &t->mods[x];

	for (size_t i = 0; i < m->ndeps; i++) {
		const struct mt_module *z = &t->mods[m->deps[i]];

		if (m->deps[i] == y)
			continue;
		for (size_t k = 0; k < z->ndeps; k++)
			if (z->deps[k] == y)
				return 1;
	}
	return 0;
}

struct sd_ctx {
	struct walk *w;
	struct selection *sel;
	size_t parent;
};

static int softdep_hit(const char *name, uint32_t mod, void *ctx)
{
	struct sd_ctx *c = ctx;

	(void)name;
	if (mod == BLOB_NONE || mod >= c->sel->s->tree->nmods || !c->sel->include[mod])
		return 0;
	give(c->sel, mod, WHY_SOFTDEP, c->parent);
	walk_push(c->w, mod);
	return 0;
}

static void softdeps_of(struct selection *sel, struct walk *w, size_t x)
{
	const struct blob *b = &sel->s->blob;
	struct blob_module bm;
	struct blob_softdep sd;
	struct sd_ctx c = { w, sel, x };

	blob_module(b, x, &bm);
	if (bm.softdep == BLOB_NONE)
		return;
	blob_softdep(b, bm.softdep, &sd);
	for (uint32_t i = 0; i < sd.npre; i++)
		(void)res_resolve(b, blob_str(b, blob_u32(b, sd.pre, i)), softdep_hit, &c);
	for (uint32_t i = 0; i < sd.npost; i++)
		(void)res_resolve(b, blob_str(b, blob_u32(b, sd.post, i)), softdep_hit, &c);
}

/* reasons for what the query brought in: from its results down */
static void explain_query(struct query *q, const char *reason, enum why_kind kind,
			  size_t parent)
{
	struct selection *sel = q->sel;
	const struct modtree *t = sel->s->tree;
	struct walk w = { sel, NULL, 0, 0, xcalloc(t->nmods + 1, 1) };

	for (size_t i = 0; i < q->ntops; i++) {
		size_t m = q->tops[i];

		if (sel->why[m].kind == WHY_NONE) {
			sel->why[m].kind = kind;
			sel->why[m].parent = parent;
			if (kind == WHY_DIRECT)
				sel->why[m].text = xstrdup(reason);
		}
		walk_push(&w, m);
	}
	for (size_t i = 0; i < w.n; i++) {
		size_t x = w.queue[i];
		const struct mt_module *m = &t->mods[x];

		for (size_t k = 0; k < m->ndeps; k++)
			if (!indirect(t, x, m->deps[k])) {
				give(sel, m->deps[k], WHY_DEP, x);
				walk_push(&w, m->deps[k]);
			}
		softdeps_of(sel, &w, x);
	}
	/* the walk follows the resolver's rules, so this is only a safety net */
	for (size_t i = 0; i < q->nfresh; i++)
		if (q->ntops)
			give(sel, q->fresh[i], WHY_DEP, q->tops[0]);
		else if (sel->why[q->fresh[i]].kind == WHY_NONE) {
			sel->why[q->fresh[i]].kind = WHY_DIRECT;
			xasprintf(&sel->why[q->fresh[i]].text, "needed by %s, which is: %s",
				  q->query, reason ? reason : "(weak dependency)");
		}
	free(w.queue);
	free(w.seen);
}

int sel_pick(struct selection *sel, const char *query, unsigned res_flags,
	     const char *reason, enum why_kind kind, size_t parent)
{
	struct res_opts o = { NULL, NULL, RES_IGNORE_LOADED | res_flags };
	struct query q = { sel, query, NULL, 0, NULL, 0 };
	struct res_ops ops = { .entry = pick_entry, .ctx = &q };
	int r = res_modprobe(&sel->s->blob, query, &o, &ops);

	explain_query(&q, reason, kind, parent);
	free(q.tops);
	free(q.fresh);
	return r;
}

/* weak dependencies go in the image (never loaded by modprobe, but by the kernel
 * asking or by drivers that use them); repeat until nothing new comes in */
void sel_weakdeps(struct selection *sel)
{
	const struct blob *b = &sel->s->blob;
	size_t before;

	do {
		before = sel->count;
		for (uint32_t i = 0; i < sel->s->tree->nmods; i++) {
			struct blob_module m;
			struct blob_pair w;

			if (!sel->include[i])
				continue;
			blob_module(b, i, &m);
			if (m.weakdep == BLOB_NONE)
				continue;
			blob_pair(b, BLOB_S_WEAKDEP, m.weakdep, &w);
			for (uint32_t k = 0; k < blob_weakdep_count(b, m.weakdep); k++)
				(void)sel_pick(sel, blob_str(b, blob_u32(b, w.n, k)), 0, NULL,
					       WHY_WEAKDEP, i);
		}
	} while (sel->count != before);
}

static void select_listed(struct selection *sel)
{
	struct session *s = sel->s;

	for (size_t i = 0; i < s->nload; i++) {
		char *reason;
		int r;

		xasprintf(&reason, "listed %s", s->load_origin[i]);
		r = sel_pick(sel, s->load[i].query, 0, reason, WHY_DIRECT, SIZE_MAX);
		free(reason);
		if (r == -ENOENT && s->load[i].flags & BLOB_L_BLACKLIST) {
			/* modules-load.d often names modules of other kernels: systemd only
			 * logs those, so do we ("in FILE" names the file) */
			const char *o = s->load_origin[i];

			warn("%s: module %s not found in %s, skipped",
			     strncmp(o, "in ", 3) ? o : o + 3, s->load[i].query,
			     s->tree->moddir);
		} else if (r == -ENOENT) {
			die("module %s not found in %s (kernel %s; is that the right kernel "
			    "version?)",
			    s->load[i].query, s->tree->moddir, s->tree->kver);
		} else if (r < 0) {
			die("module %s: %s", s->load[i].query, strerror(-r));
		}
	}
}

void select_modules(struct selection *sel)
{
	struct session *s = sel->s;

	select_listed(sel);
	if (s->opt->mode == SEL_GENERIC)
		select_generic(sel);
	else if (s->opt->mode == SEL_HOSTONLY)
		select_host(sel);
	sel_weakdeps(sel);
	if (s->opt->mode == SEL_LISTED && !s->nload)
		die("no modules to load: name them with -m, in %s, or in modules-load.d "
		    "(or leave out --listed for a generic image)",
		    s->opt->config ? s->opt->config : "the config file");
}

static const char *const kind_word[] = {
	[WHY_DEP] = "dependency", [WHY_SOFTDEP] = "softdep", [WHY_WEAKDEP] = "weakdep",
};

char *sel_reason(const struct selection *sel, size_t mod)
{
	const struct modtree *t = sel->s->tree;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (int depth = 0;; depth++) {
		const struct why *w = &sel->why[mod];

		if (depth == REASON_DEPTH) {
			fputs("...", f);
			break;
		}
		if (w->kind == WHY_NONE) {
			fputs("(no reason recorded)", f);
			break;
		}
		if (w->kind == WHY_DIRECT) {
			fputs(w->text, f);
			break;
		}
		fprintf(f, "%s of %s, which is: ", kind_word[w->kind], t->mods[w->parent].name);
		mod = w->parent;
	}
	fclose(f);
	return buf;
}

void sel_print_reasons(const struct selection *sel, FILE *f)
{
	for (size_t i = 0; i < sel->s->tree->nmods; i++) {
		char *r;

		if (!sel->include[i])
			continue;
		r = sel_reason(sel, i);
		fprintf(f, "mkinitfs: %s: %s\n", sel->s->tree->mods[i].name, r);
		free(r);
	}
}

int cmd_explain(struct session *s, const char *name)
{
	struct selection sel;
	ssize_t m = modtree_find(s->tree, name);
	int status = 1;

	if (m < 0) {
		if (modtree_find_builtin(s->tree, name) >= 0) {
			printf("%s: built into the kernel (%s/modules.builtin): nothing to put "
			       "in the image\n",
			       name, s->tree->moddir);
			return 0;
		}
		fprintf(stderr, "mkinitfs: %s: no such module in %s\n", name, s->tree->moddir);
		return 1;
	}
	sel_init(&sel, s);
	select_modules(&sel);
	if (s->opt->verbose)
		sel_print_reasons(&sel, stderr);
	if (sel.include[m]) {
		char *r = sel_reason(&sel, m);

		printf("%s: %s\n", s->tree->mods[m].name, r);
		free(r);
		status = 0;
	} else {
		static const char *const mode[] = { "generic", "hostonly", "listed" };
		const struct class_rule *c = sel_class(&sel, m);

		fprintf(stderr, "mkinitfs: %s would not be in the image (--%s): %s\n",
			s->tree->mods[m].name, mode[s->opt->mode],
			sel.skipped[m] ? sel.skipped[m]
			: c ? "nothing asks for it in this mode"
			    : "it is of no class the image takes, and nothing in it needs it");
		if (c)
			fprintf(stderr, "mkinitfs: (its class: %s, %s)\n", c->name, c->rule);
	}
	sel_free(&sel);
	return status;
}

/* SPDX-License-Identifier: MIT */
/* resolve.c: kmod's lookup and probe-list rules over a blob (see resolve.h). */
#include <errno.h>
#include "glob.h"
#include <string.h>

#include "kcmdline.h"
#include "modname.h"
#include "resolve.h"

struct hit {
	uint32_t mod;        /* BLOB_NONE: a name without a module */
	const char *name;
	const char *alias;   /* lookup alias, NULL when found by name */
	uint32_t install;    /* exact install line of a command lookup, or BLOB_NONE */
	uint32_t rec;        /* alias record of an alias hit: the hits' order */
};

struct object {
	uint32_t mod;
	const char *name, *alias;
	uint32_t install;
	uint8_t visited, ignorecmd, required;
};

struct state {
	const struct blob *b;
	const struct res_opts *o;
	const struct res_ops *ops;
	struct hit hits[RES_MAX_HITS];
	size_t nhits;
	struct object obj[RES_MAX_OBJECTS];
	size_t nobj;
	uint16_t list[RES_MAX_LIST];
	size_t nlist;
	char pool[RES_STRPOOL];
	size_t npool;
	char opts[RES_OPTS_MAX];
};

static const char *keep(struct state *s, const char *str)
{
	size_t n = strlen(str) + 1;
	char *p;

	if (n > sizeof(s->pool) - s->npool)
		return NULL;
	p = memcpy(s->pool + s->npool, str, n);
	s->npool += n;
	return p;
}

static int add_hit(struct state *s, uint32_t mod, const char *name, const char *alias,
		   uint32_t install)
{
	if (s->nhits == RES_MAX_HITS)
		return -E2BIG;
	s->hits[s->nhits++] = (struct hit){ mod, name, alias, install, 0 };
	return 0;
}

static uint32_t loadable(const struct blob *b, const char *name)
{
	uint32_t m = blob_find_module(b, name);
	struct blob_module bm;

	if (m == BLOB_NONE)
		return m;
	blob_module(b, m, &bm);
	return bm.flags & BLOB_M_BUILTIN ? BLOB_NONE : m;
}

static uint32_t builtin(const struct blob *b, const char *name)
{
	uint32_t m = blob_find_module(b, name);
	struct blob_module bm;

	if (m == BLOB_NONE)
		return m;
	blob_module(b, m, &bm);
	return (bm.flags & (BLOB_M_BUILTIN | BLOB_M_ALIAS_ONLY)) == BLOB_M_BUILTIN ? m : BLOB_NONE;
}

/* alias record i against q; a hit goes where record order puts it among the hits
 * from FIRST on, as the index yields runs in stem order, not record order */
static int alias_try(struct state *s, enum blob_section sect, uint32_t i, const char *q,
		     const char *alias, size_t first)
{
	struct blob_pair p;
	struct blob_module bm;
	size_t j;

	blob_pair(s->b, sect, i, &p);
	if (!glob_match(p.a, q))
		return 0;
	if (s->nhits == RES_MAX_HITS)
		return -E2BIG;
	blob_module(s->b, p.n, &bm);
	for (j = s->nhits++; j > first && s->hits[j - 1].rec > i; j--)
		s->hits[j] = s->hits[j - 1];
	s->hits[j] = (struct hit){ p.n, bm.name, alias, BLOB_NONE, i };
	return 0;
}

/* the patterns of sect matching q, in the section's (priority) order; the index
 * spares testing those that cannot match */
static int alias_hits(struct state *s, enum blob_section sect, const char *q, const char *alias)
{
	size_t first = s->nhits;
	uint32_t pos = 0, len = 0, k;
	int r = 0;

	while (r >= 0 && (k = blob_alias_next(s->b, sect, q, &pos, &len)) != BLOB_NONE)
		for (; k < pos && r >= 0; k++)
			r = alias_try(s, sect, blob_alias_at(s->b, sect, k), q, alias, first);
	return r;
}

static uint32_t exact_command(const struct blob *b, enum blob_section sect, const char *q)
{
	struct blob_pair p;

	for (uint32_t i = 0; i < blob_count(b, sect); i++) {
		blob_pair(b, sect, i, &p);
		if (!strcmp(p.a, q))
			return i;
	}
	return BLOB_NONE;
}

/* kmod_module_new_from_lookup(): appends the results to s->hits; returns their
 * count, -ENOENT when there is none, -EINVAL for a malformed query */
static int lookup(struct state *s, const char *query)
{
	char q[RES_OPTS_MAX];
	size_t first = s->nhits;
	const char *kept;
	struct blob_pair p;
	uint32_t m;
	int r;

	r = alias_normalize(query, q, sizeof(q));
	if (r < 0)
		return r == -ENAMETOOLONG ? -ENOENT : r;
	/* 1. configuration aliases, each remembering its pattern as alias */
	for (uint32_t i = 0; i < blob_count(s->b, BLOB_S_CONFALIAS); i++) {
		blob_pair(s->b, BLOB_S_CONFALIAS, i, &p);
		if (!glob_match(p.a, q))
			continue;
		r = add_hit(s, blob_find_module(s->b, p.b), p.b, p.a, BLOB_NONE);
		if (r < 0)
			return r;
	}
	if (s->nhits > first)
		return s->nhits - first;
	/* 2. a module name (modules.dep) */
	if (!strchr(q, ':')) {
		m = loadable(s->b, q);
		if (m != BLOB_NONE) {
			struct blob_module bm;

			blob_module(s->b, m, &bm);
			r = add_hit(s, m, bm.name, NULL, BLOB_NONE);
			return r < 0 ? r : 1;
		}
	}
	/* 3. symbol: queries need modules.symbols, which the blob does not carry */
	/* 4. install, then remove commands, by exact name */
	m = exact_command(s->b, BLOB_S_INSTALL, q);
	if (m == BLOB_NONE && exact_command(s->b, BLOB_S_REMOVE, q) == BLOB_NONE)
		goto aliases;
	kept = keep(s, q);
	if (!kept)
		return -E2BIG;
	r = add_hit(s, blob_find_module(s->b, q), kept, NULL, m);
	return r < 0 ? r : 1;
aliases:
	/* 5. module aliases, in module priority order; the query is the alias */
	kept = keep(s, q);
	if (!kept)
		return -E2BIG;
	r = alias_hits(s, BLOB_S_MODALIAS, q, kept);
	if (r < 0)
		return r;
	if (s->nhits > first)
		return s->nhits - first;
	/* 6. built-in module names, 7. built-in aliases */
	m = builtin(s->b, q);
	if (m != BLOB_NONE) {
		struct blob_module bm;

		blob_module(s->b, m, &bm);
		r = add_hit(s, m, bm.name, NULL, BLOB_NONE);
		return r < 0 ? r : 1;
	}
	r = alias_hits(s, BLOB_S_BIALIAS, q, kept);
	if (r < 0)
		return r;
	return s->nhits > first ? (int)(s->nhits - first) : -ENOENT;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* the object for (name, alias), created on first use, as kmod's module cache */
static int object(struct state *s, uint32_t mod, const char *name, const char *alias,
		  uint32_t install)
{
	for (size_t i = 0; i < s->nobj; i++)
		if (!strcmp(s->obj[i].name, name) && same(s->obj[i].alias, alias))
			return i;
	if (s->nobj == RES_MAX_OBJECTS)
		return -E2BIG;
	s->obj[s->nobj] = (struct object){ mod, name, alias, install, 0, 0, 0 };
	return s->nobj++;
}

static int by_name(struct state *s, uint32_t mod)
{
	struct blob_module bm;

	blob_module(s->b, mod, &bm);
	return object(s, mod, bm.name, NULL, BLOB_NONE);
}

static int append(struct state *s, int o)
{
	if (s->nlist == RES_MAX_LIST)
		return -E2BIG;
	s->list[s->nlist++] = o;
	return 0;
}

/* first line of a pattern-keyed section matching NAME: precomputed for modules */
static uint32_t first_match(const struct blob *b, enum blob_section sect, const char *name)
{
	for (uint32_t i = 0; i < blob_count(b, sect); i++) {
		const char *key;

		if (sect == BLOB_S_SOFTDEP) {
			struct blob_softdep sd;

			blob_softdep(b, i, &sd);
			key = sd.key;
		} else {
			struct blob_pair p;

			blob_pair(b, sect, i, &p);
			key = p.a;
		}
		if (glob_match(key, name))
			return i;
	}
	return BLOB_NONE;
}

static uint32_t softdep_of(struct state *s, const struct object *o)
{
	struct blob_module bm;

	if (o->mod == BLOB_NONE)
		return first_match(s->b, BLOB_S_SOFTDEP, o->name);
	blob_module(s->b, o->mod, &bm);
	return bm.softdep;
}

static int probe(struct state *s, int o, int required, int ignorecmd);

/* kmod's lookup_softdep(): every target looked up, unknown ones skipped */
static int softdep_targets(struct state *s, uint32_t list, uint32_t n, size_t *ret_first)
{
	*ret_first = s->nhits;
	for (uint32_t i = 0; i < n; i++) {
		int r = lookup(s, blob_str(s->b, blob_u32(s->b, list, i)));

		if (r < 0 && r != -ENOENT && r != -EINVAL)
			return r;
	}
	return 0;
}

static int probe_hits(struct state *s, size_t first, size_t end)
{
	for (size_t i = first; i < end; i++) {
		struct hit *h = &s->hits[i];
		int o = object(s, h->mod, h->name, h->alias, h->install), r;

		if (o < 0)
			return o;
		r = probe(s, o, 0, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* __kmod_module_fill_softdep(): pre softdeps, the module, post softdeps */
static int with_softdeps(struct state *s, int o)
{
	uint32_t sd = softdep_of(s, &s->obj[o]);
	size_t pre = s->nhits, pre_end = pre, post = pre, post_end = pre, mark = s->nhits;
	int r;

	if (sd != BLOB_NONE) {
		struct blob_softdep d;

		blob_softdep(s->b, sd, &d);
		r = softdep_targets(s, d.pre, d.npre, &pre);
		if (r < 0)
			return r;
		pre_end = s->nhits;
		r = softdep_targets(s, d.post, d.npost, &post);
		if (r < 0)
			return r;
		post_end = s->nhits;
	}
	r = probe_hits(s, pre, pre_end);
	if (r < 0)
		return r;
	r = append(s, o);
	if (r < 0)
		return r;
	s->obj[o].ignorecmd = pre_end > pre || post_end > post;
	r = probe_hits(s, post, post_end);
	if (r < 0)
		return r;
	/* the hits are consumed; the kept strings are referenced by objects */
	s->nhits = mark;
	return 0;
}

/* __kmod_module_get_probe_list() */
static int probe(struct state *s, int o, int required, int ignorecmd)
{
	struct blob_module bm = { 0 };
	int r;

	if (s->obj[o].visited)
		return 0;
	s->obj[o].visited = 1;
	if (s->obj[o].mod != BLOB_NONE)
		blob_module(s->b, s->obj[o].mod, &bm);
	if (required) {
		s->obj[o].required = 1;
		for (uint32_t i = 0; i < bm.ndeps; i++) {
			int d = by_name(s, blob_u32(s->b, bm.deps, i));

			if (d < 0)
				return d;
			s->obj[d].required = 1;
		}
	}
	for (uint32_t i = 0; i < bm.ndeps; i++) {
		int d = by_name(s, blob_u32(s->b, bm.deps, i));

		if (d < 0)
			return d;
		r = with_softdeps(s, d);
		if (r < 0)
			return r;
	}
	if (!ignorecmd)
		return with_softdeps(s, o);
	s->obj[o].ignorecmd = 1;
	return append(s, o);
}

struct opt_ctx {
	struct state *s;
	const struct object *o;
	size_t len;
	int overflow;
};

static void opt_add(struct opt_ctx *c, const char *str)
{
	size_t n = strlen(str), sep = c->len ? 1 : 0;

	if (!n)
		return;
	if (c->len + sep + n >= sizeof(c->s->opts)) {
		c->overflow = 1;
		return;
	}
	if (sep)
		c->s->opts[c->len++] = ' ';
	memcpy(c->s->opts + c->len, str, n + 1);
	c->len += n;
}

static int keyed(const struct object *o, const char *key)
{
	return !strcmp(key, o->name) || (o->alias && !strcmp(key, o->alias));
}

static int cmdline_opt(const char *mod, const char *opt, void *ctx)
{
	struct opt_ctx *c = ctx;

	if (keyed(c->o, mod))
		opt_add(c, opt);
	return 0;
}

/* kmod_module_get_options(), then the command line's extra options for the top */
static int options(struct state *s, const struct object *o, int top)
{
	struct opt_ctx c = { s, o, 0, 0 };
	struct blob_pair p;

	s->opts[0] = 0;
	for (uint32_t i = 0; i < blob_count(s->b, BLOB_S_OPTIONS); i++) {
		blob_pair(s->b, BLOB_S_OPTIONS, i, &p);
		if (keyed(o, p.a))
			opt_add(&c, p.b);
	}
	if (s->o->cmdline)
		kcmdline_module_options(s->o->cmdline, strlen(s->o->cmdline), cmdline_opt, &c);
	/* libkmod ends non-empty configured options with one space, whether or not
	 * options from the modprobe command line follow: "insmod PATH a=1 \n" */
	if (c.len) {
		if (c.len + 1 >= sizeof(s->opts))
			return -E2BIG;
		s->opts[c.len++] = ' ';
		s->opts[c.len] = 0;
	}
	if (top && s->o->extra_opts) {
		size_t n = strlen(s->o->extra_opts);

		if (c.len + n >= sizeof(s->opts))
			return -E2BIG;
		memcpy(s->opts + c.len, s->o->extra_opts, n + 1);
		c.len += n;
	}
	return c.overflow ? -E2BIG : 0;
}

static int is_live(struct state *s, const struct object *o)
{
	if (s->o->flags & RES_IGNORE_LOADED || !s->ops->is_live)
		return 0;
	return s->ops->is_live(o->name, s->ops->ctx) > 0;
}

/* the walk of kmod_module_probe_insert_module() */
static int run_list(struct state *s, int top)
{
	int err = 0;

	for (size_t i = 0; i < s->nlist; i++) {
		const struct object *o = &s->obj[s->list[i]];
		struct blob_module bm = { 0 };
		struct res_entry e = { 0 };
		uint32_t cmd = o->install;

		if (is_live(s, o)) {
			err = 0;
			continue;
		}
		if (o->mod != BLOB_NONE)
			blob_module(s->b, o->mod, &bm);
		if (cmd == BLOB_NONE)
			cmd = o->mod != BLOB_NONE ? bm.install
						  : first_match(s->b, BLOB_S_INSTALL, o->name);
		err = options(s, o, s->list[i] == top);
		if (err < 0)
			return err;
		e.mod = o->mod;
		e.name = o->name;
		e.options = s->opts;
		e.required = o->required;
		e.top = s->list[i] == top;
		if (cmd != BLOB_NONE && !o->ignorecmd) {
			struct blob_pair p;

			blob_pair(s->b, BLOB_S_INSTALL, cmd, &p);
			e.action = RES_INSTALL;
			e.command = p.b;
		} else if (bm.path && *bm.path) {
			e.action = RES_INSMOD;
		} else {
			e.action = bm.flags & BLOB_M_BUILTIN ? RES_BUILTIN : RES_NOTHING;
		}
		err = s->ops->entry(&e, s->ops->ctx);
		if (err == -EEXIST || !o->required)
			err = 0;
		else if (err < 0)
			break;
	}
	return err;
}

struct bl_ctx {
	const char *name;
	int found;
};

static int bl_item(const char *item, size_t n, void *ctx)
{
	struct bl_ctx *c = ctx;

	/* not normalized, as libkmod: modprobe.blacklist=virtio-net misses virtio_net */
	if (strlen(c->name) == n && !memcmp(c->name, item, n))
		c->found = 1;
	return c->found;
}

static int bl_word(const struct kcmdline_word *w, void *ctx)
{
	static const char key[] = "modprobe.blacklist";

	if (w->has_val && w->keylen == sizeof(key) - 1 && !memcmp(w->key, key, w->keylen))
		kcmdline_list_items(w->val, w->vallen, bl_item, ctx);
	return ((struct bl_ctx *)ctx)->found;
}

int res_blacklisted(const struct blob *b, const char *cmdline, const char *name)
{
	struct blob_pair p;

	for (uint32_t i = 0; i < blob_count(b, BLOB_S_BLACKLIST); i++) {
		blob_pair(b, BLOB_S_BLACKLIST, i, &p);
		if (!strcmp(p.a, name))
			return 1;
	}
	if (cmdline) {
		struct bl_ctx c = { name, 0 };

		kcmdline_words(cmdline, strlen(cmdline), bl_word, &c);
		return c.found;
	}
	return 0;
}

static int probe_top(struct state *s, const struct hit *h)
{
	int o, r;

	/* kmod_module_probe_insert_module(): a fresh list, fresh marks */
	s->nobj = 0;
	s->nlist = 0;
	o = object(s, h->mod, h->name, h->alias, h->install);
	if (o < 0)
		return o;
	if (is_live(s, &s->obj[o]))
		return 0;
	if ((h->alias || s->o->flags & RES_BLACKLIST) &&
	    res_blacklisted(s->b, s->o->cmdline, h->name)) {
		if (s->ops->blacklisted)
			s->ops->blacklisted(h->name, s->ops->ctx);
		return 0;
	}
	r = probe(s, o, 1, !!(s->o->flags & RES_IGNORE_INSTALL));
	if (r < 0)
		return r;
	return run_list(s, o);
}

int res_modprobe(const struct blob *b, const char *query, const struct res_opts *o,
		 const struct res_ops *ops)
{
	struct state s;
	size_t nhits, pool;
	int r;

	s.b = b;
	s.o = o;
	s.ops = ops;
	s.nhits = 0;
	s.npool = 0;
	r = lookup(&s, query);
	if (r < 0)
		return r;
	/* the top-level results stay at the bottom of the hit stack while each
	 * is probed; nested lookups push above them and pop when done */
	nhits = s.nhits;
	pool = s.npool;
	for (size_t i = 0; i < nhits; i++) {
		struct hit h = s.hits[i];

		s.nhits = nhits;
		s.npool = pool;
		r = probe_top(&s, &h);
	}
	return r;
}

int res_resolve(const struct blob *b, const char *query,
		int (*fn)(const char *name, uint32_t mod, void *ctx), void *ctx)
{
	static const struct res_opts none;
	struct state s;
	int r;

	s.b = b;
	s.o = &none;
	s.nhits = 0;
	s.npool = 0;
	r = lookup(&s, query);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s.nhits; i++) {
		int e = fn(s.hits[i].name, s.hits[i].mod, ctx);

		if (e < 0)
			return e;
	}
	return r;
}

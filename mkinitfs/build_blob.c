/* SPDX-License-Identifier: MIT */
/* build_blob.c: precomputes on the host what the loader would otherwise work out at boot:
 * the dependency closures in load order, and for each module its first matching
 * softdep, install, remove and weakdep line (kmod matches those with fnmatch). */
#include <errno.h>
#include "glob.h"
#include <stdlib.h>
#include <string.h>

#include "blob_write.h"
#include "build_blob.h"
#include "modname.h"
#include "xalloc.h"

char *image_module_path(const char *relpath, int keep_compressed)
{
	static const char *const ext[] = { ".gz", ".xz", ".zst" };
	size_t n = strlen(relpath);

	if (keep_compressed)
		return xstrdup(relpath);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);

		if (n > e && !strcmp(relpath + n - e, ext[i]))
			return xstrndup(relpath, n - e);
	}
	return xstrdup(relpath);
}

static uint32_t first_cmd(const struct conf_cmd *c, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (glob_match(c[i].module, name))
			return i;
	return BLOB_NONE;
}

static uint32_t first_softdep(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nsoftdeps; i++)
		if (glob_match(c->softdeps[i].module, name))
			return i;
	return BLOB_NONE;
}

static uint32_t first_weakdep(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nweakdeps; i++)
		if (glob_match(c->weakdeps[i].module, name))
			return i;
	return BLOB_NONE;
}

static uint32_t str_list(struct blob_builder *w, char **v, size_t n)
{
	uint32_t *refs = xcalloc(n ? n : 1, sizeof(*refs)), off;

	for (size_t i = 0; i < n; i++)
		refs[i] = bw_str(w, v[i]);
	off = bw_list(w, refs, n);
	free(refs);
	return off;
}

static void add_module(struct blob_builder *w, const struct conf *c, const char *name,
		       const char *path, const char *image_path, uint32_t deps, uint32_t ndeps,
		       uint32_t flags)
{
	uint32_t rec[10] = {
		bw_str(w, name),
		bw_str(w, path),
		bw_str(w, image_path),
		deps,
		ndeps,
		first_softdep(c, name),
		first_cmd(c->installs, c->ninstalls, name),
		first_cmd(c->removes, c->nremoves, name),
		first_weakdep(c, name),
		flags,
	};

	bw_rec(w, BLOB_S_MODULES, rec, 10);
}

/* module aliases, alias-normalized as depmod writes modules.alias.bin; a pattern
 * with unbalanced brackets is skipped, as depmod does */
static void add_aliases(struct blob_builder *w, enum blob_section s, const struct modinfo *mi,
			uint32_t mod)
{
	for (size_t k = 0; k < mi->n; k++) {
		char buf[4096];

		if (strcmp(mi->kv[k].key, "alias") ||
		    alias_normalize(mi->kv[k].value, buf, sizeof(buf)) < 0)
			continue;
		uint32_t rec[2] = { bw_str(w, buf), mod };

		bw_rec(w, s, rec, 2);
	}
}

static void add_conf(struct blob_builder *w, const struct conf *c)
{
	for (size_t i = 0; i < c->naliases; i++) {
		uint32_t rec[2] = { bw_str(w, c->aliases[i].pattern),
				    bw_str(w, c->aliases[i].module) };
		bw_rec(w, BLOB_S_CONFALIAS, rec, 2);
	}
	for (size_t i = 0; i < c->noptions; i++) {
		uint32_t rec[2] = { bw_str(w, c->options[i].module),
				    bw_str(w, c->options[i].options) };
		bw_rec(w, BLOB_S_OPTIONS, rec, 2);
	}
	for (size_t i = 0; i < c->ninstalls; i++) {
		uint32_t rec[2] = { bw_str(w, c->installs[i].module),
				    bw_str(w, c->installs[i].command) };
		bw_rec(w, BLOB_S_INSTALL, rec, 2);
	}
	for (size_t i = 0; i < c->nremoves; i++) {
		uint32_t rec[2] = { bw_str(w, c->removes[i].module),
				    bw_str(w, c->removes[i].command) };
		bw_rec(w, BLOB_S_REMOVE, rec, 2);
	}
	for (size_t i = 0; i < c->nsoftdeps; i++) {
		const struct conf_softdep *d = &c->softdeps[i];
		uint32_t rec[5] = { bw_str(w, d->module), str_list(w, d->pre, d->npre), d->npre,
				    str_list(w, d->post, d->npost), d->npost };
		bw_rec(w, BLOB_S_SOFTDEP, rec, 5);
	}
	for (size_t i = 0; i < c->nweakdeps; i++) {
		const struct conf_weakdep *d = &c->weakdeps[i];
		uint32_t rec[3] = { bw_str(w, d->module), str_list(w, d->targets, d->n), d->n };
		bw_rec(w, BLOB_S_WEAKDEP, rec, 3);
	}
	for (size_t i = 0; i < c->nblacklist; i++) {
		uint32_t rec[1] = { bw_str(w, c->blacklist[i]) };
		bw_rec(w, BLOB_S_BLACKLIST, rec, 1);
	}
}

int build_blob(const struct blob_spec *spec, uint8_t **ret_data, size_t *ret_len)
{
	const struct modtree *t = spec->tree;
	struct blob_builder *w = bw_new();
	uint32_t *newidx = xcalloc(t->nmods + 1, sizeof(*newidx));
	uint32_t *deps = xcalloc(t->nmods + 1, sizeof(*deps));
	uint32_t n = 0;
	int r;

	/* loadable modules keep the tree's priority order; excluded ones vanish */
	for (size_t i = 0; i < t->nmods; i++)
		newidx[i] = !spec->include || spec->include[i] ? n++ : BLOB_NONE;
	for (size_t i = 0; i < t->nmods; i++) {
		const struct mt_module *m = &t->mods[i];
		char *ipath = NULL;
		uint32_t nd = 0, off;

		if (newidx[i] == BLOB_NONE)
			continue;
		for (size_t d = 0; d < m->ndeps; d++) {
			if (newidx[m->deps[d]] == BLOB_NONE) {
				/* the closure is computed by the caller: a hole is a bug */
				r = -EINVAL;
				goto out;
			}
			deps[nd++] = newidx[m->deps[d]];
		}
		off = bw_list(w, deps, nd);
		if (spec->include)
			ipath = image_module_path(m->relpath, spec->keep_compressed);
		add_module(w, spec->conf, m->name, m->relpath, ipath, off, nd,
			   spec->include ? BLOB_M_IN_IMAGE : 0);
		free(ipath);
	}
	for (size_t i = 0; i < t->nbuiltins; i++)
		add_module(w, spec->conf, t->builtins[i].name, "", "", 0, 0, BLOB_M_BUILTIN);
	for (size_t i = 0; i < t->nalias_builtins; i++)
		add_module(w, spec->conf, t->alias_builtins[i].name, "", "", 0, 0,
			   BLOB_M_BUILTIN | BLOB_M_ALIAS_ONLY);
	for (size_t i = 0; i < t->nmods; i++)
		if (newidx[i] != BLOB_NONE)
			add_aliases(w, BLOB_S_MODALIAS, &t->mods[i].mi, newidx[i]);
	for (size_t i = 0; i < t->nbuiltins; i++)
		add_aliases(w, BLOB_S_BIALIAS, &t->builtins[i].mi, n + i);
	for (size_t i = 0; i < t->nalias_builtins; i++)
		add_aliases(w, BLOB_S_BIALIAS, &t->alias_builtins[i].mi, n + t->nbuiltins + i);
	add_conf(w, spec->conf);
	for (size_t i = 0; i < spec->nload; i++) {
		uint32_t rec[2] = { bw_str(w, spec->load[i].query), spec->load[i].flags };
		bw_rec(w, BLOB_S_LOAD, rec, 2);
	}
	r = bw_finish(w, t->kver, spec->moddir, spec->flags, ret_data, ret_len);
out:
	free(newidx);
	free(deps);
	bw_free(w);
	return r;
}

/* SPDX-License-Identifier: MIT */
/* dump_blob.c: mkinitfs --dump-blob, the blob in a stable text form (tests diff it). */
#include <stdio.h>

#include "blob.h"
#include "mkinitfs.h"

static void print_list(FILE *f, const struct blob *b, uint32_t list, uint32_t n, int modules)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = blob_u32(b, list, i);

		if (modules) {
			struct blob_module m;

			blob_module(b, v, &m);
			fprintf(f, "%s%s", i ? "," : "", m.name);
		} else {
			fprintf(f, " %s", blob_str(b, v));
		}
	}
}

void dump_blob(FILE *f, const struct blob *b)
{
	struct blob_pair p;

	fprintf(f, "earlymod blob version %d\nkernel %s\nmoddir %s\nkind %s\n", BLOB_VERSION,
		b->kver, b->moddir, b->flags & BLOB_F_TREE ? "tree" : "image");
	for (uint32_t i = 0; i < blob_count(b, BLOB_S_MODULES); i++) {
		struct blob_module m;

		blob_module(b, i, &m);
		fprintf(f, "module %s", m.name);
		if (m.flags & BLOB_M_BUILTIN)
			fputs(" builtin", f);
		if (*m.path)
			fprintf(f, " path=%s", m.path);
		if (*m.image_path)
			fprintf(f, " image=%s", m.image_path);
		if (m.ndeps) {
			fputs(" deps=", f);
			print_list(f, b, m.deps, m.ndeps, 1);
		}
		if (m.softdep != BLOB_NONE)
			fprintf(f, " softdep=%u", m.softdep);
		if (m.install != BLOB_NONE)
			fprintf(f, " install=%u", m.install);
		if (m.remove != BLOB_NONE)
			fprintf(f, " remove=%u", m.remove);
		if (m.weakdep != BLOB_NONE)
			fprintf(f, " weakdep=%u", m.weakdep);
		fputc('\n', f);
	}
	static const struct {
		enum blob_section s;
		const char *word;
	} pairs[] = {
		{ BLOB_S_MODALIAS, "alias" },	      { BLOB_S_BIALIAS, "builtin-alias" },
		{ BLOB_S_CONFALIAS, "config-alias" }, { BLOB_S_OPTIONS, "options" },
		{ BLOB_S_INSTALL, "install" },	      { BLOB_S_REMOVE, "remove" },
		{ BLOB_S_BLACKLIST, "blacklist" },    { BLOB_S_LOAD, "load" },
	};
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		for (uint32_t i = 0; i < blob_count(b, pairs[k].s); i++) {
			blob_pair(b, pairs[k].s, i, &p);
			fprintf(f, "%s %u %s", pairs[k].word, i, p.a);
			if (pairs[k].s == BLOB_S_MODALIAS || pairs[k].s == BLOB_S_BIALIAS) {
				struct blob_module m;

				blob_module(b, p.n, &m);
				fprintf(f, " %s", m.name);
			} else if (pairs[k].s == BLOB_S_LOAD) {
				if (p.n & BLOB_L_BLACKLIST)
					fputs(" (blacklist applies)", f);
			} else if (p.b) {
				fprintf(f, " %s", p.b);
			}
			fputc('\n', f);
		}
	}
	for (uint32_t i = 0; i < blob_count(b, BLOB_S_SOFTDEP); i++) {
		struct blob_softdep d;

		blob_softdep(b, i, &d);
		fprintf(f, "softdep %u %s pre:", i, d.key);
		print_list(f, b, d.pre, d.npre, 0);
		fputs(" post:", f);
		print_list(f, b, d.post, d.npost, 0);
		fputc('\n', f);
	}
	for (uint32_t i = 0; i < blob_count(b, BLOB_S_WEAKDEP); i++) {
		blob_pair(b, BLOB_S_WEAKDEP, i, &p);
		fprintf(f, "weakdep %u %s", i, p.a);
		print_list(f, b, p.n, blob_weakdep_count(b, i), 0);
		fputc('\n', f);
	}
}

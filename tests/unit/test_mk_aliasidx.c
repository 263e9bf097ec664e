/* SPDX-License-Identifier: MIT */
/* test_mk_aliasidx.c: the alias index (MODALIAS_IDX, BIALIAS_IDX in lib/blob.h): stems,
 * lookups equal to a scan in record order, blobs without it, damaged ones refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "blob_write.h"
#include "glob.h"
#include "resolve.h"
#include "blobtest.h"
#include "tap.h"

#define MAXA 64
#define NTOK 11

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}


/* the section table entry of section id */
static uint8_t *sect_desc(uint8_t *p, uint32_t id)
{
	uint32_t n = get32(p + 36), off = get32(p + 40);

	for (uint32_t i = 0; i < n; i++)
		if (get32(p + off + 16 * i) == id)
			return p + off + 16 * i;
	return NULL;
}

/* the blob without its alias index: the ids become unknown ones, which readers skip */
static void strip_index(uint8_t *p, size_t len)
{
	put32(sect_desc(p, BLOB_S_MODALIAS_IDX), 0);
	put32(sect_desc(p, BLOB_S_BIALIAS_IDX), 0);
	reseal(p, len);
}

/* loadable module i ("lI") for MODALIAS record i, built-in module nmod + j ("bJ")
 * for BIALIAS record j: a result's module tells which record matched */
static void build(const char *const *mod, size_t nmod, const char *const *bi, size_t nbi,
		  uint8_t **data, size_t *len)
{
	struct blob_builder *w = bw_new();
	uint32_t none = BLOB_NONE;
	char name[32];

	for (size_t i = 0; i < nmod + nbi; i++) {
		int builtin = i >= nmod;

		snprintf(name, sizeof(name), "%c%zu", builtin ? 'b' : 'l',
			 builtin ? i - nmod : i);
		uint32_t r[10] = { bw_str(w, name),
				   bw_str(w, builtin ? "" : "kernel/x.ko"),
				   0, 0, 0, none, none, none, none,
				   builtin ? BLOB_M_BUILTIN : 0 };
		bw_rec(w, BLOB_S_MODULES, r, 10);
	}
	for (size_t i = 0; i < nmod; i++) {
		uint32_t r[2] = { bw_str(w, mod[i]), i };

		bw_rec(w, BLOB_S_MODALIAS, r, 2);
	}
	for (size_t i = 0; i < nbi; i++) {
		uint32_t r[2] = { bw_str(w, bi[i]), nmod + i };

		bw_rec(w, BLOB_S_BIALIAS, r, 2);
	}
	if (bw_finish(w, "6.1.0-test", "/lib/modules/6.1.0-test", 0, data, len) < 0)
		abort();
	bw_free(w);
}

struct got {
	uint32_t mod[MAXA * 2];
	size_t n;
};

static int collect(const char *name, uint32_t mod, void *ctx)
{
	struct got *g = ctx;

	if (g->n < MAXA * 2)
		g->mod[g->n++] = mod;
	return 0;
}

/* what kmod finds: the matching MODALIAS records in order, else the BIALIAS ones */
static void oracle(const char *const *mod, size_t nmod, const char *const *bi, size_t nbi,
		   const char *q, struct got *g)
{
	g->n = 0;
	for (size_t i = 0; i < nmod; i++)
		if (glob_match(mod[i], q))
			g->mod[g->n++] = i;
	for (size_t i = 0; i < nbi && !(g->n && g->mod[0] < nmod); i++)
		if (glob_match(bi[i], q))
			g->mod[g->n++] = nmod + i;
}

static int same_result(const struct blob *b, const char *q, const struct got *want)
{
	struct got g = { .n = 0 };
	int r = res_resolve(b, q, collect, &g);

	if (r == -ENOENT)
		return want->n == 0;
	return r == (int)want->n && g.n == want->n &&
	       !memcmp(g.mod, want->mod, g.n * sizeof(g.mod[0]));
}

static void stems(void)
{
	static const struct {
		const char *pattern, *stem;
	} t[] = {
		{ "pci:v00008086d*sv*", "pci:v00008086d" }, /* ':' before the first '*' */
		{ "acpi*:PNP0A03:*", "acpi" },		    /* ':' after it */
		{ "of:N*T*Cfoo", "of:N" },
		{ "fs_ext4", "fs_ext4" },		    /* no ':', nothing special */
		{ "usb:v1234p5678d0100dc00", "usb:v1234p5678d0100dc00" },
		{ "platform:foo?", "platform:foo" },
		{ "ab\\*c:d", "ab" },			    /* an escape ends it */
		{ "a\\:b", "a" },
		{ "[ab]x:y", "" },			    /* a bracket first */
		{ "dmi:bvn[A-Z]*", "dmi:bvn" },
		{ "abc[", "abc" },			    /* even an unclosed one */
		{ ":x", ":x" },
		{ "*", "" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(blob_alias_stem(t[i].pattern), strlen(t[i].stem), "stem of '%s' is '%s'",
		       t[i].pattern, t[i].stem);
}

/* one query hitting several runs ("", "p", "pci", "pci:v1234d", the whole query)
 * interleaved in record order, a run that does not match, and a duplicate */
static void order(void)
{
	static const char *const mod[] = {
		"pci:v1234d*",	      /* 0 hit */
		"*",		      /* 1 hit, stem "" */
		"pci:v1234d5678",     /* 2 hit, exact */
		"pci:*",	      /* 3 hit */
		"usb:*",	      /* 4 */
		"pci:v1234d5678",     /* 5 hit, the same pattern again */
		"p?i:*",	      /* 6 hit, stem "p" */
		"pci:v1234d[0-9]678", /* 7 hit */
		"pci\\:v1234d5678",   /* 8 hit, stem "pci" */
		"pci:v1234d5678x",    /* 9, its stem longer than the query */
		"pci:v9*",	      /* 10 */
		"[pq]ci:v1234d5678",  /* 11 hit, stem "" */
	};
	static const char *const bi[] = { "x*", "pc*", "pci:*", "pci:v1234d5678" };
	const size_t nmod = sizeof(mod) / sizeof(mod[0]), nbi = sizeof(bi) / sizeof(bi[0]);
	static const uint32_t want[] = { 0, 1, 2, 3, 5, 6, 7, 8, 11 };
	uint8_t *data;
	size_t len;
	struct blob b;
	struct got g = { .n = 0 }, o;

	build(mod, nmod, bi, nbi, &data, &len);
	is_int(blob_open(&b, data, len), 0, "the blob opens");
	is_int(blob_count(&b, BLOB_S_MODALIAS_IDX), nmod, "every alias is indexed");
	is_int(blob_count(&b, BLOB_S_BIALIAS_IDX), nbi, "every built-in alias too");
	is_int(res_resolve(&b, "pci:v1234d5678", collect, &g), 9, "nine hits");
	ok(g.n == 9 && !memcmp(g.mod, want, sizeof(want)),
	   "in record order: 0 1 2 3 5 6 7 8 11");
	oracle(mod, nmod, bi, nbi, "pci:v1234d5678", &o);
	ok(o.n == 9 && !memcmp(o.mod, want, sizeof(want)), "which is what a scan finds");
	oracle(mod, nmod, bi, nbi, "pci:", &o);
	ok(same_result(&b, "pci:", &o) && o.n == 3, "pci: hits *, pci:* and p?i:*");
	oracle(mod, nmod, bi, nbi, "pci:v1234d5678xy", &o);
	ok(same_result(&b, "pci:v1234d5678xy", &o) && o.n == 4, "a query longer than stems");
	oracle(mod, nmod, bi, nbi, "", &o);
	ok(same_result(&b, "", &o) && o.n == 1, "the empty query hits *");

	strip_index(data, len);
	is_int(blob_open(&b, data, len), 0, "without the index the blob opens");
	is_int(blob_count(&b, BLOB_S_MODALIAS_IDX), 0, "and has no index");
	g.n = 0;
	is_int(res_resolve(&b, "pci:v1234d5678", collect, &g), 9, "nine hits by a scan");
	ok(g.n == 9 && !memcmp(g.mod, want, sizeof(want)), "in the same order");
	free(data);
}

/* random patterns and queries over a small alphabet: the index, the scan of a blob
 * without it and a plain glob_match loop agree */
static void random_sets(void)
{
	static const char *const ptok[NTOK] = { "a", "b", ":", "*", "?", "[ab]",
						"[!a]", "\\a", "\\*", "_", "a:" };
	static const char qtok[] = "ab:_*?";
	char pbuf[MAXA + MAXA][24];
	const char *pat[MAXA + MAXA];
	int bad_idx = 0, bad_scan = 0, hits = 0, bihits = 0, rounds = 300, queries = 0;

	srand(1);
	for (int round = 0; round < rounds; round++) {
		size_t nmod = 1 + rand() % MAXA, nbi = rand() % 8;
		uint8_t *data, *bare;
		size_t len;
		struct blob b, s;

		for (size_t i = 0; i < nmod + nbi; i++) {
			int n = rand() % 5;

			pbuf[i][0] = 0;
			for (int k = 0; k < n; k++)
				strcat(pbuf[i], ptok[rand() % NTOK]);
			/* duplicates and shared stems are the interesting cases */
			if (i && rand() % 4 == 0)
				strcpy(pbuf[i], pbuf[rand() % i]);
			pat[i] = pbuf[i];
		}
		build(pat, nmod, pat + nmod, nbi, &data, &len);
		bare = malloc(len);
		memcpy(bare, data, len);
		strip_index(bare, len);
		if (blob_open(&b, data, len) < 0 || blob_open(&s, bare, len) < 0) {
			bad_idx++;
			continue;
		}
		for (int k = 0; k < 40; k++) {
			char q[8];
			int n = rand() % 6;
			struct got o;

			for (int j = 0; j < n; j++)
				q[j] = qtok[rand() % (sizeof(qtok) - 1)];
			q[n] = 0;
			oracle(pat, nmod, pat + nmod, nbi, q, &o);
			hits += o.n > 1;
			bihits += o.n && o.mod[0] >= nmod;
			queries++;
			if (!same_result(&b, q, &o))
				bad_idx++;
			if (!same_result(&s, q, &o))
				bad_scan++;
		}
		free(bare);
		free(data);
	}
	ok(hits > queries / 10, "%d of %d random queries have several hits", hits, queries);
	ok(bihits > queries / 50, "%d are answered by built-in aliases", bihits);
	is_int(bad_idx, 0, "the index finds what a scan finds, in order");
	is_int(bad_scan, 0, "so does a blob without the index");
}

/* a copy of the blob with entry k of MODALIAS_IDX set to v (and k2 to v2 unless
 * k2 is BLOB_NONE), resealed: does it open? */
static int open_damaged(const uint8_t *data, size_t len, uint32_t k, uint32_t v, uint32_t k2,
			uint32_t v2)
{
	uint8_t *c = malloc(len);
	uint32_t off;
	struct blob b;
	int r;

	memcpy(c, data, len);
	off = get32(sect_desc(c, BLOB_S_MODALIAS_IDX) + 4);
	put32(c + off + 4 * k, v);
	if (k2 != BLOB_NONE)
		put32(c + off + 4 * k2, v2);
	reseal(c, len);
	r = blob_open(&b, c, len);
	free(c);
	return r;
}

static void damage(void)
{
	/* entries by stem: "" (4), "a" (0 2), "b:" (1 3) */
	static const char *const mod[] = { "a*", "b:*", "a?", "b:?", "*" };
	static const char *const bi[] = { "c", "d*" };
	uint8_t *data, *c;
	size_t len;
	struct blob b;
	uint32_t e[5], off;

	build(mod, 5, bi, 2, &data, &len);
	is_int(blob_open(&b, data, len), 0, "the intact blob opens");
	for (uint32_t i = 0; i < 5; i++)
		e[i] = blob_alias_at(&b, BLOB_S_MODALIAS, i);
	ok(e[0] == 4 && e[1] == 0 && e[2] == 2 && e[3] == 1 && e[4] == 3,
	   "entries by stem, then record: 4 0 2 1 3");
	is_int(open_damaged(data, len, 2, 5, BLOB_NONE, 0), -EBADMSG,
	       "an out-of-range entry is refused");
	is_int(open_damaged(data, len, 2, BLOB_NONE, BLOB_NONE, 0), -EBADMSG,
	       "so is BLOB_NONE");
	is_int(open_damaged(data, len, 0, e[1], 1, e[0]), -EBADMSG,
	       "stems out of order are refused");
	is_int(open_damaged(data, len, 2, e[3], 3, e[2]), -EBADMSG,
	       "so are runs out of order");
	is_int(open_damaged(data, len, 1, e[2], 2, e[1]), -EBADMSG,
	       "a run not ascending is refused");
	is_int(open_damaged(data, len, 2, e[1], BLOB_NONE, 0), -EBADMSG,
	       "a record twice is refused");
	is_int(open_damaged(data, len, 3, e[4], 4, e[3]), -EBADMSG,
	       "so is a run not ascending at the end");

	/* fewer entries than aliases: one record would never be found */
	c = malloc(len);
	memcpy(c, data, len);
	put32(sect_desc(c, BLOB_S_MODALIAS_IDX) + 8, 16);
	put32(sect_desc(c, BLOB_S_MODALIAS_IDX) + 12, 4);
	reseal(c, len);
	is_int(blob_open(&b, c, len), -EBADMSG, "an index missing a record is refused");
	/* an empty index is no index */
	memcpy(c, data, len);
	put32(sect_desc(c, BLOB_S_MODALIAS_IDX) + 8, 0);
	put32(sect_desc(c, BLOB_S_MODALIAS_IDX) + 12, 0);
	reseal(c, len);
	is_int(blob_open(&b, c, len), 0, "an empty index is accepted");
	{
		struct got g = { .n = 0 };

		is_int(res_resolve(&b, "a1", collect, &g), 3, "and means a scan");
		ok(g.n == 3 && g.mod[0] == 0 && g.mod[1] == 2 && g.mod[2] == 4,
		   "in record order");
	}
	/* the built-in index is checked too */
	memcpy(c, data, len);
	off = get32(sect_desc(c, BLOB_S_BIALIAS_IDX) + 4);
	put32(c + off, get32(c + off + 4));
	reseal(c, len);
	is_int(blob_open(&b, c, len), -EBADMSG, "a damaged built-in index is refused");
	memcpy(c, data, len);
	off = get32(sect_desc(c, BLOB_S_BIALIAS_IDX) + 4);
	put32(c + off, 7);
	reseal(c, len);
	is_int(blob_open(&b, c, len), -EBADMSG, "an out-of-range built-in entry is refused");
	free(c);
	free(data);
}

int main(void)
{
	stems();
	order();
	random_sets();
	damage();
	return done_testing();
}

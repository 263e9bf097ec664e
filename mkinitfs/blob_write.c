/* SPDX-License-Identifier: MIT */
/* blob_write.c: the blob writer, the only producer of the format in lib/blob.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "blob_write.h"
#include "xalloc.h"

struct vec {
	uint8_t *p;
	size_t len, cap;
};

struct blob_builder {
	struct vec sect[BLOB_S_COUNT];
	uint32_t count[BLOB_S_COUNT];
	/* open-addressing hash of string offsets, for sharing equal strings; each slot
	 * keeps its string's hash, so that neither probing nor growing reads strings */
	struct slot {
		uint32_t off, hash; /* off 0: empty */
	} *hash;
	size_t hcap, hused;
};

static void vec_put(struct vec *v, const void *p, size_t n)
{
	if (v->len + n > v->cap) {
		v->cap = (v->len + n) * 2 + 256;
		v->p = xrealloc(v->p, v->cap);
	}
	memcpy(v->p + v->len, p, n);
	v->len += n;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void vec_put32(struct vec *v, uint32_t x)
{
	uint8_t b[4];

	put32(b, x);
	vec_put(v, b, 4);
}

struct blob_builder *bw_new(void)
{
	struct blob_builder *w = xcalloc(1, sizeof(*w));

	vec_put(&w->sect[BLOB_S_STRINGS], "", 1);
	w->hcap = 1024;
	w->hash = xcalloc(w->hcap, sizeof(*w->hash));
	return w;
}

void bw_free(struct blob_builder *w)
{
	if (!w)
		return;
	for (int i = 0; i < BLOB_S_COUNT; i++)
		free(w->sect[i].p);
	free(w->hash);
	free(w);
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void rehash(struct blob_builder *w)
{
	struct slot *old = w->hash;
	size_t ocap = w->hcap;

	w->hcap *= 2;
	w->hash = xcalloc(w->hcap, sizeof(*w->hash));
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].off)
			continue;
		size_t j = old[i].hash & (w->hcap - 1);

		while (w->hash[j].off)
			j = (j + 1) & (w->hcap - 1);
		w->hash[j] = old[i];
	}
	free(old);
}

uint32_t bw_str(struct blob_builder *w, const char *s)
{
	struct vec *st = &w->sect[BLOB_S_STRINGS];
	uint32_t h;
	size_t j;

	if (!s || !*s)
		return 0;
	if (w->hused * 2 >= w->hcap)
		rehash(w);
	h = str_hash(s);
	for (j = h & (w->hcap - 1); w->hash[j].off; j = (j + 1) & (w->hcap - 1))
		if (w->hash[j].hash == h && !strcmp((char *)st->p + w->hash[j].off, s))
			return w->hash[j].off;
	w->hash[j].off = st->len;
	w->hash[j].hash = h;
	w->hused++;
	vec_put(st, s, strlen(s) + 1);
	return w->hash[j].off;
}

uint32_t bw_list(struct blob_builder *w, const uint32_t *v, size_t n)
{
	uint32_t off = w->count[BLOB_S_U32];

	for (size_t i = 0; i < n; i++)
		vec_put32(&w->sect[BLOB_S_U32], v[i]);
	w->count[BLOB_S_U32] += n;
	return off;
}

void bw_rec(struct blob_builder *w, enum blob_section s, const uint32_t *words, size_t nwords)
{
	for (size_t i = 0; i < nwords; i++)
		vec_put32(&w->sect[s], words[i]);
	w->count[s]++;
}

static const struct blob_builder *sort_ctx;

static int by_name(const void *a, const void *b)
{
	const struct vec *m = &sort_ctx->sect[BLOB_S_MODULES];
	const char *st = (const char *)sort_ctx->sect[BLOB_S_STRINGS].p;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return strcmp(st + get32(m->p + x * 40), st + get32(m->p + y * 40));
}

static void build_byname(struct blob_builder *w)
{
	uint32_t n = w->count[BLOB_S_MODULES];
	uint32_t *idx = xcalloc(n ? n : 1, sizeof(*idx));

	for (uint32_t i = 0; i < n; i++)
		idx[i] = i;
	sort_ctx = w;
	qsort(idx, n, sizeof(*idx), by_name);
	for (uint32_t i = 0; i < n; i++)
		vec_put32(&w->sect[BLOB_S_BYNAME], idx[i]);
	w->count[BLOB_S_BYNAME] = n;
	free(idx);
}

struct stem {
	const char *p;
	uint32_t len, i;
};

/* by stem in strcmp order, then by record */
static int by_stem(const void *a, const void *b)
{
	const struct stem *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);

	if (!c)
		c = (x->len > y->len) - (x->len < y->len);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* the index of an alias section (format in lib/blob.h) */
static void build_alias_index(struct blob_builder *w, enum blob_section s,
			      enum blob_section idx)
{
	uint32_t n = w->count[s];
	struct stem *v = xcalloc(n ? n : 1, sizeof(*v));
	const char *st = (const char *)w->sect[BLOB_S_STRINGS].p;

	for (uint32_t i = 0; i < n; i++) {
		v[i].p = st + get32(w->sect[s].p + (size_t)i * 8);
		v[i].len = blob_alias_stem(v[i].p);
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), by_stem);
	for (uint32_t i = 0; i < n; i++)
		vec_put32(&w->sect[idx], v[i].i);
	w->count[idx] = n;
	free(v);
}

int bw_finish(struct blob_builder *w, const char *kver, const char *moddir, uint32_t flags,
	      uint8_t **ret_data, size_t *ret_len)
{
	uint32_t kref = bw_str(w, kver), mref = bw_str(w, moddir);
	size_t nsect = BLOB_S_COUNT - 1, off, total;
	uint8_t *p;

	build_byname(w);
	build_alias_index(w, BLOB_S_MODALIAS, BLOB_S_MODALIAS_IDX);
	build_alias_index(w, BLOB_S_BIALIAS, BLOB_S_BIALIAS_IDX);
	w->count[BLOB_S_STRINGS] = w->sect[BLOB_S_STRINGS].len;
	total = BLOB_HDR_SIZE + nsect * 16;
	for (int s = 1; s < BLOB_S_COUNT; s++)
		total += (w->sect[s].len + 3) & ~(size_t)3;
	if (total > 0x7fffffff)
		return -E2BIG;
	p = xcalloc(1, total);
	memcpy(p, BLOB_MAGIC, 8);
	put32(p + 8, BLOB_VERSION);
	put32(p + 12, BLOB_HDR_SIZE);
	put32(p + 16, total);
	put32(p + 24, flags);
	put32(p + 28, kref);
	put32(p + 32, mref);
	put32(p + 36, nsect);
	put32(p + 40, BLOB_HDR_SIZE);
	off = BLOB_HDR_SIZE + nsect * 16;
	for (int s = 1; s < BLOB_S_COUNT; s++) {
		uint8_t *d = p + BLOB_HDR_SIZE + (s - 1) * 16;

		put32(d, s);
		put32(d + 4, off);
		put32(d + 8, w->sect[s].len);
		put32(d + 12, w->count[s]);
		if (w->sect[s].len)
			memcpy(p + off, w->sect[s].p, w->sect[s].len);
		off += (w->sect[s].len + 3) & ~(size_t)3;
	}
	/* zlib's CRC-32 is blob_crc32()'s, several times faster */
	put32(p + 20, crc32(0, p, total));
	*ret_data = p;
	*ret_len = total;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* blob_read.c: the blob reader. Validates once in blob_open(), then reads freely. */
#include <errno.h>
#include <string.h>

#include "blob.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* record size of each section; 1 for the byte-sized string table */
static const uint8_t rec_size[BLOB_S_COUNT] = {
	[BLOB_S_STRINGS] = 1,	 [BLOB_S_U32] = 4,	 [BLOB_S_MODULES] = 40,
	[BLOB_S_BYNAME] = 4,	 [BLOB_S_MODALIAS] = 8,	 [BLOB_S_BIALIAS] = 8,
	[BLOB_S_CONFALIAS] = 8,	 [BLOB_S_OPTIONS] = 8,	 [BLOB_S_INSTALL] = 8,
	[BLOB_S_REMOVE] = 8,	 [BLOB_S_SOFTDEP] = 20,	 [BLOB_S_WEAKDEP] = 12,
	[BLOB_S_BLACKLIST] = 4, [BLOB_S_LOAD] = 8,	 [BLOB_S_MODALIAS_IDX] = 4,
	[BLOB_S_BIALIAS_IDX] = 4,
};

const void *blob_at(const struct blob *b, uint32_t off, uint32_t len)
{
	if (off > b->size || len > b->size - off)
		return NULL;
	return b->p + off;
}

static const uint8_t *rec(const struct blob *b, enum blob_section s, uint32_t i)
{
	/* blob_open() proved count * size fits: no overflow here */
	return b->p + b->s[s].off + (size_t)i * rec_size[s];
}

uint32_t blob_count(const struct blob *b, enum blob_section s)
{
	return b->s[s].count;
}

const char *blob_str(const struct blob *b, uint32_t ref)
{
	if (ref >= b->s[BLOB_S_STRINGS].size)
		return "";
	return (const char *)b->p + b->s[BLOB_S_STRINGS].off + ref;
}

uint32_t blob_u32(const struct blob *b, uint32_t list, uint32_t i)
{
	return le32(rec(b, BLOB_S_U32, list + i));
}

uint32_t blob_crc32(uint32_t crc, const void *data, size_t len)
{
	static uint32_t table[256];
	const uint8_t *p = data;

	if (!table[1]) {
		for (uint32_t n = 0; n < 256; n++) {
			uint32_t c = n;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[n] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static int check_crc(const uint8_t *p, uint32_t size)
{
	static const uint8_t zero[4];
	uint32_t crc;

	crc = blob_crc32(0, p, 20);
	crc = blob_crc32(crc, zero, 4);
	crc = blob_crc32(crc, p + 24, size - 24);
	return crc == le32(p + 20) ? 0 : -EBADMSG;
}

static int load_sections(struct blob *b)
{
	uint32_t nsect = le32(b->p + 36), table = le32(b->p + 40);
	const uint8_t *t = blob_at(b, table, nsect > 4096 ? BLOB_NONE : nsect * 16);

	if (!t)
		return -EBADMSG;
	for (uint32_t i = 0; i < nsect; i++, t += 16) {
		uint32_t id = le32(t), off = le32(t + 4), size = le32(t + 8),
			 count = le32(t + 12);

		if (id == 0 || id >= BLOB_S_COUNT)
			continue;
		if (b->s[id].size || !blob_at(b, off, size))
			return -EBADMSG;
		if ((uint64_t)count * rec_size[id] != size)
			return -EBADMSG;
		b->s[id].off = off;
		b->s[id].size = size;
		b->s[id].count = count;
	}
	return 0;
}

static int str_ok(const struct blob *b, uint32_t ref)
{
	return ref < b->s[BLOB_S_STRINGS].size;
}

static int list_ok(const struct blob *b, uint32_t off, uint32_t n)
{
	uint32_t total = b->s[BLOB_S_U32].count;

	return off <= total && n <= total - off;
}

/* every reference of every record, once, so that accessors need no checks */
static int check_refs(const struct blob *b)
{
	uint32_t nmod = b->s[BLOB_S_MODULES].count;

	for (uint32_t i = 0; i < nmod; i++) {
		const uint8_t *r = rec(b, BLOB_S_MODULES, i);

		for (int f = 0; f < 3; f++)
			if (!str_ok(b, le32(r + 4 * f)))
				return -EBADMSG;
		if (!list_ok(b, le32(r + 12), le32(r + 16)))
			return -EBADMSG;
		for (uint32_t d = 0; d < le32(r + 16); d++)
			if (blob_u32(b, le32(r + 12), d) >= nmod)
				return -EBADMSG;
		static const enum blob_section idx[4] = { BLOB_S_SOFTDEP, BLOB_S_INSTALL,
							  BLOB_S_REMOVE, BLOB_S_WEAKDEP };
		for (int f = 0; f < 4; f++) {
			uint32_t v = le32(r + 20 + 4 * f);

			if (v != BLOB_NONE && v >= b->s[idx[f]].count)
				return -EBADMSG;
		}
	}
	for (uint32_t i = 0; i < b->s[BLOB_S_BYNAME].count; i++)
		if (le32(rec(b, BLOB_S_BYNAME, i)) >= nmod)
			return -EBADMSG;
	/* two-string sections; aliases carry a module index instead of a string */
	for (enum blob_section s = BLOB_S_MODALIAS; s <= BLOB_S_REMOVE; s++) {
		int second_is_module = s == BLOB_S_MODALIAS || s == BLOB_S_BIALIAS;

		for (uint32_t i = 0; i < b->s[s].count; i++) {
			const uint8_t *r = rec(b, s, i);

			if (!str_ok(b, le32(r)))
				return -EBADMSG;
			if (second_is_module ? le32(r + 4) >= nmod : !str_ok(b, le32(r + 4)))
				return -EBADMSG;
		}
	}
	for (uint32_t i = 0; i < b->s[BLOB_S_SOFTDEP].count; i++) {
		const uint8_t *r = rec(b, BLOB_S_SOFTDEP, i);

		if (!str_ok(b, le32(r)) || !list_ok(b, le32(r + 4), le32(r + 8)) ||
		    !list_ok(b, le32(r + 12), le32(r + 16)))
			return -EBADMSG;
	}
	for (uint32_t i = 0; i < b->s[BLOB_S_WEAKDEP].count; i++) {
		const uint8_t *r = rec(b, BLOB_S_WEAKDEP, i);

		if (!str_ok(b, le32(r)) || !list_ok(b, le32(r + 4), le32(r + 8)))
			return -EBADMSG;
	}
	for (uint32_t i = 0; i < b->s[BLOB_S_BLACKLIST].count; i++)
		if (!str_ok(b, le32(rec(b, BLOB_S_BLACKLIST, i))))
			return -EBADMSG;
	for (uint32_t i = 0; i < b->s[BLOB_S_LOAD].count; i++)
		if (!str_ok(b, le32(rec(b, BLOB_S_LOAD, i))))
			return -EBADMSG;
	/* string entries of the pool are checked where they are used as strings:
	 * softdep and weakdep targets */
	for (uint32_t i = 0; i < b->s[BLOB_S_SOFTDEP].count; i++) {
		const uint8_t *r = rec(b, BLOB_S_SOFTDEP, i);

		for (uint32_t k = 0; k < le32(r + 8); k++)
			if (!str_ok(b, blob_u32(b, le32(r + 4), k)))
				return -EBADMSG;
		for (uint32_t k = 0; k < le32(r + 16); k++)
			if (!str_ok(b, blob_u32(b, le32(r + 12), k)))
				return -EBADMSG;
	}
	for (uint32_t i = 0; i < b->s[BLOB_S_WEAKDEP].count; i++) {
		const uint8_t *r = rec(b, BLOB_S_WEAKDEP, i);

		for (uint32_t k = 0; k < le32(r + 8); k++)
			if (!str_ok(b, blob_u32(b, le32(r + 4), k)))
				return -EBADMSG;
	}
	return 0;
}

/* a byte that ends a stem: glob syntax, or the end of the pattern */
static int stem_end(char c)
{
	return !c || c == '*' || c == '?' || c == '[' || c == '\\';
}

uint32_t blob_alias_stem(const char *p)
{
	uint32_t n = 0;

	while (!stem_end(p[n]))
		n++;
	return n;
}

/* the index section of an alias section */
#define IDX(s) ((s) == BLOB_S_MODALIAS ? BLOB_S_MODALIAS_IDX : BLOB_S_BIALIAS_IDX)

uint32_t blob_alias_at(const struct blob *b, enum blob_section s, uint32_t i)
{
	return b->s[IDX(s)].count ? le32(rec(b, IDX(s), i)) : i;
}

/* the pattern of entry i */
static const char *idx_pattern(const struct blob *b, enum blob_section s, uint32_t i)
{
	return blob_str(b, le32(rec(b, s, blob_alias_at(b, s, i))));
}

/* p's stem against q[0..L) in strcmp order, or against q's stem when L is
 * BLOB_NONE: < 0, 0 when equal, 1 when the latter is a proper prefix of p's
 * stem, 2 when greater otherwise */
static int stem_cmp(const char *p, const char *q, uint32_t L)
{
	uint32_t i = 0;
	int pe, qe;

	while (i != L && p[i] == q[i] && !stem_end(p[i]))
		i++;
	pe = stem_end(p[i]);
	qe = i == L || (L == BLOB_NONE && stem_end(q[i]));
	if (pe || qe)
		return pe ? -!qe : 1;
	return (unsigned char)p[i] < (unsigned char)q[i] ? -1 : 2;
}

/* a permutation of the alias records, by stem then index: equal to a scan */
static int check_index(const struct blob *b, enum blob_section s)
{
	uint32_t n = b->s[IDX(s)].count, prev = 0;
	const char *pp = "";

	if (n && n != b->s[s].count)
		return -EBADMSG;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t m = blob_alias_at(b, s, i);
		const char *p;
		int c;

		if (m >= n)
			return -EBADMSG;
		p = idx_pattern(b, s, i);
		c = stem_cmp(pp, p, BLOB_NONE);
		if (i && (c > 0 || (!c && prev >= m)))
			return -EBADMSG;
		pp = p;
		prev = m;
	}
	return 0;
}

/* the first entry from lo whose stem is >= q[0..L) (upper 0) or > q[0..L) (upper 1) */
static uint32_t bound(const struct blob *b, enum blob_section s, const char *q, uint32_t L,
		      uint32_t lo, int upper)
{
	uint32_t hi = b->s[s].count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (stem_cmp(idx_pattern(b, s, mid), q, L) < upper)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t blob_alias_next(const struct blob *b, enum blob_section s, const char *q,
			 uint32_t *pos, uint32_t *len)
{
	uint32_t n = b->s[s].count;

	if (!b->s[IDX(s)].count) {
		if (*len)
			return BLOB_NONE;
		*len = 1;
		*pos = n;
		return 0;
	}
	/* the stems starting with q[0..L) follow those starting with q[0..L-1) */
	for (uint32_t L = *len; !L || q[L - 1]; L++) {
		uint32_t lo = bound(b, s, q, L, *pos, 0), hi = bound(b, s, q, L, lo, 1);

		*pos = lo;
		if (lo < hi) {
			*pos = hi;
			*len = L + 1;
			return lo;
		}
		if (lo == n || stem_cmp(idx_pattern(b, s, lo), q, L) == 2)
			break; /* no stem starts with q[0..L) */
	}
	*len = 0;
	*pos = n;
	return BLOB_NONE;
}

int blob_open(struct blob *b, const void *data, size_t len)
{
	struct blob t;
	int r;

	memset(&t, 0, sizeof(t));
	t.p = data;
	if (len < BLOB_HDR_SIZE || len > 0x7fffffff || memcmp(data, BLOB_MAGIC, 8))
		return -EBADMSG;
	if (le32(t.p + 8) != BLOB_VERSION)
		return -EPROTO;
	t.size = le32(t.p + 16);
	if (le32(t.p + 12) != BLOB_HDR_SIZE || t.size != len)
		return -EBADMSG;
	r = check_crc(t.p, t.size);
	if (r < 0)
		return r;
	r = load_sections(&t);
	if (r < 0)
		return r;
	/* the string table starts with the empty string and ends with a NUL, so
	 * that every in-range offset is a terminated string */
	if (!t.s[BLOB_S_STRINGS].size || t.p[t.s[BLOB_S_STRINGS].off] ||
	    t.p[t.s[BLOB_S_STRINGS].off + t.s[BLOB_S_STRINGS].size - 1])
		return -EBADMSG;
	if (t.s[BLOB_S_MODULES].count > BLOB_MAX_MODULES ||
	    t.s[BLOB_S_BYNAME].count != t.s[BLOB_S_MODULES].count)
		return -EBADMSG;
	if (!str_ok(&t, le32(t.p + 28)) || !str_ok(&t, le32(t.p + 32)))
		return -EBADMSG;
	r = check_refs(&t);
	if (r < 0)
		return r;
	r = check_index(&t, BLOB_S_MODALIAS);
	if (r < 0)
		return r;
	r = check_index(&t, BLOB_S_BIALIAS);
	if (r < 0)
		return r;
	t.flags = le32(t.p + 24);
	t.kver = blob_str(&t, le32(t.p + 28));
	t.moddir = blob_str(&t, le32(t.p + 32));
	*b = t;
	return 0;
}

void blob_module(const struct blob *b, uint32_t i, struct blob_module *ret)
{
	const uint8_t *r = rec(b, BLOB_S_MODULES, i);

	ret->name = blob_str(b, le32(r));
	ret->path = blob_str(b, le32(r + 4));
	ret->image_path = blob_str(b, le32(r + 8));
	ret->deps = le32(r + 12);
	ret->ndeps = le32(r + 16);
	ret->softdep = le32(r + 20);
	ret->install = le32(r + 24);
	ret->remove = le32(r + 28);
	ret->weakdep = le32(r + 32);
	ret->flags = le32(r + 36);
}

uint32_t blob_find_module(const struct blob *b, const char *name)
{
	uint32_t lo = 0, hi = b->s[BLOB_S_BYNAME].count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		uint32_t m = le32(rec(b, BLOB_S_BYNAME, mid));
		int c = strcmp(name, blob_str(b, le32(rec(b, BLOB_S_MODULES, m))));

		if (!c)
			return m;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return BLOB_NONE;
}

void blob_softdep(const struct blob *b, uint32_t i, struct blob_softdep *ret)
{
	const uint8_t *r = rec(b, BLOB_S_SOFTDEP, i);

	ret->key = blob_str(b, le32(r));
	ret->pre = le32(r + 4);
	ret->npre = le32(r + 8);
	ret->post = le32(r + 12);
	ret->npost = le32(r + 16);
}

void blob_pair(const struct blob *b, enum blob_section s, uint32_t i, struct blob_pair *ret)
{
	const uint8_t *r = rec(b, s, i);

	ret->a = blob_str(b, le32(r));
	ret->b = NULL;
	ret->n = 0;
	switch (s) {
	case BLOB_S_MODALIAS:
	case BLOB_S_BIALIAS:
	case BLOB_S_LOAD:
	case BLOB_S_WEAKDEP:
		ret->n = le32(r + 4);
		break;
	case BLOB_S_BLACKLIST:
		break;
	default:
		ret->b = blob_str(b, le32(r + 4));
	}
}

uint32_t blob_weakdep_count(const struct blob *b, uint32_t i)
{
	return le32(rec(b, BLOB_S_WEAKDEP, i) + 8);
}

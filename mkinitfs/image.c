/* SPDX-License-Identifier: MIT */
/* image.c: the initramfs: members kept until image_write() streams them, sorted, as newc
 * through zstd, xz or gzip into a temporary file; image_read_member() reads one back.
 *
 * The archive is never built whole: headers and small files go through a 64 KiB
 * staging buffer, large file data is handed to the compressor straight from the
 * member's own buffer. Determinism across thread counts: zstd's single-threaded
 * encoder (nbWorkers 0) cuts blocks differently from its multi-threaded one, while
 * the multi-threaded output depends only on the level (the job size follows the
 * window) and not on the number of workers; so zstd always runs with nbWorkers >= 1,
 * even for --threads 1. The same holds for liblzma's MT encoder (its block size is
 * 3 x the preset's dictionary, like `xz -T0`), so xz always uses
 * lzma_stream_encoder_mt. zlib has no threads. Only a libzstd built without threads
 * refuses nbWorkers: then we compress single-threaded, still the same bytes at every
 * --threads, but not the bytes a threaded libzstd gives. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "image.h"
#include "xalloc.h"

#define HDR_LEN 110
#define ZSTD_MAGIC "\x28\xb5\x2f\xfd"
/* the kernel's PATH_MAX counts the NUL: longer names and link targets it refuses */
#define NAME_MAX_LEN 4095
#define STAGE_LEN (64 * 1024)
#define OUT_LEN (256 * 1024)
/* zlib counts in unsigned int: feed it at most this much at once */
#define CHUNK_MAX (1u << 30)
/* a damaged size field must not make image_read_member() allocate without bound */
#define READ_MAX (SIZE_MAX / 2 < 0xffffffffu ? SIZE_MAX / 2 : (size_t)0xffffffffu + 1)

struct member {
	char *name;		/* without the leading '/' */
	size_t namelen;
	unsigned mode;		/* type and permissions */
	unsigned rmaj, rmin;
	uint8_t *data;		/* file contents or symlink target; owned */
	size_t len;
	bool implicit;		/* a parent nobody added (0755); image_add_dir() may */
};

struct image {
	struct image_opts o;
	struct member *m;
	size_t n, cap;
	size_t *slot;		/* open addressing over m[]: index + 1, 0 is empty */
	size_t nslot;		/* a power of two, at most half full */
};

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int image_new(struct image **ret, const struct image_opts *o)
{
	struct image *img;
	struct image_opts v = *o;

	switch (v.comp) {
	case IMG_ZSTD:
		if (v.level == -1)
			v.level = 9;
		if (v.level < ZSTD_minCLevel() || v.level > ZSTD_maxCLevel())
			return -EINVAL;
		break;
	case IMG_XZ:
		if (v.level == -1)
			v.level = 6;
		if (v.level < 0 || v.level > 9)
			return -EINVAL;
		break;
	case IMG_GZIP:
		if (v.level == -1)
			v.level = 9;
		if (v.level < 0 || v.level > 9)
			return -EINVAL;
		break;
	case IMG_NONE:
		break;
	default:
		return -EINVAL;
	}
	/* the header's mtime field is 8 hex digits */
	if (v.threads < 0 || v.mtime < 0 || v.mtime > 0xffffffffLL)
		return -EINVAL;
	img = xcalloc(1, sizeof(*img));
	img->o = v;
	img->nslot = 64;
	img->slot = xcalloc(img->nslot, sizeof(*img->slot));
	*ret = img;
	return 0;
}

void image_free(struct image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->n; i++) {
		free(img->m[i].name);
		free(img->m[i].data);
	}
	free(img->m);
	free(img->slot);
	free(img);
}

static size_t hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ h >> 32);
}

static struct member *lookup(const struct image *img, const char *s, size_t len)
{
	size_t mask = img->nslot - 1;

	for (size_t i = hash(s, len) & mask; img->slot[i]; i = (i + 1) & mask) {
		struct member *m = &img->m[img->slot[i] - 1];

		if (m->namelen == len && !memcmp(m->name, s, len))
			return m;
	}
	return NULL;
}

static void slot_put(size_t *slot, size_t nslot, const struct member *m, size_t idx)
{
	size_t i = hash(m->name, m->namelen) & (nslot - 1);

	while (slot[i])
		i = (i + 1) & (nslot - 1);
	slot[i] = idx + 1;
}

static struct member *append(struct image *img, const char *name, size_t len,
			     unsigned mode)
{
	struct member *m;

	if (2 * (img->n + 1) > img->nslot) {
		size_t nslot = img->nslot * 2, *slot = xcalloc(nslot, sizeof(*slot));

		for (size_t i = 0; i < img->n; i++)
			slot_put(slot, nslot, &img->m[i], i);
		free(img->slot);
		img->slot = slot;
		img->nslot = nslot;
	}
	if (img->n == img->cap) {
		img->cap = img->cap ? 2 * img->cap : 64;
		img->m = xrealloc(img->m, img->cap * sizeof(*img->m));
	}
	m = &img->m[img->n];
	*m = (struct member){ .name = xstrndup(name, len), .namelen = len, .mode = mode };
	slot_put(img->slot, img->nslot, m, img->n);
	img->n++;
	return m;
}

/* "/a/b" and nothing else: no empty, "." or ".." component, no trailing '/' */
static int check_path(const char *path)
{
	const char *p = path;

	if (!path || *p != '/')
		return -EINVAL;
	do {
		const char *c = ++p;

		p += strcspn(p, "/");
		if (p == c || (p - c == 1 && c[0] == '.') ||
		    (p - c == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
	} while (*p);
	return p - path - 1 > NAME_MAX_LEN ? -ENAMETOOLONG : 0;
}

/* Parents are checked, then created, so that a failure leaves the image as it was. */
static int add(struct image *img, const char *path, unsigned mode, unsigned maj,
	       unsigned min, uint8_t *data, size_t len)
{
	const char *name = path + 1;
	size_t nlen;
	struct member *m;
	int r = check_path(path);

	if (r < 0)
		goto fail;
	nlen = strlen(name);
	m = lookup(img, name, nlen);
	if (m) {
		/* a directory created as somebody's parent takes the mode it is given */
		if (m->implicit && S_ISDIR(mode)) {
			m->mode = mode;
			m->implicit = false;
			return 0;
		}
		r = -EEXIST;
		goto fail;
	}
	for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
		m = lookup(img, name, s - name);
		if (m && !S_ISDIR(m->mode)) {
			r = -ENOTDIR;
			goto fail;
		}
	}
	for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
		if (!lookup(img, name, s - name))
			append(img, name, s - name, S_IFDIR | 0755)->implicit = true;
	}
	m = append(img, name, nlen, mode);
	m->rmaj = maj;
	m->rmin = min;
	m->data = data;
	m->len = len;
	return 0;
fail:
	free(data);
	return r;
}

/* a type in mode must be the one the call is for; no type means that one */
static int with_type(unsigned mode, unsigned type)
{
	if ((mode & S_IFMT) && (mode & S_IFMT) != type)
		return -EINVAL;
	return (int)(type | (mode & 07777));
}

int image_add_dir(struct image *img, const char *path, unsigned mode)
{
	int m = with_type(mode, S_IFDIR);

	return m < 0 ? m : add(img, path, m, 0, 0, NULL, 0);
}

int image_add_nod(struct image *img, const char *path, unsigned mode, unsigned maj,
		  unsigned min)
{
	/* the kernel's dev_t: 12 bits of major, 20 of minor */
	if ((!S_ISCHR(mode) && !S_ISBLK(mode)) || maj >= 1u << 12 || min >= 1u << 20)
		return -EINVAL;
	return add(img, path, mode & (S_IFMT | 07777), maj, min, NULL, 0);
}

int image_add_symlink(struct image *img, const char *path, const char *target)
{
	size_t len = target ? strlen(target) : 0;

	if (!len)
		return -EINVAL;
	if (len > NAME_MAX_LEN)
		return -ENAMETOOLONG;
	return add(img, path, S_IFLNK | 0777, 0, 0, (uint8_t *)xstrndup(target, len),
		   len);
}

int image_add_file_owned(struct image *img, const char *path, unsigned mode, void *data,
			 size_t len)
{
	int m = with_type(mode, S_IFREG);

	if (m < 0 || len > 0xffffffffu) {
		free(data);
		return m < 0 ? m : -EFBIG;
	}
	return add(img, path, m, 0, 0, data, len);
}

/* ---- writing ---- */

struct sink {
	const struct image_opts *o;
	int fd;
	const char *path, *tmp;
	char *err;
	size_t errlen;
	uint8_t *stage, *out;
	size_t stlen;
	ZSTD_CCtx *zc;
	lzma_stream xs;
	z_stream gz;
	bool xs_live, gz_live;
};

static int out_write(struct sink *s, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int r = n < 0 ? -errno : -EIO;

			seterr(s->err, s->errlen, "%s: writing %s: %s", s->path, s->tmp,
			       strerror(-r));
			return r;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int comp_fail(struct sink *s, int r, const char *what, const char *why)
{
	seterr(s->err, s->errlen, "%s: %s compression failed: %s", s->path, what, why);
	return r;
}

static int code_zstd(struct sink *s, const uint8_t *p, size_t len, bool end)
{
	ZSTD_EndDirective op = end ? ZSTD_e_end : ZSTD_e_continue;
	ZSTD_inBuffer ib = { p, len, 0 };

	for (;;) {
		ZSTD_outBuffer ob = { s->out, OUT_LEN, 0 };
		size_t z = ZSTD_compressStream2(s->zc, &ob, &ib, op);
		int r;

		if (ZSTD_isError(z)) {
			bool oom = ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation;

			return comp_fail(s, oom ? -ENOMEM : -EIO, "zstd",
					 ZSTD_getErrorName(z));
		}
		r = out_write(s, s->out, ob.pos);
		if (r < 0)
			return r;
		if (end ? z == 0 : ib.pos == ib.size)
			return 0;
	}
}

static int code_xz(struct sink *s, const uint8_t *p, size_t len, bool end)
{
	s->xs.next_in = p;
	s->xs.avail_in = len;
	for (;;) {
		lzma_ret lr;
		int r;

		s->xs.next_out = s->out;
		s->xs.avail_out = OUT_LEN;
		lr = lzma_code(&s->xs, end ? LZMA_FINISH : LZMA_RUN);
		if (lr == LZMA_MEM_ERROR)
			return comp_fail(s, -ENOMEM, "xz", "out of memory");
		if (lr != LZMA_OK && lr != LZMA_STREAM_END)
			return comp_fail(s, -EIO, "xz", "liblzma error");
		r = out_write(s, s->out, OUT_LEN - s->xs.avail_out);
		if (r < 0)
			return r;
		if (lr == LZMA_STREAM_END || (!end && !s->xs.avail_in))
			return 0;
	}
}

static int code_gzip(struct sink *s, const uint8_t *p, size_t len, bool end)
{
	s->gz.next_in = (Bytef *)p;
	s->gz.avail_in = len;
	for (;;) {
		int zr, r;

		s->gz.next_out = s->out;
		s->gz.avail_out = OUT_LEN;
		zr = deflate(&s->gz, end ? Z_FINISH : Z_NO_FLUSH);
		/* Z_BUF_ERROR only says that this call could make no progress */
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return comp_fail(s, -EIO, "gzip",
					 s->gz.msg ? s->gz.msg : "zlib error");
		r = out_write(s, s->out, OUT_LEN - s->gz.avail_out);
		if (r < 0)
			return r;
		if (zr == Z_STREAM_END || (!end && !s->gz.avail_in && s->gz.avail_out))
			return 0;
	}
}

static int code(struct sink *s, const uint8_t *p, size_t len, bool end)
{
	int r;

	/* end comes with the last (staged, short) piece only */
	while (len > CHUNK_MAX) {
		r = code(s, p, CHUNK_MAX, false);
		if (r < 0)
			return r;
		p += CHUNK_MAX;
		len -= CHUNK_MAX;
	}
	switch (s->o->comp) {
	case IMG_ZSTD:
		return code_zstd(s, p, len, end);
	case IMG_XZ:
		return code_xz(s, p, len, end);
	case IMG_GZIP:
		return code_gzip(s, p, len, end);
	default:
		return out_write(s, p, len);
	}
}

static int sink_put(struct sink *s, const void *p, size_t len)
{
	int r;

	if (!len)
		return 0;
	if (len <= STAGE_LEN - s->stlen) {
		memcpy(s->stage + s->stlen, p, len);
		s->stlen += len;
		return 0;
	}
	r = code(s, s->stage, s->stlen, false);
	s->stlen = 0;
	if (r < 0 || len < STAGE_LEN)
		return r < 0 ? r : sink_put(s, p, len);
	return code(s, p, len, false);
}

static int threads(const struct image_opts *o)
{
	long n = o->threads ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int sink_open(struct sink *s, uint64_t total)
{
	const struct image_opts *o = s->o;

	s->stage = xmalloc(STAGE_LEN);
	s->out = xmalloc(OUT_LEN);
	if (o->comp == IMG_ZSTD) {
		ZSTD_CCtx *c = ZSTD_createCCtx();
		size_t z;

		if (!c)
			return comp_fail(s, -ENOMEM, "zstd", "out of memory");
		s->zc = c;
		z = ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, o->level);
		if (!ZSTD_isError(z))
			z = ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
		if (!ZSTD_isError(z))
			z = ZSTD_CCtx_setPledgedSrcSize(c, total);
		if (ZSTD_isError(z))
			return comp_fail(s, -EIO, "zstd", ZSTD_getErrorName(z));
		/* fails only in a libzstd built without threads: see the file's top */
		(void)ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, threads(o));
	} else if (o->comp == IMG_XZ) {
		/* the kernel's xz decoder knows the CRC32 check and none other */
		lzma_mt mt = { .threads = threads(o), .preset = o->level,
			       .check = LZMA_CHECK_CRC32 };
		lzma_ret lr;

		s->xs = (lzma_stream)LZMA_STREAM_INIT;
		lr = lzma_stream_encoder_mt(&s->xs, &mt);
		if (lr != LZMA_OK)
			return comp_fail(s, lr == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL,
					 "xz", "cannot set up the encoder");
		s->xs_live = true;
	} else if (o->comp == IMG_GZIP) {
		/* windowBits 15 + 16: a gzip wrapper, with mtime 0 and no name */
		if (deflateInit2(&s->gz, o->level, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return comp_fail(s, -ENOMEM, "gzip", "cannot set up zlib");
		s->gz_live = true;
	}
	return 0;
}

static void sink_close(struct sink *s)
{
	ZSTD_freeCCtx(s->zc);
	if (s->xs_live)
		lzma_end(&s->xs);
	if (s->gz_live)
		deflateEnd(&s->gz);
	free(s->stage);
	free(s->out);
}

static uint64_t member_size(const struct member *m)
{
	return align4(HDR_LEN + m->namelen + 1) + align4(m->len);
}

static int put_header(struct sink *s, unsigned ino, unsigned mode, unsigned nlink,
		      unsigned mtime, size_t filesize, unsigned rmaj, unsigned rmin,
		      const char *name, size_t namelen)
{
	static const uint8_t zero[4];
	char hdr[HDR_LEN + 1];
	int r;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino,
		 mode, 0, 0, nlink, mtime, (unsigned)filesize, 0, 0, rmaj, rmin,
		 (unsigned)namelen + 1, 0);
	r = sink_put(s, hdr, HDR_LEN);
	if (r >= 0)
		r = sink_put(s, name, namelen);
	if (r >= 0)
		r = sink_put(s, zero, align4(HDR_LEN + namelen + 1) - HDR_LEN - namelen);
	return r;
}

static int emit(struct sink *s, struct member **v, size_t n)
{
	static const uint8_t zero[512];
	uint64_t total = 0;
	int r;

	for (size_t i = 0; i < n; i++)
		total += member_size(v[i]);
	total += align4(HDR_LEN + sizeof("TRAILER!!!"));
	r = sink_open(s, (total + 511) & ~(uint64_t)511);
	for (size_t i = 0; i < n && r >= 0; i++) {
		const struct member *m = v[i];

		r = put_header(s, i + 1, m->mode, S_ISDIR(m->mode) ? 2 : 1, s->o->mtime,
			       m->len, m->rmaj, m->rmin, m->name, m->namelen);
		if (r >= 0)
			r = sink_put(s, m->data, m->len);
		if (r >= 0)
			r = sink_put(s, zero, align4(m->len) - m->len);
	}
	if (r >= 0)
		r = put_header(s, 0, 0, 1, 0, 0, 0, 0, "TRAILER!!!", 10);
	/* like GNU cpio and gen_init_cpio: whole 512-byte blocks */
	if (r >= 0)
		r = sink_put(s, zero, (512 - total % 512) % 512);
	if (r >= 0)
		r = code(s, s->stage, s->stlen, true);
	sink_close(s);
	return r;
}

static int by_name(const void *a, const void *b)
{
	const struct member *x = *(struct member *const *)a;
	const struct member *y = *(struct member *const *)b;

	return strcmp(x->name, y->name);
}

/* The file is 0644 less the umask, like the files of other initramfs generators: a
 * umask of 077 makes it 0600. */
int image_write(struct image *img, const char *path, char *err, size_t errlen)
{
	struct member **v = xmalloc((img->n + 1) * sizeof(*v));
	struct sink s = { .o = &img->o, .fd = -1, .path = path, .err = err,
			  .errlen = errlen };
	char *tmp = xmalloc(strlen(path) + sizeof(".tmpXXXXXX")), *dir = xstrdup(path);
	mode_t mask;
	bool made = false;
	int r, dfd;

	for (size_t i = 0; i < img->n; i++)
		v[i] = &img->m[i];
	/* bytewise order puts every directory before anything inside it */
	qsort(v, img->n, sizeof(*v), by_name);
	sprintf(tmp, "%s.tmpXXXXXX", path);
	s.tmp = tmp;
	s.fd = mkostemp(tmp, O_CLOEXEC);
	if (s.fd < 0) {
		r = -errno;
		seterr(err, errlen, "%s: cannot create a temporary file in %s: %s", path,
		       dirname(dir), strerror(-r));
		goto out;
	}
	made = true;
	r = emit(&s, v, img->n);
	if (r < 0)
		goto out;
	/* umask() is the only way to read it; nothing else runs while we write */
	mask = umask(0);
	umask(mask);
	if (fchmod(s.fd, 0644 & ~mask) < 0 || fsync(s.fd) < 0) {
		r = -errno;
		seterr(err, errlen, "%s: writing %s: %s", path, tmp, strerror(-r));
		goto out;
	}
	r = close(s.fd);
	s.fd = -1;
	if (r < 0) {
		/* the fd is gone either way */
		r = -errno;
		seterr(err, errlen, "%s: writing %s: %s", path, tmp, strerror(-r));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		seterr(err, errlen, "%s: renaming %s into place: %s", path, tmp,
		       strerror(-r));
		goto out;
	}
	/* the new name made durable; past the rename there is nothing to undo, and some
	 * filesystems refuse fsync on directories, so a failure here is not one */
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	r = 0;
out:
	if (r < 0 && s.fd >= 0)
		close(s.fd);
	if (r < 0 && made)
		(void)unlink(tmp);
	free(dir);
	free(tmp);
	free(v);
	return r;
}

/* ---- reading ---- */

struct reader {
	const char *file;
	char *err;
	size_t errlen;
	const char *want;
	uint8_t *data;
	size_t len;
	bool found;
};

static int bad(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct reader *rd, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	seterr(rd->err, rd->errlen, "%s: %s", rd->file, why);
	return -EBADMSG;
}

/* a message about the archive in where (a buffer's description) at offset off */
static int bad_at(struct reader *rd, const char *where, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad_at(struct reader *rd, const char *where, size_t off, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return bad(rd, "%soffset %zu: %s", where, off, why);
}

static const char *strip(const char *s)
{
	for (;;) {
		if (*s == '/')
			s++;
		else if (s[0] == '.' && s[1] == '/')
			s += 2;
		else
			return s;
	}
}

static int hex8(const uint8_t *p, uint32_t *ret)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int c = p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*ret = v;
	return 0;
}

/* One archive at b (where names the buffer, base is b's offset in it), up to and
 * including its trailer; *used is how far that went. */
static int scan_cpio(struct reader *rd, const uint8_t *b, size_t n, const char *where,
		     size_t base, size_t *used)
{
	static const char *const field[13] = {
		"ino",	     "mode",	  "uid",	"gid",	    "nlink",
		"mtime",     "filesize",  "devmajor",	"devminor", "rdevmajor",
		"rdevminor", "namesize",  "check",
	};
	size_t off = 0;

	for (;;) {
		size_t data, next, at = base + off;
		uint32_t f[13];
		const char *name;

		if (n - off < HDR_LEN)
			return bad_at(rd, where, at,
				      "truncated cpio header (%zu of %d bytes)", n - off,
				      HDR_LEN);
		/* 070702 differs only in a check field nobody computes, as the kernel */
		if (memcmp(b + off, "07070", 5) ||
		    (b[off + 5] != '1' && b[off + 5] != '2'))
			return bad_at(rd, where, at, "bad cpio magic (not newc)");
		for (int i = 0; i < 13; i++) {
			if (hex8(b + off + 6 + 8 * i, &f[i]) < 0)
				return bad_at(rd, where, at, "cpio field %s is not hex",
					      field[i]);
		}
		if (!f[11])
			return bad_at(rd, where, at, "cpio member without a name");
		if (f[11] > n - off - HDR_LEN)
			return bad_at(rd, where, at,
				      "truncated cpio name (%u bytes, %zu left)", f[11],
				      n - off - HDR_LEN);
		name = (const char *)b + off + HDR_LEN;
		if (memchr(name, 0, f[11]) != name + f[11] - 1)
			return bad_at(rd, where, at,
				      "cpio name is not one NUL-terminated string");
		if (!strcmp(name, "TRAILER!!!")) {
			next = align4(off + HDR_LEN + f[11]);
			*used = next < n ? next : n;
			return 0;
		}
		data = align4(off + HDR_LEN + f[11]);
		if (data > n || f[6] > n - data)
			return bad_at(rd, where, at,
				      "member '%s': truncated data (%u bytes, %zu left)",
				      name, f[6], data > n ? 0 : n - data);
		next = align4(data + f[6]);
		if (next > n)
			return bad_at(rd, where, at, "member '%s': no trailer after it",
				      name);
		if (!strcmp(strip(name), rd->want) && *rd->want) {
			free(rd->data);
			rd->data = xmalloc(f[6] ? f[6] : 1);
			memcpy(rd->data, b + data, f[6]);
			rd->len = f[6];
			rd->found = true;
		}
		off = next;
	}
}

/* what one compressed stream holds: archives and the zeros between them */
static int scan_all(struct reader *rd, const uint8_t *b, size_t n, const char *where)
{
	size_t off = 0, used;
	int count = 0, r;

	while (off < n) {
		if (!b[off]) {
			off++;
			continue;
		}
		r = scan_cpio(rd, b + off, n - off, where, off, &used);
		if (r < 0)
			return r;
		off += used;
		count++;
	}
	return count ? 0 : bad(rd, "%sno cpio archive inside", where);
}

struct buf {
	uint8_t *p;
	size_t len, cap;
};

/* room for at least 64 KiB more */
static int room(struct reader *rd, struct buf *b, const char *where)
{
	size_t want = b->len + 65536;

	if (b->cap >= want)
		return 0;
	if (want > READ_MAX)
		return bad(rd, "%smore than %zu MiB decompressed", where, READ_MAX >> 20);
	b->cap = b->cap * 2 > want ? b->cap * 2 : want;
	if (b->cap > READ_MAX)
		b->cap = READ_MAX;
	b->p = xrealloc(b->p, b->cap);
	return 0;
}

static int un_zstd(struct reader *rd, const uint8_t *in, size_t n, struct buf *out,
		   size_t *used, const char *where)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { in, n, 0 };
	int r = -ENOMEM;

	if (!d)
		goto out;
	for (;;) {
		ZSTD_outBuffer ob;
		size_t z;

		r = room(rd, out, where);
		if (r < 0)
			goto out;
		ob = (ZSTD_outBuffer){ out->p, out->cap, out->len };
		z = ZSTD_decompressStream(d, &ob, &ib);
		out->len = ob.pos;
		if (ZSTD_isError(z)) {
			bool oom = ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation;

			r = oom ? -ENOMEM : bad(rd, "%s%s", where, ZSTD_getErrorName(z));
			goto out;
		}
		if (z == 0) {
			/* a frame ends here: the stream goes on if another one follows */
			if (n - ib.pos >= 4 && !memcmp(in + ib.pos, ZSTD_MAGIC, 4))
				continue;
			break;
		}
		if (ib.pos == ib.size && ob.pos < ob.size) {
			r = bad(rd, "%struncated", where);
			goto out;
		}
	}
	*used = ib.pos;
	r = 0;
out:
	ZSTD_freeDCtx(d);
	return r;
}

static int un_xz(struct reader *rd, const uint8_t *in, size_t n, struct buf *out,
		 size_t *used, const char *where)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr;
	int r;

	/* one stream: what follows it (padding, more streams) is the caller's */
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = n;
	for (;;) {
		r = room(rd, out, where);
		if (r < 0)
			goto out;
		s.next_out = out->p + out->len;
		s.avail_out = out->cap - out->len;
		lr = lzma_code(&s, LZMA_FINISH);
		out->len = out->cap - s.avail_out;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr == LZMA_MEM_ERROR) {
			r = -ENOMEM;
			goto out;
		}
		if (lr != LZMA_OK || (!s.avail_in && s.avail_out)) {
			const char *why = "corrupt stream";

			if (lr == LZMA_OK || lr == LZMA_BUF_ERROR)
				why = "truncated";
			else if (lr == LZMA_DATA_ERROR)
				why = "corrupt data (or a bad checksum)";
			else if (lr == LZMA_OPTIONS_ERROR)
				why = "unsupported options";
			r = bad(rd, "%s%s", where, why);
			goto out;
		}
	}
	*used = s.total_in;
	r = 0;
out:
	lzma_end(&s);
	return r;
}

static int un_gzip(struct reader *rd, const uint8_t *in, size_t n, struct buf *out,
		   size_t *used, const char *where)
{
	z_stream z = { 0 };
	size_t given = 0;
	int r, zr;

	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -ENOMEM;
	for (;;) {
		r = room(rd, out, where);
		if (r < 0)
			goto out;
		if (!z.avail_in && given < n) {
			z.next_in = (Bytef *)in + given;
			z.avail_in = n - given < CHUNK_MAX ? n - given : CHUNK_MAX;
			given += z.avail_in;
		}
		z.next_out = out->p + out->len;
		z.avail_out = out->cap - out->len;
		if (out->cap - out->len > CHUNK_MAX)
			z.avail_out = CHUNK_MAX;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len = z.next_out - out->p;
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_MEM_ERROR) {
			r = -ENOMEM;
			goto out;
		}
		if (zr == Z_BUF_ERROR && given == n && !z.avail_in) {
			r = bad(rd, "%struncated", where);
			goto out;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			r = bad(rd, "%s%s", where, z.msg ? z.msg : "corrupt data");
			goto out;
		}
	}
	*used = given - z.avail_in;
	r = 0;
out:
	inflateEnd(&z);
	return r;
}

static int read_file(struct reader *rd, uint8_t **ret, size_t *ret_len)
{
	struct buf b = { 0 };
	int fd = open(rd->file, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		goto fail;
	for (;;) {
		ssize_t n;

		if (b.cap - b.len < 65536) {
			b.cap = b.cap ? 2 * b.cap : 1 << 20;
			b.p = xrealloc(b.p, b.cap);
		}
		n = read(fd, b.p + b.len, b.cap - b.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		b.len += n;
	}
	close(fd);
	/* exactly the file: a read past its end is then one that tools can see */
	*ret = xrealloc(b.p, b.len ? b.len : 1);
	*ret_len = b.len;
	return 0;
fail:
	r = -errno;
	seterr(rd->err, rd->errlen, "%s: %s", rd->file, strerror(-r));
	if (fd >= 0)
		close(fd);
	free(b.p);
	return r;
}

/* The image is what the kernel takes: cpio archives, raw or compressed, with zeros
 * between them; like the kernel, a later member of the same name wins. */
static int scan_image(struct reader *rd, const uint8_t *f, size_t n)
{
	static const struct {
		const char *magic, *name;
		size_t len;
		int (*un)(struct reader *, const uint8_t *, size_t, struct buf *,
			  size_t *, const char *);
	} kind[] = {
		{ ZSTD_MAGIC, "zstd", 4, un_zstd },
		{ "\xfd\x37\x7a\x58\x5a\x00", "xz", 6, un_xz },
		{ "\x1f\x8b", "gzip", 2, un_gzip },
	};
	const size_t nkind = sizeof(kind) / sizeof(kind[0]);
	size_t pos = 0, used;
	int count = 0, r;

	while (pos < n) {
		struct buf out = { 0 };
		char where[96], inner[128];
		size_t k;

		if (!f[pos]) {
			pos++;
			continue;
		}
		if (n - pos >= 4 && !memcmp(f + pos, "0707", 4)) {
			r = scan_cpio(rd, f + pos, n - pos, "", pos, &used);
			if (r < 0)
				return r;
			pos += used;
			count++;
			continue;
		}
		for (k = 0; k < nkind; k++) {
			if (n - pos >= kind[k].len &&
			    !memcmp(f + pos, kind[k].magic, kind[k].len))
				break;
		}
		if (k == nkind)
			return bad_at(rd, "", pos,
				      "neither a cpio archive nor zstd, xz or gzip data");
		snprintf(where, sizeof(where), "%s data at offset %zu: ", kind[k].name,
			 pos);
		r = kind[k].un(rd, f + pos, n - pos, &out, &used, where);
		if (r >= 0) {
			out.p = xrealloc(out.p, out.len ? out.len : 1);
			snprintf(inner, sizeof(inner),
				 "%s data at offset %zu, decompressed ", kind[k].name,
				 pos);
			r = scan_all(rd, out.p, out.len, inner);
		}
		free(out.p);
		if (r < 0)
			return r;
		pos += used;
		count++;
	}
	if (!count)
		return bad(rd, "%s", n ? "only zeros, no cpio archive" : "empty file");
	return 0;
}

int image_read_member(const char *file, const char *member, uint8_t **ret_data,
		      size_t *ret_len, char *err, size_t errlen)
{
	struct reader rd = { file, err, errlen, strip(member), NULL, 0, false };
	uint8_t *f = NULL;
	size_t n = 0;
	int r = read_file(&rd, &f, &n);

	if (r < 0)
		return r;
	r = scan_image(&rd, f, n);
	free(f);
	if (r >= 0 && !rd.found) {
		seterr(err, errlen, "%s: no member %s", file, member);
		r = -ENOENT;
	}
	if (r < 0) {
		free(rd.data);
		return r;
	}
	*ret_data = rd.data;
	*ret_len = rd.len;
	return 0;
}

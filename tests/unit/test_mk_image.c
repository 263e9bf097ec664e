/* SPDX-License-Identifier: MIT */
/* test_mk_image.c: images in every encoding checked with the real zstd, xz, gzip and GNU
 * cpio; reproducibility at any thread count; image_read_member on good and damaged
 * images; image_write's failure modes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "image.h"
#include "tap.h"

#define MTIME 1700000000LL	/* 2023-11-14 22:13:20 UTC */
#define BIG_LEN (3 * 1024 * 1024 + 4321)

static char dir[64];
static uint8_t *big;
static const char *const cname[] = { "zstd", "xz", "gzip", "none" };

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* compressible, but not trivially: random picks from a small alphabet, random bytes */
static uint8_t *payload(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	for (size_t i = 0; i < len; i++) {
		uint64_t x = rnd();

		p[i] = x & 0x300 ? "etaoinshrdlu \n._"[x & 15] : (uint8_t)(x >> 24);
	}
	return p;
}

static void *dup_mem(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	memcpy(q, p, len);
	return q;
}

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

__attribute__((format(printf, 1, 2)))
static char *sh_out(const char *fmt, ...)
{
	char cmd[2048];
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);
	FILE *f;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f) {
		out[0] = 0;
		return out;
	}
	while ((n = fread(out + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2)
			out = realloc(out, cap *= 2);
	}
	out[len] = 0;
	pclose(f);
	return out;
}

static uint8_t *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 1 << 16, n;
	uint8_t *p;

	if (!f)
		return NULL;
	p = malloc(cap);
	while ((n = fread(p + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			p = realloc(p, cap *= 2);
	}
	fclose(f);
	*ret_len = len;
	return p;
}

static int spit(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	int r;

	if (!f)
		return -1;
	r = fwrite(p, 1, len, f) == len ? 0 : -1;
	return fclose(f) || r ? -1 : 0;
}

static char *at(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* ---- the reference image ---- */

struct want {
	const char *name;
	unsigned mode;
	const void *data;	/* NULL: big */
	size_t len;
	unsigned rmaj, rmin;
};

static const char init_sh[] = "#!/bin/sh\nexec /sbin/modprobe -a ext4\n";
static const char dep[] = "kernel/fs/big.ko:\n";

static const struct want want[] = {
	{ "bin", S_IFLNK | 0777, "usr/bin", 7, 0, 0 },
	{ "dev", S_IFDIR | 0755, "", 0, 0, 0 },
	{ "dev/console", S_IFCHR | 0600, "", 0, 5, 1 },
	{ "dev/sda", S_IFBLK | 0660, "", 0, 8, 0 },
	{ "etc", S_IFDIR | 0700, "", 0, 0, 0 },
	{ "etc/empty", S_IFREG | 0644, "", 0, 0, 0 },
	{ "etc/four", S_IFREG | 0640, "abcd", 4, 0, 0 },
	{ "etc/one", S_IFREG | 0600, "x", 1, 0, 0 },
	{ "etc/three", S_IFREG | 0644, "abc", 3, 0, 0 },
	{ "init", S_IFREG | 0755, init_sh, sizeof(init_sh) - 1, 0, 0 },
	{ "lib", S_IFDIR | 0755, "", 0, 0, 0 },
	{ "lib/modules", S_IFDIR | 0750, "", 0, 0, 0 },
	{ "lib/modules/6.1.0", S_IFDIR | 0755, "", 0, 0, 0 },
	{ "lib/modules/6.1.0/kernel", S_IFDIR | 0755, "", 0, 0, 0 },
	{ "lib/modules/6.1.0/kernel/fs", S_IFDIR | 0755, "", 0, 0, 0 },
	{ "lib/modules/6.1.0/kernel/fs/big.ko", S_IFREG | 0644, NULL, BIG_LEN, 0, 0 },
	{ "lib/modules/6.1.0/modules.dep", S_IFREG | 0644, dep, sizeof(dep) - 1, 0, 0 },
	{ "sbin", S_IFDIR | 0755, "", 0, 0, 0 },
	{ "sbin/modprobe", S_IFLNK | 0777, "/init", 5, 0, 0 },
};
#define NWANT (sizeof(want) / sizeof(want[0]))

static const void *want_data(const struct want *w)
{
	return w->data ? w->data : big;
}

static struct image *build(enum image_comp comp, int level, int threads, long long mtime)
{
	struct image_opts o = { comp, level, threads, mtime };
	struct image *img;
	int bad = 0;

	if (image_new(&img, &o) < 0)
		return NULL;
	/* not in order: the image sorts; parents come by themselves */
	bad |= image_add_file_owned(img, "/lib/modules/6.1.0/kernel/fs/big.ko", 0644,
				    dup_mem(big, BIG_LEN), BIG_LEN);
	bad |= image_add_file_owned(img, "/lib/modules/6.1.0/modules.dep", 0644,
				    dup_mem(dep, sizeof(dep) - 1), sizeof(dep) - 1);
	/* a parent made implicitly, then given its own mode */
	bad |= image_add_dir(img, "/lib/modules", 0750);
	bad |= image_add_symlink(img, "/sbin/modprobe", "/init");
	bad |= image_add_file_owned(img, "/init", S_IFREG | 0755,
				    dup_mem(init_sh, sizeof(init_sh) - 1),
				    sizeof(init_sh) - 1);
	bad |= image_add_dir(img, "/etc", 0700);
	bad |= image_add_file_owned(img, "/etc/three", 0644, dup_mem("abc", 3), 3);
	bad |= image_add_file_owned(img, "/etc/one", 0600, dup_mem("x", 1), 1);
	bad |= image_add_file_owned(img, "/etc/four", 0640, dup_mem("abcd", 4), 4);
	bad |= image_add_file_owned(img, "/etc/empty", 0644, NULL, 0);
	bad |= image_add_dir(img, "/dev", 0755);
	bad |= image_add_nod(img, "/dev/sda", S_IFBLK | 0660, 8, 0);
	bad |= image_add_nod(img, "/dev/console", S_IFCHR | 0600, 5, 1);
	bad |= image_add_symlink(img, "/bin", "usr/bin");
	if (bad) {
		image_free(img);
		return NULL;
	}
	return img;
}

/* ---- an independent newc reader, to check the headers field by field ---- */

struct ent {
	char name[256];
	uint32_t f[13];
	const uint8_t *data;
};

static int hexfield(const uint8_t *p, uint32_t *v)
{
	char s[9];
	char *end;

	memcpy(s, p, 8);
	s[8] = 0;
	*v = strtoul(s, &end, 16);
	return end == s + 8 ? 0 : -1;
}

/* the members before the trailer, or -1; *end is the offset after the trailer */
static int parse_newc(const uint8_t *b, size_t n, struct ent *e, int max, size_t *end)
{
	size_t off = 0;

	for (int i = 0;; i++) {
		struct ent x;
		size_t ns;

		if (n - off < 110 || memcmp(b + off, "070701", 6))
			return -1;
		for (int k = 0; k < 13; k++) {
			if (hexfield(b + off + 6 + 8 * k, &x.f[k]) < 0)
				return -1;
		}
		ns = x.f[11];
		if (!ns || ns > sizeof(x.name) || off + 110 + ns > n ||
		    b[off + 110 + ns - 1])
			return -1;
		memcpy(x.name, b + off + 110, ns);
		off = (off + 110 + ns + 3) & ~(size_t)3;
		if (!strcmp(x.name, "TRAILER!!!")) {
			*end = off;
			return i;
		}
		if (off + x.f[6] > n || i >= max)
			return -1;
		x.data = b + off;
		off = (off + x.f[6] + 3) & ~(size_t)3;
		e[i] = x;
	}
}

static void check_headers(const char *what, const uint8_t *b, size_t n, long long mtime)
{
	struct ent e[NWANT + 4];
	size_t end = 0;
	int cnt = parse_newc(b, n, e, NWANT + 4, &end);
	int names = 0, ino = 0, owner = 0, nlink = 0, times = 0, modes = 0;
	int data = 0, rdev = 0;
	int zeros = 1;

	if (!is_int(cnt, (long long)NWANT,
		    "%s: newc archive with %zu members and a trailer", what, NWANT))
		return;
	for (size_t i = 0; i < NWANT; i++) {
		const struct want *w = &want[i];
		uint32_t *f = e[i].f;

		names += !strcmp(e[i].name, w->name);
		ino += f[0] == i + 1;
		modes += f[1] == w->mode;
		owner += f[2] == 0 && f[3] == 0 && f[7] == 0 && f[8] == 0 && f[12] == 0;
		nlink += f[4] == (S_ISDIR(w->mode) ? 2u : 1u);
		times += f[5] == (uint32_t)mtime;
		data += f[6] == w->len && !memcmp(e[i].data, want_data(w), w->len);
		rdev += f[9] == w->rmaj && f[10] == w->rmin;
		if (strcmp(e[i].name, w->name))
			printf("#   member %zu: got '%s', want '%s'\n", i, e[i].name,
			       w->name);
	}
	is_int(names, (long long)NWANT,
	       "%s: names sorted, parents created, no leading '/'", what);
	is_int(ino, (long long)NWANT, "%s: inode numbers 1, 2, 3... in order", what);
	is_int(modes, (long long)NWANT, "%s: types and permissions", what);
	is_int(owner, (long long)NWANT, "%s: uid, gid, dev and check all 0", what);
	is_int(nlink, (long long)NWANT, "%s: nlink 2 for directories, 1 otherwise", what);
	is_int(times, (long long)NWANT, "%s: every mtime is %lld", what, mtime);
	is_int(data, (long long)NWANT, "%s: sizes and contents", what);
	is_int(rdev, (long long)NWANT, "%s: device numbers", what);
	for (size_t i = end; i < n; i++)
		zeros &= !b[i];
	ok(n % 512 == 0 && zeros, "%s: zero-padded to a 512-byte block (%zu bytes)", what,
	   n);
}

/* ---- the real tools ---- */

static void check_extracted(const char *what, const char *root)
{
	int types = 0, perms = 0, contents = 0, links = 0, devs = 0;
	int times = 0, owners = 0;
	int nfiles = 0, nlinks = 0, ndevs = 0;
	int root_user = geteuid() == 0;

	for (size_t i = 0; i < NWANT; i++) {
		const struct want *w = &want[i];
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", root, w->name);
		if (lstat(path, &st) < 0) {
			printf("#   %s: %s\n", path, strerror(errno));
			continue;
		}
		types += (st.st_mode & S_IFMT) == (w->mode & S_IFMT);
		perms += S_ISLNK(w->mode) || (st.st_mode & 07777) == (w->mode & 07777);
		owners += !root_user || (st.st_uid == 0 && st.st_gid == 0);
		if (S_ISREG(w->mode)) {
			size_t len;
			uint8_t *p = slurp(path, &len);

			nfiles++;
			contents += p && len == w->len && !memcmp(p, want_data(w), len);
			times += st.st_mtime == MTIME;
			free(p);
		} else if (S_ISLNK(w->mode)) {
			char t[256];
			ssize_t n = readlink(path, t, sizeof(t) - 1);

			nlinks++;
			t[n > 0 ? n : 0] = 0;
			links += n == (ssize_t)w->len && !strcmp(t, w->data);
		} else if (S_ISCHR(w->mode) || S_ISBLK(w->mode)) {
			ndevs++;
			devs += major(st.st_rdev) == w->rmaj &&
				minor(st.st_rdev) == w->rmin;
		}
	}
	is_int(types, (long long)NWANT, "%s: cpio -idm made every member with its type",
	       what);
	is_int(perms, (long long)NWANT, "%s: extracted permissions", what);
	is_int(owners, (long long)NWANT, "%s: extracted owners 0:0", what);
	is_int(contents, nfiles, "%s: extracted file contents (%d files)", what, nfiles);
	is_int(times, nfiles, "%s: extracted mtimes are the image's", what);
	is_int(links, nlinks, "%s: extracted symlink targets", what);
	is_int(devs, ndevs, "%s: extracted device numbers", what);
}

/* one line of `cpio -tv`, blanks squeezed, that ends with name */
static int listing_has(const char *listing, const char *prefix, const char *name)
{
	char line[512];
	const char *p = listing;

	while (*p) {
		size_t n = 0;
		int blank = 0;

		for (; *p && *p != '\n'; p++) {
			if (*p == ' ' || *p == '\t') {
				blank = 1;
				continue;
			}
			if (blank && n && n < sizeof(line) - 1)
				line[n++] = ' ';
			blank = 0;
			if (n < sizeof(line) - 1)
				line[n++] = *p;
		}
		line[n] = 0;
		if (*p)
			p++;
		size_t ln = strlen(name), pl = strlen(prefix);

		if (n >= ln + pl && !strncmp(line, prefix, pl) &&
		    !strcmp(line + n - ln, name))
			return 1;
	}
	printf("#   no line '%s ... %s' in:\n%s", prefix, name, listing);
	return 0;
}

static void check_listing(const char *what, const char *cpio)
{
	char expect[4096] = "";
	char *names = sh_out("cpio -t --quiet < '%s' 2>&1", cpio);
	char *lv = sh_out("TZ=UTC LC_ALL=C cpio -tv --quiet < '%s' 2>&1", cpio);

	for (size_t i = 0; i < NWANT; i++) {
		strcat(expect, want[i].name);
		strcat(expect, "\n");
	}
	is_str(names, expect, "%s: cpio -t lists the members in order", what);
	ok(listing_has(lv, "crw------- 1 root root 5, 1 Nov 14 2023", "dev/console"),
	   "%s: cpio -tv: /dev/console is char 5,1, 0:0, dated 2023-11-14", what);
	ok(listing_has(lv, "brw-rw---- 1 root root 8, 0", "dev/sda"),
	   "%s: cpio -tv: /dev/sda is block 8,0", what);
	ok(listing_has(lv, "lrwxrwxrwx 1 root root 5", "sbin/modprobe -> /init"),
	   "%s: cpio -tv: symlink sbin/modprobe -> /init", what);
	ok(listing_has(lv, "drwxr-x--- 2 root root 0", "lib/modules"),
	   "%s: cpio -tv: lib/modules is a directory 0750 with nlink 2", what);
	snprintf(expect, sizeof(expect), "-rw-r--r-- 1 root root %d", BIG_LEN);
	ok(listing_has(lv, expect, "big.ko"), "%s: cpio -tv: big.ko and its size", what);
	free(names);
	free(lv);
}

static const char *decompressor(enum image_comp c)
{
	static const char *const cmd[] = { "zstd -dcq", "xz -dc", "gzip -dc", "cat" };

	return cmd[c];
}

static void test_tools(enum image_comp c, const uint8_t *raw, size_t rawlen)
{
	static const char *const magic[] = { "\x28\xb5\x2f\xfd",
					     "\xfd\x37\x7a\x58\x5a\x00", "\x1f\x8b",
					     "070701" };
	static const size_t mlen[] = { 4, 6, 2, 6 };
	const char *what = cname[c];
	char name[64], cpio[64], xdir[64], err[512] = "";
	struct image *img = build(c, -1, 0, MTIME);
	uint8_t *file, *plain;
	size_t flen = 0, plen = 0;
	int r;

	ok(img != NULL, "%s: image built", what);
	if (!img)
		return;
	snprintf(name, sizeof(name), "img.%s", what);
	snprintf(cpio, sizeof(cpio), "%s.cpio", what);
	snprintf(xdir, sizeof(xdir), "x.%s", what);
	r = image_write(img, at(name), err, sizeof(err));
	image_free(img);
	if (!is_int(r, 0, "%s: image_write", what)) {
		printf("#   %s\n", err);
		return;
	}
	file = slurp(at(name), &flen);
	ok(file && flen >= mlen[c] && !memcmp(file, magic[c], mlen[c]), "%s: magic bytes",
	   what);
	is_int(sh("%s '%s' > '%s'", decompressor(c), at(name), at(cpio)), 0,
	       "%s: %s decompresses it", what, decompressor(c));
	plain = slurp(at(cpio), &plen);
	ok(plain && plen == rawlen && !memcmp(plain, raw, rawlen),
	   "%s: decompressed, the same archive as the uncompressed image", what);
	if (plain)
		check_headers(what, plain, plen, MTIME);
	is_int(sh("mkdir '%s' && cd '%s' && cpio -idm --no-absolute-filenames --quiet "
		  "< '%s' 2>&1", at(xdir), at(xdir), at(cpio)),
	       0, "%s: cpio -idm extracts it", what);
	check_extracted(what, at(xdir));
	check_listing(what, at(cpio));
	if (c == IMG_XZ) {
		char *l = sh_out("xz --robot -lvv '%s' 2>&1", at(name));

		is_int(sh("xz -t '%s'", at(name)), 0, "xz: xz -t accepts it");
		ok(strstr(l, "\tCRC32\t") && !strstr(l, "CRC64") && !strstr(l, "SHA-256"),
		   "xz: the check is CRC32 (the kernel's decoder knows no other)");
		free(l);
	} else if (c == IMG_ZSTD) {
		char *l = sh_out("zstd -lv '%s' 2>&1", at(name));

		is_int(sh("zstd -tq '%s'", at(name)), 0, "zstd: zstd -t accepts it");
		ok(strstr(l, "Check: XXH64") != NULL, "zstd: frames carry a checksum");
		free(l);
	} else if (c == IMG_GZIP) {
		is_int(sh("gzip -t '%s'", at(name)), 0, "gzip: gzip -t accepts it");
	}
	free(file);
	free(plain);
}

/* ---- reproducibility ---- */

static int write_bytes(struct image *img, const char *name, uint8_t **ret, size_t *len)
{
	char err[512];
	int r;

	if (!img)
		return -1;
	r = image_write(img, at(name), err, sizeof(err));
	image_free(img);
	if (r < 0) {
		printf("#   %s\n", err);
		return r;
	}
	*ret = slurp(at(name), len);
	return *ret ? 0 : -1;
}

static int same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return a && b && alen == blen && !memcmp(a, b, alen);
}

static void test_rebuild(enum image_comp c)
{
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	write_bytes(build(c, -1, 0, MTIME), "r1", &a, &alen);
	write_bytes(build(c, -1, 0, MTIME), "r2", &b, &blen);
	ok(same(a, alen, b, blen), "%s: the same members twice, the same bytes (%zu)",
	   cname[c], alen);
	free(b);
	b = NULL;
	write_bytes(build(c, -1, 1, MTIME), "r3", &b, &blen);
	ok(same(a, alen, b, blen), "%s: --threads 1 gives the bytes of all CPUs",
	   cname[c]);
	free(a);
	free(b);
}

/* Many jobs or blocks: an 8 MiB archive at a low level (zstd 1: 2 MiB jobs, xz 0:
 * 768 KiB blocks). The output must not depend on the thread count, while the
 * single-threaded encoders give other bytes: proof the comparison can tell. */
static uint8_t *many_jobs(enum image_comp c, int threads, const char *name, size_t *len)
{
	struct image_opts o = { c, c == IMG_NONE ? -1 : c == IMG_XZ ? 0 : 1, threads, 0 };
	struct image *img;
	uint8_t *p = NULL;
	uint64_t save = rng_state;

	if (image_new(&img, &o) < 0)
		return NULL;
	rng_state = 12345;
	for (int i = 0; i < 8; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/m/part%d", i);
		image_add_file_owned(img, path, 0644, payload(1 << 20), 1 << 20);
	}
	rng_state = save;
	write_bytes(img, name, &p, len);
	return p;
}

static void test_threads(void)
{
	size_t rawlen = 0, l1 = 0, l2 = 0, l3 = 0;
	uint8_t *raw = many_jobs(IMG_NONE, 0, "mt.raw", &rawlen);

	for (enum image_comp c = IMG_ZSTD; c <= IMG_XZ; c++) {
		uint8_t *t1 = many_jobs(c, 1, "mt.1", &l1);
		uint8_t *t2 = many_jobs(c, 2, "mt.2", &l2);
		uint8_t *t3 = many_jobs(c, 3, "mt.3", &l3);
		uint8_t *st = NULL;
		size_t stlen = 0;

		ok(same(t1, l1, t2, l2) && same(t1, l1, t3, l3),
		   "%s: threads 1, 2 and 3 give the same bytes (%zu)", cname[c], l1);
		is_int(sh("%s '%s' | cmp -s - '%s'", decompressor(c), at("mt.2"),
			  at("mt.raw")),
		       0, "%s: ... which decompress to the archive", cname[c]);
		if (raw && c == IMG_ZSTD) {
			st = malloc(ZSTD_compressBound(rawlen));
			stlen = ZSTD_compress(st, ZSTD_compressBound(rawlen), raw, rawlen,
					      1);
		} else if (raw) {
			lzma_stream s = LZMA_STREAM_INIT;

			stlen = rawlen + rawlen / 2 + 65536;
			st = malloc(stlen);
			if (lzma_easy_encoder(&s, 0, LZMA_CHECK_CRC32) == LZMA_OK) {
				s.next_in = raw;
				s.avail_in = rawlen;
				s.next_out = st;
				s.avail_out = stlen;
				while (lzma_code(&s, LZMA_FINISH) == LZMA_OK)
					;
				stlen = s.total_out;
			}
			lzma_end(&s);
		}
		ok(st && !same(t1, l1, st, stlen),
		   "%s: (the single-threaded encoder would give other bytes: %zu vs %zu)",
		   cname[c], stlen, l1);
		free(t1);
		free(t2);
		free(t3);
		free(st);
	}
	free(raw);
}

/* The archive compressed in one call with the parameters image.h promises (default
 * levels, checksums, the MT encoders): the image must be exactly that. Streaming in
 * pieces changes nothing, and the defaults are what they say. */
static void test_reference(const uint8_t *raw, size_t rawlen)
{
	for (enum image_comp c = IMG_ZSTD; c <= IMG_GZIP; c++) {
		char name[64];
		size_t flen = 0, cap = rawlen + rawlen / 2 + 65536, len = 0;
		uint8_t *file, *ref = malloc(cap);

		snprintf(name, sizeof(name), "img.%s", cname[c]);
		file = slurp(at(name), &flen);
		if (c == IMG_ZSTD) {
			ZSTD_CCtx *z = ZSTD_createCCtx();

			ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, 9);
			ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1);
			ZSTD_CCtx_setParameter(z, ZSTD_c_nbWorkers, 1);
			len = ZSTD_compress2(z, ref, cap, raw, rawlen);
			if (ZSTD_isError(len))
				len = 0;
			ZSTD_freeCCtx(z);
		} else if (c == IMG_XZ) {
			lzma_stream s = LZMA_STREAM_INIT;
			lzma_mt mt = { .threads = 1, .preset = 6 };

			mt.check = LZMA_CHECK_CRC32;
			if (lzma_stream_encoder_mt(&s, &mt) == LZMA_OK) {
				s.next_in = raw;
				s.avail_in = rawlen;
				s.next_out = ref;
				s.avail_out = cap;
				while (lzma_code(&s, LZMA_FINISH) == LZMA_OK)
					;
				len = s.total_out;
			}
			lzma_end(&s);
		} else {
			z_stream z = { 0 };

			if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
					 Z_DEFAULT_STRATEGY) == Z_OK) {
				z.next_in = (uint8_t *)raw;
				z.avail_in = rawlen;
				z.next_out = ref;
				z.avail_out = cap;
				if (deflate(&z, Z_FINISH) == Z_STREAM_END)
					len = z.total_out;
			}
			deflateEnd(&z);
		}
		ok(len && same(file, flen, ref, len),
		   "%s: the bytes of one call at the default level (%zu, %zu)",
		   cname[c], flen, len);
		free(file);
		free(ref);
	}
}

static void test_mtime(void)
{
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	write_bytes(build(IMG_NONE, -1, 0, 0), "t0", &a, &alen);
	write_bytes(build(IMG_NONE, -1, 0, 0xfffffffeLL), "t1", &b, &blen);
	if (a)
		check_headers("mtime 0", a, alen, 0);
	if (b)
		check_headers("mtime 0xfffffffe", b, blen, 0xfffffffeLL);
	free(a);
	free(b);
}

/* ---- reading back ---- */

static int read_is(const char *file, const char *member, const void *data, size_t len)
{
	uint8_t *p = (uint8_t *)"untouched";
	size_t n = 12345;
	char err[512] = "";
	int r = image_read_member(file, member, &p, &n, err, sizeof(err));

	if (r < 0) {
		printf("#   %s %s: %d %s\n", file, member, r, err);
		return 0;
	}
	r = n == len && !memcmp(p, data, len);
	free(p);
	return r;
}

static void test_read(void)
{
	for (enum image_comp c = IMG_ZSTD; c <= IMG_NONE; c++) {
		char name[64], err[512] = "";
		uint8_t *p = (uint8_t *)"untouched";
		size_t n = 777;
		int r;

		snprintf(name, sizeof(name), "img.%s", cname[c]);
		ok(read_is(at(name), "/etc/three", "abc", 3) &&
		   read_is(at(name), "etc/four", "abcd", 4) &&
		   read_is(at(name), "/etc/empty", "", 0) &&
		   read_is(at(name), "/sbin/modprobe", "/init", 5),
		   "%s: image_read_member reads small members, with or without '/'",
		   cname[c]);
		ok(read_is(at(name), "/lib/modules/6.1.0/kernel/fs/big.ko", big,
			   BIG_LEN),
		   "%s: image_read_member reads the 3 MiB member", cname[c]);
		r = image_read_member(at(name), "/etc/nope", &p, &n, err, sizeof(err));
		ok(r == -ENOENT && n == 777 && !strcmp((char *)p, "untouched"),
		   "%s: a missing member is -ENOENT, outputs untouched", cname[c]);
	}
}

/* an early raw cpio, then a compressed one: what the kernel takes */
static void test_concat(void)
{
	struct image_opts o = { IMG_NONE, -1, 0, 0 };
	struct image *img;
	uint8_t *early = NULL, *main_img = NULL, *both, *p = NULL;
	size_t elen = 0, mlen = 0, n = 0;
	char err[512];
	int r;

	for (enum image_comp c = IMG_ZSTD; c <= IMG_GZIP; c++) {
		o.comp = IMG_NONE;
		image_new(&img, &o);
		image_add_file_owned(img, "/kernel/x86/microcode/AMD.bin", 0644,
				     dup_mem("ucode", 5), 5);
		image_add_file_owned(img, "/etc/both", 0644, dup_mem("early", 5), 5);
		write_bytes(img, "early", &early, &elen);
		o.comp = c;
		image_new(&img, &o);
		image_add_file_owned(img, "/etc/three", 0644, dup_mem("abc", 3), 3);
		image_add_file_owned(img, "/etc/both", 0644, dup_mem("late", 4), 4);
		write_bytes(img, "main", &main_img, &mlen);
		both = malloc(elen + 512 + mlen);
		if (early && main_img) {
			memcpy(both, early, elen);
			memset(both + elen, 0, 512);
			memcpy(both + elen + 512, main_img, mlen);
		}
		spit(at("both"), both, elen + 512 + mlen);
		ok(read_is(at("both"), "/kernel/x86/microcode/AMD.bin", "ucode", 5) &&
		   read_is(at("both"), "/etc/three", "abc", 3),
		   "raw cpio + %s cpio: members of both are found", cname[c]);
		ok(read_is(at("both"), "/etc/both", "late", 4),
		   "raw cpio + %s cpio: the later archive wins, as in the kernel",
		   cname[c]);
		/* junk between the archives */
		both[elen + 100] = 'J';
		spit(at("both"), both, elen + 512 + mlen);
		r = image_read_member(at("both"), "/etc/three", &p, &n, err, sizeof(err));
		ok(r == -EBADMSG && strstr(err, "offset"),
		   "raw cpio + junk + %s: -EBADMSG naming the offset: %s", cname[c], err);
		free(early);
		free(main_img);
		free(both);
		early = main_img = NULL;
	}
}

/* a small image at every truncation and with random bit flips */
static void test_damage(enum image_comp c)
{
	struct image_opts o = { c, -1, 0, MTIME };
	struct image *img;
	uint8_t *good = NULL, *bad, *p;
	size_t len = 0, n, complete = 0;
	int r, errors = 0, crashes = 0, oks = 0, msgs = 0, detected = 0, flips = 0;
	char err[512];

	image_new(&img, &o);
	image_add_file_owned(img, "/a/b/hello", 0644, dup_mem("hello, world", 12), 12);
	image_add_symlink(img, "/a/link", "b/hello");
	image_add_nod(img, "/dev/null", S_IFCHR | 0666, 1, 3);
	image_add_file_owned(img, "/z", 0600, dup_mem("zz", 2), 2);
	if (write_bytes(img, "small", &good, &len) < 0)
		return;
	if (c == IMG_NONE) {
		p = memmem(good, len, "TRAILER!!!", 11);
		complete = p ? (size_t)(p - good) + 11 : len;
	} else {
		complete = len;
	}
	bad = malloc(len);
	for (size_t l = 0; l < len; l++) {
		memcpy(bad, good, l);
		spit(at("cut"), bad, l);
		err[0] = 0;
		p = NULL;
		r = image_read_member(at("cut"), "/z", &p, &n, err, sizeof(err));
		if (l < complete) {
			errors += r == -EBADMSG;
			msgs += strstr(err, at("cut")) != NULL;
			if (r != -EBADMSG)
				printf("#   cut at %zu: %d %s\n", l, r, err);
		} else {
			oks += r == 0 && n == 2 && !memcmp(p, "zz", 2);
		}
		if (r == 0)
			free(p);
	}
	is_int(errors, (long long)complete,
	       "%s: every truncation before the trailer's end (%zu of them) is -EBADMSG",
	       cname[c], complete);
	is_int(msgs, (long long)complete, "%s: ... and each message names the file",
	       cname[c]);
	is_int(oks, (long long)(len - complete),
	       "%s: the %zu truncations in the end padding still read", cname[c],
	       len - complete);
	for (int i = 0; i < (c == IMG_NONE ? 3000 : 600); i++) {
		size_t pos = rnd() % len;

		memcpy(bad, good, len);
		bad[pos] ^= 1 << (rnd() % 8);
		if (rnd() % 4 == 0)
			bad[rnd() % len] ^= 1 << (rnd() % 8);
		spit(at("flip"), bad, len);
		p = NULL;
		r = image_read_member(at("flip"), "/z", &p, &n, err, sizeof(err));
		flips++;
		crashes += r != 0 && r != -EBADMSG && r != -ENOENT;
		detected += r == -EBADMSG;
		if (r == 0)
			free(p);
		if (r != 0 && r != -EBADMSG && r != -ENOENT)
			printf("#   flip at %zu: %d %s\n", pos, r, err);
	}
	is_int(crashes, 0,
	       "%s: %d random bit flips: 0, -EBADMSG or -ENOENT (%d -EBADMSG)", cname[c],
	       flips, detected);
	free(good);
	free(bad);
}

static void test_messages(void)
{
	struct image_opts o = { IMG_NONE, -1, 0, 0 };
	struct image *img;
	uint8_t *good = NULL, *bad, *p;
	size_t len = 0, n, second;
	char err[512] = "", where[64], inner[96];
	int r;

	image_new(&img, &o);
	image_add_file_owned(img, "/a", 0644, dup_mem("aaaa", 4), 4);
	image_add_file_owned(img, "/b", 0644, dup_mem("bbbb", 4), 4);
	if (write_bytes(img, "msg", &good, &len) < 0)
		return;
	second = (uint8_t *)memmem(good + 1, len - 1, "070701", 6) - good;
	bad = dup_mem(good, len);
	bad[0] = '1';
	spit(at("msg"), bad, len);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, at("msg")) && strstr(err, "offset 0") &&
	   strstr(err, "neither a cpio"), "junk at the start: %s", err);
	memcpy(bad, good, len);
	bad[5] = '7';
	spit(at("msg"), bad, len);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "offset 0") && strstr(err, "magic"),
	   "an odc archive: %s", err);
	memcpy(bad, good, len);
	bad[second + 3] = '8';
	spit(at("msg"), bad, len);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	snprintf(where, sizeof(where), "offset %zu:", second);
	ok(r == -EBADMSG && strstr(err, where) && strstr(err, "magic"),
	   "bad magic of the second member: %s", err);
	/* the same inside compressed data: both places are named */
	is_int(sh("zstd -qc '%s' > '%s'", at("msg"), at("msg.zst")), 0, "(zstd -c)");
	r = image_read_member(at("msg.zst"), "/b", &p, &n, err, sizeof(err));
	snprintf(inner, sizeof(inner), "zstd data at offset 0, decompressed offset %zu:",
		 second);
	ok(r == -EBADMSG && strstr(err, inner), "inside zstd: %s", err);
	memcpy(bad, good, len);
	bad[second + 6 + 8 * 6 + 3] = 'g';	/* in the filesize of b */
	spit(at("msg"), bad, len);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, where) && strstr(err, "filesize"),
	   "non-hex filesize: %s", err);
	memcpy(bad, good, len);
	memcpy(bad + second + 6 + 8 * 6, "7FFFFFFF", 8);
	spit(at("msg"), bad, len);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "truncated data") && strstr(err, "'b'"),
	   "a filesize past the end: %s", err);
	memcpy(bad, good, len);
	memcpy(bad + second + 6 + 8 * 11, "00000001", 8);
	spit(at("msg"), bad, len);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "NUL"), "a namesize without the NUL: %s", err);
	memset(bad, 0, len);
	spit(at("msg"), bad, len);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "no cpio archive"), "only zeros: %s", err);
	r = image_read_member(at("no-such-file"), "/b", &p, &n, err, sizeof(err));
	ok(r == -ENOENT && strstr(err, "no-such-file"), "a missing file: %s", err);
	spit(at("msg"), "\x28\xb5\x2f\xfd\0\0\0\0", 8);
	r = image_read_member(at("msg"), "/b", &p, &n, err, sizeof(err));
	ok(r == -EBADMSG && strstr(err, "zstd data at offset 0"), "broken zstd: %s", err);
	free(good);
	free(bad);
}

/* ---- adding ---- */

static void test_add(void)
{
	struct image_opts o = { IMG_NONE, -1, 0, 0 };
	struct image *img;

	is_int(image_new(&img, &o), 0, "image_new");
	is_int(image_add_file_owned(img, "/a/b", 0644, dup_mem("x", 1), 1), 0,
	       "add /a/b");
	is_int(image_add_file_owned(img, "/a/b", 0644, dup_mem("y", 1), 1), -EEXIST,
	       "the same file twice: -EEXIST");
	is_int(image_add_symlink(img, "/a/b", "x"), -EEXIST,
	       "a symlink over it: -EEXIST");
	is_int(image_add_dir(img, "/a", 0700), 0,
	       "a directory made as a parent can be added");
	is_int(image_add_dir(img, "/a", 0700), -EEXIST, "... once");
	is_int(image_add_file_owned(img, "/a", 0644, dup_mem("z", 1), 1), -EEXIST,
	       "a file where a directory is: -EEXIST");
	is_int(image_add_file_owned(img, "/a/b/c", 0644, dup_mem("z", 1), 1), -ENOTDIR,
	       "a file under a file: -ENOTDIR");
	is_int(image_add_nod(img, "/dev/x", S_IFREG | 0644, 1, 1), -EINVAL,
	       "a node that is no device: -EINVAL");
	is_int(image_add_nod(img, "/dev/x", S_IFCHR | 0644, 4096, 1), -EINVAL,
	       "a major beyond 12 bits: -EINVAL");
	is_int(image_add_dir(img, "/d", S_IFREG | 0755), -EINVAL,
	       "a directory of type file");
	is_int(image_add_symlink(img, "/l", ""), -EINVAL, "an empty link target");
	{
		static const char *const badp[] = { "rel", "/", "", "/a//b", "/a/./b",
						    "/a/../b", "/x/", "/.." };
		int n = 0;

		for (size_t i = 0; i < sizeof(badp) / sizeof(badp[0]); i++)
			n += image_add_file_owned(img, badp[i], 0644, dup_mem("q", 1),
						  1) == -EINVAL;
		is_int(n, (long long)(sizeof(badp) / sizeof(badp[0])),
		       "relative, empty, '.', '..' and trailing-slash paths: -EINVAL");
	}
	image_free(img);
	o.comp = IMG_ZSTD;
	o.level = 99;
	is_int(image_new(&img, &o), -EINVAL, "zstd level 99: -EINVAL");
	o.comp = IMG_XZ;
	o.level = 10;
	is_int(image_new(&img, &o), -EINVAL, "xz level 10: -EINVAL");
	o.level = -1;
	o.mtime = -1;
	is_int(image_new(&img, &o), -EINVAL, "a negative mtime: -EINVAL");
	o.mtime = 0x100000000LL;
	is_int(image_new(&img, &o), -EINVAL, "an mtime past 32 bits: -EINVAL");
}

/* ---- writing ---- */

static int count_tmp(const char *sub)
{
	DIR *d = opendir(sub);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

static void test_write(void)
{
	struct image_opts o = { IMG_ZSTD, -1, 0, 0 };
	struct image *img;
	char err[512] = "";
	struct stat st;
	struct rlimit rl, small = { 65536, 0 };
	mode_t old = umask(022);
	int r;

	image_new(&img, &o);
	image_add_file_owned(img, "/hello", 0644, dup_mem("new", 3), 3);
	r = image_write(img, at("missing/sub/img"), err, sizeof(err));
	ok(r == -ENOENT && strstr(err, at("missing/sub/img")) &&
	   strstr(err, "No such file"),
	   "into a missing directory: -ENOENT: %s", err);
	is_int(count_tmp(dir), 0, "... and no temporary file anywhere");

	is_int(sh("mkdir -p '%s' && printf old > '%s'", at("w"), at("w/img")), 0,
	       "(an old image)");
	r = image_write(img, at("w/img"), err, sizeof(err));
	is_int(r, 0, "over an existing file");
	ok(read_is(at("w/img"), "/hello", "new", 3), "... which is replaced");
	ok(stat(at("w/img"), &st) == 0 && (st.st_mode & 07777) == 0644,
	   "... mode 0644 under umask 022");
	is_int(count_tmp(at("w")), 0, "... and no temporary file left");
	umask(077);
	r = image_write(img, at("w/img"), err, sizeof(err));
	ok(r == 0 && stat(at("w/img"), &st) == 0 && (st.st_mode & 07777) == 0600,
	   "mode 0600 under umask 077");
	umask(022);

	/* a failure after the temporary file exists: the target is a directory */
	is_int(sh("mkdir -p '%s'", at("w/isdir")), 0, "(a directory in the way)");
	r = image_write(img, at("w/isdir"), err, sizeof(err));
	ok(r == -EISDIR && strstr(err, at("w/isdir")), "over a directory: -EISDIR: %s",
	   err);
	is_int(count_tmp(at("w")), 0, "... and the temporary file is gone");

	/* a failed write: a file size limit, without the signal */
	image_add_file_owned(img, "/big", 0644, payload(1 << 20), 1 << 20);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &rl);
	small.rlim_max = rl.rlim_max;
	setrlimit(RLIMIT_FSIZE, &small);
	r = image_write(img, at("w/img"), err, sizeof(err));
	setrlimit(RLIMIT_FSIZE, &rl);
	signal(SIGXFSZ, SIG_DFL);
	ok(r == -EFBIG && strstr(err, "writing") && strstr(err, at("w/img")),
	   "a failing write: -EFBIG: %s", err);
	is_int(count_tmp(at("w")), 0, "... and the temporary file is gone");
	ok(read_is(at("w/img"), "/hello", "new", 3),
	   "... and the old image is still there");
	image_free(img);
	umask(old);
}

int main(void)
{
	char tmpl[] = "/tmp/test_mk_image.XXXXXX";
	uint8_t *raw = NULL;
	size_t rawlen = 0;

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", tmpl);
	big = payload(BIG_LEN);

	test_add();
	/* the uncompressed image first: the others must decompress to its bytes */
	write_bytes(build(IMG_NONE, -1, 0, MTIME), "raw", &raw, &rawlen);
	ok(raw != NULL, "uncompressed reference image (%zu bytes)", rawlen);
	for (enum image_comp c = IMG_ZSTD; c <= IMG_NONE; c++)
		test_tools(c, raw, rawlen);
	for (enum image_comp c = IMG_ZSTD; c <= IMG_NONE; c++)
		test_rebuild(c);
	if (raw)
		test_reference(raw, rawlen);
	test_threads();
	test_mtime();
	test_read();
	test_concat();
	for (enum image_comp c = IMG_ZSTD; c <= IMG_NONE; c++)
		test_damage(c);
	test_messages();
	test_write();

	free(raw);
	free(big);
	if (!getenv("KEEP"))
		sh("rm -rf '%s'", dir);
	else
		printf("# kept %s\n", dir);
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/* rootdev.c: root= parsed, and looked for among the block devices in sysfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "fsprobe.h"
#include "log.h"
#include "rootdev.h"
#include "sys.h"

#define SYS_BLOCK "/sys/class/block/"
#define REPORT_MAX 64 /* devices listed by root_report, in name order */

/* ---- root= ---- */

static int set_value(struct root_spec *r, enum root_kind kind, const char *v, size_t n)
{
	if (!n || n >= sizeof(r->value))
		return -EINVAL;
	memcpy(r->value, v, n);
	r->value[n] = 0;
	r->kind = kind;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* a /dev/disk/by-* name: udev writes unsafe bytes (a blank, a slash) as \xNN */
static int set_unescaped(struct root_spec *r, enum root_kind kind, const char *s)
{
	size_t o = 0;

	while (*s) {
		if (o + 1 >= sizeof(r->value))
			return -EINVAL;
		if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
		    hexval(s[3]) >= 0) {
			r->value[o++] = hexval(s[2]) << 4 | hexval(s[3]);
			s += 4;
		} else {
			r->value[o++] = *s++;
		}
	}
	if (!o)
		return -EINVAL;
	r->value[o] = 0;
	r->kind = kind;
	return 0;
}

/* digits of base 10 or 16 up to end; -1 for none, a non-digit or overflow */
static int64_t number(const char *s, const char *end, unsigned base)
{
	uint64_t v = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		int d = hexval(*s);

		if (d < 0 || (unsigned)d >= base)
			return -1;
		v = v * base + d;
		if (v > UINT32_MAX)
			return -1;
	}
	return v;
}

static int parse_partuuid(struct root_spec *r, const char *v)
{
	const char *slash = strchr(v, '/');
	int64_t off;
	int neg;

	if (!slash)
		return set_value(r, ROOT_PARTUUID, v, strlen(v));
	if (strncmp(slash, "/PARTNROFF=", 11))
		return -EINVAL;
	neg = slash[11] == '-';
	off = number(slash + 11 + neg, slash + strlen(slash), 10);
	if (off < 0 || off > 0xFFFF)
		return -EINVAL;
	r->partnroff = neg ? -(int)off : (int)off;
	return set_value(r, ROOT_PARTUUID, v, slash - v);
}

int root_spec_parse(struct root_spec *ret, const char *s)
{
	static const struct {
		const char *prefix;
		enum root_kind kind;
	} tags[] = {
		{ "UUID=", ROOT_UUID },
		{ "LABEL=", ROOT_LABEL },
		{ "PARTLABEL=", ROOT_PARTLABEL },
	}, links[] = {
		{ "/dev/disk/by-uuid/", ROOT_UUID },
		{ "/dev/disk/by-label/", ROOT_LABEL },
		{ "/dev/disk/by-partuuid/", ROOT_PARTUUID },
		{ "/dev/disk/by-partlabel/", ROOT_PARTLABEL },
	};
	struct root_spec r;
	const char *colon;
	int64_t maj, min;
	int err = -EINVAL;

	memset(&r, 0, sizeof(r));
	if (!s || !*s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (!strncmp(s, links[i].prefix, strlen(links[i].prefix))) {
			err = set_unescaped(&r, links[i].kind,
					    s + strlen(links[i].prefix));
			goto out;
		}
	/* by-id, by-path: nothing to read them from without udev */
	if (!strncmp(s, "/dev/disk/", 10))
		return -EINVAL;
	if (!strncmp(s, "/dev/", 5)) {
		err = set_value(&r, ROOT_DEVNAME, s + 5, strlen(s + 5));
		goto out;
	}
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (!strncmp(s, tags[i].prefix, strlen(tags[i].prefix))) {
			err = set_value(&r, tags[i].kind, s + strlen(tags[i].prefix),
					strlen(s + strlen(tags[i].prefix)));
			goto out;
		}
	if (!strncmp(s, "PARTUUID=", 9)) {
		err = parse_partuuid(&r, s + 9);
		goto out;
	}
	colon = strchr(s, ':');
	if (colon) {
		maj = number(s, colon, 10);
		min = number(colon + 1, colon + 1 + strlen(colon + 1), 10);
		if (maj < 0 || min < 0)
			return -EINVAL;
	} else {
		/* the kernel's old hexadecimal dev_t: major in bits 8-19, minor in
		 * 0-7 and 20-31 ("801" is 8:1) */
		int64_t v = number(s, s + strlen(s), 16);

		if (v < 0)
			return -EINVAL;
		maj = (v & 0xFFF00) >> 8;
		min = (v & 0xFF) | (v >> 12 & 0xFFF00);
	}
	/* the text stays in value for messages (it is short: the numbers are) */
	err = set_value(&r, ROOT_DEVNUM, s, strlen(s));
	r.maj = maj;
	r.min = min;
out:
	if (err == 0)
		*ret = r;
	return err;
}

/* ---- block devices in sysfs ---- */

struct blockdev {
	char name[32];   /* sysfs name: '!' stands for '/' in "cciss!c0d0p1" */
	char devnum[24]; /* "254:1" */
	unsigned maj, min;
	unsigned partno; /* 0 for a whole disk */
	char disk[32];   /* the disk of a partition */
	int empty;       /* size 0: no medium, an unused loop device */
};

/* a short sysfs attribute without its newline: its length, or -errno */
static int read_attr(const char *name, const char *attr, char *buf, size_t len)
{
	char path[128];
	size_t n;
	ssize_t r;

	if (strlen(SYS_BLOCK) + strlen(name) + 1 + strlen(attr) >= sizeof(path))
		return -ENAMETOOLONG;
	strcpy(path, SYS_BLOCK);
	strcat(path, name);
	strcat(path, "/");
	strcat(path, attr);
	r = read_text(AT_FDCWD, path, buf, len);
	if (r < 0)
		return (int)r;
	n = r;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return (int)n;
}

static int dev_info(const char *name, struct blockdev *d)
{
	char buf[256];
	const char *colon, *end, *last;
	int64_t maj, min;
	ssize_t n;
	int r;

	memset(d, 0, sizeof(*d));
	if (strlen(name) >= sizeof(d->name))
		return -ENAMETOOLONG;
	strcpy(d->name, name);
	r = read_attr(name, "dev", d->devnum, sizeof(d->devnum));
	if (r < 0)
		return r;
	colon = strchr(d->devnum, ':');
	if (!colon)
		return -EINVAL;
	maj = number(d->devnum, colon, 10);
	min = number(colon + 1, d->devnum + r, 10);
	if (maj < 0 || min < 0)
		return -EINVAL;
	d->maj = maj;
	d->min = min;
	d->empty = read_attr(name, "size", buf, sizeof(buf)) == 1 && buf[0] == '0';
	r = read_attr(name, "partition", buf, sizeof(buf));
	if (r <= 0)
		return 0;
	min = number(buf, buf + r, 10);
	if (min <= 0)
		return 0;
	/* ../../devices/.../block/vda/vda1: the disk is the directory above */
	if (strlen(SYS_BLOCK) + strlen(name) >= sizeof(buf))
		return 0;
	strcpy(buf, SYS_BLOCK);
	strcat(buf, name);
	n = sys_readlinkat(AT_FDCWD, buf, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	end = strrchr(buf, '/');
	if (!end || end == buf)
		return 0;
	for (last = end; last > buf && last[-1] != '/'; last--)
		;
	if ((size_t)(end - last) >= sizeof(d->disk) || end == last)
		return 0;
	memcpy(d->disk, last, end - last);
	d->disk[end - last] = 0;
	d->partno = min;
	return 0;
}

/* "/dev/NAME", the sysfs '!' back to '/' */
static int node_path(char *buf, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (5 + n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, "/dev/", 5);
	for (size_t i = 0; i <= n; i++)
		buf[5 + i] = name[i] == '!' ? '/' : name[i];
	return 0;
}

static int open_node(const char *name)
{
	char path[64];
	int r = node_path(path, sizeof(path), name);

	/* O_NONBLOCK: a CD drive without a medium must not block or close its tray */
	return r < 0 ? r : sys_open(path, O_RDONLY | O_NONBLOCK, 0);
}

static int probe_fs(const char *name, struct fs_id *ret)
{
	int fd = open_node(name), r;

	if (fd < 0)
		return fd;
	r = fs_probe(fd, ret);
	sys_close(fd);
	return r;
}

static int probe_part(const struct blockdev *d, struct part_id *ret)
{
	int fd, r;

	if (!d->partno || !d->disk[0])
		return -ENOENT;
	fd = open_node(d->disk);
	if (fd < 0)
		return fd;
	r = part_probe(fd, d->partno, ret);
	sys_close(fd);
	return r;
}

/* fn for each block device, until it returns non-zero: that value, 0 at the end,
 * or -errno when the directory cannot be read */
struct each_dev {
	int (*fn)(const struct blockdev *d, void *ctx);
	void *ctx;
	struct blockdev d;
};

static int each_dev_entry(int dirfd, const char *name, unsigned char type, void *ctx)
{
	struct each_dev *e = ctx;

	if (name[0] == '.' || dev_info(name, &e->d) < 0)
		return 0;
	return e->fn(&e->d, e->ctx);
}

static int for_each_dev(int (*fn)(const struct blockdev *d, void *ctx), void *ctx)
{
	struct each_dev e = { .fn = fn, .ctx = ctx };
	int fd, r;

	fd = sys_open(SYS_BLOCK, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	r = dir_each(fd, each_dev_entry, &e);
	sys_close(fd);
	return r;
}

/* ---- root_find ---- */

struct find {
	const struct root_spec *spec;
	struct blockdev match;
	unsigned want_partno; /* the PARTNROFF pass */
	char want_disk[32];
};

static int name_is(const char *sysname, const char *devname)
{
	for (; *sysname && *devname; sysname++, devname++)
		if (*sysname != *devname && !(*sysname == '!' && *devname == '/'))
			return 0;
	return !*sysname && !*devname;
}

static int match(const struct blockdev *d, void *ctx)
{
	struct find *f = ctx;
	const struct root_spec *r = f->spec;
	struct fs_id fs;
	struct part_id part;
	int hit = 0;

	switch (r->kind) {
	case ROOT_DEVNAME:
		hit = name_is(d->name, r->value);
		break;
	case ROOT_DEVNUM:
		hit = d->maj == r->maj && d->min == r->min;
		break;
	case ROOT_UUID:
	case ROOT_LABEL:
		if (d->empty || probe_fs(d->name, &fs) < 0)
			break;
		hit = r->kind == ROOT_UUID ? !strcasecmp(fs.uuid, r->value)
					   : !strcmp(fs.label, r->value);
		break;
	case ROOT_PARTUUID:
	case ROOT_PARTLABEL:
		if (probe_part(d, &part) < 0)
			break;
		hit = r->kind == ROOT_PARTUUID ? !strcasecmp(part.partuuid, r->value)
					       : !strcmp(part.partlabel, r->value);
		break;
	case ROOT_NONE:
		break;
	}
	if (hit)
		f->match = *d;
	return hit;
}

static int match_sibling(const struct blockdev *d, void *ctx)
{
	struct find *f = ctx;

	if (d->partno != f->want_partno || strcmp(d->disk, f->want_disk))
		return 0;
	f->match = *d;
	return 1;
}

int root_find(const struct root_spec *r, struct root_found *ret)
{
	struct find f;
	struct root_found found;
	int rc;

	memset(&f, 0, sizeof(f));
	f.spec = r;
	if (r->kind == ROOT_NONE)
		return -EINVAL;
	rc = for_each_dev(match, &f);
	if (rc <= 0)
		return rc;
	if (r->kind == ROOT_PARTUUID && r->partnroff) {
		/* the kernel's PARTNROFF: another partition of the same disk */
		long want = (long)f.match.partno + r->partnroff;

		if (want <= 0)
			return 0;
		f.want_partno = want;
		strcpy(f.want_disk, f.match.disk);
		rc = for_each_dev(match_sibling, &f);
		if (rc <= 0)
			return rc;
	}
	memset(&found, 0, sizeof(found));
	strcpy(found.name, f.match.name);
	if (node_path(found.dev, sizeof(found.dev), f.match.name) < 0)
		return -ENAMETOOLONG;
	if (probe_fs(f.match.name, &found.fs) < 0)
		memset(&found.fs, 0, sizeof(found.fs));
	*ret = found;
	return 1;
}

/* ---- root_report ---- */

struct names {
	char name[REPORT_MAX][32];
	unsigned n, more;
};

static int collect(const struct blockdev *d, void *ctx)
{
	struct names *l = ctx;

	/* the kernel's idle ram and loop devices would bury the real disks */
	if (d->empty && (!strncmp(d->name, "ram", 3) || !strncmp(d->name, "loop", 4)))
		return 0;
	if (l->n < REPORT_MAX)
		strcpy(l->name[l->n++], d->name);
	else
		l->more++;
	return 0;
}

/* name order with numbers compared as numbers: vda, vda1, vda2, vda10, vdb */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *ea = a, *eb = b;

			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (ea = a; *ea >= '0' && *ea <= '9'; ea++)
				;
			for (eb = b; *eb >= '0' && *eb <= '9'; eb++)
				;
			if (ea - a != eb - b)
				return (ea - a) < (eb - b) ? -1 : 1;
			for (; a < ea; a++, b++)
				if (*a != *b)
					return *a < *b ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static void report_one(const char *name)
{
	struct blockdev d;
	struct fs_id fs;
	struct part_id part;

	if (dev_info(name, &d) < 0)
		return;
	if (d.empty || probe_fs(name, &fs) < 0)
		memset(&fs, 0, sizeof(fs));
	if (probe_part(&d, &part) < 0)
		memset(&part, 0, sizeof(part));
	log_info("  ", name, " ", d.devnum, fs.type[0] ? " " : "", fs.type,
		 fs.uuid[0] ? " UUID=\"" : "", fs.uuid, fs.uuid[0] ? "\"" : "",
		 fs.label[0] ? " LABEL=\"" : "", fs.label, fs.label[0] ? "\"" : "",
		 part.partuuid[0] ? " PARTUUID=\"" : "", part.partuuid,
		 part.partuuid[0] ? "\"" : "", part.partlabel[0] ? " PARTLABEL=\"" : "",
		 part.partlabel, part.partlabel[0] ? "\"" : "",
		 d.empty ? " (empty)" : "");
}

void root_report(void)
{
	static struct names l; /* 2 KiB: PID 1's stack is better kept small */
	char num[24], ebuf[32];
	int r;

	memset(&l, 0, sizeof(l));
	r = for_each_dev(collect, &l);
	if (r < 0) {
		log_err("cannot read ", SYS_BLOCK, ": ", errno_str(ebuf, r));
		return;
	}
	if (!l.n) {
		log_err("no block devices at all: the storage driver is missing");
		return;
	}
	/* insertion sort: a few dozen names */
	for (unsigned i = 1; i < l.n; i++)
		for (unsigned j = i; j && natural_cmp(l.name[j - 1], l.name[j]) > 0; j--) {
			char t[32];

			memcpy(t, l.name[j], sizeof(t));
			memcpy(l.name[j], l.name[j - 1], sizeof(t));
			memcpy(l.name[j - 1], t, sizeof(t));
		}
	for (unsigned i = 0; i < l.n; i++)
		report_one(l.name[i]);
	if (l.more)
		log_info("  ... and ", fmt_u64(num, l.more), " more");
}

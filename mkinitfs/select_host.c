/* SPDX-License-Identifier: MIT */
/* select_host.c: --hostonly, the modules one machine needs to reach its root.
 *
 * With a sys tree (--sysfs DIR, default ROOT/sys, the host's own):
 *   - the root device: SYS/dev/block/MAJ:MIN (--root-device, default the st_dev of
 *     ROOT/, or for a filesystem on an anonymous device such as btrfs the device
 *     /proc/self/mounts names), resolved to its directory under SYS/devices; from
 *     there up to SYS/devices, each directory's "modalias" (resolved as udev does,
 *     with the blacklist: modprobe -b) and its bound driver's module (the name of
 *     the "driver/module" link). A device stacked on others (dm, md) lists them in
 *     "slaves/", which are walked the same way (16 levels at most); an NVMe
 *     namespace of a multipath subsystem (nvme-subsysN) is walked from each
 *     controller the subsystem links (nvmeN). dm devices add dm-mod and, by their
 *     dm/uuid, dm-crypt, dm-verity or dm-integrity; md devices md-mod and their
 *     md/level's personality (md-raid1 ...); other virtual block devices the module
 *     of their name less its digits (loop0: loop).
 *   - keyboards: every SYS/class/input/input* whose capabilities/ev has EV_KEY and
 *     whose capabilities/key has all of keys 1 to 31 (Esc, the digits, the top and
 *     home rows: a keyboard, not a power button), walked up from its parent as
 *     above (serio: atkbd on i8042; USB: hid-generic, usbhid, the host controller).
 *   - the root filesystem: --rootfs TYPE (default, on the host only, the type of
 *     the mount holding ROOT in /proc/self/mounts), as "fs-TYPE", else "TYPE".
 * With --modaliases FILE instead (a capture of another machine's modaliases, no
 * topology): every module a listed modalias resolves to (modprobe -b) that is of a
 * storage or keyboard class (select_class.c), plus the companions that only appear
 * once those run: sd_mod behind ata, SCSI and USB storage hosts, hid-generic behind
 * usbhid. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mkinitfs.h"
#include "resolve.h"
#include "xalloc.h"

#define SLAVE_DEPTH 16

struct host {
	struct selection *sel;
	char *sys;      /* realpath of the sys tree */
	char *devices;  /* sys + "/devices" */
	char **seen;    /* device directories done */
	size_t nseen;
};

char **read_modaliases(const char *path, size_t *ret_n)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, **v = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) >= 0) {
		char *p = line + strspn(line, " \t\r\n");
		size_t len = strlen(p);

		while (len && strchr(" \t\r\n", p[len - 1]))
			len--;
		p[len] = 0;
		if (!len || p[0] == '#')
			continue;
		v = xrealloc(v, (n + 1) * sizeof(char *));
		v[n++] = xstrdup(p);
	}
	if (ferror(f))
		die("%s: %s", path, strerror(errno));
	free(line);
	fclose(f);
	*ret_n = n;
	return v;
}

/* the first line of DIR/NAME, trimmed, or NULL */
static char *read_attr(const char *dir, const char *name)
{
	char *path, *line = NULL;
	size_t cap = 0;
	FILE *f;
	ssize_t n;

	xasprintf(&path, "%s/%s", dir, name);
	f = fopen(path, "re");
	free(path);
	if (!f)
		return NULL;
	n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n && strchr(" \t\r\n", line[n - 1]))
		n--;
	line[n] = 0;
	return line;
}

static const char *under_sys(const struct host *h, const char *path)
{
	size_t n = strlen(h->sys);

	return !strncmp(path, h->sys, n) && path[n] == '/' ? path + n : path;
}

static int seen(struct host *h, const char *dir)
{
	for (size_t i = 0; i < h->nseen; i++)
		if (!strcmp(h->seen[i], dir))
			return 1;
	h->seen = xrealloc(h->seen, (h->nseen + 1) * sizeof(char *));
	h->seen[h->nseen++] = xstrdup(dir);
	return 0;
}

static void pick(struct host *h, const char *query, unsigned flags, const char *reason)
{
	int r = sel_pick(h->sel, query, flags, reason, WHY_DIRECT, SIZE_MAX);

	if (r == -ENOENT && h->sel->s->opt->verbose)
		fprintf(stderr, "mkinitfs: %s: no module for it (%s)\n", query, reason);
	else if (r < 0 && r != -ENOENT)
		die("%s: %s", query, strerror(-r));
}

/* dir and its parents up to SYS/devices: their modaliases and drivers' modules */
static void device_chain(struct host *h, const char *dir, const char *under)
{
	size_t stop = strlen(h->devices);
	char *p = xstrdup(dir);

	while (strlen(p) > stop && !strncmp(p, h->devices, stop) && p[stop] == '/') {
		char *alias, *slash, *reason, link[PATH_MAX], *mod;
		ssize_t n;

		if (seen(h, p))
			break;
		alias = read_attr(p, "modalias");
		if (alias && *alias) {
			xasprintf(&reason, "host device %s (%s), %s", under_sys(h, p), alias,
				  under);
			pick(h, alias, RES_BLACKLIST, reason);
			free(reason);
		}
		free(alias);
		xasprintf(&mod, "%s/driver/module", p);
		n = readlink(mod, link, sizeof(link) - 1);
		free(mod);
		if (n > 0) {
			link[n] = 0;
			slash = strrchr(link, '/');
			xasprintf(&reason, "host device %s (driver %s), %s", under_sys(h, p),
				  slash ? slash + 1 : link, under);
			pick(h, slash ? slash + 1 : link, 0, reason);
			free(reason);
		}
		slash = strrchr(p, '/');
		*slash = 0;
	}
	free(p);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* the entries of a directory, sorted (so that the reasons do not depend on readdir) */
static char **list_dir(const char *dir, size_t *ret_n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	*ret_n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			v = xrealloc(v, (n + 1) * sizeof(char *));
			v[n++] = xstrdup(e->d_name);
		}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(char *), by_name);
	*ret_n = n;
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* the modules a virtual block device's kind needs */
static void virtual_block(struct host *h, const char *whole, const char *name,
			  const char *under)
{
	char *reason, *q;

	if (!strncmp(name, "dm-", 3)) {
		char *uuid = read_attr(whole, "dm/uuid");
		const char *target = NULL;

		xasprintf(&reason, "host device %s (device mapper%s%s), %s", under_sys(h, whole),
			  uuid ? " " : "", uuid ? uuid : "", under);
		pick(h, "dm-mod", 0, reason);
		if (uuid && !strncmp(uuid, "CRYPT-VERITY-", 13))
			target = "dm-verity";
		else if (uuid && !strncmp(uuid, "CRYPT-INTEGRITY-", 16))
			target = "dm-integrity";
		else if (uuid && !strncmp(uuid, "CRYPT-", 6))
			target = "dm-crypt";
		else if (uuid && !strncmp(uuid, "mpath-", 6))
			target = "dm-multipath";
		if (target)
			pick(h, target, 0, reason);
		free(reason);
		free(uuid);
		return;
	}
	if (!strncmp(name, "md", 2)) {
		char *level = read_attr(whole, "md/level");

		xasprintf(&reason, "host device %s (md %s), %s", under_sys(h, whole),
			  level ? level : "array", under);
		pick(h, "md-mod", 0, reason);
		if (level && *level) {
			xasprintf(&q, "md-%s", level);
			pick(h, q, 0, reason);
			free(q);
		}
		free(reason);
		free(level);
		return;
	}
	q = xstrdup(name);
	for (size_t n = strlen(q); n && q[n - 1] >= '0' && q[n - 1] <= '9';)
		q[--n] = 0;
	if (*q) {
		xasprintf(&reason, "host device %s (%s device), %s", under_sys(h, whole), q,
			  under);
		pick(h, q, 0, reason);
		free(reason);
	}
	free(q);
}

/* An NVMe namespace under native multipath (Debian's default) hangs off a virtual
 * subsystem device, which links its controllers by name (nvme0 -> .../nvme/nvme0):
 * the paths to walk up are those. */
static void nvme_paths(struct host *h, const char *whole, const char *under)
{
	char *sub = xstrdup(whole), **names, *slash = strrchr(sub, '/');
	size_t n;

	*slash = 0;
	slash = strrchr(sub, '/');
	if (!slash || strncmp(slash + 1, "nvme-subsys", 11)) {
		free(sub);
		return;
	}
	names = list_dir(sub, &n);
	for (size_t i = 0; i < n; i++) {
		const char *d = names[i] + 4;
		char *link, real[PATH_MAX];
		struct stat st;

		if (strncmp(names[i], "nvme", 4) || !*d || d[strspn(d, "0123456789")])
			continue;
		xasprintf(&link, "%s/%s", sub, names[i]);
		if (!lstat(link, &st) && S_ISLNK(st.st_mode) && realpath(link, real))
			device_chain(h, real, under);
		free(link);
	}
	free_list(names, n);
	free(sub);
}

/* a block device (realpath of its directory) and everything it is built on */
static void block_device(struct host *h, const char *dev, const char *under, int depth)
{
	char *whole = xstrdup(dev), *slaves, **names, *virt;
	const char *name;
	size_t n;
	struct stat st;
	char *part;

	if (depth > SLAVE_DEPTH)
		die("%s: block devices stacked more than %d deep", dev, SLAVE_DEPTH);
	xasprintf(&part, "%s/partition", dev);
	if (!stat(part, &st))
		*strrchr(whole, '/') = 0;
	free(part);
	name = strrchr(whole, '/') + 1;
	xasprintf(&virt, "%s/virtual/block/", h->devices);
	if (!strncmp(whole, virt, strlen(virt)))
		virtual_block(h, whole, name, under);
	free(virt);
	nvme_paths(h, whole, under);
	xasprintf(&slaves, "%s/slaves", whole);
	names = list_dir(slaves, &n);
	for (size_t i = 0; i < n; i++) {
		char *link, real[PATH_MAX];

		xasprintf(&link, "%s/%s", slaves, names[i]);
		if (realpath(link, real))
			block_device(h, real, under, depth + 1);
		else
			warn("%s: %s", link, strerror(errno));
		free(link);
	}
	free_list(names, n);
	free(slaves);
	device_chain(h, dev, under);
	free(whole);
}

/* a hex bitmap as sysfs prints it: words, the most significant first */
static unsigned long long low_word(const char *s)
{
	const char *last = strrchr(s, ' ');

	return strtoull(last ? last + 1 : s, NULL, 16);
}

static int is_keyboard(const char *dev)
{
	char *ev = read_attr(dev, "capabilities/ev"), *key = read_attr(dev, "capabilities/key");
	int kbd = ev && key && (low_word(ev) & 2) &&
		  (low_word(key) & 0xfffffffeULL) == 0xfffffffeULL;

	free(ev);
	free(key);
	return kbd;
}

static void keyboards(struct host *h)
{
	char *dir, **names;
	size_t n, found = 0;

	xasprintf(&dir, "%s/class/input", h->sys);
	names = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		char *link, real[PATH_MAX], *name, *under;

		if (strncmp(names[i], "input", 5))
			continue;
		xasprintf(&link, "%s/%s", dir, names[i]);
		if (realpath(link, real) && is_keyboard(real)) {
			name = read_attr(real, "name");
			xasprintf(&under, "under the keyboard %s \"%s\"", names[i],
				  name ? name : "?");
			*strrchr(real, '/') = 0;
			device_chain(h, real, under);
			free(under);
			free(name);
			found++;
		}
		free(link);
	}
	if (!found)
		warn("no keyboard in %s: the image will have none but what the other rules "
		     "bring",
		     dir);
	free_list(names, n);
	free(dir);
}

struct mount {
	char *source, *type;
	int found;
};

/* /proc/self/mounts escapes blanks and backslashes as \ooo */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

/* the mount holding dir: the longest mount point that is dir or a parent of it (of
 * equal ones the last wins: it hides the others) */
static struct mount find_mount(const char *dir)
{
	struct mount m = { NULL, NULL, 0 };
	FILE *f = fopen("/proc/self/mounts", "re");
	char *line = NULL;
	size_t cap = 0, best = 0;

	if (!f)
		return m;
	while (getline(&line, &cap, f) >= 0) {
		char *save, *src = strtok_r(line, " ", &save), *mp = strtok_r(NULL, " ", &save),
			    *type = strtok_r(NULL, " ", &save);
		size_t n;

		if (!src || !mp || !type)
			continue;
		unescape(mp);
		n = strlen(mp);
		if (strcmp(mp, "/") &&
		    (strncmp(dir, mp, n) || (dir[n] != '/' && dir[n] != '\0')))
			continue;
		if (!strcmp(mp, "/"))
			n = 0;
		if (m.found && n < best)
			continue;
		unescape(src);
		free(m.source);
		free(m.type);
		m.source = xstrdup(src);
		m.type = xstrdup(type);
		m.found = 1;
		best = n;
	}
	free(line);
	fclose(f);
	return m;
}

static void root_fs(struct selection *sel, const char *type)
{
	char *reason, *q;
	int r;

	xasprintf(&reason, "root filesystem %s", type);
	xasprintf(&q, "fs-%s", type);
	r = sel_pick(sel, q, 0, reason, WHY_DIRECT, SIZE_MAX);
	if (r == -ENOENT)
		r = sel_pick(sel, type, 0, reason, WHY_DIRECT, SIZE_MAX);
	if (r == -ENOENT)
		warn("root filesystem %s: no module fs-%s or %s in %s, nor built in: the "
		     "kernel must have it some other way",
		     type, type, type, sel->s->tree->moddir);
	else if (r < 0)
		die("root filesystem %s: %s", type, strerror(-r));
	free(q);
	free(reason);
}

static void companion(struct selection *sel, const char *name, const char *why)
{
	(void)sel_pick(sel, name, 0, why, WHY_DIRECT, SIZE_MAX);
}

/* the modules one modalias resolves to, each once */
struct hits {
	uint32_t mod[RES_MAX_HITS];
	size_t n;
};

static int collect(const char *name, uint32_t mod, void *ctx)
{
	struct hits *h = ctx;

	(void)name;
	for (size_t i = 0; i < h->n; i++)
		if (h->mod[i] == mod)
			return 0;
	if (h->n < RES_MAX_HITS)
		h->mod[h->n++] = mod;
	return 0;
}

static void from_modaliases(struct selection *sel, const char *file)
{
	const struct modtree *t = sel->s->tree;
	size_t n;
	char **list = read_modaliases(file, &n);
	int disks = 0, hid = 0;

	for (size_t i = 0; i < n; i++) {
		struct hits hl = { { 0 }, 0 };

		(void)res_resolve(&sel->s->blob, list[i], collect, &hl);
		for (size_t k = 0; k < hl.n; k++) {
			size_t m = hl.mod[k];
			const struct class_rule *c;
			char *reason;

			if (m >= t->nmods) {
				struct blob_module bm;

				if (m == BLOB_NONE || !sel->s->opt->verbose)
					continue;
				blob_module(&sel->s->blob, m, &bm);
				fprintf(stderr, "mkinitfs: %s: built into the kernel (for %s)\n",
					bm.name, list[i]);
				continue;
			}
			if (res_blacklisted(&sel->s->blob, NULL, t->mods[m].name)) {
				sel_skip(sel, m, "modalias %s (%s) resolves to it, but it is "
					 "blacklisted", list[i], file);
				continue;
			}
			c = sel_class(sel, m);
			if (!c || !(c->kinds & (CLS_STORAGE | CLS_KEYBOARD))) {
				sel_skip(sel, m, "modalias %s (%s) resolves to it, but it is no "
					 "storage or keyboard driver", list[i], file);
				continue;
			}
			xasprintf(&reason, "host device %s (from %s)", list[i], file);
			(void)sel_pick(sel, t->mods[m].name, 0, reason, WHY_DIRECT, SIZE_MAX);
			free(reason);
			if (!strcmp(c->name, "ata") || !strcmp(c->name, "scsi-host") ||
			    !strcmp(c->name, "usb-storage"))
				disks = 1;
			if (!strcmp(t->mods[m].name, "usbhid"))
				hid = 1;
		}
	}
	if (disks)
		companion(sel, "sd_mod", "disks behind the storage hosts above (their scsi: "
			  "modaliases appear once those run)");
	if (hid)
		companion(sel, "hid_generic", "keyboards behind usbhid (their hid: modaliases "
			  "appear once it runs)");
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void parse_devnum(const char *s, unsigned *maj, unsigned *min)
{
	char *end;
	unsigned long a, b;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (errno || end == s || *end != ':')
		goto bad;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (errno || end == s || *end || a > 0xfff || b > 0xfffff)
		goto bad;
	*maj = a;
	*min = b;
	return;
bad:
	die("--root-device: expected MAJ:MIN (as in /sys/dev/block), got '%s'", s);
}

void select_host(struct selection *sel)
{
	const struct options *o = sel->s->opt;
	int host = !o->sysfs && !o->modaliases;
	const char *type = o->rootfs;
	struct mount mnt = { NULL, NULL, 0 };
	char real[PATH_MAX];

	if (host) {
		char *rootdir = root_path(o->root, "/");

		if (!realpath(rootdir, real))
			die("%s: %s", rootdir, strerror(errno));
		free(rootdir);
		mnt = find_mount(real);
		if (!type && !mnt.found)
			warn("no mount holds %s in /proc/self/mounts: say the root filesystem "
			     "type with --rootfs", real);
		if (!type)
			type = mnt.type;
	}
	if (o->modaliases) {
		from_modaliases(sel, o->modaliases);
	} else {
		struct host h = { sel, NULL, NULL, NULL, 0 };
		char *sys = o->sysfs ? xstrdup(o->sysfs) : root_path(o->root, "/sys");
		char *link, dev[PATH_MAX], *under;
		unsigned maj, min;

		if (!realpath(sys, real))
			die("%s: %s (a sys tree: --sysfs DIR; or a list: --modaliases FILE)", sys,
			    strerror(errno));
		h.sys = xstrdup(real);
		xasprintf(&h.devices, "%s/devices", h.sys);
		if (o->root_device) {
			parse_devnum(o->root_device, &maj, &min);
		} else {
			struct stat st;
			char *rootdir = root_path(o->root, "/");

			if (stat(rootdir, &st) < 0)
				die("%s: %s", rootdir, strerror(errno));
			free(rootdir);
			/* btrfs and overlay have anonymous devices: their source is the disk */
			if (!major(st.st_dev) && mnt.source && !stat(mnt.source, &st) &&
			    S_ISBLK(st.st_mode))
				st.st_dev = st.st_rdev;
			maj = major(st.st_dev);
			min = minor(st.st_dev);
		}
		xasprintf(&link, "%s/dev/block/%u:%u", h.sys, maj, min);
		if (!realpath(link, dev))
			die("%s: %s: the root device is not in this sys tree (--root-device "
			    "MAJ:MIN names it; --generic makes an image for any machine)",
			    link, strerror(errno));
		free(link);
		xasprintf(&under, "under the root device %u:%u", maj, min);
		block_device(&h, dev, under, 0);
		free(under);
		keyboards(&h);
		for (size_t i = 0; i < h.nseen; i++)
			free(h.seen[i]);
		free(h.seen);
		free(h.devices);
		free(h.sys);
		free(sys);
	}
	if (type)
		root_fs(sel, type);
	else if (!host)
		warn("no root filesystem type (--rootfs TYPE): the image holds no filesystem "
		     "module but what is listed");
	free(mnt.source);
	free(mnt.type);
}

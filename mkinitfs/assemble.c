/* SPDX-License-Identifier: MIT */
/* assemble.c: what goes in the image, and the image itself.
 *
 * The modules are chosen by running the loader's own resolver (lib/resolve.c) over
 * the blob of the whole tree for every name to load, exactly as the loader will at
 * boot, so the image holds everything that boot can ask for: dependencies,
 * softdeps (with their dependencies), softdep targets that are aliases, weakdeps. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkinitfs.h"
#include "resolve.h"
#include "xalloc.h"

/* the applets answer under these names, through links to /init */
static const char *const applets[] = { "modprobe", "insmod", "rmmod", "lsmod", "modinfo" };

struct pick {
	struct session *s;
	uint8_t *include;
	size_t count;
	int shell_needed;
	const char *query;
};

static int is_builtin_install(const char *cmd)
{
	static const char *const simple[] = { "/bin/true", "true", ":", "/bin/false", "false" };

	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (!strcmp(cmd, simple[i]))
			return 1;
	return !strncmp(cmd, "/sbin/modprobe --ignore-install ", 32) ||
	       !strncmp(cmd, "modprobe --ignore-install ", 26);
}

static int pick_entry(const struct res_entry *e, void *ctx)
{
	struct pick *p = ctx;

	if (e->action == RES_INSTALL && !is_builtin_install(e->command)) {
		warn("module %s has the install command '%s', which needs a shell: the image "
		     "has none, so the loader will load the module itself",
		     e->name, e->command);
		p->shell_needed = 1;
	}
	if (e->mod == BLOB_NONE || e->mod >= p->s->tree->nmods)
		return 0;
	if (!p->include[e->mod]) {
		p->include[e->mod] = 1;
		p->count++;
		if (p->s->opt->verbose)
			fprintf(stderr, "mkinitfs: %s (for %s)\n", e->name, p->query);
	}
	return 0;
}

static int pick_query(struct pick *p, const char *query)
{
	static const struct res_opts o = { NULL, NULL, RES_IGNORE_LOADED };
	struct res_ops ops = { pick_entry, NULL, p };

	p->query = query;
	return res_modprobe(&p->s->blob, query, &o, &ops);
}

/* weak dependencies go in the image (never loaded by modprobe, but by the kernel
 * asking or by drivers that use them); repeat until nothing new comes in */
static void pick_weakdeps(struct pick *p)
{
	const struct blob *b = &p->s->blob;
	size_t before;

	do {
		before = p->count;
		for (uint32_t i = 0; i < p->s->tree->nmods; i++) {
			struct blob_module m;
			struct blob_pair w;

			if (!p->include[i])
				continue;
			blob_module(b, i, &m);
			if (m.weakdep == BLOB_NONE)
				continue;
			blob_pair(b, BLOB_S_WEAKDEP, m.weakdep, &w);
			for (uint32_t k = 0; k < blob_weakdep_count(b, m.weakdep); k++)
				(void)pick_query(p, blob_str(b, blob_u32(b, w.n, k)));
		}
	} while (p->count != before);
}

static void *read_all(const char *path, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t off = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		die("%s: %s", path, strerror(errno));
	buf = xmalloc(st.st_size ? st.st_size : 1);
	while (off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, st.st_size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: %s", path, n < 0 ? strerror(errno) : "file shrank while read");
		off += n;
	}
	close(fd);
	*ret_len = off;
	return buf;
}

static void check(int r, const char *what)
{
	if (r < 0)
		die("%s: %s", what, strerror(-r));
}

static void add_skeleton(struct image *img, const char *loader)
{
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/run", "/root", "/sbin",
					    "/lib/modules" };
	size_t len;
	void *init = read_all(loader, &len);
	char path[64];

	if (len < 4 || memcmp(init, "\177ELF", 4))
		die("%s: not an ELF executable (the loader to use as /init)", loader);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		check(image_add_dir(img, dirs[i], 0755), dirs[i]);
	/* the kernel opens /dev/console for init before anyone can mount devtmpfs */
	check(image_add_nod(img, "/dev/console", S_IFCHR | 0600, 5, 1), "/dev/console");
	check(image_add_file_owned(img, "/init", 0755, init, len), "/init");
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
		snprintf(path, sizeof(path), "/sbin/%s", applets[i]);
		check(image_add_symlink(img, path, "/init"), path);
	}
}

static void add_modules(struct session *s, struct image *img, const uint8_t *include)
{
	char where[4096];

	for (size_t i = 0; i < s->tree->nmods; i++) {
		uint8_t *data;
		size_t len;
		char *ipath;
		int r;

		if (!include[i])
			continue;
		r = modtree_read_module(s->tree, i, &data, &len);
		if (r < 0)
			die("%s/%s: %s", s->tree->moddir, s->tree->mods[i].relpath,
			    r == -EBADMSG ? "corrupt or truncated module file" : strerror(-r));
		ipath = image_module_path(s->tree->mods[i].relpath);
		snprintf(where, sizeof(where), "/lib/modules/%s/%s", s->tree->kver, ipath);
		check(image_add_file_owned(img, where, 0644, data, len), where);
		free(ipath);
	}
}

int cmd_image(struct session *s)
{
	struct pick p = { s, xcalloc(s->tree->nmods + 1, 1), 0, 0, NULL };
	struct image *img;
	uint8_t *blob;
	size_t blob_len;
	char err[1024], moddir[512];
	int r;

	for (size_t i = 0; i < s->nload; i++) {
		r = pick_query(&p, s->load[i].query);
		if (r == -ENOENT && s->load[i].flags & BLOB_L_BLACKLIST) {
			/* modules-load.d often names modules of other kernels: systemd only
			 * logs those, so do we */
			warn("%s: module %s not found in %s, skipped", s->load_origin[i],
			     s->load[i].query, s->tree->moddir);
		} else if (r == -ENOENT) {
			die("module %s not found in %s (kernel %s; is that the right kernel "
			    "version?)",
			    s->load[i].query, s->tree->moddir, s->tree->kver);
		} else if (r < 0) {
			die("module %s: %s", s->load[i].query, strerror(-r));
		}
	}
	pick_weakdeps(&p);
	if (!s->nload)
		die("no modules to load: name them with -m, in %s, or in modules-load.d",
		    s->opt->config ? s->opt->config : "the config file");
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s", s->tree->kver);
	struct blob_spec spec = { s->tree, &s->conf, s->load, s->nload, p.include, moddir, 0 };

	check(build_blob(&spec, &blob, &blob_len), "building the image's blob");
	if (s->opt->blob_only) {
		r = write_file_atomic(s->opt->output, blob, blob_len, err, sizeof(err));
		free(blob);
		free(p.include);
		if (r < 0)
			die("%s", err);
		return 0;
	}
	check(image_new(&img, &s->opt->img), "creating the image");
	add_skeleton(img, s->opt->loader);
	add_modules(s, img, p.include);
	check(image_add_file_owned(img, BLOB_IMAGE_PATH, 0644, blob, blob_len), BLOB_IMAGE_PATH);
	r = image_write(img, s->opt->output, err, sizeof(err));
	image_free(img);
	free(p.include);
	if (r < 0)
		die("%s", err);
	if (s->opt->verbose)
		fprintf(stderr, "mkinitfs: wrote %s: %zu modules\n", s->opt->output, p.count);
	return 0;
}

int cmd_dump_blob(const char *file)
{
	uint8_t *data = NULL;
	size_t len = 0;
	char err[1024];
	struct blob b;
	int r;

	data = read_all(file, &len);
	if (len < 8 || memcmp(data, BLOB_MAGIC, 8)) {
		free(data);
		data = NULL;
		r = image_read_member(file, BLOB_IMAGE_PATH, &data, &len, err, sizeof(err));
		if (r == -ENOENT)
			die("%s: neither a blob nor an image with %s", file, BLOB_IMAGE_PATH);
		if (r < 0)
			die("%s", err);
	}
	r = blob_open(&b, data, len);
	if (r < 0)
		die("%s: %s", file,
		    r == -EPROTO ? "blob of an unknown version" : "corrupt blob (bad size, checksum or reference)");
	dump_blob(stdout, &b);
	free(data);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* assemble.c: the image itself: the loader, the modules select_*.c chose (see
 * select.h), their firmware, and the image's blob.
 *
 * Modules are stored decompressed (signatures kept), or with --keep-compressed as
 * they are in the tree, for kernels that decompress modules themselves: the kernel's
 * config (ROOT/boot/config-KVER) must then say CONFIG_MODULE_DECOMPRESS=y, and a
 * CONFIG_MODULE_COMPRESS_{GZIP,XZ,ZSTD}=y there must match the modules' compression
 * (the kernel decompresses that one kind only). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkinitfs.h"
#include "resolve.h"
#include "xalloc.h"

/* the applets answer under these names, through links to /init */
static const char *const applets[] = { "modprobe", "insmod", "rmmod", "lsmod", "modinfo" };

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

/* An ELF executable with no program interpreter: the image has no libraries, so a
 * dynamically linked shell would fail exactly when it is needed. */
static void check_static(const char *path, const uint8_t *p, size_t len)
{
	uint64_t phoff;
	uint16_t phentsize, phnum;

	if (len < 64 || memcmp(p, "\177ELF", 4) || p[4] != 2 || p[5] != 1)
		die("%s: not a 64-bit little-endian ELF executable", path);
	memcpy(&phoff, p + 32, 8);
	memcpy(&phentsize, p + 54, 2);
	memcpy(&phnum, p + 56, 2);
	for (uint16_t i = 0; i < phnum; i++) {
		uint64_t off = phoff + (uint64_t)i * phentsize;
		uint32_t type;

		if (phentsize < 4 || off > len || len - off < 4)
			die("%s: damaged program headers", path);
		memcpy(&type, p + off, 4);
		if (type == 3 /* PT_INTERP */)
			die("%s: dynamically linked, but the image has no libraries: use a "
			    "static shell (busybox-static's /bin/busybox)", path);
	}
}

static void add_shell(struct image *img, const char *shell)
{
	size_t len;
	uint8_t *sh = read_all(shell, &len);

	check_static(shell, sh, len);
	check(image_add_file_owned(img, "/bin/sh", 0755, sh, len), "/bin/sh");
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

static const char *const comp_name[] = { [KO_NONE] = "none", [KO_GZIP] = "gzip",
					  [KO_XZ] = "xz", [KO_ZSTD] = "zstd" };

/* --keep-compressed: can kernel KVER load the modules as they are */
static void check_decompress(struct session *s, const uint8_t *include)
{
	char *path, *line = NULL, cfgname[64];
	size_t cap = 0;
	int decompress = 0;
	enum ko_comp kind = KO_NONE;
	FILE *f;

	snprintf(cfgname, sizeof(cfgname), "/boot/config-%s", s->tree->kver);
	path = root_path(s->opt->root, cfgname);
	f = fopen(path, "re");
	if (!f) {
		warn("%s: %s: cannot tell whether kernel %s decompresses modules itself "
		     "(CONFIG_MODULE_DECOMPRESS); storing them compressed as asked",
		     path, strerror(errno), s->tree->kver);
		free(path);
		return;
	}
	while (getline(&line, &cap, f) >= 0) {
		if (!strcmp(line, "CONFIG_MODULE_DECOMPRESS=y\n"))
			decompress = 1;
		else if (!strcmp(line, "CONFIG_MODULE_COMPRESS_GZIP=y\n"))
			kind = KO_GZIP;
		else if (!strcmp(line, "CONFIG_MODULE_COMPRESS_XZ=y\n"))
			kind = KO_XZ;
		else if (!strcmp(line, "CONFIG_MODULE_COMPRESS_ZSTD=y\n"))
			kind = KO_ZSTD;
	}
	free(line);
	fclose(f);
	if (!decompress)
		die("--keep-compressed: this kernel cannot decompress modules: "
		    "CONFIG_MODULE_DECOMPRESS is not set in %s", path);
	for (size_t i = 0; kind != KO_NONE && i < s->tree->nmods; i++) {
		const struct mt_module *m = &s->tree->mods[i];

		if (include[i] && m->comp != KO_NONE && m->comp != kind)
			die("--keep-compressed: %s/%s is compressed with %s, but kernel %s "
			    "decompresses %s only (%s)",
			    s->tree->moddir, m->relpath, comp_name[m->comp], s->tree->kver,
			    comp_name[kind], path);
	}
	free(path);
}

/* the module file as it is in the tree */
static int read_raw(const struct modtree *t, size_t idx, uint8_t **ret_data, size_t *ret_len)
{
	char *path = modtree_module_path(t, idx);
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return -errno;
	r = ko_slurp_fd(fd, ret_data, ret_len);
	close(fd);
	return r;
}

static size_t add_modules(struct session *s, struct image *img, const uint8_t *include)
{
	int keep = s->opt->keep_compressed;
	char where[4096];
	size_t bytes = 0;

	for (size_t i = 0; i < s->tree->nmods; i++) {
		uint8_t *data;
		size_t len;
		char *ipath;
		int r;

		if (!include[i])
			continue;
		r = keep ? read_raw(s->tree, i, &data, &len)
			 : modtree_read_module(s->tree, i, &data, &len);
		if (r < 0)
			die("%s/%s: %s", s->tree->moddir, s->tree->mods[i].relpath,
			    r == -EBADMSG ? "corrupt or truncated module file" : strerror(-r));
		ipath = image_module_path(s->tree->mods[i].relpath, keep);
		snprintf(where, sizeof(where), "/lib/modules/%s/%s", s->tree->kver, ipath);
		check(image_add_file_owned(img, where, 0644, data, len), where);
		bytes += len;
		free(ipath);
	}
	return bytes;
}

static void summary(struct session *s, const struct selection *sel, size_t mod_bytes,
		    size_t fw_files, size_t fw_bytes)
{
	static const char *const mode[] = { "generic", "hostonly", "listed" };
	struct stat st;

	if (stat(s->opt->output, &st) < 0)
		die("%s: %s", s->opt->output, strerror(errno));
	printf("mkinitfs: %s: %zu modules (%.1f MiB), %zu firmware files (%.1f MiB): "
	       "%.1f MiB written (--%s)\n",
	       s->opt->output, sel->count, mod_bytes / 1048576.0, fw_files,
	       fw_bytes / 1048576.0, st.st_size / 1048576.0, mode[s->opt->mode]);
}

int cmd_image(struct session *s)
{
	struct selection sel;
	struct image *img;
	uint8_t *blob;
	size_t blob_len, mod_bytes, fw_files, fw_bytes;
	char err[1024], moddir[512];
	int r;

	sel_init(&sel, s);
	select_modules(&sel);
	if (s->opt->verbose)
		sel_print_reasons(&sel, stderr);
	if (s->opt->keep_compressed)
		check_decompress(s, sel.include);
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s", s->tree->kver);
	struct blob_spec spec = { s->tree, &s->conf, s->load, s->nload, sel.include, moddir, 0,
				  s->opt->keep_compressed };

	check(build_blob(&spec, &blob, &blob_len), "building the image's blob");
	if (s->opt->blob_only) {
		r = write_file_atomic(s->opt->output, blob, blob_len, err, sizeof(err));
		free(blob);
		sel_free(&sel);
		if (r < 0)
			die("%s", err);
		return 0;
	}
	check(image_new(&img, &s->opt->img), "creating the image");
	add_skeleton(img, s->opt->loader);
	if (s->opt->shell)
		add_shell(img, s->opt->shell);
	mod_bytes = add_modules(s, img, sel.include);
	select_firmware(&sel, img, &fw_files, &fw_bytes);
	check(image_add_file_owned(img, BLOB_IMAGE_PATH, 0644, blob, blob_len), BLOB_IMAGE_PATH);
	r = image_write(img, s->opt->output, err, sizeof(err));
	image_free(img);
	if (r < 0)
		die("%s", err);
	summary(s, &sel, mod_bytes, fw_files, fw_bytes);
	sel_free(&sel);
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

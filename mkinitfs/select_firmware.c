/* SPDX-License-Identifier: MIT */
/* select_firmware.c: the firmware files the image's modules name (modinfo firmware=).
 *
 * Each name is looked up under ROOT/lib/firmware as NAME, NAME.xz and NAME.zst (the
 * kernel's loader tries the compressed forms when built for them); every form found
 * goes in, as it is, at the same path under /lib/firmware. A symbolic link is kept a
 * link when its target stays inside the firmware directory (the target goes in too,
 * 8 links at most); one that leaves it is stored as the file it reaches. Missing
 * firmware is no error (drivers name every version they know): -v says so. Names
 * that are absolute or hold "..", "." or "//" are skipped. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkinitfs.h"
#include "xalloc.h"

#define FW_LINKS 8

struct fw {
	struct selection *sel;
	struct image *img;
	char *dir;   /* ROOT/lib/firmware */
	size_t files, bytes;
};

static int safe_rel(const char *rel)
{
	const char *p = rel;

	if (!*rel || *rel == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !memcmp(p, "..", 2)))
			return 0;
		p += n;
		if (*p)
			p++;
	}
	return 1;
}

/* where a link at rel pointing to target leads, relative to the firmware directory,
 * or NULL when outside it */
static char *link_dest(const char *rel, const char *target)
{
	static const char *const abs[] = { "/lib/firmware/", "/usr/lib/firmware/" };
	char *out, *save, *tok, *copy;
	size_t n = 0;

	if (target[0] == '/') {
		for (size_t i = 0; i < sizeof(abs) / sizeof(abs[0]); i++)
			if (!strncmp(target, abs[i], strlen(abs[i])))
				return safe_rel(target + strlen(abs[i]))
					       ? xstrdup(target + strlen(abs[i]))
					       : NULL;
		return NULL;
	}
	out = xmalloc(strlen(rel) + strlen(target) + 2);
	out[0] = 0;
	copy = xmalloc(strlen(rel) + strlen(target) + 2);
	strcpy(copy, rel);
	*(strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy) = 0;
	strcat(copy, target);
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash;

			if (!n) {
				free(out);
				free(copy);
				return NULL;
			}
			slash = strrchr(out, '/');
			if (slash)
				*slash = 0;
			else
				out[0] = 0;
			n--;
			continue;
		}
		if (n)
			strcat(out, "/");
		strcat(out, tok);
		n++;
	}
	free(copy);
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

static int add_file(struct fw *f, const char *path, const char *rel)
{
	char where[PATH_MAX + 16];
	uint8_t *data;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return 0;
	r = ko_slurp_fd(fd, &data, &len);
	close(fd);
	if (r < 0)
		die("%s: %s", path, strerror(-r));
	snprintf(where, sizeof(where), "/lib/firmware/%s", rel);
	r = image_add_file_owned(f->img, where, 0644, data, len);
	if (r == -EEXIST)
		return 1;
	if (r < 0)
		die("%s: %s", where, strerror(-r));
	f->files++;
	f->bytes += len;
	return 1;
}

/* 1 when rel (or what it links to) went in, 0 when there is no such file */
static int add_one(struct fw *f, const char *rel, int links)
{
	char *path, target[PATH_MAX], where[PATH_MAX + 16], *dest;
	struct stat st;
	ssize_t n;
	int r = 0;

	xasprintf(&path, "%s/%s", f->dir, rel);
	if (lstat(path, &st) < 0)
		goto out;
	if (S_ISREG(st.st_mode)) {
		r = add_file(f, path, rel);
		goto out;
	}
	if (!S_ISLNK(st.st_mode))
		goto out;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		goto out;
	target[n] = 0;
	dest = links < FW_LINKS ? link_dest(rel, target) : NULL;
	if (!dest) {
		/* out of the firmware directory, or too many links: the file it reaches */
		if (!stat(path, &st) && S_ISREG(st.st_mode))
			r = add_file(f, path, rel);
		goto out;
	}
	r = add_one(f, dest, links + 1);
	if (r) {
		int e;

		snprintf(where, sizeof(where), "/lib/firmware/%s", rel);
		e = image_add_symlink(f->img, where, target);
		if (e < 0 && e != -EEXIST)
			die("%s: %s", where, strerror(-e));
		if (!e)
			f->files++;
	}
	free(dest);
out:
	free(path);
	return r;
}

void select_firmware(struct selection *sel, struct image *img, size_t *ret_files,
		     size_t *ret_bytes)
{
	static const char *const ext[] = { "", ".xz", ".zst" };
	const struct modtree *t = sel->s->tree;
	struct fw f = { sel, img, root_path(sel->s->opt->root, "/lib/firmware"), 0, 0 };
	int verbose = sel->s->opt->verbose;

	for (size_t i = 0; i < t->nmods; i++) {
		const struct modinfo *mi = &t->mods[i].mi;

		if (!sel->include[i])
			continue;
		for (size_t k = 0; k < mi->n; k++) {
			const char *name = mi->kv[k].value;
			int found = 0;

			if (strcmp(mi->kv[k].key, "firmware"))
				continue;
			if (!safe_rel(name)) {
				if (verbose)
					fprintf(stderr, "mkinitfs: %s: firmware name '%s' skipped "
						"(not a plain relative path)\n", t->mods[i].name, name);
				continue;
			}
			for (size_t e = 0; e < sizeof(ext) / sizeof(ext[0]); e++) {
				char *rel;

				xasprintf(&rel, "%s%s", name, ext[e]);
				if (add_one(&f, rel, 0)) {
					found = 1;
					if (verbose)
						fprintf(stderr, "mkinitfs: firmware %s (for %s)\n",
							rel, t->mods[i].name);
				}
				free(rel);
			}
			if (!found && verbose)
				fprintf(stderr, "mkinitfs: %s: firmware %s not in %s\n",
					t->mods[i].name, name, f.dir);
		}
	}
	free(f.dir);
	*ret_files = f.files;
	*ret_bytes = f.bytes;
}

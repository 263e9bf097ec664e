/* SPDX-License-Identifier: MIT */
/* select_check.c: mkinitfs --check IMAGE --modaliases FILE, "will this image drive the
 * disks of that machine?"
 *
 * For each modalias of the list, the whole tree (-b, -k; the kernel defaults to the
 * image's) says which modules udev would load for it (modprobe -b: the blacklist
 * applies); those of a storage class (select_class.c) must be reachable from the
 * image: its own blob must resolve the modalias to them, held in the image or built
 * in. Each one that is not is printed "missing: MODULE for MODALIAS"; the exit status
 * is 0 when none is. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkinitfs.h"
#include "resolve.h"
#include "xalloc.h"

static uint8_t *image_blob(const char *file, size_t *ret_len)
{
	uint8_t *data = NULL;
	size_t len = 0;
	char err[1024];
	int r;

	r = image_read_member(file, BLOB_IMAGE_PATH, &data, &len, err, sizeof(err));
	if (r == -ENOENT)
		die("%s: not an earlymod image (no %s in it)", file, BLOB_IMAGE_PATH);
	if (r < 0)
		die("%s", err);
	*ret_len = len;
	return data;
}

static void open_blob(struct blob *b, const char *file, const uint8_t *data, size_t len)
{
	int r = blob_open(b, data, len);

	if (r < 0)
		die("%s: %s", file,
		    r == -EPROTO ? "blob of an unknown version"
				 : "corrupt blob (bad size, checksum or reference)");
}

char *image_kver(const char *file)
{
	size_t len;
	uint8_t *data = image_blob(file, &len);
	struct blob b;
	char *kver;

	open_blob(&b, file, data, len);
	kver = xstrdup(b.kver);
	free(data);
	return kver;
}

struct names {
	const char **v;
	uint32_t *mod;
	size_t n;
};

static int collect(const char *name, uint32_t mod, void *ctx)
{
	struct names *h = ctx;

	h->v = xrealloc(h->v, (h->n + 1) * sizeof(char *));
	h->mod = xrealloc(h->mod, (h->n + 1) * sizeof(uint32_t));
	h->v[h->n] = name;
	h->mod[h->n++] = mod;
	return 0;
}

/* does the image's blob resolve alias to name, a module it holds or a built-in */
static int image_drives(const struct blob *img, const char *alias, const char *name)
{
	struct names h = { NULL, NULL, 0 };
	int ok = 0;

	(void)res_resolve(img, alias, collect, &h);
	for (size_t i = 0; i < h.n && !ok; i++) {
		struct blob_module m;

		if (h.mod[i] == BLOB_NONE || strcmp(h.v[i], name))
			continue;
		blob_module(img, h.mod[i], &m);
		ok = !!(m.flags & (BLOB_M_IN_IMAGE | BLOB_M_BUILTIN));
	}
	free(h.v);
	free(h.mod);
	return ok;
}

int cmd_check(struct session *s, const char *image, const char *modaliases)
{
	const struct modtree *t = s->tree;
	struct selection sel;
	size_t len, n, missing = 0, storage = 0;
	uint8_t *data = image_blob(image, &len);
	char **list = read_modaliases(modaliases, &n);
	struct blob img;

	open_blob(&img, image, data, len);
	if (strcmp(img.kver, t->kver))
		warn("%s is for kernel %s, the tree %s for %s", image, img.kver, t->moddir,
		     t->kver);
	sel_init(&sel, s);
	for (size_t i = 0; i < n; i++) {
		struct names h = { NULL, NULL, 0 };

		(void)res_resolve(&s->blob, list[i], collect, &h);
		for (size_t k = 0; k < h.n; k++) {
			const struct class_rule *c;
			size_t m = h.mod[k];
			int dup = 0;

			if (m >= t->nmods || res_blacklisted(&s->blob, NULL, h.v[k]))
				continue;
			for (size_t j = 0; j < k; j++)
				dup |= h.mod[j] == h.mod[k];
			c = sel_class(&sel, m);
			if (dup || !c || !(c->kinds & CLS_STORAGE))
				continue;
			storage++;
			if (image_drives(&img, list[i], h.v[k])) {
				if (s->opt->verbose)
					printf("ok: %s for %s\n", h.v[k], list[i]);
				continue;
			}
			printf("missing: %s for %s\n", h.v[k], list[i]);
			missing++;
		}
		free(h.v);
		free(h.mod);
	}
	if (!missing)
		printf("%s drives every storage device in %s (%zu driver%s needed)\n", image,
		       modaliases, storage, storage == 1 ? "" : "s");
	else
		printf("%s lacks %zu of the %zu storage drivers %s needs\n", image, missing,
		       storage, modaliases);
	sel_free(&sel);
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(data);
	return missing ? 1 : 0;
}

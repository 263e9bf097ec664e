/* SPDX-License-Identifier: MIT */
/* build_blob.h: turning the module tree and the configuration into a blob. */
#ifndef EARLYMOD_BUILD_BLOB_H
#define EARLYMOD_BUILD_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "modtree.h"

struct load_name {
	char *query;
	unsigned flags; /* BLOB_L_* */
};

struct blob_spec {
	const struct modtree *tree;
	const struct conf *conf;
	const struct load_name *load;
	size_t nload;
	/* per loadable module of the tree: put in the image; NULL = all, not in an image */
	const uint8_t *include;
	const char *moddir; /* as kmod prints it */
	uint32_t flags;     /* BLOB_F_* */
	int keep_compressed; /* image paths keep .gz/.xz/.zst (--keep-compressed) */
};

int build_blob(const struct blob_spec *spec, uint8_t **ret_data, size_t *ret_len);
/* the file name a module has in the image: its tree path without .gz/.xz/.zst, or
 * with keep_compressed as it is */
char *image_module_path(const char *relpath, int keep_compressed);

#endif

/* SPDX-License-Identifier: MIT */
/* mkinitfs.h: what the parts of the mkinitfs command share. */
#ifndef EARLYMOD_MKINITFS_H
#define EARLYMOD_MKINITFS_H

#include <stdint.h>
#include <stdio.h>

#include "blob.h"
#include "build_blob.h"
#include "conf.h"
#include "image.h"
#include "modtree.h"
#include "select.h"

struct options {
	const char *root;     /* -b: prefix of every host path ("" for /) */
	const char *kver;     /* -k */
	const char *config;   /* -c: our own configuration file */
	const char *output;   /* -o */
	const char *loader;   /* --loader: the loader binary to put at /init */
	const char *shell;    /* --shell: a static shell to put at /bin/sh, or NULL */
	const char *cmdline;  /* --cmdline: a kernel command line for --show-depends */
	const char **confdirs; /* -C: modprobe.d replacements, NULL-terminated */
	size_t nconfdirs;
	char **modules;       /* -m and the config's "modules" */
	char **module_origin; /* where each came from: "-m", "config file PATH" */
	size_t nmodules;
	struct image_opts img;
	int use_blacklist, ignore_install, all, blob_only, verbose, no_modules_load;
	enum sel_mode mode;   /* --generic (default), --hostonly, --listed */
	const char *sysfs;    /* --sysfs: another machine's sys tree (NULL: ROOT/sys) */
	const char *rootfs;   /* --rootfs: the root filesystem type */
	const char *root_device; /* --root-device MAJ:MIN */
	const char *modaliases;  /* --modaliases FILE */
	const char *explain;  /* --explain MODULE */
	const char *check;    /* --check IMAGE */
	int keep_compressed;  /* --keep-compressed */
};

struct session {
	struct options *opt;
	struct modtree *tree;
	struct conf conf;
	char *moddir_print;   /* the module directory as kmod prints it */
	struct load_name *load;
	size_t nload;
	char **load_origin;   /* where each load name came from */
	uint8_t *tree_blob;
	size_t tree_blob_len;
	struct blob blob;     /* over tree_blob */
};

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int config_read(struct options *o, const char *path, int must_exist);
void dump_blob(FILE *f, const struct blob *b);
int cmd_dump_blob(const char *file);
int cmd_show_depends(struct session *s, char **queries, size_t n);
int cmd_image(struct session *s);
/* PATH under ROOT, malloc()ed */
char *root_path(const char *root, const char *path);
int write_file_atomic(const char *path, const void *data, size_t len, char *err,
		      size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
/* select.h: which modules go in the image, and why (--generic, --hostonly, --listed).
 *
 * Every mode starts from the listed names (-m, the config's "modules", modules-load.d
 * and /etc/modules), then adds its own:
 *   --generic   every module of the classes in the table of select_class.c (storage
 *               controllers, block drivers, root filesystems, keyboards);
 *   --hostonly  what the machine needs to reach its root: the modaliases and bound
 *               drivers on the sysfs path of the root device (and of the devices under
 *               it: dm, md), its keyboards, the root filesystem type; or, from a list
 *               of modaliases, every module one resolves to that is of a storage or
 *               keyboard class (select_host.c);
 *   --listed    nothing more.
 * Each name goes through the loader's resolver over the tree's blob (res_modprobe), so
 * the image gets what boot can ask for: dependencies, softdeps, then weakdeps.
 *
 * Provenance: each module keeps the first reason it was picked for. A module named
 * directly keeps that reason's text ("listed by -m", "root filesystem ext4", "generic
 * class ata (...)"); one that came with it keeps its parent and how (dependency,
 * softdep, weakdep), so that the reason reads as a chain:
 *   "jbd2: dependency of ext4, which is: root filesystem ext4". */
#ifndef EARLYMOD_SELECT_H
#define EARLYMOD_SELECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "image.h"

struct session;

enum sel_mode { SEL_GENERIC, SEL_HOSTONLY, SEL_LISTED };

enum why_kind { WHY_NONE, WHY_DIRECT, WHY_DEP, WHY_SOFTDEP, WHY_WEAKDEP };

struct why {
	enum why_kind kind;
	char *text;    /* WHY_DIRECT */
	size_t parent; /* the others: the module that asked */
};

struct selection {
	struct session *s;
	uint8_t *include; /* per module of the tree */
	struct why *why;  /* per module of the tree */
	char **skipped;   /* per module: why a candidate stayed out, first reason */
	size_t count;
	int shell_needed;
	int8_t *cls;      /* per module: class index + 1, 0 none, -1 not yet known */
};

/* module kinds of the class table */
enum { CLS_STORAGE = 1, CLS_KEYBOARD = 2, CLS_FS = 4 };

struct class_rule {
	const char *name;  /* "ata" */
	unsigned kinds;    /* CLS_* */
	const char *rule;  /* what the rule takes, as --explain and the README say it */
};

void sel_init(struct selection *sel, struct session *s);
void sel_free(struct selection *sel);

/* Pick what modprobe QUERY would load (res_flags: RES_BLACKLIST for the
 * blacklist, as modprobe -b). The entries QUERY resolves to get reason (a direct
 * reason's text) or, with parent set (not SIZE_MAX), kind of parent. Returns what
 * res_modprobe returns; built-in results are noted with -v. */
int sel_pick(struct selection *sel, const char *query, unsigned res_flags,
	     const char *reason, enum why_kind kind, size_t parent);
/* the weak dependencies of everything picked, until nothing new comes in */
void sel_weakdeps(struct selection *sel);
/* remember why a candidate stayed out (the first reason only) */
void sel_skip(struct selection *sel, size_t mod, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* everything the session's mode asks for; dies on what the user must fix */
void select_modules(struct selection *sel);
/* why module mod is in: a malloc()ed one-line chain */
char *sel_reason(const struct selection *sel, size_t mod);
/* -v: every module and its reason, in tree order */
void sel_print_reasons(const struct selection *sel, FILE *f);

/* the class table (select_class.c): a module's class, or NULL */
const struct class_rule *sel_class(struct selection *sel, size_t mod);
void select_generic(struct selection *sel);
size_t sel_class_count(void);
const struct class_rule *sel_class_at(size_t i);

/* --hostonly (select_host.c) */
void select_host(struct selection *sel);
/* one modalias a line, '#' comments, blanks trimmed; dies naming the file */
char **read_modaliases(const char *path, size_t *ret_n);

/* firmware named by the included modules (select_firmware.c): adds what is found
 * under ROOT/lib/firmware to the image; counts in *ret_files and *ret_bytes */
void select_firmware(struct selection *sel, struct image *img, size_t *ret_files,
		     size_t *ret_bytes);

/* mkinitfs --check IMAGE --modaliases FILE (select_check.c) */
int cmd_check(struct session *s, const char *image, const char *modaliases);
/* the kernel version an image's (or blob file's) blob is for, malloc()ed; dies on error */
char *image_kver(const char *file);
/* mkinitfs --explain MODULE: 0 when in the image (or built in), 1 otherwise */
int cmd_explain(struct session *s, const char *name);

#endif

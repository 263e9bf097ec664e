/* SPDX-License-Identifier: MIT */
/* resolve.h: what modprobe would do, computed from a blob.
 *
 * One implementation of kmod's rules serves three callers: the loader at boot
 * (loading), the loader's modprobe applet (loading, -n -v, --show-depends) and
 * mkinitfs (choosing the image's modules, --show-depends). It follows kmod 30 as
 * described in shared/reference/kmod-semantics.md sections 3 and 4:
 *
 *  - a query is alias-normalized, then looked up in config aliases, module
 *    names, install/remove commands, module aliases, built-in names and
 *    built-in aliases; the first source with results wins;
 *  - each result is a "module object" identified by its name and its lookup
 *    alias (kmod keys objects the same way), and gets its own load list:
 *    dependencies with their softdeps, pre softdeps, the module, post softdeps;
 *  - the list is then walked: install commands, insmod, or builtin.
 *
 * No allocation: all state lives in a struct on the caller's stack, bounded by
 * the RES_MAX_* limits; exceeding one is -E2BIG, never a silent truncation. */
#ifndef EARLYMOD_RESOLVE_H
#define EARLYMOD_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "blob.h"

#define RES_MAX_HITS 512     /* results of the lookups of one probe, nested ones included */
#define RES_MAX_OBJECTS 512  /* distinct module objects in one load list */
#define RES_MAX_LIST 2048    /* entries of one load list (kmod repeats entries) */
#define RES_OPTS_MAX 4096    /* one module's option string */
#define RES_STRPOOL 8192     /* normalized queries kept while a probe runs */

enum {
	RES_BLACKLIST = 1,       /* modprobe -b: the blacklist applies to names too */
	RES_IGNORE_INSTALL = 2,  /* modprobe -i */
	RES_IGNORE_LOADED = 4,   /* --show-depends: do not ask whether modules are live */
};

enum res_action {
	RES_INSMOD,  /* load path with options */
	RES_INSTALL, /* run command (raw text, $CMDLINE_OPTS unexpanded) with options */
	RES_BUILTIN, /* built into the kernel: nothing to do */
	RES_NOTHING, /* neither a file nor built-in (an alias to nowhere) */
};

struct res_entry {
	enum res_action action;
	uint32_t mod;        /* module index, or BLOB_NONE for a name without a module */
	const char *name;
	const char *command; /* RES_INSTALL */
	const char *options; /* never NULL */
	int required;        /* failures of entries reached only by softdeps are ignored */
	int top;             /* the module asked for */
};

struct res_ops {
	/* perform or print one entry: 0, -EEXIST (already there) or -errno */
	int (*entry)(const struct res_entry *e, void *ctx);
	/* whether NAME is built in or live in the kernel; NULL: never */
	int (*is_live)(const char *name, void *ctx);
	/* a result dropped by the blacklist (kmod is silent about it); may be NULL */
	void (*blacklisted)(const char *name, void *ctx);
	void *ctx;
};

struct res_opts {
	const char *cmdline;    /* kernel command line (options, modprobe.blacklist=) or NULL */
	const char *extra_opts; /* options for the top module, or NULL */
	unsigned flags;         /* RES_* */
};

/* modprobe QUERY: 0 (done, or nothing to do: blacklisted, alias to nowhere),
 * -ENOENT (not found), -EINVAL (malformed query), or the error of the failing
 * required entry */
int res_modprobe(const struct blob *b, const char *query, const struct res_opts *o,
		 const struct res_ops *ops);

/* modprobe -R QUERY: fn(name) for every result, duplicates included; the count
 * of results, or -ENOENT */
int res_resolve(const struct blob *b, const char *query,
		int (*fn)(const char *name, uint32_t mod, void *ctx), void *ctx);

/* is NAME blacklisted by the blob or by modprobe.blacklist= on cmdline */
int res_blacklisted(const struct blob *b, const char *cmdline, const char *name);

#endif

/* SPDX-License-Identifier: MIT */
/* modtree.h: a kernel's module directory as depmod sees it: modules, their .modinfo,
 * their dependency closures in load order, and the built-in modules.
 *
 * Files read from ROOT/lib/modules/KVER:
 *   modules.dep      optional. When present it is the truth, as for modprobe: its lines
 *                    are the modules and their order, "REL/PATH.ko[.ext]: DEP DEP..."
 *                    lists each module's closure users-before-providers (we reverse it).
 *                    Paths are relative to the module directory unless absolute.
 *   (the scan)       without modules.dep: every regular file (symlinks followed) ending
 *                    in .ko .ko.gz .ko.xz .ko.zst below the module directory, in any
 *                    directory except ones named "build" or "source" at any depth, as
 *                    depmod 30 scans. One file per module name: under updates/ first,
 *                    then the one modules.order lists first, then the first by path.
 *   modules.order    optional, without modules.dep: one relative ".ko" path a line (a
 *                    compressed file matches its name less the extension); listed
 *                    modules come first in line order (a repeated line counts where it
 *                    last appears, as in depmod 30), the rest follow sorted by path.
 *   (dependencies)   without modules.dep, computed as depmod 30 does, from symbols:
 *                    exports are a module's "__crc_NAME" symbols (else the strings of
 *                    __ksymtab_strings), a later module owning a name exported twice;
 *                    each undefined symbol (then unmatched __versions names) found
 *                    among them makes its owner a direct dependency, in the order of
 *                    the first such symbol. Closures are ordered by depmod's Kahn sort
 *                    (unused modules pushed in array order, LIFO). depends= (modpost's
 *                    comma list) is only checked: every name in it must be a module.
 *   modules.builtin  optional: relative .ko paths of built-in modules, one a line; lines
 *                    not starting with a letter are skipped, as depmod does.
 *   modules.builtin.modinfo  optional: "MODNAME.KEY=VALUE\0" records.
 *
 * Module names come from file names: the basename up to the first '.', '-' -> '_'. */
#ifndef EARLYMOD_MODTREE_H
#define EARLYMOD_MODTREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ko.h"

struct mt_module {
	char *name;         /* normalized name from the file name */
	char *relpath;      /* as on disk or in modules.dep: "kernel/fs/ext4.ko.zst" */
	enum ko_comp comp;  /* by the file's magic bytes */
	struct modinfo mi;  /* empty for an ELF without .modinfo */
	size_t *deps;       /* indices into mods[]: the hard-dependency closure in load */
	size_t ndeps;       /* order (providers first): modules.dep's line reversed */
	unsigned order;     /* == its index in mods[] */
};

/* one modules.builtin line, with its keys from modules.builtin.modinfo in file order */
struct mt_builtin {
	char *name;
	struct modinfo mi;
};

struct mt_hash {
	size_t *slot; /* index + 1, 0 = empty */
	size_t mask;
};

struct modtree {
	char *moddir;        /* ROOT/lib/modules/KVER; ROOT "" or "/" is the host */
	char *kver;
	/* priority order: modules.dep's, else modules.order's, the rest by relpath */
	struct mt_module *mods;
	size_t nmods;
	struct mt_builtin *builtins; /* modules.builtin order */
	size_t nbuiltins;
	/* names that have records in modules.builtin.modinfo but no modules.builtin line
	 * (debugfs, tracefs, printk...), in first-record order. kmod 30 resolves their
	 * aliases ("modprobe fs-tracefs" -> "builtin tracefs", from
	 * modules.builtin.alias.bin) but not their names ("modprobe tracefs" fails). */
	struct mt_builtin *alias_builtins;
	size_t nalias_builtins;
	int had_depmod;      /* modules.dep was present and used */
	/* private */
	struct mt_hash byname, bybuiltin;
};

/* root NULL, "" or "/" is the host; kver NULL is the running kernel. On failure err
 * gets a one-line message naming the file (and line for text files): -ENOENT for a
 * missing directory or file, or a depends= name that is not a module; -ELOOP for a
 * dependency cycle (named "a -> b -> a"); -EBADMSG/-ENOEXEC for a damaged module;
 * -EINVAL for a modules.dep line without ':'. */
int modtree_load(const char *root, const char *kver, struct modtree **ret, char *err,
		 size_t errlen);
/* '-' and '_' are the same; nothing else is normalized ("e1000.ko" is not found) */
ssize_t modtree_find(const struct modtree *t, const char *name);
ssize_t modtree_find_builtin(const struct modtree *t, const char *name);
/* where module idx is on disk (malloc()ed) */
char *modtree_module_path(const struct modtree *t, size_t idx);
/* decompressed bytes, signature kept; *ret_data is malloc()ed */
int modtree_read_module(const struct modtree *t, size_t idx, uint8_t **ret_data,
			size_t *ret_len);
void modtree_free(struct modtree *t);

#endif

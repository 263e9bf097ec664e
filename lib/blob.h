/* SPDX-License-Identifier: MIT */
/* blob.h: the precomputed module database that mkinitfs writes and the loader reads.
 *
 * The blob holds everything kmod would consult, already resolved where that is
 * possible on the host, so that PID 1 only walks arrays: the modules (name, file,
 * hard dependencies in load order, the first matching softdep and install lines),
 * the modules' aliases in kmod's priority order, the configuration (aliases,
 * options, install/remove commands, softdeps, weakdeps, blacklist) in config
 * order, and the names to load at boot.
 *
 * Format, version 1. All integers are little-endian u32; offsets are from the
 * start of the blob. Nothing is ever cast onto the mapping: every read goes
 * through blob_at(), which refuses any range outside the blob.
 *
 *   header, 64 bytes
 *     0  magic      "EARLYMOD"
 *     8  version    1
 *    12  hdr_size   64
 *    16  size       total bytes of the blob
 *    20  crc32      IEEE CRC-32 of the whole blob, computed with this field zero
 *    24  flags      BLOB_F_*
 *    28  kver       string: the kernel version the modules belong to
 *    32  moddir     string: the module directory as kmod would print it
 *                   ("/lib/modules/KVER", or ROOT/lib/modules/KVER for a tree blob)
 *    36  nsect      number of section descriptors
 *    40  sect_off   offset of the section table
 *    44  reserved   20 bytes of zero
 *
 *   section table: nsect descriptors of 16 bytes { id, offset, size, count };
 *   unknown ids are skipped (room for later versions), a known id appears once.
 *
 *   BLOB_S_STRINGS   NUL-terminated strings. A "string" field anywhere is an
 *                    offset into this section; offset 0 is the empty string.
 *   BLOB_S_U32       a pool of u32 lists referenced as (offset in entries, count).
 *   BLOB_S_MODULES   records of 40 bytes, loadable modules first in kmod priority
 *                    order (modules.order), then built-in modules:
 *                      name        string, kmod name ('_', no extension)
 *                      path        string, relative to moddir as in the tree
 *                                  ("kernel/fs/ext4/ext4.ko.zst"); "" if built-in
 *                      image_path  string, file in the image relative to
 *                                  /lib/modules/KVER; "" if not in the image
 *                      deps, ndeps U32 list of module indices: the full hard
 *                                  dependency closure in load order (providers
 *                                  first), i.e. the modules.dep line reversed
 *                      softdep     index into SOFTDEPS of the first line whose
 *                                  pattern matches the name, or BLOB_NONE
 *                      install     index into INSTALLS of the first matching
 *                                  line, or BLOB_NONE
 *                      remove      index into REMOVES, likewise
 *                      weakdep     index into WEAKDEPS, likewise
 *                      flags       BLOB_M_*
 *   BLOB_S_BYNAME    u32 module indices sorted by name (strcmp), for bsearch.
 *   BLOB_S_MODALIAS  records { pattern string (alias-normalized), module index }
 *                    of loadable modules in priority order, then .modinfo order.
 *   BLOB_S_BIALIAS   the same for built-in modules (modules.builtin.modinfo).
 *   BLOB_S_CONFALIAS records { pattern string (underscored), target name string }.
 *   BLOB_S_OPTIONS   records { key string, options string }, config order.
 *   BLOB_S_INSTALL   records { key pattern string, command string }, config order.
 *   BLOB_S_REMOVE    likewise.
 *   BLOB_S_SOFTDEP   records { key string, pre list, npre, post list, npost }
 *                    (20 bytes); list entries are target strings to look up.
 *   BLOB_S_WEAKDEP   records { key string, list, n } (12 bytes).
 *   BLOB_S_BLACKLIST records { name string }, config order.
 *   BLOB_S_LOAD      records { query string, flags BLOB_L_* }: what to load at
 *                    boot, in order (mkinitfs -m, its config, modules-load.d,
 *                    /etc/modules).
 *   BLOB_S_MODALIAS_IDX, BLOB_S_BIALIAS_IDX
 *                    indices of MODALIAS and BIALIAS, so that a lookup tests
 *                    only the patterns that can match: u32 alias record
 *                    indices, each record once, sorted by the pattern's stem
 *                    (strcmp order), then by index. A pattern's stem is its
 *                    longest prefix free of * ? [ \ (blob_alias_stem()): the
 *                    pattern can only match strings that start with its stem
 *                    ("pci:v00008086d*" -> "pci:v00008086d", "acpi*:PNP0A03:*"
 *                    -> "acpi", "fs_ext4" -> "fs_ext4", "[ab]x" -> "").
 *                    Patterns of one stem form a run, ascending by index. A
 *                    query q tests only the runs whose stem is a prefix of q,
 *                    found by binary search for each q[0..L), L = 0, 1, ...,
 *                    each from where the previous stopped, until no stem
 *                    starts with q[0..L); its hits are put back in record
 *                    order, which is kmod's priority order. blob_open() checks
 *                    that the index is a permutation in that order (count
 *                    equal to the alias section's, entries in range, each
 *                    after the previous), so that a lookup finds exactly what
 *                    a scan finds. An empty index (or none, as from earlier
 *                    writers) means "scan every pattern"; the version stays 1:
 *                    readers skip unknown ids, so old and new blobs and
 *                    readers mix freely.
 *
 * Every section's size must equal count times its record size (strings and
 * the u32 pool excepted), every string must be NUL-terminated inside STRINGS,
 * every index must be in range: blob_open() checks all of it once, so later
 * accessors cannot fail on a blob it accepted. */
#ifndef EARLYMOD_BLOB_H
#define EARLYMOD_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define BLOB_MAGIC "EARLYMOD"
#define BLOB_VERSION 1
#define BLOB_HDR_SIZE 64
#define BLOB_NONE 0xffffffffu
/* bounds the loader's static per-module state (visited and loaded bitmaps) */
#define BLOB_MAX_MODULES 16384
/* where the blob lives in an image */
#define BLOB_IMAGE_PATH "/lib/modules/earlymod.blob"

enum blob_section {
	BLOB_S_STRINGS = 1,
	BLOB_S_U32,
	BLOB_S_MODULES,
	BLOB_S_BYNAME,
	BLOB_S_MODALIAS,
	BLOB_S_BIALIAS,
	BLOB_S_CONFALIAS,
	BLOB_S_OPTIONS,
	BLOB_S_INSTALL,
	BLOB_S_REMOVE,
	BLOB_S_SOFTDEP,
	BLOB_S_WEAKDEP,
	BLOB_S_BLACKLIST,
	BLOB_S_LOAD,
	BLOB_S_MODALIAS_IDX,
	BLOB_S_BIALIAS_IDX,
	BLOB_S_COUNT
};

enum {
	BLOB_F_TREE = 1, /* the whole module tree (mkinitfs --blob-only --all) */
};

enum {
	BLOB_M_BUILTIN = 1,
	BLOB_M_IN_IMAGE = 2,
	/* built in, with aliases in modules.builtin.modinfo but no modules.builtin
	 * line: kmod finds it through its aliases only */
	BLOB_M_ALIAS_ONLY = 4,
};

enum {
	BLOB_L_BLACKLIST = 1, /* apply the blacklist to this name (modules-load.d) */
};

struct blob_module {
	const char *name, *path, *image_path;
	uint32_t deps, ndeps, softdep, install, remove, weakdep, flags;
};

struct blob_softdep {
	const char *key;
	uint32_t pre, npre, post, npost;
};

struct blob_pair {
	const char *a, *b; /* pattern and target, key and value, ... */
	uint32_t n;        /* module index (aliases) or flags (load) */
};

struct blob {
	const uint8_t *p;
	uint32_t size;
	uint32_t flags;
	const char *kver, *moddir;
	struct {
		uint32_t off, size, count;
	} s[BLOB_S_COUNT];
};

/* -EBADMSG for any inconsistency, -EPROTO for an unknown version */
int blob_open(struct blob *b, const void *data, size_t len);
uint32_t blob_count(const struct blob *b, enum blob_section s);
/* bounds-checked pointer to len bytes at off, or NULL */
const void *blob_at(const struct blob *b, uint32_t off, uint32_t len);
const char *blob_str(const struct blob *b, uint32_t ref);
uint32_t blob_u32(const struct blob *b, uint32_t list, uint32_t i);

void blob_module(const struct blob *b, uint32_t i, struct blob_module *ret);
/* module index by exact name, or BLOB_NONE */
uint32_t blob_find_module(const struct blob *b, const char *name);
void blob_softdep(const struct blob *b, uint32_t i, struct blob_softdep *ret);
/* the two-string sections: MODALIAS, BIALIAS (n = module), CONFALIAS, OPTIONS,
 * INSTALL, REMOVE, LOAD (n = flags); BLACKLIST (b = NULL); WEAKDEP (a = key,
 * n = list, and the count through blob_weakdep_count) */
void blob_pair(const struct blob *b, enum blob_section s, uint32_t i, struct blob_pair *ret);
uint32_t blob_weakdep_count(const struct blob *b, uint32_t i);

/* the length of an alias pattern's stem (see the format above) */
uint32_t blob_alias_stem(const char *pattern);
/* the runs of alias section s (MODALIAS or BIALIAS) that may match q, through
 * the index: entries [returned value, *pos) for blob_alias_at(), then the next
 * run, then BLOB_NONE; start with *pos = *len = 0. Without an index, one run of
 * every record. */
uint32_t blob_alias_next(const struct blob *b, enum blob_section s, const char *q,
			 uint32_t *pos, uint32_t *len);
/* the alias record index of entry i of such a run */
uint32_t blob_alias_at(const struct blob *b, enum blob_section s, uint32_t i);

uint32_t blob_crc32(uint32_t crc, const void *data, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/* ko.h: reading kernel module files: whole-file decompression and the .modinfo strings.
 *
 * A module file is a relocatable ELF64 little-endian object, possibly followed by a
 * signature, possibly compressed as a whole. The compression is told by the first
 * bytes, never by the file name:
 *   1f 8b              gzip  (KO_GZIP; concatenated members allowed)
 *   fd 37 7a 58 5a 00  xz    (KO_XZ; concatenated streams allowed, any check type)
 *   28 b5 2f fd        zstd  (KO_ZSTD; several frames and skippable frames allowed)
 *   anything else      the ELF itself (KO_NONE)
 * A stream that ends early, fails its check or is followed by garbage is -EBADMSG.
 *
 * .modinfo is a run of NUL-terminated "key=value" strings; empty strings between them
 * are padding and skipped; a string without '=' is a key with an empty value; a value
 * may contain any byte but NUL, newlines included. The last string may run to the end
 * of the section without a NUL. */
#ifndef EARLYMOD_KO_H
#define EARLYMOD_KO_H

#include <stddef.h>
#include <stdint.h>

enum ko_comp { KO_NONE, KO_GZIP, KO_XZ, KO_ZSTD };

struct kv {
	char *key;
	char *value;
};

/* one module's .modinfo entries, in file order; every key and value is its own
 * malloc()ed string, and modinfo_free() frees them and the array */
struct modinfo {
	struct kv *kv;
	size_t n;
};

/* a decompressed module larger than this is refused (-EFBIG) */
#define KO_MAX_SIZE ((size_t)1 << 30)

/* The whole file at path, decompressed (a signature stays in). *ret_data is malloc()ed.
 * -errno from the file system, -EBADMSG for a corrupt or truncated stream. */
int ko_read(const char *path, uint8_t **ret_data, size_t *ret_len,
	    enum ko_comp *ret_comp);

/* -ENOEXEC: not an ELF64 little-endian relocatable object; -EBADMSG: the section
 * header table, the section name table or .modinfo lies outside the data; -ENOENT: no
 * .modinfo section. Touches only the ELF header, the section headers, the section
 * name table and .modinfo, so it is cheap on an mmap()ed file. */
int ko_modinfo(const uint8_t *elf, size_t len, struct modinfo *ret);
void modinfo_free(struct modinfo *mi);
const char *modinfo_get(const struct modinfo *mi, const char *key);

/* The parts below are shared by ko_*.c and modtree; other callers want ko_read(). */

/* compression by magic bytes */
enum ko_comp ko_detect(const uint8_t *data, size_t len);

/* the output buffer the codecs grow: at least `want` free bytes after len, or -EFBIG
 * once the total would pass KO_MAX_SIZE */
struct ko_buf {
	uint8_t *data;
	size_t len, cap;
};
int ko_buf_reserve(struct ko_buf *b, size_t want);

/* decompress a whole in-memory stream of the given kind into a malloc()ed buffer */
int ko_decompress(enum ko_comp comp, const uint8_t *in, size_t inlen, uint8_t **ret_data,
		  size_t *ret_len);
/* the same, replacing out's contents: a caller that decompresses many files reuses
 * one buffer instead of faulting in fresh pages for each; out stays the caller's to
 * free, also on failure */
int ko_decompress_buf(enum ko_comp comp, const uint8_t *in, size_t inlen,
		      struct ko_buf *out);
int ko_gunzip(const uint8_t *in, size_t inlen, struct ko_buf *dst);
int ko_unxz(const uint8_t *in, size_t inlen, struct ko_buf *dst);
int ko_unzstd(const uint8_t *in, size_t inlen, struct ko_buf *dst);

/* An ELF64 little-endian relocatable image whose section header table and section
 * name table have been checked to lie inside it. */
struct ko_elf {
	const uint8_t *data;
	size_t len;
	uint64_t shoff, stroff, strsize;
	uint32_t shnum;
	uint16_t shentsize, machine;
};
/* -ENOEXEC / -EBADMSG as for ko_modinfo() */
int ko_elf_open(struct ko_elf *e, const uint8_t *data, size_t len);
/* the first section of that name: -ENOENT if none, -EBADMSG if it lies outside the
 * image; a SHT_NOBITS section has no bytes in the file and counts as absent */
int ko_elf_section(const struct ko_elf *e, const char *name, const uint8_t **ret_data,
		   size_t *ret_size);

/* read all of fd (a regular file) into a malloc()ed buffer */
int ko_slurp_fd(int fd, uint8_t **ret_data, size_t *ret_len);

#endif

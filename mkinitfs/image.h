/* SPDX-License-Identifier: MIT */
/* image.h: the initramfs itself, a "newc" cpio archive compressed in process.
 *
 * The archive is the kernel's initramfs format (Documentation/driver-api/
 * early-userspace/buffer-format.rst): per member a 110-byte ASCII header
 * "070701" + 13 eight-digit hex fields (ino, mode, uid, gid, nlink, mtime,
 * filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check=0), the
 * name (no leading '/', NUL-terminated) padded to 4 bytes, the data padded to 4
 * bytes; it ends with the member "TRAILER!!!" and zeros up to a 512-byte block
 * (as GNU cpio and gen_init_cpio write it).
 *
 * Reproducible: members are written sorted by path (so a directory precedes its
 * contents), parents are created (0755) when missing, every owner is 0:0, every
 * time is opts.mtime (SOURCE_DATE_EPOCH, default 0), inode numbers count from 1
 * in that order, nlink is 2 for a directory and 1 otherwise. The same members give
 * the same bytes, at any thread count: zstd and xz always run their multi-threaded
 * encoders (whose output does not depend on the number of workers), and xz writes
 * the CRC32 check, the only one the kernel's xz decoder knows. */
#ifndef EARLYMOD_IMAGE_H
#define EARLYMOD_IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum image_comp { IMG_ZSTD, IMG_XZ, IMG_GZIP, IMG_NONE };

struct image_opts {
	enum image_comp comp;
	int level;          /* -1: the default (zstd 9, xz 6, gzip 9) */
	int threads;        /* 0: every CPU (zstd and xz) */
	long long mtime;    /* every member's time */
};

struct image;

int image_new(struct image **ret, const struct image_opts *o);
void image_free(struct image *img);
/* paths are absolute and plain ("/lib/modules/...": no "//", ".", ".." or trailing
 * '/', else -EINVAL); adding a path twice is -EEXIST, one under a non-directory
 * -ENOTDIR. A directory created as a parent may still be added once, to set its
 * mode. */
int image_add_dir(struct image *img, const char *path, unsigned mode);
/* mode holds the type (S_IFCHR or S_IFBLK) and the permissions */
int image_add_nod(struct image *img, const char *path, unsigned mode, unsigned maj,
		  unsigned min);
int image_add_symlink(struct image *img, const char *path, const char *target);
/* data is malloc()ed and now belongs to the image (freed on failure too) */
int image_add_file_owned(struct image *img, const char *path, unsigned mode, void *data,
			 size_t len);
/* writes the compressed archive to a temporary file next to path, fsyncs it,
 * renames it into place and fsyncs the directory; on failure nothing is left
 * behind and err says what went wrong with which file. The file is 0644 less the
 * umask. */
int image_write(struct image *img, const char *path, char *err, size_t errlen);

/* The data of one member (name with or without the leading '/') of an image file
 * in any of the four encodings (told by magic bytes): 0, -ENOENT when no such
 * member, -EBADMSG (err says why and at which offset) for a damaged archive.
 * *ret_data is malloc()ed. Like the kernel, it takes several archives one after
 * the other (an uncompressed early cpio, then a compressed one, zeros between);
 * of two members with one name the later wins. */
int image_read_member(const char *file, const char *member, uint8_t **ret_data,
		      size_t *ret_len, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
/* fileio.h: the two ways the loader reads the system, through the seam (sys.h):
 * a small text file (sysfs attributes, /proc/cmdline, /proc/modules...) and the
 * entries of a directory (getdents64 records decoded in one place). */
#ifndef EARLYMOD_FILEIO_H
#define EARLYMOD_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* path (relative to dirfd, or absolute with AT_FDCWD) into buf: at most len - 1
 * bytes, NUL-terminated, short reads and EINTR handled; the length, or -errno */
ssize_t read_text(int dirfd, const char *path, char *buf, size_t len);

/* up to len bytes of fd at off, short only at the end of the file: the count read,
 * or -errno */
ssize_t read_at(int fd, void *buf, size_t len, uint64_t off);

/* fn(dirfd, NAME, d_type, ctx) for every entry of the directory open on dirfd but
 * "." and ".."; stops at the first non-zero fn result and returns it; 0 at the
 * end, -errno when reading fails, -EIO for a malformed record. Uses 1 KiB of
 * stack, so fn may recurse into subdirectories. */
int dir_each(int dirfd, int (*fn)(int dirfd, const char *name, unsigned char type, void *ctx),
	     void *ctx);

#endif

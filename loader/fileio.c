/* SPDX-License-Identifier: MIT */
/* fileio.c: small files and directories through the seam (see fileio.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "fileio.h"
#include "sys.h"

ssize_t read_text(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = sys_openat(dirfd, path, O_RDONLY, 0);
	size_t n = 0;
	ssize_t r = 0;

	if (fd < 0)
		return fd;
	while (n + 1 < len) {
		r = sys_read(fd, buf + n, len - 1 - n);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	sys_close(fd);
	if (len)
		buf[n] = 0;
	return r < 0 ? r : (ssize_t)n;
}

ssize_t read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = sys_pread(fd, (char *)buf + got, len - got, off + got);

		if (n == -EINTR)
			continue;
		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int dir_each(int dirfd, int (*fn)(int dirfd, const char *name, unsigned char type, void *ctx),
	     void *ctx)
{
	union {
		char buf[1024];
		uint64_t align;
	} u;
	ssize_t n;

	while ((n = sys_getdents(dirfd, u.buf, sizeof(u.buf))) > 0) {
		/* linux_dirent64: d_ino 8, d_off 8, d_reclen 2, d_type 1, d_name */
		for (ssize_t off = 0; off < n;) {
			const char *name = u.buf + off + 19;
			uint16_t reclen;
			int r;

			if (n - off < 20)
				return -EIO;
			memcpy(&reclen, u.buf + off + 16, 2);
			if (reclen < 20 || reclen > n - off)
				return -EIO;
			off += reclen;
			if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
				continue;
			r = fn(dirfd, name, (unsigned char)u.buf[off - reclen + 18], ctx);
			if (r)
				return r;
		}
	}
	return n < 0 ? (int)n : 0;
}

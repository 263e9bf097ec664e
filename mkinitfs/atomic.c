/* SPDX-License-Identifier: MIT */
/* atomic.c: a file appears whole or not at all (temp file, fsync, rename, fsync dir). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkinitfs.h"
#include "xalloc.h"

int write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	char *tmp = xmalloc(strlen(path) + 16), *dir;
	const char *p = data;
	int fd, r = 0;

	sprintf(tmp, "%s.tmpXXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		return r;
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			goto fail;
		}
		p += n;
		len -= n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	dir = xstrdup(path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
	free(tmp);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(-r));
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	free(tmp);
	return r;
}

/* SPDX-License-Identifier: MIT */
/* sysmodule.c: the kernel's view of a module, /sys/module/NAME, as kmod reads it;
 * loading (is it live?), rmmod, lsmod and modprobe -r share it (applets.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "applets.h"
#include "blob.h"
#include "fileio.h"
#include "sys.h"

int mod_attr(const char *name, const char *file, char *buf, size_t len)
{
	char path[256];
	size_t n = strlen(name), f = strlen(file);
	ssize_t r;

	if (12 + n + f >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, "/sys/module/", 12);
	memcpy(path + 12, name, n);
	memcpy(path + 12 + n, file, f + 1);
	r = read_text(AT_FDCWD, path, buf, len);
	return r < 0 ? (int)r : 0;
}

int mod_state(const struct blob *b, const char *name)
{
	char path[256], s[16];
	struct blob_module bm;
	struct stat st;
	uint32_t m = b ? blob_find_module(b, name) : BLOB_NONE;
	size_t n = strlen(name);

	if (m != BLOB_NONE) {
		blob_module(b, m, &bm);
		/* modules.builtin's names; alias-only built-ins are not in it */
		if ((bm.flags & (BLOB_M_BUILTIN | BLOB_M_ALIAS_ONLY)) == BLOB_M_BUILTIN)
			return MOD_BUILTIN;
	}
	if (mod_attr(name, "/initstate", s, sizeof(s)) == 0)
		return MOD_LOADED;
	/* built-in modules with parameters have a directory, never an initstate */
	if (12 + n < sizeof(path)) {
		memcpy(path, "/sys/module/", 12);
		memcpy(path + 12, name, n + 1);
		if (sys_fstatat(AT_FDCWD, path, &st, 0) == 0 && S_ISDIR(st.st_mode))
			return MOD_BUILTIN;
	}
	return -ENOENT;
}

int mod_refcnt(const char *name)
{
	char s[24];
	int r = mod_attr(name, "/refcnt", s, sizeof(s)), v = 0;

	if (r < 0)
		return r;
	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	for (const char *p = s; *p >= '0' && *p <= '9' && v < 1000000000; p++)
		v = v * 10 + (*p - '0');
	return v;
}

struct holders {
	void (*fn)(const char *holder, void *ctx);
	void *ctx;
	int count;
};

static int holder(int dirfd, const char *name, unsigned char type, void *ctx)
{
	struct holders *h = ctx;

	h->count++;
	if (h->fn)
		h->fn(name, h->ctx);
	return 0;
}

int mod_holders(const char *name, void (*fn)(const char *holder, void *ctx), void *ctx)
{
	struct holders h = { fn, ctx, 0 };
	char path[256];
	size_t n = strlen(name);
	int fd, r;

	if (12 + n + 8 >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, "/sys/module/", 12);
	memcpy(path + 12, name, n);
	memcpy(path + 12 + n, "/holders", 9);
	fd = sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	r = dir_each(fd, holder, &h);
	sys_close(fd);
	return r < 0 ? r : h.count;
}

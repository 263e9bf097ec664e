/* SPDX-License-Identifier: MIT */
/* rmmod.c: the rmmod applet, and the kernel's view of a module (/sys/module/NAME)
 * that rmmod, lsmod and modprobe -r share (declared in applets.h).
 *
 *   rmmod [-f] [-v] [-s] NAME|PATH...
 *
 * As kmod 30: a module must be loaded, not built in, without holders and with a zero
 * refcnt before delete_module(NAME, O_NONBLOCK) is called; -f skips those checks and
 * adds O_TRUNC. A path stands for the module named by its file name ("-" as "_",
 * up to the first '.'). One difference: a missing refcnt file does not make
 * a module "in use" here; the kernel decides. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "applets.h"
#include "blob.h"
#include "log.h"
#include "modname.h"
#include "sys.h"

void app_err(const char *s, ...)
{
	va_list ap;

	va_start(ap, s);
	for (; s; s = va_arg(ap, const char *))
		err_str(s);
	va_end(ap);
}

/* "/sys/module/NAME" followed by file ("" or "/refcnt"...) */
static int mod_path(char *buf, size_t len, const char *name, const char *file)
{
	size_t n = strlen(name), f = strlen(file);

	if (12 + n + f >= len)
		return -ENAMETOOLONG;
	memcpy(buf, "/sys/module/", 12);
	memcpy(buf + 12, name, n);
	memcpy(buf + 12 + n, file, f + 1);
	return 0;
}

/* a small sysfs file, NUL-terminated */
static int read_small(const char *name, const char *file, char *buf, size_t len)
{
	char path[256];
	int fd = mod_path(path, sizeof(path), name, file);
	ssize_t n;

	if (fd < 0)
		return fd;
	fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	n = sys_read(fd, buf, len - 1);
	sys_close(fd);
	if (n < 0)
		return n;
	buf[n] = 0;
	return 0;
}

int mod_state(const struct blob *b, const char *name)
{
	char path[256], s[16];
	struct blob_module bm;
	struct stat st;
	uint32_t m = b ? blob_find_module(b, name) : BLOB_NONE;

	if (m != BLOB_NONE) {
		blob_module(b, m, &bm);
		/* modules.builtin's names; alias-only built-ins are not in it */
		if ((bm.flags & (BLOB_M_BUILTIN | BLOB_M_ALIAS_ONLY)) == BLOB_M_BUILTIN)
			return MOD_BUILTIN;
	}
	if (read_small(name, "/initstate", s, sizeof(s)) == 0)
		return MOD_LOADED;
	/* built-in modules with parameters have a directory, never an initstate */
	if (mod_path(path, sizeof(path), name, "") == 0 &&
	    sys_fstatat(AT_FDCWD, path, &st, 0) == 0 && S_ISDIR(st.st_mode))
		return MOD_BUILTIN;
	return -ENOENT;
}

int mod_refcnt(const char *name)
{
	char s[24];
	int r = read_small(name, "/refcnt", s, sizeof(s)), v = 0;

	if (r < 0)
		return r;
	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	for (const char *p = s; *p >= '0' && *p <= '9' && v < 1000000000; p++)
		v = v * 10 + (*p - '0');
	return v;
}

int mod_holders(const char *name, void (*fn)(const char *holder, void *ctx), void *ctx)
{
	union {
		char buf[1024];
		uint64_t align;
	} u;
	char path[256];
	int fd = mod_path(path, sizeof(path), name, "/holders"), count = 0;

	if (fd < 0)
		return fd;
	fd = sys_open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n = sys_getdents(fd, u.buf, sizeof(u.buf));

		if (n <= 0) {
			if (n < 0)
				count = n;
			break;
		}
		/* linux_dirent64: d_ino 8, d_off 8, d_reclen 2, d_type 1, d_name */
		for (ssize_t off = 0; off + 19 < n;) {
			const char *d = u.buf + off + 19;
			uint16_t reclen;

			memcpy(&reclen, u.buf + off + 16, 2);
			if (reclen < 20 || off + reclen > n)
				break;
			off += reclen;
			if (d[0] == '.' && (!d[1] || (d[1] == '.' && !d[2])))
				continue;
			count++;
			if (fn)
				fn(d, ctx);
		}
	}
	sys_close(fd);
	return count;
}

static void err_holder(const char *holder, void *ctx)
{
	app_err(" ", holder, (const char *)0);
}

/* "rmmod: ERROR: Module NAME WHAT" */
static void mod_err(const char *name, const char *what)
{
	app_err("rmmod: ERROR: Module ", name, what, (const char *)0);
}

static void in_use(const char *name)
{
	mod_err(name, " is in use");
	if (mod_holders(name, NULL, NULL) > 0) {
		err_str(" by:");
		mod_holders(name, err_holder, NULL);
	}
	err_str("\n");
}

/* kmod's checks before delete_module, with its messages */
static int check(const struct blob *b, const char *name)
{
	int s = mod_state(b, name);

	if (s == MOD_BUILTIN) {
		mod_err(name, " is builtin.\n");
		return -ENOENT;
	}
	if (s < 0) {
		mod_err(name, " is not currently loaded\n");
		return -ENOENT;
	}
	if (mod_holders(name, NULL, NULL) > 0 || mod_refcnt(name) > 0) {
		in_use(name);
		return -EBUSY;
	}
	return 0;
}

int rmmod_main(int argc, char **argv, char **envp)
{
	static struct blob blob;
	const struct blob *b = NULL;
	unsigned flags = O_NONBLOCK;
	int i, failed = 0;
	char ebuf[32];

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--force") || (a[1] != '-' && strchr(a, 'f')))
			flags |= O_TRUNC;
		if (strcmp(a, "--force") && strcmp(a, "--verbose") &&
		    strcmp(a, "--syslog") &&
		    (a[1] == '-' || a[1 + strspn(a + 1, "fvs")])) {
			err_str("usage: rmmod [-f] NAME...\n");
			return 1;
		}
	}
	if (i == argc) {
		err_str("rmmod: ERROR: missing module name.\n");
		return 1;
	}
	/* the image's blob knows the built-in modules; the host's rmmod has none */
	if (blob_map(BLOB_IMAGE_PATH, &blob) == 0)
		b = &blob;
	for (; i < argc; i++) {
		const char *arg = argv[i], *slash = strrchr(arg, '/');
		char name[64];
		int r = modname_normalize(slash ? slash + 1 : arg, name, sizeof(name));

		if (r <= 0) {
			app_err("rmmod: ERROR: could not use module ", arg, ": ",
				errno_str(ebuf, r < 0 ? r : -EINVAL), "\n",
				(const char *)0);
			return 1;
		}
		if (!(flags & O_TRUNC) && check(b, name) < 0) {
			failed++;
			continue;
		}
		r = sys_delete_module(name, flags);
		if (r == -EWOULDBLOCK || r == -EBUSY) {
			in_use(name);
			failed++;
		} else if (r == -ENOENT) {
			mod_err(name, " is not currently loaded\n");
			failed++;
		} else if (r < 0) {
			app_err("rmmod: ERROR: could not remove module ", arg, ": ",
				errno_str(ebuf, r), "\n", (const char *)0);
			failed++;
		}
	}
	return failed ? 1 : 0;
}

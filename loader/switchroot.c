/* SPDX-License-Identifier: MIT */
/* switchroot.c: from the initramfs to the real root; see switchroot.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fileio.h"
#include "log.h"
#include "switchroot.h"
#include "sys.h"

#define RAMFS_MAGIC 0x858458f6
#define TMPFS_MAGIC 0x01021994
#define SR_PATH_MAX 512
#define SR_MAX_LINKS 8

static int cat3(char *buf, size_t len, const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);

	if (na + nb + nc >= len)
		return -ENAMETOOLONG;
	memcpy(buf, a, na);
	memcpy(buf + na, b, nb);
	memcpy(buf + na + nb, c, nc + 1);
	return 0;
}

int sr_check_init(const char *newroot, const char *init)
{
	char path[SR_PATH_MAX], rel[SR_PATH_MAX], link[SR_PATH_MAX];
	struct stat st;
	int r;

	if (init[0] != '/' || cat3(rel, sizeof(rel), init, "", "") < 0)
		return -ENOENT;
	/* an absolute symlink (/sbin/init -> /lib/systemd/systemd) points into the
	 * initramfs while we are still in it: resolve it inside newroot by hand */
	for (int i = 0; i < SR_MAX_LINKS; i++) {
		ssize_t n;

		if (cat3(path, sizeof(path), newroot, rel, "") < 0)
			return -ENAMETOOLONG;
		r = sys_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW);
		if (r < 0)
			return r;
		if (!S_ISLNK(st.st_mode)) {
			if (!S_ISREG(st.st_mode))
				return -EACCES;
			return 0;
		}
		n = sys_readlinkat(AT_FDCWD, path, link, sizeof(link) - 1);
		if (n < 0)
			return (int)n;
		link[n] = 0;
		if (link[0] == '/') {
			if ((size_t)n >= sizeof(rel))
				return -ENAMETOOLONG;
			memcpy(rel, link, n + 1);
		} else {
			char *slash = strrchr(rel, '/');

			slash[1] = 0;
			if (cat3(path, sizeof(path), rel, link, "") < 0)
				return -ENAMETOOLONG;
			memcpy(rel, path, strlen(path) + 1);
		}
	}
	return -ELOOP;
}

int sr_move_mounts(const char *newroot)
{
	static const char *const api[] = { "/dev", "/proc", "/sys", "/run" };
	char target[SR_PATH_MAX], ebuf[32];
	struct stat st;
	int failed = 0;

	for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		int r;

		if (cat3(target, sizeof(target), newroot, api[i], "") < 0)
			return -ENAMETOOLONG;
		if (sys_fstatat(AT_FDCWD, target, &st, 0) < 0 || !S_ISDIR(st.st_mode)) {
			/* nowhere to put it: let it go when nothing uses it any more */
			log_warn("the new root has no ", api[i],
				 "; unmounting the initramfs's");
			(void)sys_umount(api[i], MNT_DETACH);
			continue;
		}
		r = sys_mount(api[i], target, NULL, MS_MOVE, NULL);
		if (r < 0) {
			log_warn("cannot move ", api[i], " to ", target, ": ",
				 errno_str(ebuf, r), "; unmounting it");
			(void)sys_umount(api[i], MNT_DETACH);
			failed++;
		}
	}
	return failed;
}

static int delete_entry(int dirfd, const char *name, dev_t dev, int depth)
{
	struct stat st;
	int fd, failed = 0;

	if (sys_fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 1;
	/* another filesystem: the new root, or something mounted on purpose */
	if (st.st_dev != dev)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return sys_unlinkat(dirfd, name, 0) < 0;
	if (depth + 1 >= SR_MAX_DEPTH) {
		log_warn("initramfs directory ", name, " is nested too deep; leaving it");
		return 1;
	}
	fd = sys_openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd < 0)
		return 1;
	failed = sr_delete_tree(fd, dev, depth + 1);
	sys_close(fd);
	/* a directory holding a mount point stays; that is expected, not a failure */
	(void)sys_unlinkat(dirfd, name, AT_REMOVEDIR);
	return failed;
}

struct del {
	dev_t dev;
	int depth, failed;
};

static int del_entry(int dirfd, const char *name, unsigned char type, void *ctx)
{
	struct del *d = ctx;

	d->failed += delete_entry(dirfd, name, d->dev, d->depth);
	return 0;
}

int sr_delete_tree(int dirfd, dev_t dev, int depth)
{
	struct del d = { dev, depth, 0 };

	return dir_each(dirfd, del_entry, &d) < 0 ? d.failed + 1 : d.failed;
}

static void free_initramfs(void)
{
	unsigned long type;
	struct stat st;
	char num[24];
	int fd, failed;

	/* switch_root's rule: only ever empty a root that is the initramfs */
	if (sys_fs_type("/", &type) < 0 || (type != RAMFS_MAGIC && type != TMPFS_MAGIC)) {
		log_info("/ is not an initramfs (ramfs or tmpfs); keeping its files");
		return;
	}
	fd = sys_open("/", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return;
	if (sys_fstat(fd, &st) == 0) {
		failed = sr_delete_tree(fd, st.st_dev, 0);
		if (failed)
			log_warn("could not delete ", fmt_u64(num, failed),
				 " entries of the initramfs, ignoring");
	}
	sys_close(fd);
}

void switch_root(const char *newroot, const char *init, char *const argv[],
		 char *const envp[])
{
	char ebuf[32];
	int r;

	r = sr_check_init(newroot, init);
	if (r < 0)
		fatal("the root filesystem has no init program ", init, " (",
		      errno_str(ebuf, r), "); give another with init=", (const char *)0);
	sr_move_mounts(newroot);
	free_initramfs();
	r = sys_chdir(newroot);
	if (r < 0)
		fatal("cannot enter ", newroot, ": ", errno_str(ebuf, r),
		      (const char *)0);
	r = sys_mount(newroot, "/", NULL, MS_MOVE, NULL);
	if (r < 0)
		fatal("cannot move ", newroot, " onto /: ", errno_str(ebuf, r),
		      (const char *)0);
	r = sys_chroot(".");
	if (r == 0)
		r = sys_chdir("/");
	if (r < 0)
		fatal("cannot chroot into ", newroot, ": ", errno_str(ebuf, r),
		      (const char *)0);
	r = sys_execve(init, argv, envp);
	fatal("cannot run ", init, ": ", errno_str(ebuf, r), (const char *)0);
}

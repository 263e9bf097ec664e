/* SPDX-License-Identifier: MIT */
/* sys_fake.c: loader/sys.h over a directory, with a fake kernel, clock and uevent
 * stream (the contract is tests/fake/fake.h). Test code: stdio and malloc are fine. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fake.h"
#include "sys.h"

#define FAKE_MAX_MOUNTS 32
#define FAKE_MAX_EVENTS 64
#define FAKE_MAX_ERRORS 32
#define FAKE_MAX_HOOKS 16

struct fake_mount {
	char target[PATH_MAX]; /* path of the running system ("/dev") */
	char type[32];
	dev_t dev;
};

struct fake_event {
	uint64_t at;
	char *msg;
	size_t len;
	char **files;
	int made, delivered;
};

struct fake_hook {
	char name[64];
	unsigned delay;
	char *msg;
	size_t len;
	const char *const *files; /* copied by fake_uevent_at when it fires */
};

struct fake_error {
	char key[64];
	int err;
};

static struct {
	char root[PATH_MAX];	 /* as given to fake_init, canonical */
	char cur_root[PATH_MAX]; /* after a chroot */
	char cwd[PATH_MAX];	 /* the loader's cwd as a system path (chdir) */
	char release[65];
	char *effects;
	size_t neffects, effects_cap;
	char *kmsg, *console;
	size_t nkmsg, kmsg_cap, nconsole, console_cap;
	int kmsg_fd, console_fd, uevent_fd;
	uint64_t now;
	struct fake_mount mounts[FAKE_MAX_MOUNTS];
	int nmounts;
	unsigned next_dev;
	struct fake_event events[FAKE_MAX_EVENTS];
	int nevents;
	int overflow;
	int uevent_open_err;
	struct fake_hook hooks[FAKE_MAX_HOOKS];
	int nhooks;
	int seqnum_on;
	uint64_t seqnum_base;
	struct fake_error mod_err[FAKE_MAX_ERRORS], mount_err[FAKE_MAX_ERRORS];
	int nmod_err, nmount_err;
	jmp_buf *jmp;
	int exit_code;
	int pid;
	int spawn_status;
} F = { .kmsg_fd = -1, .console_fd = -1, .uevent_fd = -1, .pid = 1 };

/* snprintf for paths and names; a test path that does not fit is a broken test */
__attribute__((format(printf, 3, 4))) static void pfmt(char *buf, size_t len,
						       const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		abort();
}

/* ---- effect log ---- */

__attribute__((format(printf, 1, 2))) static void effect(const char *fmt, ...)
{
	va_list ap;
	char line[4096];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (F.neffects + n + 1 > F.effects_cap) {
		F.effects_cap = (F.neffects + n + 1) * 2;
		F.effects = realloc(F.effects, F.effects_cap);
		if (!F.effects)
			abort();
	}
	memcpy(F.effects + F.neffects, line, n);
	F.neffects += n;
	F.effects[F.neffects] = 0;
}

static void append(char **text, size_t *n, size_t *cap, const void *buf, size_t len)
{
	if (*n + len + 1 > *cap) {
		*cap = (*n + len + 1) * 2;
		*text = realloc(*text, *cap);
		if (!*text)
			abort();
	}
	memcpy(*text + *n, buf, len);
	*n += len;
	(*text)[*n] = 0;
}

static void capture(const void *buf, size_t len)
{
	append(&F.kmsg, &F.nkmsg, &F.kmsg_cap, buf, len);
}

const char *fake_console(void)
{
	return F.console ? F.console : "";
}

const char *fake_effects(void)
{
	return F.effects ? F.effects : "";
}

const char *fake_kmsg(void)
{
	return F.kmsg ? F.kmsg : "";
}

const char *fake_root(void)
{
	return F.root;
}

uint64_t fake_now(void)
{
	return F.now;
}

/* ---- paths ---- */

/* the host path of a system path: absolute paths live under the (current) root */
static const char *map(const char *path, char *buf)
{
	if (path[0] != '/')
		return path;
	if ((size_t)snprintf(buf, PATH_MAX, "%s%s", F.cur_root, path) >= PATH_MAX)
		return path; /* cannot happen in tests; the open then fails */
	return buf;
}

/* the system path of an open fd, "" when it is not under the root */
static int fd_syspath(int fd, char *buf, size_t len)
{
	char link[64], host[PATH_MAX];
	ssize_t n;
	size_t rl = strlen(F.cur_root);

	pfmt(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, host, sizeof(host) - 1);
	if (n < 0)
		return -errno;
	host[n] = 0;
	if (strncmp(host, F.cur_root, rl) || (host[rl] && host[rl] != '/'))
		return -ENOENT;
	pfmt(buf, len, "%s", host[rl] ? host + rl : "/");
	return 0;
}

static struct fake_mount *mount_at(const char *syspath)
{
	for (int i = 0; i < F.nmounts; i++)
		if (!strcmp(F.mounts[i].target, syspath))
			return &F.mounts[i];
	return NULL;
}

/* mount points have their own st_dev, as a kernel would report */
static void fix_dev(const char *syspath, struct stat *st)
{
	struct fake_mount *m = mount_at(syspath);

	if (m)
		st->st_dev = m->dev;
}

static void join(char *buf, size_t len, const char *dir, const char *name)
{
	if (!strcmp(dir, "/"))
		pfmt(buf, len, "/%s", name);
	else
		pfmt(buf, len, "%s/%s", dir, name);
}

/* ---- files ---- */

static int is_special(const char *path)
{
	return !strcmp(path, "/dev/kmsg") || !strcmp(path, "/dev/console");
}

static void write_seqnum(void);

int sys_open(const char *path, int flags, unsigned mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

int sys_openat(int dirfd, const char *path, int flags, unsigned mode)
{
	char buf[PATH_MAX];
	int fd;

	if (path[0] == '/' && is_special(path)) {
		/* the log's destinations: captured, whatever ROOT holds */
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (!strcmp(path, "/dev/kmsg"))
			F.kmsg_fd = fd;
		else
			F.console_fd = fd;
		return fd;
	}
	if (F.seqnum_on && !strcmp(path, "/sys/kernel/uevent_seqnum"))
		write_seqnum();
	fd = openat(dirfd, map(path, buf), flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? -errno : n;
}

ssize_t sys_pread(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	return n < 0 ? -errno : n;
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	if (fd >= 0 && (fd == F.kmsg_fd || fd == F.console_fd)) {
		/* kmsg is what tests read; the console only shows with FAKE_VERBOSE */
		if (fd == F.kmsg_fd) {
			capture(buf, len);
		} else {
			append(&F.console, &F.nconsole, &F.console_cap, buf, len);
			if (getenv("FAKE_VERBOSE"))
				(void)!write(2, buf, len);
		}
		return len;
	}
	n = write(fd, buf, len);
	return n < 0 ? -errno : n;
}

int sys_close(int fd)
{
	if (fd == F.kmsg_fd)
		F.kmsg_fd = -1;
	if (fd == F.console_fd)
		F.console_fd = -1;
	if (fd == F.uevent_fd)
		F.uevent_fd = -1;
	return close(fd) < 0 ? -errno : 0;
}

int sys_fstat(int fd, struct stat *st)
{
	char sp[PATH_MAX];

	if (fstat(fd, st) < 0)
		return -errno;
	if (fd_syspath(fd, sp, sizeof(sp)) == 0)
		fix_dev(sp, st);
	return 0;
}

int sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	char buf[PATH_MAX], sp[PATH_MAX];

	if (fstatat(dirfd, map(path, buf), st, flags) < 0)
		return -errno;
	if (path[0] == '/') {
		fix_dev(path, st);
	} else if (dirfd != AT_FDCWD && fd_syspath(dirfd, sp, sizeof(sp)) == 0) {
		char full[PATH_MAX];

		if (!*path || !strcmp(path, "."))
			fix_dev(sp, st);
		else {
			join(full, sizeof(full), sp, path);
			fix_dev(full, st);
		}
	}
	return 0;
}

ssize_t sys_getdents(int fd, void *buf, size_t len)
{
	long n = syscall(SYS_getdents64, fd, buf, len);

	return n < 0 ? -errno : n;
}

ssize_t sys_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	char p[PATH_MAX];
	ssize_t n = readlinkat(dirfd, map(path, p), buf, len);

	return n < 0 ? -errno : n;
}

int sys_mkdir(const char *path, unsigned mode)
{
	char buf[PATH_MAX];

	effect("mkdir %s %03o", path, mode);
	return mkdir(map(path, buf), mode) < 0 ? -errno : 0;
}

int sys_mknod(const char *path, unsigned mode, unsigned maj, unsigned min)
{
	effect("mknod %s %06o %u:%u", path, mode, maj, min);
	return 0;
}

int sys_symlink(const char *target, const char *path)
{
	char buf[PATH_MAX];

	effect("symlink %s -> %s", path, target);
	return symlink(target, map(path, buf)) < 0 ? -errno : 0;
}

int sys_unlinkat(int dirfd, const char *path, int flags)
{
	char buf[PATH_MAX], sp[PATH_MAX], full[PATH_MAX];

	if (path[0] == '/')
		pfmt(full, sizeof(full), "%s", path);
	else if (dirfd != AT_FDCWD && fd_syspath(dirfd, sp, sizeof(sp)) == 0)
		join(full, sizeof(full), sp, path);
	else
		pfmt(full, sizeof(full), "%s", path);
	effect("unlink %s%s", full, flags & AT_REMOVEDIR ? " (dir)" : "");
	return unlinkat(dirfd, map(path, buf), flags) < 0 ? -errno : 0;
}

int sys_map_file(const char *path, const void **ret_addr, size_t *ret_len)
{
	char buf[PATH_MAX];
	struct stat st;
	void *p;
	int fd = open(map(path, buf), O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		goto out;
	}
	*ret_addr = p;
	*ret_len = st.st_size;
out:
	close(fd);
	return r;
}

void sys_unmap(const void *addr, size_t len)
{
	munmap((void *)addr, len);
}

/* ---- mounts and the switch ---- */

static int err_for(const struct fake_error *t, int n, const char *a, const char *b)
{
	for (int i = 0; i < n; i++)
		if ((a && !strcmp(t[i].key, a)) || (b && !strcmp(t[i].key, b)))
			return t[i].err;
	return 0;
}

static void add_error(struct fake_error *t, int *n, const char *key, int err)
{
	if (*n >= FAKE_MAX_ERRORS)
		abort();
	pfmt(t[*n].key, sizeof(t[*n].key), "%s", key);
	t[(*n)++].err = err;
}

void fake_module_error(const char *name, int err)
{
	add_error(F.mod_err, &F.nmod_err, name, err);
}

void fake_mount_error(const char *what, int err)
{
	add_error(F.mount_err, &F.nmount_err, what, err);
}

static void flag_names(unsigned long flags, char *buf, size_t len)
{
	static const struct {
		unsigned long f;
		const char *s;
	} t[] = {
		{ MS_RDONLY, "ro" },	   { MS_NOSUID, "nosuid" },
		{ MS_NODEV, "nodev" },	   { MS_NOEXEC, "noexec" },
		{ MS_MOVE, "move" },	   { MS_BIND, "bind" },
		{ MS_REMOUNT, "remount" }, { MS_RELATIME, "relatime" },
		{ MS_SILENT, "silent" },
	};
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (flags & t[i].f) {
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", t[i].s);
			flags &= ~t[i].f;
		}
	if (flags)
		n += snprintf(buf + n, len - n, "%s0x%lx", n ? "," : "", flags);
	if (!n)
		pfmt(buf, len, "0");
}

static int exists_dir(const char *syspath)
{
	char buf[PATH_MAX];
	struct stat st;

	return stat(map(syspath, buf), &st) == 0 && S_ISDIR(st.st_mode);
}

/* the files under a mount point are the mounted filesystem: they move with it,
 * leaving the empty directory behind; a move onto / (the switch) moves nothing, the
 * chroot that follows changes the mapping instead */
static int fake_move(const char *src, const char *target)
{
	struct fake_mount *m = mount_at(src);
	char a[PATH_MAX], b[PATH_MAX];
	size_t n = strlen(src);

	if (!m)
		return -EINVAL;
	if (strcmp(target, "/")) {
		map(src, a);
		map(target, b);
		if (rename(a, b) < 0)
			return -errno;
		mkdir(a, 0755);
		pfmt(m->target, sizeof(m->target), "%s", target);
		return 0;
	}
	for (int i = 0; i < F.nmounts; i++) {
		char *t = F.mounts[i].target;

		if (!strncmp(t, src, n) && t[n] == '/')
			memmove(t, t + n, strlen(t + n) + 1);
	}
	pfmt(m->target, sizeof(m->target), "/");
	return 0;
}

int sys_mount(const char *src, const char *target, const char *type, unsigned long flags,
	      const char *data)
{
	char fl[128];
	struct fake_mount *m;
	int err;

	flag_names(flags, fl, sizeof(fl));
	effect("mount %s %s %s %s '%s'", src ? src : "none", target, type ? type : "none",
	       fl, data ? data : "");
	err = err_for(F.mount_err, F.nmount_err, type, target);
	if (err)
		return err;
	if (!exists_dir(target))
		return -ENOENT;
	if (flags & MS_MOVE)
		return fake_move(src, target);
	if (flags & MS_REMOUNT)
		return 0;
	if (mount_at(target))
		return -EBUSY;
	if (F.nmounts >= FAKE_MAX_MOUNTS)
		return -ENOMEM;
	m = &F.mounts[F.nmounts++];
	pfmt(m->target, sizeof(m->target), "%s", target);
	pfmt(m->type, sizeof(m->type), "%s", type ? type : "");
	m->dev = 0xfa00 + F.next_dev++;
	return 0;
}

int sys_umount(const char *target, int flags)
{
	struct fake_mount *m = mount_at(target);

	effect("umount %s%s", target, flags & MNT_DETACH ? " (lazy)" : "");
	if (!m)
		return -EINVAL;
	*m = F.mounts[--F.nmounts];
	return 0;
}

int sys_chdir(const char *path)
{
	char buf[PATH_MAX];

	effect("chdir %s", path);
	if (path[0] != '/')
		return chdir(path) < 0 ? -errno : 0;
	if (!exists_dir(path))
		return -ENOENT;
	pfmt(buf, sizeof(buf), "%s", path);
	memcpy(F.cwd, buf, sizeof(F.cwd));
	return 0;
}

int sys_chroot(const char *path)
{
	char buf[PATH_MAX];

	effect("chroot %s", path);
	if (strcmp(path, ".")) {
		if (!exists_dir(path))
			return -ENOENT;
		pfmt(buf, sizeof(buf), "%s", path);
	} else {
		pfmt(buf, sizeof(buf), "%s", F.cwd);
	}
	if (strcmp(buf, "/")) {
		char nr[PATH_MAX];

		pfmt(nr, sizeof(nr), "%s%s", F.cur_root, buf);
		memcpy(F.cur_root, nr, sizeof(F.cur_root));
	}
	return 0;
}

int sys_fs_type(const char *path, unsigned long *ret_type)
{
	const struct fake_mount *m = mount_at(path);
	static const struct {
		const char *name;
		unsigned long magic;
	} t[] = {
		{ "tmpfs", 0x01021994 }, { "devtmpfs", 0x01021994 },
		{ "proc", 0x9fa0 },	 { "sysfs", 0x62656572 },
		{ "ext4", 0xef53 },	 { "xfs", 0x58465342 },
	};

	if (!m) {
		*ret_type = 0x858458f6; /* ramfs: the initramfs */
		return 0;
	}
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, m->type)) {
			*ret_type = t[i].magic;
			return 0;
		}
	*ret_type = 0x1234;
	return 0;
}

static void words(char *buf, size_t len, char *const v[])
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; v && v[i] && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? " " : "", v[i]);
}

int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	char buf[PATH_MAX], a[2048], e[2048];
	struct stat st;

	if (stat(map(path, buf), &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	words(a, sizeof(a), argv);
	words(e, sizeof(e), envp);
	effect("execve %s [%s] env [%s]", path, a, e);
	if (F.jmp) {
		F.exit_code = 0;
		longjmp(*F.jmp, 'e');
	}
	return -ENOSYS;
}

/* ---- modules ---- */

static int live(const char *name)
{
	char p[PATH_MAX], s[8] = { 0 };
	int fd;

	pfmt(p, sizeof(p), "%s/sys/module/%s/initstate", F.root, name);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	(void)!read(fd, s, sizeof(s) - 1);
	close(fd);
	return !strncmp(s, "live", 4);
}

static int make_live(const char *name)
{
	char p[PATH_MAX];
	FILE *f;

	pfmt(p, sizeof(p), "%s/sys", F.root);
	mkdir(p, 0755);
	pfmt(p, sizeof(p), "%s/sys/module", F.root);
	mkdir(p, 0755);
	pfmt(p, sizeof(p), "%s/sys/module/%s", F.root, name);
	mkdir(p, 0755);
	pfmt(p, sizeof(p), "%s/sys/module/%s/initstate", F.root, name);
	f = fopen(p, "w");
	if (!f)
		return -errno;
	fputs("live\n", f);
	fclose(f);
	return 0;
}

/* every module named by the file's first "depends=" must be live */
static int deps_live(int fd)
{
	static char data[1 << 20];
	ssize_t n = pread(fd, data, sizeof(data) - 1, 0);
	const char *d = NULL;

	if (n < 0)
		return -errno;
	data[n] = 0;
	for (ssize_t i = 0; i + 8 <= n; i++)
		if (!memcmp(data + i, "depends=", 8)) {
			d = data + i + 8;
			break;
		}
	while (d && *d && *d != '\n') {
		char name[64];
		size_t k = strcspn(d, ",\n");

		if (k && k < sizeof(name)) {
			memcpy(name, d, k);
			name[k] = 0;
			if (!live(name))
				return -ENOENT;
		}
		d += k;
		if (*d == ',')
			d++;
	}
	return 0;
}

static void run_hooks(const char *name);

int sys_finit_module(const char *name, int fd, const char *params, int flags)
{
	int err = err_for(F.mod_err, F.nmod_err, name, NULL);

	if (err)
		return err;
	if (live(name))
		return -EEXIST;
	err = deps_live(fd);
	if (err)
		return err;
	effect("finit_module %s params='%s' flags=%d", name, params ? params : "", flags);
	err = make_live(name);
	if (err == 0)
		run_hooks(name);
	return err;
}

/* the entries of ROOT/sys/module/NAME/holders/ */
static int nholders(const char *name)
{
	char p[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int n = 0;

	pfmt(p, sizeof(p), "%s/sys/module/%s/holders", F.root, name);
	d = opendir(p);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* ROOT/sys/module/NAME/refcnt, or -1 when there is none */
static long refcnt(const char *name)
{
	char p[PATH_MAX];
	long v = -1;
	FILE *f;

	pfmt(p, sizeof(p), "%s/sys/module/%s/refcnt", F.root, name);
	f = fopen(p, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* the removed module no longer holds the modules it used */
static void drop_references(const char *name)
{
	char p[PATH_MAX];
	struct dirent *e;
	DIR *d;

	pfmt(p, sizeof(p), "%s/sys/module", F.root);
	d = opendir(p);
	if (!d)
		return;
	while ((e = readdir(d))) {
		long n;

		if (e->d_name[0] == '.')
			continue;
		pfmt(p, sizeof(p), "%s/sys/module/%s/holders/%s", F.root, e->d_name,
		     name);
		if (unlink(p) < 0)
			continue;
		n = refcnt(e->d_name);
		if (n > 0) {
			FILE *f;

			pfmt(p, sizeof(p), "%s/sys/module/%s/refcnt", F.root, e->d_name);
			f = fopen(p, "w");
			if (f) {
				fprintf(f, "%ld\n", n - 1);
				fclose(f);
			}
		}
	}
	closedir(d);
}

int sys_delete_module(const char *name, unsigned flags)
{
	char p[PATH_MAX];

	if (!live(name))
		return -ENOENT;
	/* the kernel's answer while other modules use it, or while it is referenced
	 * (O_TRUNC forces the latter) */
	if (nholders(name) > 0 || (refcnt(name) > 0 && !(flags & O_TRUNC)))
		return -EWOULDBLOCK;
	effect("delete_module %s flags=%u", name, flags);
	pfmt(p, sizeof(p), "%s/sys/module/%s", F.root, name);
	nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	drop_references(name);
	return 0;
}

/* ---- uevents ---- */

void fake_uevent_at(uint64_t at_ms, const char *msg, size_t len, const char *const *files)
{
	struct fake_event *e;
	size_t n = 0;

	if (F.nevents >= FAKE_MAX_EVENTS)
		abort();
	e = &F.events[F.nevents++];
	memset(e, 0, sizeof(*e));
	e->at = at_ms;
	if (msg) {
		e->msg = malloc(len);
		memcpy(e->msg, msg, len);
		e->len = len;
	}
	while (files && files[n])
		n += 2;
	e->files = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		e->files[i] = strdup(files[i]);
}

void fake_on_load(const char *name, unsigned delay_ms, const char *msg, size_t len,
		  const char *const *files)
{
	struct fake_hook *h;
	size_t n = 0;
	char **copy;

	if (F.nhooks >= FAKE_MAX_HOOKS)
		abort();
	h = &F.hooks[F.nhooks++];
	memset(h, 0, sizeof(*h));
	pfmt(h->name, sizeof(h->name), "%s", name);
	h->delay = delay_ms;
	h->msg = malloc(len);
	memcpy(h->msg, msg, len);
	h->len = len;
	while (files && files[n])
		n += 2;
	copy = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		copy[i] = strdup(files[i]);
	h->files = (const char *const *)copy;
}

static void make_files(char **files);
static void mkparents(char *p);

static void run_hooks(const char *name)
{
	for (int i = 0; i < F.nhooks; i++) {
		struct fake_hook *h = &F.hooks[i];

		if (strcmp(h->name, name))
			continue;
		fake_uevent_at(F.now + h->delay, h->msg, h->len, h->files);
		if (!h->delay) {
			F.events[F.nevents - 1].made = 1;
			make_files(F.events[F.nevents - 1].files);
		}
	}
}

void fake_set_uevent_seqnum(uint64_t base)
{
	F.seqnum_on = 1;
	F.seqnum_base = base;
}

/* SEQNUM= of a raw message, 0 when it has none */
static uint64_t event_seqnum(const struct fake_event *e)
{
	for (size_t off = 0; e->msg && off < e->len; off += strlen(e->msg + off) + 1)
		if (!strncmp(e->msg + off, "SEQNUM=", 7))
			return strtoull(e->msg + off + 7, NULL, 10);
	return 0;
}

static void write_seqnum(void)
{
	uint64_t v = F.seqnum_base;
	char p[PATH_MAX];
	FILE *f;

	for (int i = 0; i < F.nevents; i++)
		if (F.events[i].at <= F.now && event_seqnum(&F.events[i]) > v)
			v = event_seqnum(&F.events[i]);
	pfmt(p, sizeof(p), "%s/sys/kernel/uevent_seqnum", F.root);
	mkparents(p);
	f = fopen(p, "w");
	if (!f)
		abort();
	fprintf(f, "%llu\n", (unsigned long long)v);
	fclose(f);
}

void fake_uevent_overflow(void)
{
	F.overflow = 1;
}

static void mkparents(char *p)
{
	for (char *s = p + strlen(F.root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
}

static void make_files(char **files)
{
	for (size_t i = 0; files && files[i]; i += 2) {
		const char *path = files[i], *data = files[i + 1];
		char p[PATH_MAX];
		size_t n;

		pfmt(p, sizeof(p), "%s/%s", F.root, path);
		mkparents(p);
		n = strlen(p);
		if (n && p[n - 1] == '/') {
			mkdir(p, 0755);
		} else if (data && !strncmp(data, "->", 2)) {
			unlink(p);
			(void)!symlink(data + 2, p);
		} else {
			FILE *f = fopen(p, "w");

			if (!f)
				abort();
			fputs(data ? data : "", f);
			fclose(f);
		}
	}
}

void fake_uevent_open_error(int err)
{
	F.uevent_open_err = err;
}

int sys_uevent_open(void)
{
	int fd;

	if (F.uevent_open_err)
		return F.uevent_open_err;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	effect("uevent_open");
	F.uevent_fd = fd;
	return fd;
}

ssize_t sys_uevent_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	struct fake_event *next = NULL;

	if (fd < 0 || fd != F.uevent_fd)
		return -EBADF;
	if (F.overflow) {
		F.overflow = 0;
		return -ENOBUFS;
	}
	for (int i = 0; i < F.nevents; i++)
		if (!F.events[i].delivered && (!next || F.events[i].at < next->at))
			next = &F.events[i];
	if (!next || (timeout_ms >= 0 && next->at > F.now + (uint64_t)timeout_ms)) {
		if (timeout_ms < 0) {
			/* waiting forever for nothing: a real PID 1 would hang here */
			effect("uevent_recv: blocked forever at %llu ms",
			       (unsigned long long)F.now);
			if (F.jmp)
				longjmp(*F.jmp, 'h');
			abort();
		}
		F.now += timeout_ms;
		return 0;
	}
	if (next->at > F.now)
		F.now = next->at;
	next->delivered = 1;
	if (!next->made++)
		make_files(next->files);
	if (!next->msg)
		return -ENOBUFS;
	if (next->len < len)
		len = next->len;
	memcpy(buf, next->msg, len);
	return len;
}

/* ---- the rest ---- */

void fake_set_release(const char *release)
{
	pfmt(F.release, sizeof(F.release), "%s", release);
}

int sys_kernel_release(char *buf, size_t len)
{
	size_t n = strlen(F.release);

	if (n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, F.release, n + 1);
	return n;
}

void fake_set_spawn_status(int status)
{
	F.spawn_status = status;
}

int sys_spawn_wait(const char *path, char *const argv[], char *const envp[])
{
	char a[2048];

	words(a, sizeof(a), argv);
	effect("spawn %s [%s]", path, a);
	return F.spawn_status;
}

void fake_set_pid(int pid)
{
	F.pid = pid;
}

int sys_getpid(void)
{
	return F.pid;
}

uint64_t sys_now_ms(void)
{
	return F.now;
}

void sys_sleep_ms(unsigned ms)
{
	effect("sleep %u", ms);
	F.now += ms;
	/* the kernel makes its devices whether anyone listens or not */
	for (int i = 0; i < F.nevents; i++)
		if (F.events[i].at <= F.now && !F.events[i].made++)
			make_files(F.events[i].files);
}

int sys_reboot(int how)
{
	effect("reboot 0x%x", (unsigned)how);
	if (F.jmp)
		longjmp(*F.jmp, 'x');
	return 0;
}

void sys_exit(int code)
{
	effect("exit %d", code);
	F.exit_code = code;
	if (F.jmp)
		longjmp(*F.jmp, 'x');
	exit(code);
}

int fake_run(int (*fn)(int, char **, char **), int argc, char **argv, int *ret_how)
{
	static char home[] = "HOME=/", term[] = "TERM=linux";
	char *envp[] = { home, term, NULL };
	jmp_buf jb;
	int how, r;

	F.jmp = &jb;
	how = setjmp(jb);
	if (how == 0) {
		r = fn(argc, argv, envp);
		how = 'r';
	} else {
		r = F.exit_code;
	}
	F.jmp = NULL;
	if (ret_how)
		*ret_how = how;
	return r;
}

void fake_init(const char *root)
{
	char *rp = realpath(root, NULL);

	/* what the previous run left open when it exec'd or exited */
	if (F.kmsg_fd >= 0)
		close(F.kmsg_fd);
	if (F.console_fd >= 0)
		close(F.console_fd);
	if (F.uevent_fd >= 0)
		close(F.uevent_fd);
	for (int i = 0; i < F.nevents; i++) {
		free(F.events[i].msg);
		for (size_t k = 0; F.events[i].files && F.events[i].files[k]; k++)
			free(F.events[i].files[k]);
		free(F.events[i].files);
	}
	for (int i = 0; i < F.nhooks; i++) {
		char **files = (char **)F.hooks[i].files;

		free(F.hooks[i].msg);
		for (size_t k = 0; files && files[k]; k++)
			free(files[k]);
		free(files);
	}
	free(F.effects);
	free(F.kmsg);
	free(F.console);
	memset(&F, 0, sizeof(F));
	pfmt(F.root, sizeof(F.root), "%s", rp ? rp : root);
	free(rp);
	memcpy(F.cur_root, F.root, sizeof(F.root));
	strcpy(F.cwd, "/");
	strcpy(F.release, "6.1.0-test");
	F.kmsg_fd = F.console_fd = F.uevent_fd = -1;
	F.pid = 1;
}

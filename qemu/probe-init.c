/* SPDX-License-Identifier: MIT */
/* /sbin/init of the test root disks: reports what the loader left behind, powers off. */

/*
 * Built static with musl (qemu/build-inits.sh). Everything it prints starts with "=== "
 * so qemu/boot.sh can find it among kernel messages on the serial console:
 *
 *   === EARLYMOD ROOT OK
 *   === UPTIME <seconds, first field of /proc/uptime>
 *   === PROC inherited|mounted-by-init
 *   === MODULES BEGIN
 *   <the lines of /proc/modules>
 *   === MODULES END
 *   === CMDLINE <the line of /proc/cmdline>
 *   === MOUNTS BEGIN
 *   <the lines of /proc/mounts>
 *   === MOUNTS END
 *   === PID <n>
 *   === ROOTFS <fstype of the last /proc/mounts entry for />
 *   === ROOTDEV <major>:<minor>
 *   === CHECK pid1 ok|FAIL
 *   === CHECK rootfs ok|FAIL
 *   === MODALIAS <value>      one per device, with "probe.modaliases" on the command
 *                             line (sysfs mounted here if the loader did not move it)
 *   === POWEROFF
 *
 * Nothing here may need a library that the root disk lacks, and it must never exit:
 * PID 1 exiting is a kernel panic, so failures are printed and then we power off.
 * Unless it is PID 1 it mounts nothing and does not power off, so that running it by
 * hand on a host, as root, only prints.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6

static int out = 1;

static void put_n(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(out, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void put(const char *s)
{
	put_n(s, strlen(s));
}

static void put_uint(unsigned long v)
{
	char buf[24];
	char *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_n(p, (size_t)(buf + sizeof(buf) - p));
}

/* Reads a small (proc) file into buf, NUL-terminated; returns its length or -errno. */
static long slurp(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	long ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ssize_t r = read(fd, buf + len, size - 1 - len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	ret = (long)len;
out:
	buf[len] = '\0';
	close(fd);
	return ret;
}

/* Output: a tty on fd 1 is the console the kernel gave us; otherwise find one. */
static void open_console(void)
{
	struct stat st;
	int fd;

	if (isatty(1) || getpid() != 1)
		return;
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && stat("/dev/console", &st) < 0) {
		/* The loader did not move its /dev here: the kernel's own is fine. */
		mkdir("/dev", 0755);
		if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") == 0)
			fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	}
	if (fd >= 0)
		out = fd;
}

static void print_section(const char *name, const char *path)
{
	static char buf[65536];
	long n;

	put("=== ");
	put(name);
	put(" BEGIN\n");
	n = slurp(path, buf, sizeof(buf));
	if (n < 0) {
		put("=== ERROR cannot read ");
		put(path);
		put(": ");
		put(strerror((int)-n));
		put("\n");
	} else {
		put_n(buf, (size_t)n);
		if (n > 0 && buf[n - 1] != '\n')
			put("\n");
	}
	put("=== ");
	put(name);
	put(" END\n");
}

/* The fstype of the last /proc/mounts entry whose mount point is "/": the one we see. */
static void root_fstype(char *ret_type, size_t size)
{
	static char buf[65536];
	char *line, *next;

	strcpy(ret_type, "unknown");
	if (slurp("/proc/mounts", buf, sizeof(buf)) < 0)
		return;
	for (line = buf; *line; line = next) {
		char *dev, *dir, *type, *end;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		dev = line;
		dir = strchr(dev, ' ');
		if (!dir)
			continue;
		*dir++ = '\0';
		type = strchr(dir, ' ');
		if (!type)
			continue;
		*type++ = '\0';
		end = strchr(type, ' ');
		if (end)
			*end = '\0';
		if (strcmp(dir, "/") == 0 && strlen(type) < size)
			strcpy(ret_type, type);
	}
}

/* Every "modalias" file below dir, depth-first, in readdir order; links not followed,
 * so each device is seen once. */
static void print_modaliases(const char *dir, int depth)
{
	static char buf[4096];
	char path[1024];
	struct dirent *e;
	DIR *d;

	if (depth > 32 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(dir) + strlen(e->d_name) + 2;

		if (e->d_name[0] == '.' || n > sizeof(path))
			continue;
		strcpy(path, dir);
		strcat(path, "/");
		strcat(path, e->d_name);
		if (e->d_type == DT_DIR) {
			print_modaliases(path, depth + 1);
		} else if (e->d_type == DT_REG && !strcmp(e->d_name, "modalias") &&
			   slurp(path, buf, sizeof(buf)) > 0) {
			char *nl = strchr(buf, '\n');

			if (nl)
				*nl = '\0';
			if (buf[0]) {
				put("=== MODALIAS ");
				put(buf);
				put("\n");
			}
		}
	}
	closedir(d);
}

int main(void)
{
	static char buf[4096];
	char fstype[64];
	struct statfs sfs;
	struct stat st;
	int proc_mounted_here = 0;
	int root_ok;
	char *p;

	open_console();
	put("\n=== EARLYMOD ROOT OK\n");

	/* The loader moves /proc into the new root; mount it only if it did not. */
	if ((statfs("/proc", &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) && getpid() == 1) {
		mkdir("/proc", 0555);
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			put("=== ERROR mount /proc: ");
			put(strerror(errno));
			put("\n");
		}
		proc_mounted_here = 1;
	}

	if (slurp("/proc/uptime", buf, sizeof(buf)) > 0) {
		p = strchr(buf, ' ');
		if (p)
			*p = '\0';
		put("=== UPTIME ");
		put(buf);
		put("\n");
	} else {
		put("=== UPTIME unknown\n");
	}
	put(proc_mounted_here ? "=== PROC mounted-by-init\n" : "=== PROC inherited\n");

	print_section("MODULES", "/proc/modules");

	put("=== CMDLINE ");
	if (slurp("/proc/cmdline", buf, sizeof(buf)) >= 0) {
		p = strchr(buf, '\n');
		if (p)
			*p = '\0';
		put(buf);
	}
	put("\n");

	print_section("MOUNTS", "/proc/mounts");

	put("=== PID ");
	put_uint((unsigned long)getpid());
	put("\n");

	root_fstype(fstype, sizeof(fstype));
	put("=== ROOTFS ");
	put(fstype);
	put("\n");
	if (stat("/", &st) == 0) {
		put("=== ROOTDEV ");
		put_uint(major(st.st_dev));
		put(":");
		put_uint(minor(st.st_dev));
		put("\n");
	}

	put(getpid() == 1 ? "=== CHECK pid1 ok\n" : "=== CHECK pid1 FAIL\n");
	/* statfs too: /proc/mounts could say anything if the loader got mounts wrong. */
	root_ok = strcmp(fstype, "rootfs") != 0 && strcmp(fstype, "tmpfs") != 0 &&
		  strcmp(fstype, "ramfs") != 0 && strcmp(fstype, "unknown") != 0;
	if (statfs("/", &sfs) == 0 &&
	    (sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC))
		root_ok = 0;
	put(root_ok ? "=== CHECK rootfs ok\n" : "=== CHECK rootfs FAIL\n");

	if (slurp("/proc/cmdline", buf, sizeof(buf)) >= 0 && strstr(buf, "probe.modaliases")) {
		if (stat("/sys/devices", &st) < 0 && getpid() == 1) {
			mkdir("/sys", 0555);
			mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		}
		print_modaliases("/sys/devices", 0);
	}

	sync();
	if (getpid() != 1)
		return 1;
	put("=== POWEROFF\n");
	reboot(RB_POWER_OFF);
	put("=== ERROR reboot: ");
	put(strerror(errno));
	put("\n");
	for (;;)
		pause();
}

/* SPDX-License-Identifier: MIT */
/* boot.c: the PID 1 path, from the kernel's hand-over to the real root's init.
 *
 * The steps, each a function below:
 *   1. mount devtmpfs on /dev, proc, sysfs, and a tmpfs on /run
 *   2. log to /dev/kmsg and /dev/console
 *   3. read /proc/cmdline (root=, rootwait, init=, earlymod.debug, ...)
 *   4. open the uevent socket, before anything can make a device appear
 *   5. map the module database (the blob) and compare its kernel with ours
 *   6. point the kernel's request_module() at our modprobe applet
 *   7. load the modules the image lists, then the drivers of the devices in sysfs
 *      (coldplug; earlymod.coldplug=0 turns it off, see coldplug.h)
 *   8. wait for the root device, by events (rootdelay=, rootwait), loading the
 *      drivers of the devices the events announce (hotplug)
 *   9. mount it on /root (rootfstype=, rootflags=, ro/rw)
 *  10. switch_root to it and exec init (init=, the words after " -- ")
 * Anything that makes booting impossible ends in fatal(). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "applets.h"
#include "blob.h"
#include "bootopts.h"
#include "coldplug.h"
#include "fileio.h"
#include "load.h"
#include "log.h"
#include "rootdev.h"
#include "switchroot.h"
#include "sys.h"
#include "uevent.h"

#define NEWROOT "/root"
#define CMDLINE_MAX 4096
#define ROOT_WAIT_MS 30000 /* without rootwait, as long as the kernel's usual patience */
#define NO_SOCKET_POLL_MS 100 /* only when the kernel has no netlink (CONFIG_NET=n) */

static struct boot {
	struct bootopts o;
	struct blob b;
	struct loader ld;
	struct root_spec spec;
	struct root_found root;
	int kmsg_fd, console_fd, uevent_fd;
	char cmdline[CMDLINE_MAX];
	char ev[UEVENT_MSG_MAX + 1];
} B;

/* "WHAT at 1.234 s": the milestones, with the time since the kernel started */
static void milestone(const char *what, const char *more)
{
	char t[24];

	log_info(what, more, " at ", fmt_ms(t, sys_now_ms()), " s");
}

static int mkdir_once(const char *path)
{
	struct stat st;
	int r;

	if (sys_fstatat(AT_FDCWD, path, &st, 0) == 0)
		return 0;
	r = sys_mkdir(path, 0755);
	return r == -EEXIST ? 0 : r;
}

/* 1 */
static void mount_api_filesystems(void)
{
	static const struct {
		const char *src, *target, *type, *data;
		unsigned long flags;
	} m[] = {
		{ "devtmpfs", "/dev", "devtmpfs", "mode=0755", MS_NOSUID },
		{ "proc", "/proc", "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "sysfs", "/sys", "sysfs", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
		{ "tmpfs", "/run", "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV },
	};
	char ebuf[32];

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		int r = mkdir_once(m[i].target);

		if (r == 0)
			r = sys_mount(m[i].src, m[i].target, m[i].type, m[i].flags,
				      m[i].data);
		/* EBUSY: already mounted (by the kernel's devtmpfs.mount, or an /init
		 * that runs us as a helper) */
		if (r < 0 && r != -EBUSY)
			log_err("cannot mount ", m[i].type, " on ", m[i].target, ": ",
				errno_str(ebuf, r));
	}
}

/* 2 */
static void open_log(void)
{
	B.kmsg_fd = sys_open("/dev/kmsg", O_WRONLY, 0);
	B.console_fd = sys_open("/dev/console", O_WRONLY | O_NOCTTY, 0);
	log_init(B.kmsg_fd, B.console_fd >= 0 ? B.console_fd : 2, LOG_INFO);
	log_take_kmsg();
	milestone("earlymod loader starting", "");
}

/* 3 */
static void read_cmdline(void)
{
	ssize_t r = read_text(AT_FDCWD, "/proc/cmdline", B.cmdline, sizeof(B.cmdline));
	size_t len = r > 0 ? (size_t)r : 0;

	if (r < 0)
		log_warn("cannot read /proc/cmdline; booting with no options");
	while (len && (B.cmdline[len - 1] == '\n' || B.cmdline[len - 1] == ' '))
		len--;
	B.cmdline[len] = 0;
	bootopts_parse(&B.o, B.cmdline, len);
	if (B.o.debug)
		log_init(B.kmsg_fd, B.console_fd >= 0 ? B.console_fd : 2, LOG_DEBUG);
	log_debug("command line: ", B.cmdline);
}

/* 4 */
static void open_uevents(void)
{
	char ebuf[32];

	B.uevent_fd = sys_uevent_open();
	if (B.uevent_fd < 0)
		log_warn("cannot listen to kernel uevents (",
			 errno_str(ebuf, B.uevent_fd),
			 "); looking for the root device every 100 ms instead");
}

/* 5 */
static void map_blob(void)
{
	char ebuf[32], rel[65];
	const char *why;
	int r = blob_map(BLOB_IMAGE_PATH, &B.b);

	if (r < 0) {
		why = r == -EBADMSG  ? "damaged (bad checksum or layout)"
		      : r == -EPROTO ? "from an incompatible mkinitfs version"
				     : errno_str(ebuf, r);
		fatal("cannot use the module database ", BLOB_IMAGE_PATH, ": ", why,
		      "; rebuild the image with mkinitfs", (const char *)0);
	}
	r = sys_kernel_release(rel, sizeof(rel));
	if (r >= 0 && strcmp(rel, B.b.kver))
		log_warn("WARNING: this image's modules are for kernel ", B.b.kver,
			 " but the running kernel is ", rel,
			 ": modules will likely fail to load (run mkinitfs for ", rel,
			 ")");
}

/* 6 */
static void set_modprobe_path(void)
{
	static const char path[] = "/sbin/modprobe";
	int fd = sys_open("/proc/sys/kernel/modprobe", O_WRONLY | O_TRUNC, 0);

	if (fd < 0) {
		log_debug("no /proc/sys/kernel/modprobe: no request_module() for us");
		return;
	}
	if (sys_write(fd, path, sizeof(path) - 1) < 0)
		log_warn("cannot set /proc/sys/kernel/modprobe, ignoring");
	sys_close(fd);
}

/* 7 */
static void load_modules(void)
{
	char n[24], f[24], t[24];
	struct stat st;
	int failed;

	ld_init(&B.ld, &B.b, B.cmdline);
	B.ld.have_shell = sys_fstatat(AT_FDCWD, "/bin/sh", &st, 0) == 0;
	failed = ld_load_listed(&B.ld);
	log_info("modules loaded: ", fmt_u64(n, B.ld.nloaded), " (", fmt_u64(f, failed),
		 " failed) at ", fmt_ms(t, sys_now_ms()), " s");
	cp_init(&B.ld);
	cp_scan();
}

/* every uevent passes here: drivers for new devices, then the answer whether the
 * block devices may have changed */
static int handle_uevent(const struct uevent *ev)
{
	log_debug("uevent ", ev->action, " ", ev->devpath, " ", ev->subsystem);
	cp_uevent(ev);
	return !strcmp(ev->subsystem, "block") &&
	       (!strcmp(ev->action, "add") || !strcmp(ev->action, "change"));
}

/* milliseconds until the deadline for poll(): -1 for UINT64_MAX (forever) */
static int remaining_ms(uint64_t deadline)
{
	uint64_t now = sys_now_ms();

	if (deadline == UINT64_MAX)
		return -1;
	if (now >= deadline)
		return 0;
	return deadline - now > 0x7fffffff ? 0x7fffffff : (int)(deadline - now);
}

/* waits until the deadline (UINT64_MAX: forever) for something that may have
 * made the root appear: 1 to look again, 0 when the deadline passed */
static int wait_uevents(uint64_t deadline)
{
	for (;;) {
		int timeout = remaining_ms(deadline);
		struct uevent ev;
		ssize_t n;

		if (timeout == 0)
			return 0;
		if (B.uevent_fd < 0) {
			if (timeout < 0 || timeout > NO_SOCKET_POLL_MS)
				timeout = NO_SOCKET_POLL_MS;
			sys_sleep_ms(timeout);
			cp_scan(); /* without events, new devices are seen only so */
			return 1;
		}
		n = sys_uevent_recv(B.uevent_fd, B.ev, sizeof(B.ev) - 1, timeout);
		if (n == -ENOBUFS) {
			log_debug("uevents were lost; looking at every device again");
			cp_scan();
			return 1;
		}
		if (n == 0)
			continue; /* the deadline, seen at the top */
		if (n < 0) {
			char ebuf[32];

			log_warn("reading uevents: ", errno_str(ebuf, (int)n),
				 "; polling instead");
			sys_close(B.uevent_fd);
			B.uevent_fd = -1;
			return 1;
		}
		B.ev[n] = 0;
		if (uevent_parse(B.ev, (size_t)n + (B.ev[n - 1] != 0), &ev) == 0 &&
		    handle_uevent(&ev))
			return 1;
	}
}

static void root_timeout(uint64_t waited)
{
	char s[24];

	log_err("root=", B.o.root, " not found after ", fmt_u64(s, waited / 1000),
		" s; the block devices the kernel has:");
	root_report();
	cp_report();
	fatal("no root device: check root= and that the image has the driver for the "
	      "disk (rootwait waits for ever)",
	      (const char *)0);
}

/* 8 */
static void wait_root(void)
{
	uint64_t start, deadline;
	char ebuf[32];
	int r;

	if (!B.o.root[0])
		fatal("no root= on the kernel command line: nothing to boot",
		      (const char *)0);
	if (root_spec_parse(&B.spec, B.o.root) < 0)
		fatal("cannot understand root=", B.o.root, (const char *)0);
	if (B.o.rootdelay > 0) {
		log_info("rootdelay: waiting ", fmt_u64(ebuf, B.o.rootdelay), " s");
		sys_sleep_ms((unsigned)B.o.rootdelay * 1000);
	}
	start = sys_now_ms();
	if (B.o.rootwait)
		deadline = UINT64_MAX;
	else if (B.o.rootwait_s >= 0)
		deadline = start + (uint64_t)B.o.rootwait_s * 1000;
	else
		deadline = start + ROOT_WAIT_MS;
	for (;;) {
		r = root_find(&B.spec, &B.root);
		if (r == 1)
			break;
		if (r < 0)
			log_debug("looking for root=", B.o.root, ": ",
				  errno_str(ebuf, r));
		if (!wait_uevents(deadline))
			root_timeout(sys_now_ms() - start);
	}
	milestone("root device found: ", B.root.dev);
}

static int try_mount(const char *type, unsigned long flags)
{
	const char *data = B.o.rootflags[0] ? B.o.rootflags : NULL;
	int r = sys_mount(B.root.dev, NEWROOT, type, flags, data);

	/* as the kernel does: a device that refuses writing is mounted read-only */
	if ((r == -EACCES || r == -EROFS) && !(flags & MS_RDONLY)) {
		log_warn(B.root.dev, " is write-protected, mounting it read-only");
		r = sys_mount(B.root.dev, NEWROOT, type, flags | MS_RDONLY, data);
	}
	if (r < 0) {
		char ebuf[32];

		log_debug("mount ", B.root.dev, " as ", type, ": ", errno_str(ebuf, r));
	}
	return r;
}

/* each comma-separated type in turn: 0 or the error for the last one */
static int mount_types(const char *list, unsigned long flags, const char **ret_type)
{
	static char type[BOOTOPT_MAX];
	int r = -ENODEV;

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n && n < sizeof(type)) {
			memcpy(type, list, n);
			type[n] = 0;
			*ret_type = type;
			r = try_mount(type, flags);
			if (r == 0)
				return 0;
		}
		list += n + (list[n] == ',');
	}
	return r;
}

/* 9 */
static void mount_root(void)
{
	static char probed[sizeof(B.root.fs.type) + 8];
	unsigned long flags = B.o.rw ? 0 : MS_RDONLY;
	const char *types, *type = "", *t = B.root.fs.type;
	char ebuf[32];
	int r;

	if (B.o.rootfstype[0]) {
		types = B.o.rootfstype;
	} else if (*t) {
		/* ext2 and ext3 are usually served by the ext4 driver */
		size_t n = strlen(t);

		memcpy(probed, t, n + 1);
		if (!strcmp(t, "ext2") || !strcmp(t, "ext3"))
			memcpy(probed + n, ",ext4", 6);
		types = probed;
	} else {
		types = "ext4,xfs,btrfs,f2fs,vfat,ext3,ext2";
	}
	r = mkdir_once(NEWROOT);
	if (r == 0)
		r = mount_types(types, flags, &type);
	if (r < 0)
		fatal("cannot mount root ", B.root.dev, " (", *type ? type : types,
		      ") on ", NEWROOT, ": ", errno_str(ebuf, r),
		      r == -ENODEV ? " (is the filesystem's module in the image?)" : "",
		      (const char *)0);
	log_info("mounted ", B.root.dev, " (", type, flags & MS_RDONLY ? ", ro" : ", rw",
		 ") on " NEWROOT);
}

/* 10 */
static __attribute__((noreturn)) void switch_to_root(char **envp)
{
	char *argv[sizeof(B.o.init_argv) / sizeof(B.o.init_argv[0]) + 2];
	int n = 0;

	argv[n++] = B.o.init;
	for (int i = 0; i < B.o.init_argc; i++)
		argv[n++] = B.o.init_argv[i];
	argv[n] = NULL;
	milestone("switching to the root, init ", B.o.init);
	log_release_kmsg();
	if (B.uevent_fd >= 0)
		sys_close(B.uevent_fd);
	switch_root(NEWROOT, B.o.init, argv, envp);
}

int boot_main(int argc, char **argv, char **envp)
{
	memset(&B, 0, sizeof(B));
	B.kmsg_fd = B.console_fd = B.uevent_fd = -1;
	mount_api_filesystems();
	open_log();
	read_cmdline();
	open_uevents();
	map_blob();
	set_modprobe_path();
	load_modules();
	wait_root();
	mount_root();
	switch_to_root(envp);
}

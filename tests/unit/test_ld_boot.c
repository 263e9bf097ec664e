/* SPDX-License-Identifier: MIT */
/* test_ld_boot.c: the PID 1 path (loader/boot.c, switchroot.c) against the fake kernel:
 * mounts, module loading, waiting for the root by events, mounting it, switch_root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "blob.h"
#include "blob_write.h"
#include "fake.h"
#include "tap.h"
#include "troot.h"

#define KVER "6.1.0-test"
#define UUID "2f8e1c3a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"

static char root[256];
static int have_mkfs;

static void put(const char *rel, const char *data)
{
	troot_put(root, rel, data);
}

static int exists(const char *rel)
{
	return troot_exists(root, rel);
}

static char *slurp(const char *rel)
{
	return troot_slurp(root, rel);
}

/* mbcache, jbd2, ext4 (needs both, options "debug=1"), virtio_blk; the image loads
 * virtio_blk and ext4 */
static void write_blob(const char *kver)
{
	struct blob_builder *w = bw_new();
	uint32_t none = BLOB_NONE, deps[2] = { 0, 1 };
	uint32_t mods[4][10] = {
		{ bw_str(w, "mbcache"), bw_str(w, "kernel/fs/mbcache.ko"),
		  bw_str(w, "kernel/fs/mbcache.ko"), 0, 0, none, none, none, none,
		  BLOB_M_IN_IMAGE },
		{ bw_str(w, "jbd2"), bw_str(w, "kernel/fs/jbd2/jbd2.ko"),
		  bw_str(w, "kernel/fs/jbd2/jbd2.ko"), 0, 0, none, none, none, none,
		  BLOB_M_IN_IMAGE },
		{ bw_str(w, "ext4"), bw_str(w, "kernel/fs/ext4/ext4.ko"),
		  bw_str(w, "kernel/fs/ext4/ext4.ko"), bw_list(w, deps, 2), 2, none, none,
		  none, none, BLOB_M_IN_IMAGE },
		{ bw_str(w, "virtio_blk"),
		  bw_str(w, "kernel/drivers/block/virtio_blk.ko"),
		  bw_str(w, "kernel/drivers/block/virtio_blk.ko"), 0, 0, none, none, none,
		  none, BLOB_M_IN_IMAGE },
	};
	uint32_t opt[2] = { bw_str(w, "ext4"), bw_str(w, "debug=1") };
	uint32_t load1[2] = { bw_str(w, "virtio_blk"), 0 };
	uint32_t load2[2] = { bw_str(w, "ext4"), 0 };
	uint8_t *data;
	size_t len;
	char p[512], moddir[64];
	FILE *f;

	for (int i = 0; i < 4; i++)
		bw_rec(w, BLOB_S_MODULES, mods[i], 10);
	bw_rec(w, BLOB_S_OPTIONS, opt, 2);
	bw_rec(w, BLOB_S_LOAD, load1, 2);
	bw_rec(w, BLOB_S_LOAD, load2, 2);
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s", kver);
	if (bw_finish(w, kver, moddir, 0, &data, &len) < 0)
		abort();
	bw_free(w);
	put("lib/modules/", "");
	snprintf(p, sizeof(p), "%s/lib/modules/earlymod.blob", root);
	f = fopen(p, "w");
	fwrite(data, 1, len, f);
	fclose(f);
	free(data);
}

static void write_modules(const char *kver)
{
	char p[256];

	snprintf(p, sizeof(p), "lib/modules/%s/kernel/fs/mbcache.ko", kver);
	put(p, "fake module\n");
	snprintf(p, sizeof(p), "lib/modules/%s/kernel/fs/jbd2/jbd2.ko", kver);
	put(p, "fake module\n");
	snprintf(p, sizeof(p), "lib/modules/%s/kernel/fs/ext4/ext4.ko", kver);
	put(p, "depends=mbcache,jbd2\n");
	snprintf(p, sizeof(p), "lib/modules/%s/kernel/drivers/block/virtio_blk.ko", kver);
	put(p, "depends=\n");
}

/* the files the kernel makes for a disk: sysfs (the links included) and its node */
/* clang-format off */
static const char *const vda_files[] = {
	"sys/devices/virtual/block/vda/dev", "254:0\n",
	"sys/devices/virtual/block/vda/uevent",
		"MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n",
	"sys/class/block/vda", "->../../devices/virtual/block/vda",
	"sys/dev/block/254:0", "->../../devices/virtual/block/vda",
	"dev/vda", "",
	NULL,
};
/* clang-format on */

static void add_vda(void)
{
	for (int i = 0; vda_files[i]; i += 2) {
		char p[512];

		if (!strncmp(vda_files[i + 1], "->", 2)) {
			put(vda_files[i], "");
			snprintf(p, sizeof(p), "%s/%s", root, vda_files[i]);
			unlink(p);
			if (symlink(vda_files[i + 1] + 2, p) < 0)
				abort();
		} else {
			put(vda_files[i], vda_files[i + 1]);
		}
	}
}

static const char vda_add[] =
	"add@/devices/virtual/block/vda\0ACTION=add\0"
	"DEVPATH=/devices/virtual/block/vda\0SUBSYSTEM=block\0"
	"MAJOR=254\0MINOR=0\0DEVNAME=vda\0DEVTYPE=disk\0SEQNUM=1000";

/* a fresh initramfs: the API filesystem directories, the image's modules and blob,
 * a new root with /sbin/init (and its own empty /dev, /proc, /sys, /run) */
static void setup(const char *cmdline)
{
	troot_fresh(root, "test_ld_boot");
	put("dev/", "");
	put("sys/class/block/", "");
	put("run/", "");
	put("proc/sys/kernel/modprobe", "/sbin/modprobe-default\n");
	put("proc/cmdline", cmdline);
	put("init", "the loader\n");
	put("etc/hostname", "initramfs\n");
	put("root/sbin/init", "#!real init\n");
	put("root/dev/", "");
	put("root/proc/", "");
	put("root/sys/", "");
	put("root/run/", "");
	write_blob(KVER);
	write_modules(KVER);
}

static int boot(int *how)
{
	char a0[] = "/init";
	char *argv[] = { a0, NULL };

	return fake_run(boot_main, 1, argv, how);
}

/* the effect log without the deletion of the initramfs (checked on its own) */
static const char *effects_but_unlink(void)
{
	static char buf[16384];
	const char *e = fake_effects();
	size_t n = 0;

	while (*e) {
		const char *nl = strchr(e, '\n');
		size_t len = nl ? (size_t)(nl - e + 1) : strlen(e);

		if (strncmp(e, "unlink ", 7) && n + len < sizeof(buf)) {
			memcpy(buf + n, e, len);
			n += len;
		}
		e += len;
	}
	buf[n] = 0;
	return buf;
}

static void diag_on_failure(int good)
{
	if (!good || getenv("TEST_SHOW")) {
		printf("# effects:\n%s", fake_effects());
		printf("# kmsg:\n%s", fake_kmsg());
	}
}

static void test_full_boot(void)
{
	int how, r;
	const char *want = "mount devtmpfs /dev devtmpfs nosuid 'mode=0755'\n"
			   "mount proc /proc proc nosuid,nodev,noexec ''\n"
			   "mount sysfs /sys sysfs nosuid,nodev,noexec ''\n"
			   "mount tmpfs /run tmpfs nosuid,nodev 'mode=0755'\n"
			   "uevent_open\n"
			   "finit_module virtio_blk params='' flags=0\n"
			   "finit_module mbcache params='' flags=0\n"
			   "finit_module jbd2 params='' flags=0\n"
			   "finit_module ext4 params='debug=1 foo=2 ' flags=0\n"
			   "mount /dev/vda /root ext4 ro ''\n"
			   "mount /dev /root/dev none move ''\n"
			   "mount /proc /root/proc none move ''\n"
			   "mount /sys /root/sys none move ''\n"
			   "mount /run /root/run none move ''\n"
			   "chdir /root\n"
			   "mount /root / none move ''\n"
			   "chroot .\n"
			   "chdir /\n"
			   "execve /sbin/init [/sbin/init] env [HOME=/ TERM=linux]\n";

	setup("console=ttyS0 root=/dev/vda rootfstype=ext4 ext4.foo=2 quiet");
	add_vda();
	r = boot(&how);
	is_int(how, 'e', "root=/dev/vda present at start: init is exec'd");
	is_int(r, 0, "no exit code");
	diag_on_failure(
		is_str(effects_but_unlink(), want,
		       "mounts, modules in dependency order, mount, switch, exec"));
	ok(has(fake_effects(), "unlink /lib/modules/earlymod.blob\n") &&
		   has(fake_effects(), "unlink /init\n") &&
		   has(fake_effects(), "unlink /lib (dir)\n"),
	   "the initramfs's files are deleted");
	ok(!has(fake_effects(), "unlink /root") && exists("root/sbin/init"),
	   "the new root (a mount point) is not touched");
	ok(!exists("lib") && !exists("init") && !exists("etc"),
	   "nothing of the initramfs is left");
	ok(exists("root/sys/module/ext4/initstate"), "sysfs moved into the new root");
	is_str(slurp("root/proc/sys/kernel/modprobe"), "/sbin/modprobe",
	       "/proc/sys/kernel/modprobe points at our applet");
	ok(has(fake_kmsg(), "earlymod: earlymod loader starting at 0.000 s\n"),
	   "start stamp");
	ok(has(fake_kmsg(), "modules loaded: 4 (0 failed) at 0.000 s\n"),
	   "modules loaded stamp with the count");
	ok(has(fake_kmsg(), "root device found: /dev/vda at 0.000 s\n"),
	   "root found stamp");
	ok(has(fake_kmsg(), "switching to the root, init /sbin/init at 0.000 s\n"),
	   "switch stamp");
	ok(!has(fake_kmsg(), "WARNING"), "no kernel version warning when they match");
}

static void test_module_rejected(void)
{
	int how;

	setup("root=/dev/vda");
	add_vda();
	fake_module_error("jbd2", -ENOEXEC);
	boot(&how);
	is_int(how, 'e', "a rejected module does not stop the boot");
	ok(has(fake_kmsg(), "could not insert 'jbd2': Invalid module format (built for "
			    "another kernel?)"),
	   "the rejection is explained");
	ok(has(fake_kmsg(), "modules loaded: 2 (1 failed)"), "the failure is counted");
	ok(!has(fake_effects(), "finit_module ext4"), "ext4 is not loaded without jbd2");
}

/* the kernel echoes kmsg records below console_loglevel: the loader must not print
 * them a second time, must lift kmsg's rate limit while it runs, and put it back */
static void test_kmsg_console(void)
{
	const char *dk;
	int how;

	setup("root=/dev/vda");
	add_vda();
	fake_module_error("jbd2", -ENOEXEC);
	boot(&how);
	ok(has(fake_console(), "could not insert 'jbd2'"),
	   "without /proc/sys/kernel/printk the loader writes the console itself");

	setup("root=/dev/vda");
	add_vda();
	put("proc/sys/kernel/printk", "4\t4\t1\t7\n");
	put("proc/sys/kernel/printk_devkmsg", "ratelimit\n");
	fake_module_error("jbd2", -ENOEXEC);
	boot(&how);
	is_int(how, 'e', "booted");
	ok(has(fake_kmsg(), "could not insert 'jbd2'"), "the error is in kmsg");
	ok(!has(fake_console(), "could not insert 'jbd2'"),
	   "and not written to the console again: the kernel echoes level 3 < 4");
	ok(has(fake_console(), "root device found"),
	   "info (level 6, not echoed under loglevel 4) is written by the loader");
	dk = slurp("root/proc/sys/kernel/printk_devkmsg");
	if (!dk)
		dk = slurp("proc/sys/kernel/printk_devkmsg");
	is_str(dk, "ratelimit\n", "kmsg's rate limit is back before init runs");

	setup("root=/dev/vda");
	add_vda();
	put("proc/sys/kernel/printk", "4\t4\t1\t7\n");
	put("proc/sys/kernel/printk_devkmsg", "off\n");
	fake_module_error("jbd2", -ENOEXEC);
	boot(&how);
	ok(has(fake_console(), "could not insert 'jbd2'"),
	   "printk_devkmsg=off drops our kmsg writes: the loader writes the console");
}

static void test_root_by_uevent(void)
{
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	fake_uevent_at(300, vda_add, sizeof(vda_add), vda_files);
	boot(&how);
	is_int(how, 'e', "root appearing at 300 ms: booted");
	ok(has(fake_kmsg(), "root device found: /dev/vda at 0.300 s\n"),
	   "found at 300 ms");
	ok(!has(fake_effects(), "sleep "), "without sleeping");
	is_int(fake_now(), 300, "the clock stopped at the event");
}

static void test_root_other_events(void)
{
	static const char noise[] =
		"add@/devices/virtual/net/lo\0ACTION=add\0"
		"DEVPATH=/devices/virtual/net/lo\0SUBSYSTEM=net\0SEQNUM=7";
	static const char udev[] = "libudev\0\xfe\xed\xca\xfe";
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	fake_uevent_at(100, noise, sizeof(noise), NULL);
	fake_uevent_at(150, udev, sizeof(udev), NULL);
	fake_uevent_at(2000, vda_add, sizeof(vda_add), vda_files);
	boot(&how);
	is_int(how, 'e', "other events are passed over");
	ok(has(fake_kmsg(), "root device found: /dev/vda at 2.000 s\n"), "found at 2 s");
}

static void test_root_never(void)
{
	int how, r;

	setup("root=/dev/vda");
	r = boot(&how);
	is_int(how, 'x', "root never appearing: the loader exits");
	is_int(r, 1, "exit code 1 (the kernel panics)");
	is_int(fake_now(), 30000, "after 30 s");
	ok(has(fake_kmsg(), "root=/dev/vda not found after 30 s"),
	   "the diagnostic says so");
	ok(has(fake_kmsg(), "FATAL: no root device"), "and it is fatal");
	ok(!has(fake_effects(), "spawn"), "no shell offered when the image has none");
}

static void test_rootwait(void)
{
	int how;

	setup("root=/dev/vda rootwait rootfstype=ext4");
	fake_uevent_at(45000, vda_add, sizeof(vda_add), vda_files);
	boot(&how);
	is_int(how, 'e', "rootwait: booted");
	ok(has(fake_kmsg(), "root device found: /dev/vda at 45.000 s\n"),
	   "found after 45 s");

	setup("root=/dev/vda rootwait");
	boot(&how);
	is_int(how, 'h', "rootwait and no root: waits for ever");

	setup("root=/dev/vda rootwait=5");
	boot(&how);
	is_int(how, 'x', "rootwait=5 and no root: gives up");
	is_int(fake_now(), 5000, "after 5 s, not 30");
	ok(has(fake_kmsg(), "root=/dev/vda not found after 5 s"), "and says so");

	setup("root=/dev/vda rootwait=60 rootfstype=ext4");
	fake_uevent_at(45000, vda_add, sizeof(vda_add), vda_files);
	boot(&how);
	is_int(how, 'e', "rootwait=60: root at 45 s is still found");
}

static void test_rootdelay(void)
{
	int how;

	setup("root=/dev/vda rootdelay=2 rootfstype=ext4");
	add_vda();
	boot(&how);
	is_int(how, 'e', "rootdelay: booted");
	ok(has(fake_effects(), "finit_module ext4 params='debug=1 ' flags=0\nsleep 2000\n"
			       "mount /dev/vda /root ext4 ro ''\n"),
	   "sleeps 2000 ms after loading modules, before mounting");
}

static void test_enobufs(void)
{
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	/* the event is lost: only the rescan after -ENOBUFS finds the disk */
	fake_uevent_at(500, NULL, 0, vda_files);
	boot(&how);
	is_int(how, 'e', "-ENOBUFS: rescanned");
	ok(has(fake_kmsg(), "root device found: /dev/vda at 0.500 s\n"),
	   "found at 500 ms");
}

static void test_mount_options(void)
{
	int how;

	setup("root=/dev/vda rootfstype=xfs,ext4 rootflags=data=journal,noatime rw");
	add_vda();
	fake_mount_error("xfs", -EINVAL);
	boot(&how);
	is_int(how, 'e', "rootfstype list: booted");
	ok(has(fake_effects(), "mount /dev/vda /root xfs 0 'data=journal,noatime'\n"
			       "mount /dev/vda /root ext4 0 'data=journal,noatime'\n"),
	   "each type in turn, read-write, with rootflags");

	setup("root=/dev/vda rootfstype=ext4 rw ro");
	add_vda();
	boot(&how);
	ok(has(fake_effects(), "mount /dev/vda /root ext4 ro ''\n"),
	   "the last of ro/rw wins");

	setup("root=/dev/vda rootfstype=ext4");
	add_vda();
	fake_mount_error("ext4", -EINVAL);
	boot(&how);
	is_int(how, 'x', "an unmountable root is fatal");
	ok(has(fake_kmsg(), "FATAL: cannot mount root /dev/vda (ext4) on /root: "
			    "Invalid argument"),
	   "naming device, type and error");
}

static void test_init_args(void)
{
	int how;

	setup("root=/dev/vda rootfstype=ext4 init=/bin/myinit -- single  --foo x");
	add_vda();
	put("root/bin/myinit", "");
	boot(&how);
	is_int(how, 'e', "init=: booted");
	ok(has(fake_effects(), "execve /bin/myinit [/bin/myinit single --foo x] env "
			       "[HOME=/ TERM=linux]\n"),
	   "init= with the arguments after --");

	setup("root=/dev/vda rootfstype=ext4 init=/sbin/nothere");
	add_vda();
	boot(&how);
	is_int(how, 'x', "a missing init is fatal");
	ok(has(fake_kmsg(),
	       "FATAL: the root filesystem has no init program /sbin/nothere"),
	   "naming it");
	ok(exists("lib/modules/earlymod.blob"), "before anything is deleted");

	/* systemd's absolute link resolves inside the new root */
	setup("root=/dev/vda rootfstype=ext4");
	add_vda();
	put("root/lib/systemd/systemd", "");
	{
		char p[512];

		snprintf(p, sizeof(p), "%s/root/sbin/init", root);
		unlink(p);
		if (symlink("/lib/systemd/systemd", p) < 0)
			abort();
	}
	boot(&how);
	is_int(how, 'e', "/sbin/init -> /lib/systemd/systemd is found in the new root");
}

static void test_blob_problems(void)
{
	int how;
	char p[512];

	setup("root=/dev/vda rootfstype=ext4");
	add_vda();
	fake_set_release("6.2.0-other");
	boot(&how);
	ok(has(fake_kmsg(),
	       "WARNING: this image's modules are for kernel 6.1.0-test but the "
	       "running kernel is 6.2.0-other: modules will likely fail to load"),
	   "a kernel version mismatch is a warning");
	is_int(how, 'e', "and the boot goes on");

	setup("root=/dev/vda");
	snprintf(p, sizeof(p), "%s/lib/modules/earlymod.blob", root);
	unlink(p);
	boot(&how);
	is_int(how, 'x', "a missing blob is fatal");
	ok(has(fake_kmsg(),
	       "FATAL: cannot use the module database /lib/modules/earlymod.blob:"
	       " No such file or directory"),
	   "with a clear message");

	setup("root=/dev/vda");
	put("lib/modules/earlymod.blob", "EARLYMOD garbage");
	boot(&how);
	is_int(how, 'x', "a damaged blob is fatal");
	ok(has(fake_kmsg(), "/lib/modules/earlymod.blob: damaged"), "and says so");
}

static void test_shell_offered(void)
{
	int how;

	setup("root=/dev/vda");
	put("bin/sh", "");
	boot(&how);
	is_int(how, 'x', "fatal with a shell in the image");
	ok(has(fake_effects(), "spawn /bin/sh [/bin/sh]\nexit 1\n"),
	   "offers the shell, then exits");
}

static void test_already_mounted(void)
{
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	add_vda();
	fake_mount_error("/dev", -EBUSY);
	boot(&how);
	is_int(how, 'e', "/dev already mounted (EBUSY) is fine");
	ok(!has(fake_kmsg(), "cannot mount devtmpfs"), "and not reported");
}

static void test_overflow_flag(void)
{
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	/* the disk is there, but the first scan ran before; an overflow must rescan */
	fake_uevent_overflow();
	fake_uevent_at(0, NULL, 0, vda_files);
	boot(&how);
	is_int(how, 'e', "fake_uevent_overflow: booted");
	is_int(fake_now(), 0, "at once");
}

static void test_newroot_without_run(void)
{
	char p[512];
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	add_vda();
	snprintf(p, sizeof(p), "%s/root/run", root);
	rmdir(p);
	boot(&how);
	is_int(how, 'e', "a new root without /run: booted");
	ok(has(fake_effects(), "mount /sys /root/sys none move ''\numount /run (lazy)\n"),
	   "the initramfs's /run is unmounted lazily instead of moved");
	ok(has(fake_kmsg(), "the new root has no /run; unmounting the initramfs's"),
	   "and that is said");
}

static void test_no_netlink(void)
{
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	fake_uevent_open_error(-EAFNOSUPPORT);
	fake_uevent_at(250, vda_add, sizeof(vda_add), vda_files);
	boot(&how);
	is_int(how, 'e', "no netlink socket: booted anyway");
	ok(has(fake_kmsg(), "cannot listen to kernel uevents"), "with a warning");
	ok(has(fake_kmsg(), "root device found: /dev/vda at 0.300 s\n"),
	   "found by looking every 100 ms");

	setup("root=/dev/vda");
	fake_uevent_open_error(-EAFNOSUPPORT);
	boot(&how);
	is_int(how, 'x', "no netlink and no root: fatal");
	is_int(fake_now(), 30000, "after 30 s still");
}

static void test_delete_bounds(void)
{
	char rel[1024] = "deep";
	int how;

	setup("root=/dev/vda rootfstype=ext4");
	add_vda();
	for (int i = 0; i < 70; i++)
		strcat(rel, "/d");
	strcat(rel, "/file");
	put(rel, "x");
	put("lib/hidden/.dot", "x");
	{
		char p[512];

		/* a link to the new root and one to the host's /: never followed */
		snprintf(p, sizeof(p), "%s/lib/to-newroot", root);
		if (symlink("../root", p) < 0)
			abort();
		snprintf(p, sizeof(p), "%s/lib/to-host", root);
		if (symlink("/", p) < 0)
			abort();
	}
	boot(&how);
	is_int(how, 'e', "a deep initramfs: booted");
	ok(has(fake_kmsg(), "is nested too deep; leaving it"),
	   "the depth bound is logged");
	ok(exists("deep/d/d") && !exists("lib"), "the rest is deleted, links included");
	ok(exists("root/sbin/init") && exists("root/lib") == 0 && exists("root/etc") == 0,
	   "the new root is untouched");
}

/* the disk, as the kernel announces it, holding a real ext4 made by mkfs.ext4 */
/* clang-format off */
static const char *const vda_img_files[] = {
	"sys/devices/virtual/block/vda/dev", "254:0\n",
	"sys/class/block/vda", "->../../devices/virtual/block/vda",
	"sys/dev/block/254:0", "->../../devices/virtual/block/vda",
	"dev/vda", "->../disk.img",
	NULL,
};
/* clang-format on */

static int make_ext4(void)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "mkfs.ext4 -q -F -L lbl -U " UUID " '%s/disk.img' 4M >/dev/null 2>&1",
		 root);
	return system(cmd) == 0;
}

static void test_root_by_id(void)
{
	static const char *const specs[] = { "UUID=" UUID, "LABEL=lbl", "/dev/vda" };
	int how;

	if (!have_mkfs) {
		ok(1, "# SKIP no mkfs.ext4");
		return;
	}
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char cmdline[256];

		snprintf(cmdline, sizeof(cmdline), "root=%s", specs[i]);
		setup(cmdline);
		if (!ok(make_ext4(), "mkfs.ext4 for root=%s", specs[i]))
			continue;
		fake_uevent_at(700, vda_add, sizeof(vda_add), vda_img_files);
		boot(&how);
		diag_on_failure(is_int(how, 'e', "root=%s appearing at 700 ms: booted",
				       specs[i]));
		ok(has(fake_kmsg(), "root device found: /dev/vda at 0.700 s\n"),
		   "found at 700 ms");
		ok(has(fake_effects(), "mount /dev/vda /root ext4 ro ''\n"),
		   "mounted as the probed type, ext4");
	}

	setup("root=UUID=00000000-1111-2222-3333-444444444444");
	if (make_ext4()) {
		fake_uevent_at(700, vda_add, sizeof(vda_add), vda_img_files);
		boot(&how);
		is_int(how, 'x', "another UUID: not found");
		ok(has(fake_kmsg(),
		       "root=UUID=00000000-1111-2222-3333-444444444444 not found "
		       "after 30 s"),
		   "the diagnostic");
		diag_on_failure(ok(has(fake_kmsg(), "vda 254:0 ext4 UUID=\"" UUID "\""),
				   "root_report lists the disk there is"));
	}
}

int main(void)
{
	have_mkfs = system("command -v mkfs.ext4 >/dev/null 2>&1") == 0;
	test_full_boot();
	test_module_rejected();
	test_root_by_uevent();
	test_root_other_events();
	test_root_never();
	test_rootwait();
	test_kmsg_console();
	test_rootdelay();
	test_enobufs();
	test_mount_options();
	test_init_args();
	test_blob_problems();
	test_shell_offered();
	test_already_mounted();
	test_overflow_flag();
	test_delete_bounds();
	test_no_netlink();
	test_newroot_without_run();
	test_root_by_id();
	if (troot_remove(root) < 0)
		return 1;
	return done_testing();
}

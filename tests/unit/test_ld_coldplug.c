/* SPDX-License-Identifier: MIT */
/* test_ld_coldplug.c: drivers by MODALIAS (loader/coldplug.c in loader/boot.c) against
 * the fake kernel: the sysfs walk, devices that appear as drivers load, the
 * blacklist, the missing-driver report, lost events, settling, earlymod.coldplug=0,
 * and compressed module files. */
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
#define PCI "sys/devices/pci0000:00/"
#define VIRTIO_PCI "0000:00:04.0"
#define VPCI_ALIAS "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00"
#define E1000_ALIAS "pci:v00008086d0000100Esv00008086sd0000001Ebc02sc00i00"
#define QXL_ALIAS "pci:v00001B36d00000100sv00001AF4sd00001100bc03sc00i00"
#define VIRTIO_ALIAS "virtio:d00000002v00001AF4"

static char root[256];

static void put(const char *rel, const char *data)
{
	troot_put(root, rel, data);
}

enum { M_VPCI, M_VBLK, M_E1000, M_EXT4, M_PCSPKR, M_FLOPPY, M_ATKBD, M_COUNT };

/* virtio_pci, virtio_blk, e1000, ext4, pcspkr, floppy (all in the image, with their
 * aliases) and the built-in atkbd (a serio alias); "alias platform:beep* pcspkr",
 * "blacklist floppy"; the image lists ext4. With compressed, virtio_blk's file is
 * virtio_blk.ko.zst. */
static void write_blob(int compressed)
{
	struct blob_builder *w = bw_new();
	const char *vblk = compressed ? "kernel/drivers/block/virtio_blk.ko.zst"
				      : "kernel/drivers/block/virtio_blk.ko";
	static const char *const names[M_COUNT][2] = {
		{ "virtio_pci", "kernel/drivers/virtio/virtio_pci.ko" },
		{ "virtio_blk", NULL },
		{ "e1000", "kernel/drivers/net/e1000/e1000.ko" },
		{ "ext4", "kernel/fs/ext4/ext4.ko" },
		{ "pcspkr", "kernel/drivers/input/misc/pcspkr.ko" },
		{ "floppy", "kernel/drivers/block/floppy.ko" },
		{ "atkbd", "" },
	};
	static const struct {
		const char *pattern;
		uint32_t mod;
	} aliases[] = {
		{ "pci:v00001AF4d*sv*sd*bc*sc*i*", M_VPCI },
		{ "virtio:d00000002v*", M_VBLK },
		{ "pci:v00008086d0000100Esv*sd*bc*sc*i*", M_E1000 },
		{ "platform:pcspkr", M_PCSPKR },
		{ "acpi*:PNP0700:*", M_FLOPPY },
	};
	uint32_t none = BLOB_NONE, rec[10];
	uint8_t *data;
	size_t len;
	char p[512];
	FILE *f;

	for (int i = 0; i < M_COUNT; i++) {
		const char *path = names[i][1] ? names[i][1] : vblk;
		int builtin = i == M_ATKBD;
		uint32_t r[10] = { bw_str(w, names[i][0]),
				   bw_str(w, path),
				   bw_str(w, path),
				   0,
				   0,
				   none,
				   none,
				   none,
				   none,
				   builtin ? BLOB_M_BUILTIN : BLOB_M_IN_IMAGE };

		bw_rec(w, BLOB_S_MODULES, r, 10);
		if (!builtin) {
			snprintf(p, sizeof(p), "lib/modules/" KVER "/%s", path);
			put(p, "depends=\n");
		}
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		rec[0] = bw_str(w, aliases[i].pattern);
		rec[1] = aliases[i].mod;
		bw_rec(w, BLOB_S_MODALIAS, rec, 2);
	}
	rec[0] = bw_str(w, "serio:ty01pr*id*ex*");
	rec[1] = M_ATKBD;
	bw_rec(w, BLOB_S_BIALIAS, rec, 2);
	rec[0] = bw_str(w, "platform:beep*");
	rec[1] = bw_str(w, "pcspkr");
	bw_rec(w, BLOB_S_CONFALIAS, rec, 2);
	rec[0] = bw_str(w, "floppy");
	bw_rec(w, BLOB_S_BLACKLIST, rec, 1);
	rec[0] = bw_str(w, "ext4");
	rec[1] = 0;
	bw_rec(w, BLOB_S_LOAD, rec, 2);
	if (bw_finish(w, KVER, "/lib/modules/" KVER, 0, &data, &len) < 0)
		abort();
	bw_free(w);
	snprintf(p, sizeof(p), "%s/lib/modules/earlymod.blob", root);
	f = fopen(p, "w");
	if (!f)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
	free(data);
}

static void setup_blob(const char *cmdline, int compressed)
{
	troot_fresh(root, "test_ld_coldplug");
	put("dev/", "");
	put("sys/class/block/", "");
	put("sys/bus/pci/devices/", "");
	put("run/", "");
	put("proc/cmdline", cmdline);
	put("init", "the loader\n");
	put("root/sbin/init", "#!real init\n");
	put("root/dev/", "");
	put("root/proc/", "");
	put("root/sys/", "");
	put("root/run/", "");
	write_blob(compressed);
}

static void setup(const char *cmdline)
{
	setup_blob(cmdline, 0);
}

/* a device in the fake sysfs: its modalias file, its uevent file (with MODALIAS=
 * unless only_uevent is -1) and its subsystem link; only_uevent: no modalias file */
static void device(const char *dir, const char *modalias, int only_uevent)
{
	char p[1024], u[1024];

	if (only_uevent <= 0) {
		snprintf(p, sizeof(p), "%s/modalias", dir);
		snprintf(u, sizeof(u), "%s\n", modalias);
		put(p, u);
	}
	snprintf(p, sizeof(p), "%s/uevent", dir);
	if (only_uevent < 0)
		snprintf(u, sizeof(u), "DRIVER=\n");
	else
		snprintf(u, sizeof(u), "DRIVER=\nMODALIAS=%s\n", modalias);
	put(p, u);
	snprintf(p, sizeof(p), "%s/subsystem", dir);
	put(p, "->../../../bus/pci");
	snprintf(p, sizeof(p), "%s/power/", dir);
	put(p, "");
}

/* what virtio_pci's probe makes: virtio0 under the PCI device */
/* clang-format off */
static const char virtio0_add[] =
	"add@/devices/pci0000:00/" VIRTIO_PCI "/virtio0\0ACTION=add\0"
	"DEVPATH=/devices/pci0000:00/" VIRTIO_PCI "/virtio0\0SUBSYSTEM=virtio\0"
	"MODALIAS=" VIRTIO_ALIAS "\0SEQNUM=101";
static const char *const virtio0_files[] = {
	PCI VIRTIO_PCI "/virtio0/modalias", VIRTIO_ALIAS "\n",
	PCI VIRTIO_PCI "/virtio0/uevent", "MODALIAS=" VIRTIO_ALIAS "\n",
	PCI VIRTIO_PCI "/virtio0/subsystem", "->../../../../bus/virtio",
	NULL,
};

/* what virtio_blk's probe makes: the disk vda */
#define VDA_DIR "devices/pci0000:00/" VIRTIO_PCI "/virtio0/block/vda"
static const char vda_add[] =
	"add@/" VDA_DIR "\0ACTION=add\0DEVPATH=/" VDA_DIR "\0SUBSYSTEM=block\0"
	"MAJOR=254\0MINOR=0\0DEVNAME=vda\0DEVTYPE=disk\0SEQNUM=102";
static const char *const vda_files[] = {
	"sys/" VDA_DIR "/dev", "254:0\n",
	"sys/" VDA_DIR "/uevent", "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n",
	"sys/class/block/vda", "->../../" VDA_DIR,
	"sys/dev/block/254:0", "->../../" VDA_DIR,
	"dev/vda", "",
	NULL,
};
/* clang-format on */

/* the virtio chain: virtio_pci makes virtio0 after d1 ms, virtio_blk vda after d2 */
static void virtio_chain(unsigned d1, unsigned d2)
{
	device(PCI VIRTIO_PCI, VPCI_ALIAS, 0);
	fake_on_load("virtio_pci", d1, virtio0_add, sizeof(virtio0_add), virtio0_files);
	fake_on_load("virtio_blk", d2, vda_add, sizeof(vda_add), vda_files);
}

static int boot(int *how)
{
	char a0[] = "/init";
	char *argv[] = { a0, NULL };

	return fake_run(boot_main, 1, argv, how);
}

/* a appears in text, and before b */
static int before(const char *text, const char *a, const char *b)
{
	const char *x = strstr(text, a), *y = strstr(text, b);

	return x && y && x < y;
}

static void diag(int good)
{
	if (!good || getenv("TEST_SHOW")) {
		printf("# effects:\n%s", fake_effects());
		printf("# kmsg:\n%s", fake_kmsg());
	}
}

static void test_chain(void)
{
	const char *e;
	int how, good;

	setup("root=/dev/vda rootfstype=ext4 earlymod.debug");
	virtio_chain(3, 5);
	device(PCI "0000:00:03.0", E1000_ALIAS, 0);
	boot(&how);
	good = is_int(how, 'e',
		      "coldplug: virtio_pci, then virtio_blk by uevent, root found");
	e = fake_effects();
	good &= ok(has(e, "finit_module virtio_pci params='' flags=0\n") &&
			   has(e, "finit_module e1000 params='' flags=0\n") &&
			   has(e, "finit_module ext4 params='' flags=0\n"),
		   "the PCI devices' drivers and the listed ext4 are loaded");
	good &= ok(before(fake_effects(), "finit_module ext4", "finit_module virtio_pci"),
		   "the listed modules first");
	good &= ok(before(fake_effects(), "finit_module virtio_pci",
			  "finit_module virtio_blk params='' flags=0\n"),
		   "virtio_blk after virtio_pci made virtio0");
	good &= ok(has(fake_kmsg(), "root device found: /dev/vda at 0.008 s\n"),
		   "the disk found when its uevent came, at 3 + 5 ms");
	good &= ok(!has(fake_effects(), "sleep"), "without sleeping");
	good &= ok(has(fake_kmsg(), "loaded virtio_pci for " VPCI_ALIAS "\n") &&
			   has(fake_kmsg(), "loaded virtio_blk for " VIRTIO_ALIAS "\n") &&
			   has(fake_kmsg(), "loaded e1000 for " E1000_ALIAS "\n"),
		   "each driver loaded for a device is logged with its modalias (debug)");
	good &= ok(!has(fake_kmsg(), "<3>"), "no error (vda has no modalias: not one)");
	diag(good);

	/* the probes make their devices before finit_module returns: the walk finds
	 * virtio0 and vda itself, the events only repeat them */
	setup("root=/dev/vda rootfstype=ext4");
	virtio_chain(0, 0);
	boot(&how);
	is_int(how, 'e', "devices made during the walk: booted");
	ok(has(fake_kmsg(), "root device found: /dev/vda at 0.000 s\n"), "at once");
	is_int(count(fake_effects(), "finit_module virtio_blk"), 1,
	       "virtio_blk loaded once");
}

static void test_walk_rules(void)
{
	char deep[1024] = "sys/devices/deep";
	int how;

	setup("root=/dev/vda rootfstype=ext4 rootwait=1 earlymod.debug");
	/* only in uevent */
	device("sys/devices/platform/pcspkr", "platform:pcspkr", 1);
	/* a config alias */
	device("sys/devices/platform/beeper", "platform:beeper", 0);
	/* a built-in driver: nothing to load, nothing missing */
	device("sys/devices/platform/i8042/serio0", "serio:ty01pr00id00ex00", 0);
	/* reachable only through links: never followed */
	device("sys/bus/pci/devices/0000:00:03.0", E1000_ALIAS, 0);
	put(PCI "0000:00:01.0/bus", "->../../../bus/pci/devices");
	put(PCI "0000:00:01.0/loop", "->../../pci0000:00");
	/* too deep: /sys/devices is 0, /sys/devices/deep 1, 33 is not looked at */
	for (int i = 2; i <= 33; i++)
		strcat(deep, "/d");
	device(deep, E1000_ALIAS, 0);
	deep[strlen(deep) - 2] = 0;
	device(deep, VPCI_ALIAS, 0);
	/* no modalias at all */
	device("sys/devices/virtual/tty/tty0", "", -1);
	boot(&how);
	is_int(how, 'x', "no root");
	ok(has(fake_effects(), "finit_module pcspkr"), "MODALIAS= from a uevent file");
	ok(count(fake_effects(), "finit_module pcspkr") == 1,
	   "pcspkr once for two devices (its own alias, a config alias)");
	ok(has(fake_kmsg(), "loaded pcspkr for platform:pcspkr") ||
		   has(fake_kmsg(), "loaded pcspkr for platform:beeper"),
	   "by either modalias");
	ok(!has(fake_effects(), "finit_module e1000"),
	   "no links followed, nothing deeper than 32 directories");
	ok(has(fake_effects(), "finit_module virtio_pci"), "32 deep is walked");
	ok(!has(fake_kmsg(), "serio:"), "a built-in driver is not missing");
}

static void test_blacklist(void)
{
	int how;

	setup("root=/dev/vda rootfstype=ext4 rootwait=1 earlymod.debug");
	device("sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0700:00", "acpi:PNP0700:", 0);
	device("sys/devices/platform/pcspkr", "platform:pcspkr", 1);
	boot(&how);
	ok(!has(fake_effects(), "finit_module floppy"), "blacklist floppy: not loaded");
	ok(has(fake_effects(), "finit_module pcspkr"), "pcspkr is");
	ok(has(fake_kmsg(), "  acpi:PNP0700: (floppy is blacklisted)\n"),
	   "a blacklisted driver is reported as the reason");

	setup("root=/dev/vda rootfstype=ext4 rootwait=1 modprobe.blacklist=e1000,pcspkr");
	device("sys/devices/platform/pcspkr", "platform:pcspkr", 1);
	boot(&how);
	ok(!has(fake_effects(), "finit_module pcspkr"),
	   "modprobe.blacklist= on the command line: not loaded");
}

static void test_missing_report(void)
{
	const char *k;
	char dir[128], alias[64];
	int how;

	setup("root=/dev/vda rootfstype=ext4 rootwait=1");
	device(PCI "0000:00:02.0", QXL_ALIAS, 0);
	device(PCI "0000:00:03.0", E1000_ALIAS, 0);
	device("sys/devices/system/cpu/cpu0",
	       "cpu:type:x86,ven0000fam0006mod003F:feature:,0000,0001,0002,0003,0004,"
	       "0005,0006,0007,0008,0009,000B,000C,000D,000E,000F,0010,0011,0013,0017,"
	       "0018,0019",
	       0);
	boot(&how);
	k = fake_kmsg();
	is_int(how, 'x', "no root");
	ok(!has(k, "not found in directory"), "a modalias without a module is no error");
	diag(ok(before(k, "root=/dev/vda not found after 1 s",
		       "<3>earlymod: devices without a driver in this image:\n"),
		"listed after the block devices"));
	ok(has(k, "<6>earlymod:   " QXL_ALIAS "\n"), "one a line");
	ok(!has(k, "  " E1000_ALIAS), "only those without one");
	ok(has(k, "  cpu:type:x86,ven0000fam0006mod003F:feature:,0000,0001,0002,0003,"
		  "0004,0005,0006,0007,0008,0009,0...\n"),
	   "a long one is cut");

	setup("root=/dev/vda rootfstype=ext4 rootwait=1");
	for (int i = 0; i < 70; i++) {
		snprintf(dir, sizeof(dir), "sys/devices/platform/nodrv.%d", i);
		snprintf(alias, sizeof(alias), "platform:nodrv%d", i);
		device(dir, alias, 0);
	}
	boot(&how);
	k = fake_kmsg();
	is_int(count(k, "  platform:nodrv"), 8, "8 devices off the disk buses are shown");
	ok(has(k, "  and 62 more\n"), "the others counted");
}

static void test_enobufs(void)
{
	const char *files[] = { PCI VIRTIO_PCI "/modalias", VPCI_ALIAS "\n", NULL };
	int how, good;

	setup("root=/dev/vda rootfstype=ext4");
	fake_on_load("virtio_pci", 3, virtio0_add, sizeof(virtio0_add), virtio0_files);
	fake_on_load("virtio_blk", 5, vda_add, sizeof(vda_add), vda_files);
	/* the PCI device's event is lost: only the rescan after -ENOBUFS finds it */
	fake_uevent_at(200, NULL, 0, files);
	boot(&how);
	good = is_int(how, 'e', "-ENOBUFS: rescanned, booted");
	good &= ok(has(fake_kmsg(), "root device found: /dev/vda at 0.208 s\n"),
		   "virtio_pci at 200 ms, the disk 8 ms later");
	diag(good);
}

static void test_dedupe(void)
{
	/* clang-format off */
	static const char e1000_add[] =
		"add@/devices/pci0000:00/0000:00:07.0\0ACTION=add\0"
		"DEVPATH=/devices/pci0000:00/0000:00:07.0\0SUBSYSTEM=pci\0"
		"MODALIAS=" E1000_ALIAS "\0SEQNUM=5";
	static const char pcspkr_change[] =
		"change@/devices/platform/pcspkr\0ACTION=change\0"
		"DEVPATH=/devices/platform/pcspkr\0SUBSYSTEM=platform\0"
		"MODALIAS=platform:pcspkr\0SEQNUM=6";
	static const char pcspkr_bind[] =
		"bind@/devices/platform/pcspkr\0ACTION=bind\0"
		"DEVPATH=/devices/platform/pcspkr\0SUBSYSTEM=platform\0DRIVER=x\0"
		"MODALIAS=platform:pcspkr\0SEQNUM=7";
	/* clang-format on */
	int how;

	setup("root=/dev/vda rootfstype=ext4 rootwait=1");
	device(PCI "0000:00:03.0", E1000_ALIAS, 0);
	device(PCI "0000:00:05.0", E1000_ALIAS, 0);
	fake_uevent_at(100, e1000_add, sizeof(e1000_add), NULL);
	fake_uevent_at(200, pcspkr_change, sizeof(pcspkr_change), NULL);
	fake_uevent_at(300, pcspkr_bind, sizeof(pcspkr_bind), NULL);
	fake_module_error("e1000", -EIO);
	boot(&how);
	is_int(count(fake_kmsg(), "could not insert 'e1000'"), 1,
	       "a modalias on two devices and in an add event is resolved once");
	ok(!has(fake_effects(), "finit_module pcspkr"),
	   "change and bind events load nothing, as udev");

	/* three quarters of the 4096 slots are taken: what comes after is resolved
	 * every time it is met */
	setup("root=/dev/vda rootfstype=ext4 rootwait=1");
	for (int i = 0; i < 4096 / 4 * 3; i++) {
		char dir[128], alias[64];

		snprintf(dir, sizeof(dir), "sys/devices/platform/nodrv.%d", i);
		snprintf(alias, sizeof(alias), "platform:nodrv%d", i);
		device(dir, alias, 0);
	}
	fake_uevent_at(100, e1000_add, sizeof(e1000_add), NULL);
	fake_uevent_at(200, e1000_add, sizeof(e1000_add), NULL);
	fake_module_error("e1000", -EIO);
	boot(&how);
	is_int(count(fake_kmsg(), "could not insert 'e1000'"), 2,
	       "a full table: resolved again, no harm");
	ok(has(fake_kmsg(), "  and 3064 more\n"), "the missing ones still counted");
}

static void test_coldplug_off(void)
{
	static const char vpci_add[] =
		"add@/devices/pci0000:00/0000:00:09.0\0ACTION=add\0"
		"DEVPATH=/devices/pci0000:00/0000:00:09.0\0SUBSYSTEM=pci\0"
		"MODALIAS=" VPCI_ALIAS "\0SEQNUM=5";
	int how;

	setup("root=/dev/vda rootfstype=ext4 rootwait=1 earlymod.coldplug=0");
	virtio_chain(0, 0);
	fake_uevent_at(100, vpci_add, sizeof(vpci_add), NULL);
	boot(&how);
	is_int(how, 'x', "earlymod.coldplug=0: the disk's drivers are not loaded");
	ok(has(fake_effects(), "finit_module ext4") &&
		   !has(fake_effects(), "finit_module virtio"),
	   "only the listed modules, neither from sysfs nor from uevents");
	ok(has(fake_kmsg(), "earlymod.coldplug=0: loading the listed modules only"),
	   "and that is said");

	setup("root=/dev/vda rootfstype=ext4 earlymod.coldplug=0 earlymod.coldplug=1");
	virtio_chain(0, 0);
	boot(&how);
	is_int(how, 'e', "the last earlymod.coldplug= wins");
}

static void test_settle(void)
{
	const char *k;
	int how, good;

	/* virtio_pci and virtio_blk make their devices at once (events 101, 102), but
	 * the root is another disk: settled once both events were handled */
	setup("root=/dev/vdb rootfstype=ext4 rootwait=1 earlymod.debug");
	virtio_chain(0, 0);
	fake_set_uevent_seqnum(100);
	boot(&how);
	k = fake_kmsg();
	good = ok(has(k, "coldplug settled at 0 ms: 2 devices, 2 modules loaded\n"),
		  "settled: two modaliases, two drivers");
	good &= ok(before(k, "uevent add /" VDA_DIR " block", "coldplug settled"),
		   "after the last event the loads made");
	is_int(count(k, "coldplug settled"), 1, "said once");
	diag(good);

	/* virtio_blk's disk comes 40 ms later: what the kernel had was handled before */
	setup("root=/dev/vda rootfstype=ext4 earlymod.debug");
	virtio_chain(0, 40);
	fake_set_uevent_seqnum(100);
	boot(&how);
	k = fake_kmsg();
	good = is_int(how, 'e', "a late disk: booted");
	good &= ok(before(k, "coldplug settled at 0 ms: 2 devices, 2 modules loaded\n",
			  "root device found: /dev/vda at 0.040 s"),
		   "settled before the disk came");
	diag(good);

	/* nothing to do at all */
	setup("root=/dev/vda rootfstype=ext4 rootwait=1 earlymod.debug");
	fake_set_uevent_seqnum(3000);
	boot(&how);
	ok(has(fake_kmsg(), "coldplug settled at 0 ms: 0 devices, 0 modules loaded\n"),
	   "no devices: settled after the walk");

	/* a kernel without /sys/kernel/uevent_seqnum: no claim */
	setup("root=/dev/vda rootfstype=ext4 rootwait=1 earlymod.debug");
	virtio_chain(0, 0);
	boot(&how);
	ok(!has(fake_kmsg(), "coldplug settled"), "no uevent_seqnum: never said");
}

static void test_compressed(void)
{
	int how, good;

	setup_blob("root=/dev/vda rootfstype=ext4", 1);
	virtio_chain(0, 0);
	put("sys/module/compression", "zstd\n");
	boot(&how);
	good = is_int(how, 'e', "a .ko.zst and a kernel that decompresses zstd: booted");
	good &= ok(has(fake_effects(), "finit_module virtio_blk params='' flags=4\n"),
		   "finit_module with MODULE_INIT_COMPRESSED_FILE");
	good &= ok(has(fake_effects(), "finit_module virtio_pci params='' flags=0\n"),
		   "an uncompressed file without");
	diag(good);

	setup_blob("root=/dev/vda rootfstype=ext4 rootwait=1", 1);
	virtio_chain(0, 0);
	boot(&how);
	is_int(how, 'x', "no /sys/module/compression: the disk's driver cannot load");
	ok(!has(fake_effects(), "finit_module virtio_blk"), "it is not tried");
	ok(has(fake_kmsg(), "<3>earlymod: virtio_blk is zstd-compressed in the image but "
			    "this kernel cannot decompress modules (no "
			    "/sys/module/compression); rebuild the image without "
			    "--keep-compressed\n"),
	   "the reason, and the remedy");
	ok(has(fake_kmsg(), "modules loaded: 1 (0 failed)"),
	   "the listed uncompressed ext4 loads");

	/* everything compressed: said in full once */
	setup_blob("root=/dev/vda rootfstype=ext4 rootwait=1 modules_load=virtio_blk", 1);
	virtio_chain(0, 0);
	boot(&how);
	is_int(count(fake_kmsg(), "-compressed in the image"), 1, "said once");
	ok(has(fake_kmsg(), "modules loaded: 1 (1 failed)"),
	   "the listed one counts as failed");

	setup_blob("root=/dev/vda rootfstype=ext4 rootwait=1", 1);
	virtio_chain(0, 0);
	put("sys/module/compression", "xz\n");
	boot(&how);
	ok(!has(fake_effects(), "finit_module virtio_blk"),
	   "a kernel for xz only: not tried");
	ok(has(fake_kmsg(), "virtio_blk is zstd-compressed in the image but this kernel "
			    "decompresses only xz; rebuild the image without "
			    "--keep-compressed\n"),
	   "saying so");
}

int main(void)
{
	test_chain();
	test_walk_rules();
	test_blacklist();
	test_missing_report();
	test_enobufs();
	test_dedupe();
	test_coldplug_off();
	test_settle();
	test_compressed();
	if (troot_remove(root) < 0)
		return 1;
	return done_testing();
}

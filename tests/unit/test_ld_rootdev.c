/* SPDX-License-Identifier: MIT */
/* test_ld_rootdev.c: every root= form parsed, then found in a fake sysfs whose /dev
 * nodes are real images (GPT and MBR disks, ext4, vfat, f2fs, btrfs); the report. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake.h"
#include "log.h"
#include "rootdev.h"
#include "sys.h"
#include "tap.h"

static char root[] = "/tmp/test_ld_rootdev.XXXXXX";

#define PCI "../../devices/pci0000:00/0000:00:04.0/virtio1/block/"
#define SCSI "../../devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/"

#define GUID_BOOT "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
#define GUID_ROOT "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"
#define GUID_HOME "933AC7E1-2EB4-4F13-B844-0E14E2AEF915"
#define UUID_BOOT "0a1b2c3d-0000-4000-8000-00000000b001"
#define UUID_ROOT "0a1b2c3d-0000-4000-8000-00000000a002"

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return r == -1 ? -1 : WEXITSTATUS(r);
}

/* ROOT/rel with its contents; rel ending in '/' is a directory */
static void put(const char *rel, const char *contents)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	sh("mkdir -p \"$(dirname '%s')\"", p);
	if (rel[strlen(rel) - 1] == '/') {
		sh("mkdir -p '%s'", p);
		return;
	}
	f = fopen(p, "w");
	if (!f)
		return;
	fputs(contents, f);
	fclose(f);
}

/* a block device as the kernel shows it: the device directory under devices/, the
 * class link, and (when image is given) its /dev node made by cmd over it */
static void blockdev(const char *parent_path, const char *name, const char *devnum,
		     const char *size, int partno)
{
	char rel[512], link[512], p[1024], num[16];

	snprintf(rel, sizeof(rel), "sys/devices/%s%s/", parent_path + 14, name);
	put(rel, NULL);
	snprintf(p, sizeof(p), "%sdev", rel);
	snprintf(link, sizeof(link), "%s\n", devnum);
	put(p, link);
	snprintf(p, sizeof(p), "%ssize", rel);
	snprintf(link, sizeof(link), "%s\n", size);
	put(p, link);
	if (partno) {
		snprintf(p, sizeof(p), "%spartition", rel);
		snprintf(num, sizeof(num), "%d\n", partno);
		put(p, num);
	}
	put("sys/class/block/", NULL);
	snprintf(p, sizeof(p), "%s/sys/class/block/%s", root, name);
	snprintf(link, sizeof(link), "%s%s", parent_path, name);
	if (symlink(link, p))
		perror(p);
}

/* an image file at ROOT/dev/node made by mkfs (with the file as last argument) */
static int image(const char *node, const char *size, const char *mkfs)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/dev/%s", root, node);
	sh("mkdir -p \"$(dirname '%s')\"", p);
	return sh("truncate -s %s '%s' && %s '%s' >/dev/null 2>&1", size, p, mkfs, p);
}

static void build_tree(void)
{
	/* vda: GPT, three partitions */
	ok(!image("vda", "64M",
		  "sgdisk -o -n 1:2048:+8M -c 1:boot -u 1:" GUID_BOOT
		  " -n 2:0:+8M -c 2:'root fs' "
		  "-u 2:" GUID_ROOT " -n 3:0:+8M -c 3:home -u 3:" GUID_HOME),
	   "vda: sgdisk");
	ok(!image("vda1", "16M", "mkfs.ext4 -q -F -L boot -U " UUID_BOOT),
	   "vda1: mkfs.ext4");
	ok(!image("vda2", "16M", "mkfs.ext4 -q -F -L 'my root' -U " UUID_ROOT),
	   "vda2: mkfs.ext4");
	ok(!image("vda3", "32M", "mkfs.vfat -F 16 -n HOME -i 12345678"),
	   "vda3: mkfs.vfat");
	blockdev(PCI, "vda", "254:0", "131072", 0);
	blockdev(PCI "vda/", "vda1", "254:1", "16384", 1);
	blockdev(PCI "vda/", "vda2", "254:2", "16384", 2);
	blockdev(PCI "vda/", "vda3", "254:3", "16384", 3);

	/* sda: MBR, a primary, an extended and a logical */
	ok(!sh("truncate -s 64M '%s/dev/sda' && printf 'label: dos\\nlabel-id: "
	       "0xDEADBEEF\\n"
	       "start=2048, size=8M, type=83\\nsize=40M, type=5\\nsda5 : size=8M, "
	       "type=83\\n' "
	       "| sfdisk -q '%s/dev/sda' >/dev/null 2>&1",
	       root, root),
	   "sda: sfdisk");
	ok(!image("sda1", "64M", "mkfs.f2fs -q -f -l data"), "sda1: mkfs.f2fs");
	ok(!image("sda2", "1K", "true"), "sda2: the extended partition's node");
	ok(!image("sda5", "128M", "mkfs.btrfs -q -f -L logical"), "sda5: mkfs.btrfs");
	blockdev(SCSI, "sda", "8:0", "131072", 0);
	blockdev(SCSI "sda/", "sda1", "8:1", "16384", 1);
	blockdev(SCSI "sda/", "sda2", "8:2", "2", 2);
	blockdev(SCSI "sda/", "sda5", "8:5", "16384", 5);

	/* devices a report leaves out or marks, and a name with '!' */
	blockdev("../../devices/virtual/block/", "ram0", "1:0", "0", 0);
	blockdev("../../devices/virtual/block/", "loop0", "7:0", "0", 0);
	blockdev("../../devices/virtual/block/", "loop1", "7:1", "32768", 0);
	ok(!image("loop1", "16M", "mkfs.ext4 -q -F -t ext2 -L looped"),
	   "loop1: mkfs.ext2");
	blockdev(SCSI, "sr0", "11:0", "0", 0);
	ok(!image("sr0", "0", "true"), "sr0: no medium");
	blockdev("../../devices/pci0000:00/0000:00:06.0/cciss0/block/", "cciss!c0d0",
		 "104:0", "32768", 0);
	ok(!image("cciss/c0d0", "16M", "mkfs.ext4 -q -F -L cciss"),
	   "cciss/c0d0: mkfs.ext4");
}

static void parse(void)
{
	struct root_spec r;

	is_int(root_spec_parse(&r, "/dev/vda1"), 0, "/dev/vda1");
	is_int(r.kind, ROOT_DEVNAME, "/dev/vda1: a device name");
	is_str(r.value, "vda1", "/dev/vda1: vda1");
	is_int(root_spec_parse(&r, "/dev/cciss/c0d0p1"), 0, "/dev/cciss/c0d0p1");
	is_str(r.value, "cciss/c0d0p1", "/dev/cciss/c0d0p1: the name under /dev");

	is_int(root_spec_parse(&r, "UUID=" UUID_ROOT), 0, "UUID=");
	ok(r.kind == ROOT_UUID && !strcmp(r.value, UUID_ROOT), "UUID=: kind and value");
	is_int(root_spec_parse(&r, "LABEL=my root"), 0, "LABEL=");
	ok(r.kind == ROOT_LABEL && !strcmp(r.value, "my root"), "LABEL=: kind and value");
	is_int(root_spec_parse(&r, "PARTLABEL=home"), 0, "PARTLABEL=");
	ok(r.kind == ROOT_PARTLABEL && !strcmp(r.value, "home"),
	   "PARTLABEL=: kind and value");
	is_int(root_spec_parse(&r, "PARTUUID=" GUID_ROOT), 0, "PARTUUID=");
	ok(r.kind == ROOT_PARTUUID && !strcmp(r.value, GUID_ROOT) && r.partnroff == 0,
	   "PARTUUID=: kind, value, no offset");
	is_int(root_spec_parse(&r, "PARTUUID=" GUID_BOOT "/PARTNROFF=2"), 0,
	       "PARTNROFF=2");
	ok(r.kind == ROOT_PARTUUID && !strcmp(r.value, GUID_BOOT) && r.partnroff == 2,
	   "PARTNROFF=2: the uuid without it, offset 2");
	is_int(root_spec_parse(&r, "PARTUUID=deadbeef-05/PARTNROFF=-4"), 0,
	       "PARTNROFF=-4");
	ok(!strcmp(r.value, "deadbeef-05") && r.partnroff == -4,
	   "PARTNROFF=-4: offset -4");

	is_int(root_spec_parse(&r, "/dev/disk/by-uuid/" UUID_BOOT), 0, "by-uuid");
	ok(r.kind == ROOT_UUID && !strcmp(r.value, UUID_BOOT), "by-uuid: read as UUID=");
	is_int(root_spec_parse(&r, "/dev/disk/by-label/my\\x20root"), 0, "by-label");
	ok(r.kind == ROOT_LABEL && !strcmp(r.value, "my root"),
	   "by-label: read as LABEL=, udev's \\x20 decoded");
	is_int(root_spec_parse(&r, "/dev/disk/by-partuuid/deadbeef-01"), 0,
	       "by-partuuid");
	ok(r.kind == ROOT_PARTUUID && !strcmp(r.value, "deadbeef-01"),
	   "by-partuuid: PARTUUID=");
	is_int(root_spec_parse(&r, "/dev/disk/by-partlabel/root\\x2ffs"), 0,
	       "by-partlabel");
	ok(r.kind == ROOT_PARTLABEL && !strcmp(r.value, "root/fs"),
	   "by-partlabel: PARTLABEL=, \\x2f is a slash");

	is_int(root_spec_parse(&r, "8:1"), 0, "8:1");
	ok(r.kind == ROOT_DEVNUM && r.maj == 8 && r.min == 1, "8:1: a device number");
	is_int(root_spec_parse(&r, "259:65536"), 0, "259:65536");
	ok(r.maj == 259 && r.min == 65536, "259:65536: large minor");
	is_int(root_spec_parse(&r, "801"), 0, "801");
	ok(r.kind == ROOT_DEVNUM && r.maj == 8 && r.min == 1, "801: hex, 8:1");
	is_int(root_spec_parse(&r, "fe02"), 0, "fe02");
	ok(r.maj == 254 && r.min == 2, "fe02: 254:2");
	is_int(root_spec_parse(&r, "0803"), 0, "0803");
	ok(r.maj == 8 && r.min == 3, "0803: 8:3");
	is_int(root_spec_parse(&r, "10301"), 0, "10301");
	ok(r.maj == 259 && r.min == 1, "10301: 259:1 (minor high bits from bit 20)");
	is_int(root_spec_parse(&r, "103001"), 0, "103001");
	ok(r.maj == 0x30 && r.min == 0x101, "103001: minor bits 20-31 are minor 8-19");

	static const char *const bad[] = {
		"",
		"/dev/",
		"UUID=",
		"LABEL=",
		"PARTUUID=",
		"PARTLABEL=",
		"PARTUUID=/PARTNROFF=1",
		"PARTUUID=abc/PARTNROFF=",
		"PARTUUID=abc/PARTNROFF=x",
		"PARTUUID=abc/NROFF=1",
		"/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part1",
		"/dev/disk/by-path/pci-0000:00:04.0",
		"/dev/disk/by-uuid/",
		"sda1",
		"vda",
		"8:",
		":1",
		"8:1x",
		"8:-1",
		"x8:1",
		"123456789",
		"99999999999:1",
		"nfs",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0x5a, sizeof(r));
		is_int(root_spec_parse(&r, bad[i]), -EINVAL, "'%s' refused", bad[i]);
		ok(((unsigned char *)&r)[0] == 0x5a &&
			   ((unsigned char *)&r)[sizeof(r) - 1] == 0x5a,
		   "'%s': the spec untouched", bad[i]);
	}
	is_int(root_spec_parse(&r, NULL), -EINVAL, "NULL refused");
	{
		char longlabel[320] = "LABEL=";

		memset(longlabel + 6, 'x', 300);
		longlabel[306] = 0;
		is_int(root_spec_parse(&r, longlabel), -EINVAL,
		       "a 300-byte label refused");
		longlabel[6 + 255] = 0;
		is_int(root_spec_parse(&r, longlabel), 0, "a 255-byte label taken");
	}
}

static void find_none(const char *spec)
{
	struct root_spec r;
	struct root_found f;

	if (!is_int(root_spec_parse(&r, spec), 0, "%s: parsed", spec))
		return;
	memset(&f, 0x5a, sizeof(f));
	is_int(root_find(&r, &f), 0, "%s: not found", spec);
	ok(((unsigned char *)&f)[0] == 0x5a, "%s: nothing written", spec);
}

static void find(const char *spec, const char *want_name, const char *want_dev,
		 const char *want_type)
{
	struct root_spec r;
	struct root_found f;
	int rc;

	if (!is_int(root_spec_parse(&r, spec), 0, "%s: parsed", spec))
		return;
	memset(&f, 0x5a, sizeof(f));
	rc = root_find(&r, &f);
	if (!is_int(rc, 1, "%s: found", spec))
		return;
	is_str(f.name, want_name, "%s: %s", spec, want_name);
	is_str(f.dev, want_dev, "%s: %s", spec, want_dev);
	is_str(f.fs.type, want_type, "%s: type %s", spec,
	       want_type[0] ? want_type : "unknown");
}

static void finding(void)
{
	find("/dev/vda2", "vda2", "/dev/vda2", "ext4");
	find("/dev/vda", "vda", "/dev/vda", "");
	find("/dev/cciss/c0d0", "cciss!c0d0", "/dev/cciss/c0d0", "ext4");
	find_none("/dev/vdb");
	find("UUID=" UUID_BOOT, "vda1", "/dev/vda1", "ext4");
	find("UUID=0A1B2C3D-0000-4000-8000-00000000A002", "vda2", "/dev/vda2", "ext4");
	find("UUID=1234-5678", "vda3", "/dev/vda3", "vfat");
	find("/dev/disk/by-uuid/" UUID_ROOT, "vda2", "/dev/vda2", "ext4");
	find_none("UUID=0a1b2c3d-0000-4000-8000-00000000ffff");
	find("LABEL=boot", "vda1", "/dev/vda1", "ext4");
	find("LABEL=my root", "vda2", "/dev/vda2", "ext4");
	find("/dev/disk/by-label/my\\x20root", "vda2", "/dev/vda2", "ext4");
	find("LABEL=HOME", "vda3", "/dev/vda3", "vfat");
	find("LABEL=data", "sda1", "/dev/sda1", "f2fs");
	find("LABEL=logical", "sda5", "/dev/sda5", "btrfs");
	find("LABEL=looped", "loop1", "/dev/loop1", "ext2");
	find_none("LABEL=Boot");
	find("PARTUUID=" GUID_ROOT, "vda2", "/dev/vda2", "ext4");
	find("PARTUUID=4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "vda2", "/dev/vda2",
	     "ext4");
	find("/dev/disk/by-partuuid/933ac7e1-2eb4-4f13-b844-0e14e2aef915", "vda3",
	     "/dev/vda3", "vfat");
	find("PARTUUID=" GUID_BOOT "/PARTNROFF=1", "vda2", "/dev/vda2", "ext4");
	find("PARTUUID=" GUID_BOOT "/PARTNROFF=2", "vda3", "/dev/vda3", "vfat");
	find("PARTUUID=" GUID_HOME "/PARTNROFF=-2", "vda1", "/dev/vda1", "ext4");
	find_none("PARTUUID=" GUID_BOOT "/PARTNROFF=3");
	find_none("PARTUUID=" GUID_BOOT "/PARTNROFF=-1");
	find("PARTUUID=deadbeef-01", "sda1", "/dev/sda1", "f2fs");
	find("PARTUUID=DEADBEEF-05", "sda5", "/dev/sda5", "btrfs");
	find("PARTUUID=deadbeef-02", "sda2", "/dev/sda2", "");
	find("PARTUUID=deadbeef-01/PARTNROFF=4", "sda5", "/dev/sda5", "btrfs");
	find_none("PARTUUID=deadbeef-03");
	find("PARTLABEL=home", "vda3", "/dev/vda3", "vfat");
	find("PARTLABEL=root fs", "vda2", "/dev/vda2", "ext4");
	find("/dev/disk/by-partlabel/root\\x20fs", "vda2", "/dev/vda2", "ext4");
	find_none("PARTLABEL=Home");
	find("254:1", "vda1", "/dev/vda1", "ext4");
	find("8:5", "sda5", "/dev/sda5", "btrfs");
	find("fe02", "vda2", "/dev/vda2", "ext4");
	find("801", "sda1", "/dev/sda1", "f2fs");
	find_none("9:9");
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void report(void)
{
	const char *k, *a, *b;
	int fd;

	fake_init(root);
	fd = sys_open("/dev/kmsg", O_WRONLY, 0);
	log_init(fd, -1, LOG_INFO);
	root_report();
	k = fake_kmsg();
	if (getenv("VERBOSE"))
		fputs(k, stderr);
	ok(strstr(k,
		  "<6>earlymod:   vda1 254:1 ext4 UUID=\"" UUID_BOOT
		  "\" LABEL=\"boot\" PARTUUID=\"0fc63daf-8483-4772-8e79-3d69d8477de4\" "
		  "PARTLABEL=\"boot\"\n") != NULL,
	   "report: the vda1 line");
	ok(strstr(k, "<6>earlymod:   vda2 254:2 ext4 UUID=\"" UUID_ROOT
		     "\" LABEL=\"my root\" "
		     "PARTUUID=\"4f68bce3-e8cd-4db1-96e7-fbcaf984b709\" "
		     "PARTLABEL=\"root fs\"\n") != NULL,
	   "report: the vda2 line");
	ok(strstr(k, "<6>earlymod:   vda3 254:3 vfat UUID=\"1234-5678\" LABEL=\"HOME\" "
		     "PARTUUID=\"933ac7e1-2eb4-4f13-b844-0e14e2aef915\" "
		     "PARTLABEL=\"home\"\n") != NULL,
	   "report: the vda3 line");
	ok(strstr(k, "<6>earlymod:   vda 254:0\n") != NULL,
	   "report: the disk vda, no type");
	ok(strstr(k, "<6>earlymod:   sda5 8:5 btrfs UUID=\"") != NULL &&
		   strstr(k, "\" LABEL=\"logical\" PARTUUID=\"deadbeef-05\"\n") != NULL,
	   "report: the logical partition sda5");
	ok(strstr(k, "<6>earlymod:   sda2 8:2 PARTUUID=\"deadbeef-02\"\n") != NULL,
	   "report: the extended partition sda2");
	ok(strstr(k, "<6>earlymod:   sr0 11:0 (empty)\n") != NULL,
	   "report: sr0 without medium");
	ok(strstr(k, "<6>earlymod:   loop1 7:1 ext2 UUID=\"") != NULL,
	   "report: loop1 in use");
	ok(strstr(k, "cciss!c0d0 104:0 ext4") != NULL, "report: cciss!c0d0");
	is_int(count(k, "ram0"), 0, "report: idle ram0 left out");
	is_int(count(k, "loop0"), 0, "report: idle loop0 left out");
	is_int(count(k, "\n"), 11, "report: 11 lines, one per device");
	a = strstr(k, "  sda ");
	b = strstr(k, "  vda ");
	ok(a && b && a < b && strstr(k, "  cciss!c0d0 ") < strstr(k, "  loop1 ") &&
		   strstr(k, "  loop1 ") < a &&
		   strstr(k, "  vda1 ") < strstr(k, "  vda2 ") &&
		   strstr(k, "  sda2 ") < strstr(k, "  sda5 ") &&
		   strstr(k, "  sr0 ") < strstr(k, "  vda "),
	   "report: in name order");
	sys_close(fd);
}

static void empty_systems(void)
{
	char other[] = "/tmp/test_ld_rootdev_empty.XXXXXX", p[256];
	struct root_spec r;
	struct root_found f;
	int fd;

	if (!mkdtemp(other))
		return;
	fake_init(other);
	root_spec_parse(&r, "LABEL=boot");
	ok(root_find(&r, &f) < 0, "no /sys/class/block: an error");
	fd = sys_open("/dev/kmsg", O_WRONLY, 0);
	log_init(fd, -1, LOG_INFO);
	root_report();
	ok(strstr(fake_kmsg(), "<3>earlymod: cannot read /sys/class/block/") != NULL,
	   "report without sysfs: says so");
	sys_close(fd);

	snprintf(p, sizeof(p), "%s/sys/class/block", other);
	sh("mkdir -p '%s'", p);
	fake_init(other);
	is_int(root_find(&r, &f), 0, "empty /sys/class/block: not found");
	fd = sys_open("/dev/kmsg", O_WRONLY, 0);
	log_init(fd, -1, LOG_INFO);
	root_report();
	is_str(fake_kmsg(),
	       "<3>earlymod: no block devices at all: the storage driver is missing\n",
	       "report: no block devices");
	sys_close(fd);

	/* only idle ram disks: the same */
	sh("mkdir -p '%s/sys/devices/virtual/block/ram0' && echo 1:0 > "
	   "'%s/sys/devices/virtual/block/ram0/dev' && echo 0 > "
	   "'%s/sys/devices/virtual/block/ram0/size' && ln -s "
	   "../../devices/virtual/block/ram0 '%s/sys/class/block/ram0'",
	   other, other, other, other);
	fake_init(other);
	fd = sys_open("/dev/kmsg", O_WRONLY, 0);
	log_init(fd, -1, LOG_INFO);
	root_report();
	is_str(fake_kmsg(),
	       "<3>earlymod: no block devices at all: the storage driver is missing\n",
	       "report: only idle ram disks");
	is_int(root_find(&r, &f), 0, "only idle ram disks: not found, not probed");
	sys_close(fd);
	sh("rm -rf '%s'", other);
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	build_tree();
	fake_init(root);
	parse();
	finding();
	report();
	empty_systems();
	log_init(-1, 2, LOG_INFO);
	if (!getenv("KEEP"))
		sh("rm -rf '%s'", root);
	else
		printf("# tree kept in %s\n", root);
	return done_testing();
}

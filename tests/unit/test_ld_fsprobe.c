/* SPDX-License-Identifier: MIT */
/* test_ld_fsprobe.c: fs_probe and part_probe on real images made by mkfs.*, sgdisk and
 * sfdisk, compared with what blkid and sfdisk say; then damaged and hand-made ones. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "fsprobe.h"
#include "tap.h"

static char dir[] = "/tmp/test_ld_fsprobe.XXXXXX";

/* a path in the test directory; four can be in use at once */
static const char *path(const char *name)
{
	static char bufs[4][512];
	static int i;
	char *b = bufs[i++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

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

/* the whole stdout of a command, NUL-terminated, in a static buffer */
__attribute__((format(printf, 1, 2))) static const char *run(const char *fmt, ...)
{
	static char out[65536];
	char cmd[4096];
	va_list ap;
	size_t n = 0;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = 0;
	p = popen(cmd, "r");
	if (!p)
		return out;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	pclose(p);
	return out;
}

/* the value of KEY= in "KEY=VALUE" lines, \xNN escapes decoded (blkid -o udev) */
static void value_of(const char *text, const char *key, char *ret, size_t size)
{
	size_t klen = strlen(key), o = 0;
	const char *p = text;

	ret[0] = 0;
	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			p += klen + 1;
			while (*p && *p != '\n' && o + 1 < size) {
				unsigned v;

				if (p[0] == '\\' && p[1] == 'x' &&
				    sscanf(p + 2, "%2x", &v) == 1) {
					ret[o++] = v;
					p += 4;
				} else {
					ret[o++] = *p++;
				}
			}
			ret[o] = 0;
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

static int probe(const char *file, struct fs_id *id)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = fs_probe(fd, id);
	close(fd);
	return r;
}

static int pprobe(const char *file, unsigned partno, struct part_id *id)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = part_probe(fd, partno, id);
	close(fd);
	return r;
}

/* image name checked against the values given (NULL: not known) and against
 * blkid -p */
static void check_fs(const char *name, const char *want_type, const char *want_uuid,
		     const char *want_label)
{
	struct fs_id id;
	char btype[64], buuid[64], blabel[1024];
	const char *out;
	int r;

	memset(&id, 0x55, sizeof(id));
	r = probe(path(name), &id);
	if (!is_int(r, 0, "%s: recognized", name))
		return;
	out = run("blkid -p -o udev '%s'", path(name));
	value_of(out, "ID_FS_TYPE", btype, sizeof(btype));
	value_of(out, "ID_FS_UUID_ENC", buuid, sizeof(buuid));
	value_of(out, "ID_FS_LABEL_ENC", blabel, sizeof(blabel));
	is_str(id.type, want_type, "%s: type %s", name, want_type);
	is_str(id.type, btype, "%s: type as blkid", name);
	if (want_uuid)
		is_str(id.uuid, want_uuid, "%s: uuid %s", name, want_uuid);
	is_str(id.uuid, buuid, "%s: uuid as blkid", name);
	if (want_label)
		is_str(id.label, want_label, "%s: label '%s'", name, want_label);
	is_str(id.label, blabel, "%s: label as blkid", name);
}

static int make(const char *name, const char *size, const char *mkfs)
{
	int r = sh("truncate -s %s '%s' && %s '%s' >/dev/null 2>&1", size, path(name),
		   mkfs, path(name));

	if (!ok(r == 0, "%s made (%s)", name, mkfs))
		return -1;
	return 0;
}

static const char *const fs_images[] = {
	"ext2", "ext3", "ext4", "ext4-nojournal", "xfs", "btrfs", "fat12", "fat16", "fat32",
	"f2fs",
};

static void filesystems(void)
{
	if (!make("ext2", "16M",
		  "mkfs.ext4 -q -F -t ext2 -L e2label -U "
		  "0a1b2c3d-0000-4000-8000-00000000e202"))
		check_fs("ext2", "ext2", "0a1b2c3d-0000-4000-8000-00000000e202",
			 "e2label");
	if (!make("ext3", "16M",
		  "mkfs.ext4 -q -F -t ext3 -L 'ext3 label' -U "
		  "0A1B2C3D-0000-4000-8000-00000000E303"))
		check_fs("ext3", "ext3", "0a1b2c3d-0000-4000-8000-00000000e303",
			 "ext3 label");
	if (!make("ext4", "32M",
		  "mkfs.ext4 -q -F -t ext4 -L abcdefghijklmnop -U "
		  "0a1b2c3d-0000-4000-8000-00000000e404"))
		check_fs("ext4", "ext4", "0a1b2c3d-0000-4000-8000-00000000e404",
			 "abcdefghijklmnop");
	if (!make("ext4-nojournal", "16M",
		  "mkfs.ext4 -q -F -t ext4 -O ^has_journal -U "
		  "0a1b2c3d-0000-4000-8000-0000000e4e4e"))
		check_fs("ext4-nojournal", "ext4", "0a1b2c3d-0000-4000-8000-0000000e4e4e",
			 "");
	if (!make("xfs", "320M",
		  "mkfs.xfs -q -f -L xfs-label-12 -m "
		  "uuid=5f5f5f5f-1111-4222-8333-444444444444"))
		check_fs("xfs", "xfs", "5f5f5f5f-1111-4222-8333-444444444444",
			 "xfs-label-12");
	if (!make("btrfs", "128M",
		  "mkfs.btrfs -q -f -L 'a btrfs label' -U "
		  "b7f5b7f5-aaaa-4bbb-8ccc-dddddddddddd"))
		check_fs("btrfs", "btrfs", "b7f5b7f5-aaaa-4bbb-8ccc-dddddddddddd",
			 "a btrfs label");
	if (!make("fat12", "2M", "mkfs.vfat -F 12 -n F12 -i 0000beef"))
		check_fs("fat12", "vfat", "0000-BEEF", "F12");
	if (!make("fat16", "32M", "mkfs.vfat -F 16 -n 'FAT16 VOL' -i 1234abcd"))
		check_fs("fat16", "vfat", "1234-ABCD", "FAT16 VOL");
	if (!make("fat32", "64M", "mkfs.vfat -F 32 -n FAT32VOLUME -i DEADBEEF"))
		check_fs("fat32", "vfat", "DEAD-BEEF", "FAT32VOLUME");
	if (!make("fat16-nolabel", "32M", "mkfs.vfat -F 16 -i 00010002"))
		check_fs("fat16-nolabel", "vfat", "0001-0002", "");
	if (!make("f2fs", "64M",
		  "mkfs.f2fs -q -f -l 'Ünïcødé f2fs ✓' -U "
		  "f2f5f2f5-0000-4000-8000-123456789abc"))
		check_fs("f2fs", "f2fs", "f2f5f2f5-0000-4000-8000-123456789abc",
			 "Ünïcødé f2fs ✓");
	/* a new filesystem over an old one: the new one, as blkid says */
	if (!make("vfat-then-ext4", "32M", "mkfs.vfat -F 32 -n OLD") &&
	    !make("vfat-then-ext4", "32M", "mkfs.ext4 -q -F -L new"))
		check_fs("vfat-then-ext4", "ext4", NULL, "new");
	if (!make("ext4-then-vfat", "64M", "mkfs.ext4 -q -F -L old") &&
	    !make("ext4-then-vfat", "64M", "mkfs.vfat -F 32 -n NEW"))
		check_fs("ext4-then-vfat", "vfat", NULL, "NEW");
	if (!make("btrfs-then-xfs", "320M", "mkfs.btrfs -q -f -L old") &&
	    !make("btrfs-then-xfs", "320M", "mkfs.xfs -q -f -L new"))
		check_fs("btrfs-then-xfs", "xfs", NULL, "new");
}

static int patch(const char *file, uint64_t off, const void *data, size_t len)
{
	int fd = open(file, O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pwrite(fd, data, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static int peek(const char *file, uint64_t off, void *data, size_t len)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, data, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static uint32_t rd32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* FAT: the label is the root directory's volume entry, never the boot sector copy */
static void fat_labels(void)
{
	unsigned char bs[512], ent[32], fat[4];
	uint32_t ssize, res, nfats, fatlen, root, off;
	struct fs_id id;

	/* the BPB says one thing, the directory another: blkid takes the directory */
	if (make("fat-bpb", "32M", "mkfs.vfat -F 16 -n DIRLABEL") ||
	    patch(path("fat-bpb"), 43, "BPBLABEL   ", 11))
		return;
	check_fs("fat-bpb", "vfat", NULL, "DIRLABEL");

	/* the label entry deleted: no label, even though the BPB still has one */
	if (make("fat-deleted", "64M", "mkfs.vfat -F 32 -n GONE") ||
	    peek(path("fat-deleted"), 0, bs, sizeof(bs)))
		return;
	ssize = bs[11] | bs[12] << 8;
	res = bs[14] | bs[15] << 8;
	nfats = bs[16];
	fatlen = rd32(bs + 36);
	root = rd32(bs + 44);
	off = (res + nfats * fatlen + (root - 2) * bs[13]) * ssize;
	patch(path("fat-deleted"), off, "\xe5", 1);
	check_fs("fat-deleted", "vfat", NULL, "");

	/* FAT32 with one-sector clusters: 16 files fill the first root cluster, the
	 * label is in the second, reached through the FAT */
	if (make("fat32-chain", "64M", "mkfs.vfat -F 32 -s 1 -i 00c0ffee") ||
	    peek(path("fat32-chain"), 0, bs, sizeof(bs)))
		return;
	ssize = bs[11] | bs[12] << 8;
	res = bs[14] | bs[15] << 8;
	nfats = bs[16];
	fatlen = rd32(bs + 36);
	root = rd32(bs + 44);
	ok(bs[13] == 1 && ssize == 512, "fat32-chain: 512-byte clusters");
	for (int i = 0; i < 16; i++) {
		memset(ent, 0, sizeof(ent));
		snprintf((char *)ent, 12, "FILE%04d   ", i);
		ent[11] = 0x20;
		patch(path("fat32-chain"),
		      (res + nfats * fatlen + (root - 2)) * ssize + 32 * i, ent, 32);
	}
	memset(ent, 0, sizeof(ent));
	memcpy(ent, "FAR AWAY   ", 11);
	ent[11] = 0x08;
	/* cluster root+1 is free after mkfs; chain root -> root+1 -> end in both FATs */
	for (uint32_t f = 0; f < nfats; f++) {
		uint32_t next = root + 1, end = 0x0FFFFFFF;

		memcpy(fat, &next, 4);
		patch(path("fat32-chain"),
		      (uint64_t)(res + f * fatlen) * ssize + 4 * root, fat, 4);
		memcpy(fat, &end, 4);
		patch(path("fat32-chain"),
		      (uint64_t)(res + f * fatlen) * ssize + 4 * (root + 1), fat, 4);
	}
	patch(path("fat32-chain"), (res + nfats * fatlen + (root + 1 - 2)) * ssize, ent,
	      32);
	/* the boot sector copy (and its backup) agree, as a formatter leaves them */
	patch(path("fat32-chain"), 71, ent, 11);
	patch(path("fat32-chain"), (uint64_t)(bs[50] | bs[51] << 8) * ssize + 71, ent,
	      11);
	{
		/* FSInfo: one free cluster less */
		uint64_t fsinfo = (uint64_t)(bs[48] | bs[49] << 8) * ssize + 488;
		uint32_t nfree;

		peek(path("fat32-chain"), fsinfo, fat, 4);
		nfree = rd32(fat) - 1;
		memcpy(fat, &nfree, 4);
		patch(path("fat32-chain"), fsinfo, fat, 4);
	}
	ok(sh("fsck.fat -n '%s' >/dev/null 2>&1", path("fat32-chain")) == 0,
	   "fat32-chain: fsck.fat finds it consistent");
	check_fs("fat32-chain", "vfat", "00C0-FFEE", "FAR AWAY");

	/* a loop in the root's cluster chain ends at the scan budget */
	{
		uint32_t self = root;

		memcpy(fat, &self, 4);
		patch(path("fat32-chain"), (uint64_t)res * ssize + 4 * (root + 1), fat,
		      4);
		patch(path("fat32-chain"),
		      (res + nfats * fatlen + (root + 1 - 2)) * ssize, "\xe5", 1);
		is_int(probe(path("fat32-chain"), &id), 0,
		       "fat32 root chain loop: still vfat");
		is_str(id.label, "", "fat32 root chain loop: no label");
	}
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245 + 12345;
	return rng_state >> 8;
}

static int write_file(const char *file, const void *data, size_t len)
{
	FILE *f = fopen(file, "wb");
	size_t n;

	if (!f)
		return -1;
	n = fwrite(data, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

static int sane(const struct fs_id *id)
{
	return memchr(id->type, 0, sizeof(id->type)) &&
	       memchr(id->uuid, 0, sizeof(id->uuid)) &&
	       memchr(id->label, 0, sizeof(id->label));
}

static void damaged(void)
{
	static unsigned char buf[1 << 20], img[160 << 10];
	struct fs_id id;
	int fd, r;

	write_file(path("empty"), "", 0);
	is_int(probe(path("empty"), &id), -ENOENT, "empty file: nothing");
	memset(buf, 0, sizeof(buf));
	write_file(path("zero1k"), buf, 1024);
	is_int(probe(path("zero1k"), &id), -ENOENT, "1 KiB of zeros: nothing");
	write_file(path("zero1m"), buf, sizeof(buf));
	is_int(probe(path("zero1m"), &id), -ENOENT, "1 MiB of zeros: nothing");
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = rng();
	write_file(path("rand1k"), buf, 1024);
	is_int(probe(path("rand1k"), &id), -ENOENT, "1 KiB of noise: nothing");
	write_file(path("rand1m"), buf, sizeof(buf));
	is_int(probe(path("rand1m"), &id), -ENOENT, "1 MiB of noise: nothing");
	is_int(fs_probe(-1, &id), -EBADF, "a bad fd: -EBADF");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	is_int(fs_probe(fd, &id), -EISDIR, "a directory: the read error");
	close(fd);

	/* every image cut short at the places the probes look at */
	for (size_t i = 0; i < sizeof(fs_images) / sizeof(fs_images[0]); i++) {
		static const size_t cuts[] = { 1,    511,  512,  1023,  1024,
					       1080, 1100, 1200, 2048,  4095,
					       4096, 8192, 65536, 65600, 65900 };
		int bad = 0;

		fd = open(path(fs_images[i]), O_RDONLY | O_CLOEXEC);
		if (fd < 0 || pread(fd, img, sizeof(img), 0) != (ssize_t)sizeof(img)) {
			ok(0, "%s: read", fs_images[i]);
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
			write_file(path("cut"), img, cuts[c]);
			r = probe(path("cut"), &id);
			if ((r != 0 && r != -ENOENT) || (r == 0 && !sane(&id)))
				bad++;
		}
		ok(!bad, "%s: cut short at %zu places, no crash, sane answers",
		   fs_images[i], sizeof(cuts) / sizeof(cuts[0]));

		/* random bytes in the superblock regions */
		bad = 0;
		for (int round = 0; round < 300; round++) {
			unsigned char copy[sizeof(img)];
			int flips = 1 + rng() % 16;

			memcpy(copy, img, sizeof(img));
			for (int f = 0; f < flips; f++) {
				size_t at =
					rng() % 3 ? rng() % 4096 : 65536 + rng() % 1024;

				copy[at] = rng();
			}
			write_file(path("fuzz"), copy, sizeof(copy));
			r = probe(path("fuzz"), &id);
			if ((r != 0 && r != -ENOENT) || (r == 0 && !sane(&id)))
				bad++;
		}
		ok(!bad, "%s: 300 damaged copies, no crash, sane answers", fs_images[i]);
	}
}

/* "uuid" and "name" of partition node in sfdisk --json output */
static int sfdisk_part(const char *json, const char *node, char *uuid, char *name)
{
	char key[660];
	const char *p, *end, *u, *n;

	snprintf(key, sizeof(key), "\"node\": \"%s\"", node);
	p = strstr(json, key);
	if (!p)
		return -1;
	end = strchr(p, '}');
	u = strstr(p, "\"uuid\": \"");
	n = strstr(p, "\"name\": \"");
	uuid[0] = name[0] = 0;
	if (u && u < end) {
		u += 9;
		for (int i = 0; *u != '"'; i++, u++) {
			uuid[i] = *u >= 'A' && *u <= 'Z' ? *u - 'A' + 'a' : *u;
			uuid[i + 1] = 0;
		}
	}
	if (n && n < end) {
		n += 9;
		for (int i = 0; *n != '"'; i++, n++) {
			name[i] = *n;
			name[i + 1] = 0;
		}
	}
	return 0;
}

static void check_gpt(const char *name, unsigned maxpart)
{
	char json[65536], node[620], uuid[64], pname[256];
	struct part_id id;

	snprintf(json, sizeof(json), "%s", run("sfdisk --json '%s'", path(name)));
	for (unsigned n = 0; n <= maxpart; n++) {
		int r = pprobe(path(name), n, &id);

		/* sfdisk names partitions as the kernel does: "gpt1", but "gpt256p1" */
		snprintf(node, sizeof(node), "%s%s%u", path(name),
			 name[strlen(name) - 1] >= '0' && name[strlen(name) - 1] <= '9'
				 ? "p"
				 : "",
			 n);
		if (n == 0 || sfdisk_part(json, node, uuid, pname)) {
			is_int(r, -ENOENT, "%s: no partition %u", name, n);
			continue;
		}
		if (!is_int(r, 0, "%s: partition %u", name, n))
			continue;
		is_str(id.partuuid, uuid, "%s%u: PARTUUID as sfdisk", name, n);
		is_str(id.partlabel, pname, "%s%u: PARTLABEL as sfdisk", name, n);
	}
}

/* the partition numbers sfdisk -d lists: bit n set for partition n */
static uint64_t sfdisk_numbers(const char *name)
{
	const char *out = run("sfdisk -d '%s'", path(name)), *p = out;
	size_t plen = strlen(path(name));
	uint64_t set = 0;

	while (p && *p) {
		if (!strncmp(p, path(name), plen)) {
			unsigned n = strtoul(p + plen, NULL, 10);

			if (n < 64)
				set |= 1ull << n;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return set;
}

static void check_mbr(const char *name, const char *sig, unsigned maxpart)
{
	uint64_t set = sfdisk_numbers(name);
	struct part_id id;
	char want[64];

	ok(set != 0, "%s: sfdisk lists partitions", name);
	for (unsigned n = 0; n <= maxpart; n++) {
		int r = pprobe(path(name), n, &id);

		if (!(set >> n & 1)) {
			is_int(r, -ENOENT, "%s: no partition %u", name, n);
			continue;
		}
		snprintf(want, sizeof(want), "%s-%02x", sig, n);
		if (is_int(r, 0, "%s: partition %u", name, n)) {
			is_str(id.partuuid, want, "%s%u: PARTUUID", name, n);
			is_str(id.partlabel, "", "%s%u: no PARTLABEL", name, n);
		}
	}
}

/* a GPT by hand: LBA size lba, n entries of esize bytes at LBA 2, entry 0 used */
static int make_gpt(const char *name, unsigned lba, uint32_t nent, uint32_t esize,
		    uint32_t hsize, int fix_crc)
{
	static unsigned char disk[1 << 20];
	unsigned char *h = disk + lba, *e = disk + 2 * lba;
	static const unsigned char type[16] = { 0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84,
						0x72, 0x47, 0x8e, 0x79, 0x3d, 0x69,
						0xd8, 0x47, 0x7d, 0xe4 };
	static const unsigned char uniq[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44,
						0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb,
						0xcc, 0xdd, 0xee, 0xff };
	uint32_t crc, stored = esize < 128 ? 128 : esize;
	size_t elen;

	memset(disk, 0, sizeof(disk));
	disk[446 + 4] = 0xEE;
	disk[446 + 8] = 1;
	disk[510] = 0x55;
	disk[511] = 0xAA;
	memcpy(h, "EFI PART", 8);
	h[10] = 1;
	memcpy(h + 12, &hsize, 4);
	h[24] = 1;
	h[72] = 2;
	memcpy(h + 80, &nent, 4);
	memcpy(h + 84, &esize, 4);
	memcpy(e, type, 16);
	memcpy(e + 16, uniq, 16);
	e[56] = '4';
	e[58] = 'K';
	e[60] = 0xe9;
	elen = (uint64_t)nent * stored;
	if (2 * lba + elen > sizeof(disk))
		elen = sizeof(disk) - 2 * lba;
	crc = crc32(0, e, elen);
	memcpy(h + 88, &crc, 4);
	crc = crc32(0, h, hsize <= lba ? hsize : 92);
	if (fix_crc)
		memcpy(h + 16, &crc, 4);
	return write_file(path(name), disk, sizeof(disk));
}

static void partitions(void)
{
	struct part_id id;
	unsigned char b;
	int r;

	r = sh("truncate -s 64M '%s' && sgdisk -o -n 1:2048:+8M -c 1:boot "
	       "-u 1:0FC63DAF-8483-4772-8E79-3D69D8477DE4 -n 2:0:+8M -c 2:'Ünï root ✓' "
	       "-u 2:R -n 5:0:+8M -c 5:abcdefghijklmnopqrstuvwxyz0123456789 -t 5:8200 "
	       "'%s' >/dev/null 2>&1",
	       path("gpt"), path("gpt"));
	if (ok(r == 0, "gpt: sgdisk made it")) {
		check_gpt("gpt", 8);
		is_int(pprobe(path("gpt"), 129, &id), -ENOENT, "gpt: no partition 129");
		is_int(pprobe(path("gpt"), 1, &id), 0, "gpt: partition 1 again");
		is_str(id.partuuid, "0fc63daf-8483-4772-8e79-3d69d8477de4",
		       "gpt1: PARTUUID lower-case, mixed-endian read");
		is_str(id.partlabel, "boot", "gpt1: PARTLABEL");
	}
	r = sh("truncate -s 64M '%s' && sgdisk -o -S 256 -n 200:2048:+1M -c 200:far "
	       "-n 1:0:+1M '%s' >/dev/null 2>&1",
	       path("gpt256"), path("gpt256"));
	if (ok(r == 0, "gpt256: sgdisk made it")) {
		check_gpt("gpt256", 3);
		if (is_int(pprobe(path("gpt256"), 200, &id), 0, "gpt256: partition 200"))
			is_str(id.partlabel, "far", "gpt256: partition 200 PARTLABEL");
	}

	/* damaged GPTs: the CRCs catch them */
	if (!sh("cp '%s' '%s'", path("gpt"), path("gpt-badhdr"))) {
		peek(path("gpt-badhdr"), 512 + 60, &b, 1);
		b ^= 1;
		patch(path("gpt-badhdr"), 512 + 60, &b, 1);
		is_int(pprobe(path("gpt-badhdr"), 1, &id), -ENOENT,
		       "gpt header CRC wrong: none");
	}
	if (!sh("cp '%s' '%s'", path("gpt"), path("gpt-badent"))) {
		peek(path("gpt-badent"), 1024 + 128 + 60, &b, 1);
		b ^= 1;
		patch(path("gpt-badent"), 1024 + 128 + 60, &b, 1);
		is_int(pprobe(path("gpt-badent"), 1, &id), -ENOENT,
		       "gpt entries CRC wrong: none");
	}

	/* hand-made: 4096-byte LBAs, then absurd headers with correct CRCs */
	make_gpt("gpt4k", 4096, 128, 128, 92, 1);
	if (is_int(pprobe(path("gpt4k"), 1, &id), 0,
		   "gpt with 4 KiB sectors: partition 1")) {
		is_str(id.partuuid, "00112233-4455-6677-8899-aabbccddeeff",
		       "gpt4k1: PARTUUID");
		is_str(id.partlabel, "4K\xc3\xa9", "gpt4k1: PARTLABEL in UTF-8");
	}
	is_int(pprobe(path("gpt4k"), 2, &id), -ENOENT, "gpt4k: unused entry 2");
	make_gpt("gpt-ok", 512, 128, 128, 92, 1);
	is_int(pprobe(path("gpt-ok"), 1, &id), 0, "hand-made gpt: partition 1");
	make_gpt("gpt-huge", 512, 0xFFFFFFFF, 128, 92, 1);
	is_int(pprobe(path("gpt-huge"), 1, &id), -ENOENT,
	       "gpt with 2^32-1 entries: refused");
	make_gpt("gpt-big", 512, 1 << 20, 128, 92, 1);
	is_int(pprobe(path("gpt-big"), 1, &id), -ENOENT,
	       "gpt with 2^20 entries: refused");
	make_gpt("gpt-esize0", 512, 128, 0, 92, 1);
	is_int(pprobe(path("gpt-esize0"), 1, &id), -ENOENT,
	       "gpt with entry size 0: refused");
	make_gpt("gpt-esize64", 512, 128, 64, 92, 1);
	is_int(pprobe(path("gpt-esize64"), 1, &id), -ENOENT,
	       "gpt with entry size 64: refused");
	make_gpt("gpt-esize256", 512, 64, 256, 92, 1);
	is_int(pprobe(path("gpt-esize256"), 1, &id), 0, "gpt with entry size 256: fine");
	make_gpt("gpt-esizeodd", 512, 128, 130, 92, 1);
	is_int(pprobe(path("gpt-esizeodd"), 1, &id), -ENOENT,
	       "gpt with entry size 130: refused");
	make_gpt("gpt-hsize", 512, 128, 128, 0xFFFFFFFF, 1);
	is_int(pprobe(path("gpt-hsize"), 1, &id), -ENOENT,
	       "gpt with header size 2^32-1: refused");
	make_gpt("gpt-hsize0", 512, 128, 128, 0, 1);
	is_int(pprobe(path("gpt-hsize0"), 1, &id), -ENOENT,
	       "gpt with header size 0: refused");
	make_gpt("gpt-nocrc", 512, 128, 128, 92, 0);
	is_int(pprobe(path("gpt-nocrc"), 1, &id), -ENOENT,
	       "gpt without header CRC: refused");
	/* truncated after the header: the entries cannot be read */
	sh("head -c 1024 '%s' > '%s'", path("gpt-ok"), path("gpt-cut"));
	is_int(pprobe(path("gpt-cut"), 1, &id), -ENOENT,
	       "gpt cut after its header: none");

	/* MBR: three primaries (the third extended) with logicals, and one with the
	 * extended in slot 2 and slots 3, 4 empty */
	r = sh("truncate -s 64M '%s' && printf 'label: dos\\nlabel-id: 0x1234abcd\\n"
	       "start=2048, size=8M, type=83\\nsize=8M, type=c\\nsize=40M, type=5\\n"
	       "mbr5 : size=4M, type=83\\nsize=4M, type=82\\nsize=4M, type=83\\n' | "
	       "sfdisk -q '%s' >/dev/null 2>&1",
	       path("mbr"), path("mbr"));
	if (ok(r == 0, "mbr: sfdisk made it"))
		check_mbr("mbr", "1234abcd", 10);
	r = sh("truncate -s 64M '%s' && printf 'label: dos\\nlabel-id: 0xCAFE0001\\n"
	       "start=2048, size=8M, type=83\\nsize=40M, type=f\\n"
	       "mbrx5 : size=4M, type=83\\nsize=4M, type=82\\nsize=4M, type=7\\n"
	       "size=4M, type=83\\n' | sfdisk -q '%s' >/dev/null 2>&1",
	       path("mbrx"), path("mbrx"));
	if (ok(r == 0, "mbrx: sfdisk made it")) {
		check_mbr("mbrx", "cafe0001", 12);
		ok(strstr(run("blkid -p -o udev '%s'", path("mbrx")),
			  "ID_PART_TABLE_UUID=cafe0001") != NULL,
		   "mbrx: blkid's PTUUID is the PARTUUID prefix");
	}
	/* the last EBR linked back to the first: the walk ends */
	if (!sh("cp '%s' '%s'", path("mbrx"), path("mbr-loop"))) {
		unsigned char s[512];
		uint32_t ext_start, this;

		peek(path("mbr-loop"), 0, s, 512);
		ext_start = rd32(s + 446 + 16 + 8);
		this = ext_start;
		/* follow to the last EBR */
		for (int i = 0; i < 10; i++) {
			peek(path("mbr-loop"), (uint64_t)this * 512, s, 512);
			if (!rd32(s + 446 + 16 + 12))
				break;
			this = ext_start + rd32(s + 446 + 16 + 8);
		}
		s[446 + 16 + 4] = 0x05;
		memset(s + 446 + 16 + 8, 0, 4);
		memcpy(s + 446 + 16 + 12, (unsigned char[]){ 0, 0x10, 0, 0 }, 4);
		patch(path("mbr-loop"), (uint64_t)this * 512, s, 512);
		is_int(pprobe(path("mbr-loop"), 6, &id), 0,
		       "mbr with an EBR loop: partition 6");
		is_int(pprobe(path("mbr-loop"), 5000, &id), -ENOENT,
		       "mbr with an EBR loop: partition 5000 not found, the walk ends");
	}

	/* no table at all */
	is_int(pprobe(path("empty"), 1, &id), -ENOENT, "empty file: no partitions");
	is_int(pprobe(path("zero1k"), 1, &id), -ENOENT, "zeros: no partitions");
	is_int(pprobe(path("ext4"), 1, &id), -ENOENT, "ext4 image: no partitions");
	for (unsigned n = 1; n <= 4; n++)
		is_int(pprobe(path("fat16"), n, &id), -ENOENT,
		       "FAT boot sector: no partition %u", n);
	is_int(part_probe(-1, 1, &id), -EBADF, "bad fd: -EBADF");

	/* damaged tables: never a crash */
	{
		static unsigned char disk[64 << 10], copy[sizeof(disk)];
		static const char *const names[] = { "gpt", "mbr", "mbrx" };

		for (size_t i = 0; i < 3; i++) {
			int bad = 0;

			if (peek(path(names[i]), 0, disk, sizeof(disk)))
				continue;
			for (int round = 0; round < 300; round++) {
				memcpy(copy, disk, sizeof(copy));
				for (int f = 0, flips = 1 + rng() % 8; f < flips; f++)
					copy[rng() % 2 ? 446 + rng() % 66
						       : rng() % sizeof(copy)] = rng();
				write_file(path("pfuzz"), copy, sizeof(copy));
				for (unsigned n = 1; n <= 8; n++) {
					memset(&id, 0, sizeof(id));
					r = pprobe(path("pfuzz"), n, &id);
					if ((r != 0 && r != -ENOENT) ||
					    !memchr(id.partuuid, 0,
						    sizeof(id.partuuid)) ||
					    !memchr(id.partlabel, 0,
						    sizeof(id.partlabel)))
						bad++;
				}
			}
			ok(!bad, "%s: 300 damaged copies, no crash", names[i]);
		}
	}
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	filesystems();
	fat_labels();
	damaged();
	partitions();
	if (!getenv("KEEP"))
		sh("rm -rf '%s'", dir);
	else
		printf("# images kept in %s\n", dir);
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/* fsprobe.c: filesystem type, UUID and label, and GPT/MBR partition names, read from
 * the on-disk structures (the formats are described in fsprobe.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fileio.h"
#include "fsprobe.h"
#include "sys.h"

#define EXT_SB 1024
#define EXT_COMPAT_HAS_JOURNAL 0x0004
#define EXT_INCOMPAT_JOURNAL_DEV 0x0008
/* what an ext3 driver understands: anything beyond makes it ext4 (as blkid says) */
#define EXT3_INCOMPAT_KNOWN 0x0016 /* filetype, recover, meta_bg */
#define EXT3_RO_COMPAT_KNOWN 0x0007 /* sparse_super, large_file, btree_dir */

#define F2FS_SB 1024
#define F2FS_MAGIC 0xF2F52010u
#define F2FS_NAME_UNITS 512

#define BTRFS_SB 65536

/* bytes of root directory searched for the label */
#define VFAT_ROOT_SCAN_MAX (256u << 10)

/* bytes of a GPT entry array we are willing to read */
#define GPT_ENTRIES_MAX (4u << 20)
#define EBR_MAX 256 /* EBRs followed in one extended partition */

static uint16_t le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint16_t be16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int pow2_in(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi && !(v & (v - 1));
}

/* Up to len bytes at off; what lies past the end of the device reads as zeros, so
 * every probe can look at fixed offsets. The count read, or -errno. */
static ssize_t read_zero(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t got = read_at(fd, buf, len, off);

	if (got >= 0)
		memset((char *)buf + got, 0, len - got);
	return got;
}

static const char hexdig[] = "0123456789abcdef";

/* 16 bytes in the given byte order as "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
static void fmt_uuid_order(char *dst, const unsigned char *u, const unsigned char *order)
{
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*dst++ = '-';
		*dst++ = hexdig[u[order[i]] >> 4];
		*dst++ = hexdig[u[order[i]] & 15];
	}
	*dst = 0;
}

/* a big-endian UUID (ext, xfs, btrfs, f2fs); all zeros is no UUID, as blkid has it */
static void fmt_uuid(char *dst, const unsigned char *u)
{
	static const unsigned char order[16] = { 0, 1, 2,  3,  4,  5,  6,  7,
						 8, 9, 10, 11, 12, 13, 14, 15 };
	int i;

	for (i = 0; i < 16 && !u[i]; i++)
		;
	if (i == 16)
		*dst = 0;
	else
		fmt_uuid_order(dst, u, order);
}

/* a GPT GUID: the first three fields are little-endian */
static void fmt_guid(char *dst, const unsigned char *g)
{
	static const unsigned char order[16] = { 3, 2, 1,  0,  5,  4,  7,  6,
						 8, 9, 10, 11, 12, 13, 14, 15 };

	fmt_uuid_order(dst, g, order);
}

/* n bytes of a fixed-size name field: ends at the first NUL, trailing blanks cut */
static void copy_label(char *dst, size_t size, const unsigned char *src, size_t n)
{
	size_t len = 0;

	while (len < n && src[len])
		len++;
	while (len &&
	       (src[len - 1] == ' ' || src[len - 1] == '\t' || src[len - 1] == '\n'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = 0;
}

/* UTF-16LE (up to units, ending at a NUL unit) as UTF-8; stops before a character
 * that does not fit; unpaired surrogates become U+FFFD */
static void utf16le_to_utf8(char *dst, size_t size, const unsigned char *src,
			    size_t units)
{
	size_t o = 0;

	for (size_t i = 0; i < units; i++) {
		uint32_t c = le16(src + 2 * i);
		size_t len;

		if (!c)
			break;
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < units &&
		    le16(src + 2 * i + 2) >= 0xDC00 && le16(src + 2 * i + 2) < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) +
			    (le16(src + 2 * i + 2) - 0xDC00);
			i++;
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		if (o + len >= size)
			break;
		switch (len) {
		case 1:
			dst[o++] = c;
			break;
		case 2:
			dst[o++] = 0xC0 | c >> 6;
			dst[o++] = 0x80 | (c & 0x3F);
			break;
		case 3:
			dst[o++] = 0xE0 | c >> 12;
			dst[o++] = 0x80 | (c >> 6 & 0x3F);
			dst[o++] = 0x80 | (c & 0x3F);
			break;
		default:
			dst[o++] = 0xF0 | c >> 18;
			dst[o++] = 0x80 | (c >> 12 & 0x3F);
			dst[o++] = 0x80 | (c >> 6 & 0x3F);
			dst[o++] = 0x80 | (c & 0x3F);
		}
	}
	dst[o] = 0;
}

static int probe_ext(const unsigned char *sb, struct fs_id *id)
{
	uint32_t compat, incompat, ro;

	if (le16(sb + 0x38) != 0xEF53 || le32(sb + 0x18) > 6)
		return 0;
	compat = le32(sb + 0x5C);
	incompat = le32(sb + 0x60);
	ro = le32(sb + 0x64);
	/* an external journal carries the magic too, but is nothing to mount */
	if (incompat & EXT_INCOMPAT_JOURNAL_DEV)
		return 0;
	if (incompat & ~EXT3_INCOMPAT_KNOWN || ro & ~EXT3_RO_COMPAT_KNOWN)
		strcpy(id->type, "ext4");
	else if (compat & EXT_COMPAT_HAS_JOURNAL)
		strcpy(id->type, "ext3");
	else
		strcpy(id->type, "ext2");
	fmt_uuid(id->uuid, sb + 0x68);
	copy_label(id->label, sizeof(id->label), sb + 0x78, 16);
	return 1;
}

static int probe_xfs(const unsigned char *sb, struct fs_id *id)
{
	if (memcmp(sb, "XFSB", 4) || !pow2_in(be32(sb + 4), 512, 65536) ||
	    !pow2_in(be16(sb + 102), 512, 32768) || !be32(sb + 88))
		return 0;
	strcpy(id->type, "xfs");
	fmt_uuid(id->uuid, sb + 32);
	copy_label(id->label, sizeof(id->label), sb + 108, 12);
	return 1;
}

static int probe_f2fs(const unsigned char *sb, struct fs_id *id)
{
	uint32_t log_sector = le32(sb + 8);

	if (le32(sb) != F2FS_MAGIC || log_sector < 9 || log_sector > 12)
		return 0;
	strcpy(id->type, "f2fs");
	fmt_uuid(id->uuid, sb + 108);
	utf16le_to_utf8(id->label, sizeof(id->label), sb + 124, F2FS_NAME_UNITS);
	return 1;
}

static int probe_btrfs(const unsigned char *sb, struct fs_id *id)
{
	if (memcmp(sb + 64, "_BHRfS_M", 8))
		return 0;
	strcpy(id->type, "btrfs");
	fmt_uuid(id->uuid, sb + 32);
	copy_label(id->label, sizeof(id->label), sb + 299, 256);
	return 1;
}

/* Looks through len bytes of directory entries at off for the volume-label entry:
 * 1 and label11 filled, 0 when the directory ends without one, 2 when these
 * entries are all used and the directory may go on, or -errno. */
static int vfat_dir_scan(int fd, uint64_t off, uint32_t len, unsigned char *label11)
{
	unsigned char d[2048];

	for (uint32_t pos = 0; pos < len; pos += sizeof(d)) {
		uint32_t chunk = len - pos < sizeof(d) ? len - pos : sizeof(d);
		ssize_t n = read_zero(fd, d, chunk, off + pos);

		if (n < 0)
			return (int)n;
		if (n < (ssize_t)chunk)
			return 0;
		for (uint32_t e = 0; e + 32 <= chunk; e += 32) {
			const unsigned char *ent = d + e;
			unsigned attr = ent[11];

			if (!ent[0])
				return 0;
			if (ent[0] == 0xE5 || (attr & 0x0F) == 0x0F)
				continue; /* deleted, or a long-name part */
			if ((attr & 0x18) == 0x08) {
				memcpy(label11, ent, 11);
				if (label11[0] == 0x05)
					/* the escape of a leading 0xE5 */
					label11[0] = 0xE5;
				return 1;
			}
		}
	}
	return 2;
}

struct vfat_geo {
	uint32_t ssize, spc, reserved, nfats, rootents, fatlen;
	int fat32;
};

/* The label of a FAT volume is its root directory's volume-label entry: Windows
 * ignores the boot sector copy, and so does blkid (it reports that one as
 * LABEL_FATBOOT only). A FAT32 root is a cluster chain, followed through the FAT. */
static int vfat_label(int fd, const struct vfat_geo *g, uint32_t rootclus,
		      unsigned char *label11)
{
	uint64_t data = g->reserved + (uint64_t)g->nfats * g->fatlen;
	uint32_t clusbytes = g->spc * g->ssize, budget = VFAT_ROOT_SCAN_MAX;
	int r;

	if (!g->fat32) {
		uint32_t len = g->rootents * 32;

		r = vfat_dir_scan(fd, data * g->ssize, len < budget ? len : budget,
				  label11);
		return r == 1;
	}
	while (rootclus >= 2 && rootclus < 0x0FFFFFF8 && budget) {
		uint32_t len = clusbytes < budget ? clusbytes : budget;
		unsigned char next[4];

		r = vfat_dir_scan(fd,
				  (data + (uint64_t)(rootclus - 2) * g->spc) * g->ssize,
				  len, label11);
		if (r != 2)
			return r == 1;
		budget -= len;
		if (read_zero(fd, next, 4,
			    (uint64_t)g->reserved * g->ssize + 4ull * rootclus) < 4)
			return 0;
		rootclus = le32(next) & 0x0FFFFFFF;
	}
	return 0;
}

static int probe_vfat(int fd, const unsigned char *bs, struct fs_id *id)
{
	struct vfat_geo g = {
		.ssize = le16(bs + 11),
		.spc = bs[13],
		.reserved = le16(bs + 14),
		.nfats = bs[16],
		.rootents = le16(bs + 17),
		.fatlen = le16(bs + 22),
	};
	const unsigned char *ebpb;
	unsigned char label[11];
	unsigned media = bs[21];

	if (bs[510] != 0x55 || bs[511] != 0xAA || !pow2_in(g.ssize, 512, 4096) ||
	    !pow2_in(g.spc, 1, 128) || !g.reserved || !g.nfats ||
	    (media != 0xF0 && media < 0xF8))
		return 0;
	if (g.fatlen) {
		if (memcmp(bs + 54, "FAT", 3))
			return 0;
		ebpb = bs + 36;
	} else {
		g.fatlen = le32(bs + 36);
		g.fat32 = 1;
		if (!g.fatlen || memcmp(bs + 82, "FAT32", 5))
			return 0;
		ebpb = bs + 64;
	}
	strcpy(id->type, "vfat");
	if (ebpb[2] == 0x28 || ebpb[2] == 0x29) {
		uint32_t serial = le32(ebpb + 3);
		char *u = id->uuid;

		/* blkid prints the serial upper-case, high half first */
		for (int shift = 28; shift >= 0; shift -= 4) {
			*u++ = "0123456789ABCDEF"[serial >> shift & 15];
			if (shift == 16)
				*u++ = '-';
		}
		*u = 0;
	}
	if (vfat_label(fd, &g, le32(bs + 44), label))
		copy_label(id->label, sizeof(id->label), label, 11);
	return 1;
}

int fs_probe(int fd, struct fs_id *ret)
{
	unsigned char b[4096];
	struct fs_id id;
	ssize_t n;

	memset(&id, 0, sizeof(id));
	n = read_zero(fd, b, sizeof(b), 0);
	if (n < 0)
		return n;
	/* the strong signatures first, the FAT heuristics after them */
	if (probe_ext(b + EXT_SB, &id) || probe_xfs(b, &id) ||
	    probe_f2fs(b + F2FS_SB, &id) || probe_vfat(fd, b, &id))
		goto found;
	n = read_zero(fd, b, 1024, BTRFS_SB);
	if (n < 0)
		return n;
	if (probe_btrfs(b, &id))
		goto found;
	return -ENOENT;
found:
	*ret = id;
	return 0;
}

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xEDB88320u & -(crc & 1));
	}
	return ~crc;
}

/* the primary GPT with its header and entry array CRCs checked (the backup at the
 * end of the disk is not looked at: the fd does not tell the disk size) */
static int gpt_probe(int fd, unsigned partno, struct part_id *ret)
{
	static const unsigned lbas[] = { 512, 4096 };
	unsigned char h[512], chunk[4096];
	uint32_t hsize = 0, nent, esize, crc;
	uint64_t lba = 0, entoff, total;
	ssize_t n;

	for (size_t i = 0; i < sizeof(lbas) / sizeof(lbas[0]); i++) {
		n = read_zero(fd, h, sizeof(h), lbas[i]);
		if (n < 0)
			return n;
		if (!memcmp(h, "EFI PART", 8)) {
			lba = lbas[i];
			break;
		}
	}
	if (!lba)
		return -ENOENT;
	hsize = le32(h + 12);
	if (hsize < 92 || hsize > sizeof(h) || le64(h + 24) != 1)
		return -ENOENT;
	crc = le32(h + 16);
	memset(h + 16, 0, 4);
	if (crc32_update(0, h, hsize) != crc)
		return -ENOENT;
	nent = le32(h + 80);
	esize = le32(h + 84);
	if (esize < 128 || esize > sizeof(chunk) || esize % 8 || !nent ||
	    (uint64_t)nent * esize > GPT_ENTRIES_MAX || le64(h + 72) < 2 ||
	    le64(h + 72) > UINT64_MAX / lba - 1)
		return -ENOENT;
	entoff = le64(h + 72) * lba;
	total = (uint64_t)nent * esize;
	crc = 0;
	for (uint64_t pos = 0; pos < total; pos += sizeof(chunk)) {
		size_t len = total - pos < sizeof(chunk) ? total - pos : sizeof(chunk);

		n = read_zero(fd, chunk, len, entoff + pos);
		if (n < 0)
			return n;
		if ((size_t)n < len)
			return -ENOENT;
		crc = crc32_update(crc, chunk, len);
	}
	if (crc != le32(h + 88) || partno > nent)
		return -ENOENT;
	n = read_zero(fd, chunk, 128, entoff + (uint64_t)(partno - 1) * esize);
	if (n < 0)
		return n;
	for (n = 0; n < 16 && !chunk[n]; n++)
		;
	if (n == 16)
		return -ENOENT; /* an unused entry: the type GUID is zero */
	fmt_guid(ret->partuuid, chunk + 16);
	utf16le_to_utf8(ret->partlabel, sizeof(ret->partlabel), chunk + 56, 36);
	return 0;
}

static int is_extended(unsigned type)
{
	return type == 0x05 || type == 0x0F || type == 0x85;
}

static void mbr_partuuid(char *dst, uint32_t sig, unsigned partno)
{
	for (int shift = 28; shift >= 0; shift -= 4)
		*dst++ = hexdig[sig >> shift & 15];
	*dst++ = '-';
	if (partno > 0xFF)
		*dst++ = hexdig[partno >> 8 & 15];
	*dst++ = hexdig[partno >> 4 & 15];
	*dst++ = hexdig[partno & 15];
	*dst = 0;
}

/* The logical partitions of one extended partition, numbered on from *next as the
 * kernel numbers them: in each EBR the data entries in slot order (slots 3 and 4 only
 * when they lie inside that EBR's area, as they are often garbage), then on to the
 * first extended entry. 1 when partno is among them, 0 when not, or -errno. */
static int ebr_walk(int fd, uint32_t ext_start, uint32_t ext_size, unsigned partno,
		    unsigned *next)
{
	unsigned char s[512];
	uint64_t this = ext_start, this_size = ext_size;

	for (int loops = 0; loops < EBR_MAX; loops++) {
		const unsigned char *link = NULL;
		ssize_t n = read_zero(fd, s, sizeof(s), this * 512);

		if (n < 0)
			return (int)n;
		if (n < 512 || s[510] != 0x55 || s[511] != 0xAA)
			return 0;
		for (int j = 0; j < 4; j++) {
			const unsigned char *p = s + 446 + 16 * j;
			uint64_t start = le32(p + 8), size = le32(p + 12);

			if (!size || is_extended(p[4]))
				continue;
			if (j >= 2 &&
			    (start + size > this_size ||
			     this + start + size > (uint64_t)ext_start + ext_size))
				continue;
			if (*next == partno)
				return 1;
			++*next;
		}
		for (int j = 0; j < 4 && !link; j++) {
			const unsigned char *p = s + 446 + 16 * j;

			if (le32(p + 12) && is_extended(p[4]))
				link = p;
		}
		if (!link)
			return 0;
		this = (uint64_t)ext_start + le32(link + 8);
		this_size = le32(link + 12);
	}
	return 0;
}

static int mbr_probe(int fd, const unsigned char *s, unsigned partno, struct part_id *ret)
{
	unsigned next = 5;

	if (partno <= 4) {
		if (!le32(s + 446 + 16 * (partno - 1) + 12))
			return -ENOENT;
		goto found;
	}
	for (int i = 0; i < 4; i++) {
		const unsigned char *p = s + 446 + 16 * i;
		int r;

		if (!le32(p + 12) || !is_extended(p[4]))
			continue;
		r = ebr_walk(fd, le32(p + 8), le32(p + 12), partno, &next);
		if (r < 0)
			return r;
		if (r)
			goto found;
	}
	return -ENOENT;
found:
	mbr_partuuid(ret->partuuid, le32(s + 440), partno);
	ret->partlabel[0] = 0;
	return 0;
}

int part_probe(int fd, unsigned partno, struct part_id *ret)
{
	unsigned char s[512];
	struct part_id id;
	ssize_t n;
	int r;

	if (!partno)
		return -ENOENT;
	n = read_zero(fd, s, sizeof(s), 0);
	if (n < 0)
		return n;
	if (n < 512 || s[510] != 0x55 || s[511] != 0xAA)
		return -ENOENT;
	memset(&id, 0, sizeof(id));
	/* a protective (or hybrid) MBR: the GPT is what counts, as for the kernel */
	for (int i = 0; i < 4; i++)
		if (s[446 + 16 * i + 4] == 0xEE) {
			r = gpt_probe(fd, partno, &id);
			goto out;
		}
	/* boot flags other than 0 and 0x80: boot code or a FAT boot sector, no table */
	for (int i = 0; i < 4; i++)
		if (s[446 + 16 * i] & 0x7F)
			return -ENOENT;
	r = mbr_probe(fd, s, partno, &id);
out:
	if (r == 0)
		*ret = id;
	return r;
}

/* SPDX-License-Identifier: MIT */
/* fsprobe.h: which filesystem a block device holds, and the names of its partition,
 * read from the on-disk structures themselves (no libblkid).
 *
 * Filesystems: ext2/3/4 (the superblock at 1024, magic 0xEF53 at 1080; the type as
 * below), xfs ("XFSB" at 0), btrfs ("_BHRfS_M" at 65536+64), vfat (boot sector at 0 with 55 AA, a sane
 * BPB and "FAT" in its type field; the serial of the FAT12/16 or FAT32 BPB; the label
 * is the volume-label entry of the root directory, as Windows and blkid have it: the
 * BPB copy is ignored, "NO NAME" in the directory is a label), f2fs (0xF2F52010 at
 * 1024; the UTF-16LE volume name as UTF-8). The ext types follow blkid: ext4 when a
 * feature beyond ext3's is set (extents, 64bit, flex_bg, huge_file, ...), ext3 when it
 * has a journal, else ext2; an external journal device is not a filesystem. Text
 * forms are blkid's: UUIDs lower-case with dashes (an all-zero UUID is none), the
 * vfat serial "ABCD-1234", labels with trailing blanks or NULs cut.
 *
 * Partitions: GPT (header at LBA 1 of 512-byte sectors, else of 4096-byte ones;
 * header and entry array CRCs checked, entries of 128 bytes or more, at most 4 MiB of
 * them; only the primary GPT is read; PARTUUID the entry's unique GUID in
 * mixed-endian text, PARTLABEL its UTF-16LE name as UTF-8; a protective or hybrid
 * MBR, type 0xEE in any slot, means GPT) and MBR (512-byte sectors; PARTUUID
 * "SSSSSSSS-NN", the disk signature and the partition number in hex, as the kernel
 * and blkid print them; extended partitions 5 and up through the EBR chain numbered
 * as the kernel does, at most 256 EBRs; no PARTLABEL).
 *
 * Every read goes through sys_pread and is bounds-checked: a damaged disk is
 * "unknown", never a crash. */
#ifndef EARLYMOD_FSPROBE_H
#define EARLYMOD_FSPROBE_H

#include <stddef.h>

struct fs_id {
	char type[16];   /* "ext4", "xfs", ... */
	char uuid[40];   /* "" if none */
	char label[256]; /* "" if none */
};

struct part_id {
	char partuuid[40];
	char partlabel[144]; /* GPT only: 36 UTF-16 units as UTF-8 */
};

/* 0 and *ret filled, -ENOENT when nothing is recognized, or a negative errno from
 * reading */
int fs_probe(int fd, struct fs_id *ret);
/* partition partno (1-based) of the whole disk on fd: 0, -ENOENT (no table or no
 * such partition), or a negative errno from reading */
int part_probe(int fd, unsigned partno, struct part_id *ret);

#endif

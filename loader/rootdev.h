/* SPDX-License-Identifier: MIT */
/* rootdev.h: root= as the kernel and the usual initramfs tools read it, and finding
 * that device among the block devices the kernel has announced.
 *
 * Forms: /dev/NAME (also /dev/disk/by-uuid/U, by-label/L, by-partuuid/P,
 * by-partlabel/L, read as the matching form below, since no udev makes those links),
 * UUID=U, LABEL=L, PARTUUID=P (optionally "/PARTNROFF=N", as the kernel), PARTLABEL=L,
 * MAJ:MIN, and a hexadecimal device number (the kernel's old form, e.g. 801).
 * UUID and PARTUUID compare without regard to case.
 *
 * by-id and by-path links cannot be read that way and are refused. A bare word is
 * only read as a hexadecimal number, as the kernel does ("sda1" is refused).
 *
 * Block devices are read from /sys/class/block/NAME ("dev" holds MAJ:MIN, "size"
 * the sectors, "partition" the partition number; the disk of a partition is the
 * directory above the target of the /sys/class/block/NAME link), their nodes are
 * /dev/NAME (devtmpfs; a '!' in a sysfs name is a '/' in /dev). UUID and LABEL are
 * read with fs_probe from /dev/NAME, PARTUUID and PARTLABEL with part_probe from the
 * partition's disk; devices of size 0 (no medium, idle loop and ram) are not read. */
#ifndef EARLYMOD_ROOTDEV_H
#define EARLYMOD_ROOTDEV_H

#include <stddef.h>

#include "fsprobe.h"

enum root_kind {
	ROOT_NONE,
	ROOT_DEVNAME,
	ROOT_UUID,
	ROOT_LABEL,
	ROOT_PARTUUID,
	ROOT_PARTLABEL,
	ROOT_DEVNUM,
};

struct root_spec {
	enum root_kind kind;
	char value[256];      /* NAME (without /dev/), the UUID, label... */
	unsigned maj, min;    /* ROOT_DEVNUM */
	int partnroff;        /* PARTUUID=.../PARTNROFF=N */
};

/* 0, or -EINVAL for an empty or unusable root= (the caller's message names the
 * value: nothing is logged here) */
int root_spec_parse(struct root_spec *r, const char *s);

struct root_found {
	char dev[64];         /* "/dev/vda1" */
	char name[32];        /* "vda1" */
	struct fs_id fs;      /* fs.type "" when unknown */
};

/* Looks once through the block devices: 1 and *ret when the root is there, 0 when
 * not (yet), or a negative errno (/sys/class/block unreadable). A device that
 * cannot be opened or read is passed over, to be tried again on the next look. With
 * several matches (cloned disks) the first in directory order wins. */
int root_find(const struct root_spec *r, struct root_found *ret);

/* For the "root never appeared" diagnostic: one log_info line per block device the
 * kernel has, in name order ("  vda1 254:1 ext4 UUID="..." LABEL="..."
 * PARTUUID="..." PARTLABEL="...", each part only when known; " (empty)" for size
 * 0; idle ram and loop devices left out), or a log_err line saying there is none. */
void root_report(void);

#endif

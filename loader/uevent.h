/* SPDX-License-Identifier: MIT */
/* uevent.h: kernel uevents as they arrive on a NETLINK_KOBJECT_UEVENT socket.
 *
 * The kernel's message is "ACTION@DEVPATH\0" followed by "KEY=VALUE\0" pairs
 * (ACTION=, DEVPATH=, SUBSYSTEM=, DEVTYPE=, DEVNAME=, MODALIAS=, MAJOR=, MINOR=,
 * SEQNUM=, ...), at most a few KiB. udevd re-broadcasts events in its own binary
 * format, which starts with "libudev"; the loader listens to the kernel only and
 * refuses those. Parsing copies nothing: the fields point into the caller's buffer,
 * which must stay as it is while the event is used. */
#ifndef EARLYMOD_UEVENT_H
#define EARLYMOD_UEVENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* the kernel's environment buffer is 2 KiB (UEVENT_BUFFER_SIZE) and the header adds
 * "ACTION@DEVPATH": a datagram fits in twice that with room to spare */
#define UEVENT_MSG_MAX 8192

struct uevent {
	const char *action;    /* "add", "remove", "change", "bind", ... */
	const char *devpath;   /* "/devices/pci0000:00/.../block/vda" */
	const char *subsystem; /* "block"; "" when absent */
	const char *devtype;   /* "disk", "partition"; "" when absent */
	const char *devname;   /* "vda1" (relative to /dev); "" when absent */
	const char *modalias;  /* "virtio:d00000002v00001AF4"; "" when absent */
	unsigned major, minor; /* 0 when absent */
	uint64_t seqnum;
};

/* 0 and *ret, or -EINVAL for a message that is not a kernel uevent (libudev's, an
 * unterminated field, no '@'); buf[len - 1] must be NUL, as the kernel sends it */
int uevent_parse(const char *buf, size_t len, struct uevent *ret);

/* the action and subsystem a consumer asks about */
int uevent_is(const struct uevent *ev, const char *action, const char *subsystem);

#endif

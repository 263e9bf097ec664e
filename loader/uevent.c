/* SPDX-License-Identifier: MIT */
/* uevent.c: one kernel uevent message into a struct uevent, bounds-checked. */
#include <errno.h>
#include <string.h>

#include "uevent.h"

static unsigned parse_uint(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned d = *s - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*ret = v;
	return 1;
}

static void field(struct uevent *ev, const char *kv, size_t n)
{
	static const struct {
		const char *key;
		size_t len;
		size_t off;
	} t[] = {
		{ "ACTION=", 7, offsetof(struct uevent, action) },
		{ "DEVPATH=", 8, offsetof(struct uevent, devpath) },
		{ "SUBSYSTEM=", 10, offsetof(struct uevent, subsystem) },
		{ "DEVTYPE=", 8, offsetof(struct uevent, devtype) },
		{ "DEVNAME=", 8, offsetof(struct uevent, devname) },
		{ "MODALIAS=", 9, offsetof(struct uevent, modalias) },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (n >= t[i].len && !memcmp(kv, t[i].key, t[i].len)) {
			*(const char **)((char *)ev + t[i].off) = kv + t[i].len;
			return;
		}
	if (!strncmp(kv, "MAJOR=", 6) && parse_uint(kv + 6, &v) && v <= 0xfff)
		ev->major = v;
	else if (!strncmp(kv, "MINOR=", 6) && parse_uint(kv + 6, &v) && v <= 0xfffff)
		ev->minor = v;
	else if (!strncmp(kv, "SEQNUM=", 7) && parse_uint(kv + 7, &v))
		ev->seqnum = v;
}

int uevent_parse(const char *buf, size_t len, struct uevent *ret)
{
	struct uevent ev = { "", "", "", "", "", "", 0, 0, 0 };
	const char *end = buf + len, *p, *at;
	size_t n;

	if (!len || buf[len - 1] || (len >= 7 && !memcmp(buf, "libudev", 7)))
		return -EINVAL;
	n = strlen(buf);
	at = memchr(buf, '@', n);
	if (!at || at == buf || !at[1])
		return -EINVAL;
	/* the header repeats ACTION= and DEVPATH=; the pairs are authoritative, the
	 * header is a fallback for the devpath */
	ev.devpath = at + 1;
	for (p = buf + n + 1; p < end; p += n + 1) {
		n = strlen(p); /* ends inside buf: buf[len - 1] is NUL */
		if (n)
			field(&ev, p, n);
	}
	if (!*ev.action)
		return -EINVAL;
	*ret = ev;
	return 0;
}

int uevent_is(const struct uevent *ev, const char *action, const char *subsystem)
{
	return !strcmp(ev->action, action) &&
	       (!subsystem || !strcmp(ev->subsystem, subsystem));
}

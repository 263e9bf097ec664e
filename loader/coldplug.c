/* SPDX-License-Identifier: MIT */
/* coldplug.c: drivers for the devices in sysfs and in uevents, by MODALIAS (see
 * coldplug.h for the rules and for earlymod.coldplug=0). */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>

#include "coldplug.h"
#include "fileio.h"
#include "kcmdline.h"
#include "log.h"
#include "sys.h"

static struct {
	struct loader *ld;
	int on, settled;
	uint64_t seen;   /* the highest event number handled or covered by a walk */
	uint64_t target; /* settled when seen reaches it; 0: no uevent_seqnum */
	unsigned ndev, nloaded, nhash, nmiss, nmore;
	uint64_t hash[CP_HASH];
	char miss[CP_MISS][96]; /* longer ones (cpu:, dmi:) are cut */
	char buf[4096];         /* one sysfs attribute: at most a page */
} C;

static int off_word(const struct kcmdline_word *w, void *ctx)
{
	/* the kernel's kstrtobool: 0, n, N, f, F, "of..." are false */
	if (w->has_val && w->vallen && w->keylen == 17 &&
	    !memcmp(w->key, "earlymod.coldplug", 17))
		C.on = !memchr("0nNfF", w->val[0], 5) &&
		       !(w->vallen > 1 && w->val[0] == 'o' && w->val[1] == 'f');
	return 0;
}

void cp_init(struct loader *ld)
{
	memset(&C, 0, sizeof(C));
	C.ld = ld;
	C.on = 1;
	if (ld->cmdline)
		kcmdline_words(ld->cmdline, strlen(ld->cmdline), off_word, NULL);
	if (!C.on)
		log_info("earlymod.coldplug=0: loading the listed modules only");
}

/* the file NAME in dirfd into C.buf: its length or -errno */
static ssize_t read_attr(int dirfd, const char *name)
{
	return read_text(dirfd, name, C.buf, sizeof(C.buf));
}

static uint64_t kernel_seqnum(void)
{
	uint64_t v = 0;

	if (read_attr(AT_FDCWD, "/sys/kernel/uevent_seqnum") > 0)
		for (const char *s = C.buf; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (*s - '0');
	return v;
}

/* 1 when s was resolved before; remembers it otherwise, while there is room */
static int seen_before(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
	unsigned i;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3u;
	h += !h; /* 0 marks a free slot */
	for (i = h % CP_HASH; C.hash[i]; i = (i + 1) % CP_HASH)
		if (C.hash[i] == h)
			return 1;
	/* three quarters full at most, so that a free slot ends every search */
	if (C.nhash < CP_HASH / 4 * 3) {
		C.hash[i] = h;
		C.nhash++;
	}
	return 0;
}

static void record_missing(const char *s)
{
	const size_t max = sizeof(C.miss[0]) - 1;

	for (unsigned i = 0; i < C.nmiss; i++)
		if (!strncmp(C.miss[i], s, max))
			return;
	if (C.nmiss == CP_MISS) {
		C.nmore++;
		return;
	}
	strncpy(C.miss[C.nmiss++], s, max);
}

/* "MODALIAS (NAME is blacklisted)", the modalias cut to fit: the user must hear it
 * if the root never comes (a modprobe.blacklist= left in place) */
static void record_blacklisted(const char *modalias, const char *name)
{
	char line[sizeof(C.miss[0])];
	size_t a = strlen(modalias), b = strlen(name);

	if (b + 20 >= sizeof(line))
		return;
	if (a > sizeof(line) - b - 20)
		a = sizeof(line) - b - 20;
	memcpy(line, modalias, a);
	memcpy(line + a, " (", 2);
	memcpy(line + a + 2, name, b);
	memcpy(line + a + 2 + b, " is blacklisted)", 17);
	record_missing(line);
}

static void resolve(const char *modalias)
{
	struct loader *ld = C.ld;
	unsigned flags = ld->flags, n = ld->nloaded;
	int quiet = ld->quiet;

	if (seen_before(modalias))
		return;
	C.ndev++;
	ld->flags |= RES_BLACKLIST;
	ld->quiet = 1;
	ld->why = modalias;
	ld->missing = 0;
	ld->blacklisted[0] = 0;
	ld_modprobe(ld, modalias, NULL);
	if (ld->missing)
		record_missing(modalias);
	else if (ld->blacklisted[0] && ld->nloaded == n)
		record_blacklisted(modalias, ld->blacklisted);
	C.nloaded += ld->nloaded - n;
	ld->flags = flags;
	ld->quiet = quiet;
	ld->why = NULL;
}

static void check_settled(void)
{
	char t[24], d[24], m[24];
	uint64_t k;

	if (C.settled || !C.target || C.seen < C.target)
		return;
	/* the loads just made may have made events of their own */
	k = kernel_seqnum();
	if (k > C.seen) {
		C.target = k;
		return;
	}
	C.settled = 1;
	log_debug("coldplug settled at ", fmt_u64(t, sys_now_ms()), " ms: ",
		  fmt_u64(d, C.ndev), " devices, ", fmt_u64(m, C.nloaded),
		  " modules loaded");
}

/* the device in dirfd, if it is one with a modalias */
static void device(int dirfd)
{
	char *s = C.buf;

	if (read_attr(dirfd, "modalias") <= 0) {
		if (read_attr(dirfd, "uevent") <= 0)
			return;
		while (strncmp(s, "MODALIAS=", 9)) {
			s = strchr(s, '\n');
			if (!s++)
				return;
		}
		s += 9;
	}
	s[strcspn(s, "\n")] = 0;
	if (*s)
		resolve(s);
}

static void walk(int fd, unsigned depth);

static int walk_entry(int dirfd, const char *name, unsigned char type, void *ctx)
{
	int sub;

	/* sysfs links (subsystem, driver, device...) are DT_LNK: not followed, and
	 * O_NOFOLLOW would refuse them anyway */
	if (type != DT_DIR || name[0] == '.')
		return 0;
	sub = sys_openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (sub >= 0) {
		walk(sub, *(unsigned *)ctx + 1);
		sys_close(sub);
	}
	return 0;
}

static void walk(int fd, unsigned depth)
{
	device(fd);
	if (depth < CP_MAX_DEPTH)
		(void)dir_each(fd, walk_entry, &depth);
}

void cp_scan(void)
{
	uint64_t before;
	int fd;

	if (!C.on)
		return;
	before = kernel_seqnum();
	fd = sys_open("/sys/devices", O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0) {
		walk(fd, 0);
		sys_close(fd);
	}
	if (before > C.seen)
		C.seen = before;
	C.target = kernel_seqnum();
	check_settled();
}

void cp_uevent(const struct uevent *ev)
{
	if (!C.on)
		return;
	if (*ev->modalias && !strcmp(ev->action, "add"))
		resolve(ev->modalias);
	if (ev->seqnum > C.seen)
		C.seen = ev->seqnum;
	check_settled();
}

void cp_report(void)
{
	char n[24];

	if (!C.nmiss)
		return;
	/* disks hang off these buses; firmware, CPU and platform devices seldom matter
	 * for the root, so they come after, and only as a count past a few */
	static const char *const buses[] = { "virtio:", "pci:", "usb:", "scsi:", "nvme",
					     "mmc:", "sdio:", "ccw:", "vmbus:", "xen:" };
	unsigned other = 0, shown = 0;

	log_err("devices without a driver in this image:");
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < C.nmiss; i++) {
			int disk = 0;

			for (size_t k = 0; k < sizeof(buses) / sizeof(buses[0]); k++)
				disk |= !strncmp(C.miss[i], buses[k], strlen(buses[k]));
			if (disk != !pass)
				continue;
			if (pass && shown++ >= 8) {
				other++;
				continue;
			}
			log_info("  ", C.miss[i],
				 C.miss[i][sizeof(C.miss[0]) - 2] ? "..." : "");
		}
	if (C.nmore + other)
		log_info("  and ", fmt_u64(n, C.nmore + other), " more");
}

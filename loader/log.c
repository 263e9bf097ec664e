/* SPDX-License-Identifier: MIT */
/* log.c: messages to /dev/kmsg and the console, and the applets' stdout, without stdio. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "sys.h"

#define LOG_LINE_MAX 1024 /* /dev/kmsg takes at most 1 KiB per record */

static int kmsg_fd = -1, console_fd = 2, max_level = LOG_INFO;
/* the kernel's console_loglevel; 0 while unknown: then we write the console always */
static int kernel_echo_below;
static char devkmsg_was[16];

#define PRINTK "/proc/sys/kernel/printk"
#define DEVKMSG "/proc/sys/kernel/printk_devkmsg"

static int write_small(const char *path, const char *s)
{
	int fd = sys_open(path, O_WRONLY, 0);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = sys_write(fd, s, strlen(s));
	sys_close(fd);
	return n < 0 ? (int)n : 0;
}

void log_take_kmsg(void)
{
	char buf[32];
	int unlimited;

	devkmsg_was[0] = 0;
	if (kmsg_fd < 0 || read_text(AT_FDCWD, DEVKMSG, buf, sizeof(buf)) <= 0)
		return;
	unlimited = !strncmp(buf, "on", 2);
	if (!strncmp(buf, "ratelimit", 9) && write_small(DEVKMSG, "on\n") == 0) {
		memcpy(devkmsg_was, "ratelimit\n", 11);
		unlimited = 1;
	}
	/* leaving the console to the kernel's echo is only safe when nothing we write
	 * can be dropped */
	if (unlimited && read_text(AT_FDCWD, PRINTK, buf, sizeof(buf)) > 0 && buf[0] >= '1' &&
	    buf[0] <= '9' && (buf[1] < '0' || buf[1] > '9'))
		kernel_echo_below = buf[0] - '0';
}

void log_release_kmsg(void)
{
	if (devkmsg_was[0])
		(void)write_small(DEVKMSG, devkmsg_was);
	devkmsg_was[0] = 0;
	kernel_echo_below = 0;
}

void log_init(int kmsg, int console, int level)
{
	kmsg_fd = kmsg;
	console_fd = console;
	max_level = level;
}

static size_t append(char *buf, size_t len, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n > cap - len)
		n = cap - len;
	memcpy(buf + len, s, n);
	return len + n;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = sys_write(fd, p, n);

		if (w == -EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= w;
	}
}

static void log_va(int level, const char *first, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len, body;

	line[0] = '<';
	line[1] = '0' + (level & 7);
	line[2] = '>';
	len = append(line, 3, sizeof(line) - 1, "earlymod: ");
	body = 3;
	for (const char *s = first; s; s = va_arg(ap, const char *))
		len = append(line, len, sizeof(line) - 1, s);
	line[len++] = '\n';
	/* the kernel prints kmsg records of level <= console loglevel on the
	 * console itself; write the console too so quiet boots show errors */
	if (kmsg_fd >= 0)
		write_all(kmsg_fd, line, len);
	if (console_fd >= 0 && (level <= max_level || kmsg_fd < 0) &&
	    !(kmsg_fd >= 0 && level < kernel_echo_below))
		write_all(console_fd, line + body, len - body);
}

void log_strs(int level, ...)
{
	va_list ap;
	const char *first;

	if (level > max_level && level > LOG_NOTICE)
		return;
	va_start(ap, level);
	first = va_arg(ap, const char *);
	log_va(level, first, ap);
	va_end(ap);
}

const char *fmt_u64(char *buf, uint64_t v)
{
	char tmp[21];
	size_t n = 0, i = 0;

	do
		tmp[n++] = '0' + v % 10;
	while ((v /= 10));
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = 0;
	return buf;
}

const char *fmt_ms(char *buf, uint64_t ms)
{
	size_t n;

	fmt_u64(buf, ms / 1000);
	n = strlen(buf);
	buf[n++] = '.';
	buf[n++] = '0' + ms / 100 % 10;
	buf[n++] = '0' + ms / 10 % 10;
	buf[n++] = '0' + ms % 10;
	buf[n] = 0;
	return buf;
}

const char *errno_str(char *buf, int err)
{
	static const struct {
		int e;
		const char *s;
	} t[] = {
		{ ENOENT, "No such file or directory" },
		{ EEXIST, "File exists" },
		{ EPERM, "Operation not permitted" },
		{ EACCES, "Permission denied" },
		{ ENOEXEC, "Exec format error" },
		{ EINVAL, "Invalid argument" },
		{ EBUSY, "Device or resource busy" },
		{ ENOMEM, "Cannot allocate memory" },
		{ ENODEV, "No such device" },
		{ ENXIO, "No such device or address" },
		{ EIO, "Input/output error" },
		{ EKEYREJECTED, "Key was rejected by service" },
		{ ENOKEY, "Required key not available" },
		{ EBADMSG, "Bad message" },
		{ ENOSPC, "No space left on device" },
		{ EROFS, "Read-only file system" },
		{ ENOTDIR, "Not a directory" },
		{ E2BIG, "Argument list too long" },
		{ ENOSYS, "Function not implemented" },
		{ EOPNOTSUPP, "Operation not supported" },
		{ ETIMEDOUT, "Connection timed out" },
		{ EFAULT, "Bad address" },
		{ EPROTO, "Protocol error" },
		{ ENAMETOOLONG, "File name too long" },
	};
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == err)
			return t[i].s;
	memcpy(buf, "error ", 6);
	fmt_u64(buf + 6, err);
	return buf;
}

static char outbuf[4096];
static size_t outlen;

int out_flush(void)
{
	write_all(1, outbuf, outlen);
	outlen = 0;
	return 0;
}

int out_buf(const char *s, size_t n)
{
	if (n > sizeof(outbuf) - outlen)
		out_flush();
	if (n > sizeof(outbuf)) {
		write_all(1, s, n);
		return 0;
	}
	memcpy(outbuf + outlen, s, n);
	outlen += n;
	return 0;
}

int out_str(const char *s)
{
	return out_buf(s, strlen(s));
}

int err_str(const char *s)
{
	out_flush();
	write_all(2, s, strlen(s));
	return 0;
}

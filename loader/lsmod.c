/* SPDX-License-Identifier: MIT */
/* lsmod.c: the lsmod applet, kmod 30's layout.
 *
 * One line per line of /proc/modules (newest first): printf("%-19s %8lu  %d") of
 * name, size and use count, then, when /sys/module/NAME/holders/ has entries, a space
 * and their names joined by ','. kmod reads the size from /sys/module/NAME/coresize
 * and the count from .../refcnt; /proc/modules prints the same two numbers, so its
 * own fields are used (as text, right-aligned; "-" on kernels without unloading). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "applets.h"
#include "log.h"
#include "sys.h"

static void spaces(size_t n)
{
	while (n--)
		out_buf(" ", 1);
}

static void holder(const char *name, void *ctx)
{
	char *sep = ctx;

	out_buf(sep, 1);
	*sep = ',';
	out_str(name);
}

/* the next blank-separated word of [*p, end) */
static const char *word(const char **p, const char *end, size_t *ret_len)
{
	const char *s = *p, *e;

	while (s < end && *s == ' ')
		s++;
	for (e = s; e < end && *e != ' ';)
		e++;
	*p = e;
	*ret_len = e - s;
	return s;
}

static void line(const char *p, size_t len)
{
	const char *end = p + len, *name, *size, *refs;
	size_t nn, ns, nr;
	char mod[64], sep = ' ';

	name = word(&p, end, &nn);
	size = word(&p, end, &ns);
	refs = word(&p, end, &nr);
	if (!nn || nn >= sizeof(mod))
		return;
	memcpy(mod, name, nn);
	mod[nn] = 0;
	out_buf(name, nn);
	spaces(nn < 19 ? 19 - nn : 0);
	spaces(ns < 8 ? 9 - ns : 1);
	out_buf(size, ns);
	spaces(2);
	out_buf(refs, nr);
	mod_holders(mod, holder, &sep);
	out_buf("\n", 1);
}

int lsmod_main(int argc, char **argv, char **envp)
{
	static char buf[4096];
	size_t len = 0;
	int fd, skip = 0;
	char ebuf[32];

	if (argc > 1) {
		err_str("usage: lsmod\n");
		return 1;
	}
	fd = sys_open("/proc/modules", O_RDONLY, 0);
	if (fd < 0) {
		app_err("Error: could not get list of modules: ", errno_str(ebuf, fd),
			"\n", (const char *)0);
		return 1;
	}
	out_str("Module                  Size  Used by\n");
	for (;;) {
		ssize_t n = sys_read(fd, buf + len, sizeof(buf) - len);
		char *nl;

		if (n == -EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
		/* a line longer than buf (a long list of users): its first words are in
		 * the buffer; the rest is skipped */
		while ((nl = memchr(buf, '\n', len)) || len == sizeof(buf)) {
			size_t k = nl ? (size_t)(nl - buf) : len;

			if (!skip)
				line(buf, k);
			skip = !nl;
			k += nl != NULL;
			memmove(buf, buf + k, len - k);
			len -= k;
		}
	}
	if (len && !skip)
		line(buf, len);
	sys_close(fd);
	return 0;
}

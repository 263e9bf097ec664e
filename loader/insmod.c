/* SPDX-License-Identifier: MIT */
/* insmod.c: the insmod applet: one file into the kernel, no dependencies.
 *
 *   insmod [-f] FILE [PARAM=VALUE...]
 *
 * As kmod 30: the parameters are joined with single spaces (no quoting), -f ignores
 * modversions and vermagic. Errors say the kernel's reason in ld_strerror's words,
 * which name the usual causes (kmod's insmod says only "Unknown symbol in module").
 * A compressed file is handed to the kernel with MODULE_INIT_COMPRESSED_FILE, which
 * kernels with CONFIG_MODULE_DECOMPRESS accept; there is no decompressor here. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "applets.h"
#include "load.h"
#include "log.h"
#include "modname.h"
#include "sys.h"

#define MODULE_INIT_IGNORE_MODVERSIONS 1
#define MODULE_INIT_IGNORE_VERMAGIC 2
#define MODULE_INIT_COMPRESSED_FILE 4

static int compressed(int fd)
{
	static const char *const magic[] = { "\x1f\x8b", "\xfd\x37\x7a\x58\x5a",
					     "\x28\xb5\x2f\xfd" };
	char head[6];

	if (sys_pread(fd, head, sizeof(head), 0) != sizeof(head))
		return 0;
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (!memcmp(head, magic[i], strlen(magic[i])))
			return 1;
	return 0;
}

int insmod_main(int argc, char **argv, char **envp)
{
	static char opts[RES_OPTS_MAX];
	const char *file, *base;
	char name[64], ebuf[32];
	size_t len = 0;
	int i = 1, flags = 0, fd, r;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-f") || !strcmp(a, "--force"))
			flags |= MODULE_INIT_IGNORE_MODVERSIONS |
				 MODULE_INIT_IGNORE_VERMAGIC;
		else if (strcmp(a, "-s") && strcmp(a, "-v") && strcmp(a, "--syslog") &&
			 strcmp(a, "--verbose")) {
			err_str("usage: insmod [-f] FILE [PARAM=VALUE]...\n");
			return 1;
		}
	}
	if (i >= argc) {
		err_str("insmod: ERROR: missing filename.\n");
		return 1;
	}
	file = argv[i++];
	opts[0] = 0;
	if (!strcmp(file, "-")) {
		err_str("insmod: ERROR: this tool does not support loading from stdin!\n");
		return 1;
	}
	for (; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (len + n + 2 > sizeof(opts)) {
			r = -E2BIG;
			goto fail;
		}
		if (len)
			opts[len++] = ' ';
		memcpy(opts + len, argv[i], n + 1);
		len += n;
	}
	fd = sys_open(file, O_RDONLY, 0);
	if (fd < 0) {
		app_err("insmod: ERROR: could not load module ", file, ": ",
			errno_str(ebuf, fd), "\n", (const char *)0);
		return 1;
	}
	/* the kernel names the module from its .modinfo; this name is for logs */
	base = strrchr(file, '/');
	if (modname_normalize(base ? base + 1 : file, name, sizeof(name)) < 0)
		name[0] = 0;
	if (compressed(fd))
		flags |= MODULE_INIT_COMPRESSED_FILE;
	r = sys_finit_module(name, fd, opts, flags);
	sys_close(fd);
	if (r == 0)
		return 0;
fail:
	app_err("insmod: ERROR: could not insert module ", file, ": ",
		ld_strerror(r, ebuf), "\n", (const char *)0);
	return 1;
}

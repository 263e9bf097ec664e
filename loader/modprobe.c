/* SPDX-License-Identifier: MIT */
/* modprobe.c: the modprobe applet, kmod's options over the image's blob.
 *
 *   modprobe [-D|--show-depends] [-n|--dry-run] [-v] [-q] [-b] [-i] [-a] [-R]
 *            [--blob FILE] [--cmdline STRING] NAME [PARAM=VALUE...]
 *
 * Without -a, words after NAME are options for NAME, as in kmod. The kernel's
 * command line (MOD.param=, modprobe.blacklist=) is read from /proc/cmdline
 * unless --cmdline gives one. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>

#include "applets.h"
#include "blob.h"
#include "load.h"
#include "log.h"
#include "resolve.h"
#include "sys.h"

static char cmdline_buf[4096];
static char opts_buf[RES_OPTS_MAX];

int blob_map(const char *path, struct blob *ret)
{
	const void *p;
	size_t len;
	int r = sys_map_file(path, &p, &len);

	if (r < 0)
		return r;
	r = blob_open(ret, p, len);
	if (r < 0)
		sys_unmap(p, len);
	return r;
}

static const char *read_cmdline(void)
{
	int fd = sys_open("/proc/cmdline", O_RDONLY, 0);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = sys_read(fd, cmdline_buf, sizeof(cmdline_buf) - 1);
	sys_close(fd);
	if (n < 0)
		return NULL;
	cmdline_buf[n] = 0;
	return cmdline_buf;
}

/* kmod joins argv options with spaces, quoting values that hold a space */
static int join_opts(char **argv, int argc)
{
	size_t len = 0;

	opts_buf[0] = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		int quote = eq && strchr(eq, ' ') && eq[1] != '"';
		size_t need = strlen(a) + 4;

		if (len + need >= sizeof(opts_buf))
			return -E2BIG;
		if (len)
			opts_buf[len++] = ' ';
		if (quote) {
			size_t k = eq - a + 1;

			memcpy(opts_buf + len, a, k);
			len += k;
			opts_buf[len++] = '"';
			strcpy(opts_buf + len, eq + 1);
			len += strlen(eq + 1);
			opts_buf[len++] = '"';
			opts_buf[len] = 0;
		} else {
			strcpy(opts_buf + len, a);
			len += strlen(a);
		}
	}
	return 0;
}

static int print_name(const char *name, uint32_t mod, void *ctx)
{
	out_str(name);
	out_str("\n");
	return 0;
}

static int usage(void)
{
	err_str("usage: modprobe [-D] [-n] [-v] [-q] [-b] [-i] [-a] [-R] [--blob FILE]\n"
		"                [--cmdline STRING] NAME [PARAM=VALUE]...\n");
	return 2;
}

int modprobe_main(int argc, char **argv, char **envp)
{
	static struct loader ld;
	static struct blob b;
	const char *blob_path = BLOB_IMAGE_PATH, *cmdline = NULL;
	int all = 0, resolve = 0, have_cmdline = 0, i, r, status = 0;
	unsigned flags = 0;
	char ebuf[32];

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--blob") && i + 1 < argc) {
			blob_path = argv[++i];
		} else if (!strcmp(a, "--cmdline") && i + 1 < argc) {
			cmdline = argv[++i];
			have_cmdline = 1;
		} else if (!strcmp(a, "--show-depends")) {
			ld.show_depends = 1;
		} else if (!strcmp(a, "--dry-run")) {
			ld.dry_run = 1;
		} else if (!strcmp(a, "--verbose")) {
			ld.verbose = 1;
		} else if (!strcmp(a, "--quiet")) {
			ld.quiet = 1;
		} else if (!strcmp(a, "--use-blacklist")) {
			flags |= RES_BLACKLIST;
		} else if (!strcmp(a, "--ignore-install")) {
			flags |= RES_IGNORE_INSTALL;
		} else if (!strcmp(a, "--all")) {
			all = 1;
		} else if (!strcmp(a, "--resolve-alias")) {
			resolve = 1;
		} else if (a[1] != '-') {
			for (const char *c = a + 1; *c; c++) {
				switch (*c) {
				case 'D': ld.show_depends = 1; break;
				case 'n': ld.dry_run = 1; break;
				case 'v': ld.verbose = 1; break;
				case 'q': ld.quiet = 1; break;
				case 'b': flags |= RES_BLACKLIST; break;
				case 'i': flags |= RES_IGNORE_INSTALL; break;
				case 'a': all = 1; break;
				case 'R': resolve = 1; break;
				default: return usage();
				}
			}
		} else {
			return usage();
		}
	}
	if (i == argc)
		return usage();
	r = blob_map(blob_path, &b);
	if (r < 0) {
		err_str("modprobe: cannot read the module database ");
		err_str(blob_path);
		err_str(": ");
		err_str(errno_str(ebuf, r));
		err_str("\n");
		return 1;
	}
	if (!have_cmdline)
		cmdline = read_cmdline();
	{
		/* ld is static (its bitmap is large); keep what the options set */
		int sd = ld.show_depends, dr = ld.dry_run, vb = ld.verbose, qt = ld.quiet;

		ld_init(&ld, &b, cmdline);
		ld.show_depends = sd;
		ld.dry_run = dr;
		ld.verbose = vb;
		ld.quiet = qt;
	}
	ld.flags = flags;
	ld.have_shell = sys_fstatat(AT_FDCWD, "/bin/sh", &(struct stat){ 0 }, 0) == 0;
	if (resolve) {
		r = res_resolve(&b, argv[i], print_name, NULL);
		return r < 0 ? 1 : 0;
	}
	if (!all) {
		r = join_opts(argv + i + 1, argc - i - 1);
		if (r < 0)
			return 1;
		r = ld_modprobe(&ld, argv[i], argc - i > 1 ? opts_buf : NULL);
		return r < 0 ? 1 : 0;
	}
	for (; i < argc; i++)
		if (ld_modprobe(&ld, argv[i], NULL) < 0)
			status = 1;
	return status;
}

/* SPDX-License-Identifier: MIT */
/* main.c: one binary, many names. As PID 1 (or /init) it boots; as modprobe, insmod,
 * rmmod, lsmod or modinfo (links to /init in the image, or "loader NAME ..." on the
 * host) it is that tool. */
#include <string.h>

#include "applets.h"
#include "log.h"
#include "sys.h"

static const struct {
	const char *name;
	int (*main)(int argc, char **argv, char **envp);
} applets[] = {
	{ "init", boot_main },
	{ "modprobe", modprobe_main },
	{ "insmod", insmod_main },
	{ "rmmod", rmmod_main },
	{ "lsmod", lsmod_main },
	{ "modinfo", modinfo_main },
};

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int run(const char *name, int argc, char **argv, char **envp)
{
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++)
		if (!strcmp(name, applets[i].name)) {
			int r = applets[i].main(argc, argv, envp);

			out_flush();
			return r;
		}
	return -1;
}

int main(int argc, char **argv, char **envp)
{
	const char *name = argc ? base(argv[0]) : "init";
	int r;

	if (sys_getpid() == 1)
		return boot_main(argc, argv, envp);
	r = run(name, argc, argv, envp);
	if (r >= 0)
		return r;
	if (argc > 1) {
		r = run(argv[1], argc - 1, argv + 1, envp);
		if (r >= 0)
			return r;
	}
	err_str("usage: loader init|modprobe|insmod|rmmod|lsmod|modinfo [ARGS]...\n"
		"  As PID 1 (the image's /init) it boots; through links named modprobe,\n"
		"  insmod, rmmod, lsmod or modinfo it is that command.\n");
	return 2;
}

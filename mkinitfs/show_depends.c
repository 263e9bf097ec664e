/* SPDX-License-Identifier: MIT */
/* show_depends.c: mkinitfs --show-depends, modprobe -D -a from the same rules the
 * loader uses at boot (lib/resolve.c over the blob of the whole tree). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkinitfs.h"
#include "resolve.h"
#include "showdeps.h"

static int print_entry(const struct res_entry *e, void *ctx)
{
	const struct blob *b = ctx;
	char line[RES_OPTS_MAX + 8192];
	int n = showdeps_line(b, e, line, sizeof(line));

	if (n < 0)
		return n;
	fwrite(line, 1, n, stdout);
	return 0;
}

int cmd_show_depends(struct session *s, char **queries, size_t n)
{
	struct res_opts o = { s->opt->cmdline, NULL, RES_IGNORE_LOADED };
	struct res_ops ops = { .entry = print_entry, .ctx = &s->blob };
	int status = 0;

	if (s->opt->use_blacklist)
		o.flags |= RES_BLACKLIST;
	if (s->opt->ignore_install)
		o.flags |= RES_IGNORE_INSTALL;
	for (size_t i = 0; i < n; i++) {
		int r = res_modprobe(&s->blob, queries[i], &o, &ops);

		if (r == -ENOENT) {
			fprintf(stderr, "mkinitfs: FATAL: Module %s not found in directory %s\n",
				queries[i], s->blob.moddir);
			status = 1;
		} else if (r < 0) {
			fprintf(stderr, "mkinitfs: ERROR: %s: %s\n", queries[i], strerror(-r));
			status = 1;
		}
	}
	fflush(stdout);
	return status;
}

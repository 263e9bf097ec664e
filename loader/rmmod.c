/* SPDX-License-Identifier: MIT */
/* rmmod.c: the rmmod applet.
 *
 *   rmmod [-f] [-v] [-s] NAME|PATH...
 *
 * As kmod 30: a module must be loaded, not built in, without holders and with a zero
 * refcnt before delete_module(NAME, O_NONBLOCK) is called; -f skips those checks and
 * adds O_TRUNC. A path stands for the module named by its file name ("-" as "_",
 * up to the first '.'). One difference: a missing refcnt file does not make
 * a module "in use" here; the kernel decides. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "applets.h"
#include "blob.h"
#include "log.h"
#include "modname.h"
#include "sys.h"

void app_err(const char *s, ...)
{
	va_list ap;

	va_start(ap, s);
	for (; s; s = va_arg(ap, const char *))
		err_str(s);
	va_end(ap);
}

static void err_holder(const char *holder, void *ctx)
{
	app_err(" ", holder, (const char *)0);
}

/* "rmmod: ERROR: Module NAME WHAT" */
static void mod_err(const char *name, const char *what)
{
	app_err("rmmod: ERROR: Module ", name, what, (const char *)0);
}

static void in_use(const char *name)
{
	mod_err(name, " is in use");
	if (mod_holders(name, NULL, NULL) > 0) {
		err_str(" by:");
		mod_holders(name, err_holder, NULL);
	}
	err_str("\n");
}

/* kmod's checks before delete_module, with its messages */
static int check(const struct blob *b, const char *name)
{
	int s = mod_state(b, name);

	if (s == MOD_BUILTIN) {
		mod_err(name, " is builtin.\n");
		return -ENOENT;
	}
	if (s < 0) {
		mod_err(name, " is not currently loaded\n");
		return -ENOENT;
	}
	if (mod_holders(name, NULL, NULL) > 0 || mod_refcnt(name) > 0) {
		in_use(name);
		return -EBUSY;
	}
	return 0;
}

int rmmod_main(int argc, char **argv, char **envp)
{
	static struct blob blob;
	const struct blob *b = NULL;
	unsigned flags = O_NONBLOCK;
	int i, failed = 0;
	char ebuf[32];

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--force") || (a[1] != '-' && strchr(a, 'f')))
			flags |= O_TRUNC;
		if (strcmp(a, "--force") && strcmp(a, "--verbose") &&
		    strcmp(a, "--syslog") &&
		    (a[1] == '-' || a[1 + strspn(a + 1, "fvs")])) {
			err_str("usage: rmmod [-f] NAME...\n");
			return 1;
		}
	}
	if (i == argc) {
		err_str("rmmod: ERROR: missing module name.\n");
		return 1;
	}
	/* the image's blob knows the built-in modules; the host's rmmod has none */
	if (blob_map(BLOB_IMAGE_PATH, &blob) == 0)
		b = &blob;
	for (; i < argc; i++) {
		const char *arg = argv[i], *slash = strrchr(arg, '/');
		char name[64];
		int r = modname_normalize(slash ? slash + 1 : arg, name, sizeof(name));

		if (r <= 0) {
			app_err("rmmod: ERROR: could not use module ", arg, ": ",
				errno_str(ebuf, r < 0 ? r : -EINVAL), "\n",
				(const char *)0);
			return 1;
		}
		if (!(flags & O_TRUNC) && check(b, name) < 0) {
			failed++;
			continue;
		}
		r = sys_delete_module(name, flags);
		if (r == -EWOULDBLOCK || r == -EBUSY) {
			in_use(name);
			failed++;
		} else if (r == -ENOENT) {
			mod_err(name, " is not currently loaded\n");
			failed++;
		} else if (r < 0) {
			app_err("rmmod: ERROR: could not remove module ", arg, ": ",
				errno_str(ebuf, r), "\n", (const char *)0);
			failed++;
		}
	}
	return failed ? 1 : 0;
}

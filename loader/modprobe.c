/* SPDX-License-Identifier: MIT */
/* modprobe.c: the modprobe applet, kmod's options over the image's blob.
 *
 *   modprobe [-D|--show-depends] [-n|--dry-run] [-v] [-q] [-b] [-i] [-a] [-R]
 *            [--blob FILE] [--cmdline STRING] NAME [PARAM=VALUE...]
 *   modprobe -r [-n] [-v] [-i] [-f] [--first-time] [--blob FILE] NAME...
 *
 * Without -a, words after NAME are options for NAME, as in kmod. The kernel's
 * command line (MOD.param=, modprobe.blacklist=) is read from /proc/cmdline
 * unless --cmdline gives one.
 *
 * -r removes as kmod 30 does, for every module NAME resolves to: its remove command
 * if the configuration has one (else it must be loaded and not in use), the post
 * softdeps first, then the module, then its hard dependencies whose refcnt fell to 0
 * (in modules.dep order), then the pre softdeps, softdeps in reverse order and their
 * errors ignored. A module that is not loaded is no error, as in kmod 30, unless
 * --first-time is given; "in use" is kmod's one-line message (rmmod names the holders).
 * Remove commands other than true and false need /bin/sh; without one the module is
 * removed instead; $CMDLINE_OPTS in them is not expanded. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>

#include "applets.h"
#include "blob.h"
#include "glob.h"
#include "fileio.h"
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
	return read_text(AT_FDCWD, "/proc/cmdline", cmdline_buf, sizeof(cmdline_buf)) < 0
		       ? NULL
		       : cmdline_buf;
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

/* ---- modprobe -r ---- */

#define RM_DEPTH 4   /* softdep nesting: each level holds a resolver's state */
#define RM_SOFT 32   /* modules one softdep target resolves to */

struct rm {
	const struct blob *b;
	unsigned flags; /* O_TRUNC with -f */
	int verbose, dry_run, first_time, ignore_cmds, have_shell, depth, seen;
};

static int rm_quiet; /* -q: kmod prints no message at all */

struct rm_hits {
	size_t n;
	struct {
		uint32_t mod;
		char name[64];
	} v[RM_SOFT];
};

/* "modprobe: FATAL: Module NAME WHAT" */
static void rm_fatal(const char *name, const char *what)
{
	if (!rm_quiet)
		app_err("modprobe: FATAL: Module ", name, what, (const char *)0);
}

static void show(const char *what, const char *s)
{
	out_str(what);
	out_str(s);
	out_str("\n");
}

/* kmod's rmmod_do_remove_module() */
static int rm_module(struct rm *rm, const char *name)
{
	char ebuf[32];
	int r;

	if (rm->verbose)
		show("rmmod ", name);
	if (rm->dry_run)
		return 0;
	r = sys_delete_module(name, O_NONBLOCK | rm->flags);
	if (r == -EWOULDBLOCK || r == -EBUSY)
		rm_fatal(name, " is in use.\n");
	else if (r < 0 && !rm_quiet)
		app_err("modprobe: ERROR: could not remove '", name, "': ",
			errno_str(ebuf, r), "\n", (const char *)0);
	return r;
}

static int rm_command(struct rm *rm, const char *name, const char *cmd)
{
	static char sh[] = "/bin/sh", dash_c[] = "-c",
		    path[] = "PATH=/sbin:/bin:/usr/sbin:/usr/bin";
	char env[96];
	char *const argv[] = { sh, dash_c, (char *)cmd, NULL };
	char *const envp[] = { env, path, NULL };
	int r = 0;

	if (rm->verbose)
		show("remove ", cmd);
	if (rm->dry_run || !strcmp(cmd, "/bin/true") || !strcmp(cmd, "true") ||
	    !strcmp(cmd, ":"))
		return 0;
	if (!strcmp(cmd, "/bin/false") || !strcmp(cmd, "false")) {
		r = -EPERM;
	} else if (!rm->have_shell) {
		app_err("modprobe: WARNING: remove command for ", name,
			" needs a shell; removing the module instead\n", (const char *)0);
		return rm_module(rm, name);
	} else if (strlen(name) < sizeof(env) - 17) {
		strcpy(env, "MODPROBE_MODULE=");
		strcat(env, name);
		r = sys_spawn_wait("/bin/sh", argv, envp);
	}
	if (r && !rm_quiet)
		app_err("modprobe: FATAL: Error running remove command for ", name, "\n",
			(const char *)0);
	return r > 0 ? -EIO : r;
}

static int rm_collect(const char *name, uint32_t mod, void *ctx)
{
	struct rm_hits *h = ctx;

	if (h->n == RM_SOFT || strlen(name) >= sizeof(h->v[0].name))
		return -E2BIG;
	h->v[h->n].mod = mod;
	strcpy(h->v[h->n++].name, name);
	return 0;
}

static int rm_do(struct rm *rm, const char *name, uint32_t mod, int ignore_builtin);

/* a softdep list, last target first, each target's modules last first */
static void rm_softdeps(struct rm *rm, uint32_t list, uint32_t n)
{
	struct rm_hits h;

	if (rm->depth >= RM_DEPTH)
		return;
	rm->depth++;
	while (n--) {
		const char *target = blob_str(rm->b, blob_u32(rm->b, list, n));

		h.n = 0;
		res_resolve(rm->b, target, rm_collect, &h);
		while (h.n--)
			rm_do(rm, h.v[h.n].name, h.v[h.n].mod, 1);
	}
	rm->depth--;
}

/* the first line of a pattern-keyed section matching name (for names without a
 * module; modules have theirs precomputed) */
static uint32_t first_match(const struct blob *b, enum blob_section sect,
			    const char *name)
{
	for (uint32_t i = 0; i < blob_count(b, sect); i++) {
		struct blob_softdep sd;
		struct blob_pair p;

		if (sect == BLOB_S_SOFTDEP)
			blob_softdep(b, i, &sd);
		else
			blob_pair(b, sect, i, &p);
		if (glob_match(sect == BLOB_S_SOFTDEP ? sd.key : p.a, name))
			return i;
	}
	return BLOB_NONE;
}

/* kmod's rmmod_do_module() */
static int rm_do(struct rm *rm, const char *name, uint32_t mod, int ignore_builtin)
{
	const struct blob *b = rm->b;
	struct blob_module bm = { .softdep = BLOB_NONE, .remove = BLOB_NONE };
	struct blob_softdep sd = { 0 };
	struct blob_pair p = { 0 };
	int r;

	if (mod != BLOB_NONE) {
		blob_module(b, mod, &bm);
	} else {
		bm.softdep = first_match(b, BLOB_S_SOFTDEP, name);
		bm.remove = first_match(b, BLOB_S_REMOVE, name);
	}
	if (rm->ignore_cmds)
		bm.softdep = bm.remove = BLOB_NONE;
	if (bm.softdep != BLOB_NONE)
		blob_softdep(b, bm.softdep, &sd);
	if (bm.remove != BLOB_NONE) {
		blob_pair(b, BLOB_S_REMOVE, bm.remove, &p);
	} else {
		r = mod_state(b, name);
		if (r == MOD_BUILTIN && !ignore_builtin)
			rm_fatal(name, " is builtin.\n");
		else if (r < 0 && rm->first_time)
			rm_fatal(name, " is not in kernel.\n");
		else if (r != MOD_LOADED)
			return 0;
		if (r != MOD_LOADED)
			return -ENOENT;
	}
	rm_softdeps(rm, sd.post, sd.npost);
	if (p.b) {
		r = rm_command(rm, name, p.b);
	} else if (mod_refcnt(name) > 0) {
		rm_fatal(name, " is in use.\n");
		r = -EBUSY;
	} else {
		r = rm_module(rm, name);
	}
	if (r < 0)
		return r;
	/* the dependencies that became unused: modules.dep order, errors ignored */
	for (uint32_t i = p.b ? 0 : bm.ndeps; i--;) {
		struct blob_module dm;

		blob_module(b, blob_u32(b, bm.deps, i), &dm);
		if (mod_refcnt(dm.name) == 0)
			rm_module(rm, dm.name);
	}
	rm_softdeps(rm, sd.pre, sd.npre);
	return 0;
}

static int rm_top(const char *name, uint32_t mod, void *ctx)
{
	struct rm *rm = ctx;

	rm->seen++;
	return rm_do(rm, name, mod, 0);
}

static int remove_all(struct rm *rm, char **names, int n)
{
	int status = 0;

	for (int i = 0; i < n; i++) {
		int r;

		rm->seen = 0;
		r = res_resolve(rm->b, names[i], rm_top, rm);
		if (r == -ENOENT && !rm->seen)
			rm_fatal(names[i], " not found.\n");
		if (r < 0)
			status = 1;
	}
	return status;
}

static int usage(void)
{
	err_str("usage: modprobe [-D] [-n] [-v] [-q] [-b] [-i] [-a] [-R] [--blob FILE]\n"
		"                [--cmdline STRING] NAME [PARAM=VALUE]...\n"
		"       modprobe -r [-n] [-v] [-i] [-f] [--first-time] [--blob FILE]\n"
		"                NAME...\n");
	return 2;
}

int modprobe_main(int argc, char **argv, char **envp)
{
	static struct loader ld;
	static struct blob b;
	const char *blob_path = BLOB_IMAGE_PATH, *cmdline = NULL;
	struct rm rm = { 0 };
	int all = 0, resolve = 0, have_cmdline = 0, remove = 0, i, r, status = 0;
	unsigned flags = 0;
	char ebuf[32];

	/* static for its size; nothing from an earlier run (tests run many) */
	memset(&ld, 0, sizeof(ld));
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
		} else if (!strcmp(a, "--remove")) {
			remove = 1;
		} else if (!strcmp(a, "--first-time")) {
			rm.first_time = 1;
		} else if (!strcmp(a, "--force")) {
			rm.flags = O_TRUNC;
		} else if (!strcmp(a, "--ignore-remove")) {
			flags |= RES_IGNORE_INSTALL;
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
				case 'r': remove = 1; break;
				case 'f': rm.flags = O_TRUNC; break;
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
		ld.prog = "modprobe";
	}
	ld.flags = flags;
	ld.have_shell = sys_fstatat(AT_FDCWD, "/bin/sh", &(struct stat){ 0 }, 0) == 0;
	if (remove) {
		rm.b = &b;
		rm.verbose = ld.verbose;
		rm.dry_run = ld.dry_run;
		rm.ignore_cmds = !!(flags & RES_IGNORE_INSTALL);
		rm.have_shell = ld.have_shell;
		rm_quiet = ld.quiet;
		return remove_all(&rm, argv + i, argc - i);
	}
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

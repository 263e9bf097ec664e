/* SPDX-License-Identifier: MIT */
/* modinfo.c: the modinfo applet: kmod 30's layout over the blob and the modules' own
 * .modinfo sections.
 *
 *   modinfo [-F FIELD] [-0] [-a|-d|-l|-p|-n] [-k KVER] [--blob FILE] NAME|ALIAS|FILE...
 *
 * A regular file is read as a module; anything else is looked up as kmod does with an
 * empty configuration: module name, module aliases, built-in name, built-in aliases,
 * the first that answers (every match is shown). A module in the image is read from
 * /lib/modules/KVER/ (where the image keeps it uncompressed); with a blob of a whole
 * tree (mkinitfs --blob-only --all) from the blob's module directory, which must hold
 * uncompressed files.
 *
 * Layout: "%-16s" of "key:" and the value ("filename:" first), keys in .modinfo order,
 * parm and parmtype folded into "parm:" lines after all others, in reverse order of
 * first appearance, the last description and type of each name winning.
 *
 * Not shown, unlike kmod: the signature fields (sig_id, signer, sig_key, sig_hashalgo,
 * signature), which kmod takes from the module signature appended to the file: nothing
 * here checks signatures; and a built-in module's keys: only "name:" and "filename:
 * (builtin)" are printed, as modules.builtin.modinfo is not in the image (the blob
 * keeps only the built-ins' names and aliases). symbol: queries are not found (the
 * blob has no modules.symbols), nor is -m (names only) supported. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "applets.h"
#include "blob.h"
#include "elfinfo.h"
#include "glob.h"
#include "log.h"
#include "modname.h"
#include "sys.h"

#define MODINFO_MAX (256 << 10) /* the largest .modinfo of Debian 12's tree is 75 KB */
#define MODINFO_PARMS 1024

static char sec[MODINFO_MAX];
static uint32_t parms[MODINFO_PARMS]; /* offsets of each parameter's first string */
static const char *field;
static char sep;

static void end(void)
{
	out_buf(&sep, 1);
}

/* kmod's printf("%s:%-*s", key, 15 - len, ""): a negative width pads too */
static void key(const char *k, size_t n)
{
	out_buf(k, n);
	out_buf(":", 1);
	for (size_t pad = n < 15 ? 15 - n : n - 15; pad; pad--)
		out_buf(" ", 1);
}

/* the next non-empty string of the section (kmod skips empty ones), or NULL */
static const char *next(size_t len, size_t *off)
{
	const char *s;

	while (*off < len && !sec[*off])
		++*off;
	if (*off >= len)
		return NULL;
	s = sec + *off;
	*off += strlen(s) + 1;
	return s;
}

/* 0 for parm, 1 for parmtype, -1 for other keys; the value ("" without '=') */
static int parm_kind(const char *s, const char **ret_value)
{
	size_t k = strcspn(s, "=");

	*ret_value = s[k] ? s + k + 1 : "";
	if (k == 4 && !memcmp(s, "parm", 4))
		return 0;
	return k == 8 && !memcmp(s, "parmtype", 8) ? 1 : -1;
}

/* "NAME:" of a parm value is the same as v's */
static int same_parm(const char *a, const char *v)
{
	size_t n = strchr(a, ':') - a + 1;

	return !strncmp(a, v, n);
}

static void print_parms(size_t len, size_t np, int parm_only)
{
	for (size_t i = np; i--;) {
		const char *name = sec + parms[i], *desc = NULL, *type = NULL, *s, *v;
		size_t off = 0, n = strchr(name, ':') - name + 1;

		while ((s = next(len, &off))) {
			int kind = parm_kind(s, &v);

			if (kind >= 0 && same_parm(name, v)) {
				if (kind)
					type = v + n;
				else
					desc = v + n;
			}
		}
		if (!parm_only)
			key("parm", 4);
		out_buf(name, n);
		if (desc)
			out_str(desc);
		if (type) {
			if (desc || parm_only)
				out_str(" (");
			out_str(type);
			if (desc || parm_only)
				out_str(")");
		}
		end();
	}
}

static int print_info(size_t len)
{
	int parm_only = field && !strcmp(field, "parm");
	size_t off = 0, np = 0;
	const char *s, *v;

	while ((s = next(len, &off))) {
		size_t k = strcspn(s, "=");

		if (parm_kind(s, &v) >= 0 && (!field || parm_only)) {
			size_t j = 0;

			if (!strchr(v, ':')) {
				app_err("modinfo: ERROR: Found invalid \"", s,
					s[k] ? "" : "=", "\": missing ':'\n",
					(const char *)0);
				continue;
			}
			while (j < np && !same_parm(sec + parms[j], v))
				j++;
			if (j < np)
				continue;
			if (np == MODINFO_PARMS)
				return -E2BIG;
			parms[np++] = v - sec;
		} else if (field) {
			if (!parm_only && strlen(field) == k && !memcmp(s, field, k)) {
				out_str(v);
				end();
			}
		} else if (!sep) {
			out_str(s);
			out_str(s[k] ? "" : "=");
			end();
		} else {
			key(s, k);
			out_str(v);
			end();
		}
	}
	if (!field || parm_only)
		print_parms(len, np, parm_only);
	return 0;
}

/* one module: path NULL when built in */
static int show(const char *name, const char *path)
{
	const char *file = path ? path : "(builtin)";
	char ebuf[32];
	ssize_t n;
	int fd;

	if (!path && (!field || !strcmp(field, "name"))) {
		if (!field)
			key("name", 4);
		out_str(name);
		end();
	}
	if (!field || !strcmp(field, "filename")) {
		if (!field)
			key("filename", 8);
		out_str(file);
		end();
		if (field)
			return 0;
	}
	/* a built-in module's keys are in modules.builtin.modinfo, not in the image */
	if (!path)
		return 0;
	fd = sys_open(path, O_RDONLY, 0);
	n = fd < 0 ? fd : elf_section(fd, ".modinfo", sec, sizeof(sec));
	if (fd >= 0)
		sys_close(fd);
	if (n >= 0)
		n = print_info(n);
	if (n < 0)
		app_err("modinfo: ERROR: could not get modinfo from '", name,
			"': ", errno_str(ebuf, n), "\n", (const char *)0);
	return n < 0 ? n : 0;
}

static int cat(char *buf, size_t len, const char *a, const char *b, const char *c,
	       const char *d)
{
	const char *v[] = { a, b, c, d };
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		size_t k = strlen(v[i]);

		if (n + k >= len)
			return -ENAMETOOLONG;
		memcpy(buf + n, v[i], k + 1);
		n += k;
	}
	return 0;
}

static int show_mod(const struct blob *b, uint32_t m)
{
	static char path[1024];
	struct blob_module bm;

	blob_module(b, m, &bm);
	if (bm.flags & BLOB_M_BUILTIN)
		return show(bm.name, NULL);
	/* the image's own copy, or the tree's file for a tree blob */
	if (*bm.image_path ? cat(path, sizeof(path), "/lib/modules/", b->kver, "/",
				 bm.image_path)
			   : cat(path, sizeof(path), b->moddir, "/", bm.path, ""))
		return -ENAMETOOLONG;
	return show(bm.name, path);
}

/* every module with an alias pattern matching q: the count; *failed set on errors */
static int by_alias(const struct blob *b, enum blob_section s, const char *q, int *failed)
{
	struct blob_pair p;
	int n = 0;

	for (uint32_t i = 0; i < blob_count(b, s); i++) {
		blob_pair(b, s, i, &p);
		if (glob_match(p.a, q)) {
			n++;
			if (show_mod(b, p.n) < 0)
				*failed = 1;
		}
	}
	return n;
}

/* a loadable module (builtin 0) or a built-in one known by name (builtin 1) */
static uint32_t by_name(const struct blob *b, const char *q, int builtin)
{
	uint32_t m = blob_find_module(b, q);
	struct blob_module bm;

	if (m == BLOB_NONE)
		return m;
	blob_module(b, m, &bm);
	/* alias-only built-ins are found through their aliases only */
	if (builtin)
		return (bm.flags & (BLOB_M_BUILTIN | BLOB_M_ALIAS_ONLY)) == BLOB_M_BUILTIN
			       ? m : BLOB_NONE;
	return bm.flags & BLOB_M_BUILTIN ? BLOB_NONE : m;
}

static int lookup(const struct blob *b, const char *kver, const char *query)
{
	char q[1024];
	int r = alias_normalize(query, q, sizeof(q)), failed = 0;
	uint32_t m;

	if (r == -EINVAL) {
		app_err("modinfo: ERROR: Module alias ", query, " not found.\n",
			(const char *)0);
		return r;
	}
	/* -k of another kernel: kmod would look in a directory the image lacks */
	if (r < 0 || (kver && strcmp(kver, b->kver)))
		goto out;
	if (!strchr(q, ':') && (m = by_name(b, q, 0)) != BLOB_NONE)
		return show_mod(b, m);
	if (by_alias(b, BLOB_S_MODALIAS, q, &failed))
		return -failed;
	if ((m = by_name(b, q, 1)) != BLOB_NONE)
		return show_mod(b, m);
	if (by_alias(b, BLOB_S_BIALIAS, q, &failed))
		return -failed;
out:
	app_err("modinfo: ERROR: Module ", query, " not found.\n", (const char *)0);
	return -ENOENT;
}

/* a file given by path: kmod prints it made absolute with the working directory */
static int show_path(const char *arg)
{
	static char path[4096];
	const char *base = strrchr(arg, '/');
	char name[64];
	ssize_t n = 0;

	if (modname_normalize(base ? base + 1 : arg, name, sizeof(name)) < 0)
		name[0] = 0;
	if (arg[0] != '/')
		n = sys_readlinkat(AT_FDCWD, "/proc/self/cwd", path, sizeof(path) - 1);
	if (n > 0 && (size_t)n + strlen(arg) + 2 <= sizeof(path)) {
		path[n] = '/';
		strcpy(path + n + 1, arg);
		arg = path;
	}
	return show(name, arg);
}

static int usage(void)
{
	err_str("usage: modinfo [-F FIELD] [-0] [-a|-d|-l|-p|-n] [-k KVER]\n"
		"               [--blob FILE] NAME|ALIAS|FILE...\n");
	return 1;
}

int modinfo_main(int argc, char **argv, char **envp)
{
	static const char *const fields[] = { "author", "description", "license", "parm",
					      "filename" };
	static struct blob b;
	const char *blob_path = BLOB_IMAGE_PATH, *kver = NULL, *f;
	int i, mapped = 0, failed = 0;
	char ebuf[32];

	field = NULL;
	sep = '\n';
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-0") || !strcmp(a, "--null")) {
			sep = 0;
		} else if (a[1] && !a[2] && (f = strchr("adlpn", a[1]))) {
			field = fields[f - "adlpn"];
		} else if (!val) {
			return usage();
		} else if (!strcmp(a, "-F") || !strcmp(a, "--field")) {
			field = argv[++i];
		} else if (!strcmp(a, "-k") || !strcmp(a, "--set-version")) {
			kver = argv[++i];
		} else if (!strcmp(a, "--blob")) {
			blob_path = argv[++i];
		} else {
			return usage();
		}
	}
	if (i == argc) {
		err_str("modinfo: ERROR: missing module or filename.\n");
		return 1;
	}
	for (; i < argc; i++) {
		struct stat st;
		int r;

		if (sys_fstatat(AT_FDCWD, argv[i], &st, 0) == 0 && S_ISREG(st.st_mode)) {
			r = show_path(argv[i]);
		} else if (!mapped && (r = blob_map(blob_path, &b)) < 0) {
			app_err("modinfo: ERROR: cannot read the module database ",
				blob_path, ": ", errno_str(ebuf, r), "\n",
				(const char *)0);
		} else {
			mapped = 1;
			r = lookup(&b, kver, argv[i]);
		}
		if (r < 0)
			failed = 1;
	}
	return failed;
}

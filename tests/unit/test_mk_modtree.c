/* SPDX-License-Identifier: MIT */
/* test_mk_modtree.c: module directories: which files count, their order, dependency
 * closures as depmod 30 orders them (computed, and from modules.dep), built-ins, and
 * the errors that name a file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modtree.h"
#include "tap.h"

#define KVER "1.0-test"

static char fix[4096];
static char tmp[256];

static void bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(1);
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		bail(cmd);
}

static void setup(void)
{
	const char *src = getenv("EARLYMOD_SRCDIR"), *pre = getenv("EARLYMOD_FIXTURES");

	if (!mkdtemp(strcpy(tmp, "/tmp/test_mk_modtree.XXXXXX")))
		bail("mkdtemp");
	snprintf(fix, sizeof(fix), "%s/fix", tmp);
	/* a copy even of prepared fixtures: some tests damage them */
	if (pre)
		run("cp -R '%s' '%s'", pre, fix);
	else
		run("sh '%s/tests/fixtures/mkfixture.sh' '%s'", src ? src : ".", fix);
}

static char *tree(const char *name)
{
	static char buf[4][8192];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", fix, name);
	return buf[n];
}

/* "name relpath comp: dep dep" for every module, deps in load order */
static char *describe(const struct modtree *t)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	for (size_t i = 0; i < t->nmods; i++) {
		const struct mt_module *m = &t->mods[i];

		fprintf(f, "%s %s %d:", m->name, m->relpath, (int)m->comp);
		for (size_t k = 0; k < m->ndeps; k++)
			fprintf(f, " %s", t->mods[m->deps[k]].name);
		fputc('\n', f);
	}
	fclose(f);
	return s;
}

static const char t1_want[] =
	"top kernel/diamond/top.ko 0: base left right\n"
	"base kernel/diamond/base.ko 0:\n"
	"cz kernel/comp/cz.ko.zst 3: base\n"
	"dupmod kernel/dup2/dupmod.ko 0:\n"
	"left kernel/diamond/left.ko 0: base\n"
	"right kernel/diamond/right.ko 0: base\n"
	"dotdir .hidden/dotdir.ko 0:\n"
	"twin kernel/a/twin.ko 0:\n"
	"cg kernel/comp/cg.ko.gz 1:\n"
	"cx kernel/comp/cx.ko.xz 2:\n"
	"user_dash kernel/other/user-dash.ko 0: base left right top\n"
	"solo updates/solo.ko 0:\n";

static void check_t1(const struct modtree *t, const char *what)
{
	char *d = describe(t);
	ssize_t i;

	is_str(d, t1_want, "%s: modules, order, compression and closures", what);
	free(d);
	for (size_t k = 0; k < t->nmods; k++)
		if (t->mods[k].order != k)
			ok(0, "%s: order of %s", what, t->mods[k].name);
	i = modtree_find(t, "user-dash");
	ok(i == 10, "%s: modtree_find treats '-' as '_'", what);
	ok(modtree_find(t, "user_dash") == 10, "%s: modtree_find by name", what);
	ok(modtree_find(t, "user_dash.ko") == -1, "%s: a file name is no module name",
	   what);
	ok(modtree_find(t, "skipped") == -1 && modtree_find(t, "skipped2") == -1,
	   "%s: build/ and kernel/source/ are skipped", what);
	i = modtree_find(t, "solo");
	ok(i >= 0 && !strcmp(modinfo_get(&t->mods[i].mi, "version"), "updates"),
	   "%s: updates/ wins", what);
	i = modtree_find(t, "top");
	ok(i >= 0 && !strcmp(modinfo_get(&t->mods[i].mi, "softdep"), "pre: solo"),
	   "%s: modinfo is read", what);
	i = modtree_find(t, "cx");
	ok(i >= 0 && !strcmp(modinfo_get(&t->mods[i].mi, "alias"), "cx-alias"),
	   "%s: modinfo of an xz module", what);
	is_int(t->nbuiltins, 2,
	       "%s: built-ins, the non-letter line and the repeat dropped", what);
	if (t->nbuiltins == 2) {
		is_str(t->builtins[0].name, "bi_one", "%s: built-in name normalized",
		       what);
		is_str(t->builtins[1].name, "bitwo", "%s: second built-in", what);
		ok(t->builtins[0].mi.n == 2 &&
			   !strcmp(modinfo_get(&t->builtins[0].mi, "parm"),
				   "x:multi\nline"),
		   "%s: modules.builtin.modinfo values keep newlines", what);
		ok(t->builtins[1].mi.n == 2 &&
			   !strcmp(t->builtins[1].mi.kv[1].key, "flag") &&
			   !strcmp(t->builtins[1].mi.kv[1].value, ""),
		   "%s: a built-in key without '='", what);
	}
	ok(modtree_find_builtin(t, "bi-one") == 0, "%s: modtree_find_builtin", what);
	ok(modtree_find_builtin(t, "tracefs") == -1, "%s: tracefs is not a built-in name",
	   what);
	ok(t->nalias_builtins == 1 && !strcmp(t->alias_builtins[0].name, "tracefs") &&
		   !strcmp(modinfo_get(&t->alias_builtins[0].mi, "alias"), "fs-tracefs"),
	   "%s: but its alias is kept", what);
}

static void test_t1(void)
{
	struct modtree *t = NULL, *td = NULL;
	char err[1024] = "";
	uint8_t *a, *b;
	size_t alen, blen;
	int r;

	r = modtree_load(tree("t1"), KVER, &t, err, sizeof(err));
	is_int(r, 0, "t1 loads: %s", err);
	if (r < 0)
		return;
	is_str(t->kver, KVER, "kver");
	ok(strstr(t->moddir, "/t1/lib/modules/" KVER) != NULL, "moddir %s", t->moddir);
	ok(!t->had_depmod, "no modules.dep");
	check_t1(t, "computed");

	/* the same tree with depmod's modules.dep gives the same answers */
	r = modtree_load(tree("t1dep"), KVER, &td, err, sizeof(err));
	is_int(r, 0, "t1dep loads: %s", err);
	if (r == 0) {
		char *x = describe(t), *y = describe(td);

		ok(td->had_depmod, "modules.dep used");
		is_str(y, x, "modules.dep present and absent agree");
		check_t1(td, "modules.dep");
		free(x);
		free(y);
	}

	/* modtree_read_module decompresses */
	r = modtree_read_module(t, (size_t)modtree_find(t, "cz"), &a, &alen);
	is_int(r, 0, "read cz.ko.zst");
	if (r == 0) {
		char p[8192];
		FILE *f;

		snprintf(p, sizeof(p), "%s/cz.plain", tmp);
		run("zstd -q -d -c '%s/kernel/comp/cz.ko.zst' > '%s'", t->moddir, p);
		f = fopen(p, "re");
		b = malloc(alen + 1);
		blen = f ? fread(b, 1, alen + 1, f) : 0;
		ok(blen == alen && !memcmp(a, b, alen), "decompressed bytes");
		if (f)
			fclose(f);
		free(a);
		free(b);
	}
	is_int(modtree_read_module(t, t->nmods, &a, &alen), -EINVAL,
	       "index out of range");
	modtree_free(t);
	modtree_free(td);
}

static void test_errors(void)
{
	struct modtree *t = (struct modtree *)0x1;
	char err[1024] = "";
	int r;

	r = modtree_load(tree("cycle"), KVER, &t, err, sizeof(err));
	is_int(r, -ELOOP, "a cycle fails");
	ok(strstr(err, "p -> q -> r -> p") != NULL, "and is named: %s", err);
	ok(t == (struct modtree *)0x1, "ret untouched on failure");

	r = modtree_load(tree("missing"), KVER, &t, err, sizeof(err));
	is_int(r, -ENOENT, "depends= naming an absent module fails");
	ok(strstr(err, "kernel/a.ko") && strstr(err, " a ") && strstr(err, "nosuch"),
	   "naming both: %s", err);

	r = modtree_load(tree("nosuch"), KVER, &t, err, sizeof(err));
	is_int(r, -ENOENT, "no module directory");
	ok(strstr(err, "/nosuch/lib/modules/" KVER) != NULL, "named: %s", err);

	r = modtree_load("/", "0.0-no-such-kernel", &t, err, sizeof(err));
	ok(r == -ENOENT && !strncmp(err, "/lib/modules/0.0-no-such-kernel:", 32),
	   "root \"/\" is the host: %s", err);
	r = modtree_load("", "0.0-no-such-kernel", &t, err, sizeof(err));
	ok(r == -ENOENT && !strncmp(err, "/lib/modules/0.0-no-such-kernel:", 32),
	   "root \"\" is the host: %s", err);

	/* modules.dep: a line without ':', a dependency without a line, a missing file */
	run("cp -R '%s' '%s'", tree("t1dep"), tree("bad1"));
	run("printf 'kernel/diamond/base.ko:\\nnocolon\\n' > '%s/lib/modules/" KVER
	    "/modules.dep'",
	    tree("bad1"));
	r = modtree_load(tree("bad1"), KVER, &t, err, sizeof(err));
	ok(r == -EINVAL && strstr(err, "modules.dep:2: missing ':'"),
	   "line without ':': %s", err);
	run("printf 'kernel/diamond/base.ko:\\nkernel/diamond/left.ko: kernel/x.ko\\n' > "
	    "'%s/lib/modules/" KVER "/modules.dep'",
	    tree("bad1"));
	r = modtree_load(tree("bad1"), KVER, &t, err, sizeof(err));
	ok(r == -ENOENT && strstr(err, "modules.dep:2: kernel/x.ko"),
	   "dependency without a line: %s", err);
	run("printf 'kernel/diamond/base.ko:\\n\\nkernel/gone.ko:\\n' > "
	    "'%s/lib/modules/" KVER "/modules.dep'",
	    tree("bad1"));
	r = modtree_load(tree("bad1"), KVER, &t, err, sizeof(err));
	ok(r == -ENOENT && strstr(err, "modules.dep:3: kernel/gone.ko"),
	   "module file missing: %s", err);

	/* a truncated compressed module and a non-ELF .ko name their file */
	run("cp -R '%s' '%s'", tree("t1"), tree("bad2"));
	run("head -c 100 '%s/lib/modules/" KVER "/kernel/comp/cz.ko.zst' > '%s/x' && "
	    "mv '%s/x' '%s/lib/modules/" KVER "/kernel/comp/cz.ko.zst'",
	    tree("bad2"), tree("bad2"), tree("bad2"), tree("bad2"));
	r = modtree_load(tree("bad2"), KVER, &t, err, sizeof(err));
	ok(r == -EBADMSG &&
		   strstr(err, "kernel/comp/cz.ko.zst: corrupt or truncated zstd"),
	   "truncated .zst: %s", err);
	run("rm '%s/lib/modules/" KVER "/kernel/comp/cz.ko.zst' && echo hello > "
	    "'%s/lib/modules/" KVER "/kernel/comp/text.ko'",
	    tree("bad2"), tree("bad2"));
	r = modtree_load(tree("bad2"), KVER, &t, err, sizeof(err));
	ok(r == -ENOEXEC && strstr(err, "kernel/comp/text.ko: not an ELF64"),
	   "text file named .ko: %s", err);
}

/* the same module name in several files, and modules.order details */
static void test_order(void)
{
	struct modtree *t;
	char err[1024] = "";
	char *d;
	int r;

	run("cp -R '%s' '%s'", tree("t1"), tree("ord"));
	/* the .ko line matches the compressed file; a repeated line counts last; without
	 * modules.order everything is by path */
	run("printf 'kernel/comp/cx.ko\\nkernel/diamond/base.ko\\nkernel/comp/cx.ko\\n"
	    "kernel/b/twin.ko' > '%s/lib/modules/" KVER "/modules.order'",
	    tree("ord"));
	r = modtree_load(tree("ord"), KVER, &t, err, sizeof(err));
	is_int(r, 0, "ord loads: %s", err);
	if (r == 0) {
		ok(t->nmods == 12 && !strcmp(t->mods[0].name, "base") &&
			   !strcmp(t->mods[1].name, "cx") &&
			   !strcmp(t->mods[2].name, "twin") &&
			   !strcmp(t->mods[2].relpath, "kernel/b/twin.ko"),
		   "compressed file matches its .ko line, repeats count last, listed "
		   "duplicate wins");
		modtree_free(t);
	}
	run("rm '%s/lib/modules/" KVER "/modules.order'", tree("ord"));
	r = modtree_load(tree("ord"), KVER, &t, err, sizeof(err));
	is_int(r, 0, "no modules.order: %s", err);
	if (r == 0) {
		d = describe(t);
		is_str(d,
		       "dotdir .hidden/dotdir.ko 0:\n"
		       "twin kernel/a/twin.ko 0:\n"
		       "cg kernel/comp/cg.ko.gz 1:\n"
		       "cx kernel/comp/cx.ko.xz 2:\n"
		       "cz kernel/comp/cz.ko.zst 3: base\n"
		       "base kernel/diamond/base.ko 0:\n"
		       "left kernel/diamond/left.ko 0: base\n"
		       "right kernel/diamond/right.ko 0: base\n"
		       "top kernel/diamond/top.ko 0: base left right\n"
		       "dupmod kernel/dup/dupmod.ko 0:\n"
		       "user_dash kernel/other/user-dash.ko 0: base left right top\n"
		       "solo updates/solo.ko 0:\n",
		       "without modules.order: sorted by path");
		free(d);
		modtree_free(t);
	}
	/* a symlinked directory is followed, a loop is not followed forever */
	run("mkdir -p '%s/elsewhere' && cp '%s/lib/modules/" KVER "/kernel/a/twin.ko' "
	    "'%s/elsewhere/linked.ko' && ln -s '%s/elsewhere' '%s/lib/modules/" KVER
	    "/kernel/lnk' && ln -s .. '%s/lib/modules/" KVER "/kernel/a/loop'",
	    tree("ord"), tree("ord"), tree("ord"), tree("ord"), tree("ord"), tree("ord"));
	r = modtree_load(tree("ord"), KVER, &t, err, sizeof(err));
	is_int(r, 0, "symlinks: %s", err);
	if (r == 0) {
		ssize_t i = modtree_find(t, "linked");

		ok(i >= 0 && !strcmp(t->mods[i].relpath, "kernel/lnk/linked.ko"),
		   "module in a symlinked directory");
		is_int(t->nmods, 13, "the loop added nothing");
		modtree_free(t);
	}
}

int main(void)
{
	setup();
	test_t1();
	test_errors();
	test_order();
	run("rm -rf '%s'", tmp);
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/* test_mk_conf.c: modprobe.d and modules-load.d as kmod 30 and systemd read them: which
 * files count and in what order, the line reader, every command, and the diagnostics. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static char tmp[256];

static void bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static char *at(const char *rel)
{
	static char buf[8][1024];
	static int n;

	n = (n + 1) % 8;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", tmp, rel);
	return buf[n];
}

static void mkdirs(const char *rel)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", at(rel));
	for (char *s = p + strlen(tmp) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			bail(p);
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		bail(p);
}

static void parent(const char *rel)
{
	char d[1024];

	snprintf(d, sizeof(d), "%s", rel);
	*strrchr(d, '/') = 0;
	mkdirs(d);
}

static void put(const char *rel, const char *text)
{
	FILE *f;

	parent(rel);
	f = fopen(at(rel), "we");
	if (!f || fputs(text, f) < 0 || fclose(f))
		bail(rel);
}

static void link_to(const char *rel, const char *target)
{
	parent(rel);
	if (symlink(target, at(rel)) < 0)
		bail(rel);
}

/* ---- diagnostics, with the temporary directory shown as $T ---------------------- */

static char diags[65536];

static void collect(const char *file, unsigned line, const char *msg, void *ctx)
{
	size_t tl = strlen(tmp), n = strlen(diags);

	(void)ctx;
	if (!strncmp(file, tmp, tl))
		snprintf(diags + n, sizeof(diags) - n, "$T%s:%u: %s\n", file + tl, line,
			 msg);
	else
		snprintf(diags + n, sizeof(diags) - n, "%s:%u: %s\n", file, line, msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the diagnostics in sorted order, for those whose order readdir() decides */
static const char *sorted_diags(void)
{
	static char out[sizeof(diags)];
	char copy[sizeof(diags)], *v[256], *save = NULL;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", diags);
	for (char *l = strtok_r(copy, "\n", &save); l && n < 256;
	     l = strtok_r(NULL, "\n", &save))
		v[n++] = l;
	qsort(v, n, sizeof(v[0]), cmp_str);
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s\n", v[i]);
	return out;
}

/* ---- lists as one string -------------------------------------------------------- */

static char *buf_next(void)
{
	static char buf[8][8192];
	static int n;

	n = (n + 1) % 8;
	buf[n][0] = 0;
	return buf[n];
}

#define CAT(b, ...) snprintf(b + strlen(b), 8192 - strlen(b), __VA_ARGS__)

static const char *aliases(const struct conf *c)
{
	char *b = buf_next();

	for (size_t i = 0; i < c->naliases; i++)
		CAT(b, "%s%s>%s", i ? "|" : "", c->aliases[i].pattern,
		    c->aliases[i].module);
	return b;
}

static const char *options(const struct conf *c)
{
	char *b = buf_next();

	for (size_t i = 0; i < c->noptions; i++)
		CAT(b, "%s%s[%s]", i ? "|" : "", c->options[i].module,
		    c->options[i].options);
	return b;
}

static const char *option_values(const struct conf *c)
{
	char *b = buf_next();

	for (size_t i = 0; i < c->noptions; i++)
		CAT(b, "%s%s", i ? " " : "", c->options[i].options);
	return b;
}

static const char *cmds(const struct conf_cmd *v, size_t n)
{
	char *b = buf_next();

	for (size_t i = 0; i < n; i++)
		CAT(b, "%s%s[%s]", i ? "|" : "", v[i].module, v[i].command);
	return b;
}

static void cat_words(char *b, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		CAT(b, "%s%s", i ? "," : "", v[i]);
}

static const char *words(char **v, size_t n)
{
	char *b = buf_next();

	cat_words(b, v, n);
	return b;
}

static const char *softdeps(const struct conf *c)
{
	char *b = buf_next();

	for (size_t i = 0; i < c->nsoftdeps; i++) {
		const struct conf_softdep *d = &c->softdeps[i];

		CAT(b, "%s%s pre[", i ? "|" : "", d->module);
		cat_words(b, d->pre, d->npre);
		CAT(b, "] post[");
		cat_words(b, d->post, d->npost);
		CAT(b, "]");
	}
	return b;
}

static const char *weakdeps(const struct conf *c)
{
	char *b = buf_next();

	for (size_t i = 0; i < c->nweakdeps; i++) {
		CAT(b, "%s%s[", i ? "|" : "", c->weakdeps[i].module);
		cat_words(b, c->weakdeps[i].targets, c->weakdeps[i].n);
		CAT(b, "]");
	}
	return b;
}

static void parse_n(struct conf *c, const char *text, size_t len)
{
	memset(c, 0, sizeof(*c));
	diags[0] = 0;
	is_int(conf_parse(c, "t.conf", text, len, collect, NULL), 0, "conf_parse");
}

static void parse(struct conf *c, const char *text)
{
	parse_n(c, text, strlen(text));
}

/* ---- the line reader ------------------------------------------------------------- */

static void test_reader(void)
{
	struct conf c;

	parse(&c, "options cont a=1 \\\n b=2\\\nc=3\n"
		  "options esc esc=\\x\\\\y\n"
		  "options crlf crlf=1\r\n"
		  "alias crlf-a e1000\r\n"
		  "#comment \\\n"
		  "options swallowed x\n"
		  "   options ind x=1\n"
		  "\tblacklist tabbed\n"
		  "\n"
		  " \t \n"
		  "#\n"
		  "options last y=2 \\");
	is_str(options(&c),
	       "cont[a=1  b=2c=3]|esc[esc=x\\y]|crlf[crlf=1\r]|ind[x=1]|last[y=2 ]",
	       "continuation glues without a space, \\X keeps X, CRLF keeps \\r, comment "
	       "swallows the next line, indent is fine, a backslash at EOF is dropped");
	is_str(aliases(&c), "crlf_a>e1000\r", "a CRLF alias targets 'e1000\\r'");
	is_str(words(c.blacklist, c.nblacklist), "tabbed", "tab-indented blacklist");
	is_str(diags, "", "no diagnostics");
	conf_free(&c);
	is_int(c.noptions + c.naliases + c.nblacklist, 0, "conf_free empties the lists");

	/* line numbers: a logical line is reported where it starts */
	static const char t[] = "bogus 1\n"
		"options a \\\n"
		"b=1\n"
		"#x \\\n"
		"swallowed\n"
		"  # indented\n"
		"OPTIONS up x=1\n"
		"nope \\\n"
		"  more\n"
		"include /etc/foo\n"
		"config x\n"
		"blacklist a-b\0 after-nul\n"
		"blacklist c-d";
	parse_n(&c, t, sizeof(t) - 1);
	is_str(options(&c), "a[b=1]", "continued options line");
	is_str(words(c.blacklist, c.nblacklist), "a_b,c_d",
	       "a NUL ends the line; a final line without newline is read");
	is_str(diags,
	       "t.conf:1: ignoring bad line starting with 'bogus'\n"
	       "t.conf:6: ignoring bad line starting with '#'\n"
	       "t.conf:7: ignoring bad line starting with 'OPTIONS'\n"
	       "t.conf:8: ignoring bad line starting with 'nope'\n"
	       "t.conf:10: include: deprecated and ignored\n"
	       "t.conf:11: config: deprecated and ignored\n",
	       "diagnostics name file and starting line; commands are case-sensitive");
	conf_free(&c);
}

/* ---- the commands -------------------------------------------------------------- */

static void test_commands(void)
{
	struct conf c;

	parse(&c, "alias a[-]b-c my-mod\n"
		  "alias bad]x m1\n"
		  "alias bad[x m2\n"
		  "alias ok-x m-3[\n"
		  "alias  pci:v*d*sv*  e-1000  extra words\n"
		  "alias onlyone\n"
		  "alias\n");
	is_str(aliases(&c), "a[-]b_c>my_mod|pci:v*d*sv*>e_1000",
	       "alias: both words underscored outside brackets, extra words ignored");
	is_str(diags,
	       "t.conf:2: alias: unbalanced brackets in 'bad]x'; line ignored\n"
	       "t.conf:3: alias: unbalanced brackets in 'bad[x'; line ignored\n"
	       "t.conf:4: alias: unbalanced brackets in 'm_3['; line ignored\n"
	       "t.conf:6: alias: missing module name; line ignored\n"
	       "t.conf:7: alias: missing pattern; line ignored\n",
	       "alias diagnostics");
	conf_free(&c);

	parse(&c, "options o-1  \n"
		  "options o-2 \n"
		  "options o-3\toptA\tb\n"
		  "options o-4\t\tx=1   y=2 # not a comment  \n"
		  "options snd-*  a=1\n"
		  "options o-5\n"
		  "options\n");
	is_str(options(&c),
	       "o_1[ ]|o_3[optA b]|o_4[ x=1   y=2 # not a comment  ]|snd_*[ a=1]",
	       "options: verbatim after the one separator, tabs become spaces");
	is_str(diags,
	       "t.conf:2: options: missing option string; line ignored\n"
	       "t.conf:6: options: missing option string; line ignored\n"
	       "t.conf:7: options: missing module name; line ignored\n",
	       "options diagnostics");
	conf_free(&c);

	parse(&c,
	      "install i-1 /bin/true  x\n"
	      "install snd* /sbin/modprobe --ignore-install snd $CMDLINE_OPTS; "
	      "echo\tdone\n"
	      "remove r-1\tcmd\n"
	      "install lonely\n"
	      "remove\n");
	is_str(cmds(c.installs, c.ninstalls),
	       "i_1[/bin/true  x]|"
	       "snd*[/sbin/modprobe --ignore-install snd $CMDLINE_OPTS; echo\tdone]",
	       "install: command verbatim (tabs kept)");
	is_str(cmds(c.removes, c.nremoves), "r_1[cmd]", "remove");
	is_str(diags,
	       "t.conf:4: install: missing command; line ignored\n"
	       "t.conf:5: remove: missing module name; line ignored\n",
	       "install/remove diagnostics");
	conf_free(&c);

	parse(&c, "softdep 8139cp ignored-word pre: pre:crc7 post: post: crc8 pre: crc7\n"
		  "softdep s-1\tpre:\tx-y\t\tpost:\n"
		  " softdep s-2 post:a pre:\n"
		  "softdep crlf pre: a b\r\n"
		  "softdep two  \n"
		  "softdep cifs gcm\n"
		  "softdep one \n"
		  "softdep\n"
		  "softdep m[ pre: x\n");
	is_str(softdeps(&c),
	       "8139cp pre[pre:crc7,crc7] post[crc8]|s_1 pre[x-y] post[]|"
	       "s_2 pre[] post[]|crlf pre[a,b] post[]|two pre[] post[]|cifs pre[] post[]",
	       "softdep: markers alone switch lists, earlier words dropped, 'pre:crc7' "
	       "is a name, targets as written, empty entries kept (they still win a "
	       "match)");
	is_str(diags,
	       "t.conf:7: softdep: missing dependencies; line ignored\n"
	       "t.conf:8: softdep: missing module name; line ignored\n"
	       "t.conf:9: softdep: unbalanced brackets in 'm['; line ignored\n",
	       "softdep diagnostics");
	conf_free(&c);

	parse(&c, "weakdep w-1 a-x  b\n"
		  "weakdep w-2 pre: c\r\n"
		  "weakdep w-3\n"
		  "blacklist bl-1 extra\n"
		  "blacklist b[a-\n"
		  "blacklist a[-]\n"
		  "blacklist\n");
	is_str(weakdeps(&c), "w_1[a-x,b]|w_2[pre:,c]", "weakdep: every word a target");
	is_str(words(c.blacklist, c.nblacklist), "bl_1,a[-]", "blacklist: underscored");
	is_str(diags,
	       "t.conf:3: weakdep: missing dependencies; line ignored\n"
	       "t.conf:5: blacklist: unbalanced brackets in 'b[a-'; line ignored\n"
	       "t.conf:7: blacklist: missing module name; line ignored\n",
	       "weakdep/blacklist diagnostics");
	/* conf_parse appends */
	diags[0] = 0;
	is_int(conf_parse(&c, "u.conf", "blacklist more\n", 15, collect, NULL), 0,
	       "append");
	is_str(words(c.blacklist, c.nblacklist), "bl_1,a[-],more",
	       "conf_parse appends to c");
	conf_free(&c);
}

/* ---- directories --------------------------------------------------------------- */

static void make_root(void)
{
	put("root/lib/modprobe.d/01-a.conf", "options m from=lib-01\n");
	put("root/run/modprobe.d/05-c.conf", "options m from=run-05\n");
	put("root/etc/modprobe.d/10-b.conf", "options m from=etc-10\n");
	put("root/lib/modprobe.d/10-b.conf", "options m from=lib-10-hidden\n");
	put("root/usr/local/lib/modprobe.d/20-d.conf", "options m from=usrlocal-20\n");
	put("root/lib/modprobe.d/20-d.conf", "options m from=lib-20-hidden\n");
	put("root/run/modprobe.d/25-x.conf", "options m from=run-25\n");
	put("root/usr/local/lib/modprobe.d/25-x.conf",
	    "options m from=usrlocal-25-hidden\n");
	put("root/usr/lib/modprobe.d/30-e.conf", "options m from=usrlib-30\n");
	put("root/usr/lib/modprobe.d/40-f.conf", "options m from=usrlib-40\n");
	put("root/lib/modprobe.d/40-f.conf", "options m from=lib-40-hidden\n");
	/* absolute links resolve inside the root */
	put("root/usr/share/x/60.conf", "options m from=abs-60\n");
	link_to("root/etc/modprobe.d/60-abs.conf", "/usr/share/x/60.conf");
	/* a directory named *.conf does not take the name */
	mkdirs("root/etc/modprobe.d/70-dir.conf");
	put("root/etc/modprobe.d/70-dir.conf/inner.conf", "blacklist inner\n");
	put("root/lib/modprobe.d/70-dir.conf", "options m from=lib-70\n");
	/* masks: an empty file, a /dev/null link, a dangling link */
	put("root/etc/modprobe.d/80-blacklist.conf", "");
	put("root/lib/modprobe.d/80-blacklist.conf", "blacklist masked\n");
	link_to("root/etc/modprobe.d/81-null.conf", "/dev/null");
	put("root/usr/lib/modprobe.d/81-null.conf", "blacklist nulled\n");
	link_to("root/etc/modprobe.d/85-dangling.conf", "/nonexistent");
	put("root/lib/modprobe.d/85-dangling.conf", "blacklist dangled\n");
	put("root/etc/modprobe.d/99-z.conf", "options m from=etc-99\n");
	put("root/lib/modprobe.d/a.conf", "options m from=a\n");
	/* not read at all */
	put("root/etc/modprobe.d/.hidden.conf", "blacklist hidden\n");
	put("root/etc/modprobe.d/.conf", "blacklist dotconf\n");
	put("root/etc/modprobe.d/README", "blacklist readme\n");
	put("root/etc/modprobe.d/10-b.conf.bak", "blacklist bak\n");
	put("root/lib/modprobe.d/50-old.alias", "blacklist alias\n");
	put("root/lib/modprobe.d/conf", "blacklist conf\n");
	/* the pseudo-files sort in by name */
	put("root/etc/modprobe.d/aaa.conf", "softdep m pre: from-aaa\n");
	put("root/lib/modprobe.d/modules.conf", "weakdep m from-modules-conf\n");
	put("root/etc/modprobe.d/zzz.conf",
	    "softdep m pre: from-zzz\nweakdep m from-zzz\nbroken line\n");
}

static const char softdep_text[] =
	"# Soft dependencies extracted from modules themselves.\n"
	"softdep m pre: from-modules-softdep\n";
static const char weakdep_text[] = "weakdep m from-modules-weakdep\n";

static void test_dirs(void)
{
	struct conf c;
	char root[1024];

	make_root();
	snprintf(root, sizeof(root), "%s/root/", tmp);
	diags[0] = 0;
	is_int(conf_load(&c, root, NULL, softdep_text, weakdep_text, collect, NULL), 0,
	       "conf_load with a root");
	is_str(option_values(&c),
	       "from=lib-01 from=run-05 from=etc-10 from=usrlocal-20 from=run-25 "
	       "from=usrlib-30 from=usrlib-40 from=abs-60 from=lib-70 from=etc-99 from=a",
	       "five directories merged in basename order, earlier directory wins a "
	       "name, /usr/lib before /lib");
	is_str(words(c.blacklist, c.nblacklist), "",
	       "empty file, /dev/null link and dangling link mask; dotfiles, other "
	       "suffixes and subdirectories are not read");
	is_str(softdeps(&c),
	       "m pre[from-aaa] post[]|m pre[from-modules-softdep] post[]|"
	       "m pre[from-zzz] post[]",
	       "modules.softdep sorts between aaa.conf and zzz.conf");
	is_str(weakdeps(&c), "m[from-modules-conf]|m[from-modules-weakdep]|m[from-zzz]",
	       "modules.weakdep sorts after modules.conf and modules.softdep");
	is_str(sorted_diags(),
	       "$T/root/etc/modprobe.d/70-dir.conf:0: "
	       "is a directory: ignored (they do not nest)\n"
	       "$T/root/etc/modprobe.d/85-dangling.conf:0: cannot open (No such file or "
	       "directory); it still hides files of the same name\n"
	       "$T/root/etc/modprobe.d/zzz.conf:3: "
	       "ignoring bad line starting with 'broken'\n",
	       "diagnostics name the file (and line)");
	conf_free(&c);

	/* no root: a missing root reads nothing, silently */
	diags[0] = 0;
	is_int(conf_load(&c, at("no-such-root"), NULL, NULL, NULL, collect, NULL), 0,
	       "missing root");
	is_int(c.noptions + c.nblacklist + c.nsoftdeps + c.naliases, 0, "nothing read");
	is_str(diags, "", "silently");
	conf_free(&c);

	/* only the pseudo-files */
	diags[0] = 0;
	is_int(conf_load(&c, at("no-such-root"), NULL, softdep_text, NULL, collect, NULL),
	       0, "pseudo-file only");
	is_str(softdeps(&c), "m pre[from-modules-softdep] post[]",
	       "modules.softdep alone");
	conf_free(&c);
}

static void test_confdirs(void)
{
	struct conf c;
	const char *dirs[8];

	put("c2/a.conf", "options m from=c2-a\n");
	put("c2/b.conf", "options m from=c2-b\n");
	put("c1/b.conf", "options m from=c1-b-hidden\n");
	put("c1/z.conf", "options m from=c1-z\n");
	link_to("c1/n.conf", "/dev/null");
	put("c1/README", "options m from=readme\n");
	put("single/c.conf", "options m from=single-c\n");
	put("single/n.conf", "options m from=single-n-hidden\n");
	put("other/notconf.txt", "options m from=txt\n");
	put("other/.dot.conf", "options m from=dot\nsoftdep m pre: from-dot\n");
	put("other/modules.softdep", "options m from=fake-softdep\n");
	dirs[0] = at("c2");
	dirs[1] = at("c1");
	dirs[2] = at("single/c.conf");
	dirs[3] = at("single/n.conf");
	dirs[4] = at("other/notconf.txt");
	dirs[5] = at("other/.dot.conf");
	dirs[6] = at("other/modules.softdep");
	dirs[7] = NULL;
	diags[0] = 0;
	/* the root does not apply to -C (root/etc/modprobe.d is not read) */
	is_int(conf_load(&c, at("root"), dirs, softdep_text, NULL, collect, NULL), 0,
	       "conf_load with -C");
	is_str(option_values(&c),
	       "from=dot from=c2-a from=c2-b from=single-c from=txt from=c1-z",
	       "-C entries merge into one basename order; an earlier entry wins a "
	       "name; a file counts whatever its name");
	is_str(softdeps(&c), "m pre[from-dot] post[]|m pre[from-modules-softdep] post[]",
	       "the pseudo-file is still added and wins over a namesake");
	is_str(diags, "", "no diagnostics");
	conf_free(&c);

	dirs[0] = at("missing");
	dirs[1] = "/dev/null";
	dirs[2] = NULL;
	diags[0] = 0;
	is_int(conf_load(&c, NULL, dirs, NULL, NULL, collect, NULL), 0, "odd -C entries");
	is_int(c.noptions, 0, "nothing read");
	is_str(diags, "/dev/null:0: neither a file nor a directory: ignored\n",
	       "a missing entry is silent, a device is reported");
	conf_free(&c);
}

/* ---- modules-load.d -------------------------------------------------------------- */

static const char *names(char **v, size_t n)
{
	const char *s = words(v, n);

	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return s;
}

static void test_modules_load(void)
{
	char **v = NULL;
	size_t n = 99;

	put("ml/etc/modules-load.d/b.conf",
	    "foo\n  bar  \n# c\n  ; semi\n\n\t\nbaz qux=1\n");
	put("ml/run/modules-load.d/a.conf", "run-a\n");
	put("ml/usr/lib/modules-load.d/b.conf", "hidden-b\n");
	put("ml/usr/lib/modules-load.d/c.conf", "usrlib-c\r\n");
	put("ml/lib/modules-load.d/d.conf", "lib-d");
	put("ml/usr/local/lib/modules-load.d/e.conf", "usrlocal-e\n");
	link_to("ml/etc/modules-load.d/f.conf", "/dev/null");
	put("ml/lib/modules-load.d/f.conf", "masked-f\n");
	put("ml/etc/modules-load.d/.dot.conf", "dot\n");
	put("ml/etc/modules-load.d/x.txt", "txt\n");
	put("ml/etc/modules-load.d/g.conf/inner.conf", "inner\n");
	put("ml/etc/modules",
	    "# /etc/modules\nloop\nsnd-foo index=0  x=1\n\t\n;x\n  # y\n");

	diags[0] = 0;
	is_int(conf_modules_load(at("ml"), &v, &n, collect, NULL), 0,
	       "conf_modules_load");
	is_str(names(v, n),
	       "run-a,foo,bar,baz qux=1,usrlib-c,lib-d,usrlocal-e,loop,snd-foo",
	       "basename order, override and masks, whole lines (systemd), then "
	       "/etc/modules first words");
	is_str(diags,
	       "$T/ml/etc/modules-load.d/b.conf:7: 'baz qux=1': the whole line is one "
	       "module name to systemd-modules-load, parameters belong in modprobe.d\n"
	       "$T/ml/etc/modules:3: snd-foo: arguments 'index=0  x=1' ignored; "
	       "use 'options snd-foo ...' in modprobe.d\n",
	       "diagnostics for arguments");

	/* Debian's link: /etc/modules is read in its place, once */
	link_to("ml/etc/modules-load.d/modules.conf", "../modules");
	diags[0] = 0;
	is_int(conf_modules_load(at("ml"), &v, &n, collect, NULL), 0,
	       "with modules.conf link");
	is_str(names(v, n),
	       "run-a,foo,bar,baz qux=1,usrlib-c,lib-d,usrlocal-e,loop,snd-foo",
	       "the linked /etc/modules is read once, still by its own rules");
	is_str(diags + strcspn(diags, "\n") + 1,
	       "$T/ml/etc/modules-load.d/modules.conf:3: "
	       "snd-foo: arguments 'index=0  x=1' ignored; "
	       "use 'options snd-foo ...' in modprobe.d\n",
	       "reported under the link's name");
	put("ml/etc/modules-load.d/0.conf", "zero\n");
	is_int(conf_modules_load(at("ml"), &v, &n, NULL, NULL), 0, "no diag callback");
	is_str(names(v, n),
	       "zero,run-a,foo,bar,baz qux=1,usrlib-c,lib-d,usrlocal-e,loop,snd-foo",
	       "a new first file");
	put("ml/etc/modules-load.d/n.conf", "n\n");
	is_int(conf_modules_load(at("ml"), &v, &n, NULL, NULL), 0, "again");
	is_str(names(v, n),
	       "zero,run-a,foo,bar,baz qux=1,usrlib-c,lib-d,usrlocal-e,loop,snd-foo,n",
	       "the link's contents come at modules.conf's place");

	n = 99;
	v = NULL;
	is_int(conf_modules_load(at("nothing"), &v, &n, collect, NULL), 0, "empty root");
	is_int(n, 0, "no names");
	free(v);
}

int main(void)
{
	if (!mkdtemp(strcpy(tmp, "/tmp/test_mk_conf.XXXXXX")))
		bail("mkdtemp");
	test_reader();
	test_commands();
	test_dirs();
	test_confdirs();
	test_modules_load();
	if (!getenv("KEEP_TMP")) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd))
			printf("# could not remove %s\n", tmp);
	} else {
		printf("# kept %s\n", tmp);
	}
	return done_testing();
}

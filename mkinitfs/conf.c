/* SPDX-License-Identifier: MIT */
/* conf.c: reads modprobe.d and modules-load.d into lists, as kmod 30 and systemd do. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf.h"
#include "modname.h"
#include "xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct sink {
	conf_diag_fn fn;
	void *ctx;
};

__attribute__((format(printf, 4, 5)))
static void say(const struct sink *s, const char *file, unsigned line, const char *fmt,
		...)
{
	char *msg;
	va_list ap;
	int r;

	if (!s->fn)
		return;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	s->fn(file, line, msg, s->ctx);
	free(msg);
}

/* Arrays in struct conf carry no capacity: they are reallocated whenever their length
 * reaches a power of two, so they must only ever grow through here. */
static void *grow(void *v, size_t n, size_t size)
{
	if (n & (n - 1))
		return v;
	return xrealloc(v, (n ? 2 * n : 1) * size);
}

static void push(char ***v, size_t *n, char *s)
{
	*v = grow(*v, *n, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* ---- paths under a root ------------------------------------------------------- */

/* Configuration of another system (mkinitfs -b) may hold absolute symlinks, such as
 * /etc/modprobe.d/x.conf -> /usr/share/foo/x.conf: they are resolved inside the root
 * with openat2(RESOLVE_IN_ROOT), or by plain prefixing where the kernel lacks it. */
struct root {
	int fd;             /* AT_FDCWD: paths are used as they are; -1: no such root */
	const char *prefix; /* printed before paths in messages */
	int plen;
};

static void root_init(struct root *r, const char *root)
{
	size_t n = root ? strlen(root) : 0;

	while (n && root[n - 1] == '/')
		n--;
	r->prefix = n ? root : "";
	r->plen = n;
	r->fd = AT_FDCWD;
	if (n) {
		char *p = xstrndup(root, n);

		r->fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		free(p);
	}
}

static void root_fini(struct root *r)
{
	if (r->fd >= 0)
		close(r->fd);
}

static char *root_show(const struct root *r, const char *path)
{
	char *s;

	if (asprintf(&s, "%.*s%s", r->plen, r->prefix, path) < 0)
		s = xstrdup(path);
	return s;
}

/* an fd, or a negative errno */
static int root_open(const struct root *r, const char *path, int flags)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int fd;

	if (r->fd == AT_FDCWD) {
		fd = open(path, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	if (r->fd < 0)
		return -ENOENT;
	fd = syscall(SYS_openat2, r->fd, path + strspn(path, "/"), &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		char *p = root_show(r, path);

		fd = open(p, flags | O_CLOEXEC);
		free(p);
	}
	return fd < 0 ? -errno : fd;
}

static int read_all(int fd, char **ret_text, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap + 1);

	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			free(buf);
			return r;
		}
		if (n == 0)
			break;
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	buf[len] = 0;
	*ret_text = buf;
	*ret_len = len;
	return 0;
}

/* ---- the list of files, in basename order ------------------------------------- */

struct cfile {
	char *name;             /* basename: sort key, and what hides later namesakes */
	char *path;             /* to open under root; NULL: nothing to read (a mask) */
	const struct root *root;
	const char *text;       /* a pseudo-file's contents */
};

struct flist {
	struct cfile *v;
	size_t n;
};

/* false when the name is taken already: the earlier source wins */
static bool flist_add(struct flist *l, const char *name, char *path, const struct root *r,
		      const char *text)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, l->v[mid].name);

		if (!c)
			return false;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	l->v = grow(l->v, l->n, sizeof(*l->v));
	memmove(l->v + lo + 1, l->v + lo, (l->n - lo) * sizeof(*l->v));
	l->v[lo] = (struct cfile){ xstrdup(name), path, r, text };
	l->n++;
	return true;
}

static void flist_free(struct flist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
}

enum kind { K_FILE, K_DIR, K_MASK };

/* What a directory entry is, symlinks followed. Anything that is not a directory takes
 * its name (kmod and systemd both work by name), but only regular files are read: a
 * link to /dev/null, or a dangling link, hides its namesakes and adds nothing. */
static enum kind classify(const struct root *r, const char *path, const struct sink *s)
{
	struct stat st;
	int fd = root_open(r, path, O_PATH);

	if (fd < 0) {
		char target[16] = "";
		int lfd = root_open(r, path, O_PATH | O_NOFOLLOW);

		if (lfd >= 0) {
			ssize_t n = readlinkat(lfd, "", target, sizeof(target) - 1);

			target[n > 0 ? n : 0] = 0;
			close(lfd);
		}
		if (strcmp(target, "/dev/null")) {
			char *show = root_show(r, path);

			say(s, show, 0,
			    "cannot open (%s); it still hides files of the same name",
			    strerror(-fd));
			free(show);
		}
		return K_MASK;
	}
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	close(fd);
	if (S_ISDIR(st.st_mode))
		return K_DIR;
	return S_ISREG(st.st_mode) ? K_FILE : K_MASK;
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *p = xmalloc(n + strlen(name) + 2);

	sprintf(p, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
	return p;
}

/* Every "*.conf" of a directory (not recursive; no dotfiles). A missing or unreadable
 * directory is no error: most of the default ones do not exist. */
static void scan_dir(struct flist *l, const struct root *r, const char *dir,
		     bool dir_diag, const struct sink *s)
{
	int fd = root_open(r, dir, O_RDONLY | O_DIRECTORY);
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		char *path;
		enum kind k;

		if (n[0] == '.' || len < 6 || strcmp(n + len - 5, ".conf"))
			continue;
		path = path_join(dir, n);
		k = classify(r, path, s);
		if (k == K_DIR) {
			if (dir_diag) {
				char *show = root_show(r, path);

				say(s, show, 0,
				    "is a directory: ignored (they do not nest)");
				free(show);
			}
			free(path);
			continue;
		}
		if (k == K_MASK) {
			free(path);
			path = NULL;
		}
		if (!flist_add(l, n, path, r, NULL))
			free(path);
	}
	closedir(d);
}

/* a -C entry: a directory is scanned, a file is used under its basename whatever it is
 * called; either way it joins the one sorted list (kmod 30 does the same) */
static void add_path(struct flist *l, const struct root *host, const char *path,
		     const struct sink *s)
{
	const char *base = strrchr(path, '/');
	struct stat st;

	if (stat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		scan_dir(l, host, path, true, s);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		say(s, path, 0, "neither a file nor a directory: ignored");
		return;
	}
	char *p = xstrdup(path);

	if (!flist_add(l, base ? base + 1 : path, p, host, NULL))
		free(p);
}

/* ---- modprobe.d lines ---------------------------------------------------------- */

/* strtok_r(" \t") one word at a time: the single blank that ends a word is consumed
 * (overwritten), so what remains after it is the verbatim rest of the line */
static char *word(char **save)
{
	char *s = *save + strspn(*save, " \t"), *e;

	if (!*s) {
		*save = s;
		return NULL;
	}
	e = s + strcspn(s, " \t");
	if (*e)
		*e++ = 0;
	*save = e;
	return s;
}

static char *rest(char **save)
{
	char *s = *save;

	if (!*s)
		return NULL;
	*save = s + strlen(s);
	return s;
}

/* softdep and weakdep targets are split on every isspace() byte, not just blanks
 * (so a CRLF line's '\r' does not stick to the last target, as it does elsewhere) */
static bool dep_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

static char *dep_word(char **s, size_t *ret_n)
{
	char *p = *s, *w;

	while (dep_space(*p))
		p++;
	if (!*p)
		return NULL;
	w = p;
	while (*p && !dep_space(*p))
		p++;
	*ret_n = p - w;
	*s = p;
	return w;
}

static void add_softdep(struct conf *c, const char *mod, char *s)
{
	enum { S_NONE, S_PRE, S_POST } mode = S_NONE;
	struct conf_softdep d = { .module = xstrdup(mod) };
	size_t n;

	for (char *w; (w = dep_word(&s, &n));) {
		if (n == 4 && !memcmp(w, "pre:", 4))
			mode = S_PRE;
		else if (n == 5 && !memcmp(w, "post:", 5))
			mode = S_POST;
		else if (mode == S_PRE)
			push(&d.pre, &d.npre, xstrndup(w, n));
		else if (mode == S_POST)
			push(&d.post, &d.npost, xstrndup(w, n));
		/* words before the first marker belong to no list: kmod drops them */
	}
	c->softdeps = grow(c->softdeps, c->nsoftdeps, sizeof(*c->softdeps));
	c->softdeps[c->nsoftdeps++] = d;
}

static void add_weakdep(struct conf *c, const char *mod, char *s)
{
	struct conf_weakdep d = { .module = xstrdup(mod) };
	size_t n;

	for (char *w; (w = dep_word(&s, &n));)
		push(&d.targets, &d.n, xstrndup(w, n));
	c->weakdeps = grow(c->weakdeps, c->nweakdeps, sizeof(*c->weakdeps));
	c->weakdeps[c->nweakdeps++] = d;
}

static void add_cmd(struct conf_cmd **v, size_t *n, const char *mod, const char *cmd)
{
	*v = grow(*v, *n, sizeof(**v));
	(*v)[(*n)++] = (struct conf_cmd){ xstrdup(mod), xstrdup(cmd) };
}

enum cmd { C_ALIAS, C_OPTIONS, C_INSTALL, C_REMOVE, C_SOFTDEP, C_WEAKDEP, C_BLACKLIST };

/* the second argument: none, a word, or the verbatim rest of the line */
enum arg { A_NONE, A_WORD, A_REST };

static const struct {
	const char *name;
	enum arg arg;
	const char *what1, *what2; /* for "missing ..." */
} cmds[] = {
	[C_ALIAS] = { "alias", A_WORD, "pattern", "module name" },
	[C_OPTIONS] = { "options", A_REST, "module name", "option string" },
	[C_INSTALL] = { "install", A_REST, "module name", "command" },
	[C_REMOVE] = { "remove", A_REST, "module name", "command" },
	[C_SOFTDEP] = { "softdep", A_REST, "module name", "dependencies" },
	[C_WEAKDEP] = { "weakdep", A_REST, "module name", "dependencies" },
	[C_BLACKLIST] = { "blacklist", A_NONE, "module name", NULL },
};

/* one logical line (continuations joined, escapes applied); bad lines are reported and
 * skipped, exactly the lines kmod skips */
static void parse_line(struct conf *c, const char *file, unsigned lineno, char *line,
		       const struct sink *s)
{
	char *save = line, *name, *mod, *arg = NULL, *bad = NULL;
	size_t k;

	if (line[0] == '#')
		return;
	name = word(&save);
	if (!name)
		return;
	if (!strcmp(name, "include") || !strcmp(name, "config")) {
		say(s, file, lineno, "%s: deprecated and ignored", name);
		return;
	}
	for (k = 0; k < ARRAY_SIZE(cmds); k++)
		if (!strcmp(name, cmds[k].name))
			break;
	if (k == ARRAY_SIZE(cmds)) {
		say(s, file, lineno, "ignoring bad line starting with '%s'", name);
		return;
	}
	mod = word(&save);
	if (cmds[k].arg == A_WORD)
		arg = word(&save);
	else if (cmds[k].arg == A_REST)
		arg = rest(&save);
	if (!mod || (cmds[k].arg != A_NONE && !arg)) {
		say(s, file, lineno, "%s: missing %s; line ignored", name,
		    mod ? cmds[k].what2 : cmds[k].what1);
		return;
	}
	/* kmod rejects the whole line when a name has unbalanced brackets */
	if (underscores(mod) < 0)
		bad = mod;
	else if (k == C_ALIAS && underscores(arg) < 0)
		bad = arg;
	if (bad) {
		say(s, file, lineno, "%s: unbalanced brackets in '%s'; line ignored",
		    name, bad);
		return;
	}

	switch ((enum cmd)k) {
	case C_ALIAS:
		c->aliases = grow(c->aliases, c->naliases, sizeof(*c->aliases));
		c->aliases[c->naliases++] =
			(struct conf_alias){ xstrdup(mod), xstrdup(arg) };
		break;
	case C_OPTIONS:
		arg = xstrdup(arg);
		for (char *t = arg; (t = strchr(t, '\t'));)
			*t = ' ';
		c->options = grow(c->options, c->noptions, sizeof(*c->options));
		c->options[c->noptions++] = (struct conf_options){ xstrdup(mod), arg };
		break;
	case C_INSTALL:
		add_cmd(&c->installs, &c->ninstalls, mod, arg);
		break;
	case C_REMOVE:
		add_cmd(&c->removes, &c->nremoves, mod, arg);
		break;
	case C_SOFTDEP:
		add_softdep(c, mod, arg);
		break;
	case C_WEAKDEP:
		add_weakdep(c, mod, arg);
		break;
	case C_BLACKLIST:
		push(&c->blacklist, &c->nblacklist, xstrdup(mod));
		break;
	}
}

int conf_parse(struct conf *c, const char *name, const char *text, size_t len,
	       conf_diag_fn diag, void *ctx)
{
	const struct sink s = { diag, ctx };
	char *line = xmalloc(len + 1);
	unsigned lineno = 1;
	size_t i = 0;

	while (i < len) {
		unsigned first = lineno;
		size_t n = 0;

		while (i < len && text[i] != '\n') {
			if (text[i] != '\\') {
				line[n++] = text[i++];
			} else if (i + 1 == len) {
				/* kmod 30 turns a last backslash into a 0xff byte; later
				 * versions drop it, and so do we */
				i++;
			} else if (text[i + 1] == '\n') {
				i += 2;
				lineno++;
			} else {
				line[n++] = text[i + 1];
				i += 2;
			}
		}
		if (i < len)
			i++;
		lineno++;
		/* a NUL byte ends the line for kmod too (it works on C strings) */
		line[n] = 0;
		parse_line(c, name, first, line, &s);
	}
	free(line);
	return 0;
}

static void read_one(const struct cfile *f, const struct sink *s,
		     void (*parse)(const char *show, const char *text, size_t len,
				   bool etc_modules, void *arg),
		     const struct stat *etc_modules, void *arg)
{
	char *show = root_show(f->root, f->path), *text = NULL;
	struct stat st;
	size_t len = 0;
	int fd = root_open(f->root, f->path, O_RDONLY), r;

	if (fd < 0) {
		say(s, show, 0, "cannot open: %s", strerror(-fd));
		goto out;
	}
	r = read_all(fd, &text, &len);
	if (r < 0) {
		say(s, show, 0, "cannot read: %s", strerror(-r));
	} else {
		bool is_etc = etc_modules && !fstat(fd, &st) &&
			      st.st_dev == etc_modules->st_dev &&
			      st.st_ino == etc_modules->st_ino;

		parse(show, text, len, is_etc, arg);
		free(text);
	}
	close(fd);
out:
	free(show);
}

struct parse_conf_arg {
	struct conf *c;
	const struct sink *s;
};

static void parse_conf_file(const char *show, const char *text, size_t len,
			    bool etc_modules, void *arg)
{
	struct parse_conf_arg *a = arg;

	conf_parse(a->c, show, text, len, a->s->fn, a->s->ctx);
}

static const char *const modprobe_dirs[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
	"/usr/lib/modprobe.d", "/lib/modprobe.d",
};

int conf_load(struct conf *c, const char *root, const char *const *dirs,
	      const char *softdep_text, const char *weakdep_text, conf_diag_fn diag,
	      void *ctx)
{
	const struct sink s = { diag, ctx };
	struct parse_conf_arg a = { c, &s };
	struct root r, host = { AT_FDCWD, "", 0 };
	struct flist l = { 0 };

	memset(c, 0, sizeof(*c));
	root_init(&r, root);
	/* kmod puts the pseudo-files in first, so they also win over namesakes */
	if (softdep_text)
		flist_add(&l, "modules.softdep", NULL, NULL, softdep_text);
	if (weakdep_text)
		flist_add(&l, "modules.weakdep", NULL, NULL, weakdep_text);
	if (dirs)
		for (size_t i = 0; dirs[i]; i++)
			add_path(&l, &host, dirs[i], &s);
	else
		for (size_t i = 0; i < ARRAY_SIZE(modprobe_dirs); i++)
			scan_dir(&l, &r, modprobe_dirs[i], true, &s);
	for (size_t i = 0; i < l.n; i++) {
		const struct cfile *f = &l.v[i];

		if (f->text)
			conf_parse(c, f->name, f->text, strlen(f->text), diag, ctx);
		else if (f->path)
			read_one(f, &s, parse_conf_file, NULL, &a);
	}
	flist_free(&l);
	root_fini(&r);
	return 0;
}

void conf_free(struct conf *c)
{
	for (size_t i = 0; i < c->naliases; i++) {
		free(c->aliases[i].pattern);
		free(c->aliases[i].module);
	}
	for (size_t i = 0; i < c->noptions; i++) {
		free(c->options[i].module);
		free(c->options[i].options);
	}
	for (size_t i = 0; i < c->ninstalls; i++) {
		free(c->installs[i].module);
		free(c->installs[i].command);
	}
	for (size_t i = 0; i < c->nremoves; i++) {
		free(c->removes[i].module);
		free(c->removes[i].command);
	}
	for (size_t i = 0; i < c->nsoftdeps; i++) {
		struct conf_softdep *d = &c->softdeps[i];

		for (size_t k = 0; k < d->npre; k++)
			free(d->pre[k]);
		for (size_t k = 0; k < d->npost; k++)
			free(d->post[k]);
		free(d->module);
		free(d->pre);
		free(d->post);
	}
	for (size_t i = 0; i < c->nweakdeps; i++) {
		for (size_t k = 0; k < c->weakdeps[i].n; k++)
			free(c->weakdeps[i].targets[k]);
		free(c->weakdeps[i].module);
		free(c->weakdeps[i].targets);
	}
	for (size_t i = 0; i < c->nblacklist; i++)
		free(c->blacklist[i]);
	free(c->aliases);
	free(c->options);
	free(c->installs);
	free(c->removes);
	free(c->softdeps);
	free(c->weakdeps);
	free(c->blacklist);
	memset(c, 0, sizeof(*c));
}

/* ---- modules-load.d and /etc/modules ------------------------------------------- */

struct names {
	char **v;
	char **files; /* the file each name came from, as shown */
	size_t n;
	const struct sink *s;
	bool saw_etc_modules;
};

/* systemd: the whole trimmed line is one name. /etc/modules (Debian's init script):
 * "NAME ARGS..."; we can pass no arguments from here, so they are reported. */
static void parse_names(const char *show, const char *text, size_t len, bool etc_modules,
			void *arg)
{
	static const char blank[] = " \t\r\n\v\f";
	struct names *out = arg;
	char *buf = xmalloc(len + 1);
	unsigned lineno = 0;
	size_t i = 0;

	/* Debian links /etc/modules-load.d/modules.conf to ../modules: then /etc/modules
	 * is read there, in its place in the order, but still by its own rules */
	out->saw_etc_modules |= etc_modules;
	while (i < len) {
		size_t e = i, n;
		char *l;

		while (e < len && text[e] != '\n')
			e++;
		memcpy(buf, text + i, e - i);
		buf[e - i] = 0;
		i = e + 1;
		lineno++;
		l = buf + strspn(buf, blank);
		n = strlen(l);
		while (n && strchr(blank, l[n - 1]))
			n--;
		l[n] = 0;
		if (!n || l[0] == '#' || l[0] == ';')
			continue;
		if (etc_modules) {
			size_t w = strcspn(l, blank);

			if (l[w]) {
				say(out->s, show, lineno,
				    "%.*s: arguments '%s' ignored; use "
				    "'options %.*s ...' in modprobe.d",
				    (int)w, l, l + w + strspn(l + w, blank), (int)w, l);
				l[w] = 0;
			}
		} else if (l[strcspn(l, blank)]) {
			say(out->s, show, lineno,
			    "'%s': the whole line is one module name to "
			    "systemd-modules-load, parameters belong in modprobe.d",
			    l);
		}
		out->files = xrealloc(out->files, (out->n + 1) * sizeof(char *));
		out->files[out->n] = xstrdup(show);
		push(&out->v, &out->n, xstrdup(l));
	}
	free(buf);
}

static const char *const modules_load_dirs[] = {
	"/etc/modules-load.d", "/run/modules-load.d", "/usr/local/lib/modules-load.d",
	"/usr/lib/modules-load.d", "/lib/modules-load.d",
};

int conf_modules_load(const char *root, char ***ret_names, size_t *ret_n,
		      conf_diag_fn diag, void *ctx)
{
	char **files = NULL;
	int r = conf_modules_load_from(root, ret_names, &files, ret_n, diag, ctx);

	for (size_t i = 0; r >= 0 && i < *ret_n; i++)
		free(files[i]);
	free(files);
	return r;
}

int conf_modules_load_from(const char *root, char ***ret_names, char ***ret_files,
			   size_t *ret_n, conf_diag_fn diag, void *ctx)
{
	const struct sink s = { diag, ctx };
	struct names out = { NULL, NULL, 0, &s, false };
	struct flist l = { 0 };
	struct stat etc_st;
	bool have_etc = false;
	struct root r;
	int fd;

	root_init(&r, root);
	fd = root_open(&r, "/etc/modules", O_RDONLY);
	if (fd >= 0) {
		have_etc = !fstat(fd, &etc_st) && S_ISREG(etc_st.st_mode);
		close(fd);
	}
	for (size_t i = 0; i < ARRAY_SIZE(modules_load_dirs); i++)
		scan_dir(&l, &r, modules_load_dirs[i], false, &s);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].path)
			read_one(&l.v[i], &s, parse_names, have_etc ? &etc_st : NULL,
				 &out);
	if (have_etc && !out.saw_etc_modules) {
		char name[] = "modules", path[] = "/etc/modules";
		struct cfile f = { name, path, &r, NULL };

		read_one(&f, &s, parse_names, &etc_st, &out);
	}
	flist_free(&l);
	root_fini(&r);
	*ret_names = out.v;
	*ret_files = out.files;
	*ret_n = out.n;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* conf.h: modprobe.d and modules-load.d as kmod 30 and systemd read them
 * (kmod-semantics.md sections 2 and 7).
 *
 * modprobe.d: the directories /etc/modprobe.d, /run/modprobe.d,
 * /usr/local/lib/modprobe.d, /usr/lib/modprobe.d, /lib/modprobe.d (highest
 * precedence first, each under ROOT; symlinks resolve inside ROOT), or the -C list
 * instead. Entries named "*.conf" (at least 6 bytes, no dotfiles, not recursive;
 * kmod 30's "*.alias" files are not read, as in kmod >= 33). Anything but a
 * directory takes its name, but only regular files are read: an empty file, a link
 * to /dev/null or a dangling link masks its namesakes; a directory named x.conf is
 * reported and takes nothing. A basename taken from an earlier directory hides the
 * same name in later ones; all files are then read in strcmp order of their
 * basename, with the pseudo-files "modules.softdep" and "modules.weakdep" (the texts
 * given, added first so they also win their names) sorted in among them.
 *
 * Lines: kmod's reader (backslash-newline joins without a space, backslash-X keeps
 * X, a backslash at the end of the text is dropped (kmod 30 made it a 0xff byte), a
 * NUL byte ends the line, a first byte '#' comments, words split on blanks, '\r'
 * is an ordinary byte), then alias, options, install, remove, softdep, weakdep,
 * blacklist; include and config are ignored with a diag; anything else, a missing
 * argument or unbalanced brackets in a name is reported through diag and the line
 * ignored. softdep and weakdep split their targets on every isspace() byte, as kmod
 * does. A diag names the physical line where the logical line starts.
 *
 * Every list keeps config order. Module-name words are underscored (modname.h);
 * patterns stay patterns (fnmatch at use); option strings and commands are kept
 * verbatim, the text after the one blank that ends the name word. */
#ifndef EARLYMOD_CONF_H
#define EARLYMOD_CONF_H

#include <stddef.h>

struct conf_alias {
	char *pattern; /* underscored fnmatch pattern */
	char *module;  /* underscored target name */
};

struct conf_options {
	char *module;  /* underscored name (or alias pattern as written, underscored) */
	char *options; /* verbatim rest of the line, tabs made spaces */
};

struct conf_cmd {
	char *module;  /* underscored fnmatch pattern */
	char *command; /* verbatim rest of the line */
};

struct conf_softdep {
	char *module;  /* underscored fnmatch pattern */
	char **pre, **post; /* target words as written (looked up later) */
	size_t npre, npost;
};

struct conf_weakdep {
	char *module;
	char **targets;
	size_t n;
};

struct conf {
	struct conf_alias *aliases;
	size_t naliases;
	struct conf_options *options;
	size_t noptions;
	struct conf_cmd *installs, *removes;
	size_t ninstalls, nremoves;
	struct conf_softdep *softdeps;
	size_t nsoftdeps;
	struct conf_weakdep *weakdeps;
	size_t nweakdeps;
	char **blacklist; /* underscored names */
	size_t nblacklist;
};

/* a problem worth telling the user: file, line (0 for the file as a whole), text */
typedef void (*conf_diag_fn)(const char *file, unsigned line, const char *msg, void *ctx);

/* Reads the configuration into c (zeroed first). root NULL, "" or "/" is the host.
 * dirs: NULL for the default directories, else the -C list (each a directory or a
 * file, NOT prefixed by root). As in kmod 30, -C entries are not read one after the
 * other: their files join one list in basename order like the default directories',
 * an earlier entry winning a name, and a file entry counts under its basename
 * whatever that is. softdep_text and weakdep_text: the contents of modules.softdep /
 * modules.weakdep, or NULL. Unreadable or missing directories are skipped silently,
 * as kmod does; bad lines go to diag. 0, or -ENOMEM. */
int conf_load(struct conf *c, const char *root, const char *const *dirs,
	      const char *softdep_text, const char *weakdep_text, conf_diag_fn diag,
	      void *ctx);
/* one file's text, appended to c (zeroed, or filled only by these functions: the
 * arrays grow in powers of two); name is what diag reports */
int conf_parse(struct conf *c, const char *name, const char *text, size_t len,
	       conf_diag_fn diag, void *ctx);
void conf_free(struct conf *c);

/* The names systemd-modules-load would load: modules-load.d (/etc, /run,
 * /usr/local/lib, /usr/lib, /lib, each under root; *.conf, no dotfiles; same-name
 * override; /dev/null or empty masks; basename order; directories skipped silently)
 * then /etc/modules (Debian). A modules-load.d file that is /etc/modules (Debian's
 * modules.conf -> ../modules) reads it in that place instead, and it is not read
 * again at the end. One name a line, blanks trimmed, lines starting with '#' or ';'
 * skipped. In modules-load.d the whole line is the name, as for systemd (a line with
 * blanks is kept, and reported); for /etc/modules only the first word counts
 * (Debian's init script passes the rest as parameters, which we ignore with a diag).
 * *ret_names is a malloc()ed array of malloc()ed strings. */
int conf_modules_load(const char *root, char ***ret_names, size_t *ret_n, conf_diag_fn diag,
		      void *ctx);
/* the same, and for each name the file it came from (as diagnostics show it) */
int conf_modules_load_from(const char *root, char ***ret_names, char ***ret_files,
			   size_t *ret_n, conf_diag_fn diag, void *ctx);

#endif

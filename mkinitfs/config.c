/* SPDX-License-Identifier: MIT */
/* config.c: mkinitfs's own configuration file (config/mkinitfs.conf documents it).
 *
 *   # comment
 *   modules NAME...        add modules (names, aliases or modaliases) to load at boot
 *   compress zstd|xz|gzip|none
 *   level N                compression level
 *   shell FILE             a static shell for /bin/sh (mkinitfs --shell)
 *
 * Anything else is an error naming the file and the line: a typo here would
 * silently make an image without the module the user asked for. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkinitfs.h"
#include "xalloc.h"

static int parse_comp(const char *s, enum image_comp *ret)
{
	static const struct {
		const char *name;
		enum image_comp c;
	} t[] = { { "zstd", IMG_ZSTD }, { "xz", IMG_XZ }, { "gzip", IMG_GZIP }, { "none", IMG_NONE } };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].name)) {
			*ret = t[i].c;
			return 0;
		}
	return -EINVAL;
}

int options_set_compress(struct options *o, const char *s);
int options_set_compress(struct options *o, const char *s)
{
	return parse_comp(s, &o->img.comp);
}

int config_read(struct options *o, const char *path, int must_exist)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		die("%s: %s", path, strerror(errno));
	}
	while (getline(&line, &cap, f) >= 0) {
		char *save, *key;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		key = strtok_r(line, " \t", &save);
		if (!key || key[0] == '#')
			continue;
		if (!strcmp(key, "modules")) {
			for (char *w; (w = strtok_r(NULL, " \t", &save));) {
				o->modules = xrealloc(o->modules, (o->nmodules + 1) * sizeof(char *));
				o->modules[o->nmodules++] = xstrdup(w);
			}
		} else if (!strcmp(key, "compress")) {
			char *v = strtok_r(NULL, " \t", &save);

			if (!v || parse_comp(v, &o->img.comp) < 0)
				die("%s:%u: compress: expected zstd, xz, gzip or none, got '%s'", path,
				    lineno, v ? v : "");
		} else if (!strcmp(key, "level")) {
			char *v = strtok_r(NULL, " \t", &save), *end;
			long l = v ? strtol(v, &end, 10) : 0;

			if (!v || *end || l < 0 || l > 22)
				die("%s:%u: level: expected a number from 0 to 22, got '%s'", path,
				    lineno, v ? v : "");
			o->img.level = l;
		} else if (!strcmp(key, "shell")) {
			char *v = strtok_r(NULL, " \t", &save);

			if (!v)
				die("%s:%u: shell: expected the path of a static shell", path, lineno);
			if (!o->shell)
				o->shell = xstrdup(v);
		} else {
			die("%s:%u: unknown setting '%s' (known: modules, compress, level, shell)",
			    path, lineno, key);
		}
	}
	free(line);
	fclose(f);
	return 0;
}

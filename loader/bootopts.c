/* SPDX-License-Identifier: MIT */
/* bootopts.c: root=, rootfstype=, rootflags=, ro, rw, init=, rootwait, rootdelay=,
 * earlymod.debug, and the arguments for init after " -- ", with the kernel's quoting. */
#include <errno.h>
#include <string.h>

#include "bootopts.h"
#include "kcmdline.h"

static int is(const struct kcmdline_word *w, const char *key)
{
	size_t n = strlen(key);

	return w->keylen == n && !memcmp(w->key, key, n);
}

static void copy(char *dst, const struct kcmdline_word *w)
{
	size_t n = w->vallen < BOOTOPT_MAX - 1 ? w->vallen : BOOTOPT_MAX - 1;

	memcpy(dst, w->val, n);
	dst[n] = 0;
}

/* a whole number of seconds, as the kernel reads them; junk after the digits ends it */
static int seconds(const struct kcmdline_word *w)
{
	int v = 0;

	for (size_t i = 0; i < w->vallen && w->val[i] >= '0' && w->val[i] <= '9'; i++)
		v = v < 100000 ? v * 10 + (w->val[i] - '0') : v;
	return v;
}

static int word(const struct kcmdline_word *w, void *ctx)
{
	struct bootopts *o = ctx;

	if (w->has_val) {
		if (is(w, "root"))
			copy(o->root, w);
		else if (is(w, "rootfstype"))
			copy(o->rootfstype, w);
		else if (is(w, "rootflags"))
			copy(o->rootflags, w);
		else if (is(w, "init"))
			copy(o->init, w);
		else if (is(w, "rootdelay"))
			o->rootdelay = seconds(w);
		else if (is(w, "rootwait"))
			o->rootwait_s = seconds(w);
		return 0;
	}
	if (is(w, "ro"))
		o->rw = 0;
	else if (is(w, "rw"))
		o->rw = 1;
	else if (is(w, "rootwait"))
		o->rootwait = 1;
	else if (is(w, "earlymod.debug"))
		o->debug = 1;
	return 0;
}

int bootopts_parse(struct bootopts *o, const char *cmdline, unsigned long len)
{
	const char *dashes;

	memset(o, 0, sizeof(*o));
	o->rootdelay = -1;
	o->rootwait_s = -1;
	kcmdline_words(cmdline, len, word, o);
	/* the kernel passes the words after " -- " to init as arguments */
	dashes = strstr(cmdline, " -- ");
	if (dashes) {
		char *p = o->argbuf;
		size_t n = len - (dashes + 4 - cmdline);

		if (n >= sizeof(o->argbuf))
			n = sizeof(o->argbuf) - 1;
		memcpy(p, dashes + 4, n);
		p[n] = 0;

		while (*p && o->init_argc < 31) {
			while (*p == ' ' || *p == '\t' || *p == '\n')
				*p++ = 0;
			if (!*p)
				break;
			o->init_argv[o->init_argc++] = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n')
				p++;
		}
	}
	if (!o->init[0])
		strcpy(o->init, "/sbin/init");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* showdeps.c: the text of modprobe --show-depends, shared by mkinitfs and the loader. */
#include <errno.h>
#include <string.h>

#include "showdeps.h"

struct line {
	char *p;
	size_t len, cap;
	int overflow;
};

static void put(struct line *l, const char *s)
{
	size_t n = strlen(s);

	if (l->len + n + 1 > l->cap) {
		l->overflow = 1;
		return;
	}
	memcpy(l->p + l->len, s, n + 1);
	l->len += n;
}

int showdeps_line(const struct blob *b, const struct res_entry *e, char *buf, size_t len)
{
	struct line l = { buf, 0, len, 0 };
	struct blob_module bm;

	if (!len)
		return -E2BIG;
	buf[0] = 0;
	switch (e->action) {
	case RES_INSTALL:
		/* kmod prints the raw command and the options after one space, always */
		put(&l, "install ");
		put(&l, e->command);
		put(&l, " ");
		put(&l, e->options);
		put(&l, "\n");
		break;
	case RES_INSMOD:
		blob_module(b, e->mod, &bm);
		put(&l, "insmod ");
		put(&l, b->moddir);
		put(&l, "/");
		put(&l, bm.path);
		put(&l, " ");
		put(&l, e->options);
		put(&l, "\n");
		break;
	case RES_BUILTIN:
		put(&l, "builtin ");
		put(&l, e->name);
		put(&l, "\n");
		break;
	case RES_NOTHING:
		break;
	}
	return l.overflow ? -E2BIG : (int)l.len;
}

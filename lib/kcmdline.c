/* SPDX-License-Identifier: MIT */
/* kcmdline.c: the kernel command line split the kernel's way and libkmod's way. */
#include <string.h>

#include "kcmdline.h"
#include "modname.h"

/* libkmod v30 reads /proc/cmdline into a 4096-byte buffer, its NUL included */
#define KMOD_CMDLINE_MAX 4095

/* the kernel's isspace(): its ctype table is Latin-1, so 0xa0 (NBSP) splits too */
static int kernel_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* libkmod's: C-locale isspace() */
static int kmod_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* next_arg() of kernel/params.c on s[*pos, len): one word, *pos moved past it */
static void next_word(const char *s, size_t len, size_t *pos, struct kcmdline_word *w)
{
	size_t i = *pos, start = i, ws, eq = 0, end, keyend, v, vend;
	int in_quote = 0, quoted = 0;

	if (s[i] == '"') {
		i++;
		in_quote = quoted = 1;
	}
	ws = i;
	for (; i < len; i++) {
		if (kernel_space(s[i]) && !in_quote)
			break;
		/* an '=' first in the word does not count: next_arg() keeps 0 as "none" */
		if (!eq && s[i] == '=')
			eq = i - ws;
		if (s[i] == '"')
			in_quote = !in_quote;
	}
	end = i;
	*pos = i < len ? i + 1 : i;

	/* a quote that opened the word loses its last character if that is a quote */
	vend = keyend = quoted && end > ws && s[end - 1] == '"' ? end - 1 : end;
	w->raw = s + start;
	w->rawlen = end - start;
	w->key = s + ws;
	w->has_val = eq != 0;
	if (!eq) {
		w->keylen = keyend - ws;
		w->val = NULL;
		w->vallen = 0;
		return;
	}
	w->keylen = eq;
	v = ws + eq + 1;
	if (v < end && s[v] == '"') {
		v++;
		if (s[end - 1] == '"')
			vend = end - 1;
	}
	/* a value of a lone quote ends before it starts: empty */
	w->val = s + v;
	w->vallen = vend > v ? vend - v : 0;
}

int kcmdline_words(const char *s, size_t len,
		   int (*fn)(const struct kcmdline_word *w, void *ctx), void *ctx)
{
	size_t pos = 0;

	/* the kernel's command line is a C string */
	len = strnlen(s, len);
	for (;;) {
		struct kcmdline_word w;
		int r;

		while (pos < len && kernel_space(s[pos]))
			pos++;
		if (pos >= len)
			return 0;
		next_word(s, len, &pos, &w);
		r = fn(&w, ctx);
		if (r)
			return r;
	}
}

int kcmdline_list_items(const char *val, size_t len,
			int (*fn)(const char *item, size_t n, void *ctx), void *ctx)
{
	size_t start = 0, i;

	for (i = 0; i <= len; i++) {
		int r;

		if (i < len && val[i] != ',')
			continue;
		r = fn(val + start, i - start, ctx);
		if (r)
			return r;
		start = i + 1;
	}
	return 0;
}

enum kstate {
	K_MOD,   /* before the first '.' */
	K_PARAM, /* after it, before '=' */
	K_VALUE, /* after the '=' */
	K_SKIP,  /* ill-formed: wait for the end of the word */
};

struct kword {
	const char *s;
	size_t mod;   /* first byte of MOD (after a leading quote) */
	size_t dot;   /* the '.' ending MOD */
	size_t eq;    /* the first '=' after it, when has_eq */
	size_t end;   /* one past the word */
	int has_eq;
	int lead_quote;
};

static int kmod_result(const struct kword *k,
		       int (*fn)(const char *mod, const char *opt, void *ctx), void *ctx)
{
	char mod[KMOD_CMDLINE_MAX + 1], opt[KMOD_CMDLINE_MAX + 2];
	size_t modlen = k->dot - k->mod, n = 0, i;

	/* a module called "" gets options in libkmod, which nothing ever asks for */
	if (!modlen)
		return 0;
	memcpy(mod, k->s + k->mod, modlen);
	mod[modlen] = 0;
	for (i = k->dot + 1; i < k->end; i++) {
		/* "MOD.P=a b" quoted whole goes back to P="a b", as libkmod moves it */
		if (k->lead_quote && k->has_eq && i == k->eq + 1)
			opt[n++] = '"';
		opt[n++] = k->s[i];
	}
	opt[n] = 0;
	/* libkmod's blacklist, not an option; values can hold no blank outside quotes,
	 * and kmod_config_add_options() turns tabs inside them into spaces */
	if (!strcmp(mod, "modprobe") && n >= 10 && !memcmp(opt, "blacklist=", 10))
		return 0;
	for (i = 0; i < n; i++)
		if (opt[i] == '\t')
			opt[i] = ' ';
	/* libkmod logs and drops a MOD with unbalanced brackets */
	if (underscores(mod) < 0)
		return 0;
	return fn(mod, opt, ctx);
}

int kcmdline_module_options(const char *s, size_t len,
			    int (*fn)(const char *mod, const char *opt, void *ctx), void *ctx)
{
	struct kword k = { .s = s };
	enum kstate st = K_MOD;
	int quoted = 0;
	size_t i;

	if (len > KMOD_CMDLINE_MAX)
		len = KMOD_CMDLINE_MAX;
	len = strnlen(s, len);
	for (i = 0; i <= len; i++) {
		unsigned char c = i < len ? s[i] : 0;
		int r;

		if (c == '"') {
			quoted = !quoted;
			/* only a quote opening the word may hold MOD; any other quote
			 * outside the value spoils the word */
			if (quoted && st == K_MOD && i == k.mod) {
				k.lead_quote = 1;
				k.mod = i + 1;
			} else if (st != K_VALUE) {
				st = K_SKIP;
			}
		} else if (c == 0 || kmod_space(c)) {
			/* blanks belong to the word only inside a quoted value; a word
			 * still in quotes at the end is lost */
			if (quoted) {
				if (st != K_VALUE)
					st = K_SKIP;
				continue;
			}
			if (st == K_PARAM || st == K_VALUE) {
				k.end = i;
				r = kmod_result(&k, fn, ctx);
				if (r)
					return r;
			}
			k = (struct kword){ .s = s, .mod = i + 1 };
			st = K_MOD;
		} else if (c == '.') {
			if (st == K_MOD) {
				k.dot = i;
				st = K_PARAM;
			} else if (st == K_PARAM) {
				st = K_SKIP;
			}
		} else if (c == '=') {
			if (st == K_PARAM) {
				k.eq = i;
				k.has_eq = 1;
				st = K_VALUE;
			} else if (st == K_MOD) {
				st = K_SKIP;
			}
		}
	}
	return 0;
}

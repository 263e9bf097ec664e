/* SPDX-License-Identifier: MIT */
/* test_lib_kcmdline.c: the kernel's word splitting, libkmod v30's MOD.PARAM= parsing. */
#include <stdlib.h>
#include <string.h>

#include "kcmdline.h"
#include "tap.h"

/* a literal and its length, NULs inside included */
#define S(s) s, sizeof(s) - 1

struct out {
	char buf[8192];
	size_t n;
	int calls;
	int stop_at; /* return stop_ret from this call on (1-based); 0: never */
	int stop_ret;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n >= sizeof(o->buf))
		abort();
	memcpy(o->buf + o->n, s, n);
	o->n += n;
	o->buf[o->n] = 0;
}

/* the input for a test name: C escapes for what is not printable */
static const char *esc(const char *s, size_t n)
{
	static char b[512];
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < sizeof(b); i++) {
		unsigned char c = s[i];

		if (c >= ' ' && c < 0x7f && c != '\\') {
			b[o++] = c;
		} else {
			snprintf(b + o, sizeof(b) - o, "\\%03o", c);
			o += 4;
		}
	}
	b[o] = 0;
	return b;
}

/* every input is copied to a buffer of exactly len bytes: nothing may read past it */
static char *exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (!p)
		abort();
	memcpy(p, s, len);
	return p;
}

static int stop(struct out *o)
{
	o->calls++;
	return o->stop_at && o->calls >= o->stop_at ? o->stop_ret : 0;
}

/* "{key}" or "{key}={val}", space-separated */
static int word_fn(const struct kcmdline_word *w, void *ctx)
{
	struct out *o = ctx;

	if (o->n)
		put(o, " ", 1);
	put(o, "{", 1);
	put(o, w->key, w->keylen);
	put(o, "}", 1);
	if (w->has_val) {
		put(o, "={", 2);
		put(o, w->val, w->vallen);
		put(o, "}", 1);
	}
	return stop(o);
}

/* raw words, '|'-separated */
static int raw_fn(const struct kcmdline_word *w, void *ctx)
{
	struct out *o = ctx;

	if (o->calls++)
		put(o, "|", 1);
	put(o, w->raw, w->rawlen);
	return 0;
}

static const struct {
	const char *in;
	size_t len;
	const char *words;
	const char *raw;
} word_cases[] = {
	{ S(""), "", "" },
	{ S(" \t\n  "), "", "" },
	{ S("root=/dev/sda1 ro quiet\n"), "{root}={/dev/sda1} {ro} {quiet}",
	  "root=/dev/sda1|ro|quiet" },
	{ S("  a   b\t\tc\n\n"), "{a} {b} {c}", "a|b|c" },
	{ S("a\vb\fc\rd"), "{a} {b} {c} {d}", "a|b|c|d" },
	/* the kernel's ctype is Latin-1: NBSP splits */
	{ S("a\xa0" "b"), "{a} {b}", "a|b" },
	{ S("root=\"LABEL=my disk\" rw"), "{root}={LABEL=my disk} {rw}",
	  "root=\"LABEL=my disk\"|rw" },
	{ S("\"root=LABEL=my disk\" rw"), "{root}={LABEL=my disk} {rw}",
	  "\"root=LABEL=my disk\"|rw" },
	{ S("e1000.x=\"a b\""), "{e1000.x}={a b}", "e1000.x=\"a b\"" },
	/* only the quotes around the value go, a quote inside stays */
	{ S("a=\"b\"c"), "{a}={b\"c}", "a=\"b\"c" },
	{ S("a=b\"c d\"e f"), "{a}={b\"c d\"e} {f}", "a=b\"c d\"e|f" },
	/* a quote may start anywhere; in a key it is kept */
	{ S("x\"y z\"w v"), "{x\"y z\"w} {v}", "x\"y z\"w|v" },
	{ S("\"quoted key\""), "{quoted key}", "\"quoted key\"" },
	{ S("\"\""), "{}", "\"\"" },
	/* an unterminated quote runs to the end of the line */
	{ S("a \"abc def\n"), "{a} {abc def\n}", "a|\"abc def\n" },
	{ S("k=\"b c\n"), "{k}={b c\n}", "k=\"b c\n" },
	{ S("a= b=\""), "{a}={} {b}={}", "a=|b=\"" },
	{ S("c=\"\" d"), "{c}={} {d}", "c=\"\"|d" },
	/* a quote opened in the value holds the blanks after it */
	{ S("a=\" c\" d"), "{a}={ c} {d}", "a=\" c\"|d" },
	{ S("a=\" c=\"\" d"), "{a}={ c=\"\" d}", "a=\" c=\"\" d" },
	/* next_arg() keeps 0 as "no '='": an '=' opening the word does not count */
	{ S("=x =a=b"), "{=x} {=a}={b}", "=x|=a=b" },
	{ S("a=b=c"), "{a}={b=c}", "a=b=c" },
	{ S("quiet -- single init=/x"), "{quiet} {--} {single} {init}={/x}",
	  "quiet|--|single|init=/x" },
	{ S("modprobe.blacklist=a,,b,"), "{modprobe.blacklist}={a,,b,}",
	  "modprobe.blacklist=a,,b," },
	/* the command line is a C string: a NUL ends it */
	{ S("a b\0c d"), "{a} {b}", "a|b" },
	/* len bounds it */
	{ "abc def", 5, "{abc} {d}", "abc|d" },
	{ "k=\"v w\" x", 4, "{k}={v}", "k=\"v" },
};

static void test_words(void)
{
	for (size_t i = 0; i < sizeof(word_cases) / sizeof(word_cases[0]); i++) {
		char *in = exact(word_cases[i].in, word_cases[i].len);
		struct out o = { .n = 0 }, r = { .n = 0 };
		int ret;

		ret = kcmdline_words(in, word_cases[i].len, word_fn, &o);
		is_int(ret, 0, "words %zu returns 0", i);
		is_str(o.buf, word_cases[i].words, "words %zu: '%s'", i,
		       esc(word_cases[i].in, word_cases[i].len));
		kcmdline_words(in, word_cases[i].len, raw_fn, &r);
		is_str(r.buf, word_cases[i].raw, "words %zu: raw", i);
		free(in);
	}
}

static void test_words_stop(void)
{
	struct out o = { .stop_at = 2, .stop_ret = 7 };
	struct out neg = { .stop_at = 1, .stop_ret = -5 };

	is_int(kcmdline_words(S("a b c d"), word_fn, &o), 7, "words: fn's value comes back");
	is_int(o.calls, 2, "words: no call after the one that stopped");
	is_str(o.buf, "{a} {b}", "words: the words before the stop");
	is_int(kcmdline_words(S("a b"), word_fn, &neg), -5, "words: a negative stop too");
	is_int(neg.calls, 1, "words: stopped at the first");
}

static int item_fn(const char *item, size_t n, void *ctx)
{
	struct out *o = ctx;

	if (o->calls)
		put(o, "|", 1);
	put(o, "<", 1);
	put(o, item, n);
	put(o, ">", 1);
	return stop(o);
}

static const struct {
	const char *in;
	size_t len;
	const char *want;
	int calls;
} item_cases[] = {
	{ S("a,,b,"), "<a>|<>|<b>|<>", 4 },
	{ S("a,b"), "<a>|<b>", 2 },
	{ S("virtio-net"), "<virtio-net>", 1 },
	/* libkmod's strsep(): an empty value is one empty item */
	{ S(""), "<>", 1 },
	{ S(","), "<>|<>", 2 },
	{ S(",a"), "<>|<a>", 2 },
	{ "a,b,c", 3, "<a>|<b>", 2 },
};

static void test_items(void)
{
	for (size_t i = 0; i < sizeof(item_cases) / sizeof(item_cases[0]); i++) {
		char *in = exact(item_cases[i].in, item_cases[i].len);
		struct out o = { .n = 0 };

		is_int(kcmdline_list_items(in, item_cases[i].len, item_fn, &o), 0,
		       "items %zu returns 0", i);
		is_str(o.buf, item_cases[i].want, "items %zu: '%s'", i,
		       esc(item_cases[i].in, item_cases[i].len));
		is_int(o.calls, item_cases[i].calls, "items %zu: count", i);
		free(in);
	}
	{
		struct out o = { .stop_at = 2, .stop_ret = 3 };

		is_int(kcmdline_list_items(S("a,b,c"), item_fn, &o), 3, "items: stop value");
		is_str(o.buf, "<a>|<b>", "items: nothing after the stop");
	}
}

/* "mod:opt", '|'-separated */
static int opt_fn(const char *mod, const char *opt, void *ctx)
{
	struct out *o = ctx;

	if (o->calls)
		put(o, "|", 1);
	put(o, mod, strlen(mod));
	put(o, ":", 1);
	put(o, opt, strlen(opt));
	return stop(o);
}

/* every expectation was checked against kmod 30's `modprobe -c` with the input
 * bind-mounted over /proc/cmdline */
static const struct {
	const char *in;
	size_t len;
	const char *want;
} opt_cases[] = {
	{ S(""), "" },
	{ S("\n"), "" },
	{ S("e1000.debug=3"), "e1000:debug=3" },
	{ S("e1000.debug=3\n"), "e1000:debug=3" },
	{ S("crc32c-intel.foo=bar"), "crc32c_intel:foo=bar" },
	/* PARAM is not normalized */
	{ S("e1000.some-param=1"), "e1000:some-param=1" },
	{ S("mii.flag"), "mii:flag" },
	{ S("e1000.=z"), "e1000:=z" },
	{ S("e1000.x="), "e1000:x=" },
	{ S("e1000.x=1.2=3"), "e1000:x=1.2=3" },
	/* ill-formed: empty MOD, a second '.' before '=', '=' before any '.' */
	{ S(".x=1"), "" },
	{ S("a.b.c=1"), "" },
	{ S("x=1.2"), "" },
	{ S("root=/dev/sda1 ro quiet"), "" },
	{ S("a.b.c"), "" },
	/* a quoted value keeps its quotes */
	{ S("e1000.x=\"a b\" mii.y=1"), "e1000:x=\"a b\"|mii:y=1" },
	{ S("e1000.y=\"a b\"c"), "e1000:y=\"a b\"c" },
	/* a word quoted as a whole is re-quoted after the '=' */
	{ S("\"8139cp.multi=a b\""), "8139cp:multi=\"a b\"" },
	{ S("\"8139cp.multi=a b\" mii.f"), "8139cp:multi=\"a b\"|mii:f" },
	{ S("\"e1000.x=a\"b\"c\""), "e1000:x=\"a\"b\"c\"" },
	{ S("\"e1000.x=\""), "e1000:x=\"\"" },
	/* a quote anywhere but in the value or opening the word spoils the word */
	{ S("\"mii.flag\" e1000.x=1"), "e1000:x=1" },
	{ S("e1000.x\"y\"=1 mii.f"), "mii:f" },
	{ S("\"\"e1000.x=1"), "" },
	/* ... and its blanks while open: all up to the next quote is one word */
	{ S("a\"b.c=1 x.y=2 z.w=\"3 mii.f=1"), "mii:f=1" },
	/* an unterminated quote loses the word, and the rest of the line */
	{ S("e1000.z=\"a b"), "" },
	{ S("e1000.z=\"a b mii.f=1"), "" },
	{ S("e1000.x=1 \"e1000.z=a b"), "e1000:x=1" },
	/* blanks are C isspace(); NBSP is not one for libkmod */
	{ S("e1000.a=1\tmii.b=2\nz.w=2\n"), "e1000:a=1|mii:b=2|z:w=2" },
	{ S("a.b=1\vc.d=2\fe.f=3\rg.h=4  i.j=5"), "a:b=1|c:d=2|e:f=3|g:h=4|i:j=5" },
	{ S("a.b=1\xa0" "c.d=2"), "a:b=1\xa0" "c.d=2" },
	{ S("e\tf.g=3"), "f:g=3" },
	/* kmod_config_add_options() turns tabs into spaces */
	{ S("x.y=\"a\tb\" \"m.n=c\td\""), "x:y=\"a b\"|m:n=\"c d\"" },
	/* MOD goes through underscores(): '-' kept inside [...], bad brackets drop it */
	{ S("a[x-y]-z.q=3"), "a[x-y]_z:q=3" },
	{ S("a[b-c.x=1 a]-b.y=2 a-b[.r=1 ok.s=1"), "ok:s=1" },
	/* modprobe.blacklist= is libkmod's blacklist, not an option */
	{ S("modprobe.blacklist=e1000,virtio-net"), "" },
	{ S("modprobe.blacklist="), "" },
	{ S("\"modprobe.blacklist=a b\""), "" },
	{ S("modprobe.blacklist"), "modprobe:blacklist" },
	{ S("modprobe.blacklisted=1"), "modprobe:blacklisted=1" },
	{ S("modprobe-x.blacklist=x"), "modprobe_x:blacklist=x" },
	{ S("modprobe.dyndbg=+p"), "modprobe:dyndbg=+p" },
	/* words after -- are parsed too */
	{ S("quiet -- virtio_blk.after_dashes=1"), "virtio_blk:after_dashes=1" },
	/* kmod-semantics.md section 12, verified line */
	{ S("modprobe.blacklist=e1000,virtio-net e1000.debug=3 crc32c-intel.foo=bar "
	    "\"8139cp.multi=a b\" mii.flag e1000.=z -- virtio_blk.after_dashes=1\n"),
	  "e1000:debug=3|crc32c_intel:foo=bar|8139cp:multi=\"a b\"|mii:flag|e1000:=z|"
	  "virtio_blk:after_dashes=1" },
	/* a NUL ends the line, len bounds it */
	{ S("a.b=1 c.d=2\0e.f=3"), "a:b=1|c:d=2" },
	{ "e1000.x=1 mii.y=2", 9, "e1000:x=1" },
	{ "e1000.x=1 mii.y=2", 15, "e1000:x=1|mii:y" },
};

static void test_options(void)
{
	for (size_t i = 0; i < sizeof(opt_cases) / sizeof(opt_cases[0]); i++) {
		char *in = exact(opt_cases[i].in, opt_cases[i].len);
		struct out o = { .n = 0 };

		is_int(kcmdline_module_options(in, opt_cases[i].len, opt_fn, &o), 0,
		       "options %zu returns 0", i);
		is_str(o.buf, opt_cases[i].want, "options %zu: '%s'", i,
		       esc(opt_cases[i].in, opt_cases[i].len));
		free(in);
	}
}

/* libkmod reads 4095 bytes of /proc/cmdline: a word across the limit is cut there */
static void test_options_limit(void)
{
	static const char tail[] = " m.n=abcdefgh";
	char *in = malloc(4200);
	struct out o = { .n = 0 };
	size_t len = 4085 + sizeof(tail) - 1;

	if (!in)
		abort();
	memset(in, 'x', 4085);
	memcpy(in, "p.q=1 ", 6);
	memcpy(in + 4085, tail, sizeof(tail) - 1);
	kcmdline_module_options(in, len, opt_fn, &o);
	is_str(o.buf, "p:q=1|m:n=abcde", "options: cut at 4095 bytes");

	/* a word wholly past the limit is not seen */
	memcpy(in + 4085, " m.n=1 xyz.w=2", 14);
	o = (struct out){ .n = 0 };
	kcmdline_module_options(in, 4085 + 14, opt_fn, &o);
	is_str(o.buf, "p:q=1|m:n=1", "options: nothing past 4095 bytes");
	free(in);
}

static void test_options_stop(void)
{
	struct out o = { .stop_at = 2, .stop_ret = 9 };

	is_int(kcmdline_module_options(S("a.b=1 quiet c.d=2 e.f=3"), opt_fn, &o), 9,
	       "options: fn's value comes back");
	is_int(o.calls, 2, "options: no call after the stop");
	is_str(o.buf, "a:b=1|c:d=2", "options: those before the stop");
}

int main(void)
{
	test_words();
	test_words_stop();
	test_items();
	test_options();
	test_options_limit();
	test_options_stop();
	return done_testing();
}

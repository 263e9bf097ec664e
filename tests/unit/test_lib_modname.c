/* SPDX-License-Identifier: MIT */
/* test_lib_modname.c: kmod's three name normalizers (kmod-semantics.md section 1). */
#include <errno.h>
#include <string.h>

#include "modname.h"
#include "tap.h"

struct norm_case {
	const char *in;
	size_t outlen;
	int ret;          /* length, or a negative errno */
	const char *want; /* when ret >= 0 */
};

static const struct norm_case modname_cases[] = {
	{ "crc32c-intel.ko.zst", 64, 12, "crc32c_intel" },
	{ "crc32c-intel", 64, 12, "crc32c_intel" },
	{ "e1000", 64, 5, "e1000" },
	{ "e1000.ko", 64, 5, "e1000" },
	{ "snd-hda-intel.ko.xz", 64, 13, "snd_hda_intel" },
	{ "a-b_c-", 64, 6, "a_b_c_" },
	{ "E1000-X", 64, 7, "E1000_X" },
	{ ".ko", 64, 0, "" },
	{ "", 64, 0, "" },
	{ "", 1, 0, "" },
	/* no bracket rule here: a path's name is a name */
	{ "a[b-c]", 64, 6, "a[b_c]" },
	/* outlen counts the NUL */
	{ "abc", 4, 3, "abc" },
	{ "abc.ko", 4, 3, "abc" },
	{ "abc", 3, -ENAMETOOLONG, NULL },
	{ "abcd.ko", 4, -ENAMETOOLONG, NULL },
	{ "a", 1, -ENAMETOOLONG, NULL },
	{ "", 0, -ENAMETOOLONG, NULL },
};

static const struct norm_case alias_cases[] = {
	{ "platform:gpio-keys-polled", 64, 25, "platform:gpio_keys_polled" },
	{ "platform:gpio_keys_polled", 64, 25, "platform:gpio_keys_polled" },
	{ "crc32c-intel", 64, 12, "crc32c_intel" },
	/* does not stop at '.': "modprobe e1000.ko" is not found */
	{ "e1000.ko", 64, 8, "e1000.ko" },
	{ "fs-ext4", 64, 7, "fs_ext4" },
	{ "E1000", 64, 5, "E1000" },
	{ "", 64, 0, "" },
	/* '-' kept inside [...] */
	{ "pci:v00008086d*sv*sd*bc0[1-2]sc*i*", 64, 34, "pci:v00008086d*sv*sd*bc0[1-2]sc*i*" },
	{ "a-[b-c]-d", 64, 9, "a_[b-c]_d" },
	{ "[a-b][c-d]-e", 64, 12, "[a-b][c-d]_e" },
	{ "[[a-b]-c", 64, 8, "[[a-b]_c" },
	{ "[]-x", 64, 4, "[]_x" },
	/* unbalanced */
	{ "a[b-c", 64, -EINVAL, NULL },
	{ "a]b", 64, -EINVAL, NULL },
	{ "a]-b", 64, -EINVAL, NULL },
	{ "a[b]]", 64, -EINVAL, NULL },
	{ "[", 64, -EINVAL, NULL },
	{ "]", 64, -EINVAL, NULL },
	{ "x[a-b]y[", 64, -EINVAL, NULL },
	/* outlen counts the NUL */
	{ "a-b", 4, 3, "a_b" },
	{ "a-b", 3, -ENAMETOOLONG, NULL },
	{ "[a-b]", 6, 5, "[a-b]" },
	{ "[a-b]", 5, -ENAMETOOLONG, NULL },
	{ "", 0, -ENAMETOOLONG, NULL },
};

static void run(const char *what, int (*f)(const char *, char *, size_t),
		const struct norm_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char out[80];
		int r;

		memset(out, 'X', sizeof(out));
		r = f(c[i].in, out, c[i].outlen);
		is_int(r, c[i].ret, "%s('%s', %zu) returns %d", what, c[i].in, c[i].outlen,
		       c[i].ret);
		if (c[i].ret < 0)
			continue;
		is_str(out, c[i].want, "%s('%s'): the name", what, c[i].in);
		/* nothing written past outlen */
		ok(out[c[i].outlen] == 'X', "%s('%s'): nothing past outlen", what, c[i].in);
	}
}

static const struct {
	const char *in;
	int ret;
	const char *want; /* when ret is 0 */
} underscores_cases[] = {
	{ "crc32c-intel", 0, "crc32c_intel" },
	{ "crc32c-intel.foo", 0, "crc32c_intel.foo" },
	{ "a-b[c-d]-e", 0, "a_b[c-d]_e" },
	{ "snd-*", 0, "snd_*" },
	{ "pci:v*d*sv*sd*bc0[1-2]*", 0, "pci:v*d*sv*sd*bc0[1-2]*" },
	{ "[[x-y]-z", 0, "[[x-y]_z" },
	{ "", 0, "" },
	{ "nodash", 0, "nodash" },
	{ "a]-b", -EINVAL, NULL },
	{ "a[-b", -EINVAL, NULL },
	{ "a[b]]", -EINVAL, NULL },
	{ "]", -EINVAL, NULL },
};

static void test_underscores(void)
{
	for (size_t i = 0; i < sizeof(underscores_cases) / sizeof(underscores_cases[0]); i++) {
		char buf[80];
		int r;

		strcpy(buf, underscores_cases[i].in);
		r = underscores(buf);
		is_int(r, underscores_cases[i].ret, "underscores('%s') returns %d",
		       underscores_cases[i].in, underscores_cases[i].ret);
		if (underscores_cases[i].ret == 0)
			is_str(buf, underscores_cases[i].want, "underscores('%s'): the name",
			       underscores_cases[i].in);
	}
}

/* the three agree where they should: a name normalizes the same by each */
static void test_agree(void)
{
	static const char *const names[] = { "crc32c-intel", "snd-hda-codec-hdmi", "e1000e",
					      "nf_conntrack-netlink" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char a[64], b[64], c[64];

		modname_normalize(names[i], a, sizeof(a));
		alias_normalize(names[i], b, sizeof(b));
		strcpy(c, names[i]);
		underscores(c);
		ok(!strcmp(a, b) && !strcmp(b, c), "'%s': the three agree ('%s')", names[i], a);
	}
}

int main(void)
{
	run("modname_normalize", modname_normalize, modname_cases,
	    sizeof(modname_cases) / sizeof(modname_cases[0]));
	run("alias_normalize", alias_normalize, alias_cases,
	    sizeof(alias_cases) / sizeof(alias_cases[0]));
	test_underscores();
	test_agree();
	return done_testing();
}

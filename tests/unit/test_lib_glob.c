/* SPDX-License-Identifier: MIT */
/* test_lib_glob.c: glob_match against glibc's fnmatch(3) with flags 0, which is what
 * kmod uses: a table of kmod's real patterns, then a million generated ones. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "tap.h"

static int same(const char *p, const char *s)
{
	return glob_match(p, s) == !fnmatch(p, s, 0);
}

int main(void)
{
	static const char *const table[][2] = {
		{ "pci:v00008086d0000100Esv*sd*bc*sc*i*", "pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00" },
		{ "pci:v*d*sv*sd*bc01sc06i01*", "pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01" },
		{ "acpi*:PNP0A03:*", "acpi:PNP0A08:PNP0A03:" },
		{ "snd*", "snd_hda_intel" }, { "snd*", "xsnd" }, { "mynic*", "mynic0" },
		{ "usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*", "usb:v46F4p0001d0000dc00dsc00dp00ic08isc06ip50in00" },
		{ "a[bc]d", "acd" }, { "a[!bc]d", "acd" }, { "a[^bc]d", "aed" }, { "[]]", "]" },
		{ "[!]]", "a" }, { "[a-]", "-" }, { "[[:digit:]]x", "7x" }, { "[[:bogus:]]", "b" },
		{ "a[", "a[" }, { "a[b", "a[b" }, { "\\*", "*" }, { "\\*", "a" }, { "a\\", "a\\" },
		{ "[\\]]", "]" }, { "*a*b*c", "xaybzc" }, { "*.ko", "a/b.ko" }, { "?", "" },
		{ "", "" }, { "*", "" }, { "[a-c-e]", "d" }, { "[z-a]", "m" }, { "**x", "ax" },
	};
	const char alphabet[] = "ab-_*?[]!^\\:c";
	char p[12], s[10];
	long bad = 0;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		ok(same(table[i][0], table[i][1]), "'%s' on '%s': %d as glibc", table[i][0],
		   table[i][1], glob_match(table[i][0], table[i][1]));
	srandom(1);
	for (long n = 0; n < 1000000; n++) {
		size_t pl = random() % sizeof(p), sl = random() % sizeof(s);

		for (size_t i = 0; i < pl; i++)
			p[i] = alphabet[random() % (sizeof(alphabet) - 1)];
		p[pl] = 0;
		for (size_t i = 0; i < sl; i++)
			s[i] = "ab-_[]!^\\:c"[random() % 11];
		s[sl] = 0;
		if (!same(p, s) && bad++ < 5)
			printf("# differs: pattern '%s' string '%s': ours %d\n", p, s,
			       glob_match(p, s));
	}
	is_int(bad, 0, "a million generated patterns decide as glibc's fnmatch");
	return done_testing();
}

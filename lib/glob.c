/* SPDX-License-Identifier: MIT */
/* glob.c: fnmatch(pattern, string, 0) for bytes (see glob.h). */
#include <string.h>

#include "glob.h"

/* [:NAME:] of the C locale: 1 in, 0 out, -1 for an unknown NAME */
static int in_class(const char *name, size_t n, unsigned char c)
{
	static const char names[][8] = { "alnum", "alpha", "blank", "cntrl", "digit", "graph",
					 "lower", "print", "punct", "space", "upper", "xdigit" };
	int upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	int digit = c >= '0' && c <= '9', graph = c > ' ' && c < 0x7f;
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strlen(names[k]) == n && !memcmp(names[k], name, n))
			break;
	switch (k) {
	case 0: return upper || lower || digit;
	case 1: return upper || lower;
	case 2: return c == ' ' || c == '\t';
	case 3: return c < ' ' || c == 0x7f;
	case 4: return digit;
	case 5: return graph;
	case 6: return lower;
	case 7: return graph || c == ' ';
	case 8: return graph && !upper && !lower && !digit;
	case 9: return c == ' ' || (c >= '\t' && c <= '\r');
	case 10: return upper;
	case 11: return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	default: return -1;
	}
}

/* A bracket expression at p (just after '['): its end in *ret_end, or NULL when there
 * is no closing ']' (then '[' is literal); returns whether c is in the set. */
static int bracket(const char *p, unsigned char c, const char **ret_end)
{
	int neg = 0, hit = 0, first = 1;

	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	for (;; first = 0) {
		unsigned char lo;

		if (!*p) {
			*ret_end = NULL;
			return 0;
		}
		if (*p == ']' && !first)
			break;
		if (p[0] == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			int r;

			if (e) {
				r = in_class(p + 2, e - (p + 2), c);
				if (r < 0) {
					*ret_end = NULL;
					return 0;
				}
				hit |= r;
				p = e + 2;
				continue;
			}
		}
		if (*p == '\\' && p[1])
			p++;
		lo = (unsigned char)*p++;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			unsigned char hi;

			p++;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p++;
			hit |= c >= lo && c <= hi;
		} else {
			hit |= c == lo;
		}
	}
	*ret_end = p + 1;
	return hit != neg;
}

int glob_match(const char *pat, const char *str)
{
	/* one backtracking point suffices: a later '*' subsumes an earlier one */
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		const char *end;

		switch (*pat) {
		case '\0':
			if (!*str)
				return 1;
			goto backtrack;
		case '*':
			while (*pat == '*')
				pat++;
			star_p = pat;
			star_s = str;
			continue;
		case '?':
			if (!*str)
				return 0;
			pat++;
			str++;
			continue;
		case '[':
			if (!*str)
				return 0;
			{
				int in = bracket(pat + 1, (unsigned char)*str, &end);

				if (end) {
					if (!in)
						goto backtrack;
					pat = end;
					str++;
					continue;
				}
			}
			break; /* no closing ']': a literal '[' */
		case '\\':
			if (!pat[1])
				return 0;
			pat++;
			break;
		}
		if (*pat != *str || !*str)
			goto backtrack;
		pat++;
		str++;
		continue;
backtrack:
		if (!star_p || !*star_s)
			return 0;
		pat = star_p;
		str = ++star_s;
	}
}

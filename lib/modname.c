/* SPDX-License-Identifier: MIT */
/* modname.c: kmod's name normalizers (see modname.h). */
#include <errno.h>

#include "modname.h"

int modname_normalize(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	for (; in[n] && in[n] != '.'; n++) {
		if (n + 1 >= outlen)
			return -ENAMETOOLONG;
		out[n] = in[n] == '-' ? '_' : in[n];
	}
	if (n >= outlen)
		return -ENAMETOOLONG;
	out[n] = 0;
	return n;
}

int alias_normalize(const char *in, char *out, size_t outlen)
{
	int in_bracket = 0;
	size_t n;

	for (n = 0; in[n]; n++) {
		char c = in[n];

		if (n + 1 >= outlen)
			return -ENAMETOOLONG;
		if (c == '[')
			in_bracket = 1;
		else if (c == ']' && !in_bracket)
			return -EINVAL;
		else if (c == ']')
			in_bracket = 0;
		else if (c == '-' && !in_bracket)
			c = '_';
		out[n] = c;
	}
	if (in_bracket)
		return -EINVAL;
	if (n >= outlen)
		return -ENAMETOOLONG;
	out[n] = 0;
	return n;
}

int underscores(char *s)
{
	int in_bracket = 0;

	for (; *s; s++) {
		if (*s == '[')
			in_bracket = 1;
		else if (*s == ']' && !in_bracket)
			return -EINVAL;
		else if (*s == ']')
			in_bracket = 0;
		else if (*s == '-' && !in_bracket)
			*s = '_';
	}
	return in_bracket ? -EINVAL : 0;
}

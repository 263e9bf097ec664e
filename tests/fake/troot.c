/* SPDX-License-Identifier: MIT */
/* troot.c: the fake root helpers of troot.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fake.h"
#include "troot.h"

int troot_remove(const char *root)
{
	char cmd[300];

	if (!root[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

void troot_fresh(char *root, const char *name)
{
	if (troot_remove(root) < 0)
		abort();
	snprintf(root, 256, "/tmp/%s.XXXXXX", name);
	if (!mkdtemp(root))
		abort();
	fake_init(root);
}

void troot_put(const char *root, const char *rel, const char *data)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	if (p[strlen(p) - 1] == '/')
		return;
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(data, f);
	fclose(f);
}

int troot_exists(const char *root, const char *rel)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return lstat(p, &st) == 0;
}

char *troot_slurp(const char *root, const char *rel)
{
	static char buf[4096];
	char p[512];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

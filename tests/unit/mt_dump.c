/* SPDX-License-Identifier: MIT */
/* mt_dump.c: prints what modtree_load made of a module directory, in depmod's formats,
 * so that tests/kmod/modtree_vs_depmod.sh can diff it against depmod's own files.
 *
 *   mt_dump [-t] ROOT KVER dep      modules.dep: "relpath: dep dep..." (users first)
 *   mt_dump [-t] ROOT KVER names    "name relpath comp ndeps" a line, mods[] order
 *   mt_dump [-t] ROOT KVER alias    modules.alias without its header
 *   mt_dump [-t] ROOT KVER builtin  built-in names, then alias-only built-ins after "--"
 * -t prints the wall time of modtree_load on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modtree.h"

int main(int argc, char **argv)
{
	struct modtree *t;
	struct timespec a, b;
	char err[1024];
	int timing = 0, r;

	if (argc > 1 && !strcmp(argv[1], "-t")) {
		timing = 1;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr,
			"usage: mt_dump [-t] ROOT KVER dep|names|alias|builtin\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	r = modtree_load(argv[1], argv[2], &t, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (r < 0) {
		fprintf(stderr, "mt_dump: %s\n", err);
		return 1;
	}
	if (timing)
		fprintf(stderr, "modtree_load: %.3f s, %zu modules, %zu built-in\n",
			(double)(b.tv_sec - a.tv_sec) +
				(double)(b.tv_nsec - a.tv_nsec) / 1e9,
			t->nmods, t->nbuiltins);
	for (size_t i = 0; i < t->nmods; i++) {
		const struct mt_module *m = &t->mods[i];

		if (!strcmp(argv[3], "dep")) {
			printf("%s:", m->relpath);
			/* deps[] is load order; modules.dep lists users first */
			for (size_t k = m->ndeps; k-- > 0;)
				printf(" %s", t->mods[m->deps[k]].relpath);
			putchar('\n');
		} else if (!strcmp(argv[3], "names")) {
			printf("%s %s %d %zu\n", m->name, m->relpath, (int)m->comp,
			       m->ndeps);
		} else if (!strcmp(argv[3], "alias")) {
			for (size_t k = 0; k < m->mi.n; k++)
				if (!strcmp(m->mi.kv[k].key, "alias"))
					printf("alias %s %s\n", m->mi.kv[k].value,
					       m->name);
		}
	}
	if (!strcmp(argv[3], "builtin")) {
		for (size_t i = 0; i < t->nbuiltins; i++)
			printf("%s %zu\n", t->builtins[i].name, t->builtins[i].mi.n);
		puts("--");
		for (size_t i = 0; i < t->nalias_builtins; i++)
			printf("%s %zu\n", t->alias_builtins[i].name,
			       t->alias_builtins[i].mi.n);
	}
	modtree_free(t);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* main.c: mkinitfs, the host side of earlymod. Reads a kernel's module tree and the
 * modprobe configuration, decides what the image needs, and writes the image. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mkinitfs.h"
#include "xalloc.h"

#ifndef LOADER_PATH
#define LOADER_PATH "/usr/local/lib/earlymod/loader"
#endif
#ifndef CONFIG_PATH
#define CONFIG_PATH "/etc/earlymod/mkinitfs.conf"
#endif

int options_set_compress(struct options *o, const char *s);

static void usage(FILE *f)
{
	fputs("usage: mkinitfs [--generic|--hostonly|--listed] [OPTION]... -o IMAGE\n"
	      "       mkinitfs --explain MODULE [OPTION]...\n"
	      "       mkinitfs --check IMAGE --modaliases FILE [-b ROOT] [-k KVER]\n"
	      "       mkinitfs --show-depends [OPTION]... NAME|MODALIAS...\n"
	      "       mkinitfs --blob-only --all [OPTION]... -o BLOB\n"
	      "       mkinitfs --dump-blob BLOB|IMAGE\n"
	      "\n"
	      "Writes an initramfs that loads the kernel's storage and filesystem drivers,\n"
	      "finds the root filesystem and hands over to its init.\n"
	      "\n"
	      "Which modules (each mode adds to the listed ones: -m, the config file,\n"
	      "modules-load.d, /etc/modules):\n"
	      "      --generic         every storage controller, block driver, root\n"
	      "                        filesystem and keyboard driver (the default)\n"
	      "      --hostonly        what this machine needs to reach its root: the drivers\n"
	      "                        of the root device's sysfs path, keyboards, root fs\n"
	      "      --listed          only the listed modules\n"
	      "      --sysfs DIR       --hostonly for the machine of this sys tree (default\n"
	      "                        ROOT/sys); needs --root-device\n"
	      "      --root-device MAJ:MIN  the root block device (default: that of ROOT/)\n"
	      "      --rootfs TYPE     the root filesystem type (default on the host: the\n"
	      "                        type ROOT is mounted with)\n"
	      "      --modaliases FILE --hostonly from another machine's modaliases (one a\n"
	      "                        line): its storage and keyboard drivers; with --check,\n"
	      "                        the devices to check\n"
	      "      --explain MODULE  say why MODULE would be in the image (exit 1 if not);\n"
	      "                        writes nothing\n"
	      "      --check IMAGE     with --modaliases: does IMAGE drive every storage\n"
	      "                        device listed? prints what it lacks (exit 1)\n"
	      "      --keep-compressed store modules compressed as in the tree, for kernels\n"
	      "                        with CONFIG_MODULE_DECOMPRESS\n"
	      "\n"
	      "  -b, --root ROOT       read every host path under ROOT (module tree, modprobe.d,\n"
	      "                        modules-load.d, /etc/modules, the config file)\n"
	      "  -k, --kver KVER       kernel version (default: the running kernel)\n"
	      "  -c, --config FILE     mkinitfs configuration (default: ROOT" CONFIG_PATH ")\n"
	      "  -m, --module NAME     put NAME (a module, alias or modalias) and everything it\n"
	      "                        needs in the image and load it at boot; repeatable\n"
	      "  -o, --output FILE     the image (or blob) to write; written to a temporary\n"
	      "                        file in the same folder, synced, then renamed\n"
	      "  -C, --config-dir DIR  read this modprobe.d directory or file instead of the\n"
	      "                        default ones (kmod's modprobe -C); repeatable\n"
	      "      --no-modules-load do not read modules-load.d and /etc/modules\n"
	      "      --compress ALGO   zstd (default), xz, gzip or none\n"
	      "      --level N         compression level (default: zstd 9, xz 6, gzip 9)\n"
	      "      --threads N       compression threads (default: all CPUs)\n"
	      "      --shell FILE      put this static shell (e.g. busybox-static's\n"
	      "                        /bin/busybox) in the image as /bin/sh: offered on a\n"
	      "                        fatal error, and runs install commands\n"
	      "      --loader FILE     the loader binary for /init (default: next to mkinitfs,\n"
	      "                        else " LOADER_PATH ")\n"
	      "      --show-depends    print what modprobe --show-depends prints for each name\n"
	      "      --cmdline STRING  kernel command line for --show-depends (options and\n"
	      "                        modprobe.blacklist=)\n"
	      "      --use-blacklist   with --show-depends: modprobe -b\n"
	      "      --ignore-install  with --show-depends: modprobe -i\n"
	      "      --blob-only       write only the blob; with --all, of the whole tree\n"
	      "      --all             every module of the tree\n"
	      "      --dump-blob FILE  print the blob of a blob file or an image\n"
	      "  -v, --verbose         say what goes in the image and why\n"
	      "  -h, --help            this text\n"
	      "\n"
	      "Environment: SOURCE_DATE_EPOCH sets every file time in the image.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      f);
}

static void add_module(struct options *o, const char *name)
{
	o->modules = xrealloc(o->modules, (o->nmodules + 1) * sizeof(char *));
	o->modules[o->nmodules++] = xstrdup(name);
}

/* where the modules from first on came from (config_read adds without saying) */
static void set_origin(struct options *o, size_t first, const char *origin)
{
	o->module_origin = xrealloc(o->module_origin, (o->nmodules + 1) * sizeof(char *));
	for (size_t i = first; i < o->nmodules; i++)
		o->module_origin[i] = xstrdup(origin);
}

static void set_mode(struct options *o, enum sel_mode m, int *given)
{
	if (*given && o->mode != m) {
		fputs("mkinitfs: --generic, --hostonly and --listed: choose one\n", stderr);
		exit(2);
	}
	o->mode = m;
	*given = 1;
}

static long number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || !*s || v < lo || v > hi) {
		fprintf(stderr, "mkinitfs: %s: expected a number from %ld to %ld, got '%s'\n",
			opt, lo, hi, s);
		exit(2);
	}
	return v;
}

static const char *default_loader(const char *argv0)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 8);

	(void)argv0;
	if (n > 0) {
		buf[n] = 0;
		char *slash = strrchr(buf, '/');

		if (slash) {
			strcpy(slash + 1, "loader");
			if (!access(buf, R_OK))
				return buf;
		}
	}
	return LOADER_PATH;
}

static void add_load(struct session *s, const char *query, unsigned flags, const char *origin)
{
	s->load = xrealloc(s->load, (s->nload + 1) * sizeof(*s->load));
	s->load_origin = xrealloc(s->load_origin, (s->nload + 1) * sizeof(char *));
	s->load[s->nload].query = xstrdup(query);
	s->load[s->nload].flags = flags;
	s->load_origin[s->nload] = xstrdup(origin);
	s->nload++;
}

static void conf_diag(const char *file, unsigned line, const char *msg, void *ctx)
{
	(void)ctx;
	if (line)
		warn("%s:%u: %s", file, line, msg);
	else
		warn("%s: %s", file, msg);
}

/* modules.softdep as depmod would write it, for trees without depmod's files */
static char *pseudo_file(const struct modtree *t, const char *file, const char *key,
			 const char *header)
{
	char *path = root_path(t->moddir, file), *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");

	if (f) {
		char buf[65536];
		size_t n;
		FILE *m = open_memstream(&text, &len);

		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, m);
		fclose(f);
		fclose(m);
		free(path);
		return text;
	}
	free(path);
	if (t->had_depmod)
		return NULL;
	FILE *m = open_memstream(&text, &len);

	fprintf(m, "%s\n", header);
	for (size_t i = 0; i < t->nmods; i++)
		for (size_t k = 0; k < t->mods[i].mi.n; k++)
			if (!strcmp(t->mods[i].mi.kv[k].key, key))
				fprintf(m, "%s %s %s\n", key, t->mods[i].name,
					t->mods[i].mi.kv[k].value);
	fclose(m);
	return text;
}

static void session_open(struct session *s, struct options *o)
{
	char err[512];
	char *softdeps, *weakdeps;
	int r;

	s->opt = o;
	r = modtree_load(o->root, o->kver, &s->tree, err, sizeof(err));
	if (r < 0)
		die("%s", err);
	s->moddir_print = xstrdup(s->tree->moddir);
	softdeps = pseudo_file(s->tree, "/modules.softdep", "softdep",
			       "# Soft dependencies extracted from modules themselves.");
	weakdeps = pseudo_file(s->tree, "/modules.weakdep", "weakdep",
			       "# Weak dependencies extracted from modules themselves.");
	if (o->nconfdirs)
		o->confdirs[o->nconfdirs] = NULL;
	r = conf_load(&s->conf, o->root, o->nconfdirs ? o->confdirs : NULL, softdeps, weakdeps,
		      conf_diag, NULL);
	free(softdeps);
	free(weakdeps);
	if (r < 0)
		die("reading modprobe configuration: %s", strerror(-r));
	for (size_t i = 0; i < o->nmodules; i++)
		add_load(s, o->modules[i], 0, o->module_origin ? o->module_origin[i] : "by -m");
	if (!o->no_modules_load) {
		char **names = NULL, **files = NULL, *origin;
		size_t n = 0;

		r = conf_modules_load_from(o->root, &names, &files, &n, conf_diag, NULL);
		if (r < 0)
			die("reading modules-load.d: %s", strerror(-r));
		for (size_t i = 0; i < n; i++) {
			xasprintf(&origin, "in %s", files[i]);
			add_load(s, names[i], BLOB_L_BLACKLIST, origin);
			free(origin);
			free(names[i]);
			free(files[i]);
		}
		free(names);
		free(files);
	}
	struct blob_spec spec = { s->tree, &s->conf, s->load, s->nload, NULL, s->moddir_print,
				  BLOB_F_TREE, 0 };

	r = build_blob(&spec, &s->tree_blob, &s->tree_blob_len);
	if (r < 0)
		die("building the module database: %s", strerror(-r));
	r = blob_open(&s->blob, s->tree_blob, s->tree_blob_len);
	if (r < 0)
		die("internal error: the blob just built does not read back: %s", strerror(-r));
}

static void session_close(struct session *s)
{
	for (size_t i = 0; i < s->nload; i++) {
		free(s->load[i].query);
		free(s->load_origin[i]);
	}
	free(s->load);
	free(s->load_origin);
	free(s->tree_blob);
	free(s->moddir_print);
	conf_free(&s->conf);
	modtree_free(s->tree);
}

int main(int argc, char **argv)
{
	enum { O_COMPRESS = 256, O_LEVEL, O_THREADS, O_LOADER, O_SHOWDEPS, O_CMDLINE,
	       O_USEBL, O_IGNINST, O_BLOBONLY, O_ALL, O_DUMP, O_NOMODLOAD, O_GENERIC,
	       O_HOSTONLY, O_LISTED, O_SYSFS, O_ROOTDEV, O_ROOTFS, O_MODALIASES, O_EXPLAIN,
	       O_CHECK, O_KEEPCOMP, O_SHELL };
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'b' },
		{ "kver", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'c' },
		{ "module", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "config-dir", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "compress", required_argument, NULL, O_COMPRESS },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "loader", required_argument, NULL, O_LOADER },
		{ "show-depends", no_argument, NULL, O_SHOWDEPS },
		{ "cmdline", required_argument, NULL, O_CMDLINE },
		{ "use-blacklist", no_argument, NULL, O_USEBL },
		{ "ignore-install", no_argument, NULL, O_IGNINST },
		{ "blob-only", no_argument, NULL, O_BLOBONLY },
		{ "all", no_argument, NULL, O_ALL },
		{ "dump-blob", required_argument, NULL, O_DUMP },
		{ "no-modules-load", no_argument, NULL, O_NOMODLOAD },
		{ "generic", no_argument, NULL, O_GENERIC },
		{ "hostonly", no_argument, NULL, O_HOSTONLY },
		{ "listed", no_argument, NULL, O_LISTED },
		{ "sysfs", required_argument, NULL, O_SYSFS },
		{ "root-device", required_argument, NULL, O_ROOTDEV },
		{ "rootfs", required_argument, NULL, O_ROOTFS },
		{ "modaliases", required_argument, NULL, O_MODALIASES },
		{ "explain", required_argument, NULL, O_EXPLAIN },
		{ "check", required_argument, NULL, O_CHECK },
		{ "keep-compressed", no_argument, NULL, O_KEEPCOMP },
		{ "shell", required_argument, NULL, O_SHELL },
		{ 0 }
	};
	struct options o = { .root = "", .img = { .comp = IMG_ZSTD, .level = -1 } };
	struct session s = { 0 };
	const char *dump = NULL;
	int show = 0, mode_given = 0, c, r;
	size_t ncli;
	struct utsname u;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");

	o.confdirs = xcalloc(argc + 1, sizeof(char *));
	while ((c = getopt_long(argc, argv, "b:k:c:m:o:C:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.root = optarg; break;
		case 'k': o.kver = optarg; break;
		case 'c': o.config = optarg; break;
		case 'm': add_module(&o, optarg); break;
		case 'o': o.output = optarg; break;
		case 'C': o.confdirs[o.nconfdirs++] = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case O_COMPRESS:
			if (options_set_compress(&o, optarg) < 0) {
				fprintf(stderr, "mkinitfs: --compress: expected zstd, xz, gzip or none, got '%s'\n", optarg);
				return 2;
			}
			break;
		case O_LEVEL: o.img.level = number("--level", optarg, 0, 22); break;
		case O_THREADS: o.img.threads = number("--threads", optarg, 0, 256); break;
		case O_LOADER: o.loader = optarg; break;
		case O_SHOWDEPS: show = 1; break;
		case O_CMDLINE: o.cmdline = optarg; break;
		case O_USEBL: o.use_blacklist = 1; break;
		case O_IGNINST: o.ignore_install = 1; break;
		case O_BLOBONLY: o.blob_only = 1; break;
		case O_ALL: o.all = 1; break;
		case O_DUMP: dump = optarg; break;
		case O_NOMODLOAD: o.no_modules_load = 1; break;
		case O_GENERIC: set_mode(&o, SEL_GENERIC, &mode_given); break;
		case O_HOSTONLY: set_mode(&o, SEL_HOSTONLY, &mode_given); break;
		case O_LISTED: set_mode(&o, SEL_LISTED, &mode_given); break;
		case O_SYSFS: o.sysfs = optarg; break;
		case O_ROOTDEV: o.root_device = optarg; break;
		case O_ROOTFS: o.rootfs = optarg; break;
		case O_MODALIASES: o.modaliases = optarg; break;
		case O_EXPLAIN: o.explain = optarg; break;
		case O_CHECK: o.check = optarg; break;
		case O_KEEPCOMP: o.keep_compressed = 1; break;
		case O_SHELL: o.shell = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	set_origin(&o, 0, "by -m");
	ncli = o.nmodules;
	if (dump)
		return cmd_dump_blob(dump);
	if (epoch)
		o.img.mtime = number("SOURCE_DATE_EPOCH", epoch, 0, 0x7fffffff);
	if (o.check && !o.kver && o.modaliases)
		o.kver = image_kver(o.check);
	if (!o.kver) {
		if (uname(&u) < 0)
			die("uname: %s", strerror(errno));
		o.kver = xstrdup(u.release);
	}
	if (o.check && !o.modaliases) {
		fputs("mkinitfs: --check IMAGE needs --modaliases FILE\n", stderr);
		return 2;
	}
	if (!o.check && o.mode != SEL_HOSTONLY &&
	    (o.sysfs || o.root_device || o.rootfs || o.modaliases)) {
		fputs("mkinitfs: --sysfs, --root-device, --rootfs and --modaliases describe "
		      "the machine for --hostonly\n", stderr);
		return 2;
	}
	if (o.sysfs && o.modaliases) {
		fputs("mkinitfs: --sysfs or --modaliases: a sys tree or a list, not both\n",
		      stderr);
		return 2;
	}
	if (o.sysfs && !o.root_device) {
		fputs("mkinitfs: --sysfs DIR describes another machine: name its root device "
		      "with --root-device MAJ:MIN\n", stderr);
		return 2;
	}
	if (!show && !o.check && !o.explain && !o.output) {
		fputs("mkinitfs: no output file: use -o IMAGE (see --help)\n", stderr);
		return 2;
	}
	if (show && optind == argc) {
		fputs("mkinitfs: --show-depends needs at least one NAME\n", stderr);
		return 2;
	}
	if (o.check)
		o.no_modules_load = 1;
	if (!show && !o.check) {
		char *cfg = o.config ? xstrdup(o.config) : root_path(o.root, CONFIG_PATH), *origin;

		config_read(&o, cfg, !!o.config);
		xasprintf(&origin, "in the config file %s", cfg);
		set_origin(&o, ncli, origin);
		free(origin);
		free(cfg);
	}
	if (!show && !o.blob_only && !o.loader && !o.explain && !o.check)
		o.loader = default_loader(argv[0]);
	ncli = o.nmodules;
	for (int i = optind; !show && !o.check && i < argc; i++)
		add_module(&o, argv[i]);
	set_origin(&o, ncli, "on the command line");
	session_open(&s, &o);
	if (o.check)
		r = cmd_check(&s, o.check, o.modaliases);
	else if (o.explain)
		r = cmd_explain(&s, o.explain);
	else if (show)
		r = cmd_show_depends(&s, argv + optind, argc - optind);
	else if (o.blob_only && o.all) {
		char err[512];

		r = write_file_atomic(o.output, s.tree_blob, s.tree_blob_len, err, sizeof(err));
		if (r < 0)
			die("%s", err);
	} else
		r = cmd_image(&s);
	session_close(&s);
	for (size_t i = 0; i < o.nmodules; i++) {
		free(o.modules[i]);
		free(o.module_origin[i]);
	}
	free(o.modules);
	free(o.module_origin);
	free(o.confdirs);
	return r;
}

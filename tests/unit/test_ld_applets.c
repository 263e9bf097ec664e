/* SPDX-License-Identifier: MIT */
/* test_ld_applets.c: insmod, rmmod, lsmod, modinfo and modprobe -r against the fake
 * kernel, their output compared with kmod 30's layout (and, for modinfo, with kmod's
 * own modinfo on the same fixture object when it is installed). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets.h"
#include "blob.h"
#include "blob_write.h"
#include "fake.h"
#include "log.h"
#include "tap.h"
#include "troot.h"

#define KVER "6.1.0-test"
#define MODDIR "/lib/modules/" KVER

static char root[256];
static int have_cc, have_kmod;

static void put(const char *rel, const char *data)
{
	troot_put(root, rel, data);
}

static int exists(const char *rel)
{
	return troot_exists(root, rel);
}

/* what one run printed */
static struct {
	int rc;
	char out[65536], err[8192];
	size_t outlen; /* -0 output holds NULs */
} R;

static size_t slurp_fd(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n < 0)
		n = 0;
	buf[n] = 0;
	return n;
}

/* runs fn with argv (NULL-terminated), stdout and stderr captured in R */
static int run_v(int (*fn)(int, char **, char **), char **argv)
{
	int argc = 0, so, se, fo, fe, how;

	while (argv[argc])
		argc++;
	fflush(stdout);
	fo = fileno(tmpfile());
	fe = fileno(tmpfile());
	so = dup(1);
	se = dup(2);
	dup2(fo, 1);
	dup2(fe, 2);
	R.rc = fake_run(fn, argc, argv, &how);
	out_flush();
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	R.outlen = slurp_fd(fo, R.out, sizeof(R.out));
	slurp_fd(fe, R.err, sizeof(R.err));
	close(fo);
	close(fe);
	return R.rc;
}

/* the applets do not write to their argv */
static int run_c(int (*fn)(int, char **, char **), const char *const *args)
{
	char *argv[16];
	int n = 0;

	for (; args[n] && n < 15; n++)
		argv[n] = (char *)args[n];
	argv[n] = NULL;
	return run_v(fn, argv);
}

#define run(fn, ...) run_c(fn, (const char *const[]){ __VA_ARGS__, NULL })

/* kmod's modinfo on a host file: its stdout into buf (the length), stderr into ebuf */
static size_t kmod_modinfo(const char *opts, const char *hostpath, char *buf, size_t len,
			   char *ebuf, size_t elen)
{
	size_t out;
	char cmd[1024], errf[300];
	FILE *p;
	size_t n;

	snprintf(errf, sizeof(errf), "%s/kmod.err", root);
	snprintf(cmd, sizeof(cmd), "modinfo %s '%s' 2>'%s'", opts, hostpath, errf);
	p = popen(cmd, "r");
	out = n = p ? fread(buf, 1, len - 1, p) : 0;
	buf[n] = 0;
	if (p)
		pclose(p);
	p = fopen(errf, "r");
	n = p ? fread(ebuf, 1, elen - 1, p) : 0;
	ebuf[n] = 0;
	if (p)
		fclose(p);
	return out;
}

/* s (len bytes) in place with every occurrence of what removed (kmod prints host
 * paths): the new length */
static size_t without(char *s, size_t len, const char *what)
{
	size_t n = 0, w = strlen(what);

	for (size_t i = 0; i < len;) {
		if (i + w <= len && !memcmp(s + i, what, w)) {
			i += w;
			continue;
		}
		s[n++] = s[i++];
	}
	s[n] = 0;
	return n;
}

/* ---- the fake system ---- */

enum { M_MBCACHE, M_JBD2, M_EXT4, M_SAMPLE, M_DUMMY2, M_CRC, M_UNIX, M_COUNT };

/* mbcache, jbd2, ext4 (needs both; softdep pre: crc-alias), sample and dummy2 (both
 * with the alias pci:v00001234d*; sample has the remove command remove_cmd unless it
 * is NULL), crc32c_generic (alias crc-alias) and the built-in unix (alias net-pf-1) */
static void write_blob(const char *remove_cmd)
{
	struct blob_builder *w = bw_new();
	uint32_t none = BLOB_NONE, deps[2] = { M_MBCACHE, M_JBD2 };
	uint32_t pre = bw_str(w, "crc-alias");
	uint32_t mods[M_COUNT][10] = {
		{ bw_str(w, "mbcache"), bw_str(w, "kernel/fs/mbcache.ko"),
		  bw_str(w, "kernel/fs/mbcache.ko"), 0, 0, none, none, none, none,
		  BLOB_M_IN_IMAGE },
		{ bw_str(w, "jbd2"), bw_str(w, "kernel/fs/jbd2/jbd2.ko.zst"),
		  bw_str(w, "kernel/fs/jbd2/jbd2.ko"), 0, 0, none, none, none, none,
		  BLOB_M_IN_IMAGE },
		{ bw_str(w, "ext4"), bw_str(w, "kernel/fs/ext4/ext4.ko"),
		  bw_str(w, "kernel/fs/ext4/ext4.ko"), bw_list(w, deps, 2), 2, 0, none,
		  none, none, BLOB_M_IN_IMAGE },
		{ bw_str(w, "sample"), bw_str(w, "kernel/misc/sample.ko"),
		  bw_str(w, "kernel/misc/sample.ko"), 0, 0, none, none,
		  remove_cmd ? 0 : none, none, BLOB_M_IN_IMAGE },
		{ bw_str(w, "dummy2"), bw_str(w, "kernel/misc/dummy2.ko"),
		  bw_str(w, "kernel/misc/dummy2.ko"), 0, 0, none, none, none, none,
		  BLOB_M_IN_IMAGE },
		{ bw_str(w, "crc32c_generic"),
		  bw_str(w, "kernel/crypto/crc32c_generic.ko"),
		  bw_str(w, "kernel/crypto/crc32c_generic.ko"), 0, 0, none, none, none,
		  none, BLOB_M_IN_IMAGE },
		{ bw_str(w, "unix"), 0, 0, 0, 0, none, none, none, none, BLOB_M_BUILTIN },
	};
	uint32_t sd[5] = { bw_str(w, "ext4"), bw_list(w, &pre, 1), 1, 0, 0 };
	uint32_t al[][2] = { { bw_str(w, "pci:v00001234d*"), M_SAMPLE },
			     { bw_str(w, "pci:v00001234d*"), M_DUMMY2 },
			     { bw_str(w, "crc_alias"), M_CRC } };
	uint32_t bial[2] = { bw_str(w, "net_pf_1"), M_UNIX };
	uint32_t rm[2] = { bw_str(w, "sample"), bw_str(w, remove_cmd ? remove_cmd : "") };
	uint8_t *data;
	size_t len;
	char p[512];
	FILE *f;

	for (int i = 0; i < M_COUNT; i++)
		bw_rec(w, BLOB_S_MODULES, mods[i], 10);
	bw_rec(w, BLOB_S_SOFTDEP, sd, 5);
	for (int i = 0; i < 3; i++)
		bw_rec(w, BLOB_S_MODALIAS, al[i], 2);
	bw_rec(w, BLOB_S_BIALIAS, bial, 2);
	if (remove_cmd)
		bw_rec(w, BLOB_S_REMOVE, rm, 2);
	if (bw_finish(w, KVER, MODDIR, 0, &data, &len) < 0)
		abort();
	bw_free(w);
	snprintf(p, sizeof(p), "%s/lib/modules/earlymod.blob", root);
	f = fopen(p, "w");
	fwrite(data, 1, len, f);
	fclose(f);
	free(data);
}

/* the .modinfo strings of the fixture, in order ("" are empty strings, which kmod
 * skips), as C string literal bodies */
static const char *const sample_info[] = {
	"license=GPL",
	"",
	"description=two\\nlines",
	"parmtype=debug:int",
	"parm=debug:Debug level",
	"flagonly",
	"averyveryverylongkey=x",
	"key15charsxxxxx=y",
	"",
	"",
	"parm=onlydesc:Only a description",
	"parmtype=onlytype:bool",
	"parm=debug:Debug level again",
	"alias=pci:v00001234d*",
	"alias=sample-alias",
	"depends=",
	"eq=a=b",
	"name=sample",
	"vermagic=6.1.0-test SMP mod_unload ",
	NULL,
};

static const char *const dummy2_info[] = { "license=MIT", "parm=bad", "parmtype=n:uint",
					   "name=dummy2", NULL };

/* a relocatable object whose .modinfo holds info (NULL: no .modinfo at all) */
static int compile(const char *rel, const char *const *info)
{
	char src[512], cmd[1400];
	FILE *f;

	snprintf(src, sizeof(src), "%s/fixture.c", root);
	f = fopen(src, "w");
	if (!f)
		return -1;
	fputs("#define MI(n, s) static const char n[] "
	      "__attribute__((section(\".modinfo\"), used, aligned(1))) = s\n",
	      f);
	for (int i = 0; info && info[i]; i++)
		fprintf(f, "MI(mi%d, \"%s\");\n", i, info[i]);
	fputs("int fixture_fn(void);\nint fixture_fn(void) { return 0; }\n", f);
	fclose(f);
	put(rel, "");
	snprintf(cmd, sizeof(cmd),
		 "${CC:-cc} -c -O0 -fno-toplevel-reorder -fno-asynchronous-unwind-tables "
		 "-o '%s/%s' '%s' 2>/dev/null",
		 root, rel, src);
	return system(cmd) == 0 ? 0 : -1;
}

static void setup(const char *remove_cmd)
{
	troot_fresh(root, "test_ld_applets");
	put("sys/module/", "");
	put("proc/", "");
	put("lib/modules/" KVER "/kernel/fs/mbcache.ko", "depends=\n");
	put("lib/modules/" KVER "/kernel/fs/jbd2/jbd2.ko", "depends=\n");
	put("lib/modules/" KVER "/kernel/fs/ext4/ext4.ko", "depends=mbcache,jbd2\n");
	put("lib/modules/" KVER "/kernel/crypto/crc32c_generic.ko", "depends=\n");
	write_blob(remove_cmd);
	if (have_cc) {
		have_cc =
			compile("lib/modules/" KVER "/kernel/misc/sample.ko",
				sample_info) == 0 &&
			compile("lib/modules/" KVER "/kernel/misc/dummy2.ko",
				dummy2_info) == 0 &&
			compile("lib/modules/" KVER "/kernel/misc/noinfo.ko", NULL) == 0;
	}
}

/* holder uses name: the kernel's holders/ symlink */
static void add_holder(const char *name, const char *holder)
{
	char t[256], full[600];

	snprintf(t, sizeof(t), "../../%s", holder);
	snprintf(full, sizeof(full), "%s/sys/module/%s/holders/%s", root, name, holder);
	if (symlink(t, full) < 0)
		abort();
}

/* a loaded module as sysfs shows it: initstate, refcnt, holders */
static void loaded(const char *name, int refcnt, const char *const *holders)
{
	char p[256], v[16];

	snprintf(p, sizeof(p), "sys/module/%s/initstate", name);
	put(p, "live\n");
	snprintf(p, sizeof(p), "sys/module/%s/refcnt", name);
	snprintf(v, sizeof(v), "%d\n", refcnt);
	put(p, v);
	snprintf(p, sizeof(p), "sys/module/%s/holders/", name);
	put(p, "");
	for (int i = 0; holders && holders[i]; i++)
		add_holder(name, holders[i]);
}

/* ---- insmod ---- */

static void test_insmod(void)
{
	setup(NULL);
	run(insmod_main, "insmod", MODDIR "/kernel/fs/mbcache.ko", "a=1", "b=x y");
	is_int(R.rc, 0, "insmod: exit 0");
	is_str(fake_effects(), "finit_module mbcache params='a=1 b=x y' flags=0\n",
	       "insmod: finit_module with the parameters joined by spaces, unquoted");
	ok(exists("sys/module/mbcache/initstate"), "insmod: the module is live");

	run(insmod_main, "insmod", MODDIR "/kernel/fs/mbcache.ko");
	is_int(R.rc, 1, "insmod twice: exit 1");
	is_str(R.err,
	       "insmod: ERROR: could not insert module " MODDIR
	       "/kernel/fs/mbcache.ko: Module already in kernel\n",
	       "insmod twice: EEXIST in words");

	run(insmod_main, "insmod", MODDIR "/kernel/fs/ext4/ext4.ko");
	is_int(R.rc, 1, "insmod without its dependencies: exit 1");
	is_str(R.err,
	       "insmod: ERROR: could not insert module " MODDIR
	       "/kernel/fs/ext4/ext4.ko: Unknown symbol in module, or unknown parameter "
	       "(see dmesg)\n",
	       "insmod: ENOENT is an unknown symbol");

	fake_module_error("jbd2", -ENOEXEC);
	run(insmod_main, "insmod", MODDIR "/kernel/fs/jbd2/jbd2.ko");
	is_str(R.err,
	       "insmod: ERROR: could not insert module " MODDIR
	       "/kernel/fs/jbd2/jbd2.ko: Invalid module format (built for another "
	       "kernel?)\n",
	       "insmod: ENOEXEC in words");

	run(insmod_main, "insmod", "/nowhere/x.ko");
	is_int(R.rc, 1, "insmod of a missing file: exit 1");
	is_str(R.err,
	       "insmod: ERROR: could not load module /nowhere/x.ko: No such file or "
	       "directory\n",
	       "insmod: a missing file");

	run(insmod_main, "insmod");
	is_str(R.err, "insmod: ERROR: missing filename.\n", "insmod: no file");
	is_int(R.rc, 1, "insmod: no file: exit 1");

	put("lib/modules/" KVER "/kernel/misc/f-orce.ko", "depends=\n");
	run(insmod_main, "insmod", "-f", MODDIR "/kernel/misc/f-orce.ko");
	ok(has(fake_effects(), "finit_module f_orce params='' flags=3\n"),
	   "insmod -f: ignore modversions and vermagic; the name from the file, dashes "
	   "normalized");

	put("lib/modules/" KVER "/kernel/misc/zipped.ko.gz", "\x1f\x8b\x08 not really\n");
	run(insmod_main, "insmod", MODDIR "/kernel/misc/zipped.ko.gz");
	ok(has(fake_effects(), "finit_module zipped params='' flags=4\n"),
	   "insmod: a compressed file goes to the kernel with "
	   "MODULE_INIT_COMPRESSED_FILE");
}

/* ---- rmmod ---- */

static void test_rmmod(void)
{
	static const char *const ext4[] = { "ext4", NULL };

	setup(NULL);
	loaded("ext4", 0, NULL);
	loaded("mbcache", 1, ext4);
	loaded("jbd2", 1, ext4);

	run(rmmod_main, "rmmod", "mbcache");
	is_int(R.rc, 1, "rmmod of a held module: exit 1");
	is_str(R.err, "rmmod: ERROR: Module mbcache is in use by: ext4\n",
	       "rmmod: names the holders");
	is_str(fake_effects(), "", "rmmod: nothing removed");

	run(rmmod_main, "rmmod", "ext4");
	is_int(R.rc, 0, "rmmod ext4: exit 0");
	is_str(fake_effects(), "delete_module ext4 flags=2048\n",
	       "rmmod: delete_module with O_NONBLOCK");
	ok(!exists("sys/module/ext4"), "rmmod: the module's sysfs directory is gone");
	ok(!exists("sys/module/mbcache/holders/ext4"), "rmmod: its holds are dropped");

	run(rmmod_main, "rmmod", MODDIR "/kernel/fs/mbcache.ko", "jbd2");
	is_int(R.rc, 0, "rmmod PATH NAME: exit 0");
	ok(has(fake_effects(), "delete_module mbcache flags=2048\ndelete_module jbd2 "
			       "flags=2048\n"),
	   "rmmod: a path stands for its module; several at once");

	run(rmmod_main, "rmmod", "ext4");
	is_int(R.rc, 1, "rmmod of a module not loaded: exit 1");
	is_str(R.err, "rmmod: ERROR: Module ext4 is not currently loaded\n",
	       "rmmod: not loaded");

	run(rmmod_main, "rmmod", "unix");
	is_str(R.err, "rmmod: ERROR: Module unix is builtin.\n",
	       "rmmod: built-in by the blob");
	put("sys/module/vt/parameters/", "");
	run(rmmod_main, "rmmod", "vt");
	is_str(R.err, "rmmod: ERROR: Module vt is builtin.\n",
	       "rmmod: built-in by sysfs (a directory without initstate)");

	loaded("virtio_blk", 2, NULL);
	run(rmmod_main, "rmmod", "virtio-blk");
	is_str(R.err, "rmmod: ERROR: Module virtio_blk is in use\n",
	       "rmmod: dashes normalized; in use by a count, without holders");
	is_int(R.rc, 1, "rmmod of a used module: exit 1");

	run(rmmod_main, "rmmod", "-f", "virtio_blk");
	is_int(R.rc, 0, "rmmod -f: exit 0");
	ok(has(fake_effects(), "delete_module virtio_blk flags=2560\n"),
	   "rmmod -f: skips the checks, adds O_TRUNC");

	{
		static const char *const two[] = { "a_user", "b_user", NULL };
		char want[512], p[512];
		struct dirent *e;
		DIR *d;

		loaded("shared", 2, two);
		/* the holders in directory order, as the applet reads them */
		snprintf(want, sizeof(want), "rmmod: ERROR: Module shared is in use by:");
		snprintf(p, sizeof(p), "%s/sys/module/shared/holders", root);
		d = opendir(p);
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.') {
				strcat(want, " ");
				strcat(want, e->d_name);
			}
		if (d)
			closedir(d);
		strcat(want, "\n");
		run(rmmod_main, "rmmod", "shared");
		is_str(R.err, want, "rmmod: every holder, space-separated");
		run(rmmod_main, "rmmod", "-f", "shared");
		ok(has(R.err, "rmmod: ERROR: Module shared is in use by:"),
		   "rmmod -f with holders: the kernel refuses, the holders are named");
	}

	run(rmmod_main, "rmmod");
	is_str(R.err, "rmmod: ERROR: missing module name.\n", "rmmod: no name");
}

/* ---- lsmod ---- */

static void test_lsmod(void)
{
	static const char *const ext4[] = { "ext4", NULL };
	static const char *const two[] = { "ext4", "ocfs2", NULL };
	char want[4096], line[256], p[512];
	struct dirent *e;
	DIR *d;

	setup(NULL);
	put("proc/modules",
	    "ext4 1056768 0 - Live 0x0000000000000000\n"
	    "mbcache 16384 2 ext4,ocfs2, Live 0x0000000000000000\n"
	    "jbd2 192512 1 ext4, Live 0x0000000000000000\n"
	    "a_module_with_a_long_name 123456789 0 - Live 0x0000000000000000\n"
	    "crc16 16384 1 ext4, Live 0x0000000000000000");
	loaded("ext4", 0, NULL);
	loaded("mbcache", 2, two);
	loaded("jbd2", 1, ext4);
	loaded("a_module_with_a_long_name", 0, NULL);
	/* kmod's printf layout, the holders in directory order */
	strcpy(want, "Module                  Size  Used by\n");
	snprintf(line, sizeof(line), "%-19s %8lu  %d\n", "ext4", 1056768ul, 0);
	strcat(want, line);
	snprintf(line, sizeof(line), "%-19s %8lu  %d", "mbcache", 16384ul, 2);
	strcat(want, line);
	snprintf(p, sizeof(p), "%s/sys/module/mbcache/holders", root);
	d = opendir(p);
	for (int first = 1; d && (e = readdir(d));)
		if (e->d_name[0] != '.') {
			strcat(want, first ? " " : ",");
			strcat(want, e->d_name);
			first = 0;
		}
	closedir(d);
	strcat(want, "\n");
	snprintf(line, sizeof(line), "%-19s %8lu  %d ext4\n", "jbd2", 192512ul, 1);
	strcat(want, line);
	snprintf(line, sizeof(line), "%-19s %8lu  %d\n", "a_module_with_a_long_name",
		 123456789ul, 0);
	strcat(want, line);
	snprintf(line, sizeof(line), "%-19s %8lu  %d\n", "crc16", 16384ul, 1);
	strcat(want, line);
	run(lsmod_main, "lsmod");
	is_int(R.rc, 0, "lsmod: exit 0");
	is_str(R.out, want,
	       "lsmod: kmod's layout, holders from sysfs, the last line "
	       "without a newline too");

	{
		/* a line longer than the applet's buffer: its first words still count */
		static char big[12000];
		size_t n;

		strcpy(big, "huge 4096 300 ");
		n = strlen(big);
		for (int i = 0; n < sizeof(big) - 100; i++)
			n += snprintf(big + n, sizeof(big) - n, "user%d,", i);
		strcat(big, " Live 0x0\nsmall 8192 0 - Live 0x0\n");
		put("proc/modules", big);
		run(lsmod_main, "lsmod");
		snprintf(want, sizeof(want),
			 "Module                  Size  Used by\n%-19s %8lu  %d\n%-19s "
			 "%8lu  %d\n",
			 "huge", 4096ul, 300, "small", 8192ul, 0);
		is_str(R.out, want, "lsmod: an over-long /proc/modules line");
	}

	unlink(strcat(strcpy(p, root), "/proc/modules"));
	run(lsmod_main, "lsmod");
	is_int(R.rc, 1, "lsmod without /proc/modules: exit 1");
	is_str(R.err, "Error: could not get list of modules: No such file or directory\n",
	       "lsmod without /proc/modules: kmod's message");
}

/* ---- modinfo ---- */

static const char sample_want[] = "filename:       " MODDIR "/kernel/misc/sample.ko\n"
				  "license:        GPL\n"
				  "description:    two\nlines\n"
				  "flagonly:       \n"
				  "averyveryverylongkey:     x\n"
				  "key15charsxxxxx:y\n"
				  "alias:          pci:v00001234d*\n"
				  "alias:          sample-alias\n"
				  "depends:        \n"
				  "eq:             a=b\n"
				  "name:           sample\n"
				  "vermagic:       6.1.0-test SMP mod_unload \n"
				  "parm:           onlytype:bool\n"
				  "parm:           onlydesc:Only a description\n"
				  "parm:           debug:Debug level again (int)\n";

/* our modinfo on the fixture (by path) against kmod's, for one set of options */
static void versus_kmod(const char *opt, const char *rel)
{
	static char kout[65536], kerr[8192];
	char fake_path[512], host_path[600];
	char *argv[5];
	int argc = 0;
	size_t klen;

	snprintf(fake_path, sizeof(fake_path), "/%s", rel);
	snprintf(host_path, sizeof(host_path), "%s/%s", root, rel);
	klen = kmod_modinfo(opt, host_path, kout, sizeof(kout), kerr, sizeof(kerr));
	argv[argc++] = (char *)"modinfo";
	if (*opt)
		argv[argc++] = (char *)opt;
	argv[argc++] = fake_path;
	argv[argc] = NULL;
	run_v(modinfo_main, argv);
	/* kmod prints the host path, ours the image's */
	klen = without(kout, klen, root);
	if (!ok(klen > 0 && klen == R.outlen && !memcmp(R.out, kout, klen),
		"modinfo %s %s: stdout as kmod's", opt, rel))
		printf("# ours:\n%s# kmod's:\n%s", R.out, kout);
	is_str(R.err, kerr, "modinfo %s %s: stderr as kmod's", opt, rel);
}

static void test_modinfo(void)
{
	setup(NULL);
	if (!have_cc) {
		ok(1, "# SKIP modinfo: no C compiler for the fixture");
		return;
	}
	run(modinfo_main, "modinfo", "sample");
	is_int(R.rc, 0, "modinfo NAME: exit 0");
	is_str(R.out, sample_want,
	       "modinfo NAME: kmod's layout, parm folded last, reversed");
	is_str(R.err, "", "modinfo NAME: nothing on stderr");

	run(modinfo_main, "modinfo", MODDIR "/kernel/misc/sample.ko");
	is_str(R.out, sample_want, "modinfo PATH: the same");

	run(modinfo_main, "modinfo", "-F", "alias", "sample");
	is_str(R.out, "pci:v00001234d*\nsample-alias\n", "modinfo -F: values only");
	run(modinfo_main, "modinfo", "-F", "parm", "sample");
	is_str(R.out,
	       "onlytype: (bool)\nonlydesc:Only a description\ndebug:Debug level again "
	       "(int)\n",
	       "modinfo -F parm: kmod's parameter layout");
	run(modinfo_main, "modinfo", "-p", "sample");
	is_str(R.out,
	       "onlytype: (bool)\nonlydesc:Only a description\ndebug:Debug level again "
	       "(int)\n",
	       "modinfo -p is -F parm");
	run(modinfo_main, "modinfo", "-d", "sample");
	is_str(R.out, "two\nlines\n", "modinfo -d: the description");
	run(modinfo_main, "modinfo", "-F", "filename", "sample");
	is_str(R.out, MODDIR "/kernel/misc/sample.ko\n", "modinfo -F filename");
	run(modinfo_main, "modinfo", "-F", "parmtype", "sample");
	is_str(R.out, "debug:int\nonlytype:bool\n", "modinfo -F parmtype: raw values");
	run(modinfo_main, "modinfo", "-0", "-F", "license", "sample");
	ok(!memcmp(R.out, "GPL\0", 4), "modinfo -0 -F: NUL-terminated values");
	run(modinfo_main, "modinfo", "-0", "sample");
	ok(!memcmp(R.out,
		   "filename:       " MODDIR "/kernel/misc/sample.ko\0license=GPL\0",
		   sizeof("filename:       " MODDIR
			  "/kernel/misc/sample.ko\0license=GPL")),
	   "modinfo -0: key=value with NULs after the filename line");

	run(modinfo_main, "modinfo", "unix");
	is_str(R.out, "name:           unix\nfilename:       (builtin)\n",
	       "modinfo of a built-in: name and filename only");
	is_int(R.rc, 0, "modinfo of a built-in: exit 0");
	run(modinfo_main, "modinfo", "net-pf-1");
	is_str(R.out, "name:           unix\nfilename:       (builtin)\n",
	       "modinfo of a built-in's alias, dashes normalized");
	run(modinfo_main, "modinfo", "-F", "filename", "unix");
	is_str(R.out, "(builtin)\n", "modinfo -F filename of a built-in");
	run(modinfo_main, "modinfo", "-F", "name", "unix");
	is_str(R.out, "unix\n", "modinfo -F name of a built-in");

	run(modinfo_main, "modinfo",
	    "pci:v00001234d00005678sv00000000sd00000000bc02sc00i00");
	ok(!strncmp(R.out, sample_want, strlen(sample_want)) &&
		   !strcmp(R.out + strlen(sample_want),
			   "filename:       " MODDIR "/kernel/misc/dummy2.ko\n"
			   "license:        MIT\nname:           dummy2\nparm:           "
			   "n:uint\n"),
	   "modinfo ALIAS: every module the alias matches, in order");
	is_str(R.err, "modinfo: ERROR: Found invalid \"parm=bad\": missing ':'\n",
	       "modinfo: a parm without ':' is reported");

	run(modinfo_main, "modinfo", "nosuch", "sample");
	is_int(R.rc, 1, "modinfo of a missing module: exit 1");
	is_str(R.err, "modinfo: ERROR: Module nosuch not found.\n",
	       "modinfo: not found, kmod's words");
	ok(has(R.out, "name:           sample\n"), "modinfo: goes on with the next name");

	run(modinfo_main, "modinfo", "-k", "5.10.0-other", "sample");
	is_str(R.err, "modinfo: ERROR: Module sample not found.\n",
	       "modinfo -k of another kernel: not found");
	run(modinfo_main, "modinfo", "-k", KVER, "sample");
	is_str(R.out, sample_want, "modinfo -k of the image's kernel");

	run(modinfo_main, "modinfo", "ext4");
	is_int(R.rc, 1, "modinfo of a file that is not ELF: exit 1");
	is_str(R.out, "filename:       " MODDIR "/kernel/fs/ext4/ext4.ko\n",
	       "modinfo of a file that is not ELF: the filename first");
	is_str(R.err,
	       "modinfo: ERROR: could not get modinfo from 'ext4': Exec format error\n",
	       "modinfo of a file that is not ELF: kmod's error");
	run(modinfo_main, "modinfo", "-F", "license", "crc_alias");
	is_str(R.err,
	       "modinfo: ERROR: could not get modinfo from 'crc32c_generic': Exec "
	       "format error\n",
	       "modinfo ALIAS -F: the module's file is read");

	run(modinfo_main, "modinfo", "--blob", "/nowhere.blob", "sample");
	is_int(R.rc, 1, "modinfo --blob missing: exit 1");
	is_str(R.err,
	       "modinfo: ERROR: cannot read the module database /nowhere.blob: No such "
	       "file "
	       "or directory\n",
	       "modinfo --blob missing: said");
	run(modinfo_main, "modinfo");
	is_str(R.err, "modinfo: ERROR: missing module or filename.\n",
	       "modinfo: no name");

	if (!have_kmod) {
		ok(1, "# SKIP kmod's modinfo is not installed");
		return;
	}
	versus_kmod("", "lib/modules/" KVER "/kernel/misc/sample.ko");
	versus_kmod("-0", "lib/modules/" KVER "/kernel/misc/sample.ko");
	versus_kmod("-p", "lib/modules/" KVER "/kernel/misc/sample.ko");
	versus_kmod("-d", "lib/modules/" KVER "/kernel/misc/sample.ko");
	versus_kmod("", "lib/modules/" KVER "/kernel/misc/dummy2.ko");
	versus_kmod("", "lib/modules/" KVER "/kernel/misc/noinfo.ko");
	versus_kmod("", "lib/modules/" KVER "/kernel/fs/ext4/ext4.ko");
}

/* ---- modprobe -r ---- */

static void ext4_loaded(void)
{
	static const char *const ext4[] = { "ext4", NULL };

	loaded("ext4", 0, NULL);
	loaded("mbcache", 1, ext4);
	loaded("jbd2", 1, ext4);
	loaded("crc32c_generic", 0, NULL);
}

static void test_modprobe_r(void)
{
	setup(NULL);
	ext4_loaded();
	run(modprobe_main, "modprobe", "-r", "-v", "ext4");
	is_int(R.rc, 0, "modprobe -r ext4: exit 0");
	is_str(fake_effects(),
	       "delete_module ext4 flags=2048\n"
	       "delete_module jbd2 flags=2048\n"
	       "delete_module mbcache flags=2048\n"
	       "delete_module crc32c_generic flags=2048\n",
	       "modprobe -r: the module, its unused dependencies (modules.dep order), "
	       "then "
	       "its pre softdep");
	is_str(R.out, "rmmod ext4\nrmmod jbd2\nrmmod mbcache\nrmmod crc32c_generic\n",
	       "modprobe -r -v: kmod's lines");

	setup(NULL);
	ext4_loaded();
	loaded("ocfs2", 0, NULL);
	put("sys/module/mbcache/refcnt", "2\n");
	add_holder("mbcache", "ocfs2");
	run(modprobe_main, "modprobe", "-r", "ext4");
	is_str(fake_effects(),
	       "delete_module ext4 flags=2048\n"
	       "delete_module jbd2 flags=2048\n"
	       "delete_module crc32c_generic flags=2048\n",
	       "modprobe -r: a dependency still used by another module stays");
	is_str(R.out, "", "modprobe -r: silent without -v");

	run(modprobe_main, "modprobe", "-r", "mbcache");
	is_int(R.rc, 1, "modprobe -r of a used module: exit 1");
	is_str(R.err, "modprobe: FATAL: Module mbcache is in use.\n",
	       "modprobe -r of a used module: kmod's message");

	run(modprobe_main, "modprobe", "-r", "ext4");
	is_int(R.rc, 0, "modprobe -r of a module not loaded: exit 0, as kmod 30");
	is_str(R.err, "", "modprobe -r of a module not loaded: silent");
	run(modprobe_main, "modprobe", "-r", "--first-time", "ext4");
	is_int(R.rc, 1, "modprobe -r --first-time of a module not loaded: exit 1");
	is_str(R.err, "modprobe: FATAL: Module ext4 is not in kernel.\n",
	       "modprobe -r --first-time: kmod's message");

	run(modprobe_main, "modprobe", "-r", "nosuch");
	is_int(R.rc, 1, "modprobe -r of an unknown name: exit 1");
	is_str(R.err, "modprobe: FATAL: Module nosuch not found.\n",
	       "modprobe -r of an unknown name: kmod's message");

	run(modprobe_main, "modprobe", "-r", "unix");
	is_int(R.rc, 1, "modprobe -r of a built-in: exit 1");
	is_str(R.err, "modprobe: FATAL: Module unix is builtin.\n",
	       "modprobe -r of a built-in: kmod's message");

	loaded("dummy2", 0, NULL);
	run(modprobe_main, "modprobe", "-r", "-n", "-v", "dummy2");
	is_str(R.out, "rmmod dummy2\n", "modprobe -r -n -v: prints");
	ok(exists("sys/module/dummy2/initstate") &&
		   !has(fake_effects(), "delete_module dummy2"),
	   "modprobe -r -n: removes nothing");

	setup("/bin/true");
	loaded("sample", 0, NULL);
	run(modprobe_main, "modprobe", "-r", "-v", "sample");
	is_int(R.rc, 0, "modprobe -r with remove /bin/true: exit 0");
	is_str(R.out, "remove /bin/true\n", "modprobe -r -v: the remove command");
	is_str(fake_effects(), "", "modprobe -r with remove /bin/true: nothing removed");
	run(modprobe_main, "modprobe", "-r", "-i", "sample");
	is_str(fake_effects(), "delete_module sample flags=2048\n",
	       "modprobe -r -i: remove commands ignored");

	setup("/bin/false");
	loaded("sample", 0, NULL);
	run(modprobe_main, "modprobe", "-r", "sample");
	is_int(R.rc, 1, "modprobe -r with remove /bin/false: exit 1");
	is_str(R.err, "modprobe: FATAL: Error running remove command for sample\n",
	       "modprobe -r with remove /bin/false: kmod's message");
	ok(exists("sys/module/sample/initstate"),
	   "modprobe -r with remove /bin/false: kept");

	setup("echo bye");
	loaded("sample", 0, NULL);
	run(modprobe_main, "modprobe", "-r", "sample");
	is_str(fake_effects(), "delete_module sample flags=2048\n",
	       "modprobe -r, a remove command and no shell: the module is removed "
	       "instead");
	ok(has(R.err, "needs a shell"), "modprobe -r, no shell: said");
	put("bin/sh", "#!shell\n");
	loaded("sample", 0, NULL);
	run(modprobe_main, "modprobe", "-r", "sample");
	ok(has(fake_effects(), "spawn /bin/sh [/bin/sh -c echo bye]\n") &&
		   !has(fake_effects(), "delete_module sample flags=2048\ndelete_module"),
	   "modprobe -r: a remove command runs with the shell");
	is_int(R.rc, 0, "modprobe -r: the command succeeded: exit 0");
	fake_set_spawn_status(3);
	run(modprobe_main, "modprobe", "-r", "sample");
	is_int(R.rc, 1, "modprobe -r: the command failed: exit 1");
	is_str(R.err, "modprobe: FATAL: Error running remove command for sample\n",
	       "modprobe -r: the command failed: said");

	run(modprobe_main, "modprobe", "-r", "-q", "nosuch");
	is_int(R.rc, 1, "modprobe -r -q of an unknown name: exit 1");
	is_str(R.err, "", "modprobe -r -q: no message");

	setup(NULL);
	ext4_loaded();
	run(modprobe_main, "modprobe", "-r", "-a", "crc-alias", "jbd2");
	is_str(fake_effects(), "delete_module crc32c_generic flags=2048\n",
	       "modprobe -r ALIAS: the module it resolves to");
	is_str(R.err, "modprobe: FATAL: Module jbd2 is in use.\n",
	       "modprobe -r several: each in turn");
	is_int(R.rc, 1, "modprobe -r several: exit 1 when one fails");
}

int main(void)
{
	have_cc = system("${CC:-cc} --version >/dev/null 2>&1") == 0;
	have_kmod = system("modinfo --version 2>/dev/null | grep -q kmod") == 0;
	test_insmod();
	test_rmmod();
	test_lsmod();
	test_modinfo();
	test_modprobe_r();
	if (troot_remove(root) < 0)
		return 1;
	return done_testing();
}

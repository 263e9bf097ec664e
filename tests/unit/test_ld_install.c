/* SPDX-License-Identifier: MIT */
/* test_ld_install.c: install commands at load time (kmod-semantics.md 2.5): the ones
 * done without a shell (/bin/true, true, :, /bin/false, false, the
 * "modprobe --ignore-install NAME $CMDLINE_OPTS" wrapper), any other through /bin/sh
 * when the image has one, "softdep beats install", and a blocked dependency stopping
 * its user; all against the fake kernel. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets.h"
#include "blob.h"
#include "blob_write.h"
#include "fake.h"
#include "load.h"
#include "log.h"
#include "tap.h"
#include "sys.h"
#include "troot.h"

#define KVER "6.1.0-test"

static char root[256];

enum { MBCACHE, JBD2, EXT4, MII, E1000, SND, XFS, CRC16, NMOD };

static void write_blob(void)
{
	static const char *const names[NMOD] = { "mbcache", "jbd2", "ext4", "mii", "e1000",
						 "snd_dummy", "xfs", "crc16" };
	/* INSTALL records, and which module's first match each is */
	static const char *const inst[][2] = {
		{ "e1000", "/bin/true" },
		{ "jbd2", "/bin/false" },
		{ "mii", "/sbin/modprobe --ignore-install mii $CMDLINE_OPTS; echo done" },
		{ "snd*", "logger -t snd loaded" },
		{ "xfs", "/bin/true" },
	};
	static const uint32_t inst_of[NMOD] = { BLOB_NONE, 1, BLOB_NONE, 2, 0, 3, 4, BLOB_NONE };
	struct blob_builder *w = bw_new();
	uint32_t deps[2] = { MBCACHE, JBD2 }, pre;
	uint8_t *data;
	size_t len;
	char path[320];
	FILE *f;

	for (int i = 0; i < NMOD; i++) {
		snprintf(path, sizeof(path), "kernel/%s.ko", names[i]);
		uint32_t rec[10] = { bw_str(w, names[i]), bw_str(w, path), bw_str(w, path),
				     i == EXT4 ? bw_list(w, deps, 2) : 0, i == EXT4 ? 2 : 0,
				     i == XFS ? 0 : BLOB_NONE, inst_of[i], BLOB_NONE,
				     BLOB_NONE, BLOB_M_IN_IMAGE };

		bw_rec(w, BLOB_S_MODULES, rec, 10);
		snprintf(path, sizeof(path), "lib/modules/" KVER "/kernel/%s.ko", names[i]);
		troot_put(root, path, i == EXT4 ? "depends=mbcache,jbd2\n" : "depends=\n");
	}
	for (size_t i = 0; i < sizeof(inst) / sizeof(inst[0]); i++) {
		uint32_t rec[2] = { bw_str(w, inst[i][0]), bw_str(w, inst[i][1]) };

		bw_rec(w, BLOB_S_INSTALL, rec, 2);
	}
	uint32_t opt[2] = { bw_str(w, "mii"), bw_str(w, "x=1") };

	bw_rec(w, BLOB_S_OPTIONS, opt, 2);
	pre = bw_str(w, "crc16");
	uint32_t sd[5] = { bw_str(w, "xfs"), bw_list(w, &pre, 1), 1, 0, 0 };

	bw_rec(w, BLOB_S_SOFTDEP, sd, 5);
	if (bw_finish(w, KVER, "/lib/modules/" KVER, 0, &data, &len) < 0)
		abort();
	bw_free(w);
	snprintf(path, sizeof(path), "%s/lib/modules/earlymod.blob", root);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
	free(data);
}

static struct blob b;
static struct loader ld;

static void setup(int shell)
{
	troot_fresh(root, "test_ld_install");
	troot_put(root, "sys/module/", "");
	if (shell)
		troot_put(root, "bin/sh", "#!fake shell\n");
	write_blob();
	if (blob_map(BLOB_IMAGE_PATH, &b) < 0)
		abort();
	/* messages to the fake kmsg, where the tests read them */
	log_init(sys_open("/dev/kmsg", O_WRONLY, 0), -1, LOG_DEBUG);
	ld_init(&ld, &b, "");
	ld.have_shell = shell;
}

static int probe(const char *name)
{
	return ld_modprobe(&ld, name, NULL);
}

int main(void)
{
	int r;

	setup(0);
	is_int(probe("e1000"), 0, "install e1000 /bin/true: success");
	ok(!has(fake_effects(), "finit_module e1000"), "and nothing inserted");

	r = probe("ext4");
	ok(r < 0, "install jbd2 /bin/false: loading ext4 fails (%d)", r);
	ok(!has(fake_effects(), "finit_module jbd2"), "jbd2 is blocked");
	ok(!has(fake_effects(), "finit_module ext4"), "and its user ext4 is not inserted");
	ok(has(fake_kmsg(), "jbd2 blocked by its install command '/bin/false'"),
	   "the block is explained");

	is_int(probe("mii"), 0, "the --ignore-install wrapper, without a shell");
	/* kmod too: the config's options, then $CMDLINE_OPTS as modprobe's arguments */
	is_int(count(fake_effects(), "finit_module mii params='x=1 x=1' flags=0\n"), 1,
	       "inserts mii once, with its options and $CMDLINE_OPTS, as kmod");
	ok(!has(fake_effects(), "spawn"), "no shell was run");

	is_int(probe("xfs"), 0, "install xfs /bin/true, but xfs has a softdep");
	ok(has(fake_effects(), "finit_module crc16 params='' flags=0\n"
			       "finit_module xfs params='' flags=0\n"),
	   "softdep beats install: crc16, then xfs inserted");

	is_int(probe("snd_dummy"), 0, "another command and no shell in the image");
	ok(has(fake_effects(), "finit_module snd_dummy"), "loads the module instead");
	ok(has(fake_kmsg(), "install command for snd_dummy needs a shell"), "and says so");

	setup(1);
	is_int(probe("snd_dummy"), 0, "with /bin/sh in the image");
	ok(has(fake_effects(), "spawn /bin/sh [/bin/sh -c logger -t snd loaded]"),
	   "the command runs through it");
	ok(!has(fake_effects(), "finit_module snd_dummy"), "and nothing is inserted");
	fake_set_spawn_status(3);
	ok(probe("snd_dummy") < 0, "a failing command fails the load");
	ok(has(fake_kmsg(), "Error running install command 'logger -t snd loaded' for module "
			    "snd_dummy: retcode 3"),
	   "with kmod's message");
	if (troot_remove(root) < 0)
		return 1;
	return done_testing();
}

/* SPDX-License-Identifier: MIT */
/* load.h: loading modules from the image, as modprobe would, through the seam. */
#ifndef EARLYMOD_LOAD_H
#define EARLYMOD_LOAD_H

#include "blob.h"
#include "resolve.h"

struct loader {
	const struct blob *b;
	const char *cmdline;      /* the kernel's, for MOD.param= and modprobe.blacklist= */
	unsigned flags;           /* RES_* for every request */
	int dry_run, verbose;     /* modprobe -n, -v: print the actions */
	int show_depends;         /* modprobe -D: print, ignore what is loaded */
	int quiet;                /* modprobe -q: no "not found" message */
	const char *prog;         /* an applet's name ("modprobe"): messages as kmod's
				   * tools print them on stderr; NULL at boot (kmsg) */
	int have_shell;           /* /bin/sh exists: run other install commands with it */
	int missing;              /* set when a query found no module, or needed one
				   * that is not in the image; the caller clears it */
	const char *why;          /* the modalias being loaded for, in the debug log */
	char blacklisted[64];     /* the last result the blacklist dropped; the caller
				   * clears it */
	char kcomp[8];            /* /sys/module/compression ("zstd"), read when a
				   * module file is compressed; "-" without one, ""
				   * not read yet */
	unsigned comp_said;       /* compressed modules refused so far */
	unsigned nloaded, nfailed;
	unsigned nentries;        /* load list entries performed or printed */
	uint8_t loaded[BLOB_MAX_MODULES / 8];
};

void ld_init(struct loader *ld, const struct blob *b, const char *cmdline);
/* modprobe QUERY with extra options for the top module (or NULL):
 * 0, -ENOENT (not found: already reported unless quiet), or -errno.
 * A module file ending in .zst, .xz or .gz goes to the kernel with
 * MODULE_INIT_COMPRESSED_FILE when /sys/module/compression names that compression
 * (Linux 6.4+ with CONFIG_MODULE_DECOMPRESS); otherwise it fails with a message
 * saying so rather than the kernel's bare ENOEXEC. */
int ld_modprobe(struct loader *ld, const char *query, const char *extra_opts);
/* the names the image was made to load (mkinitfs -m, modules-load.d...), then
 * modules_load= and rd.modules_load= from the command line: the count that failed */
int ld_load_listed(struct loader *ld);
/* kernel words for a module loading error, as the troubleshooting guides have them */
const char *ld_strerror(int err, char *buf);

#endif

/* SPDX-License-Identifier: MIT */
/* load.c: the entries of a load list made real: finit_module, install commands.
 *
 * The order and the choices come from lib/resolve.c; this file only performs
 * them. EEXIST is success: the same module can be listed twice (kmod repeats
 * entries) or loaded by the kernel's own request_module() meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "applets.h"
#include "fileio.h"
#include "kcmdline.h"
#include "load.h"
#include "log.h"
#include "showdeps.h"
#include "sys.h"

#define MODULE_INIT_COMPRESSED_FILE 4

void ld_init(struct loader *ld, const struct blob *b, const char *cmdline)
{
	memset(ld, 0, sizeof(*ld));
	ld->b = b;
	ld->cmdline = cmdline;
}

const char *ld_strerror(int err, char *buf)
{
	switch (-err) {
	case ENOENT:
		return "Unknown symbol in module, or unknown parameter (see dmesg)";
	case EEXIST:
		return "Module already in kernel";
	case EPERM:
		return "Operation not permitted (module loading disabled, or module_blacklist=)";
	case ENOEXEC:
		return "Invalid module format (built for another kernel?)";
	case EKEYREJECTED:
	case ENOKEY:
		return "Module signature rejected (see dmesg)";
	default:
		return errno_str(buf, err);
	}
}

static int path_cat(char *buf, size_t len, const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);

	if (na + nb + nc + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, a, na);
	memcpy(buf + na, b, nb);
	memcpy(buf + na + nb, c, nc + 1);
	return 0;
}

static int is_live(const char *name, void *ctx)
{
	struct loader *ld = ctx;
	uint32_t m = blob_find_module(ld->b, name);
	char state[8];
	struct blob_module bm;

	if (m != BLOB_NONE) {
		blob_module(ld->b, m, &bm);
		if (bm.flags & BLOB_M_BUILTIN || ld->loaded[m / 8] & 1 << m % 8)
			return 1;
	}
	return mod_attr(name, "/initstate", state, sizeof(state)) == 0 &&
	       !strncmp(state, "live", 4);
}

/* the compression of a module file in the image, by its name: "zstd", "xz", "gzip"
 * (as /sys/module/compression says them), or NULL */
static const char *compression(const char *path)
{
	static const char *const t[][2] = { { ".zst", "zstd" }, { ".xz", "xz" },
					    { ".gz", "gzip" } };
	size_t n = strlen(path);

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t k = strlen(t[i][0]);

		if (n > k && !strcmp(path + n - k, t[i][0]))
			return t[i][1];
	}
	return NULL;
}

/* the kernel's module decompressor, read once: "zstd", "xz", "gzip", or "-" */
static const char *kernel_compression(struct loader *ld)
{
	if (!ld->kcomp[0]) {
		if (read_text(AT_FDCWD, "/sys/module/compression", ld->kcomp,
			      sizeof(ld->kcomp)) < 0)
			ld->kcomp[0] = 0;
		ld->kcomp[strcspn(ld->kcomp, "\n")] = 0;
		if (!ld->kcomp[0])
			ld->kcomp[0] = '-';
	}
	return ld->kcomp;
}

static int insmod(struct loader *ld, const struct res_entry *e)
{
	struct blob_module bm;
	char path[512], ebuf[32];
	const char *comp, *kcomp;
	int fd, r, flags = 0;

	blob_module(ld->b, e->mod, &bm);
	if (!*bm.image_path) {
		ld->missing = 1;
		log_strs(ld->quiet ? LOG_DEBUG : LOG_ERR, "module ", e->name,
			 " is not in this image (", ld->b->moddir, "/", bm.path, ")",
			 (const char *)0);
		return -ENOENT;
	}
	comp = compression(bm.image_path);
	if (comp) {
		/* the kernel would only say ENOEXEC ("Invalid module format") */
		kcomp = kernel_compression(ld);
		if (strcmp(comp, kcomp)) {
			/* in full once: every other module of the image is the same */
			log_strs(ld->comp_said++ ? LOG_DEBUG : LOG_ERR, e->name, " is ",
				 comp, "-compressed in the image but this kernel ",
				 *kcomp == '-' ? "cannot decompress modules (no "
						 "/sys/module/compression)"
					       : "decompresses only ",
				 *kcomp == '-' ? "" : kcomp,
				 "; rebuild the image without --keep-compressed",
				 (const char *)0);
			r = -ENOEXEC;
			goto fail;
		}
		flags = MODULE_INIT_COMPRESSED_FILE;
	}
	r = path_cat(path, sizeof(path), "/lib/modules/", ld->b->kver, "/");
	if (r < 0 || strlen(path) + strlen(bm.image_path) >= sizeof(path))
		return -ENAMETOOLONG;
	strcat(path, bm.image_path);
	fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0) {
		log_err("cannot open ", path, ": ", errno_str(ebuf, fd));
		return fd;
	}
	r = sys_finit_module(e->name, fd, e->options, flags);
	sys_close(fd);
	if (r == 0 || r == -EEXIST) {
		ld->loaded[e->mod / 8] |= 1 << e->mod % 8;
		if (r == 0) {
			ld->nloaded++;
			log_debug("loaded ", e->name, *e->options ? " " : "", e->options,
				  ld->why ? " for " : "", ld->why ? ld->why : "");
		}
		return r;
	}
	/* a driver whose init finds no device for it: as udev, say it quietly; the
	 * same for an optional softdep (crc32c_intel on a CPU without SSE 4.2) */
	if (r == -ENODEV && (ld->why || !e->required)) {
		log_debug("no device for ", e->name, " (", ld->why ? ld->why : "softdep", ")");
		return r;
	}
	log_strs(e->required ? LOG_ERR : LOG_WARN, "could not insert '", e->name,
		 "': ", ld_strerror(r, ebuf), e->required ? "" : " (softdep, ignored)",
		 (const char *)0);
fail:
	if (e->required)
		ld->nfailed++;
	return r;
}

/* "/sbin/modprobe --ignore-install NAME $CMDLINE_OPTS; rest": the usual wrapper,
 * done here without a shell. Returns 1 when cmd had that form. */
static int wrapper(struct loader *ld, const char *cmd, const char *options, int *ret)
{
	static const char *const prefixes[] = { "/sbin/modprobe --ignore-install ",
						"modprobe --ignore-install " };
	char name[64];
	const char *p = NULL, *end;
	size_t n;

	for (size_t i = 0; i < 2 && !p; i++)
		if (!strncmp(cmd, prefixes[i], strlen(prefixes[i])))
			p = cmd + strlen(prefixes[i]);
	if (!p)
		return 0;
	end = p + strcspn(p, " \t;");
	n = end - p;
	if (!n || n >= sizeof(name))
		return 0;
	memcpy(name, p, n);
	name[n] = 0;
	unsigned saved = ld->flags;

	ld->flags |= RES_IGNORE_INSTALL;
	{
		/* the shell would split $CMDLINE_OPTS into words: no blanks at the ends */
		char opts[RES_OPTS_MAX];
		size_t k = 0, m;

		while (options[k] == ' ' || options[k] == '\t')
			k++;
		m = strlen(options + k);
		while (m && (options[k + m - 1] == ' ' || options[k + m - 1] == '\t'))
			m--;
		if (m >= sizeof(opts))
			return 0;
		memcpy(opts, options + k, m);
		opts[m] = 0;
		*ret = ld_modprobe(ld, name, m ? opts : NULL);
	}
	ld->flags = saved;
	return 1;
}

static int run_install(struct loader *ld, const struct res_entry *e)
{
	const char *c = e->command;
	int r;

	if (!strcmp(c, "/bin/true") || !strcmp(c, "true") || !strcmp(c, ":"))
		return 0;
	if (!strcmp(c, "/bin/false") || !strcmp(c, "false")) {
		log_info("module ", e->name, " blocked by its install command '", c, "'");
		return -EPERM;
	}
	if (wrapper(ld, c, e->options, &r))
		return r;
	if (ld->have_shell) {
		static char sh[] = "/bin/sh", dash_c[] = "-c",
			    path[] = "PATH=/sbin:/bin:/usr/sbin:/usr/bin";
		char *const argv[] = { sh, dash_c, (char *)c, NULL };
		char env[96];
		char *const envp[] = { env, path, NULL };

		if (path_cat(env, sizeof(env), "MODPROBE_MODULE=", e->name, "") < 0)
			return -ENAMETOOLONG;
		r = sys_spawn_wait("/bin/sh", argv, envp);
		if (r != 0) {
			char num[24];

			log_err("Error running install command '", c, "' for module ", e->name,
				": retcode ", fmt_u64(num, r < 0 ? -r : r));
			return r < 0 ? r : -EIO;
		}
		return 0;
	}
	/* no shell in the image: loading the module is the best guess at what a
	 * custom command would have done (mkinitfs warned when it built the image) */
	log_warn("install command for ", e->name, " needs a shell; loading the module instead");
	return e->mod != BLOB_NONE ? insmod(ld, e) : 0;
}

static int print_entry(struct loader *ld, const struct res_entry *e)
{
	char line[RES_OPTS_MAX + 1024];
	int n = showdeps_line(ld->b, e, line, sizeof(line));

	if (n < 0)
		return n;
	out_buf(line, n);
	return 0;
}

static int do_entry(const struct res_entry *e, void *ctx)
{
	struct loader *ld = ctx;

	ld->nentries++;
	if (ld->show_depends || ld->dry_run || ld->verbose) {
		int r = print_entry(ld, e);

		if (r < 0 || ld->show_depends || ld->dry_run)
			return r;
	}
	switch (e->action) {
	case RES_INSTALL:
		return run_install(ld, e);
	case RES_INSMOD:
		return insmod(ld, e);
	default:
		return 0;
	}
}

static void note_blacklisted(const char *name, void *ctx)
{
	struct loader *ld = ctx;
	size_t n = strlen(name);

	if (n >= sizeof(ld->blacklisted))
		n = sizeof(ld->blacklisted) - 1;
	memcpy(ld->blacklisted, name, n);
	ld->blacklisted[n] = 0;
}

/* The troubleshooting guides' first suspect for "not found" is a kernel that is not
 * the one the modules were made for: say which two they are when they differ. */
static void not_found(struct loader *ld, const char *query)
{
	char running[128];
	int n = sys_kernel_release(running, sizeof(running));
	int other = n > 0 && strcmp(running, ld->b->kver);

	if (!ld->prog) {
		log_err("module ", query, " not found in directory ", ld->b->moddir,
			other ? " (the image is for kernel " : "", other ? ld->b->kver : "",
			other ? ", the running kernel is " : "", other ? running : "",
			other ? ")" : "");
		return;
	}
	err_str(ld->prog);
	err_str(": FATAL: Module ");
	err_str(query);
	err_str(" not found in directory ");
	err_str(ld->b->moddir);
	err_str("\n");
	if (other) {
		err_str(ld->prog);
		err_str(": these modules are for kernel ");
		err_str(ld->b->kver);
		err_str(", the running kernel is ");
		err_str(running);
		err_str(": reboot into it, or make an image for this one\n");
	}
}

int ld_modprobe(struct loader *ld, const char *query, const char *extra_opts)
{
	struct res_opts o = { ld->cmdline, extra_opts, ld->flags };
	struct res_ops ops = { do_entry, is_live, note_blacklisted, ld };
	unsigned n = ld->nentries;
	int r;

	if (ld->show_depends)
		o.flags |= RES_IGNORE_LOADED;
	r = res_modprobe(ld->b, query, &o, &ops);
	/* -ENOENT after entries ran is an entry's error (an unknown symbol) */
	if (r != -ENOENT || n != ld->nentries)
		return r;
	ld->missing = 1;
	if (!ld->quiet)
		not_found(ld, query);
	return r;
}

struct list_ctx {
	struct loader *ld;
	int failed;
};

static int load_item(const char *item, size_t n, void *ctx)
{
	struct list_ctx *c = ctx;
	char name[128];

	if (!n || n >= sizeof(name))
		return 0;
	memcpy(name, item, n);
	name[n] = 0;
	if (ld_modprobe(c->ld, name, NULL) < 0)
		c->failed++;
	return 0;
}

static int cmdline_word(const struct kcmdline_word *w, void *ctx)
{
	if (!w->has_val)
		return 0;
	if ((w->keylen == 12 && !memcmp(w->key, "modules_load", 12)) ||
	    (w->keylen == 15 && !memcmp(w->key, "rd.modules_load", 15)))
		kcmdline_list_items(w->val, w->vallen, load_item, ctx);
	return 0;
}

int ld_load_listed(struct loader *ld)
{
	struct list_ctx c = { ld, 0 };
	struct blob_pair p;
	unsigned saved = ld->flags;

	for (uint32_t i = 0; i < blob_count(ld->b, BLOB_S_LOAD); i++) {
		blob_pair(ld->b, BLOB_S_LOAD, i, &p);
		ld->flags = saved | (p.n & BLOB_L_BLACKLIST ? RES_BLACKLIST : 0);
		if (ld_modprobe(ld, p.a, NULL) < 0)
			c.failed++;
	}
	/* systemd-modules-load applies the blacklist to these names */
	ld->flags = saved | RES_BLACKLIST;
	if (ld->cmdline)
		kcmdline_words(ld->cmdline, strlen(ld->cmdline), cmdline_word, &c);
	ld->flags = saved;
	return c.failed;
}

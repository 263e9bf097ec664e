/* SPDX-License-Identifier: MIT */
/* applets.h: the names the loader answers to besides init, and what they share. */
#ifndef EARLYMOD_APPLETS_H
#define EARLYMOD_APPLETS_H

#include <stddef.h>

int boot_main(int argc, char **argv, char **envp);
int modprobe_main(int argc, char **argv, char **envp);
int insmod_main(int argc, char **argv, char **envp);
int rmmod_main(int argc, char **argv, char **envp);
int lsmod_main(int argc, char **argv, char **envp);
int modinfo_main(int argc, char **argv, char **envp);

/* the blob: the image's, or --blob FILE on the host; fatal on failure */
struct blob;
int blob_map(const char *path, struct blob *ret);

/* The kernel's view of a module, /sys/module/NAME, as kmod reads it
 * (loader/sysmodule.c); loading, rmmod, lsmod and modprobe -r share it. */
/* /sys/module/NAME followed by file ("/initstate"...) into buf, NUL-terminated:
 * 0 or -errno */
int mod_attr(const char *name, const char *file, char *buf, size_t len);
enum { MOD_LOADED = 0, MOD_BUILTIN = 1 };
/* MOD_LOADED (initstate live, coming or going), MOD_BUILTIN (the blob says so, or
 * /sys/module/NAME has no initstate), or -ENOENT; b may be NULL */
int mod_state(const struct blob *b, const char *name);
/* /sys/module/NAME/refcnt, or -errno (no such module, or no module unloading) */
int mod_refcnt(const char *name);
/* fn(holder, ctx) for each entry of /sys/module/NAME/holders/, in directory order
 * (fn may be NULL to count): the count, or -errno */
int mod_holders(const char *name, void (*fn)(const char *holder, void *ctx), void *ctx);
/* writes the strings to stderr (after flushing stdout); the list ends with NULL */
void app_err(const char *s, ...) __attribute__((sentinel));

#endif

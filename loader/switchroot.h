/* SPDX-License-Identifier: MIT */
/* switchroot.h: leaving the initramfs for the real root, as switch_root(8) does.
 *
 * The steps, in order: the new root must hold the init program; /dev, /proc, /sys
 * and /run move into it (or are unmounted when it has no such directory); the
 * initramfs's files are deleted to give its memory back (only when / is ramfs or
 * tmpfs, never crossing into another filesystem, never following a symlink); the
 * new root moves onto /, becomes the root with chroot, and init replaces us. */
#ifndef EARLYMOD_SWITCHROOT_H
#define EARLYMOD_SWITCHROOT_H

#include <sys/types.h>

/* bounds of the deletion: deeper directories are left alone (and logged) */
#define SR_MAX_DEPTH 64

/* 0 when NEWROOT/INIT is a program, following symlinks as they will resolve once
 * NEWROOT is the root; -ENOENT, -EACCES (not a regular file) or -ELOOP */
int sr_check_init(const char *newroot, const char *init);

/* MS_MOVE each API filesystem into newroot: the count that could not be moved */
int sr_move_mounts(const char *newroot);

/* deletes everything under the directory dirfd that lives on device dev, skipping
 * mount points (other st_dev) and not following symlinks: the count of entries
 * that could not be deleted */
int sr_delete_tree(int dirfd, dev_t dev, int depth);

/* the whole switch, ending in execve(init, argv, envp); fatal() on any failure,
 * so it never returns */
__attribute__((noreturn)) void switch_root(const char *newroot, const char *init,
					   char *const argv[], char *const envp[]);

#endif

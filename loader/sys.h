/* SPDX-License-Identifier: MIT */
/* sys.h: the seam. Every effect the loader has on the system goes through here.
 *
 * loader/sys_linux.c implements it with raw system calls; tests/fake/sys_fake.c
 * implements it over a directory tree with a fake kernel, a fake clock and a
 * scripted uevent stream, so every loader behaviour runs without root or a kernel.
 * Nothing else in loader/ may call a system call or a libc function with a side
 * effect (mount, open, read, ...): pure libc (string.h, fnmatch) is fine.
 *
 * Convention: every function returns >= 0 on success (a count or an fd) and a
 * negative errno on failure. Paths are absolute paths of the running system
 * ("/sys/block"); the fake maps them under its root directory. */
#ifndef EARLYMOD_SYS_H
#define EARLYMOD_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct stat;

/* files */
int sys_open(const char *path, int flags, unsigned mode);       /* O_CLOEXEC added */
int sys_openat(int dirfd, const char *path, int flags, unsigned mode);
ssize_t sys_read(int fd, void *buf, size_t len);
ssize_t sys_pread(int fd, void *buf, size_t len, uint64_t off);
ssize_t sys_write(int fd, const void *buf, size_t len);
int sys_close(int fd);
int sys_fstat(int fd, struct stat *st);
int sys_fstatat(int dirfd, const char *path, struct stat *st, int flags);
/* raw linux_dirent64 records, as getdents64(2) */
ssize_t sys_getdents(int fd, void *buf, size_t len);
ssize_t sys_readlinkat(int dirfd, const char *path, char *buf, size_t len);
int sys_mkdir(const char *path, unsigned mode);
int sys_mknod(const char *path, unsigned mode, unsigned maj, unsigned min);
int sys_symlink(const char *target, const char *path);
int sys_unlinkat(int dirfd, const char *path, int flags);
/* whole read-only file mapping (the blob); length returned through ret_len */
int sys_map_file(const char *path, const void **ret_addr, size_t *ret_len);
void sys_unmap(const void *addr, size_t len);

/* mounts and the switch to the real root */
int sys_mount(const char *src, const char *target, const char *type, unsigned long flags,
	      const char *data);
int sys_umount(const char *target, int flags);
int sys_chdir(const char *path);
int sys_chroot(const char *path);
/* statfs f_type of the filesystem holding path */
int sys_fs_type(const char *path, unsigned long *ret_type);
int sys_execve(const char *path, char *const argv[], char *const envp[]);

/* modules */
int sys_finit_module(const char *name, int fd, const char *params, int flags);
int sys_delete_module(const char *name, unsigned flags);

/* kernel uevents: a NETLINK_KOBJECT_UEVENT socket with a large receive buffer */
int sys_uevent_open(void);
/* one message into buf; 0 when none arrives within timeout_ms (-1 = forever);
 * -ENOBUFS when the kernel dropped messages (the caller rescans sysfs) */
ssize_t sys_uevent_recv(int fd, void *buf, size_t len, int timeout_ms);

/* uname -r of the running kernel, NUL-terminated: the length, or -errno */
int sys_kernel_release(char *buf, size_t len);

/* processes (the emergency shell, install commands) */
int sys_spawn_wait(const char *path, char *const argv[], char *const envp[]);
int sys_getpid(void);

/* time: monotonic milliseconds since boot; sleeping advances the fake clock */
uint64_t sys_now_ms(void);
void sys_sleep_ms(unsigned ms);

/* the end: reboot(RB_POWER_OFF) etc.; never returns on success */
int sys_reboot(int how);
/* leave PID 1: the kernel panics ("Attempted to kill init") and panic=N reboots */
__attribute__((noreturn)) void sys_exit(int code);

#endif

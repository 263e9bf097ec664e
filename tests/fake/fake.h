/* SPDX-License-Identifier: MIT */
/* fake.h: the fake kernel behind loader/sys.h, for tests (tests/fake/sys_fake.c).
 *
 * Files: every absolute path the loader uses maps to ROOT/path, ROOT a directory the
 * test fills (fake sysfs, /dev nodes as regular files holding disk images,
 * /proc/cmdline, the image's /lib/modules). Relative paths are used as given.
 *
 * Effects that a kernel would perform (mount, umount, chroot, chdir, mknod, execve,
 * reboot, finit_module, delete_module, spawning a program, sleeping, opening the
 * uevent socket) are appended as one line each to the effect log, which tests
 * compare. mkdir, symlink and unlinkat act on the files under ROOT and are logged
 * too. sys_getpid() says 1.
 *
 * The fake kernel's finit_module: an error set with fake_module_error() is returned
 * as is; a module already live is -EEXIST; a module whose "depends=" (read from the
 * file: the first "depends=" string, ended by NUL or newline, comma-separated) names
 * a module not yet live is -ENOENT, as the kernel answers an unknown symbol;
 * otherwise it creates ROOT/sys/module/NAME/initstate ("live\n") and logs
 * "finit_module NAME params='P' flags=F"; then, as a driver's probe would, it
 * schedules the uevents fake_on_load() set for NAME.
 *
 * Its delete_module: a module that is not live is -ENOENT; one with entries in
 * ROOT/sys/module/NAME/holders/, or whose ROOT/sys/module/NAME/refcnt is above 0
 * (unless flags has O_TRUNC), is -EWOULDBLOCK, as the kernel answers; otherwise it
 * logs "delete_module NAME flags=F", removes ROOT/sys/module/NAME and drops the
 * module's references: its entry in every other module's holders/ goes, and that
 * module's refcnt, if it has one, goes down by one. (The fake's finit_module makes
 * neither holders nor refcnt: tests write them.)
 *
 * Time is fake: sys_now_ms() starts at 0, sys_sleep_ms() advances it, and
 * sys_uevent_recv() delivers the scripted events in time order, advancing the
 * clock to each (or by the whole timeout when none is due). An event's files are
 * created under ROOT just before it is delivered, as the kernel creates sysfs and
 * devtmpfs entries before it sends the uevent. With fake_set_uevent_seqnum(),
 * ROOT/sys/kernel/uevent_seqnum reads as the kernel's counter would: the highest
 * SEQNUM= of the scripted events whose time has come.
 *
 * Mounts are remembered (not performed): a mount's target must be a directory
 * under ROOT, whose files stand for the mounted filesystem; MS_MOVE renames them to
 * the new place (an empty directory stays behind), except onto / (switch_root).
 * sys_fstat/sys_fstatat report a mount point with an st_dev of its own, so "do not
 * cross filesystems" is testable; sys_fs_type says ramfs for / until then.
 * sys_chdir and sys_chroot(".") follow the loader, so after a switch_root absolute
 * paths map under ROOT/NEWROOT; sys_execve fails with -ENOENT if the program is
 * not there. /dev/kmsg and /dev/console always open: what is written to /dev/kmsg
 * is kept for fake_kmsg(), the console is shown on stderr only with FAKE_VERBOSE
 * set in the environment.
 *
 * sys_exit() and a successful sys_execve() do not return: they longjmp to the
 * fake_run() that started the code under test; so does sys_uevent_recv() waiting
 * forever with no scripted event left (a real PID 1 would hang there). */
#ifndef EARLYMOD_FAKE_H
#define EARLYMOD_FAKE_H

#include <stddef.h>
#include <stdint.h>

/* starts a fresh fake over root: empty effect log, clock 0, no events, no errors */
void fake_init(const char *root);
const char *fake_root(void);
/* the effect log so far, one effect a line */
const char *fake_effects(void);
/* finit_module of NAME fails with err (negative errno) */
void fake_module_error(const char *name, int err);
/* every mount whose fs type or target is what fails with err (negative errno) */
void fake_mount_error(const char *what, int err);
/* what was written to /dev/kmsg so far (records "<L>earlymod: ...\n") */
const char *fake_kmsg(void);
/* what the loader wrote to /dev/console itself (not the kernel's echo of kmsg) */
const char *fake_console(void);
/* the status sys_spawn_wait() returns (default 0) */
void fake_set_spawn_status(int status);
/* what sys_getpid() returns (default 1) */
void fake_set_pid(int pid);
/* the kernel release sys_kernel_release() reports (default "6.1.0-test") */
void fake_set_release(const char *release);
/* an event at at_ms: msg is the raw netlink payload ("ACTION@DEVPATH\0KEY=VAL\0..."),
 * files NULL or pairs of (path relative to ROOT, contents) ending with NULL; a path
 * ending in '/' makes a directory, contents "->TARGET" a symlink. msg NULL: the
 * event is lost in an overflow (its files appear, sys_uevent_recv says -ENOBUFS) */
void fake_uevent_at(uint64_t at_ms, const char *msg, size_t len,
		    const char *const *files);
/* when module NAME loads (finit_module succeeds), an event as fake_uevent_at()'s
 * at now + delay_ms; with delay 0 its files appear at once, as a probe that
 * registers a device before finit_module returns makes them */
void fake_on_load(const char *name, unsigned delay_ms, const char *msg, size_t len,
		  const char *const *files);
/* /sys/kernel/uevent_seqnum exists and reads max(base, SEQNUM of every event whose
 * time has come) */
void fake_set_uevent_seqnum(uint64_t base);
/* the next sys_uevent_recv() returns -ENOBUFS once (a lost-events overflow) */
void fake_uevent_overflow(void);
/* sys_uevent_open() fails with err (a kernel without CONFIG_NET); the scripted
 * events' files still appear as sys_sleep_ms() passes their time */
void fake_uevent_open_error(int err);
uint64_t fake_now(void);

/* runs fn(argc, argv, envp) with the kernel's environment for init ("HOME=/",
 * "TERM=linux") and returns its return value, or the code given to sys_exit(), or 0
 * after a successful sys_execve(); *ret_how tells which: 'r' returned, 'x' exited,
 * 'e' exec'd, 'h' hung (waited forever for a uevent that no script sends) */
int fake_run(int (*fn)(int, char **, char **), int argc, char **argv, int *ret_how);

#endif

/* SPDX-License-Identifier: MIT */
/* sys_linux.c: the seam (loader/sys.h) made of real system calls, for the static
 * musl build. Every function turns libc's -1/errno into a negative errno. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"

#define UEVENT_RCVBUF (8 << 20) /* coldplug of a large machine sends thousands */

/* from <linux/netlink.h>, which musl-gcc's include path lacks */
#define NETLINK_KOBJECT_UEVENT 15
struct nl_addr {
	unsigned short nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid;
	uint32_t nl_groups;
};

static int neg(long r)
{
	return r < 0 ? -errno : (int)r;
}

static ssize_t negs(ssize_t r)
{
	return r < 0 ? -errno : r;
}

int sys_open(const char *path, int flags, unsigned mode)
{
	return neg(open(path, flags | O_CLOEXEC, mode));
}

int sys_openat(int dirfd, const char *path, int flags, unsigned mode)
{
	return neg(openat(dirfd, path, flags | O_CLOEXEC, mode));
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	return negs(read(fd, buf, len));
}

ssize_t sys_pread(int fd, void *buf, size_t len, uint64_t off)
{
	return negs(pread(fd, buf, len, (off_t)off));
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	return negs(write(fd, buf, len));
}

int sys_close(int fd)
{
	return neg(close(fd));
}

int sys_fstat(int fd, struct stat *st)
{
	return neg(fstat(fd, st));
}

int sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return neg(fstatat(dirfd, path, st, flags));
}

ssize_t sys_getdents(int fd, void *buf, size_t len)
{
	return negs(syscall(SYS_getdents64, fd, buf, len));
}

ssize_t sys_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	return negs(readlinkat(dirfd, path, buf, len));
}

int sys_mkdir(const char *path, unsigned mode)
{
	return neg(mkdir(path, mode));
}

int sys_mknod(const char *path, unsigned mode, unsigned maj, unsigned min)
{
	return neg(mknod(path, mode, makedev(maj, min)));
}

int sys_symlink(const char *target, const char *path)
{
	return neg(symlink(target, path));
}

int sys_unlinkat(int dirfd, const char *path, int flags)
{
	return neg(unlinkat(dirfd, path, flags));
}

int sys_map_file(const char *path, const void **ret_addr, size_t *ret_len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		r = -EINVAL;
		goto out;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		goto out;
	}
	*ret_addr = p;
	*ret_len = st.st_size;
out:
	close(fd);
	return r;
}

void sys_unmap(const void *addr, size_t len)
{
	munmap((void *)addr, len);
}

int sys_mount(const char *src, const char *target, const char *type, unsigned long flags,
	      const char *data)
{
	return neg(mount(src, target, type, flags, data));
}

int sys_umount(const char *target, int flags)
{
	return neg(umount2(target, flags));
}

int sys_chdir(const char *path)
{
	return neg(chdir(path));
}

int sys_chroot(const char *path)
{
	return neg(chroot(path));
}

int sys_fs_type(const char *path, unsigned long *ret_type)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return -errno;
	*ret_type = (unsigned long)sf.f_type;
	return 0;
}

int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return neg(execve(path, argv, envp));
}

int sys_finit_module(const char *name, int fd, const char *params, int flags)
{
	/* musl has no wrapper; the name is for logs and the fake */
	return neg(syscall(SYS_finit_module, fd, params ? params : "", flags));
}

int sys_delete_module(const char *name, unsigned flags)
{
	return neg(syscall(SYS_delete_module, name, flags));
}

int sys_uevent_open(void)
{
	struct nl_addr sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int size = UEVENT_RCVBUF;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	/* RCVBUFFORCE passes rmem_max (we are root); RCVBUF is the capped fallback */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

ssize_t sys_uevent_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct nl_addr sa;
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_name = &sa,
			     .msg_namelen = sizeof(sa),
			     .msg_iov = &iov,
			     .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		int r = poll(&p, 1, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : 0;
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno; /* -ENOBUFS: the kernel dropped events */
		/* only the kernel (port 0) speaks on group 1 for us; ignore spoofers */
		if (sa.nl_pid != 0)
			continue;
		/* a cut message is as good as lost: the caller rescans */
		if (mh.msg_flags & MSG_TRUNC)
			return -ENOBUFS;
		return n;
	}
}

int sys_kernel_release(char *buf, size_t len)
{
	struct utsname u;
	size_t n;

	if (uname(&u) < 0)
		return -errno;
	n = strnlen(u.release, sizeof(u.release));
	if (n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, u.release, n);
	buf[n] = 0;
	return (int)n;
}

int sys_spawn_wait(const char *path, char *const argv[], char *const envp[])
{
	int status;
	pid_t pid = vfork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, 0);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int sys_getpid(void)
{
	return getpid();
}

uint64_t sys_now_ms(void)
{
	struct timespec ts;

	/* BOOTTIME matches the kernel's log timestamps; MONOTONIC on old kernels */
	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sys_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int sys_reboot(int how)
{
	sync();
	return neg(reboot(how));
}

void sys_exit(int code)
{
	_exit(code);
}

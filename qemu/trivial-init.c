/* SPDX-License-Identifier: MIT */
/* The /init of the baseline initramfs: prints how long the kernel took, powers off. */

/*
 * Built static with musl (qemu/build-inits.sh). Prints one line on the console,
 *
 *   === TRIVIAL INIT UPTIME <seconds, first field of /proc/uptime>
 *
 * then "=== POWEROFF" and powers the machine off. This is the fastest any initramfs can
 * hand over to userspace with a given kernel, which makes it the baseline
 * bench/boot-baseline.sh measures.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

static int out = 1;

static void put(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(out, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

int main(void)
{
	char buf[128];
	ssize_t n;
	char *p;
	int fd;

	/* Run by hand on a host, as root, it must not mount over that host's /dev. */
	if (getpid() != 1) {
		put("trivial-init: not PID 1, doing nothing\n");
		return 1;
	}

	/* Without /dev/console in the initramfs the kernel gives us no fds at all. */
	if (!isatty(1)) {
		mkdir("/dev", 0755);
		mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
		fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0)
			out = fd;
	}

	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
	    errno != EBUSY) {
		put("=== ERROR mount /proc: ");
		put(strerror(errno));
		put("\n");
	}

	strcpy(buf, "unknown");
	fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* /proc/uptime comes whole from one read. */
		n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0)
			buf[n] = '\0';
		else
			strcpy(buf, "unknown");
		close(fd);
		p = strchr(buf, ' ');
		if (p)
			*p = '\0';
	}
	put("\n=== TRIVIAL INIT UPTIME ");
	put(buf);
	put("\n=== POWEROFF\n");

	reboot(RB_POWER_OFF);
	put("=== ERROR reboot: ");
	put(strerror(errno));
	put("\n");
	for (;;)
		pause();
}

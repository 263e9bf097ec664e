/* SPDX-License-Identifier: MIT */
/* fatal.c: the one way PID 1 gives up. It says why on the console and in kmsg,
 * offers the image's shell if it has one, then exits so that the kernel panics
 * ("Attempted to kill init") and panic=N reboots the machine. */
#include <stdarg.h>
#include <sys/stat.h>
#include <fcntl.h>

#include "log.h"
#include "sys.h"

void fatal(const char *what, ...)
{
	const char *parts[16];
	size_t n = 0;
	va_list ap;
	struct stat st;

	va_start(ap, what);
	for (const char *s = what; s && n < 15; s = va_arg(ap, const char *))
		parts[n++] = s;
	va_end(ap);
	while (n < 16)
		parts[n++] = NULL;
	log_strs(LOG_ERR, "FATAL: ", parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
		 parts[6], parts[7], parts[8], parts[9], parts[10], parts[11], parts[12],
		 parts[13], parts[14], (const char *)0);
	if (sys_fstatat(AT_FDCWD, "/bin/sh", &st, 0) == 0) {
		static char sh[] = "/bin/sh", path[] = "PATH=/sbin:/bin:/usr/sbin:/usr/bin";
		char *const argv[] = { sh, NULL };
		char *const envp[] = { path, NULL };

		log_err("starting /bin/sh; the boot ends (kernel panic) when it exits");
		(void)sys_spawn_wait("/bin/sh", argv, envp);
	}
	log_err("giving up: the kernel will panic now (panic=N on the command line reboots)");
	sys_exit(1);
}

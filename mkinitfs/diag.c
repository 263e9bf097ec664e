/* SPDX-License-Identifier: MIT */
/* diag.c: how mkinitfs reports: "mkinitfs: ..." on stderr; die() exits 1. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mkinitfs.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("mkinitfs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	fputs("mkinitfs: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

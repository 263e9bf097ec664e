/* SPDX-License-Identifier: MIT */
/* tap.h: the smallest TAP producer, shared by every unit test program.
 *
 * Each test program includes this once, calls ok()/is_str()/is_int() and
 * returns done_testing() from main. The runner (tests/run-unit.sh) counts
 * "ok"/"not ok" lines, so a test that crashes or exits early fails too. */
#ifndef EARLYMOD_TAP_H
#define EARLYMOD_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

#define is_int(got, want, ...)                                                    \
	({                                                                         \
		long long g_ = (got), w_ = (want);                                 \
		int r_ = ok(g_ == w_, __VA_ARGS__);                                \
		if (!r_)                                                           \
			printf("#   got %lld, want %lld\n", g_, w_);               \
		r_;                                                                \
	})

#define is_str(got, want, ...)                                                    \
	({                                                                         \
		const char *g_ = (got), *w_ = (want);                              \
		int r_ = ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__);         \
		if (!r_)                                                           \
			printf("#   got  '%s'\n#   want '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                                \
		r_;                                                                \
	})

__attribute__((unused))
static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : (tap_n ? 0 : 1);
}

#endif

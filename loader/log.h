/* SPDX-License-Identifier: MIT */
/* log.h: messages from PID 1, without stdio.
 *
 * A message is a list of strings written with one writev() to /dev/kmsg (with a
 * "<level>earlymod: " prefix) and to the console (stderr), so it is seen on the
 * screen and in dmesg. Numbers are formatted into caller buffers with fmt_u64. */
#ifndef EARLYMOD_LOG_H
#define EARLYMOD_LOG_H

#include <stddef.h>
#include <stdint.h>

enum { LOG_ERR = 3, LOG_WARN = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

/* which destinations: set once by main (kmsg opened after /dev is mounted) */
void log_init(int kmsg_fd, int console_fd, int max_level);
/* PID 1 only, once /proc is mounted: /dev/kmsg stops rate-limiting us (a failure
 * report is a burst of lines, and the default limit drops all but 10), and messages
 * the kernel itself echoes to the console (level below console_loglevel) are no
 * longer written there a second time. log_release_kmsg() puts the limit back before
 * the real init runs. */
void log_take_kmsg(void);
void log_release_kmsg(void);
/* strings, terminated by NULL */
void log_strs(int level, ...) __attribute__((sentinel));
#define log_err(...) log_strs(LOG_ERR, __VA_ARGS__, (const char *)0)
#define log_warn(...) log_strs(LOG_WARN, __VA_ARGS__, (const char *)0)
#define log_info(...) log_strs(LOG_INFO, __VA_ARGS__, (const char *)0)
#define log_debug(...) log_strs(LOG_DEBUG, __VA_ARGS__, (const char *)0)

/* decimal text of v in buf (at least 21 bytes); returns buf */
const char *fmt_u64(char *buf, uint64_t v);
/* "1.234" seconds from milliseconds; buf at least 24 bytes */
const char *fmt_ms(char *buf, uint64_t ms);
/* words for the errnos a loader meets ("No such file or directory"); others "error N"
 * written into buf (at least 32 bytes) */
const char *errno_str(char *buf, int err);

/* print to stdout / stderr (the applets' output); no prefix, no newline added */
int out_str(const char *s);
int out_buf(const char *s, size_t n);
int err_str(const char *s);
/* stdout is buffered in a static buffer; flush before exit */
int out_flush(void);

/* a fatal error in PID 1: message to console and kmsg, emergency shell if the
 * image has one, then exit so the kernel panics (panic=N reboots). Never returns. */
void fatal(const char *what, ...) __attribute__((sentinel, noreturn));

#endif

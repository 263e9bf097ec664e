/* SPDX-License-Identifier: MIT */
/* kcmdline.h: the kernel command line, split as the kernel and libkmod split it.
 *
 * kcmdline_words() is the kernel's next_arg(): words are separated by the kernel's
 * isspace() (space, \t \n \v \f \r, and 0xa0: its ctype is Latin-1). A double
 * quote starts a quoted run that may hold blanks, anywhere in the word. A word is
 * KEY or KEY=VALUE, split at the first '=' (one opening the word does not count).
 * The quotes around the value, and those around a word quoted as a whole, are not
 * part of the key or the value ("root=LABEL=my disk" in quotes gives key root, value
 * LABEL=my disk; key="a b" gives value a b); a quote inside stays (a="b"c gives
 * b"c). An unterminated quote runs to the end of the line.
 *
 * kcmdline_module_options() is libkmod v30's own, different parser (see there).
 *
 * The command line may end in a newline (/proc/cmdline does); a NUL ends it;
 * nothing is allocated, len bounds every read. */
#ifndef EARLYMOD_KCMDLINE_H
#define EARLYMOD_KCMDLINE_H

#include <stddef.h>

struct kcmdline_word {
	const char *key;   /* not NUL-terminated: keylen bytes */
	size_t keylen;
	const char *val;   /* has_val: vallen bytes after '=', quotes around removed */
	size_t vallen;
	int has_val;
	const char *raw;   /* the whole word as written, quotes included */
	size_t rawlen;
};

/* fn for each word, in order, the "--" word and the words after it included; stops
 * early and returns fn's value when fn returns non-zero; 0 otherwise */
int kcmdline_words(const char *s, size_t len,
		   int (*fn)(const struct kcmdline_word *w, void *ctx), void *ctx);

/* fn for each comma-separated item of a list value (modprobe.blacklist=a,b),
 * empty items included, as strsep() gives them: "a,,b," is a, "", b, "" and ""
 * is one empty item; stops early like kcmdline_words */
int kcmdline_list_items(const char *val, size_t len,
			int (*fn)(const char *item, size_t n, void *ctx), void *ctx);

/* libkmod's kcmdline_parse_result(): fn(MOD, OPTION) for every MOD.PARAM[=VALUE]
 * word, in order, with MOD underscored ('-' -> '_', not inside [...]) and OPTION as
 * libkmod makes it: "PARAM=VALUE", "PARAM", or PARAM="VALUE" when the word was
 * quoted as a whole ("8139cp.multi=a b" in quotes gives multi="a b"); a quoted
 * value keeps its quotes (x="a b" stays so) and tabs in OPTION become spaces.
 * libkmod's splitting, not the kernel's: only the first 4095 bytes are read; words
 * end at C isspace() (not 0xa0); a quote other than one opening the word or one in
 * the value spoils the word, and the blanks up to the next quote belong to it; a
 * word still in quotes at the end is lost. Skipped: words without a '.' before
 * '=', with a second '.' before '=', with an empty MOD (libkmod keeps those for a
 * module "" nothing asks for), with unbalanced brackets in MOD, and
 * modprobe.blacklist=... (libkmod's blacklist; kcmdline_words() and
 * kcmdline_list_items() give the same items unless quotes, 0xa0 or the 4095-byte
 * limit are involved). Both
 * strings are NUL-terminated, valid during the call only. Stops early like
 * kcmdline_words. */
int kcmdline_module_options(const char *s, size_t len,
			    int (*fn)(const char *mod, const char *opt, void *ctx), void *ctx);

#endif

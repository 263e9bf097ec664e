/* SPDX-License-Identifier: MIT */
/* bootopts.h: what the kernel command line asks of the loader. */
#ifndef EARLYMOD_BOOTOPTS_H
#define EARLYMOD_BOOTOPTS_H

#define BOOTOPT_MAX 256

struct bootopts {
	char root[BOOTOPT_MAX];       /* root= */
	char rootfstype[BOOTOPT_MAX]; /* rootfstype= (comma list) */
	char rootflags[BOOTOPT_MAX];  /* rootflags= */
	char init[BOOTOPT_MAX];       /* init= (default /sbin/init) */
	int rw;                       /* rw (default ro, as the kernel) */
	int rootwait;                 /* rootwait: wait forever */
	int rootwait_s;               /* rootwait=N: wait at most N s (Linux 6.5+); -1 absent */
	int rootdelay;                /* rootdelay=N seconds, -1 if absent */
	int debug;                    /* earlymod.debug: log every step */
	int init_argc;                /* words after " -- ": arguments for init */
	char *init_argv[32];
	char argbuf[1024];            /* the words of init_argv */
};

/* fills o from the command line */
int bootopts_parse(struct bootopts *o, const char *cmdline, unsigned long len);

#endif

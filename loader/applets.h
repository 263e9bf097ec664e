/* SPDX-License-Identifier: MIT */
/* applets.h: the names the loader answers to besides init. */
#ifndef EARLYMOD_APPLETS_H
#define EARLYMOD_APPLETS_H

int boot_main(int argc, char **argv, char **envp);
int modprobe_main(int argc, char **argv, char **envp);

/* the blob: the image's, or --blob FILE on the host; fatal on failure */
struct blob;
int blob_map(const char *path, struct blob *ret);

#endif

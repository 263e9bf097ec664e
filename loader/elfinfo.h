/* SPDX-License-Identifier: MIT */
/* elfinfo.h: one section of an ELF file (a module's .modinfo), read through the seam.
 *
 * Only the ELF header, the section headers and the section-name table are read, each
 * with sys_pread, and no offset or size in the file is trusted: a header or section
 * that does not lie inside the file is -ENOEXEC. 32- and 64-bit, either byte order;
 * uncompressed files only (the image's modules are stored uncompressed). */
#ifndef EARLYMOD_ELFINFO_H
#define EARLYMOD_ELFINFO_H

#include <stddef.h>
#include <sys/types.h>

/* the bytes of the first section called name, into buf (len bytes), NUL-terminated:
 * the section's size, -ENOEXEC (not ELF, or truncated), -ENOENT (no such section,
 * as kmod says it) or -EFBIG (the section and its NUL do not fit in len) */
ssize_t elf_section(int fd, const char *name, char *buf, size_t len);

#endif

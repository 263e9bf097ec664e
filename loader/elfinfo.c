/* SPDX-License-Identifier: MIT */
/* elfinfo.c: one section of an ELF file, read with sys_pread (see elfinfo.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "elfinfo.h"
#include "fileio.h"
#include "sys.h"

/* exactly len bytes at off; the end of the file first means a truncated file */
static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = read_at(fd, buf, len, off);

	if (n < 0)
		return n == -EINVAL ? -ENOEXEC : (int)n;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

/* an n-byte integer of the file's byte order */
static uint64_t get(const uint8_t *p, int n, int big)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << 8 * i;
	return v;
}

struct elf {
	int fd, is64, big;
	uint64_t shoff;
	unsigned shentsize, shnum;
};

/* name offset, file offset and size of section i */
static int section(const struct elf *e, unsigned i, uint64_t *ret_name, uint64_t *ret_off,
		   uint64_t *ret_size)
{
	uint8_t sh[64];
	int w = e->is64 ? 8 : 4;
	int r = pread_all(e->fd, sh, e->is64 ? 64 : 40,
			  e->shoff + (uint64_t)i * e->shentsize);

	if (r < 0)
		return r;
	*ret_name = get(sh, 4, e->big);
	*ret_off = get(sh + (e->is64 ? 24 : 16), w, e->big);
	*ret_size = get(sh + (e->is64 ? 32 : 20), w, e->big);
	return 0;
}

ssize_t elf_section(int fd, const char *name, char *buf, size_t len)
{
	struct elf e = { .fd = fd };
	uint8_t eh[64];
	char nm[32];
	size_t nlen = strlen(name) + 1;
	uint64_t stroff, strsize, nameoff, off, size, unused;
	unsigned strndx;
	int r;

	if (nlen > sizeof(nm))
		return -EINVAL;
	r = pread_all(fd, eh, 52, 0);
	if (r < 0)
		return r;
	if (memcmp(eh, "\177ELF", 4) || eh[4] < 1 || eh[4] > 2 || eh[5] < 1 || eh[5] > 2)
		return -ENOEXEC;
	e.is64 = eh[4] == 2;
	e.big = eh[5] == 2;
	if (e.is64 && (r = pread_all(fd, eh + 52, 12, 52)) < 0)
		return r;
	e.shoff = get(eh + (e.is64 ? 0x28 : 0x20), e.is64 ? 8 : 4, e.big);
	e.shentsize = get(eh + (e.is64 ? 0x3a : 0x2e), 2, e.big);
	e.shnum = get(eh + (e.is64 ? 0x3c : 0x30), 2, e.big);
	strndx = get(eh + (e.is64 ? 0x3e : 0x32), 2, e.big);
	if (e.shentsize < (e.is64 ? 64u : 40u) || strndx >= e.shnum)
		return -ENOEXEC;
	r = section(&e, strndx, &unused, &stroff, &strsize);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < e.shnum; i++) {
		r = section(&e, i, &nameoff, &off, &size);
		if (r < 0)
			return r;
		if (nameoff >= strsize || strsize - nameoff < nlen)
			continue;
		r = pread_all(fd, nm, nlen, stroff + nameoff);
		if (r < 0)
			return r;
		if (memcmp(nm, name, nlen))
			continue;
		if (size >= len)
			return -EFBIG;
		r = pread_all(fd, buf, size, off);
		if (r < 0)
			return r;
		buf[size] = 0;
		return size;
	}
	return -ENOENT;
}

/* SPDX-License-Identifier: MIT */
/* ko_modinfo.c: finds .modinfo in a module's ELF image, trusting no offset in it. */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ko.h"
#include "xalloc.h"

/* the image may sit at any alignment, and the host need not be little-endian */
static uint16_t le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

/* [off, off + size) inside [0, len), without overflow */
static int in_bounds(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

struct shdr {
	uint32_t name, type, link;
	uint64_t offset, size;
};

static void read_shdr(const uint8_t *p, struct shdr *s)
{
	s->name = le32(p + offsetof(Elf64_Shdr, sh_name));
	s->type = le32(p + offsetof(Elf64_Shdr, sh_type));
	s->link = le32(p + offsetof(Elf64_Shdr, sh_link));
	s->offset = le64(p + offsetof(Elf64_Shdr, sh_offset));
	s->size = le64(p + offsetof(Elf64_Shdr, sh_size));
}

static void parse_strings(const char *p, size_t len, struct modinfo *mi)
{
	size_t cap = 0;

	mi->kv = NULL;
	mi->n = 0;
	while (len) {
		const char *end = memchr(p, '\0', len), *eq;
		size_t n = end ? (size_t)(end - p) : len;

		if (n) {
			if (mi->n == cap) {
				cap = cap ? cap * 2 : 16;
				mi->kv = xrealloc(mi->kv, cap * sizeof(*mi->kv));
			}
			eq = memchr(p, '=', n);
			if (eq) {
				size_t k = (size_t)(eq - p);

				mi->kv[mi->n].key = xstrndup(p, k);
				mi->kv[mi->n].value = xstrndup(eq + 1, n - k - 1);
			} else {
				mi->kv[mi->n].key = xstrndup(p, n);
				mi->kv[mi->n].value = xstrdup("");
			}
			mi->n++;
		}
		if (!end)
			break;
		len -= n + 1;
		p = end + 1;
	}
}

int ko_elf_open(struct ko_elf *e, const uint8_t *elf, size_t len)
{
	uint32_t shstrndx;
	struct shdr s0, strtab;

	if (len < sizeof(Elf64_Ehdr) || memcmp(elf, ELFMAG, SELFMAG) ||
	    elf[EI_CLASS] != ELFCLASS64 || elf[EI_DATA] != ELFDATA2LSB ||
	    le16(elf + offsetof(Elf64_Ehdr, e_type)) != ET_REL)
		return -ENOEXEC;
	e->data = elf;
	e->len = len;
	e->machine = le16(elf + offsetof(Elf64_Ehdr, e_machine));
	e->shoff = le64(elf + offsetof(Elf64_Ehdr, e_shoff));
	e->shentsize = le16(elf + offsetof(Elf64_Ehdr, e_shentsize));
	e->shnum = le16(elf + offsetof(Elf64_Ehdr, e_shnum));
	shstrndx = le16(elf + offsetof(Elf64_Ehdr, e_shstrndx));
	if (!e->shoff || e->shentsize < sizeof(Elf64_Shdr) ||
	    !in_bounds(e->shoff, e->shentsize, len))
		return -EBADMSG;
	/* section 0 carries the real counts when they do not fit in the header */
	read_shdr(elf + e->shoff, &s0);
	if (e->shnum == 0)
		e->shnum = s0.size > UINT32_MAX ? UINT32_MAX : (uint32_t)s0.size;
	if (shstrndx == SHN_XINDEX)
		shstrndx = s0.link;
	if (!in_bounds(e->shoff, (uint64_t)e->shnum * e->shentsize, len) ||
	    shstrndx >= e->shnum)
		return -EBADMSG;
	read_shdr(elf + e->shoff + (uint64_t)shstrndx * e->shentsize, &strtab);
	if (strtab.type == SHT_NOBITS || !in_bounds(strtab.offset, strtab.size, len))
		return -EBADMSG;
	e->stroff = strtab.offset;
	e->strsize = strtab.size;
	return 0;
}

int ko_elf_section(const struct ko_elf *e, const char *name, const uint8_t **ret_data,
		   size_t *ret_size)
{
	size_t want = strlen(name) + 1;

	for (uint32_t i = 1; i < e->shnum; i++) {
		struct shdr s;

		read_shdr(e->data + e->shoff + (uint64_t)i * e->shentsize, &s);
		if (s.name >= e->strsize)
			return -EBADMSG;
		/* the name must end inside the table: compare the NUL too */
		if (e->strsize - s.name < want ||
		    memcmp(e->data + e->stroff + s.name, name, want))
			continue;
		if (s.type == SHT_NOBITS)
			return -ENOENT;
		if (!in_bounds(s.offset, s.size, e->len))
			return -EBADMSG;
		*ret_data = e->data + s.offset;
		*ret_size = (size_t)s.size;
		return 0;
	}
	return -ENOENT;
}

int ko_modinfo(const uint8_t *elf, size_t len, struct modinfo *ret)
{
	struct ko_elf e;
	const uint8_t *p;
	size_t n;
	int r;

	r = ko_elf_open(&e, elf, len);
	if (r < 0)
		return r;
	r = ko_elf_section(&e, ".modinfo", &p, &n);
	if (r < 0)
		return r;
	parse_strings((const char *)p, n, ret);
	return 0;
}

void modinfo_free(struct modinfo *mi)
{
	if (!mi)
		return;
	for (size_t i = 0; i < mi->n; i++) {
		free(mi->kv[i].key);
		free(mi->kv[i].value);
	}
	free(mi->kv);
	mi->kv = NULL;
	mi->n = 0;
}

const char *modinfo_get(const struct modinfo *mi, const char *key)
{
	for (size_t i = 0; i < mi->n; i++)
		if (!strcmp(mi->kv[i].key, key))
			return mi->kv[i].value;
	return NULL;
}

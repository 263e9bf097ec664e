/* SPDX-License-Identifier: MIT */
/* modtree_syms.c: a module's exported and undefined symbols, read as libkmod 30 reads
 * them for depmod, whose dependency order follows the undefined symbols' order. */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modtree_int.h"
#include "xalloc.h"

#define VERSION_ENTRY 64 /* struct modversion_info: u64 crc, char name[56] */

static void add(struct mt_syms *s, size_t *cap, const char *name, size_t n)
{
	if (s->nexp + s->nund == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->off = xrealloc(s->off, s->cap * sizeof(*s->off));
	}
	while (s->len + n + 1 > *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		s->names = xrealloc(s->names, *cap);
	}
	memcpy(s->names + s->len, name, n);
	s->names[s->len + n] = '\0';
	s->off[s->nexp + s->nund] = s->len;
	s->len += n + 1;
}

/* the fallback export list: the strings of __ksymtab_strings, empty ones skipped */
static void ksymtab_strings(const struct ko_elf *e, struct mt_syms *s, size_t *cap)
{
	const uint8_t *p;
	size_t n;

	if (ko_elf_section(e, "__ksymtab_strings", &p, &n) < 0)
		return;
	while (n) {
		const uint8_t *end = memchr(p, '\0', n);
		size_t len = end ? (size_t)(end - p) : n;

		if (len) {
			add(s, cap, (const char *)p, len);
			s->nexp++;
		}
		if (!end)
			break;
		n -= len + 1;
		p = end + 1;
	}
}

static int name_at(const uint8_t *strtab, size_t strsize, uint32_t off, const char **ret,
		   size_t *ret_len)
{
	const uint8_t *nul;

	if (off >= strsize)
		return -EBADMSG;
	nul = memchr(strtab + off, '\0', strsize - off);
	if (!nul)
		return -EBADMSG;
	*ret = (const char *)strtab + off;
	*ret_len = (size_t)(nul - (strtab + off));
	return 0;
}

static size_t hash_name(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* __versions entries that no undefined symbol matched (module_layout) come last */
static void unvisited_versions(const struct ko_elf *e, struct mt_syms *s, size_t *cap)
{
	const uint8_t *v;
	size_t n, size = 16, *set;

	if (ko_elf_section(e, "__versions", &v, &n) < 0 || n % VERSION_ENTRY)
		return;
	while (size < s->nund * 2)
		size *= 2;
	set = xcalloc(size, sizeof(*set));
	for (size_t i = 0; i < s->nund; i++) {
		const char *name = s->names + s->off[s->nexp + i];
		size_t h = hash_name(name) & (size - 1);

		while (set[h])
			h = (h + 1) & (size - 1);
		set[h] = s->nexp + i + 1;
	}
	for (size_t k = 0; k < n / VERSION_ENTRY; k++) {
		const char *name = (const char *)v + k * VERSION_ENTRY + 8;
		size_t len = strnlen(name, VERSION_ENTRY - 8), h;
		char buf[VERSION_ENTRY];

		memcpy(buf, name, len);
		buf[len] = '\0';
		for (h = hash_name(buf) & (size - 1); set[h]; h = (h + 1) & (size - 1))
			if (!strcmp(s->names + s->off[set[h] - 1], buf))
				break;
		if (set[h])
			continue;
		add(s, cap, buf, len);
		s->nund++;
	}
	free(set);
}

/* exports: the "__crc_NAME" symbols when there are any (modversions), else
 * __ksymtab_strings; then the undefined symbols in table order */
static int from_symtab(const struct ko_elf *e, const uint8_t *symtab, size_t nsym,
		       const uint8_t *strtab, size_t strsize, struct mt_syms *s,
		       size_t *cap)
{
	int sparc = e->machine == EM_SPARC || e->machine == EM_SPARCV9;

	for (size_t i = 1; i < nsym; i++) {
		const uint8_t *sym = symtab + i * sizeof(Elf64_Sym);
		uint32_t name_off;
		const char *name;
		size_t len;

		memcpy(&name_off, sym + offsetof(Elf64_Sym, st_name), sizeof(name_off));
		if (name_at(strtab, strsize, le32toh(name_off), &name, &len) < 0)
			return -EBADMSG;
		if (len > 6 && !memcmp(name, "__crc_", 6)) {
			add(s, cap, name + 6, len - 6);
			s->nexp++;
		}
	}
	if (!s->nexp)
		ksymtab_strings(e, s, cap);
	for (size_t i = 1; i < nsym; i++) {
		const uint8_t *sym = symtab + i * sizeof(Elf64_Sym);
		uint8_t info = sym[offsetof(Elf64_Sym, st_info)];
		uint32_t name_off;
		uint16_t shndx;
		const char *name;
		size_t len;

		memcpy(&shndx, sym + offsetof(Elf64_Sym, st_shndx), sizeof(shndx));
		if (le16toh(shndx) != SHN_UNDEF)
			continue;
		/* sparc's global register variables look undefined and are not */
		if (sparc && ELF64_ST_TYPE(info) == STT_SPARC_REGISTER)
			continue;
		memcpy(&name_off, sym + offsetof(Elf64_Sym, st_name), sizeof(name_off));
		if (name_at(strtab, strsize, le32toh(name_off), &name, &len) < 0)
			return -EBADMSG;
		if (!len)
			continue;
		add(s, cap, name, len);
		s->nund++;
	}
	unvisited_versions(e, s, cap);
	return 0;
}

int mt_syms_read(const struct ko_elf *e, struct mt_syms *ret)
{
	struct mt_syms s = { 0 };
	const uint8_t *symtab, *strtab;
	size_t symsize, strsize, cap = 0;
	int r = 0;

	if (ko_elf_section(e, ".symtab", &symtab, &symsize) < 0 ||
	    ko_elf_section(e, ".strtab", &strtab, &strsize) < 0 ||
	    symsize % sizeof(Elf64_Sym))
		/* libkmod then finds exports in __ksymtab_strings and no dependencies */
		ksymtab_strings(e, &s, &cap);
	else
		r = from_symtab(e, symtab, symsize / sizeof(Elf64_Sym), strtab, strsize,
				&s, &cap);
	if (r < 0) {
		mt_syms_free(&s);
		return r;
	}
	*ret = s;
	return 0;
}

void mt_syms_free(struct mt_syms *s)
{
	free(s->names);
	free(s->off);
	memset(s, 0, sizeof(*s));
}

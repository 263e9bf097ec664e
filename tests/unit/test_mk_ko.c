/* SPDX-License-Identifier: MIT */
/* test_mk_ko.c: module files: decompression by magic, .modinfo parsing, and no crash or
 * out-of-bounds read on truncated streams and hostile ELF headers. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ko.h"
#include "tap.h"

static char fix[4096]; /* the fixture directory */
static char tmp[256];  /* scratch files */

static void bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(1);
}

static void setup(void)
{
	const char *src = getenv("EARLYMOD_SRCDIR"), *pre = getenv("EARLYMOD_FIXTURES");
	char cmd[8192];

	if (!mkdtemp(strcpy(tmp, "/tmp/test_mk_ko.XXXXXX")))
		bail("mkdtemp");
	if (pre) {
		snprintf(fix, sizeof(fix), "%s", pre);
		return;
	}
	snprintf(fix, sizeof(fix), "%s/fix", tmp);
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/fixtures/mkfixture.sh' '%s'",
		 src ? src : ".", fix);
	if (system(cmd))
		bail("tests/fixtures/mkfixture.sh failed (needs cc, zstd, xz, gzip)");
}

static void teardown(void)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd))
		printf("# could not remove %s\n", tmp);
}

static char *path(const char *dir, const char *name)
{
	static char buf[4][8192];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", dir, name);
	return buf[n];
}

static void write_file(const char *p, const void *data, size_t len)
{
	FILE *f = fopen(p, "we");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		bail("write_file");
}

static uint8_t *slurp(const char *p, size_t *len)
{
	uint8_t *d;
	enum ko_comp c;

	if (ko_read(p, &d, len, &c) < 0 || c != KO_NONE)
		bail("slurp");
	return d;
}

static int read_modinfo_file(const char *p, struct modinfo *mi, enum ko_comp *comp)
{
	uint8_t *d;
	size_t len;
	int r = ko_read(p, &d, &len, comp);

	if (r < 0)
		return r;
	r = ko_modinfo(d, len, mi);
	free(d);
	return r;
}

static int same_modinfo(const struct modinfo *a, const struct modinfo *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->kv[i].key, b->kv[i].key) ||
		    strcmp(a->kv[i].value, b->kv[i].value))
			return 0;
	return 1;
}

static void test_sample(void)
{
	static const char *const want[][2] = {
		{ "license", "GPL" },
		{ "description", "two\nlines" },
		{ "flagonly", "" },
		{ "alias", "pci:v00008086d*sv*" },
		{ "alias", "usb:v1234p*" },
		{ "depends", "" },
		{ "empty", "" },
		{ "eq", "a=b" },
		{ "parm", "debug:line one\nline two\n" },
		{ "name", "sample" },
		{ "vermagic", "1.0-test SMP mod_unload " },
	};
	static const char *const ext[] = { "", ".gz", ".xz", ".zst" };
	static const enum ko_comp comp[] = { KO_NONE, KO_GZIP, KO_XZ, KO_ZSTD };
	struct modinfo plain, mi;
	uint8_t *pd, *d;
	size_t plen, len;
	enum ko_comp c;
	int r;

	r = read_modinfo_file(path(fix, "ko/sample.ko"), &plain, &c);
	is_int(r, 0, "plain sample.ko parses");
	is_int(plain.n, sizeof(want) / sizeof(want[0]), "padding skipped: %zu entries",
	       plain.n);
	for (size_t i = 0; i < plain.n && i < sizeof(want) / sizeof(want[0]); i++) {
		is_str(plain.kv[i].key, want[i][0], "entry %zu key", i);
		is_str(plain.kv[i].value, want[i][1], "entry %zu value", i);
	}
	is_str(modinfo_get(&plain, "alias"), "pci:v00008086d*sv*",
	       "modinfo_get: first value");
	ok(modinfo_get(&plain, "nosuch") == NULL, "modinfo_get: absent key is NULL");
	ok(modinfo_get(&plain, "flag") == NULL, "modinfo_get: no prefix match");
	pd = slurp(path(fix, "ko/sample.ko"), &plen);
	for (size_t e = 1; e < 4; e++) {
		char name[64];

		snprintf(name, sizeof(name), "ko/sample.ko%s", ext[e]);
		r = ko_read(path(fix, name), &d, &len, &c);
		is_int(r, 0, "%s reads", name);
		if (r < 0)
			continue;
		is_int(c, comp[e], "%s: compression told by magic", name);
		ok(len == plen && !memcmp(d, pd, len), "%s: same bytes as the plain file",
		   name);
		r = ko_modinfo(d, len, &mi);
		ok(r == 0 && same_modinfo(&plain, &mi), "%s: same modinfo", name);
		modinfo_free(&mi);
		free(d);
	}
	/* magic, not name: zstd bytes under a .ko name, ELF bytes under .ko.xz */
	{
		uint8_t *z;
		size_t zlen;
		int fd = open(path(fix, "ko/sample.ko.zst"), O_RDONLY | O_CLOEXEC);

		if (fd < 0 || ko_slurp_fd(fd, &z, &zlen) < 0)
			bail("read sample.ko.zst");
		close(fd);
		write_file(path(tmp, "zstd-named.ko"), z, zlen);
		write_file(path(tmp, "elf-named.ko.xz"), pd, plen);
		r = ko_read(path(tmp, "zstd-named.ko"), &d, &len, &c);
		ok(r == 0 && c == KO_ZSTD && len == plen && !memcmp(d, pd, plen),
		   "zstd data named .ko is decompressed");
		if (r == 0)
			free(d);
		r = ko_read(path(tmp, "elf-named.ko.xz"), &d, &len, &c);
		ok(r == 0 && c == KO_NONE && len == plen,
		   "ELF named .ko.xz is read as is");
		if (r == 0)
			free(d);
		free(z);
	}
	modinfo_free(&plain);
	free(pd);
}

/* each compressed sample cut short, with a flipped byte, with garbage behind it, and
 * doubled (concatenated streams decompress to the data twice) */
static void test_bad_streams(void)
{
	static const char *const ext[] = { ".gz", ".xz", ".zst" };
	static const size_t magic[] = { 2, 6, 4 };
	size_t plen;
	uint8_t *pd = slurp(path(fix, "ko/sample.ko"), &plen);

	for (size_t e = 0; e < 3; e++) {
		char name[64], *p;
		uint8_t *z, *d, *buf;
		size_t zlen, len;
		int fd, r;

		snprintf(name, sizeof(name), "ko/sample.ko%s", ext[e]);
		fd = open(path(fix, name), O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ko_slurp_fd(fd, &z, &zlen) < 0)
			bail("read compressed sample");
		close(fd);
		p = path(tmp, "bad");
		buf = malloc(zlen * 2 + 16);
		/* shorter than the magic, a file is not compressed: start at the magic */
		for (size_t cut = magic[e]; cut < zlen; cut += cut < 64 ? 1 : 97) {
			write_file(p, z, cut);
			r = ko_read(p, &d, &len, NULL);
			if (r != -EBADMSG) {
				is_int(r, -EBADMSG, "%s cut to %zu bytes", ext[e], cut);
				if (r == 0)
					free(d);
				break;
			}
		}
		ok(1, "%s: every truncation is -EBADMSG", ext[e]);
		write_file(p, z, zlen - 1);
		is_int(ko_read(p, &d, &len, NULL), -EBADMSG, "%s missing its last byte",
		       ext[e]);
		memcpy(buf, z, zlen);
		buf[zlen / 2] ^= 0x55;
		write_file(p, buf, zlen);
		r = ko_read(p, &d, &len, NULL);
		is_int(r, -EBADMSG, "%s with a flipped byte in the middle", ext[e]);
		if (r == 0)
			free(d);
		memcpy(buf, z, zlen);
		memcpy(buf + zlen, "garbage!", 8);
		write_file(p, buf, zlen + 8);
		is_int(ko_read(p, &d, &len, NULL), -EBADMSG, "%s followed by garbage",
		       ext[e]);
		memcpy(buf + zlen, z, zlen);
		write_file(p, buf, zlen * 2);
		r = ko_read(p, &d, &len, NULL);
		ok(r == 0 && len == plen * 2 && !memcmp(d, pd, plen) &&
			   !memcmp(d + plen, pd, plen),
		   "%s: two concatenated streams", ext[e]);
		if (r == 0)
			free(d);
		/* the magic alone */
		write_file(p, z, magic[e]);
		is_int(ko_read(p, &d, &len, NULL), -EBADMSG, "%s: magic bytes only",
		       ext[e]);
		free(buf);
		free(z);
	}
	free(pd);
}

static void test_read_errors(void)
{
	uint8_t *d;
	size_t len;

	is_int(ko_read(path(tmp, "does-not-exist.ko"), &d, &len, NULL), -ENOENT,
	       "missing file: -ENOENT");
	is_int(ko_read(tmp, &d, &len, NULL), -EISDIR, "a directory: -EISDIR");
	write_file(path(tmp, "empty.ko"), "", 0);
	ok(ko_read(path(tmp, "empty.ko"), &d, &len, NULL) == 0 && len == 0,
	   "an empty file reads as 0 bytes");
	free(d);
}

/* a minimal ELF64 LE relocatable image: sections null, .shstrtab, .modinfo */
static size_t build_elf(uint8_t *out, size_t cap, const char *mi, size_t milen)
{
	static const char names[] = "\0.shstrtab\0.modinfo\0";
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh[3] = { { 0 } };
	size_t off = sizeof(eh), nameoff, mioff, shoff;

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 1;
	nameoff = off;
	off += sizeof(names);
	mioff = off;
	off += milen;
	shoff = (off + 7) & ~(size_t)7;
	eh.e_shoff = shoff;
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_STRTAB;
	sh[1].sh_offset = nameoff;
	sh[1].sh_size = sizeof(names);
	sh[2].sh_name = 11;
	sh[2].sh_type = SHT_PROGBITS;
	sh[2].sh_offset = mioff;
	sh[2].sh_size = milen;
	if (shoff + sizeof(sh) > cap)
		bail("build_elf");
	memset(out, 0, shoff);
	memcpy(out, &eh, sizeof(eh));
	memcpy(out + nameoff, names, sizeof(names));
	memcpy(out + mioff, mi, milen);
	memcpy(out + shoff, sh, sizeof(sh));
	return shoff + sizeof(sh);
}

static Elf64_Ehdr *ehdr(uint8_t *elf)
{
	return (Elf64_Ehdr *)elf;
}

static Elf64_Shdr *shdr(uint8_t *elf, size_t i)
{
	return (Elf64_Shdr *)(elf + ehdr(elf)->e_shoff) + i;
}

static void test_modinfo_edges(void)
{
	static const char mi[] = "\0\0a=1\0\0\0b\0c=x\ny\0\0last=unterminated";
	uint8_t good[512], e[512];
	size_t n = build_elf(good, sizeof(good), mi, sizeof(mi) - 1);
	struct modinfo m;
	int r;

	r = ko_modinfo(good, n, &m);
	is_int(r, 0, "hand-built ELF parses");
	ok(r == 0 && m.n == 4, "4 entries, padding skipped");
	if (r == 0 && m.n == 4) {
		is_str(m.kv[0].key, "a", "a");
		is_str(m.kv[0].value, "1", "a=1");
		is_str(m.kv[1].key, "b", "key without '='");
		is_str(m.kv[1].value, "", "has an empty value");
		is_str(m.kv[2].value, "x\ny", "value with a newline");
		is_str(m.kv[3].value, "unterminated", "last string without NUL");
	}
	modinfo_free(&m);
	/* an empty .modinfo */
	n = build_elf(e, sizeof(e), "", 0);
	r = ko_modinfo(e, n, &m);
	ok(r == 0 && m.n == 0, "empty .modinfo: no entries");
	modinfo_free(&m);

#define MUTATE(what, want, stmt)                                 \
	do {                                                     \
		n = build_elf(e, sizeof(e), mi, sizeof(mi) - 1); \
		stmt;                                            \
		r = ko_modinfo(e, n, &m);                        \
		is_int(r, want, what);                           \
		if (r == 0)                                      \
			modinfo_free(&m);                        \
	} while (0)

	MUTATE("not ELF", -ENOEXEC, memcpy(e, "\177ELX", 4));
	MUTATE("ELFCLASS32", -ENOEXEC, e[EI_CLASS] = ELFCLASS32);
	MUTATE("big-endian", -ENOEXEC, e[EI_DATA] = ELFDATA2MSB);
	MUTATE("ET_EXEC", -ENOEXEC, ehdr(e)->e_type = ET_EXEC);
	MUTATE("shorter than a header", -ENOEXEC, n = sizeof(Elf64_Ehdr) - 1);
	MUTATE("no section table", -EBADMSG, ehdr(e)->e_shoff = 0);
	MUTATE("section table past the end", -EBADMSG, ehdr(e)->e_shoff = n + 64);
	MUTATE("section table offset overflows", -EBADMSG,
	       ehdr(e)->e_shoff = UINT64_MAX - 8);
	MUTATE("section table cut off", -EBADMSG, n -= 8);
	MUTATE("too many sections", -EBADMSG, ehdr(e)->e_shnum = 0xfff0);
	MUTATE("small e_shentsize", -EBADMSG, ehdr(e)->e_shentsize = 8);
	MUTATE("shstrndx out of range", -EBADMSG, ehdr(e)->e_shstrndx = 3);
	MUTATE("shstrtab past the end", -EBADMSG, shdr(e, 1)->sh_offset = 1 << 20);
	MUTATE("shstrtab size overflows", -EBADMSG, shdr(e, 1)->sh_size = UINT64_MAX);
	MUTATE("section name past shstrtab", -EBADMSG, shdr(e, 2)->sh_name = 4096);
	MUTATE(".modinfo past the end", -EBADMSG, shdr(e, 2)->sh_offset = n);
	MUTATE(".modinfo size overflows", -EBADMSG, shdr(e, 2)->sh_size = UINT64_MAX - 2);
	MUTATE("no .modinfo", -ENOENT, e[ehdr(e)->e_ehsize + 11] = 'X');
	/* ".modinfo" with its NUL cut off by the end of the name table */
	MUTATE("name running out of shstrtab", -ENOENT, shdr(e, 1)->sh_size = 19);
	MUTATE("extended numbering", 0,
	       (shdr(e, 0)->sh_size = 3, ehdr(e)->e_shnum = 0, shdr(e, 0)->sh_link = 1,
		ehdr(e)->e_shstrndx = SHN_XINDEX));
	MUTATE("extended numbering, bad count", -EBADMSG,
	       (shdr(e, 0)->sh_size = 1u << 30, ehdr(e)->e_shnum = 0));
	MUTATE("unaligned section table", 0,
	       (memmove(e + ehdr(e)->e_shoff + 1, e + ehdr(e)->e_shoff,
			3 * sizeof(Elf64_Shdr)),
		ehdr(e)->e_shoff += 1, n += 1));
}

/* random damage to the headers of a real module: any answer but a crash */
static void test_fuzz(void)
{
	size_t plen, bad = 0;
	uint8_t *pd = slurp(path(fix, "ko/sample.ko"), &plen), *e = malloc(plen);
	uint64_t shoff;
	unsigned seed = 12345;

	memcpy(&shoff, pd + offsetof(Elf64_Ehdr, e_shoff), sizeof(shoff));
	for (int i = 0; i < 20000; i++) {
		struct modinfo m;
		size_t len = plen;

		memcpy(e, pd, plen);
		for (int k = 0; k < 1 + i % 4; k++) {
			size_t at;

			seed = seed * 1103515245 + 12345;
			/* the ELF header or the section headers */
			at = (seed >> 8) % 2 ? (seed >> 9) % 64
					     : shoff + (seed >> 9) % (plen - shoff);
			e[at] = (uint8_t)(seed >> 3);
		}
		if (i % 7 == 0)
			len = (seed >> 5) % plen;
		if (ko_modinfo(e, len, &m) == 0)
			modinfo_free(&m);
		else
			bad++;
	}
	ok(1, "20000 damaged images, %zu rejected, no crash", bad);
	free(e);
	free(pd);
}

int main(void)
{
	setup();
	test_sample();
	test_bad_streams();
	test_read_errors();
	test_modinfo_edges();
	test_fuzz();
	teardown();
	return done_testing();
}

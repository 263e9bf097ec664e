/* SPDX-License-Identifier: MIT */
/* modtree_info.c: reads every module's compression, .modinfo and (for depmod's own
 * computation) symbols, on a few threads. Of a plain module only the headers and the
 * sections needed are read, with pread() into a buffer each thread keeps: mmap() would
 * do the same, but munmap() from several threads costs TLB shootdowns that ate all the
 * gain. A compressed module has to be decompressed whole: there the threads pay off. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modtree_int.h"
#include "xalloc.h"

#define MAX_THREADS 8

enum stage { ST_OPEN, ST_STREAM, ST_ELF };

struct job {
	struct modtree *t;
	int dfd;
	atomic_size_t next;
	int *res;
	enum stage *stage;
	struct mt_syms *syms;
};

static ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done,
				  (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The sections the parsers look at, for one file */
static int wanted(const char *name, size_t avail, int syms)
{
	static const char *const names[] = { ".modinfo", ".symtab", ".strtab",
					     "__ksymtab_strings", "__versions" };

	for (size_t i = 0; i < (syms ? 5u : 1u); i++) {
		size_t n = strlen(names[i]) + 1;

		if (avail >= n && !memcmp(name, names[i], n))
			return 1;
	}
	return 0;
}

/* Fill img (size bytes of buffer, the first 64 read already) with the parts of the file
 * that ko_elf_open(), ko_elf_section() and the parsers read: the section header table,
 * the section name table and the wanted sections. Bytes in between are left as they
 * are: nothing reads them. 1: something looks odd, read the whole file instead, and
 * let the parsers judge it on all of its bytes. */
static int fetch_parts(int fd, uint8_t *img, size_t size, int syms)
{
	uint64_t shoff, stroff, strsize;
	size_t shentsize, shnum, shstrndx, tab;
	const uint8_t *sh;
	ssize_t n;

	if (size < 64 || memcmp(img, ELFMAG, SELFMAG))
		return 1;
	shoff = get_le(img + offsetof(Elf64_Ehdr, e_shoff), 8);
	shentsize = get_le(img + offsetof(Elf64_Ehdr, e_shentsize), 2);
	shnum = get_le(img + offsetof(Elf64_Ehdr, e_shnum), 2);
	shstrndx = get_le(img + offsetof(Elf64_Ehdr, e_shstrndx), 2);
	if (shentsize < sizeof(Elf64_Shdr) || !shnum || shstrndx >= shnum ||
	    shoff > size || (uint64_t)shnum * shentsize > size - shoff)
		return 1;
	tab = shnum * shentsize;
	n = pread_full(fd, img + shoff, tab, shoff);
	if (n < 0 || (size_t)n < tab)
		return n < 0 ? (int)n : 1;
	sh = img + shoff + shstrndx * shentsize;
	stroff = get_le(sh + offsetof(Elf64_Shdr, sh_offset), 8);
	strsize = get_le(sh + offsetof(Elf64_Shdr, sh_size), 8);
	if (stroff > size || strsize > size - stroff)
		return 1;
	n = pread_full(fd, img + stroff, strsize, stroff);
	if (n < 0 || (uint64_t)n < strsize)
		return n < 0 ? (int)n : 1;
	for (size_t i = 1; i < shnum; i++) {
		const uint8_t *sec = img + shoff + i * shentsize;
		uint64_t name = get_le(sec + offsetof(Elf64_Shdr, sh_name), 4);
		uint64_t off = get_le(sec + offsetof(Elf64_Shdr, sh_offset), 8);
		uint64_t len = get_le(sec + offsetof(Elf64_Shdr, sh_size), 8);

		if (name >= strsize ||
		    !wanted((const char *)img + stroff + name, strsize - name, syms) ||
		    get_le(sec + offsetof(Elf64_Shdr, sh_type), 4) == SHT_NOBITS)
			continue;
		if (off > size || len > size - off)
			return 1;
		n = pread_full(fd, img + off, len, off);
		if (n < 0 || (uint64_t)n < len)
			return n < 0 ? (int)n : 1;
	}
	return 0;
}

static int fetch_sections(int fd, uint8_t *img, size_t size, int syms)
{
	int r = fetch_parts(fd, img, size, syms);
	ssize_t n;

	if (r <= 0)
		return r;
	n = pread_full(fd, img, size, 0);
	if (n < 0)
		return (int)n;
	/* a file that shrank under us: what is left past its end is old bytes */
	return (size_t)n < size ? -EIO : 0;
}

/* raw, img: this thread's buffers, reused from module to module so that their pages are
 * faulted in once */
static int read_one(struct job *j, size_t i, struct ko_buf *raw, struct ko_buf *img)
{
	struct mt_module *m = &j->t->mods[i];
	size_t size, head;
	struct stat st;
	ssize_t n;
	int fd, r;

	j->stage[i] = ST_OPEN;
	fd = openat(j->dfd, m->relpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > KO_MAX_SIZE) {
		r = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		goto out;
	}
	size = (size_t)st.st_size;
	img->len = 0;
	r = ko_buf_reserve(img, size > 64 ? size : 64);
	if (r < 0)
		goto out;
	head = size < 64 ? size : 64;
	n = pread_full(fd, img->data, head, 0);
	if (n < 0 || (size_t)n < head) {
		r = n < 0 ? (int)n : -EIO;
		goto out;
	}
	m->comp = ko_detect(img->data, head);
	if (m->comp == KO_NONE) {
		r = fetch_sections(fd, img->data, size, j->syms != NULL);
		if (r < 0)
			goto out;
		img->len = size;
	} else {
		raw->len = 0;
		r = ko_buf_reserve(raw, size);
		if (r < 0)
			goto out;
		memcpy(raw->data, img->data, head);
		n = pread_full(fd, raw->data + head, size - head, head);
		if (n < 0 || (size_t)n < size - head) {
			r = n < 0 ? (int)n : -EIO;
			goto out;
		}
		j->stage[i] = ST_STREAM;
		r = ko_decompress_buf(m->comp, raw->data, size, img);
		if (r < 0)
			goto out;
	}
	j->stage[i] = ST_ELF;
	r = ko_modinfo(img->data, img->len, &m->mi);
	if (r == -ENOENT)
		r = 0; /* no .modinfo: nothing to say about this module */
	if (r == 0 && j->syms) {
		struct ko_elf e;

		r = ko_elf_open(&e, img->data, img->len);
		if (r == 0)
			r = mt_syms_read(&e, &j->syms[i]);
	}
out:
	close(fd);
	return r;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct ko_buf raw = { 0 }, img = { 0 };
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->t->nmods)
		j->res[i] = read_one(j, i, &raw, &img);
	free(raw.data);
	free(img.data);
	return NULL;
}

static const char *describe(int r, enum stage st, enum ko_comp comp)
{
	static const char *const name[] = { "", "gzip", "xz", "zstd" };

	if (st == ST_STREAM && r == -EBADMSG)
		return name[comp];
	if (st == ST_ELF && r == -EBADMSG)
		return "bad ELF section or symbol table";
	if (st == ST_ELF && r == -ENOEXEC)
		return "not an ELF64 little-endian relocatable object";
	return strerror(-r);
}

int mt_read_info(struct modtree *t, int dfd, const unsigned *lines, struct mt_syms *syms,
		 char *err, size_t errlen)
{
	struct job j = { t, dfd, 0, xcalloc(t->nmods, sizeof(int)),
			 xcalloc(t->nmods, sizeof(enum stage)), syms };
	pthread_t th[MAX_THREADS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nth = 0, want;
	int r = 0;

	want = ncpu < 1 ? 1 : ncpu > MAX_THREADS ? MAX_THREADS : (size_t)ncpu;
	/* a handful of modules is not worth a thread */
	if (t->nmods < 32)
		want = 1;
	for (; nth + 1 < want; nth++)
		if (pthread_create(&th[nth], NULL, worker, &j))
			break;
	worker(&j);
	for (size_t k = 0; k < nth; k++)
		pthread_join(th[k], NULL);
	/* the first failure in priority order, whichever thread met it */
	for (size_t i = 0; i < t->nmods; i++) {
		const struct mt_module *m = &t->mods[i];
		/* modules.dep may name a file outside the directory by absolute path */
		const char *dir = m->relpath[0] == '/' ? "" : t->moddir;
		const char *sep = m->relpath[0] == '/' ? "" : "/";

		if (!j.res[i])
			continue;
		r = j.res[i];
		if (j.stage[i] == ST_STREAM && r == -EBADMSG)
			r = mt_err(err, errlen, r,
				   "%s%s%s: corrupt or truncated %s stream", dir, sep,
				   m->relpath, describe(r, j.stage[i], m->comp));
		else if (lines && j.stage[i] == ST_OPEN)
			r = mt_err(err, errlen, r, "%s/modules.dep:%u: %s: %s", t->moddir,
				   lines[i], m->relpath, strerror(-r));
		else
			r = mt_err(err, errlen, r, "%s%s%s: %s", dir, sep, m->relpath,
				   describe(r, j.stage[i], m->comp));
		break;
	}
	free(j.res);
	free(j.stage);
	return r;
}

/* SPDX-License-Identifier: MIT */
/* ko_open.c: reads a module file whole and hands it to the codec its magic bytes name. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ko.h"
#include "xalloc.h"

enum ko_comp ko_detect(const uint8_t *d, size_t len)
{
	if (len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return KO_GZIP;
	if (len >= 6 && !memcmp(d, "\xfd" "7zXZ\0", 6))
		return KO_XZ;
	if (len >= 4 && !memcmp(d, "\x28\xb5\x2f\xfd", 4))
		return KO_ZSTD;
	return KO_NONE;
}

int ko_buf_reserve(struct ko_buf *b, size_t want)
{
	size_t cap = b->cap ? b->cap : 65536;

	if (b->cap - b->len >= want)
		return 0;
	if (want > KO_MAX_SIZE - b->len)
		return -EFBIG;
	while (cap - b->len < want)
		cap = cap > KO_MAX_SIZE / 2 ? KO_MAX_SIZE : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int ko_decompress_buf(enum ko_comp comp, const uint8_t *in, size_t inlen,
		      struct ko_buf *out)
{
	out->len = 0;
	switch (comp) {
	case KO_GZIP:
		return ko_gunzip(in, inlen, out);
	case KO_XZ:
		return ko_unxz(in, inlen, out);
	case KO_ZSTD:
		return ko_unzstd(in, inlen, out);
	case KO_NONE:
		break;
	}
	return -EINVAL;
}

int ko_decompress(enum ko_comp comp, const uint8_t *in, size_t inlen, uint8_t **ret_data,
		  size_t *ret_len)
{
	struct ko_buf b = { 0 };
	int r = ko_decompress_buf(comp, in, inlen, &b);

	if (r < 0) {
		free(b.data);
		return r;
	}
	*ret_data = b.data;
	*ret_len = b.len;
	return 0;
}

int ko_slurp_fd(int fd, uint8_t **ret_data, size_t *ret_len)
{
	struct ko_buf b = { 0 };
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if ((uint64_t)st.st_size > KO_MAX_SIZE)
		return -EFBIG;
	/* a byte more than the size: a file that did not grow ends in one read */
	r = ko_buf_reserve(&b, (size_t)st.st_size + 1);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t n;

		if (b.len == b.cap) {
			r = ko_buf_reserve(&b, 65536);
			if (r < 0)
				goto out;
		}
		n = read(fd, b.data + b.len, b.cap - b.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	*ret_data = b.data;
	*ret_len = b.len;
	return 0;
out:
	free(b.data);
	return r;
}

int ko_read(const char *path, uint8_t **ret_data, size_t *ret_len, enum ko_comp *ret_comp)
{
	uint8_t *raw = NULL, *data;
	size_t rawlen, len;
	enum ko_comp comp;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = ko_slurp_fd(fd, &raw, &rawlen);
	close(fd);
	if (r < 0)
		return r;
	comp = ko_detect(raw, rawlen);
	if (comp == KO_NONE) {
		data = raw;
		len = rawlen;
		raw = NULL;
	} else {
		r = ko_decompress(comp, raw, rawlen, &data, &len);
		if (r < 0)
			goto out;
	}
	*ret_data = data;
	*ret_len = len;
	if (ret_comp)
		*ret_comp = comp;
	r = 0;
out:
	free(raw);
	return r;
}
